package assess_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// authority is a whole authority's catalogue and history: 60 monthly
// indicators (a third percentages with thresholds, a third lower-is-better
// numbers with thresholds, a third neutral counts summed across teams) × 30
// teams under 3 areas × 120 months.
func authority() (*vs.Catalogue, []vs.Observation) {
	cat := &vs.Catalogue{}
	for a := range 3 {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("area_%d", a), Name: fmt.Sprintf("Area %d", a)})
	}
	for t := range 27 {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("team_%02d", t), Name: fmt.Sprintf("Team %d", t), Parent: fmt.Sprintf("area_%d", t%3)})
	}
	for i := range 60 {
		ind := vs.Indicator{ID: fmt.Sprintf("ind_%02d", i), Name: fmt.Sprintf("Indicator %d", i), Frequency: vs.Monthly}
		switch i % 3 {
		case 0:
			ind.Unit, ind.Polarity, ind.Aggregation = vs.UnitPercent, vs.HigherIsBetter, vs.AggregateRatio
			ind.Thresholds = []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}
		case 1:
			ind.Unit, ind.Polarity, ind.Aggregation = vs.UnitNumber, vs.LowerIsBetter, vs.AggregateMean
			ind.Thresholds = []vs.Threshold{{Amber: f(18), Red: f(22)}}
		default:
			ind.Unit, ind.Polarity, ind.Aggregation = vs.UnitCount, vs.Neutral, vs.AggregateSum
		}
		cat.Indicators = append(cat.Indicators, ind)
	}
	var obs []vs.Observation
	for i, ind := range cat.Indicators {
		for t, team := range cat.Teams {
			if team.Parent == "" {
				continue // areas and the authority are derived
			}
			p := vs.Month(2016, time.November)
			for m := range 120 {
				x := float64(m)
				wave := math.Sin(x/6+float64(i+t)) + 0.3*math.Sin(x*1.7+float64(t))
				o := vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team.ID, Period: p}, Status: vs.StatusActual}
				switch i % 3 {
				case 0:
					den := 40.0 + float64(t)
					num := math.Round(den * (0.9 + 0.04*wave))
					o.Value, o.Numerator, o.Denominator = nf(num/den), nf(num), nf(den)
				case 1:
					o.Value = nf(17 + 2*wave)
				default:
					o.Value = nf(math.Round(100 + 20*wave))
				}
				obs = append(obs, o)
				p = p.Next()
			}
		}
	}
	return cat, obs
}

// BenchmarkBuild assesses a whole authority from cold (60 indicators × 30
// teams × 120 months; 194,400 figures, 1,800 series with the derived area
// and authority totals): "snapshot" is what serve publishes at once (RAG,
// direction, totals, SPC; forecasts deferred), "forecasts" what it then
// computes in the background, and "rebuild" a snapshot after an ingest
// that changed nothing the forecasts depend on.
//
//	go test -run '^$' -bench Build -benchmem -count 3 ./assess
func BenchmarkBuild(b *testing.B) {
	cat, obs := authority()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	b.Run("snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := (&assess.Builder{Defer: true}).Build(cat, obs, vs.IngestStats{}, now)
			if len(s.Items) != 60*31 || s.PendingForecasts != 60*31 {
				b.Fatalf("%d items, %d pending", len(s.Items), s.PendingForecasts)
			}
		}
	})
	b.Run("forecasts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bl := &assess.Builder{Defer: true}
			s := bl.Build(cat, obs, vs.IngestStats{}, now)
			if err := bl.Forecast(context.Background(), s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		bl := &assess.Builder{Defer: true}
		if err := bl.Forecast(context.Background(), bl.Build(cat, obs, vs.IngestStats{}, now)); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if s := bl.Build(cat, obs, vs.IngestStats{}, now); s.PendingForecasts != 0 {
				b.Fatalf("%d pending after forecasting", s.PendingForecasts)
			}
		}
	})
}
