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
	cat := &vs.Catalogue{Authority: vs.Authority{Name: "Bench Council"}}
	for t := range 10 {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("team_%d", t), Name: fmt.Sprintf("Team %d", t)})
	}
	var obs []vs.Observation
	for i := range 60 {
		ind := vs.Indicator{ID: fmt.Sprintf("ind_%02d", i), Name: fmt.Sprintf("Indicator %d", i), Group: fmt.Sprintf("Area %d", i%6),
			Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateMean,
			Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}},
			Benchmarks: []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.88, Reference: "year to 31 March 2025"}}}
		cat.Indicators = append(cat.Indicators, ind)
		for t, team := range cat.Teams {
			p := vs.Month(2023, time.November)
			for m := range 36 {
				v := 0.9 + 0.04*math.Sin(float64(m)/5+float64(i+t))
				obs = append(obs, vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team.ID, Period: p}, Value: nf(v), Status: vs.StatusActual,
					Commentary: "Visits were affected by staff sickness; recovery plan in place."})
				p = p.Next()
			}
		}
	}
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
