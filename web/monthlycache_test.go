package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// fakeAssembly counts builds and holds each until released or cancelled.
type fakeAssembly struct {
	calls, cancelled, running, maxRunning atomic.Int32
	release                               chan struct{}
}

func (f *fakeAssembly) assemble(ctx context.Context, s *assess.Snapshot, team string, month vs.Period) (*reports.Monthly, error) {
	f.calls.Add(1)
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		m := f.maxRunning.Load()
		if n <= m || f.maxRunning.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-f.release:
		return &reports.Monthly{Period: month, Team: vs.Team{ID: team}}, nil
	case <-ctx.Done():
		f.cancelled.Add(1)
		return nil, ctx.Err()
	}
}

func cacheWith(slots int) (*monthlyCache, *fakeAssembly) {
	f := &fakeAssembly{release: make(chan struct{})}
	c := newMonthlyCache(slots)
	c.assemble = f.assemble
	return c, f
}

// TestMonthlyCacheSharesABuild: requests for the same report while it is
// being built wait for that build; later ones are served from the cache
// until the snapshot changes (issue 12.3).
func TestMonthlyCacheSharesABuild(t *testing.T) {
	c, f := cacheWith(2)
	snap := &assess.Snapshot{}
	aug := vs.Month(2026, time.August)
	var wg sync.WaitGroup
	got := make([]*reports.Monthly, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := c.get(context.Background(), snap, vs.AuthorityTeam, aug)
			if err != nil {
				t.Error(err)
			}
			got[i] = m
		}()
	}
	waitFor(t, func() bool { return f.calls.Load() == 1 && waiters(c) == 5 })
	close(f.release)
	wg.Wait()
	for i := range got {
		if got[i] == nil || got[i] != got[0] {
			t.Fatalf("request %d got %p, want the one shared report %p", i, got[i], got[0])
		}
	}
	if m, err := c.get(context.Background(), snap, vs.AuthorityTeam, aug); err != nil || m != got[0] || f.calls.Load() != 1 {
		t.Errorf("cached: %p, %v after %d builds", m, err, f.calls.Load())
	}
	if _, err := c.get(context.Background(), &assess.Snapshot{}, vs.AuthorityTeam, aug); err != nil || f.calls.Load() != 2 {
		t.Errorf("a new snapshot must build again: %v, %d builds", err, f.calls.Load())
	}
}

// TestMonthlyCacheStopsWhenEveryoneLeaves: a build whose requests have all
// gone is cancelled, and a later request starts a new one.
func TestMonthlyCacheStopsWhenEveryoneLeaves(t *testing.T) {
	c, f := cacheWith(1)
	snap := &assess.Snapshot{}
	aug := vs.Month(2026, time.August)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.get(ctx, snap, vs.AuthorityTeam, aug)
		errc <- err
	}()
	waitFor(t, func() bool { return f.running.Load() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned request: %v, want context.Canceled", err)
	}
	waitFor(t, func() bool { return f.cancelled.Load() == 1 })
	close(f.release)
	if m, err := c.get(context.Background(), snap, vs.AuthorityTeam, aug); err != nil || m == nil || f.calls.Load() != 2 {
		t.Errorf("after the abandoned build: %v, %v, %d builds (want a new one)", m, err, f.calls.Load())
	}
}

// TestMonthlyCacheBoundsBuilds: no more builds run at once than there are
// slots.
func TestMonthlyCacheBoundsBuilds(t *testing.T) {
	c, f := cacheWith(2)
	snap := &assess.Snapshot{}
	var wg sync.WaitGroup
	for m := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.get(context.Background(), snap, vs.AuthorityTeam, vs.Month(2026, time.Month(m+1))); err != nil {
				t.Error(err)
			}
		}()
	}
	waitFor(t, func() bool { return f.running.Load() == 2 })
	time.Sleep(50 * time.Millisecond) // a third would have started by now
	close(f.release)
	wg.Wait()
	if f.maxRunning.Load() != 2 || f.calls.Load() != 6 {
		t.Errorf("%d builds ran at once (want 2), %d in all (want 6)", f.maxRunning.Load(), f.calls.Load())
	}
}

func waiters(c *monthlyCache) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.inflight {
		n += f.waiters
	}
	return n
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(time.Millisecond)
	}
}
