package collector

import (
	"fmt"
	"regexp"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// maxWarnings caps the warnings of one file.
const maxWarnings = 200

// privacyCheck is a compiled vitalsigns.PrivacyPattern.
type privacyCheck struct {
	vs.PrivacyPattern
	re    *regexp.Regexp
	valid func(string) bool // extra test of a match; nil for none
}

// compilePrivacy compiles the catalogue's patterns; config has already
// refused any that do not compile, so one that fails here is skipped.
func compilePrivacy(pats []vs.PrivacyPattern) []privacyCheck {
	var out []privacyCheck
	for _, p := range pats {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			continue
		}
		c := privacyCheck{PrivacyPattern: p, re: re}
		if p.Check == "nhs_mod11" {
			c.valid = nhsNumberValid
		}
		out = append(out, c)
	}
	return out
}

// identifying returns the description of the first pattern that s matches
// ("an NHS number"), or "".
func identifying(checks []privacyCheck, s string) string {
	for _, c := range checks {
		for _, m := range c.re.FindAllString(s, 8) {
			if c.valid == nil || c.valid(m) {
				return c.Description
			}
		}
	}
	return ""
}

// nhsNumberValid applies the NHS number's modulus 11 check digit: the first
// nine digits weighted 10 down to 2, summed; 11 minus the remainder mod 11
// is the tenth digit (11 counts as 0; 10 is never valid). It keeps a run of
// ten digits such as a phone number from being taken for an NHS number
// nine times in ten.
func nhsNumberValid(s string) bool {
	var d []int
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d = append(d, int(r-'0'))
		}
	}
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := range 9 {
		sum += d[i] * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == d[9]
}

// warn records a warning at w: it does not stop the file.
func (r *reader) warn(w where, f string, reason, hint string) {
	if len(r.warns) >= maxWarnings {
		return
	}
	r.warns = append(r.warns, r.located(w, f, reason, hint))
}

// checkPrivacy warns when Commentary or Outcome text looks as if it
// identifies a child. Each distinct text is checked once per file.
func (r *reader) checkPrivacy(f field, at where, s string) {
	if s == "" || len(r.privacy) == 0 {
		return
	}
	if _, done := r.private[s]; done {
		return
	}
	if len(r.private) < cacheMax {
		r.private[s] = struct{}{}
	}
	if what := identifying(r.privacy, s); what != "" {
		r.warn(at, f.String(), fmt.Sprintf("the %s looks as if it contains %s: it goes into public committee papers", strings.ToLower(f.String()), what),
			"remove anything that could identify a child")
	}
}
