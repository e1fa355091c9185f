package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

// rawDB opens a second handle on the store's file, as another process
// would, without the store's code.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A store whose schema was written by a newer vitalsigns is refused, with
// both versions in the message, rather than used by code that does not
// know its tables.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := rawDB(t, path).ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)`); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a store with schema 99: got nil error, want a refusal")
	}
	var newer *store.NewerSchemaError
	if !errors.As(err, &newer) || newer.Version != 99 {
		t.Errorf("error %v: want a *NewerSchemaError for version 99", err)
	}
	for _, want := range []string{path, "newer vitalsigns", "schema 99", "this binary knows up to 7"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// walSize is the size of the store's write-ahead log, 0 if there is none.
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// A reader holding a snapshot (serve building one, say) stops checkpoints
// from resetting the write-ahead log while a large file is stored, so the
// log grows with the file. Once the reader lets go, the next ingest's
// checkpoint truncates it: the log does not stay at its largest for ever.
func TestWALShrinksAfterReaderLetsGo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Ingest(ctx, vs.Source{Name: "first", SHA256: "first"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)}); err != nil {
		t.Fatal(err)
	}

	reader := rawDB(t, path)
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM observations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, vs.Source{Name: "big", SHA256: "big"}, vs.ObservationSlice(observations(10_000))); err != nil {
		t.Fatal(err)
	}
	grown := walSize(t, path)
	if grown < 1<<20 {
		t.Fatalf("the log grew to only %d bytes while the reader held its snapshot: the test does not test", grown)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, vs.Source{Name: "small", SHA256: "small"}, vs.ObservationSlice{obs("referrals", "authority", 9, 410)}); err != nil {
		t.Fatal(err)
	}
	if got := walSize(t, path); got > 64<<10 {
		t.Errorf("write-ahead log: %d bytes after the reader let go (%d at its largest), want at most 64 KiB", got, grown)
	}
}

// Processes that open a new store at once race to create its tables, and
// then queue for the write lock: every one of them gets its file in.
func TestParallelOpenAndIngest(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	const n = 5
	errs := make(chan error, n)
	for i := range n {
		go func() {
			s, err := store.Open(ctx, path)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			figures := observations(1_000)
			for j := range figures {
				figures[j].Value = num(float64(i))
			}
			_, err = s.Ingest(ctx, vs.Source{Name: fmt.Sprintf("f%d.csv", i), SHA256: fmt.Sprint(i)}, vs.ObservationSlice(figures))
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// holdWriteLock takes the store's write lock through another handle, as
// another process's long ingest would, and lets it go after d.
func holdWriteLock(t *testing.T, path string, d time.Duration) <-chan struct{} {
	t.Helper()
	ctx := context.Background()
	conn, err := rawDB(t, path).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(d)
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Error(err)
		}
		conn.Close()
	}()
	t.Cleanup(func() { <-released })
	return released
}

// logBuffer collects a store's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func openWith(t *testing.T, path string, opts ...store.Option) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// An ingest that finds the write lock taken waits its turn, and says so.
func TestIngestWaitsForTheWriteLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	var logs logBuffer
	s := openWith(t, path, store.WithLockTimeout(30*time.Second),
		store.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	holdWriteLock(t, path, 1500*time.Millisecond)

	start := time.Now()
	res, err := s.Ingest(context.Background(), vs.Source{Name: "a.csv", SHA256: "a"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)})
	if err != nil || res.New != 1 {
		t.Fatalf("Ingest while another held the write lock: %+v, %v; want it to wait and succeed", res, err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("Ingest returned after %v, before the lock was let go", waited)
	}
	for _, want := range []string{`msg="waiting for the store's write lock"`, `msg="got the store's write lock"`, "waited=1."} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

// An ingest that waits longer than the lock timeout fails with ErrBusy,
// saying that the store was busy (not that the file is bad); the failure
// is counted at once, kept while the store is busy, and written to the
// store by the next write once the lock is free, where another process
// counts it too.
func TestIngestBusyIsRecorded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	s := openWith(t, path, store.WithLockTimeout(300*time.Millisecond))
	released := holdWriteLock(t, path, 1500*time.Millisecond)

	start := time.Now()
	_, err := s.Ingest(ctx, vs.Source{Name: "a.csv", SHA256: "a"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)})
	if !errors.Is(err, store.ErrBusy) {
		t.Fatalf("Ingest past the lock timeout: got %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond || waited > time.Second {
		t.Errorf("Ingest gave up after %v, want about the lock timeout (300ms)", waited)
	}
	if msg := err.Error(); !strings.Contains(msg, "store busy") || !strings.Contains(msg, "300ms") {
		t.Errorf("error %q does not say that the store was busy for longer than the lock timeout", msg)
	}

	f := vs.IngestFailure{Reason: vs.ReasonStore, File: "a.csv", SHA256: "a", Via: vs.ViaCLI, Err: err.Error()}
	if err := s.RecordFailure(ctx, f); !errors.Is(err, store.ErrBusy) {
		t.Errorf("RecordFailure while the lock is still taken: got %v, want ErrBusy (kept for later)", err)
	}
	st, err := s.IngestStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Errors[vs.ReasonStore].Count; got != 1 || st.LastFailure.IsZero() {
		t.Errorf("IngestStats while the failure is kept: store errors %d, last failure %v; want 1 and a time", got, st.LastFailure)
	}

	<-released
	if _, err := s.Ingest(ctx, vs.Source{Name: "b.csv", SHA256: "b"}, vs.ObservationSlice{obs("referrals", "authority", 9, 410)}); err != nil {
		t.Fatal(err)
	}
	other := openWith(t, path)
	for name, st := range map[string]*store.Store{"this process": s, "another process": other} {
		got, err := st.IngestStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c := got.Errors[vs.ReasonStore]; c.Count != 1 || c.Last.IsZero() {
			t.Errorf("%s: store errors %+v after the lock was freed, want 1 (recorded once)", name, c)
		}
		if got.Accepted != 1 || got.Errors[vs.ReasonRejected].Count != 0 {
			t.Errorf("%s: %+v, want 1 accepted and none rejected", name, got)
		}
	}
}

// A failure kept because the store was busy is recorded when the store
// is closed, if the lock is free by then (a CLI ingest that gave up).
func TestCloseRecordsKeptFailures(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	s, err := store.Open(ctx, path, store.WithLockTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	released := holdWriteLock(t, path, 500*time.Millisecond)
	if err := s.RecordFailure(ctx, vs.IngestFailure{Reason: vs.ReasonIO, File: "a.csv", Via: vs.ViaCLI, Err: "read a.csv: input/output error"}); err == nil {
		t.Fatal("RecordFailure while the lock was taken: got nil, want an error")
	}
	<-released
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := openWith(t, path).IngestStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Errors[vs.ReasonIO].Count; got != 1 {
		t.Errorf("io errors after Close: %d, want 1", got)
	}
}

// A wait for the write lock ends when the caller gives up.
func TestLockWaitEndsWithContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	s := openWith(t, path, store.WithLockTimeout(time.Minute))
	holdWriteLock(t, path, 2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Ingest(ctx, vs.Source{Name: "a.csv", SHA256: "a"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)}); err == nil {
		t.Fatal("Ingest with a cancelled context: got nil error")
	}
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("Ingest returned %v after its context ended, want at once", waited-200*time.Millisecond)
	}
}

// MustExist refuses a store that is not there, and creates nothing.
func TestMustExist(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "vitalsigns-dta")
	path := filepath.Join(dir, store.FileName)
	s, err := store.Open(ctx, path, store.MustExist())
	if err == nil {
		s.Close()
		t.Fatal("Open(MustExist) of a missing store: got nil error")
	}
	if !errors.Is(err, store.ErrNoStore) || strings.Count(err.Error(), path) != 1 {
		t.Errorf("error %q: want ErrNoStore naming %s once", err, path)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Open(MustExist) created %s (stat: %v)", dir, err)
	}
	openWith(t, path).Close()
	openWith(t, path, store.MustExist())
}

// Checkpoint, as serve calls it when idle, cuts the log back once the
// readers are done, and says when readers kept it from doing so.
func TestCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	s := openWith(t, path)
	reader := rawDB(t, path)
	tx, err := reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sources`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, vs.Source{Name: "big", SHA256: "big"}, vs.ObservationSlice(observations(5_000))); err != nil {
		t.Fatal(err)
	}
	if err := s.Checkpoint(ctx); !errors.Is(err, store.ErrBusy) {
		t.Errorf("Checkpoint while a reader holds an old snapshot: got %v, want ErrBusy", err)
	}
	tx.Rollback()
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatalf("Checkpoint with no reader: %v", err)
	}
	if got := walSize(t, path); got != 0 {
		t.Errorf("write-ahead log: %d bytes after a checkpoint with no reader, want 0", got)
	}
	// The store still works on the connection the checkpoint used, with
	// its own lock timeout.
	if _, err := s.Ingest(ctx, vs.Source{Name: "small", SHA256: "small"}, vs.ObservationSlice{obs("referrals", "authority", 9, 410)}); err != nil {
		t.Fatal(err)
	}
}
