package reports_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/reports"
)

// TestMonthlyWeeklyFigureIsLastWeekEndingInMonth: a weekly series in a
// monthly report is represented by its last week that ends in the month,
// on the series' own weekday; no data-quality warning is given when that
// week is stored (issue 11.1: 30 November 2026 is a Monday, weeks end on
// Sunday, and the report said "no figure for the week ending 30 November").
func TestMonthlyWeeklyFigureIsLastWeekEndingInMonth(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{
		{ID: "cla_awaiting_health_assessment", Name: "Children awaiting a health assessment", Group: "Health",
			Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Weekly, Aggregation: vs.AggregateSum},
		{ID: "fortnightly_backlog", Name: "Fortnightly backlog", Group: "Health",
			Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Biweekly, Aggregation: vs.AggregateSum},
	}}
	var figs []vs.Observation
	// Sundays from 2026-06-07 to 2026-11-29; fortnights ending on
	// Fridays from 2026-06-05 to 2026-11-20 (the next would be 4 December).
	for d := (vs.Date{Year: 2026, Month: time.June, Day: 7}); !(vs.Date{Year: 2026, Month: time.November, Day: 29}).Before(d); d = d.AddDays(7) {
		figs = append(figs, vs.Observation{Key: vs.Key{Indicator: "cla_awaiting_health_assessment", Team: vs.AuthorityTeam,
			Period: vs.WeekEnding(vs.Weekly, d)}, Value: nf(float64(30 + d.Day%5)), Status: vs.StatusActual})
	}
	for d := (vs.Date{Year: 2026, Month: time.June, Day: 5}); !(vs.Date{Year: 2026, Month: time.November, Day: 20}).Before(d); d = d.AddDays(14) {
		figs = append(figs, vs.Observation{Key: vs.Key{Indicator: "fortnightly_backlog", Team: vs.AuthorityTeam,
			Period: vs.WeekEnding(vs.Biweekly, d)}, Value: nf(float64(10 + d.Day%3)), Status: vs.StatusActual})
	}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	nov := reports.BuildMonthly(s, vs.AuthorityTeam, vs.Month(2026, time.November))
	if len(nov.Cover.Quality) != 0 {
		t.Errorf("November: false data-quality warnings %q", nov.Cover.Quality)
	}
	rows := nov.Sections[0].Rows
	if got := rows[0].Latest.Period.Last; got != (vs.Date{Year: 2026, Month: time.November, Day: 29}) {
		t.Errorf("weekly figure shown for the week ending %s, want 2026-11-29", got)
	}
	if got := rows[1].Latest.Period.Last; got != (vs.Date{Year: 2026, Month: time.November, Day: 20}) {
		t.Errorf("fortnightly figure shown for the fortnight ending %s, want 2026-11-20", got)
	}
	if !nov.HasWeekly() {
		t.Error("HasWeekly false with a weekly row")
	}
	var page strings.Builder
	if err := reports.WriteHTML(&page, nov); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "last week or fortnight ending in November 2026") {
		t.Error("the report does not say which week represents the month")
	}

	// Drop the week ending 29 November: now the warning names the week
	// that is missing, on the series' Sunday, not the month's last day.
	figs = slices.DeleteFunc(figs, func(o vs.Observation) bool {
		return o.Period.Last == vs.Date{Year: 2026, Month: time.November, Day: 29}
	})
	s = assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	nov = reports.BuildMonthly(s, vs.AuthorityTeam, vs.Month(2026, time.November))
	want := "Children awaiting a health assessment: no figure for the week ending 29 November 2026; the latest is for the week ending 22 November 2026."
	if len(nov.Cover.Quality) != 1 || nov.Cover.Quality[0] != want {
		t.Errorf("quality %q, want [%q]", nov.Cover.Quality, want)
	}
}

// TestDemoMonthlyReportsHaveNoFalseWarnings: the demo's weekly series in
// every month's report, for the authority and each team, give no warning
// of a missing figure when the week is stored.
func TestDemoMonthlyReportsHaveNoFalseWarnings(t *testing.T) {
	base, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := demo.Catalogue(base)
	now := time.Date(2026, time.December, 8, 10, 0, 0, 0, time.UTC)
	weekly := map[string]bool{}
	for _, ind := range cat.Indicators {
		if ind.Frequency == vs.Weekly || ind.Frequency == vs.Biweekly {
			weekly[ind.ID] = true
		}
	}
	if len(weekly) == 0 {
		t.Fatal("the demo catalogue has no weekly indicator")
	}
	// Only the weekly indicators: forecasting the whole demo for every
	// month takes minutes.
	figs := slices.DeleteFunc(demo.Generate(cat, now, 1), func(o vs.Observation) bool { return !weekly[o.Indicator] })
	cat.Indicators = slices.DeleteFunc(slices.Clone(cat.Indicators), func(ind vs.Indicator) bool { return !weekly[ind.ID] })
	s := assess.Build(cat, figs, vs.IngestStats{}, now)
	months := 0
	for m := vs.Month(2024, time.January); m.Before(vs.Month(2026, time.December)); m = m.Next() {
		months++
		r := reports.BuildMonthly(s, vs.AuthorityTeam, m)
		for _, q := range r.Cover.Quality {
			t.Errorf("%s: %s", m, q)
		}
	}
	if months < 30 {
		t.Fatalf("checked %d months", months)
	}
}

// TestMonthlyFlatCount: a count that is almost always 0 is not "a real
// change for the better", not significantly better on the cover, and not
// "consistently failing" while green at its target; the report says why it
// is not judged (issue 11.3).
func TestMonthlyFlatCount(t *testing.T) {
	zero := 0.0
	two := 2.0
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "social_workers_over_caseload_limit", Name: "Social workers over the caseload limit",
		Group: "Workforce", Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateSum,
		Thresholds: []vs.Threshold{{Target: &zero, Amber: &zero, Red: &two}}}}}
	values := make([]float64, 36)
	values[20] = 1
	s := assess.Build(cat, series("social_workers_over_caseload_limit", vs.AuthorityTeam, values...), vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, vs.AuthorityTeam, vs.Month(2026, time.September))
	if len(m.Cover.SignificantlyBetter) != 0 || len(m.Cover.SignificantlyWorse) != 0 {
		t.Errorf("cover lists a flat count as significant: better %v, worse %v", m.Cover.SignificantlyBetter, m.Cover.SignificantlyWorse)
	}
	narrative := m.Sections[0].Rows[0].Narrative
	if strings.Contains(narrative, "shows a real change") || !strings.Contains(narrative, "barely vary") {
		t.Errorf("narrative %q: want no real change, and why it is not judged", narrative)
	}
	var page strings.Builder
	if err := reports.WriteHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "consistently failing") || !strings.Contains(page.String(), "not judged: the figures barely vary") {
		t.Error("the scorecard does not say the SPC is not judged, or says consistently failing")
	}
}

// TestTeamNarrativeOfACount: a team's share of a count is not set against
// the whole authority's target (issue 11.5).
func TestTeamNarrativeOfACount(t *testing.T) {
	fifty, sixty := 50.0, 60.0
	cat := &vs.Catalogue{Teams: []vs.Team{{ID: "front_door", Name: "Front Door"}},
		Indicators: []vs.Indicator{{ID: "placements_external", Name: "Children in external placements", Group: "Children in Care",
			Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateSum,
			Thresholds: []vs.Threshold{{Target: &fifty, Amber: &fifty, Red: &sixty}}}}}
	figs := append(series("placements_external", vs.AuthorityTeam, 58, 62), series("placements_external", "front_door", 34, 30)...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, "front_door", vs.Month(2026, time.September))
	got := m.Sections[0].Rows[0].Narrative
	if strings.Contains(got, "target of 50") || !strings.Contains(got, "not rated") {
		t.Errorf("Front Door narrative %q: want it not rated against the authority's target", got)
	}
	if m.Cover.OnTarget != 0 || m.Cover.Unrated != 1 {
		t.Errorf("cover: %d on target, %d unrated; want 0 and 1", m.Cover.OnTarget, m.Cover.Unrated)
	}
}

// TestBuildMonthlyStopsWhenCancelled: the report's assembly stops when its
// request has gone (issue 12.3).
func TestBuildMonthlyStopsWhenCancelled(t *testing.T) {
	s := assess.Build(testCatalogue(), series("rereferrals_12m", vs.AuthorityTeam, 0.21, 0.26), vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if m, err := reports.BuildMonthlyContext(ctx, s, vs.AuthorityTeam, vs.Month(2026, time.August)); !errors.Is(err, context.Canceled) || m != nil {
		t.Errorf("cancelled: %v, %v; want context.Canceled and no report", m, err)
	}
	if m, err := reports.BuildMonthlyContext(context.Background(), s, vs.AuthorityTeam, vs.Month(2026, time.August)); err != nil || len(m.Sections) == 0 {
		t.Errorf("not cancelled: %v, %v", m, err)
	}
}
