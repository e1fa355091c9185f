// Package store keeps observations, their revisions and the sources they
// came from in a SQLite file (pure Go driver, no cgo), under versioned
// migrations. It is the only package that writes history; every write is one
// transaction, so a rejected file stores no observation and a reader never
// sees half a file.
//
// Writers, in this process or others, queue for SQLite's one write lock
// (BEGIN IMMEDIATE under busy_timeout) for up to the lock timeout
// (WithLockTimeout); a wait that runs out is ErrBusy, and a wait also ends
// with its context. A failed ingest that is not the file's fault is
// recorded with RecordFailure in the ingest_errors table; when the store
// cannot take even that (busy, disk full), the Store keeps it, counts it in
// IngestStats and writes it with its next write or at Close. After each
// ingest the write-ahead log is checkpointed and truncated, and
// journal_size_limit caps what is left of it, so that a reader holding an
// old snapshot during a large ingest does not leave the log at its largest.
// A database whose schema is newer than this binary's migrations is
// refused (NewerSchemaError).
//
// It may import the domain package only.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	vs "github.com/vitalsigns/vitalsigns"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file's name inside the data directory.
const FileName = "vitalsigns.db"

// DefaultLockTimeout is how long a write waits for the store's write lock
// by default: long enough for several large files ingested at once to take
// their turns (storing holds the lock for about 0.6-0.9 s per 100,000 new
// figures, BENCHMARKS.md, so five 500,000-row files queue for well under a
// minute), short enough that a wedged process is noticed.
const DefaultLockTimeout = 5 * time.Minute

const (
	// lockNotice is how long a write waits for the write lock before the
	// wait is logged.
	lockNotice = 200 * time.Millisecond
	// recordWait bounds the wait for the write lock when recording a
	// failed ingest (the failure may be that the lock stayed taken).
	recordWait = 5 * time.Second
	// checkpointWait bounds a checkpoint's wait for readers to finish; an
	// ingest's own waits less, not to hold up the next writer (the
	// checkpoint holds the write lock) or the ingest's caller.
	checkpointWait       = time.Second
	ingestCheckpointWait = 200 * time.Millisecond
	// journalSizeLimit is the size the write-ahead log is cut back to when
	// it starts again from the beginning: about what SQLite's automatic
	// checkpoints (every 1000 pages) let it reach.
	journalSizeLimit = 4 << 20
)

// Store is a vitalsigns database. It is safe for concurrent use, and several
// processes may open the same file: SQLite's locking keeps writes whole.
// Writes queue for the write lock for up to the lock timeout; one that
// waits longer fails with ErrBusy.
type Store struct {
	db          *sql.DB
	path        string
	now         func() time.Time
	log         *slog.Logger
	lockTimeout time.Duration
	mustExist   bool

	// failures are the failed ingests not yet written (the store was busy
	// or full): IngestStats counts them, and the next write records them.
	// mu guards the slice; flushing is held by the one transaction writing
	// them, so that none is written twice.
	mu       sync.Mutex
	failures []vs.IngestFailure
	flushing sync.Mutex
}

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock used to stamp sources and revisions.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithLockTimeout sets how long a write waits for the write lock that
// another connection or process holds (default DefaultLockTimeout; 0 does
// not wait).
func WithLockTimeout(d time.Duration) Option {
	return func(s *Store) { s.lockTimeout = max(d, 0) }
}

// WithLogger sets the logger of waits for the write lock, checkpoints and
// failures that could not be recorded (default: discard).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// MustExist makes Open refuse, with ErrNoStore, a database that does not
// exist, instead of creating it: for the commands that only read.
func MustExist() Option { return func(s *Store) { s.mustExist = true } }

// ErrNoStore is returned by Open with MustExist for a missing database.
var ErrNoStore = errors.New("no such store")

// ErrBusy is returned by a write that waited longer than the lock timeout
// for the write lock another connection or process held.
var ErrBusy = errors.New("store busy")

// busyError is SQLITE_BUSY from a wait for a lock.
type busyError struct {
	wait time.Duration
	err  error
}

func (e *busyError) Error() string {
	return fmt.Sprintf("store busy: another connection held its write lock for more than %v", e.wait)
}
func (e *busyError) Is(target error) bool { return target == ErrBusy }
func (e *busyError) Unwrap() error        { return e.err }

// fullError is SQLITE_FULL: the disk (or the file system's quota) is
// full. It is errors.Is syscall.ENOSPC, as a full disk is everywhere
// else, so that callers tell the user so without knowing SQLite.
type fullError struct{ err error }

func (e *fullError) Error() string        { return "the store's disk is full: " + e.err.Error() }
func (e *fullError) Is(target error) bool { return target == syscall.ENOSPC }
func (e *fullError) Unwrap() error        { return e.err }

// fault makes SQLITE_BUSY an ErrBusy and SQLITE_FULL an error that
// errors.Is syscall.ENOSPC; other errors are returned as they are.
func (s *Store) fault(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY:
			return &busyError{wait: s.lockTimeout, err: err}
		case sqlite3.SQLITE_FULL:
			return &fullError{err: err}
		}
	}
	return err
}

// NewerSchemaError is returned by Open for a database whose schema was
// written by a newer vitalsigns than this one: its tables may mean things
// this binary does not know, so it is not used.
type NewerSchemaError struct {
	Path         string
	Version      int64 // the database's
	KnownVersion int64 // the newest this binary knows
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the store at %s was written by a newer vitalsigns (schema %d, this binary knows up to %d): upgrade vitalsigns",
		e.Path, e.Version, e.KnownVersion)
}

// Open opens (creating if need be, unless MustExist) the SQLite database at
// path and brings its schema up to date. A database with a newer schema
// than this binary knows is refused with a *NewerSchemaError.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now, lockTimeout: DefaultLockTimeout, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(s)
	}
	q := url.Values{}
	if s.mustExist {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("open store %s: %w", path, ErrNoStore)
			}
			return nil, fmt.Errorf("open store: %w", err)
		}
		q.Set("mode", "rw") // never create it
	} else if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// busy_timeout is how long a connection waits for a lock another holds:
	// the write lock, in WAL mode. modernc's busy handler also gives up
	// once the context of the call is done.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.busyMillis()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", journalSizeLimit))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// An 8 MiB page cache a connection: inserts arrive in key order
	// (bySeries), so a bigger cache did not make storing or revising a
	// large file faster (BENCHMARKS.md), while it added its size to the
	// peak memory of a million-row ingest.
	q.Add("_pragma", "cache_size(-8192)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.db = db
	if err := s.migrate(ctx); err != nil {
		db.Close()
		var newer *NewerSchemaError
		if errors.As(err, &newer) {
			return nil, err
		}
		return nil, fmt.Errorf("open store %s: %w", path, s.fault(err))
	}
	return s, nil
}

// migrate brings the schema up to date, unless it is newer than this
// binary's. Processes opening a new store at once may race to migrate it:
// one that fails after another has moved the version on looks again.
func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, fsys)
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	srcs := p.ListSources()
	known := srcs[len(srcs)-1].Version
	for {
		cur, err := s.schemaVersion(ctx)
		switch {
		case err != nil:
			return err
		case cur > known:
			return &NewerSchemaError{Path: s.path, Version: cur, KnownVersion: known}
		case cur == known:
			return nil
		}
		_, upErr := p.Up(ctx)
		if upErr == nil {
			return nil
		}
		if now, err := s.schemaVersion(ctx); err != nil || now <= cur {
			return fmt.Errorf("migrate: %w", upErr)
		}
	}
}

// schemaVersion is the newest migration applied, 0 for a new database.
func (s *Store) schemaVersion(ctx context.Context) (int64, error) {
	var n int
	if err := s.db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	var v int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// begin starts a write transaction: it waits for the write lock, up to the
// lock timeout or until ctx is done, and logs a wait that is noticeable.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	start := time.Now()
	notice := time.AfterFunc(lockNotice, func() {
		s.log.Info("waiting for the store's write lock", "store", s.path, "timeout", s.lockTimeout)
	})
	tx, err := s.db.BeginTx(ctx, nil)
	if !notice.Stop() {
		attrs := []any{"store", s.path, "waited", time.Since(start).Round(time.Millisecond)}
		if err != nil {
			s.log.Info("gave up waiting for the store's write lock", append(attrs, "err", err)...)
		} else {
			s.log.Info("got the store's write lock", attrs...)
		}
	}
	if err != nil {
		return nil, s.fault(err)
	}
	return tx, nil
}

// commit commits tx, which wrote the first n failures kept (see
// flushFailures), and forgets those once they are committed: under mu, so
// that IngestStats counts each either as kept or as stored, never both.
func (s *Store) commit(tx *sql.Tx, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := tx.Commit(); err != nil {
		return s.fault(err)
	}
	s.failures = s.failures[n:]
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close records the failed ingests still kept, if it can, and closes the
// database.
func (s *Store) Close() error {
	s.mu.Lock()
	n := len(s.failures)
	s.mu.Unlock()
	if n > 0 {
		if err := s.flushFailures(context.Background(), s.recordWait()); err != nil {
			s.log.Error("failed ingests not recorded in the store: the ingest health metrics do not count them",
				"store", s.path, "count", n, "err", err)
		}
	}
	return s.db.Close()
}

// Ingest stores src as an accepted source and obs as new revisions where
// they differ from the figure in force, in one transaction. A file whose
// content (sha256) was already accepted is a no-op reported by
// Result.Duplicate.
func (s *Store) Ingest(ctx context.Context, src vs.Source, obs vs.Observations) (vs.IngestResult, error) {
	res, err := s.apply(ctx, src, obs, true)
	if err != nil && !errors.Is(err, ErrBusy) && !errors.Is(err, syscall.ENOSPC) {
		err = s.fault(err) // SQLITE_FULL from an insert, say
	}
	return res, err
}

// Plan reports what Ingest would do, writing nothing.
func (s *Store) Plan(ctx context.Context, src vs.Source, obs vs.Observations) (vs.IngestResult, error) {
	return s.apply(ctx, src, obs, false)
}

func (s *Store) apply(ctx context.Context, src vs.Source, obs vs.Observations, write bool) (res vs.IngestResult, err error) {
	var tx *sql.Tx
	if write {
		tx, err = s.begin(ctx)
	} else {
		// A plan only reads: it needs no write lock.
		tx, err = s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	}
	if err != nil {
		return res, fmt.Errorf("begin ingest: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op

	if src.SHA256 != "" {
		dup, found, err := sourceBySHA(ctx, tx, src.SHA256)
		if err != nil {
			return res, err
		}
		if found {
			return vs.IngestResult{Duplicate: true, DuplicateOf: dup, SourceID: dup.ID}, nil
		}
	}

	now := s.now().UTC()
	if src.ReceivedAt.IsZero() {
		src.ReceivedAt = now
	}
	src.Accepted = true
	src.Rows = max(src.Rows, obs.Len())
	if write {
		if res.SourceID, err = insertSource(ctx, tx, src); err != nil {
			return res, err
		}
	}

	lookup, err := tx.PrepareContext(ctx, `
		SELECT o.frequency, o.period_last, o.revision, s.withdrawn_at IS NOT NULL, o.value, o.numerator,
			o.denominator, o.status, o.commentary, o.outcome
		FROM observations o JOIN sources s ON s.id = o.source_id
		WHERE o.indicator = ? AND o.team = ?
		ORDER BY o.frequency, o.period_last, o.revision DESC`)
	if err != nil {
		return res, fmt.Errorf("prepare lookup: %w", err)
	}
	defer lookup.Close()
	ins := &inserter{tx: tx}
	defer ins.close()

	// Figures are looked up one indicator and team at a time: one query
	// per series rather than one per row.
	stamp := now.Format(time.RFC3339Nano)
	for _, group := range bySeries(obs) {
		first := obs.At(int(group[0]))
		inForce, err := figuresInForce(ctx, lookup, first.Indicator, first.Team)
		if err != nil {
			return res, err
		}
		for _, i := range group {
			o := obs.At(int(i))
			f := inForce[periodKey{o.Period.Freq, o.Period.Last}]
			old := f.obs
			old.Key = o.Key
			kind := vs.ChangeNew
			switch {
			case old.Revision == 0:
			case old.SameFigure(o):
				kind = vs.ChangeUnchanged
			default:
				kind = vs.ChangeRevised
			}
			switch kind {
			case vs.ChangeNew:
				res.New++
			case vs.ChangeUnchanged:
				res.Unchanged++
				continue
			case vs.ChangeRevised:
				res.Revised++
			}
			// The latest revision counts even if its source was
			// withdrawn, so revision numbers never repeat.
			o.Revision = f.lastRev + 1
			if kind == vs.ChangeRevised {
				res.Changes = append(res.Changes, vs.Change{Key: o.Key, Kind: kind, Old: old, New: o})
			}
			if write {
				if err := ins.add(ctx, []any{o.Indicator, o.Team, string(o.Period.Freq), o.Period.Last.String(),
					o.Revision, o.Value, o.Numerator, o.Denominator, string(o.Status), o.Commentary, o.Outcome,
					res.SourceID, stamp}); err != nil {
					return res, fmt.Errorf("store %s/%s/%s: %w", o.Indicator, o.Team, o.Period, err)
				}
			}
		}
	}
	if write {
		if err := ins.flush(ctx); err != nil {
			return res, fmt.Errorf("store figures: %w", err)
		}
	}
	if !write {
		return res, nil
	}
	if err := bump(ctx, tx); err != nil {
		return res, s.fault(err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("commit ingest: %w", s.fault(err))
	}
	s.afterWrite(ctx)
	// A large file grows the write-ahead log by its size; cut it back now
	// rather than leave it at its largest.
	if err := s.checkpoint(ctx, ingestCheckpointWait); err != nil {
		s.log.Debug("checkpoint after ingest", "store", s.path, "err", err)
	}
	return res, nil
}

// Reject records a rejected source with its report; it stores no
// observation.
func (s *Store) Reject(ctx context.Context, src vs.Source) (id int64, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if src.ReceivedAt.IsZero() {
		src.ReceivedAt = s.now().UTC()
	}
	src.Accepted = false
	if id, err = insertSource(ctx, tx, src); err != nil {
		return 0, s.fault(err)
	}
	if err = bump(ctx, tx); err != nil {
		return 0, s.fault(err)
	}
	if err = tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit rejected source: %w", s.fault(err))
	}
	s.afterWrite(ctx)
	return id, nil
}

// RecordFailure records an ingest that failed for a reason that is not the
// file's fault (the store busy or full, the file unreadable), for the
// ingest health metrics. It is written in a transaction of its own that
// waits for the write lock for a few seconds at most, since the failure
// may be that the lock stayed taken or the disk is full. What cannot be
// written now is kept: IngestStats counts it, and the next write of this
// Store (or Close) records it; the error says so.
func (s *Store) RecordFailure(ctx context.Context, f vs.IngestFailure) error {
	if f.At.IsZero() {
		f.At = s.now()
	}
	s.mu.Lock()
	s.failures = append(s.failures, f)
	s.mu.Unlock()
	if err := s.flushFailures(ctx, s.recordWait()); err != nil {
		return fmt.Errorf("record the failed ingest of %s (kept, to be recorded with the next write): %w", f.File, err)
	}
	return nil
}

// recordWait is how long recording a failure waits for the write lock.
func (s *Store) recordWait() time.Duration { return min(recordWait, s.lockTimeout) }

// afterWrite records the failures kept, now that a write got through.
func (s *Store) afterWrite(ctx context.Context) {
	if err := s.flushFailures(ctx, s.recordWait()); err != nil {
		s.log.Warn("record failed ingests; kept for the next write", "store", s.path, "err", err)
	}
}

// flushFailures writes the failures kept, in a transaction of their own
// that waits at most wait (if positive) for the write lock.
func (s *Store) flushFailures(ctx context.Context, wait time.Duration) error {
	s.flushing.Lock()
	defer s.flushing.Unlock()
	s.mu.Lock()
	fs := slices.Clone(s.failures)
	s.mu.Unlock()
	if len(fs) == 0 {
		return nil
	}
	parent := ctx
	if wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	err := func() error {
		tx, err := s.begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
		for _, f := range fs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_errors (reason, name, sha256, via, submitter, at, error)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, string(f.Reason), f.File, f.SHA256, string(f.Via), f.Submitter, stamp(f.At), f.Err); err != nil {
				return fmt.Errorf("insert: %w", s.fault(err))
			}
		}
		if err := bump(ctx, tx); err != nil {
			return s.fault(err)
		}
		return s.commit(tx, len(fs))
	}()
	if err != nil && parent.Err() == nil && ctx.Err() != nil && !errors.Is(err, ErrBusy) {
		err = &busyError{wait: wait, err: err} // our own deadline: the lock stayed taken
	}
	if err != nil {
		return fmt.Errorf("record %d failed ingest(s): %w", len(fs), err)
	}
	return nil
}

// stamp writes an instant in UTC with a fixed number of digits, so that
// the text sorts as the instants do.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// Checkpoint copies the write-ahead log into the database and truncates
// the log, waiting at most a second for readers of older snapshots to
// finish; if they did not, it returns ErrBusy and the log keeps its size
// until a later checkpoint (or is cut back to journal_size_limit when it
// next starts again). Ingest checkpoints after each file, waiting less; a
// long-running process (serve) calls it now and then.
func (s *Store) Checkpoint(ctx context.Context) error { return s.checkpoint(ctx, checkpointWait) }

func (s *Store) checkpoint(ctx context.Context, wait time.Duration) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer conn.Close()
	// The checkpoint waits for readers under busy_timeout: a short one
	// here, put back before the connection returns to the pool (or the
	// connection is dropped).
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait.Milliseconds())); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA busy_timeout = %d", s.busyMillis())); rerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	var busy, frames, copied int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("checkpoint: %w", s.fault(err))
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: readers kept the write-ahead log in use (%d of %d pages copied): %w", copied, frames, ErrBusy)
	}
	return nil
}

// busyMillis is busy_timeout for the lock timeout.
func (s *Store) busyMillis() int64 { return min(s.lockTimeout.Milliseconds(), math.MaxInt32) }

type periodKey struct {
	freq vs.Frequency
	last vs.Date
}

type inForce struct {
	obs     vs.Observation // the figure in force; zero Revision if none
	lastRev int            // the highest revision number ever used
}

// bySeries groups the indexes of obs by indicator and team, the groups in
// the order of the observations table's primary key (indicator, team,
// frequency, period), and each group by period: rows inserted in key order
// are appended to the B-tree's last page instead of splitting pages all
// over it, which makes storing a large file about twice as fast.
func bySeries(obs vs.Observations) [][]int32 {
	type series struct {
		indicator, team string
		idx             []int32
	}
	idx := map[[2]string]int{}
	var all []series
	for n := range obs.Len() {
		o := obs.At(n)
		k := [2]string{o.Indicator, o.Team}
		i, ok := idx[k]
		if !ok {
			i = len(all)
			idx[k] = i
			all = append(all, series{indicator: o.Indicator, team: o.Team})
		}
		all[i].idx = append(all[i].idx, int32(n))
	}
	slices.SortFunc(all, func(a, b series) int {
		return cmp.Or(strings.Compare(a.indicator, b.indicator), strings.Compare(a.team, b.team))
	})
	out := make([][]int32, len(all))
	type when struct {
		freq vs.Frequency
		last vs.Date
		i    int32
	}
	var ws []when
	for g, s := range all {
		out[g] = s.idx
		ws = ws[:0]
		for _, i := range s.idx {
			o := obs.At(int(i))
			ws = append(ws, when{o.Period.Freq, o.Period.Last, i})
		}
		less := func(a, b when) int {
			return cmp.Or(strings.Compare(string(a.freq), string(b.freq)), a.last.Compare(b.last), cmp.Compare(a.i, b.i))
		}
		if slices.IsSortedFunc(ws, less) {
			continue
		}
		slices.SortFunc(ws, less)
		for j, w := range ws {
			s.idx[j] = w.i
		}
	}
	return out
}

// figuresInForce reads every stored revision of one indicator and team and
// returns, per period, the latest revision from a source that is not
// withdrawn and the highest revision number used.
func figuresInForce(ctx context.Context, stmt *sql.Stmt, indicator, team string) (map[periodKey]inForce, error) {
	rows, err := stmt.QueryContext(ctx, indicator, team)
	if err != nil {
		return nil, fmt.Errorf("look up %s/%s: %w", indicator, team, err)
	}
	defer rows.Close()
	out := map[periodKey]inForce{}
	for rows.Next() {
		var (
			o                  vs.Observation
			freq, last, status string
			withdrawn          bool
		)
		if err := rows.Scan(&freq, &last, &o.Revision, &withdrawn, &o.Value, &o.Numerator, &o.Denominator, &status, &o.Commentary, &o.Outcome); err != nil {
			return nil, fmt.Errorf("look up %s/%s: %w", indicator, team, err)
		}
		d, err := vs.ParseDate(last)
		if err != nil {
			return nil, fmt.Errorf("look up %s/%s: %w", indicator, team, err)
		}
		o.Status = vs.Status(status)
		k := periodKey{vs.Frequency(freq), d}
		f := out[k]
		f.lastRev = max(f.lastRev, o.Revision)
		if !withdrawn && f.obs.Revision == 0 { // rows come newest revision first
			f.obs = o
		}
		out[k] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up %s/%s: %w", indicator, team, err)
	}
	return out, nil
}

// inserter writes observation rows in multi-row INSERTs, which SQLite
// executes several times faster than one statement a row.
type inserter struct {
	tx   *sql.Tx
	full *sql.Stmt
	rows []any
}

const (
	insertColumns = 13
	insertBatch   = 64 // rows per statement: 832 parameters, under SQLite's limit
)

func insertSQL(n int) string {
	row := "(?" + strings.Repeat(", ?", insertColumns-1) + ")"
	return `INSERT INTO observations (indicator, team, frequency, period_last, revision, value, numerator,
		denominator, status, commentary, outcome, source_id, recorded_at) VALUES ` +
		row + strings.Repeat(", "+row, n-1)
}

func (in *inserter) add(ctx context.Context, row []any) error {
	in.rows = append(in.rows, row...)
	if len(in.rows) < insertBatch*insertColumns {
		return nil
	}
	if in.full == nil {
		var err error
		if in.full, err = in.tx.PrepareContext(ctx, insertSQL(insertBatch)); err != nil {
			return err
		}
	}
	_, err := in.full.ExecContext(ctx, in.rows...)
	in.rows = in.rows[:0]
	return err
}

func (in *inserter) flush(ctx context.Context) error {
	if len(in.rows) == 0 {
		return nil
	}
	_, err := in.tx.ExecContext(ctx, insertSQL(len(in.rows)/insertColumns), in.rows...)
	in.rows = in.rows[:0]
	return err
}

func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
	}
}

func insertSource(ctx context.Context, tx *sql.Tx, src vs.Source) (int64, error) {
	report := src.Report
	if report == "" {
		report = "{}"
	}
	r, err := tx.ExecContext(ctx, `
		INSERT INTO sources (name, sha256, size, via, submitter, received_at, rows, accepted, report)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		src.Name, src.SHA256, src.Size, string(src.Via), src.Submitter,
		src.ReceivedAt.UTC().Format(time.RFC3339Nano), src.Rows, src.Accepted, report)
	if err != nil {
		return 0, fmt.Errorf("record source %s: %w", src.Name, err)
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("record source %s: %w", src.Name, err)
	}
	return id, nil
}

func bump(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = value + 1 WHERE key = 'change_seq'`); err != nil {
		return fmt.Errorf("bump change counter: %w", err)
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const sourceColumns = `id, name, sha256, size, via, submitter, received_at, rows, accepted, report,
	COALESCE(withdrawn_at, ''), withdrawn_reason`

func sourceBySHA(ctx context.Context, q querier, sha string) (vs.Source, bool, error) {
	srcs, err := scanSources(q.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources
		WHERE sha256 = ? AND accepted = 1 AND withdrawn_at IS NULL ORDER BY id LIMIT 1`, sha))
	if err != nil || len(srcs) == 0 {
		return vs.Source{}, false, err
	}
	return srcs[0], true, nil
}

func scanSources(rows *sql.Rows, err error) ([]vs.Source, error) {
	if err != nil {
		return nil, fmt.Errorf("query sources: %w", err)
	}
	defer rows.Close()
	var out []vs.Source
	for rows.Next() {
		var (
			s             vs.Source
			at, via, wdAt string
		)
		if err := rows.Scan(&s.ID, &s.Name, &s.SHA256, &s.Size, &via, &s.Submitter, &at, &s.Rows, &s.Accepted, &s.Report,
			&wdAt, &s.WithdrawnReason); err != nil {
			return nil, fmt.Errorf("read source: %w", err)
		}
		s.Via = vs.Via(via)
		if s.ReceivedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read source %d time: %w", s.ID, err)
		}
		if wdAt != "" {
			s.Withdrawn = true
			if s.WithdrawnAt, err = time.Parse(time.RFC3339Nano, wdAt); err != nil {
				return nil, fmt.Errorf("read source %d withdrawal time: %w", s.ID, err)
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	return out, nil
}

// Sources lists every source, newest first.
func (s *Store) Sources(ctx context.Context) ([]vs.Source, error) {
	return scanSources(s.db.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY id DESC`))
}

// Source returns the source with the given id.
func (s *Store) Source(ctx context.Context, id int64) (vs.Source, error) {
	srcs, err := scanSources(s.db.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if err != nil {
		return vs.Source{}, err
	}
	if len(srcs) == 0 {
		return vs.Source{}, fmt.Errorf("source %d: %w", id, ErrNotFound)
	}
	return srcs[0], nil
}

// SourceCounts returns how many figures a source stored as new (revision 1)
// and as revisions of earlier figures.
func (s *Store) SourceCounts(ctx context.Context, id int64) (newFigures, revised int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(revision = 1), 0), COALESCE(SUM(revision > 1), 0)
		FROM observations WHERE source_id = ?`, id).Scan(&newFigures, &revised)
	if err != nil {
		return 0, 0, fmt.Errorf("count figures of source %d: %w", id, err)
	}
	return newFigures, revised, nil
}

// ErrNotFound is returned for an unknown source.
var ErrNotFound = errors.New("no such source")

// ErrNotWithdrawable is returned for a source that was rejected or is
// already withdrawn.
var ErrNotWithdrawable = errors.New("source cannot be withdrawn")

// Withdraw marks an accepted source as withdrawn, with the reason: its
// revisions stop counting, so the previous figures are in force again. The
// revisions themselves stay, for the audit trail.
func (s *Store) Withdraw(ctx context.Context, id int64, reason string) (src vs.Source, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return src, fmt.Errorf("begin withdrawal: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	srcs, err := scanSources(tx.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if err != nil {
		return src, err
	}
	switch {
	case len(srcs) == 0:
		return src, fmt.Errorf("source %d: %w", id, ErrNotFound)
	case !srcs[0].Accepted:
		return srcs[0], fmt.Errorf("source %d (%s) was rejected, so it stored nothing: %w", id, srcs[0].Name, ErrNotWithdrawable)
	case srcs[0].Withdrawn:
		return srcs[0], fmt.Errorf("source %d (%s) was already withdrawn: %w", id, srcs[0].Name, ErrNotWithdrawable)
	}
	at := s.now().UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?`,
		at.Format(time.RFC3339Nano), reason, id); err != nil {
		return src, fmt.Errorf("withdraw source %d: %w", id, err)
	}
	if err := bump(ctx, tx); err != nil {
		return src, err
	}
	if err := tx.Commit(); err != nil {
		return src, fmt.Errorf("commit withdrawal: %w", s.fault(err))
	}
	s.afterWrite(ctx)
	src = srcs[0]
	src.Withdrawn, src.WithdrawnAt, src.WithdrawnReason = true, at, reason
	return src, nil
}

// ChangeSeq returns the change counter: it grows with every committed
// write, by this process or another.
func (s *Store) ChangeSeq(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'change_seq'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read change counter: %w", err)
	}
	return n, nil
}

// Latest returns the figure in force for every key (the highest revision
// from a source that is not withdrawn), ordered by indicator, team and
// period.
func (s *Store) Latest(ctx context.Context, f vs.Filter) ([]vs.Observation, error) {
	return scanObservations(s.db.QueryContext(ctx, `
		SELECT indicator, team, frequency, period_last, revision, value, numerator, denominator, status,
			commentary, outcome, source_id, recorded_at
		FROM (
			SELECT o.*, ROW_NUMBER() OVER (
				PARTITION BY o.indicator, o.team, o.frequency, o.period_last ORDER BY o.revision DESC) AS rn
			FROM observations o JOIN sources s ON s.id = o.source_id
			WHERE s.withdrawn_at IS NULL AND (?1 = '' OR o.indicator = ?1) AND (?2 = '' OR o.team = ?2)
		)
		WHERE rn = 1
		ORDER BY indicator, team, period_last`, f.Indicator, f.Team))
}

// History returns every revision of every figure for an indicator (and
// team, if given), oldest period and revision first, withdrawn ones
// included.
func (s *Store) History(ctx context.Context, f vs.Filter) ([]vs.Observation, error) {
	return scanObservations(s.db.QueryContext(ctx, `
		SELECT indicator, team, frequency, period_last, revision, value, numerator, denominator, status,
			commentary, outcome, source_id, recorded_at
		FROM observations
		WHERE (?1 = '' OR indicator = ?1) AND (?2 = '' OR team = ?2)
		ORDER BY indicator, team, period_last, revision`, f.Indicator, f.Team))
}

func scanObservations(rows *sql.Rows, err error) ([]vs.Observation, error) {
	if err != nil {
		return nil, fmt.Errorf("query observations: %w", err)
	}
	defer rows.Close()
	var out []vs.Observation
	for rows.Next() {
		var (
			o          vs.Observation
			freq, last string
			status, at string
		)
		if err := rows.Scan(&o.Indicator, &o.Team, &freq, &last, &o.Revision, &o.Value, &o.Numerator, &o.Denominator,
			&status, &o.Commentary, &o.Outcome, &o.SourceID, &at); err != nil {
			return nil, fmt.Errorf("read observation: %w", err)
		}
		d, err := vs.ParseDate(last)
		if err != nil {
			return nil, fmt.Errorf("read observation %s/%s: %w", o.Indicator, o.Team, err)
		}
		o.Period = vs.Period{Freq: vs.Frequency(freq), Last: d}
		o.Status = vs.Status(status)
		if o.RecordedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read observation %s/%s time: %w", o.Indicator, o.Team, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read observations: %w", err)
	}
	return out, nil
}

// IngestStats counts sources by result and finds the latest of each, and
// counts the failed ingests by reason: rejected sources, the failures
// recorded in the store by any process, and those this Store keeps because
// it could not record them yet.
func (s *Store) IngestStats(ctx context.Context) (vs.IngestStats, error) {
	// Under mu: a kept failure is counted here or in the table, never in
	// both or neither (see commit).
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		st       vs.IngestStats
		ok, fail sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `
		SELECT COALESCE(SUM(accepted), 0), COALESCE(SUM(1 - accepted), 0),
			MAX(CASE WHEN accepted = 1 THEN received_at END), MAX(CASE WHEN accepted = 0 THEN received_at END)
		FROM sources`).Scan(&st.Accepted, &st.Rejected, &ok, &fail)
	if err != nil {
		return st, fmt.Errorf("read ingest stats: %w", err)
	}
	for _, x := range []struct {
		s  sql.NullString
		at *time.Time
	}{{ok, &st.LastSuccess}, {fail, &st.LastFailure}} {
		if x.s.Valid {
			if *x.at, err = time.Parse(time.RFC3339Nano, x.s.String); err != nil {
				return st, fmt.Errorf("read ingest stats: %w", err)
			}
		}
	}
	st.Errors = map[vs.IngestErrorReason]vs.IngestErrorCount{vs.ReasonRejected: {Count: st.Rejected, Last: st.LastFailure}}
	add := func(reason vs.IngestErrorReason, n int, last time.Time) {
		c := st.Errors[reason]
		c.Count += n
		if last.After(c.Last) {
			c.Last = last
		}
		st.Errors[reason] = c
		if last.After(st.LastFailure) {
			st.LastFailure = last
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT reason, COUNT(*), MAX(at) FROM ingest_errors GROUP BY reason`)
	if err != nil {
		return st, fmt.Errorf("read ingest errors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			reason, at string
			n          int
		)
		if err := rows.Scan(&reason, &n, &at); err != nil {
			return st, fmt.Errorf("read ingest errors: %w", err)
		}
		last, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return st, fmt.Errorf("read ingest errors: %w", err)
		}
		add(vs.IngestErrorReason(reason), n, last)
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("read ingest errors: %w", err)
	}
	for _, f := range s.failures {
		add(f.Reason, 1, f.At)
	}
	return st, nil
}
