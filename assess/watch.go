package assess

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// Watcher keeps a snapshot current: it polls the store's change counter and
// rebuilds when another process (a CLI ingest, the inbox) has committed, and
// at least every Refresh so that staleness follows the clock.
type Watcher struct {
	Reader    vs.Reader
	Catalogue *vs.Catalogue
	Poll      time.Duration // how often to read the change counter (default 2s)
	Refresh   time.Duration // rebuild at least this often (default 1m)
	Now       func() time.Time
	Logger    *slog.Logger
	// Publish receives every new snapshot.
	Publish func(*Snapshot)
	// Builder builds the snapshots, keeping forecasts of unchanged series
	// from one build to the next; nil builds each from scratch.
	Builder *Builder
	// Reload, if set, returns the catalogue in force at each Load (serve
	// draws benchmarks imported into the store anew); Catalogue is used
	// when it is nil.
	Reload func(ctx context.Context) (*vs.Catalogue, error)
}

// Load builds a snapshot from the store now.
func (w *Watcher) Load(ctx context.Context) (*Snapshot, error) {
	seq, err := w.Reader.ChangeSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("build snapshot: %w", err)
	}
	latest, err := w.Reader.Latest(ctx, vs.Filter{})
	if err != nil {
		return nil, fmt.Errorf("build snapshot: %w", err)
	}
	stats, err := w.Reader.IngestStats(ctx)
	if err != nil {
		return nil, fmt.Errorf("build snapshot: %w", err)
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	b := w.Builder
	if b == nil {
		b = new(Builder)
	}
	cat := w.Catalogue
	if w.Reload != nil {
		if cat, err = w.Reload(ctx); err != nil {
			return nil, fmt.Errorf("build snapshot: %w", err)
		}
	}
	s := b.Build(cat, latest, stats, now())
	s.Seq = seq
	return s, nil
}

// Run polls until ctx is done, publishing a new snapshot whenever the store
// changes. from is the snapshot already published, if any; with nil, Run
// loads and publishes a first one. A failed rebuild is logged and retried at
// the next tick; the previous snapshot stays in force.
func (w *Watcher) Run(ctx context.Context, from *Snapshot) error {
	log := w.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	poll, refresh := w.Poll, w.Refresh
	if poll <= 0 {
		poll = 2 * time.Second
	}
	if refresh <= 0 {
		refresh = time.Minute
	}
	if from == nil {
		var err error
		if from, err = w.Load(ctx); err != nil {
			return err
		}
		w.Publish(from)
	}
	last, built := from.Seq, time.Now()
	t := time.NewTicker(poll)
	defer t.Stop()
	// Forecasts a deferring Builder left undone are computed in the
	// background, one snapshot's worth at a time, and then the snapshot is
	// rebuilt with them.
	forecasted := make(chan error, 1)
	forecasting := false
	forecast := func(s *Snapshot) {
		if forecasting || s.PendingForecasts == 0 || w.Builder == nil {
			return
		}
		forecasting = true
		log.Debug("forecasting", "series", s.PendingForecasts)
		go func() { forecasted <- w.Builder.Forecast(ctx, s) }()
	}
	defer func() {
		if forecasting {
			<-forecasted // Forecast returns promptly once ctx is done
		}
	}()
	forecast(from)
	for {
		rebuild := false
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case err := <-forecasted:
			forecasting = false
			if err != nil {
				return nil // shutting down
			}
			rebuild = true
		}
		seq, err := w.Reader.ChangeSeq(ctx)
		if ctx.Err() != nil {
			return nil // shutting down
		}
		if err != nil {
			log.Warn("read change counter", "err", err)
			continue
		}
		if seq == last && time.Since(built) < refresh && !rebuild {
			continue
		}
		s, err := w.Load(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			log.Error("rebuild snapshot", "err", err)
			continue
		}
		w.Publish(s)
		if s.Seq != last {
			log.Info("new data", "change_seq", s.Seq)
		}
		last, built = s.Seq, time.Now()
		forecast(s)
	}
}
