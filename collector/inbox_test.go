package collector_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/store"
)

// inboxWait bounds every wait in the inbox tests.
const inboxWait = 10 * time.Second

func inboxCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Teams: []vs.Team{{ID: "north", Name: "North"}, {ID: "south", Name: "South"}},
		Indicators: []vs.Indicator{
			{ID: "referrals", Name: "Referrals", Unit: vs.UnitCount, Polarity: vs.Neutral, Frequency: vs.Monthly},
			{ID: "agency_rate", Name: "Agency social worker rate", Unit: vs.UnitPercent,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly},
		},
	}
}

// goodCSV is a valid long-layout file of n rows with distinct keys; seed
// varies the values, so different seeds have different sha256s.
func goodCSV(n, seed int) string {
	var b strings.Builder
	b.WriteString("Period,Indicator,Team,Value\n")
	teams := []string{"north", "south"}
	for i := range n {
		month := time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i/2, 0)
		fmt.Fprintf(&b, "%s,referrals,%s,%d\n", month.Format("2006-01"), teams[i%2], 100+i+seed)
	}
	return b.String()
}

// harness is one inbox over a real SQLite store in a temporary folder.
type harness struct {
	t      *testing.T
	dir    string // the inbox
	store  *store.Store
	inbox  *collector.Inbox
	ingest atomic.Int32 // OnIngest calls

	stopOnce sync.Once
	cancel   context.CancelFunc
	done     chan error
	err      error
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	root := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(root, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, dir: filepath.Join(root, "inbox"), store: st}
	cat := inboxCatalogue()
	h.inbox = &collector.Inbox{
		Dir:       h.dir,
		Ledger:    st,
		Catalogue: func() *vs.Catalogue { return cat },
		Settle:    100 * time.Millisecond,
		Rescan:    time.Minute,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnIngest:  func(*collector.Report) { h.ingest.Add(1) },
	}
	return h
}

// start runs the inbox until stop or the end of the test, and waits until
// it has created its folders.
func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.stopOnce, h.cancel, h.done = sync.Once{}, cancel, make(chan error, 1)
	go func(in *collector.Inbox, done chan<- error) { done <- in.Run(ctx) }(h.inbox, h.done)
	h.t.Cleanup(func() { h.stop() })
	h.waitFor("inbox folders created", func() bool {
		return exists(filepath.Join(h.dir, "processed")) && exists(filepath.Join(h.dir, "rejected"))
	})
}

// stop cancels Run and returns its result; Run must return within a second.
func (h *harness) stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.err = <-h.done:
		case <-time.After(time.Second):
			h.err = errors.New("Run did not return within 1s of cancellation")
			h.t.Error(h.err)
		}
	})
	return h.err
}

func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(inboxWait)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out after %v waiting for %s", inboxWait, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitMoved waits until rel (relative to the inbox) exists.
func (h *harness) waitMoved(rel string) {
	h.t.Helper()
	h.waitFor(rel, func() bool { return exists(filepath.Join(h.dir, rel)) })
}

// drop puts a file in the inbox the safe way: written under a dotfile name
// and renamed into place.
func (h *harness) drop(name string, content []byte) {
	h.t.Helper()
	tmp := filepath.Join(h.dir, "."+name+".part")
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		h.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(h.dir, name)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) sources() []vs.Source {
	h.t.Helper()
	s, err := h.store.Sources(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) latest() []vs.Observation {
	h.t.Helper()
	l, err := h.store.Latest(context.Background(), vs.Filter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// reports reads the text and JSON reports beside rel.
func (h *harness) reports(rel string) (string, collector.Report) {
	h.t.Helper()
	text, err := os.ReadFile(filepath.Join(h.dir, rel+".report.txt"))
	if err != nil {
		h.t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(h.dir, rel+".report.json"))
	if err != nil {
		h.t.Fatal(err)
	}
	var rep collector.Report
	if err := json.Unmarshal(js, &rep); err != nil {
		h.t.Fatalf("%s.report.json does not parse as a Report: %v\n%s", rel, err, js)
	}
	return string(text), rep
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inboxWorkbook builds an xlsx in memory: a title row, the header in row 3
// and the data rows from row 4, on sheet "Returns".
func inboxWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Returns"); err != nil {
		t.Fatal(err)
	}
	all := append([][]any{{"Vital Signs return"}, {}, {"Period", "Indicator", "Team", "Value"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Returns", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A good file dropped by rename is ingested, moved to processed/ and given
// both reports, which agree with the store.
func TestInboxIngestsRenamedFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content func(t *testing.T) []byte
		format  string
	}{
		{"returns.csv", func(*testing.T) []byte { return []byte(goodCSV(3, 0)) }, "csv"},
		{"Returns.XLSX", func(t *testing.T) []byte {
			return inboxWorkbook(t, [][]any{{"2025-09", "referrals", "north", 120}, {"2025-09", "referrals", "south", 80},
				{"2025-09", "agency_rate", "north", "25%"}})
		}, "xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.start()
			h.drop(tc.name, tc.content(t))
			h.waitMoved("processed/" + tc.name + ".report.json")
			h.waitMoved("processed/" + tc.name)

			if exists(filepath.Join(h.dir, tc.name)) {
				t.Errorf("%s is still in the inbox", tc.name)
			}
			text, rep := h.reports("processed/" + tc.name)
			for _, want := range []string{tc.name, "accepted", "3 rows", "3 new, 0 revised, 0 unchanged"} {
				if !strings.Contains(text, want) {
					t.Errorf("text report %q does not contain %q", text, want)
				}
			}
			if !rep.Accepted || rep.Duplicate || rep.Rows != 3 || rep.New != 3 || rep.Format != tc.format || rep.File != tc.name {
				t.Errorf("JSON report: got %+v, want accepted %s, 3 rows, 3 new", rep, tc.format)
			}
			srcs := h.sources()
			if len(srcs) != 1 || !srcs[0].Accepted || srcs[0].Via != vs.ViaInbox || srcs[0].SHA256 != rep.SHA256 || srcs[0].ID != rep.SourceID {
				t.Errorf("sources: got %+v, want one accepted via inbox with the report's sha256 and id", srcs)
			}
			if got := len(h.latest()); got != 3 {
				t.Errorf("observations: got %d, want 3", got)
			}
			if got := h.ingest.Load(); got != 1 {
				t.Errorf("OnIngest calls: got %d, want 1", got)
			}
			if err := h.stop(); err != nil {
				t.Errorf("Run: got %v, want nil", err)
			}
		})
	}
}

// A file with one bad cell goes to rejected/ with a report naming the cell;
// the store records a rejected source and no observation.
func TestInboxRejectsBadFile(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.drop("bad.xlsx", inboxWorkbook(t, [][]any{
		{"2025-09", "referrals", "north", 120},
		{"2025-09", "referrals", "south", "lots"}, // D5
		{"2025-09", "agency_rate", "north", "25%"},
	}))
	h.waitMoved("rejected/bad.xlsx")

	text, rep := h.reports("rejected/bad.xlsx")
	if !strings.Contains(text, "rejected") || !strings.Contains(text, "bad.xlsx: Returns!D5: ") {
		t.Errorf("text report does not reject the file naming Returns!D5:\n%s", text)
	}
	if rep.Accepted || len(rep.Problems) != 1 || rep.Problems[0].Sheet != "Returns" || rep.Problems[0].Cell != "D5" {
		t.Errorf("JSON report: got accepted %v, problems %v; want one problem at Returns!D5", rep.Accepted, rep.Problems)
	}
	if exists(filepath.Join(h.dir, "processed", "bad.xlsx")) || exists(filepath.Join(h.dir, "bad.xlsx")) {
		t.Error("bad.xlsx is in processed/ or still in the inbox")
	}
	srcs := h.sources()
	if len(srcs) != 1 || srcs[0].Accepted || srcs[0].Via != vs.ViaInbox || srcs[0].Name != "bad.xlsx" {
		t.Errorf("sources: got %+v, want one rejected bad.xlsx via inbox", srcs)
	}
	if got := h.latest(); len(got) != 0 {
		t.Errorf("observations: got %d, want none from a rejected file", len(got))
	}
}

// TestInboxLeavesNoTempFiles drops files that are refused for what reading
// them would take: a workbook that made excelize leave its 17 MiB spooled
// sheet in $TMPDIR on every attempt, and a csv file with a 2 MiB line.
// Both are rejected with their reasons, and nothing is left in TmpDir or
// $TMPDIR (issue 12.1, 12.4).
func TestInboxLeavesNoTempFiles(t *testing.T) {
	h := newHarness(t)
	tmp := filepath.Join(t.TempDir(), "tmp")
	h.inbox.Options = collector.Options{TmpDir: tmp}
	sysTmp := t.TempDir()
	t.Setenv("TMPDIR", sysTmp)
	h.start()
	h.drop("spooled.xlsx", collector.LeakyWorkbook(t))
	h.drop("long.csv", []byte("Period,Indicator,Team,Value\n2025-09,referrals,north,"+strings.Repeat("1", 2<<20)+"\n"))
	h.waitMoved("rejected/spooled.xlsx")
	h.waitMoved("rejected/long.csv")
	for name, want := range map[string]string{
		"spooled.xlsx": "spooled.xlsx: the workbook cannot be opened: zip: unsupported compression algorithm",
		"long.csv":     "long.csv:2: the line is longer than the limit of 1 MiB (--ingest.max-line-bytes)",
	} {
		if text, _ := h.reports("rejected/" + name); !strings.Contains(text, want) {
			t.Errorf("%s report does not say %q:\n%s", name, want, text)
		}
	}
	if left := collector.FilesIn(t, tmp); len(left) > 0 {
		t.Errorf("left in TmpDir: %v", left)
	}
	if left := collector.FilesIn(t, sysTmp); len(left) > 0 {
		t.Errorf("left in $TMPDIR: %v", left)
	}
}

// A file written slowly, in chunks with pauses shorter than Settle, is taken
// only once complete: ingested once, whole.
func TestInboxWaitsForSlowWriter(t *testing.T) {
	h := newHarness(t)
	h.inbox.Settle = 500 * time.Millisecond
	h.start()

	const rows = 40
	content := goodCSV(rows, 0)
	f, err := os.Create(filepath.Join(h.dir, "slow.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Four chunks, each cut mid-line, 100ms apart: every pause is well
	// over the quiet window of a renamed file but under Settle.
	for i := range 4 {
		chunk := content[i*len(content)/4 : (i+1)*len(content)/4]
		if _, err := f.WriteString(chunk); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			time.Sleep(100 * time.Millisecond)
			if got := len(h.sources()); got != 0 {
				t.Fatalf("after chunk %d of 4: %d source(s) recorded; the file was taken before it was complete", i+1, got)
			}
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	h.waitMoved("processed/slow.csv")

	_, rep := h.reports("processed/slow.csv")
	if !rep.Accepted || rep.Rows != rows || rep.New != rows {
		t.Errorf("report: got accepted %v, %d rows, %d new; want accepted, %d rows, %d new", rep.Accepted, rep.Rows, rep.New, rows, rows)
	}
	if got := readFile(t, filepath.Join(h.dir, "processed", "slow.csv")); got != content {
		t.Errorf("processed/slow.csv differs from what was written")
	}
	if srcs := h.sources(); len(srcs) != 1 || srcs[0].Size != int64(len(content)) {
		t.Errorf("sources: got %+v, want one of %d bytes", srcs, len(content))
	}
	if got := len(h.latest()); got != rows {
		t.Errorf("observations: got %d, want %d", got, rows)
	}
}

// Files that arrived while the inbox was stopped are processed when it
// starts again; a stopped inbox takes nothing.
func TestInboxPicksUpFilesAfterStop(t *testing.T) {
	h := newHarness(t)
	h.start()
	if err := h.stop(); err != nil {
		t.Fatalf("Run: got %v, want nil", err)
	}
	// Written in place (no rename), while nothing watches.
	for i, name := range []string{"a.csv", "b.csv"} {
		if err := os.WriteFile(filepath.Join(h.dir, name), []byte(goodCSV(2, 10*i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * h.inbox.Settle)
	if got := len(h.sources()); got != 0 {
		t.Fatalf("%d source(s) recorded while stopped", got)
	}

	h.start()
	h.waitMoved("processed/a.csv")
	h.waitMoved("processed/b.csv")
	if srcs := h.sources(); len(srcs) != 2 {
		t.Errorf("sources: got %d, want 2", len(srcs))
	}
}

// The same content dropped twice is one source; both copies end in
// processed/, the second with a report saying it was already ingested.
func TestInboxDuplicate(t *testing.T) {
	h := newHarness(t)
	h.start()
	content := []byte(goodCSV(4, 0))
	h.drop("first.csv", content)
	h.waitMoved("processed/first.csv")
	h.drop("second.csv", content)
	h.waitMoved("processed/second.csv")

	_, first := h.reports("processed/first.csv")
	text, second := h.reports("processed/second.csv")
	if !second.Accepted || !second.Duplicate || second.DuplicateOf != first.SourceID || second.SourceID != 0 {
		t.Errorf("second report: got %+v, want an accepted duplicate of source %d", second, first.SourceID)
	}
	if !strings.Contains(text, fmt.Sprintf("already ingested as source %d", first.SourceID)) {
		t.Errorf("second text report does not say it was already ingested:\n%s", text)
	}
	if srcs := h.sources(); len(srcs) != 1 {
		t.Errorf("sources: got %d, want 1", len(srcs))
	}
	if got := h.ingest.Load(); got != 2 {
		t.Errorf("OnIngest calls: got %d, want 2", got)
	}
}

// A name already in processed/ is never overwritten: the newcomer gets the
// time before its extension, then a counter.
func TestInboxNameClash(t *testing.T) {
	h := newHarness(t)
	h.inbox.Now = func() time.Time { return time.Date(2026, time.November, 23, 14, 15, 0, 0, time.UTC) }
	if err := os.MkdirAll(filepath.Join(h.dir, "processed"), 0o755); err != nil {
		t.Fatal(err)
	}
	const old = "an earlier returns.csv\n"
	if err := os.WriteFile(filepath.Join(h.dir, "processed", "returns.csv"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	h.start()

	h.drop("returns.csv", []byte(goodCSV(2, 1)))
	h.waitMoved("processed/returns.20261123T141500Z.csv")
	h.drop("returns.csv", []byte(goodCSV(2, 2)))
	h.waitMoved("processed/returns.20261123T141500Z-2.csv")

	if got := readFile(t, filepath.Join(h.dir, "processed", "returns.csv")); got != old {
		t.Errorf("processed/returns.csv was overwritten: %q", got)
	}
	for i, rel := range []string{"processed/returns.20261123T141500Z.csv", "processed/returns.20261123T141500Z-2.csv"} {
		if got, want := readFile(t, filepath.Join(h.dir, rel)), goodCSV(2, i+1); got != want {
			t.Errorf("%s: got %q, want %q", rel, got, want)
		}
		if _, rep := h.reports(rel); !rep.Accepted || rep.File != "returns.csv" {
			t.Errorf("%s report: got file %q accepted %v, want returns.csv accepted", rel, rep.File, rep.Accepted)
		}
	}
	if exists(filepath.Join(h.dir, "processed", "returns.csv.report.txt")) {
		t.Error("a report was written for the earlier processed/returns.csv")
	}
}

// Lock files, temporary files, other extensions, links, folders and files
// in subfolders are left alone; .xlsx and .csv are taken in any case.
func TestInboxIgnoresOtherFiles(t *testing.T) {
	h := newHarness(t)
	h.start()
	good := []byte(goodCSV(2, 0))
	ignored := []string{"~$returns.xlsx", ".returns.csv", ".~lock.returns.xlsx#", "returns.csv.tmp", "returns.xlsx.part",
		"returns.TMP", "notes.txt", "returns.xls", "returns", "processed/late.csv", "rejected/late.csv"}
	for _, name := range ignored {
		if err := os.WriteFile(filepath.Join(h.dir, name), good, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.drop("Marker.CSV", []byte(goodCSV(2, 5)))
	h.waitMoved("processed/Marker.CSV")
	// Long enough for any of the others to have settled and been taken.
	time.Sleep(3 * h.inbox.Settle)
	for _, name := range ignored {
		if !exists(filepath.Join(h.dir, name)) {
			t.Errorf("%s was taken", name)
		}
		if exists(filepath.Join(h.dir, "processed", filepath.Base(name)+".report.txt")) ||
			exists(filepath.Join(h.dir, "rejected", filepath.Base(name)+".report.txt")) {
			t.Errorf("%s has a report", name)
		}
	}
	if srcs := h.sources(); len(srcs) != 1 || srcs[0].Name != "Marker.CSV" {
		t.Errorf("sources: got %+v, want only Marker.CSV", srcs)
	}
}

// An entry named like a workbook that is not a regular file — a symbolic
// link (here to a good file outside the inbox), a folder, a named pipe — is
// moved to rejected/ with a report saying what it is, and nothing is read
// through it (issue 12.7: they sat in the inbox forever, unexplained).
func TestInboxRefusesSpecialFiles(t *testing.T) {
	h := newHarness(t)
	outside := filepath.Join(t.TempDir(), "outside.csv")
	if err := os.WriteFile(outside, []byte(goodCSV(2, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(h.dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(h.dir, "folder.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(h.dir, "pipe.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.start()
	for name, want := range map[string]string{"link.csv": "symbolic link", "folder.csv": "folder", "pipe.xlsx": "named pipe"} {
		h.waitFor(name+" refused", func() bool { return exists(filepath.Join(h.dir, "rejected", name+".report.txt")) })
		if exists(filepath.Join(h.dir, name)) {
			t.Errorf("%s is still in the inbox", name)
		}
		text, rep := h.reports("rejected/" + name)
		if rep.Accepted || !strings.Contains(text, want) {
			t.Errorf("%s: report %q, want it refused as a %s", name, text, want)
		}
	}
	fi, err := os.Lstat(filepath.Join(h.dir, "rejected", "link.csv"))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link itself should be in rejected/: %v, %v", fi, err)
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != goodCSV(2, 0) {
		t.Errorf("the link's target was touched: %v", err)
	}
	if srcs := h.sources(); len(srcs) != 0 {
		t.Errorf("sources %+v: nothing should have been read", srcs)
	}
}

// Cancelling stops Run promptly with nil, even with a file waiting to
// settle, and the file is left for the next start.
func TestInboxCancelStopsPromptly(t *testing.T) {
	h := newHarness(t)
	h.inbox.Settle = time.Minute
	h.start()
	if err := os.WriteFile(filepath.Join(h.dir, "waiting.csv"), []byte(goodCSV(2, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := h.stop(); err != nil {
		t.Errorf("Run: got %v, want nil", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Run took %v to return after cancellation", d)
	}
	if !exists(filepath.Join(h.dir, "waiting.csv")) || len(h.sources()) != 0 {
		t.Error("waiting.csv was taken before it settled")
	}
}

// Run refuses to start without what it needs.
func TestInboxRunNeedsLedgerAndCatalogue(t *testing.T) {
	in := &collector.Inbox{Dir: t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := in.Run(ctx); err == nil {
		t.Error("Run without Ledger and Catalogue: got nil, want an error")
	}
}

// flakyLedger fails the first n calls to Ingest, as a locked or broken
// database would.
type flakyLedger struct {
	vs.Ledger
	fail  atomic.Int32
	calls atomic.Int32
}

func (l *flakyLedger) Ingest(ctx context.Context, src vs.Source, obs vs.Observations) (vs.IngestResult, error) {
	l.calls.Add(1)
	if l.fail.Add(-1) >= 0 {
		return vs.IngestResult{}, errors.New("database is locked")
	}
	return l.Ledger.Ingest(ctx, src, obs)
}

// A file that cannot be stored stays in the inbox, unmoved and without a
// report, and is ingested when it is tried again (after RetryMin).
func TestInboxRetriesAfterError(t *testing.T) {
	h := newHarness(t)
	ledger := &flakyLedger{Ledger: h.store}
	ledger.fail.Store(1)
	h.inbox.Ledger = ledger
	h.inbox.RetryMin = 400 * time.Millisecond
	h.start()

	h.drop("returns.csv", []byte(goodCSV(2, 0)))
	h.waitFor("the first, failing, ingest", func() bool { return ledger.calls.Load() >= 1 })
	if !exists(filepath.Join(h.dir, "returns.csv")) || exists(filepath.Join(h.dir, "processed", "returns.csv.report.txt")) {
		t.Error("after a failed ingest the file was moved or reported")
	}
	h.waitMoved("processed/returns.csv")
	if got := ledger.calls.Load(); got != 2 {
		t.Errorf("Ingest calls: got %d, want 2", got)
	}
	if srcs := h.sources(); len(srcs) != 1 || !srcs[0].Accepted {
		t.Errorf("sources: got %+v, want one accepted", srcs)
	}
	if got := h.ingest.Load(); got != 1 {
		t.Errorf("OnIngest calls: got %d, want 1", got)
	}
}
