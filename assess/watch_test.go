package assess_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// changingReader is a store whose figures another process changes.
type changingReader struct {
	mu   sync.Mutex
	seq  int64
	obs  []vs.Observation
	fail bool
}

func (r *changingReader) set(obs []vs.Observation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs, r.seq = obs, r.seq+1
}

func (r *changingReader) Latest(context.Context, vs.Filter) ([]vs.Observation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return nil, errors.New("disk on fire")
	}
	return append([]vs.Observation(nil), r.obs...), nil
}
func (r *changingReader) History(ctx context.Context, f vs.Filter) ([]vs.Observation, error) {
	return r.Latest(ctx, f)
}
func (r *changingReader) Sources(context.Context) ([]vs.Source, error) { return nil, nil }
func (r *changingReader) ChangeSeq(context.Context) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq, nil
}
func (r *changingReader) IngestStats(context.Context) (vs.IngestStats, error) {
	return vs.IngestStats{}, nil
}

func TestWatcherPublishesChanges(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "referrals", Name: "Referrals", Unit: vs.UnitCount, Polarity: vs.Neutral, Frequency: vs.Monthly}}}
	r := &changingReader{}
	published := make(chan *assess.Snapshot, 10)
	w := &assess.Watcher{Reader: r, Catalogue: cat, Poll: 5 * time.Millisecond, Refresh: time.Hour,
		Publish: func(s *assess.Snapshot) { published <- s }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, nil) }()

	first := <-published
	if it, _ := first.Item("referrals", "authority"); it.Has {
		t.Fatalf("first snapshot has a figure before any was stored")
	}
	select {
	case s := <-published:
		t.Fatalf("published again (seq %d) with nothing changed", s.Seq)
	case <-time.After(50 * time.Millisecond):
	}

	r.set([]vs.Observation{{Key: vs.Key{Indicator: "referrals", Team: "authority", Period: vs.Month(2026, time.October)},
		Value: sql.NullFloat64{Float64: 410, Valid: true}, Status: vs.StatusActual}})
	select {
	case s := <-published:
		if it, _ := s.Item("referrals", "authority"); !it.Has || it.Latest.Value.Float64 != 410 || s.Seq != 1 {
			t.Errorf("after a change: %+v (seq %d)", it.Latest, s.Seq)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no snapshot published after the store changed")
	}

	// A failing rebuild keeps the old snapshot and the loop alive.
	r.mu.Lock()
	r.fail = true
	r.mu.Unlock()
	r.set(nil)
	select {
	case s := <-published:
		t.Fatalf("published a snapshot from a failed read: %+v", s)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v on shutdown, want nil", err)
	}
}

// With a deferring builder the first snapshot comes at once, without
// forecasts, and the watcher republishes when the forecasts are done; a
// rebuild with unchanged figures reuses them.
func TestWatcherDefersForecasts(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "visits", Name: "Visits", Unit: vs.UnitPercent,
		Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}}}
	var obs []vs.Observation
	p := vs.Month(2024, time.January)
	for i := range 30 {
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "visits", Team: "authority", Period: p},
			Value: sql.NullFloat64{Float64: 0.95 - 0.002*float64(i), Valid: true}, Status: vs.StatusActual})
		p = p.Next()
	}
	r := &changingReader{obs: obs, seq: 1}
	b := &assess.Builder{Defer: true}
	published := make(chan *assess.Snapshot, 10)
	w := &assess.Watcher{Reader: r, Catalogue: cat, Poll: 5 * time.Millisecond, Refresh: time.Hour, Builder: b,
		Publish: func(s *assess.Snapshot) { published <- s }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	first := <-published
	if it, _ := first.Item("visits", "authority"); it.Outlook != nil || first.PendingForecasts != 1 {
		t.Fatalf("first snapshot: outlook %v, %d pending; want none yet and 1 pending", it.Outlook, first.PendingForecasts)
	}
	select {
	case s := <-published:
		it, _ := s.Item("visits", "authority")
		if s.PendingForecasts != 0 || it.Outlook == nil || len(it.Outlook.Forecast.Points) == 0 {
			t.Fatalf("after forecasting: %d pending, outlook %+v", s.PendingForecasts, it.Outlook)
		}
		if s.Seq != first.Seq {
			t.Errorf("republished at seq %d, want the same data (%d)", s.Seq, first.Seq)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no snapshot with forecasts")
	}
	// The builder kept the forecast: a fresh build needs none.
	again := b.Build(cat, obs, vs.IngestStats{}, time.Now())
	if it, _ := again.Item("visits", "authority"); again.PendingForecasts != 0 || it.Outlook == nil {
		t.Errorf("rebuild with unchanged figures: %d pending", again.PendingForecasts)
	}
	// A changed figure needs a new forecast.
	obs[len(obs)-1].Value.Float64 = 0.5
	if changed := b.Build(cat, obs, vs.IngestStats{}, time.Now()); changed.PendingForecasts != 1 {
		t.Errorf("rebuild with a changed figure: %d pending, want 1", changed.PendingForecasts)
	}
}

func TestForecastRecords(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "visits", Name: "Visits", Unit: vs.UnitPercent,
		Polarity: vs.HigherIsBetter, Frequency: vs.Monthly}}}
	var obs []vs.Observation
	p := vs.Month(2024, time.January)
	for i := range 20 {
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "visits", Team: "authority", Period: p},
			Value: sql.NullFloat64{Float64: 0.9 + 0.01*float64(i%3), Valid: true}, Status: vs.StatusActual})
		p = p.Next()
	}
	built := time.Date(2025, 9, 3, 8, 0, 0, 0, time.UTC)
	s := assess.Build(cat, obs, vs.IngestStats{}, built)
	recs := s.ForecastRecords()
	if len(recs) != 3 {
		t.Fatalf("%d records, want the 3 months shown", len(recs))
	}
	it, _ := s.Item("visits", "authority")
	for k, r := range recs {
		pt := it.Outlook.Forecast.Points[k]
		if r.Origin.String() != "2025-08" || r.Target != it.Outlook.Periods[k] || r.Horizon != k+1 || r.Value != pt.Value ||
			r.Lo95 != pt.Lo95 || r.Kind != vs.ForecastMade || !r.MadeAt.Equal(built) || r.Model != string(it.Outlook.Forecast.Model) {
			t.Errorf("record %d: %+v", k, r)
		}
	}
	if recs[2].Target.String() != "2025-11" {
		t.Errorf("third target %s, want 2025-11", recs[2].Target)
	}
}

// With Reload, each Load takes the catalogue it returns (serve draws the
// benchmarks imported into the store), and a failing Reload fails the Load.
func TestWatcherReload(t *testing.T) {
	ind := vs.Indicator{ID: "agency_rate", Name: "Agency", Unit: vs.UnitPercent, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly}
	old := &vs.Catalogue{Indicators: []vs.Indicator{ind}}
	ind.Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.14, Year: "2025"}}
	drawn := &vs.Catalogue{Indicators: []vs.Indicator{ind}}
	var fail error
	w := &assess.Watcher{Reader: &changingReader{}, Catalogue: old,
		Reload: func(context.Context) (*vs.Catalogue, error) { return drawn, fail }}
	s, err := w.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Catalogue.Indicator("agency_rate"); len(got.Benchmarks) != 1 || got.Benchmarks[0].Value != 0.14 {
		t.Errorf("snapshot catalogue benchmarks %+v, want the reloaded one's", got.Benchmarks)
	}
	fail = errors.New("store gone")
	if _, err := w.Load(context.Background()); !errors.Is(err, fail) {
		t.Errorf("Load with a failing Reload: %v, want it wrapped", err)
	}
}
