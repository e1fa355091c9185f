package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vitalsigns/vitalsigns/store"
)

// The commands that only read the store refuse a store that does not
// exist (a mistyped --data-dir), rather than creating an empty one and
// reporting nothing with exit 0.
func TestReadOnlyCommandsRefuseMissingStore(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sources"},
		{"sources", "show", "1"},
		{"sources", "withdraw", "--reason", "wrong council", "1"},
		{"export", "--format", "csv"},
		{"history", "--indicator", "referrals"},
		{"report", "monthly", "--period", "2026-10", "-o", filepath.Join(dir, "monthly.html")},
		{"report", "biweekly", "--as-of", "2026-10-05", "-o", filepath.Join(dir, "biweekly.html")},
	} {
		t.Run(strings.Join(args[:min(2, len(args))], " "), func(t *testing.T) {
			data := filepath.Join(dir, "vitalsigns-dta") // mistyped
			_, stderr, code := vitalsigns(t, append([]string{"--data-dir", data}, args...)...)
			if code != exitFailed {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitFailed, stderr)
			}
			want := filepath.Join(data, "vitalsigns.db")
			if !strings.Contains(stderr, "no store at "+want) || strings.Count(stderr, want) != 1 {
				t.Errorf("stderr does not say, once, that there is no store at %s:\n%s", want, stderr)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Errorf("the mistyped data directory was created (stat: %v)", err)
			}
		})
	}
}

// An error about a file names it once: not "open X: open X: ...".
func TestIngestMissingFileNamedOnce(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "octobr.csv")
	_, stderr, code := vitalsigns(t, "--data-dir", filepath.Join(dir, "data"), "ingest", missing)
	if code != exitFailed {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitFailed, stderr)
	}
	if n := strings.Count(stderr, missing); n != 1 {
		t.Errorf("stderr names %s %d times, want once:\n%s", missing, n, stderr)
	}
}

// holdWriteLock takes the store's write lock in this process, as another
// process's long ingest would, for d.
func holdWriteLock(t *testing.T, path string, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
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
		time.Sleep(d)
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			t.Error(err)
		}
		conn.Close()
		db.Close()
	}()
	t.Cleanup(func() { <-released })
}

func agencyCSV(t *testing.T, dir, name string, pct int) string {
	t.Helper()
	return writeFile(t, dir, name, fmt.Sprintf("Period,Indicator,Team,Value\r\n2026-10,%% agency SWs,,%d%%\r\n", pct))
}

// An ingest that finds another process holding the store's write lock
// waits its turn (--store.lock-timeout), saying so; one that waits longer
// fails, saying that the store was busy and that it was not the file's
// fault, and exits 1.
func TestIngestQueuesForTheStore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	holdWriteLock(t, filepath.Join(data, store.FileName), 1500*time.Millisecond)
	out, stderr, code := vitalsigns(t, "--data-dir", data, "--store.lock-timeout", "1m", "ingest", agencyCSV(t, dir, "a.csv", 24))
	if code != exitOK || !strings.Contains(out, "accepted") {
		t.Errorf("ingest while the lock was held for 1.5s: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "waiting for the store's write lock") || !strings.Contains(stderr, "got the store's write lock") {
		t.Errorf("ingest did not log its wait for the lock:\n%s", stderr)
	}

	holdWriteLock(t, filepath.Join(data, store.FileName), 1500*time.Millisecond)
	out, stderr, code = vitalsigns(t, "--data-dir", data, "--store.lock-timeout", "200ms", "ingest", agencyCSV(t, dir, "b.csv", 25))
	if code != exitFailed {
		t.Errorf("ingest past the lock timeout: exit %d, want %d\n%s\n%s", code, exitFailed, out, stderr)
	}
	for _, want := range []string{"nothing stored, through no fault of the file (store", "store busy", "--store.lock-timeout longer than 200ms"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(out+stderr, "rejected") {
		t.Errorf("a file the store could not take was called rejected:\n%s\n%s", out, stderr)
	}
}

// A CLI ingest that fails through no fault of the file counts in serve's
// ingest health metrics, as a rejected file does.
func TestServeCountsCLIIngestFailures(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	unreadable := filepath.Join(dir, "october.csv") // a directory: opened, then unreadable
	if err := os.Mkdir(unreadable, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := vitalsigns(t, "--data-dir", data, "ingest", unreadable); code != exitFailed || !strings.Contains(stderr, "no fault of the file (io") {
		t.Fatalf("ingest of an unreadable file: exit %d, want %d, saying it was not the file's fault\n%s", code, exitFailed, stderr)
	}
	s := startServe(t, "--data-dir", data)
	_, fams := scrape(t, s.url)
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   func(float64) bool
	}{
		{"vitalsigns_ingest_errors_total", map[string]string{"reason": "io"}, func(v float64) bool { return v == 1 }},
		{"vitalsigns_ingest_errors_total", map[string]string{"reason": "store"}, func(v float64) bool { return v == 0 }},
		{"vitalsigns_ingest_errors_total", map[string]string{"reason": "rejected"}, func(v float64) bool { return v == 0 }},
		{"vitalsigns_ingest_last_error_timestamp_seconds", map[string]string{"reason": "io"}, func(v float64) bool { return v > 0 }},
		{"vitalsigns_ingest_last_failure_timestamp_seconds", nil, func(v float64) bool { return v > 0 }},
	} {
		if v, ok := sample(fams, c.name, c.labels); !ok || !c.want(v) {
			t.Errorf("%s%v = %v (present %v)", c.name, c.labels, v, ok)
		}
	}
}

// Several ingest processes started at once on a new data directory race
// to create the store, then queue for its write lock: every file gets in.
func TestParallelCLIIngests(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	const n = 5
	type result struct {
		out  string
		code int
	}
	results := make(chan result, n)
	for i := range n {
		file := agencyCSV(t, dir, fmt.Sprintf("f%d.csv", i), 20+i)
		go func() {
			cmd := command(t, "--data-dir", data, "ingest", file)
			out, _ := cmd.CombinedOutput()
			results <- result{string(out), cmd.ProcessState.ExitCode()}
		}()
	}
	for range n {
		if r := <-results; r.code != exitOK {
			t.Errorf("a parallel ingest exited %d:\n%s", r.code, r.out)
		}
	}
	srcs, _, _ := vitalsigns(t, "--data-dir", data, "sources")
	if got := strings.Count(srcs, "accepted"); got != n {
		t.Errorf("%d accepted sources, want %d:\n%s", got, n, srcs)
	}
}
