// Package reports renders what committees and leadership read: the monthly
// Vital Signs report and the bi-weekly forecasting report, from the same
// assessment the metrics expose, so that a number never disagrees between
// the dashboard and the committee paper.
//
// It may import assess (and its spc and forecast packages), config and the
// domain.
package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

// Monthly is the content of the monthly Vital Signs report for one team
// (the whole authority, usually) and month.
type Monthly struct {
	Authority string
	// BenchmarksAs names the real authority whose DfE benchmarks a demo
	// shows (vs.Authority.BenchmarksAs); empty when they are the
	// authority's own.
	BenchmarksAs string
	Team         vs.Team
	Period       vs.Period // the month reported on
	AsAt         time.Time // when the assessment was built
	Cover        Cover
	Sections     []Section // one per priority area, in catalogue order
	// LastIssued is the previous report of this kind for the team, if
	// any, and Revisions the figures changed since it was issued (set by
	// the caller, which reads the figures as they stood then).
	LastIssued *vs.IssuedReport
	Revisions  []Revision
}

// Cover is the front page: the counts ("12 on target, 23 not"), what
// turned red, what changed significantly, and data-quality warnings.
type Cover struct {
	assess.Cover
	// SignificantlyWorse and SignificantlyBetter are the indicators whose
	// latest figure SPC flags as special-cause concern or improvement.
	SignificantlyWorse, SignificantlyBetter []*vs.Indicator
	// Quality lists data-quality warnings: late or missing figures, and
	// supplied totals that differ from their teams'.
	Quality []string
}

// Section is one priority area's rows.
type Section struct {
	Group string
	Rows  []Row
}

// Row is one indicator in the scorecard.
type Row struct {
	assess.Item
	// Narrative is the plain-English account of the figure, generated from
	// the assessment; it stands beside the analyst's commentary, never in
	// its place.
	Narrative string
	// Teams are the teams below the report's team that report the
	// indicator, with their figures for the month, for a breakdown chart
	// (caseloads across all social work teams).
	Teams []assess.Item
}

// BuildMonthly assembles the monthly report for team and month from the
// snapshot: each indicator as it stood at the month. An indicator of
// another frequency is shown by its period that contains the month's last
// day (a quarter, a year), or, for a weekly or fortnightly one, by its
// last week or fortnight that ends in the month (weeks are identified by
// their ending date).
func BuildMonthly(s *assess.Snapshot, team string, month vs.Period) *Monthly {
	m, _ := BuildMonthlyContext(context.Background(), s, team, month) // never cancelled
	return m
}

// BuildMonthlyContext is BuildMonthly that stops, returning ctx's error,
// when ctx is done (the client went away): a past month's report makes a
// forecast for each of its rows.
func BuildMonthlyContext(ctx context.Context, s *assess.Snapshot, team string, month vs.Period) (*Monthly, error) {
	t, _ := s.Catalogue.Team(team)
	m := &Monthly{Authority: s.Catalogue.Authority.Name, BenchmarksAs: s.Catalogue.Authority.BenchmarksAs, Team: t, Period: month, AsAt: s.Built}
	var items []assess.Item
	for i := range s.Catalogue.Indicators {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("monthly report for %s: %w", month, err)
		}
		ind := &s.Catalogue.Indicators[i]
		it, ok := s.ItemAt(ind.ID, team, vs.PeriodContaining(ind.Frequency, month.Last))
		if !ok {
			continue
		}
		items = append(items, it)
		k := slices.IndexFunc(m.Sections, func(sec Section) bool { return sec.Group == ind.Group })
		if k < 0 {
			m.Sections = append(m.Sections, Section{Group: ind.Group})
			k = len(m.Sections) - 1
		}
		row := Row{Item: it, Narrative: Narrative(it)}
		for _, tm := range below(s.Catalogue, team) {
			// The breakdown shows each team's figure and RAG, not its
			// forecast: StandingAt does not make one.
			if ti, ok := s.StandingAt(ind.ID, tm, vs.PeriodContaining(ind.Frequency, month.Last)); ok && ti.Has && ti.Latest.Period == it.Latest.Period {
				row.Teams = append(row.Teams, ti)
			}
		}
		m.Sections[k].Rows = append(m.Sections[k].Rows, row)
	}
	m.Cover = Cover{Cover: assess.CoverOf(t, items)}
	for _, it := range items {
		if last, ok := lastPoint(it); ok && !it.BelowMinDenominator {
			switch last.Type {
			case spc.TypeConcern:
				m.Cover.SignificantlyWorse = append(m.Cover.SignificantlyWorse, it.Indicator)
			case spc.TypeImprovement:
				m.Cover.SignificantlyBetter = append(m.Cover.SignificantlyBetter, it.Indicator)
			}
		}
		m.Cover.Quality = append(m.Cover.Quality, quality(it, month)...)
	}
	return m, nil
}

// lastPoint is the SPC point of the item's latest period.
func lastPoint(it assess.Item) (spc.Point, bool) {
	pts := it.Control.Chart.Points
	if it.Control.Err != nil || len(pts) == 0 || it.Control.Chart.TooFew {
		return spc.Point{}, false
	}
	return pts[len(pts)-1], true
}

// HasWeekly reports whether the report shows a weekly or fortnightly
// indicator, whose figure is that of its last week or fortnight ending in
// the month: the report says so.
func (m *Monthly) HasWeekly() bool {
	for _, sec := range m.Sections {
		for _, r := range sec.Rows {
			if f := r.Indicator.Frequency; f == vs.Weekly || f == vs.Biweekly {
				return true
			}
		}
	}
	return false
}

// expected is the period whose figure a monthly report for month should
// show for an item: the period containing the month's last day, or, for
// weeks and fortnights, the last one ending in the month on the series' own
// cadence (the weekday its periods end on, and for fortnights which week),
// taken from its latest figure. Without a figure, a week is taken to end on
// the month's last day.
func expected(it assess.Item, month vs.Period) vs.Period {
	f := it.Indicator.Frequency
	if (f != vs.Weekly && f != vs.Biweekly) || !it.Has {
		return vs.PeriodContaining(f, month.Last)
	}
	want := it.Latest.Period
	for !month.Last.Before(want.Next().Last) {
		want = want.Next()
	}
	return want
}

// quality lists an item's data-quality warnings for the report.
func quality(it assess.Item, month vs.Period) []string {
	var out []string
	ind := it.Indicator
	want := expected(it, month)
	switch {
	case !it.Has:
		out = append(out, ind.Name+": no figure has been reported.")
	case it.Latest.Period != want:
		out = append(out, ind.Name+": no figure for "+periodName(want)+"; the latest is for "+periodName(it.Latest.Period)+".")
	case it.State == assess.Stale:
		out = append(out, ind.Name+": the figures are late.")
	}
	for _, n := range it.Notes {
		out = append(out, ind.Name+": "+n+".")
	}
	return out
}

// below lists the teams under team, at every depth, in catalogue order.
func below(cat *vs.Catalogue, team string) []string {
	under := map[string]bool{team: true}
	var out []string
	for changed := true; changed; {
		changed = false
		for _, t := range cat.Teams {
			parent := t.Parent
			if parent == "" {
				parent = vs.AuthorityTeam
			}
			if under[parent] && !under[t.ID] {
				under[t.ID], changed = true, true
			}
		}
	}
	for _, t := range cat.Teams {
		if under[t.ID] && t.ID != team {
			out = append(out, t.ID)
		}
	}
	return out
}
