package collector

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	vs "github.com/vitalsigns/vitalsigns"
)

// The defaults of Inbox.
const (
	DefaultSettle   = 2 * time.Second
	DefaultRescan   = time.Minute
	DefaultRetryMin = 10 * time.Second
	DefaultRetryMax = 10 * time.Minute
)

// The subfolders of an inbox that finished files are moved to.
const (
	ProcessedDir = "processed"
	RejectedDir  = "rejected"
)

// Inbox ingests the files dropped in a folder (serve --inbox DIR).
//
// Which files: regular files directly in Dir whose name ends in .xlsx or
// .csv (any case). Dotfiles (including LibreOffice's .~lock files), Excel's
// "~$" owner files, names ending in .tmp or .part and anything in
// subfolders (processed/ and rejected/ among them) are ignored. A symbolic
// link, folder, named pipe, socket or device named like a workbook is
// moved to rejected/ with a report saying why, never read or followed.
// Only base names inside Dir are ever opened or moved, so a name cannot
// reach outside it.
//
// When a file is taken: once it is complete. A file that arrived by rename
// (a CREATE event followed by no WRITE, as when a program writes a
// temporary file and renames it into place) is complete once it is not
// empty and has had no WRITE for a short quiet window (Settle/10, at least
// 50ms and at most Settle), which lets a WRITE that follows the CREATE
// arrive. Any other file is complete when its size and modification time
// have stayed unchanged for Settle: a writer that pauses longer than Settle
// in the middle of a file must write it elsewhere and rename it in. Files
// found by a scan (at start, and every Rescan, because events can be lost)
// are treated as written, so files that arrived while the service was
// stopped are taken Settle after Run starts.
//
// Processing is sequential, one file at a time; when several are complete
// at once the one modified earliest goes first (then by name). Each is
// ingested with collector.Ingest (Via inbox, with Options), then its
// report is written beside where the file goes, as <name>.report.txt
// (Report.Text) and <name>.report.json (Report.JSON, indented), and the
// file is moved into processed/ (accepted, including content already
// ingested) or rejected/ (any problem). A destination name never
// overwrites an existing file or report: on a clash the UTC time is put
// before the extension (returns.20261123T141500Z.xlsx), then a counter
// (returns.20261123T141500Z-2.xlsx).
//
// Crash safety: the file is moved only after the store has committed it
// (or recorded the rejection). If the process stops in between, the file
// is still in Dir and is processed again at the next start: ingest is
// idempotent by sha256, so an accepted file comes back as a duplicate
// ("already ingested", moved to processed/); a rejected one is recorded as
// rejected a second time.
//
// Errors: a failure that is not the file's fault (the store busy for
// longer than its lock timeout, the disk full, the file unreadable) is
// logged at Error with its reason and attempt number, recorded by
// collector.Ingest for the health metrics, and the file is left where it
// is: it is never moved to rejected/ or lost, and it is tried again after
// RetryMin, then after twice as long each time, up to RetryMax, until it
// goes through (or changes, or goes away). A file stored but not moved (say
// processed/ is not writable) is not ingested again while it is unchanged:
// only the move is retried, at the next rescan. Run itself fails only when
// it cannot create the folders or start watching.
type Inbox struct {
	Dir       string
	Ledger    vs.Ledger
	Catalogue func() *vs.Catalogue // the catalogue in force
	Options   Options              // limits, passed to Ingest
	// Settle is how long a file's size and modification time must stay
	// unchanged before it is taken; default (if not positive)
	// DefaultSettle. Candidates are looked at every Settle/10 (at least
	// 50ms).
	Settle time.Duration
	// Rescan is the interval of full rescans of Dir, since file system
	// events can be lost; default (if not positive) DefaultRescan.
	Rescan time.Duration
	// RetryMin and RetryMax bound the wait before a file whose ingest
	// failed through no fault of its own is tried again: RetryMin after
	// the first failure, doubling with each failure up to RetryMax;
	// defaults (if not positive) DefaultRetryMin and DefaultRetryMax.
	RetryMin, RetryMax time.Duration
	Logger             *slog.Logger // default: discard
	// Now is the clock for the timestamp added to clashing names; default
	// time.Now. Settling is timed by the monotonic clock.
	Now func() time.Time
	// OnIngest, if set, is called with the report of every file the store
	// recorded, accepted or rejected (e.g. to count it for metrics).
	OnIngest func(*Report)
}

// inbox is the state of one Run.
type inbox struct {
	*Inbox
	dir     string
	log     *slog.Logger
	quiet   time.Duration // the quiet window of a file that arrived by rename
	pending map[string]*candidate
	unmoved map[string]unmoved
	retries map[string]*retry
	watcher *fsnotify.Watcher

	retryMin, retryMax time.Duration
}

// retry is a file whose ingest failed through no fault of its own, waiting
// to be tried again. It is the file as it was then: a file changed since is
// a new file, taken as any other.
type retry struct {
	size     int64
	mtime    time.Time
	attempts int       // failed so far
	due      time.Time // when to try again
}

// candidate is a file waiting to be complete.
type candidate struct {
	size    int64
	mtime   time.Time
	since   time.Time // when size or mtime were last seen to change
	renamed bool      // arrived by CREATE with no WRITE since
}

// unmoved is a file recorded by the store but not yet moved.
type unmoved struct {
	size  int64
	mtime time.Time
	rep   *Report
}

// Run creates Dir, processed/ and rejected/ if missing, processes the files
// already in Dir, then watches it until ctx is done, when it returns nil.
func (in *Inbox) Run(ctx context.Context) error {
	if in.Dir == "" || in.Ledger == nil || in.Catalogue == nil {
		return errors.New("inbox: Dir, Ledger and Catalogue are required")
	}
	dir, err := filepath.Abs(in.Dir)
	if err != nil {
		return fmt.Errorf("inbox %s: %w", in.Dir, err)
	}
	r := &inbox{Inbox: in, dir: dir, pending: map[string]*candidate{}, unmoved: map[string]unmoved{}, retries: map[string]*retry{},
		retryMin: cmp.Or(max(in.RetryMin, 0), DefaultRetryMin), retryMax: cmp.Or(max(in.RetryMax, 0), DefaultRetryMax)}
	r.retryMax = max(r.retryMax, r.retryMin)
	settle, rescan := in.Settle, in.Rescan
	if settle <= 0 {
		settle = DefaultSettle
	}
	if rescan <= 0 {
		rescan = DefaultRescan
	}
	r.quiet = min(max(settle/10, 50*time.Millisecond), settle)
	r.log = in.Logger
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.log = r.log.With("component", "inbox")
	if err := r.mkdirs(); err != nil {
		return err
	}
	if r.watcher, err = fsnotify.NewWatcher(); err != nil {
		return fmt.Errorf("watch inbox %s: %w", dir, err)
	}
	defer r.watcher.Close()
	// Watch first, then scan: a file arriving in between is seen by both,
	// which is harmless.
	if err := r.watcher.Add(dir); err != nil {
		return fmt.Errorf("watch inbox %s: %w", dir, err)
	}
	r.log.Info("watching inbox", "dir", dir, "settle", settle, "rescan", rescan)
	r.scan()

	rescanTick := time.NewTicker(rescan)
	defer rescanTick.Stop()
	retryTimer := time.NewTimer(time.Hour)
	retryTimer.Stop()
	defer retryTimer.Stop()
	var check <-chan time.Time
	for {
		if check == nil && len(r.pending) > 0 {
			check = time.After(r.quiet) // at most Settle
		}
		var retryDue <-chan time.Time
		if due, ok := r.nextRetry(); ok {
			retryTimer.Reset(time.Until(due))
			retryDue = retryTimer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-r.watcher.Events:
			if !ok {
				return errors.New("inbox watcher closed")
			}
			r.event(ev)
		case err, ok := <-r.watcher.Errors:
			if !ok {
				return errors.New("inbox watcher closed")
			}
			// Typically an overflow: events were lost, so look at
			// everything again.
			r.log.Warn("watch inbox", "err", err)
			r.scan()
		case <-check:
			check = nil
			r.drain()
			for _, name := range r.ready(settle) {
				if ctx.Err() != nil {
					return nil
				}
				r.process(ctx, name)
			}
		case <-retryDue:
			for _, name := range r.dueRetries() {
				if ctx.Err() != nil {
					return nil
				}
				if r.waiting(name) { // else changed or gone: taken as new, if still there
					r.process(ctx, name)
				}
			}
		case <-rescanTick.C:
			if err := r.mkdirs(); err != nil {
				r.log.Error("rescan inbox", "err", err)
			} else if err := r.watcher.Add(dir); err != nil {
				r.log.Error("rescan inbox", "err", err)
			}
			r.scan()
		}
	}
}

// mkdirs creates Dir and its subfolders if missing.
func (r *inbox) mkdirs() error {
	for _, d := range []string{r.dir, filepath.Join(r.dir, ProcessedDir), filepath.Join(r.dir, RejectedDir)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("create inbox folder: %w", err)
		}
	}
	return nil
}

// inboxFile reports whether a base name is one the inbox takes.
func inboxFile(name string) bool {
	if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return false
	}
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".tmp") || strings.HasSuffix(lower, ".part") {
		return false
	}
	return strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".csv")
}

// event notes what a file system event says about a file in Dir.
func (r *inbox) event(ev fsnotify.Event) {
	if filepath.Clean(ev.Name) == r.dir && ev.Has(fsnotify.Remove|fsnotify.Rename) {
		r.log.Error("inbox folder removed; it is created again at the next rescan", "dir", r.dir)
		return
	}
	name := filepath.Base(ev.Name)
	if filepath.Dir(ev.Name) != r.dir || !inboxFile(name) {
		return
	}
	r.log.Debug("inbox event", "file", name, "op", ev.Op.String())
	if !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) && r.waiting(name) {
		return
	}
	switch {
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		// Gone (Rename is the old name of a file renamed away).
		delete(r.pending, name)
		delete(r.unmoved, name)
		delete(r.retries, name)
	case ev.Has(fsnotify.Create):
		r.add(name, true)
	case ev.Has(fsnotify.Write):
		if c, ok := r.pending[name]; ok {
			c.renamed, c.since = false, time.Now()
			return
		}
		r.add(name, false)
	default: // Chmod: a change of size or mtime is seen by the next check
		if _, ok := r.pending[name]; !ok {
			r.add(name, false)
		}
	}
}

// drain handles the events already delivered, so that a WRITE that
// follows a CREATE is seen before the file is judged.
func (r *inbox) drain() {
	for {
		select {
		case ev, ok := <-r.watcher.Events:
			if !ok {
				return
			}
			r.event(ev)
		default:
			return
		}
	}
}

// add makes a file a candidate, noting whether it arrived by rename.
func (r *inbox) add(name string, renamed bool) {
	c := &candidate{since: time.Now(), renamed: renamed}
	if fi, err := os.Lstat(filepath.Join(r.dir, name)); err == nil {
		c.size, c.mtime = fi.Size(), fi.ModTime()
	}
	r.pending[name] = c
}

// scan makes every file in Dir a candidate.
func (r *inbox) scan() {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		r.log.Error("scan inbox", "dir", r.dir, "err", err)
		return
	}
	for _, e := range entries {
		if !inboxFile(e.Name()) || r.waiting(e.Name()) {
			continue
		}
		if !e.Type().IsRegular() {
			r.refuseSpecial(e.Name())
			continue
		}
		if _, ok := r.pending[e.Name()]; !ok {
			r.add(e.Name(), false)
		}
	}
}

// waiting reports whether name waits for a retry, unchanged since it
// failed; a file changed or gone since is forgotten, to be taken as new.
func (r *inbox) waiting(name string) bool {
	rt, ok := r.retries[name]
	if !ok {
		return false
	}
	fi, err := os.Lstat(filepath.Join(r.dir, name))
	if err == nil && fi.Size() == rt.size && fi.ModTime().Equal(rt.mtime) {
		return true
	}
	delete(r.retries, name)
	return false
}

// nextRetry returns when the next retry is due, if any is.
func (r *inbox) nextRetry() (time.Time, bool) {
	var next time.Time
	for _, rt := range r.retries {
		if next.IsZero() || rt.due.Before(next) {
			next = rt.due
		}
	}
	return next, !next.IsZero()
}

// dueRetries returns the files whose retry is due, the earliest first.
func (r *inbox) dueRetries() []string {
	now := time.Now()
	var names []string
	for name, rt := range r.retries {
		if !rt.due.After(now) {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(r.retries[a].due.Compare(r.retries[b].due), strings.Compare(a, b))
	})
	return names
}

// backoff is the wait after the n-th failed attempt: RetryMin, doubling
// each time, up to RetryMax.
func (r *inbox) backoff(n int) time.Duration {
	d := r.retryMin
	for i := 1; i < n && d < r.retryMax; i++ {
		d *= 2
	}
	return min(d, r.retryMax)
}

// ready returns the candidates that are complete, oldest first, and drops
// those that are gone or not regular files.
func (r *inbox) ready(settle time.Duration) []string {
	type file struct {
		name  string
		mtime time.Time
	}
	var out []file
	now := time.Now()
	for name, c := range r.pending {
		fi, err := os.Lstat(filepath.Join(r.dir, name))
		if err != nil || !fi.Mode().IsRegular() {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				r.log.Error("stat inbox file", "file", name, "err", err)
			}
			delete(r.pending, name)
			if err == nil {
				r.refuseSpecial(name)
			}
			continue
		}
		if fi.Size() != c.size || !fi.ModTime().Equal(c.mtime) {
			c.size, c.mtime, c.since, c.renamed = fi.Size(), fi.ModTime(), now, false
			continue
		}
		quiet := now.Sub(c.since)
		if quiet >= settle || c.renamed && c.size > 0 && quiet >= r.quiet {
			out = append(out, file{name, c.mtime})
		}
	}
	slices.SortFunc(out, func(a, b file) int {
		return cmp.Or(a.mtime.Compare(b.mtime), strings.Compare(a.name, b.name))
	})
	names := make([]string, len(out))
	for i, f := range out {
		names[i] = f.name
	}
	return names
}

// refuseSpecial moves an entry named like a workbook that is not a regular
// file (a symbolic link, a folder, a named pipe, a socket or a device) into
// rejected/ with a report saying why, so that it does not sit in the inbox
// unexplained. Nothing is read from it and a link is never followed: the
// entry itself is moved (rename does not follow links).
func (r *inbox) refuseSpecial(name string) {
	fi, err := os.Lstat(filepath.Join(r.dir, name))
	if err != nil || fi.Mode().IsRegular() {
		return
	}
	what := "not a regular file"
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		what = "a symbolic link: links are not followed, so that nothing outside the inbox is read; save or copy the workbook itself into the inbox"
	case m.IsDir():
		what = "a folder named like a workbook: the inbox takes files only"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a file: nothing was read from it"
	case m&fs.ModeSocket != 0:
		what = "a socket, not a file"
	case m&fs.ModeDevice != 0:
		what = "a device, not a file"
	}
	rep := &Report{File: name, Problems: vs.Problems{{File: name, Reason: "refused: " + what}}}
	r.log.Warn("inbox entry refused: not a regular file", "file", name, "mode", fi.Mode().Type().String(), "reason", what)
	r.move(name, rep, fi)
}

// process ingests one complete file and moves it with its report. Errors
// are logged here: the inbox loop is the boundary.
func (r *inbox) process(ctx context.Context, name string) {
	delete(r.pending, name)
	path := filepath.Join(r.dir, name)
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	if u, ok := r.unmoved[name]; ok && u.size == fi.Size() && u.mtime.Equal(fi.ModTime()) {
		r.move(name, u.rep, fi)
		return
	}
	delete(r.unmoved, name)

	cat := r.Catalogue()
	if cat == nil {
		r.log.Error("ingest inbox file: no catalogue in force; retrying at the next rescan", "file", name)
		return
	}
	rt := r.retries[name]
	if rt != nil {
		r.log.Info("trying inbox file again", "file", name, "attempt", rt.attempts+1)
	}
	start := time.Now()
	rep, err := Ingest(ctx, r.Ledger, path, cat, IngestOptions{Options: r.Options, Via: vs.ViaInbox})
	switch {
	case ctx.Err() != nil:
		return // stopping: the file stays and is taken at the next start
	case errors.Is(err, fs.ErrNotExist):
		r.log.Info("inbox file gone before it was read", "file", name)
		delete(r.retries, name)
		return
	case err != nil:
		// Not the file's fault: it stays, and is tried again later.
		if rt == nil {
			rt = &retry{size: fi.Size(), mtime: fi.ModTime()}
			r.retries[name] = rt
		}
		rt.attempts++
		wait := r.backoff(rt.attempts)
		rt.due = time.Now().Add(wait)
		reason := "internal"
		var ie *vs.IngestError
		if errors.As(err, &ie) {
			reason = string(ie.Reason)
		}
		r.log.Error("inbox file not ingested, through no fault of the file; it stays in the inbox and is tried again",
			"file", name, "reason", reason, "attempt", rt.attempts, "retry_in", wait, "err", err)
		return
	}
	delete(r.retries, name)
	attrs := []any{"file", name, "sha256", rep.SHA256, "rows", rep.Rows, "duration", time.Since(start)}
	if rt != nil {
		attrs = append(attrs, "attempt", rt.attempts+1)
	}
	switch {
	case !rep.Accepted:
		r.log.Warn("inbox file rejected", append(attrs, "source", rep.SourceID, "problems", len(rep.Problems))...)
	case rep.Duplicate:
		r.log.Info("inbox file already ingested", append(attrs, "duplicate_of", rep.DuplicateOf)...)
	default:
		r.log.Info("inbox file ingested", append(attrs, "source", rep.SourceID, "new", rep.New,
			"revised", rep.Revised, "unchanged", rep.Unchanged, "warnings", len(rep.Warnings))...)
	}
	if r.OnIngest != nil {
		r.OnIngest(rep)
	}
	r.move(name, rep, fi)
}

// move writes the report into processed/ or rejected/ and moves the file
// beside it, under a name that clashes with nothing there.
func (r *inbox) move(name string, rep *Report, fi fs.FileInfo) {
	sub := ProcessedDir
	if !rep.Accepted {
		sub = RejectedDir
	}
	destDir := filepath.Join(r.dir, sub)
	err := func() error {
		dest, err := r.freeName(destDir, name)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("report %s: %w", name, err)
		}
		reports := []string{dest + ".report.txt", dest + ".report.json"}
		for i, content := range [][]byte{[]byte(rep.Text()), append(b, '\n')} {
			if err := writeFile(destDir, reports[i], content); err != nil {
				removeAll(destDir, reports[:i])
				return err
			}
		}
		if err := os.Rename(filepath.Join(r.dir, name), filepath.Join(destDir, dest)); err != nil {
			removeAll(destDir, reports)
			return fmt.Errorf("move %s to %s: %w", name, sub, err)
		}
		r.log.Debug("inbox file moved", "file", name, "to", filepath.Join(sub, dest))
		return nil
	}()
	if err != nil {
		r.log.Error("move inbox file; retrying at the next rescan", "file", name, "err", err)
		r.unmoved[name] = unmoved{fi.Size(), fi.ModTime(), rep}
		return
	}
	delete(r.unmoved, name)
}

// freeName returns name, or name with the time (then a counter) before
// its extension, such that neither it nor its reports exist in dir.
func (r *inbox) freeName(dir, name string) (string, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	stamp := now().UTC().Format("20060102T150405Z")
	for i := 0; i < 1000; i++ {
		cand := name
		switch {
		case i == 1:
			cand = stem + "." + stamp + ext
		case i > 1:
			cand = fmt.Sprintf("%s.%s-%d%s", stem, stamp, i, ext)
		}
		taken := false
		for _, n := range []string{cand, cand + ".report.txt", cand + ".report.json"} {
			_, err := os.Lstat(filepath.Join(dir, n))
			if err == nil {
				taken = true
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("check %s: %w", n, err)
			}
		}
		if !taken {
			return cand, nil
		}
	}
	return "", fmt.Errorf("no free name for %s in %s", name, dir)
}

// writeFile writes dir/name whole or not at all: through a dotfile that is
// renamed into place.
func writeFile(dir, name string, content []byte) error {
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, content, 0o640); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func removeAll(dir string, names []string) {
	for _, n := range names {
		os.Remove(filepath.Join(dir, n))
	}
}
