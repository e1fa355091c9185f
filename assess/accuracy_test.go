package assess_test

import (
	"context"
	"math"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

func trendItem(t *testing.T, n int) (*assess.Snapshot, assess.Item) {
	t.Helper()
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "visits", Name: "Visits", Unit: vs.UnitPercent,
		Polarity: vs.HigherIsBetter, Frequency: vs.Monthly}}}
	var obs []vs.Observation
	p := vs.Month(2024, time.January)
	for i := range n {
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "visits", Team: "authority", Period: p},
			Value: nf(0.8 + 0.004*float64(i) + 0.003*float64(i%3-1)), Status: vs.StatusActual})
		p = p.Next()
	}
	s := assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("visits", "authority")
	return s, it
}

func TestScoreForecasts(t *testing.T) {
	_, it := trendItem(t, 12) // January to December 2024
	rec := func(origin, target vs.Period, h int, v float64, kind vs.ForecastKind) vs.ForecastRecord {
		return vs.ForecastRecord{Indicator: "visits", Team: "authority", Origin: origin, Target: target, Horizon: h,
			Kind: kind, Model: "holt", Value: v, Lo80: v - 0.01, Hi80: v + 0.01, Lo95: v - 0.02, Hi95: v + 0.02}
	}
	jun, jul, aug := vs.Month(2024, time.June), vs.Month(2024, time.July), vs.Month(2024, time.August)
	actual := func(p vs.Period) float64 {
		for _, pt := range it.History {
			if pt.Period == p {
				return pt.Value.Float64
			}
		}
		t.Fatalf("no figure for %s", p)
		return 0
	}
	recs := []vs.ForecastRecord{
		rec(jun, jul, 1, actual(jul)-0.005, vs.ForecastMade),                                      // inside both intervals
		rec(jun, aug, 2, actual(aug)+0.015, vs.ForecastMade),                                      // inside the 95% only
		rec(vs.Month(2024, time.December), vs.Month(2025, time.January), 1, 0.9, vs.ForecastMade), // not arrived
		rec(jun, jul, 1, 0.5, vs.ForecastBacktest),                                                // another kind
		{Indicator: "visits", Team: "north", Origin: jun, Target: jul, Horizon: 1, Kind: vs.ForecastMade, Value: 0.1},
	}
	acc := assess.ScoreForecasts(it, recs, vs.ForecastMade)
	if acc.All.N != 2 || len(acc.Records) != 3 {
		t.Fatalf("scored %d of %d records, want 2 of 3", acc.All.N, len(acc.Records))
	}
	if math.Abs(acc.All.MAE-0.01) > 1e-12 || acc.All.Coverage80 != 0.5 || acc.All.Coverage95 != 1 {
		t.Errorf("MAE %v, coverage %v/%v; want 0.01, 0.5, 1", acc.All.MAE, acc.All.Coverage80, acc.All.Coverage95)
	}
	if !math.IsNaN(acc.Records[2].Actual) {
		t.Errorf("January 2025 has an actual %v before it arrived", acc.Records[2].Actual)
	}
	// MASE: errors over the mean absolute monthly change up to June.
	var sum float64
	for i := 1; i < 6; i++ {
		sum += math.Abs(it.History[i].Value.Float64 - it.History[i-1].Value.Float64)
	}
	if want := (0.005 + 0.015) / 2 / (sum / 5); math.Abs(acc.All.MASE-want) > 1e-9 {
		t.Errorf("MASE %v, want %v", acc.All.MASE, want)
	}
	if h1 := acc.ByHorizon[1]; h1.N != 1 || math.Abs(h1.MAE-0.005) > 1e-12 {
		t.Errorf("horizon 1: %+v", h1)
	}
}

func TestBacktests(t *testing.T) {
	s, it := trendItem(t, 30)
	recs := assess.Backtests(it, 6, s.Built)
	// Origins at 24..29 values: 3+3+3+3+2+1 forecasts within the history.
	if len(recs) != 15 {
		t.Fatalf("%d backtest records, want 15", len(recs))
	}
	for _, r := range recs {
		want := r.Origin
		for range r.Horizon {
			want = want.Next()
		}
		if r.Target != want || r.Kind != vs.ForecastBacktest || r.Lo95 > r.Value || r.Hi95 < r.Value {
			t.Errorf("record %+v", r)
		}
	}
	if recs[0].Origin.String() != "2025-12" {
		t.Errorf("first origin %s, want 2025-12 (the 24th month)", recs[0].Origin)
	}
	acc := assess.ScoreForecasts(it, recs, vs.ForecastBacktest)
	if acc.All.N != 15 || !(acc.All.MASE < 1.5) {
		t.Errorf("backtest accuracy %+v: a gentle trend should be forecast about as well as naive or better", acc.All)
	}
}

type memLog struct{ recs []vs.ForecastRecord }

func (m *memLog) RecordForecasts(_ context.Context, recs []vs.ForecastRecord) (int, error) {
	m.recs = append(m.recs, recs...)
	return len(recs), nil
}

func (m *memLog) Forecasts(_ context.Context, f vs.Filter) ([]vs.ForecastRecord, error) {
	var out []vs.ForecastRecord
	for _, r := range m.recs {
		if (f.Indicator == "" || r.Indicator == f.Indicator) && (f.Team == "" || r.Team == f.Team) {
			out = append(out, r)
		}
	}
	return out, nil
}

func TestBackfill(t *testing.T) {
	s, _ := trendItem(t, 20)
	log := &memLog{}
	n, err := assess.Backfill(context.Background(), log, s)
	if err != nil || n == 0 || n != len(log.recs) {
		t.Fatalf("backfill: %d, %v (%d in the log)", n, err, len(log.recs))
	}
	// A second run finds the backtests there and adds nothing.
	if n, err := assess.Backfill(context.Background(), log, s); err != nil || n != 0 {
		t.Errorf("second backfill: %d, %v; want 0", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := assess.Backfill(ctx, &memLog{}, s); err == nil {
		t.Error("a cancelled backfill returned no error")
	}
}
