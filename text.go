package vitalsigns

import (
	"strings"
	"unicode"
)

// FormulaSafe guards text written into a spreadsheet or a CSV file against
// formula injection: a spreadsheet application would run text that starts
// with =, +, -, @ (or a tab or carriage return before one) as a formula, so
// such text gets a leading apostrophe, as OWASP advises. Every cell of text
// from a workbook that vitalsigns writes back goes through it.
func FormulaSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CleanName returns a file name fit to record and show: invalid UTF-8 is
// replaced by U+FFFD, and control characters and Unicode format
// characters are removed — bidi overrides and isolates (U+202E RIGHT-TO-LEFT
// OVERRIDE makes "report‮xslx.exe" display as "reportexe.xlsx"), zero-width
// joiners, soft hyphens. clean is false when anything was changed.
func CleanName(s string) (name string, clean bool) {
	v := strings.ToValidUTF8(s, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, v)
	return name, name == s
}
