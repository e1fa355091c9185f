package assess_test

import (
	"database/sql"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// TestWeeklySamePeriodLastYear: a weekly figure is compared with the week
// ending 364 days before (issue 11.2), also across a 29 February.
func TestWeeklySamePeriodLastYear(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "cla_awaiting_health_assessment", Name: "Awaiting",
		Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Weekly, Aggregation: vs.AggregateSum}}}
	for _, tt := range []struct {
		latest, yearAgo vs.Date
	}{
		{vs.Date{Year: 2026, Month: time.December, Day: 6}, vs.Date{Year: 2025, Month: time.December, Day: 7}},
		{vs.Date{Year: 2028, Month: time.June, Day: 4}, vs.Date{Year: 2027, Month: time.June, Day: 6}},
	} {
		var figs []vs.Observation
		// Sundays for 60 weeks up to the latest, the count being the
		// week's number so that each change is known.
		for k := 0; k < 60; k++ {
			d := tt.latest.AddDays(-7 * k)
			figs = append(figs, vs.Observation{Key: vs.Key{Indicator: "cla_awaiting_health_assessment", Team: vs.AuthorityTeam,
				Period: vs.WeekEnding(vs.Weekly, d)}, Value: sql.NullFloat64{Float64: float64(100 - k), Valid: true}, Status: vs.StatusActual})
		}
		s := assess.Build(cat, figs, vs.IngestStats{}, tt.latest.AddDays(2).Time())
		it, _ := s.Item("cla_awaiting_health_assessment", vs.AuthorityTeam)
		if !it.HasLastYear || it.LastYear.Period.Last != tt.yearAgo {
			t.Errorf("week ending %s: last year %v (%v), want the week ending %s", tt.latest, it.LastYear.Period, it.HasLastYear, tt.yearAgo)
			continue
		}
		// 52 weeks earlier the count was 52 lower in this series' terms
		// (100 − 52 = 48 against 100): a change of +52.
		if it.SinceLastYear.Change != 52 || it.SinceLastYear.From.Last != tt.yearAgo {
			t.Errorf("week ending %s: change %v from %s, want +52 from %s", tt.latest, it.SinceLastYear.Change, it.SinceLastYear.From, tt.yearAgo)
		}
	}
}
