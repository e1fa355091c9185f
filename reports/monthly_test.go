package reports_test

import (
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

func TestBuildMonthly(t *testing.T) {
	cat := testCatalogue()
	var figs []vs.Observation
	// Re-referrals: green in August, red in September.
	figs = append(figs, series("rereferrals_12m", "authority", 0.21, 0.26)...)
	// Visits: 16 steady months, then a fall to 80% (red) in September.
	figs = append(figs, series("cla_visits_in_timescale", "authority",
		0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.971, 0.969, 0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.80)...)
	// Referrals: reported to July only.
	refs := series("referrals", "authority", 400, 410)
	for i := range refs {
		refs[i].Period = refs[i].Period.Prev().Prev()
	}
	figs = append(figs, refs...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))

	m := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September))
	if m.Authority != "Test Council" || m.Team.ID != "authority" || len(m.Sections) != 2 ||
		m.Sections[0].Group != "Front Door" || len(m.Sections[0].Rows) != 2 || m.Sections[1].Group != "Children in Care" {
		t.Fatalf("sections: %+v", m.Sections)
	}
	c := m.Cover
	if c.Red != 2 || c.OnTarget != 0 || c.NotOnTarget != 2 || len(c.TurnedRed) != 2 {
		t.Errorf("cover: red %d, on target %d, not %d, turned red %d", c.Red, c.OnTarget, c.NotOnTarget, len(c.TurnedRed))
	}
	if len(c.SignificantlyWorse) != 1 || c.SignificantlyWorse[0].ID != "cla_visits_in_timescale" {
		t.Errorf("significantly worse: %v", c.SignificantlyWorse)
	}
	if len(c.Quality) != 1 || !strings.Contains(c.Quality[0], "Referrals: no figure for September 2026; the latest is for July 2026") {
		t.Errorf("quality: %q", c.Quality)
	}
	for _, sec := range m.Sections {
		for _, r := range sec.Rows {
			if r.Narrative == "" || !strings.Contains(r.Narrative, r.Indicator.Name) {
				t.Errorf("%s: narrative %q", r.Indicator.ID, r.Narrative)
			}
		}
	}

	// As at August: re-referrals green, visits green; nothing turned red.
	aug := reports.BuildMonthly(s, "authority", vs.Month(2026, time.August))
	if aug.Cover.Green != 2 || aug.Cover.Red != 0 || len(aug.Cover.TurnedRed) != 0 {
		t.Errorf("August cover: %+v", aug.Cover.Cover)
	}
}
