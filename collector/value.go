package collector

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// valueKind classifies a value cell.
type valueKind int

const (
	valueNumber     valueKind = iota
	valueBlank                // an empty cell
	valueMissing              // a no-value marker such as "n/a"
	valueSuppressed           // a small-number suppression marker
)

// value is a parsed value cell.
type value struct {
	kind    valueKind
	num     float64
	percent bool // written with "%": num is already a fraction
}

// noValueMarkers mean "no figure"; suppressionMarkers mean "a small number,
// withheld". Keys are lower case.
var (
	noValueMarkers = map[string]bool{
		"-": true, "–": true, "—": true, "n/a": true, "na": true, "..": true, ".": true, "n.a.": true,
	}
	suppressionMarkers = map[string]bool{
		"c": true, "x": true, "*": true, "low": true, "[c]": true, "[x]": true, "[low]": true,
	}
)

// trimCell removes surrounding white space, including the no-break spaces
// that spreadsheets export.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u202f'
	})
}

// parseValue reads a value, numerator or denominator cell. The error is a
// reason fit for a Problem.
func parseValue(s string) (value, error) {
	s = trimCell(s)
	// A leading apostrophe is how a spreadsheet user forces a number to be
	// kept as text; it is not part of the value.
	if rest, ok := strings.CutPrefix(s, "'"); ok {
		s = trimCell(rest)
	}
	if s == "" {
		return value{kind: valueBlank}, nil
	}
	low := strings.ToLower(s)
	if noValueMarkers[low] {
		return value{kind: valueMissing}, nil
	}
	if suppressionMarkers[low] || isLessThan(low) {
		return value{kind: valueSuppressed}, nil
	}
	if strings.HasPrefix(s, "#") {
		return value{}, fmt.Errorf("the cell holds the spreadsheet error %s: fix the formula, or write n/a", vs.Quote(s))
	}
	num, pct := s, false
	if rest, ok := strings.CutSuffix(num, "%"); ok {
		num, pct = trimCell(rest), true
	}
	neg := false
	if rest, ok := strings.CutPrefix(num, "-"); ok {
		num, neg = rest, true
	} else if len(num) > 2 && num[0] == '(' && num[len(num)-1] == ')' {
		// Accounting style: (12) is -12.
		num, neg = trimCell(num[1:len(num)-1]), true
	}
	num = strings.TrimPrefix(num, "£")
	num, ok := ungroup(num)
	if !ok {
		return value{}, fmt.Errorf("%s is not a number", vs.Quote(s))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return value{}, fmt.Errorf("%s is not a number", vs.Quote(s))
	}
	if neg {
		f = -f
	}
	if pct {
		f /= 100
	}
	return value{kind: valueNumber, num: f, percent: pct}, nil
}

// isLessThan reports whether s is a suppression such as "<5" or "< 10".
func isLessThan(s string) bool {
	rest, ok := strings.CutPrefix(s, "<")
	if !ok {
		return false
	}
	rest = trimCell(rest)
	if rest == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ungroup removes thousands separators from s, accepting them only where
// they belong ("1,234.5", not "1,2" or "12,34"), and refuses anything but
// digits, one point and an exponent.
func ungroup(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == 'e' || r == 'E' || r == '+' || r == '-') {
			return "", false
		}
	}
	if !strings.Contains(s, ",") {
		return s, true
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if strings.ContainsAny(frac, ",") {
		return "", false
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	out := strings.Join(groups, "")
	if frac != "" || strings.HasSuffix(s, ".") {
		out += "." + frac
	}
	return out, true
}

// parseStatus reads a Status cell. ok is false for text that is not a
// status; blank gives "".
func parseStatus(s string) (vs.Status, bool) {
	switch strings.ToLower(trimCell(s)) {
	case "":
		return "", true
	case "actual", "final", "confirmed":
		return vs.StatusActual, true
	case "provisional", "prov", "prov.", "p":
		return vs.StatusProvisional, true
	}
	return "", false
}
