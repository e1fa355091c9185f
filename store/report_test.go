package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

// Figures as they stood: a revision recorded later and a withdrawal later
// do not show in what was in force earlier.
func TestLatestAsOfAndReports(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), store.WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sep := vs.Month(2026, time.September)
	fig := func(v float64) vs.Observation {
		o := obs("agency_rate", "north", time.September, v)
		o.Period = sep
		return o
	}
	if _, err := s.Ingest(ctx, vs.Source{Name: "first.csv", SHA256: "1"}, vs.ObservationSlice{fig(0.2)}); err != nil {
		t.Fatal(err)
	}
	t1 := clock
	clock = clock.Add(36*time.Hour + 500*time.Millisecond) // fractional seconds in the stamp
	second, err := s.Ingest(ctx, vs.Source{Name: "second.csv", SHA256: "2"}, vs.ObservationSlice{fig(0.25)})
	if err != nil {
		t.Fatal(err)
	}
	t2 := clock
	clock = clock.Add(24 * time.Hour)
	if _, err := s.Withdraw(ctx, second.SourceID, "wrong month"); err != nil {
		t.Fatal(err)
	}
	t3 := clock
	value := func(at time.Time) float64 {
		t.Helper()
		got, err := s.LatestAsOf(ctx, vs.Filter{Indicator: "agency_rate"}, at)
		if err != nil || len(got) != 1 {
			t.Fatalf("as of %s: %v, %v", at, got, err)
		}
		return got[0].Value.Float64
	}
	for _, tt := range []struct {
		at   time.Time
		want float64
	}{
		{t1, 0.2}, {t2.Add(-time.Millisecond), 0.2}, {t2, 0.25}, {t3.Add(-time.Second), 0.25}, {t3, 0.2},
	} {
		if got := value(tt.at); got != tt.want {
			t.Errorf("as of %s: %v, want %v", tt.at, got, tt.want)
		}
	}
	if got, _ := s.LatestAsOf(ctx, vs.Filter{}, t1.Add(-time.Hour)); len(got) != 0 {
		t.Errorf("before anything was stored: %d figures", len(got))
	}

	// Reports: the last one issued before an instant.
	if _, ok, err := s.LastReport(ctx, "monthly", "authority", t3); ok || err != nil {
		t.Fatalf("a report before any was issued: %v %v", ok, err)
	}
	for i, at := range []time.Time{t1, t2} {
		if _, err := s.RecordReport(ctx, vs.IssuedReport{Kind: "monthly", Team: "authority", Period: "2026-09", Format: "html",
			GeneratedAt: at, DataAsAt: at, ChangeSeq: int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	r, ok, err := s.LastReport(ctx, "monthly", "authority", t3)
	if err != nil || !ok || !r.GeneratedAt.Equal(t2) || r.ChangeSeq != 1 {
		t.Errorf("last report before t3: %+v %v %v", r, ok, err)
	}
	if r, ok, _ := s.LastReport(ctx, "monthly", "authority", t2); !ok || !r.GeneratedAt.Equal(t1) {
		t.Errorf("last report before t2: %+v", r)
	}
	if _, ok, _ := s.LastReport(ctx, "biweekly", "authority", t3); ok {
		t.Error("a biweekly report was found")
	}
}
