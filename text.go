package vitalsigns

import "strings"

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
