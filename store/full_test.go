package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// TestDiskFullIsENOSPC: a store that runs out of room (SQLITE_FULL, made
// here by capping the database's pages) fails an ingest with an error that
// is syscall.ENOSPC to errors.Is, so that the upload and the CLI say the
// disk is full (issue 12.7), and stores nothing.
func TestDiskFullIsENOSPC(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.SetMaxOpenConns(1) // the pragma is per connection
	var pages int
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	var obs []vs.Observation
	p := vs.Month(2000, time.January)
	for i := range 5000 {
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: fmt.Sprintf("team_%04d", i), Period: p},
			Value: sql.NullFloat64{Float64: 0.25, Valid: true}, Status: vs.StatusActual,
			Commentary: "a commentary long enough to fill the pages quickly, a commentary long enough to fill the pages quickly"})
	}
	_, err = s.Ingest(ctx, vs.Source{Name: "big.csv", SHA256: "00", Via: vs.ViaCLI}, vs.ObservationSlice(obs))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("ingest into a full store: %v, want an error that is ENOSPC", err)
	}
	latest, err := s.Latest(ctx, vs.Filter{})
	if err != nil || len(latest) != 0 {
		t.Errorf("after the failure: %d figures stored (%v), want none", len(latest), err)
	}
}
