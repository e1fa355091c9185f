package collector

import (
	"fmt"
	"testing"

	"github.com/vitalsigns/vitalsigns/config"
)

func TestDidYouMean(t *testing.T) {
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := newMatcher(cat)
	listed := fmt.Sprintf("%d indicators are known: vitalsigns indicators lists them", len(cat.Indicators))
	tests := []struct{ text, want string }{
		{"Referals", `did you mean "referrals"?`},
		{"Re-referals within 12 months", `did you mean "Re-referrals within 12 months" (rereferrals_12m)?`},
		{"Agency social worker rates", `did you mean "Agency social worker rate" (agency_rate)?`},
		{"Average caseload per socal worker", `did you mean "Average caseload per social worker" (caseload_avg)?`},
		{"cla_visits_in_timescales", `did you mean "cla_visits_in_timescale"?`},
		// Nothing close: the hint lists where to look instead of guessing.
		{"Youth offending", listed},
		{"xy", listed},
	}
	for _, tt := range tests {
		if got := m.indicatorHint(tt.text); got != tt.want {
			t.Errorf("hint for %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}
