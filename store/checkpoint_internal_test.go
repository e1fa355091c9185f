package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// The connection a checkpoint used goes back to the pool with the store's
// lock timeout, not the checkpoint's short wait.
func TestCheckpointRestoresBusyTimeout(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), FileName), WithLockTimeout(7*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.SetMaxOpenConns(1) // the checkpoint's connection is the next query's
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	var ms int
	if err := s.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&ms); err != nil {
		t.Fatal(err)
	}
	if ms != 7000 {
		t.Errorf("busy_timeout after a checkpoint: %d ms, want 7000", ms)
	}
}
