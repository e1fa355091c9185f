package assess_test

import (
	"database/sql"
	"strings"
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

// TestTeamThresholds: a count's authority thresholds do not rate a team
// (issue 11.5: every team was green against 50/60 while the authority was
// red at 62); a team's own thresholds do; a ratio's teams are rated by
// the authority's thresholds as before.
func TestTeamThresholds(t *testing.T) {
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	f := func(v float64) *float64 { return &v }
	cat := &vs.Catalogue{
		Teams: []vs.Team{{ID: "front_door", Name: "Front Door"}, {ID: "cic_south", Name: "CiC South"}},
		Indicators: []vs.Indicator{
			{ID: "placements_external", Name: "External placements", Unit: vs.UnitCount, Polarity: vs.LowerIsBetter,
				Frequency: vs.Monthly, Aggregation: vs.AggregateSum, Thresholds: []vs.Threshold{
					{Target: f(50), Amber: f(50), Red: f(60)},
					{Team: "cic_south", Target: f(25), Amber: f(25), Red: f(30)},
				}},
			{ID: "cla_visits_in_timescale", Name: "Visits", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter,
				Frequency: vs.Monthly, Aggregation: vs.AggregateRatio, Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}},
		},
	}
	oct := vs.Month(2026, time.October)
	obs := func(ind, team string, v float64) vs.Observation {
		return vs.Observation{Key: vs.Key{Indicator: ind, Team: team, Period: oct}, Value: n(v), Status: vs.StatusActual}
	}
	s := assess.Build(cat, []vs.Observation{
		obs("placements_external", vs.AuthorityTeam, 62),
		obs("placements_external", "front_door", 30),
		obs("placements_external", "cic_south", 32),
		obs("cla_visits_in_timescale", vs.AuthorityTeam, 0.85),
		obs("cla_visits_in_timescale", "front_door", 0.95),
		obs("cla_visits_in_timescale", "cic_south", 0.75),
	}, vs.IngestStats{}, time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		ind, team string
		want      assess.State
		target    float64 // 0: none
		reason    string  // part of UnratedReason
	}{
		{"placements_external", vs.AuthorityTeam, assess.Red, 50, ""},
		{"placements_external", "front_door", assess.Unrated, 0, "whole authority"},
		{"placements_external", "cic_south", assess.Red, 25, ""},
		{"cla_visits_in_timescale", vs.AuthorityTeam, assess.Amber, 0.9, ""},
		{"cla_visits_in_timescale", "front_door", assess.Green, 0.9, ""},
		{"cla_visits_in_timescale", "cic_south", assess.Red, 0.9, ""},
	} {
		it, _ := s.Item(tt.ind, tt.team)
		if it.Verdict != tt.want {
			t.Errorf("%s/%s: verdict %s, want %s", tt.ind, tt.team, it.Verdict, tt.want)
		}
		gotTarget := 0.0
		if it.Threshold.Target != nil {
			gotTarget = *it.Threshold.Target
		}
		if gotTarget != tt.target {
			t.Errorf("%s/%s: target %v, want %v", tt.ind, tt.team, gotTarget, tt.target)
		}
		if (tt.reason == "") != (it.UnratedReason == "") || !strings.Contains(it.UnratedReason, tt.reason) {
			t.Errorf("%s/%s: unrated reason %q, want one mentioning %q", tt.ind, tt.team, it.UnratedReason, tt.reason)
		}
	}
}
