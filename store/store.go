// Package store keeps observations, their revisions and the sources they
// came from in a SQLite file (pure Go driver, no cgo), under versioned
// migrations. It is the only package that writes history; every write is one
// transaction, so a rejected file stores no observation and a reader never
// sees half a file.
//
// It may import the domain package only.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	vs "github.com/vitalsigns/vitalsigns"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file's name inside the data directory.
const FileName = "vitalsigns.db"

// Store is a vitalsigns database. It is safe for concurrent use, and several
// processes may open the same file: SQLite's locking keeps writes whole.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock used to stamp sources and revisions.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open opens (creating if need be) the SQLite database at path and brings
// its schema up to date.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(15000)")
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
	s := &Store{db: db, path: path, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, fsys)
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ingest stores src as an accepted source and obs as new revisions where
// they differ from the figure in force, in one transaction. A file whose
// content (sha256) was already accepted is a no-op reported by
// Result.Duplicate.
func (s *Store) Ingest(ctx context.Context, src vs.Source, obs vs.Observations) (vs.IngestResult, error) {
	return s.apply(ctx, src, obs, true)
}

// Plan reports what Ingest would do, writing nothing.
func (s *Store) Plan(ctx context.Context, src vs.Source, obs vs.Observations) (vs.IngestResult, error) {
	return s.apply(ctx, src, obs, false)
}

func (s *Store) apply(ctx context.Context, src vs.Source, obs vs.Observations, write bool) (res vs.IngestResult, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
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
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("commit ingest: %w", err)
	}
	return res, nil
}

// Reject records a rejected source with its report; it stores no
// observation.
func (s *Store) Reject(ctx context.Context, src vs.Source) (id int64, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if src.ReceivedAt.IsZero() {
		src.ReceivedAt = s.now().UTC()
	}
	src.Accepted = false
	if id, err = insertSource(ctx, tx, src); err != nil {
		return 0, err
	}
	if err = bump(ctx, tx); err != nil {
		return 0, err
	}
	if err = tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit rejected source: %w", err)
	}
	return id, nil
}

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
	tx, err := s.db.BeginTx(ctx, nil)
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
		return src, fmt.Errorf("commit withdrawal: %w", err)
	}
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

// IngestStats counts sources by result and finds the latest of each.
func (s *Store) IngestStats(ctx context.Context) (vs.IngestStats, error) {
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
	return st, nil
}
