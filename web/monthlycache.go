package web

import (
	"context"
	"fmt"
	"sync"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// monthlyCacheSize is how many assembled monthly reports are kept for the
// snapshot in force: a committee's month for the authority and a handful
// of teams.
const monthlyCacheSize = 32

// monthlyCache assembles monthly reports once per snapshot: a past month's
// report makes a forecast for each row, so a second request for the same
// month, team and snapshot (another format, a reload, a colleague) takes
// it from here. Requests for a report being built wait for that build, which
// stops when every request waiting for it has gone; at most slots builds run
// at once. It is keyed by the snapshot itself: a new snapshot (an ingest, a
// forecast finished) starts an empty cache.
type monthlyCache struct {
	slots chan struct{}
	// assemble builds a report: reports.BuildMonthlyContext (tests count
	// and hold its calls).
	assemble func(context.Context, *assess.Snapshot, string, vs.Period) (*reports.Monthly, error)

	mu       sync.Mutex
	snap     *assess.Snapshot
	done     map[monthlyKey]*reports.Monthly
	order    []monthlyKey // oldest first, for eviction
	inflight map[monthlyKey]*monthlyFlight
}

type monthlyKey struct {
	team  string
	month vs.Period
}

// monthlyFlight is one build, shared by the requests that wait for it.
type monthlyFlight struct {
	done    chan struct{}
	m       *reports.Monthly
	err     error
	waiters int
	cancel  context.CancelFunc
	dropped bool // every waiter left: the build was cancelled
}

func newMonthlyCache(slots int) *monthlyCache {
	if slots < 1 {
		slots = 1
	}
	return &monthlyCache{slots: make(chan struct{}, slots), assemble: reports.BuildMonthlyContext}
}

// get returns the monthly report for team and month from snap, building it
// (or waiting for the build under way) unless it is cached. It returns
// ctx's error when the request ends first.
func (c *monthlyCache) get(ctx context.Context, snap *assess.Snapshot, team string, month vs.Period) (*reports.Monthly, error) {
	k := monthlyKey{team, month}
	c.mu.Lock()
	if c.snap != snap {
		c.snap, c.done, c.order, c.inflight = snap, map[monthlyKey]*reports.Monthly{}, nil, map[monthlyKey]*monthlyFlight{}
	}
	if m, ok := c.done[k]; ok {
		c.mu.Unlock()
		return m, nil
	}
	f, ok := c.inflight[k]
	if !ok || f.dropped {
		bctx, cancel := context.WithCancel(context.Background())
		f = &monthlyFlight{done: make(chan struct{}), cancel: cancel}
		c.inflight[k] = f
		go c.build(bctx, f, snap, k)
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.m, f.err
	case <-ctx.Done():
		c.mu.Lock()
		if f.waiters--; f.waiters == 0 {
			f.dropped = true
			f.cancel()
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// build assembles one report in a slot and keeps it if the snapshot is
// still the cache's.
func (c *monthlyCache) build(ctx context.Context, f *monthlyFlight, snap *assess.Snapshot, k monthlyKey) {
	defer close(f.done)
	defer f.cancel()
	var (
		m   *reports.Monthly
		err error
	)
	select {
	case c.slots <- struct{}{}:
		m, err = c.assemble(ctx, snap, k.team, k.month)
		<-c.slots
	case <-ctx.Done():
		err = fmt.Errorf("waiting for a report slot: %w", ctx.Err())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f.m, f.err = m, err
	if c.snap != snap {
		return
	}
	if c.inflight[k] == f {
		delete(c.inflight, k)
	}
	if err != nil {
		return
	}
	if len(c.order) >= monthlyCacheSize {
		delete(c.done, c.order[0])
		c.order = c.order[1:]
	}
	c.done[k] = m
	c.order = append(c.order, k)
}
