package reports_test

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// BenchmarkMonthlyHTML renders the monthly report of 60 indicators × 10
// teams (36 months each; the snapshot, with its forecasts, built once):
// assembling the report (BuildMonthly) and writing the page.
//
//	go test -run '^$' -bench MonthlyHTML -benchmem -count 6 ./reports
func BenchmarkMonthlyHTML(b *testing.B) {
	cat, obs := benchFigures(60, 10, 36, "Visits were affected by staff sickness; recovery plan in place.")
	s := assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	month := vs.Month(2026, time.October)
	size := 0
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := reports.WriteHTML(&buf, reports.BuildMonthly(s, vs.AuthorityTeam, month)); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		b.SetBytes(int64(size))
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/page")
}

// BenchmarkMonthlyPastMonth assembles the monthly report of a month before
// the latest for the whole authority with 200 teams (12 indicators, five
// years each): every row and every team's bar is assessed as it stood then
// (issue 12.3: a past month recomputed every team's forecast per request).
//
//	go test -run '^$' -bench MonthlyPastMonth -benchmem -count 6 ./reports
func BenchmarkMonthlyPastMonth(b *testing.B) {
	cat, obs := benchFigures(12, 200, 60, "")
	// The current snapshot's own forecasts play no part in a past month.
	s := (&assess.Builder{Defer: true}).Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	month := vs.Month(2026, time.August)
	b.ReportAllocs()
	for b.Loop() {
		m := reports.BuildMonthly(s, vs.AuthorityTeam, month)
		if n := len(m.Sections[0].Rows[0].Teams); n != 200 {
			b.Fatalf("%d teams in the breakdown, want 200", n)
		}
	}
}

// benchFigures makes a catalogue of indicators percentages (six priority
// areas, target 90%, red under 80%, England at 88%) for teams teams, and
// months monthly figures of each for each team ending in October 2026,
// wavering about 90%, each with the commentary given.
func benchFigures(indicators, teams, months int, commentary string) (*vs.Catalogue, []vs.Observation) {
	cat := &vs.Catalogue{Authority: vs.Authority{Name: "Bench Council"}}
	for t := range teams {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("team_%03d", t), Name: fmt.Sprintf("Team %d", t)})
	}
	var obs []vs.Observation
	for i := range indicators {
		ind := vs.Indicator{ID: fmt.Sprintf("ind_%02d", i), Name: fmt.Sprintf("Indicator %d", i), Group: fmt.Sprintf("Area %d", i%6),
			Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateMean,
			Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}},
			Benchmarks: []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.88, Reference: "year to 31 March 2025"}}}
		cat.Indicators = append(cat.Indicators, ind)
		for t, team := range cat.Teams {
			p := vs.Month(2026, time.October)
			for range months - 1 {
				p = p.Prev()
			}
			for m := range months {
				v := 0.9 + 0.04*math.Sin(float64(m)/5+float64(i+t))
				obs = append(obs, vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team.ID, Period: p}, Value: nf(v), Status: vs.StatusActual,
					Commentary: commentary})
				p = p.Next()
			}
		}
	}
	return cat, obs
}
