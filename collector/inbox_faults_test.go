package collector_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

// lockedLog collects log lines from several goroutines.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A file the store cannot take (its write lock held by another process
// for longer than the lock timeout) is not the file's fault: it stays in
// the inbox, never goes to rejected/, is tried again with backoff, each
// attempt logged, and is ingested once the lock is free; the failures are
// counted for the health metrics.
func TestInboxRetriesStoreBusyWithBackoff(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(filepath.Dir(h.dir), "busy.db")
	st, err := store.Open(context.Background(), path, store.WithLockTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h.inbox.Ledger = st
	var logs lockedLog
	h.inbox.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h.inbox.RetryMin, h.inbox.RetryMax = 100*time.Millisecond, 400*time.Millisecond

	// Another process holds the write lock for a second and a half.
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(1500 * time.Millisecond)
		conn.ExecContext(ctx, "COMMIT")
		conn.Close()
	}()
	t.Cleanup(func() { <-released })

	h.start()
	h.drop("returns.csv", []byte(goodCSV(2, 0)))
	h.waitFor("two failed attempts", func() bool { return strings.Count(logs.String(), "store busy") >= 2 })
	if !exists(filepath.Join(h.dir, "returns.csv")) || exists(filepath.Join(h.dir, "rejected", "returns.csv")) {
		t.Error("a file the store could not take was moved")
	}
	h.waitMoved("processed/returns.csv")
	if exists(filepath.Join(h.dir, "rejected", "returns.csv.report.txt")) {
		t.Error("a file the store could not take was reported as rejected")
	}
	log := logs.String()
	for _, want := range []string{"attempt=1 ", "attempt=2 ", "reason=store", "retry_in=100ms", "retry_in=200ms"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	stats, err := st.IngestStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats.Errors[vs.ReasonStore].Count; got < 2 {
		t.Errorf("store errors counted: %d, want one per failed attempt (at least 2)", got)
	}
	if stats.Accepted != 1 || stats.Rejected != 0 {
		t.Errorf("sources: %d accepted, %d rejected; want 1 and 0", stats.Accepted, stats.Rejected)
	}
}

// A file waiting to be tried again is not taken early by a rescan; one
// replaced meanwhile is a new file, taken at once.
func TestInboxBackoffHoldsUntilTheFileChanges(t *testing.T) {
	h := newHarness(t)
	ledger := &flakyLedger{Ledger: h.store}
	ledger.fail.Store(1)
	h.inbox.Ledger = ledger
	h.inbox.Rescan = 100 * time.Millisecond
	h.inbox.RetryMin = time.Minute
	h.start()

	h.drop("returns.csv", []byte(goodCSV(2, 0)))
	h.waitFor("the first, failing, ingest", func() bool { return ledger.calls.Load() >= 1 })
	time.Sleep(600 * time.Millisecond) // several rescans
	if got := ledger.calls.Load(); got != 1 {
		t.Fatalf("Ingest calls %d within a second of a failure with RetryMin 1m, want 1", got)
	}
	h.drop("returns.csv", []byte(goodCSV(3, 1))) // corrected and sent again
	h.waitMoved("processed/returns.csv")
	if got := ledger.calls.Load(); got != 2 {
		t.Errorf("Ingest calls: got %d, want 2", got)
	}
}
