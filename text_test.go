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
