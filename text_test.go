package vitalsigns_test

import (
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestFormulaSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "Visits fell": "Visits fell", "": "", "1=1": "1=1",
	} {
		if got := vs.FormulaSafe(in); got != want {
			t.Errorf("FormulaSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCleanName: bidi controls and other invisible characters never reach a
// recorded or shown file name (issue 12.7).
func TestCleanName(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		clean    bool
	}{
		{"october.xlsx", "october.xlsx", true},
		{"Vital Signs – Oct 2026.xlsx", "Vital Signs – Oct 2026.xlsx", true},
		{"report\u202excslx.exe", "reportxcslx.exe", false},
		{"a\u2066b\u2069.csv", "ab.csv", false},
		{"zero\u200bwidth.csv", "zerowidth.csv", false},
		{"tab\there.csv", "tabhere.csv", false},
		{"bad\xffutf8.csv", "bad\uFFFDutf8.csv", false},
	} {
		got, clean := vs.CleanName(tt.in)
		if got != tt.want || clean != tt.clean {
			t.Errorf("CleanName(%q) = %q, %v; want %q, %v", tt.in, got, clean, tt.want, tt.clean)
		}
	}
}
