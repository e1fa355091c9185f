package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// BenchmarkImport is one DfE file to import: its bytes as published and
// the figures of every mapped indicator it holds.
type BenchmarkImport struct {
	Name    string // the file's base name
	SHA256  string // of Content, hex
	Kind    string // "tidy" or "grouping"
	Content []byte
	Figures []BenchmarkFigure
}

// BenchmarkFigure is one published figure of a mapped indicator.
type BenchmarkFigure struct {
	Indicator string
	Year      int    // the year the period ends in
	YearLabel string // as DfE labels it
	Level     string // National, Regional or Local authority
	Code      string // country_code, region_code or old_la_code
	Name      string
	Status    string // published, suppressed or missing
	Raw       string // the cell as published
	Value     sql.NullFloat64
}

// BenchmarkResult says what an import changed.
type BenchmarkResult struct {
	FileID int64
	// Duplicate is true when the same bytes were imported before: nothing
	// was written.
	Duplicate bool
	// New counts figures not held before; Revised those a restated year
	// changed (each a new revision).
	New, Revised int
}

// ImportBenchmarks stores a DfE file and the figures it holds, with
// history: a file already imported (the same sha256) is a no-op; a figure
// the store holds with a different status or value gets a new revision.
func (s *Store) ImportBenchmarks(ctx context.Context, imp BenchmarkImport) (res BenchmarkResult, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback() //nolint:errcheck // the error that caused it is returned
		}
	}()
	err = tx.QueryRowContext(ctx, `SELECT id FROM benchmark_files WHERE sha256 = ?`, imp.SHA256).Scan(&res.FileID)
	switch {
	case err == nil:
		res.Duplicate = true
		return res, tx.Rollback()
	case !errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO benchmark_files (name, sha256, kind, size, imported_at, content) VALUES (?, ?, ?, ?, ?, ?)`,
		imp.Name, imp.SHA256, imp.Kind, len(imp.Content), s.now().UTC().Format(time.RFC3339Nano), imp.Content)
	if err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
	}
	if res.FileID, err = r.LastInsertId(); err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, err)
	}
	latest, err := tx.PrepareContext(ctx, `SELECT revision, status, raw, value FROM benchmark_figures
		WHERE indicator = ? AND year = ? AND level = ? AND code = ? ORDER BY revision DESC LIMIT 1`)
	if err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
	}
	defer latest.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO benchmark_figures
		(indicator, year, year_label, level, code, name, status, raw, value, revision, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
	}
	defer insert.Close()
	for _, f := range imp.Figures {
		var (
			rev         int
			status, raw string
			value       sql.NullFloat64
		)
		err := latest.QueryRowContext(ctx, f.Indicator, f.Year, f.Level, f.Code).Scan(&rev, &status, &raw, &value)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res.New++
		case err != nil:
			return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
		case status == f.Status && value == f.Value:
			continue // as held
		default:
			res.Revised++
		}
		if _, err := insert.ExecContext(ctx, f.Indicator, f.Year, f.YearLabel, f.Level, f.Code, f.Name, f.Status, f.Raw, f.Value, rev+1, res.FileID); err != nil {
			return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
		}
	}
	if err := bump(ctx, tx); err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, s.fault(err))
	}
	if err := s.commit(tx, 0); err != nil {
		return res, fmt.Errorf("import benchmarks %s: %w", imp.Name, err)
	}
	return res, nil
}

// BenchmarkFile is an imported DfE file.
type BenchmarkFile struct {
	ID         int64
	Name       string
	SHA256     string
	Kind       string
	Size       int64
	ImportedAt time.Time
	Content    []byte // nil from BenchmarkFiles without content
}

// BenchmarkFiles returns the imported files in the order they were
// imported, with their bytes when content is true.
func (s *Store) BenchmarkFiles(ctx context.Context, content bool) ([]BenchmarkFile, error) {
	col := "NULL"
	if content {
		col = "content"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, sha256, kind, size, imported_at, `+col+` FROM benchmark_files ORDER BY id`) //nolint:gosec // col is one of two constants
	if err != nil {
		return nil, fmt.Errorf("read benchmark files: %w", s.fault(err))
	}
	defer rows.Close()
	var out []BenchmarkFile
	for rows.Next() {
		var (
			f  BenchmarkFile
			at string
		)
		if err := rows.Scan(&f.ID, &f.Name, &f.SHA256, &f.Kind, &f.Size, &at, &f.Content); err != nil {
			return nil, fmt.Errorf("read benchmark files: %w", err)
		}
		if f.ImportedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read benchmark files: imported_at %q: %w", at, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark files: %w", err)
	}
	return out, nil
}

// BenchmarkRevision is a stored figure with its revision and the file it
// came from.
type BenchmarkRevision struct {
	BenchmarkFigure
	Revision int
	File     BenchmarkFile // without content
}

// BenchmarkHistory returns every stored revision of an indicator's
// figures at a level and code ("" for any), oldest year and revision
// first.
func (s *Store) BenchmarkHistory(ctx context.Context, indicator, level, code string) ([]BenchmarkRevision, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT g.indicator, g.year, g.year_label, g.level, g.code, g.name, g.status, g.raw, g.value, g.revision,
		       f.id, f.name, f.sha256, f.kind, f.size, f.imported_at
		FROM benchmark_figures g JOIN benchmark_files f ON f.id = g.file_id
		WHERE g.indicator = ? AND (? = '' OR g.level = ?) AND (? = '' OR g.code = ?)
		ORDER BY g.year, g.level, g.code, g.revision`, indicator, level, level, code, code)
	if err != nil {
		return nil, fmt.Errorf("read benchmark history of %s: %w", indicator, s.fault(err))
	}
	defer rows.Close()
	var out []BenchmarkRevision
	for rows.Next() {
		var (
			r  BenchmarkRevision
			at string
		)
		if err := rows.Scan(&r.Indicator, &r.Year, &r.YearLabel, &r.Level, &r.Code, &r.Name, &r.Status, &r.Raw, &r.Value, &r.Revision,
			&r.File.ID, &r.File.Name, &r.File.SHA256, &r.File.Kind, &r.File.Size, &at); err != nil {
			return nil, fmt.Errorf("read benchmark history of %s: %w", indicator, err)
		}
		if r.File.ImportedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read benchmark history of %s: imported_at %q: %w", indicator, at, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark history of %s: %w", indicator, err)
	}
	return out, nil
}
