package store_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

func TestForecastRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	made := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	oct := vs.Month(2026, time.October)
	rec := func(h int, kind vs.ForecastKind, v float64) vs.ForecastRecord {
		target := oct
		for range h {
			target = target.Next()
		}
		return vs.ForecastRecord{Indicator: "cla_visits_in_timescale", Team: "north", Origin: oct, Target: target, Horizon: h,
			Kind: kind, MadeAt: made, Model: "damped", Value: v, Lo80: v - 0.02, Hi80: v + 0.02, Lo95: v - 0.03, Hi95: v + 0.03}
	}
	first := []vs.ForecastRecord{rec(1, vs.ForecastMade, 0.86), rec(2, vs.ForecastMade, 0.85), rec(1, vs.ForecastBacktest, 0.9)}
	seq0, _ := s.ChangeSeq(ctx)
	if n, err := s.RecordForecasts(ctx, first); err != nil || n != 3 {
		t.Fatalf("record: %d, %v; want 3 new", n, err)
	}
	// The same forecast made again (say, after a restart) with a different
	// value does not rewrite what was forecast at the time.
	again := rec(1, vs.ForecastMade, 0.70)
	if n, err := s.RecordForecasts(ctx, []vs.ForecastRecord{again}); err != nil || n != 0 {
		t.Fatalf("record again: %d, %v; want 0 new", n, err)
	}
	if seq, _ := s.ChangeSeq(ctx); seq != seq0 {
		t.Errorf("change counter %d → %d: forecasts do not change the figures", seq0, seq)
	}
	s.Close()

	// Read back from a reopened file.
	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Forecasts(ctx, vs.Filter{Indicator: "cla_visits_in_timescale"})
	if err != nil {
		t.Fatal(err)
	}
	want := []vs.ForecastRecord{first[2], first[0], first[1]} // backtest sorts before made
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("forecasts (-want +got):\n%s", diff)
	}
	if got, _ := s.Forecasts(ctx, vs.Filter{Team: "south"}); len(got) != 0 {
		t.Errorf("south: %d records, want none", len(got))
	}
	bad := rec(1, vs.ForecastMade, 0.8)
	bad.Target = vs.Quarter(2026, 3)
	if _, err := s.RecordForecasts(ctx, []vs.ForecastRecord{bad}); err == nil {
		t.Error("a target of another frequency was stored")
	}
	nan := rec(3, vs.ForecastMade, 0.8)
	nan.Lo95 = math.NaN()
	if _, err := s.RecordForecasts(ctx, []vs.ForecastRecord{rec(4, vs.ForecastMade, 0.8), nan}); err == nil {
		t.Error("a NaN bound was stored")
	}
	if got, _ := s.Forecasts(ctx, vs.Filter{}); len(got) != 3 {
		t.Errorf("%d records after a refused batch, want the 3 before it: the batch is one transaction", len(got))
	}
}
