package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// RecordReport records an issued report.
func (s *Store) RecordReport(ctx context.Context, r vs.IssuedReport) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO reports (kind, team, period, format, generated_at, data_as_at, change_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.Kind, r.Team, r.Period, r.Format,
		r.GeneratedAt.UTC().Format(time.RFC3339Nano), r.DataAsAt.UTC().Format(time.RFC3339Nano), r.ChangeSeq)
	if err != nil {
		return 0, fmt.Errorf("record report: %w", s.fault(err))
	}
	return res.LastInsertId()
}

// LastReport returns the latest report of kind for team issued before the
// instant.
func (s *Store) LastReport(ctx context.Context, kind, team string, before time.Time) (vs.IssuedReport, bool, error) {
	var (
		r         vs.IssuedReport
		gen, asAt string
	)
	err := s.db.QueryRowContext(ctx, `
		SELECT id, kind, team, period, format, generated_at, data_as_at, change_seq
		FROM reports
		WHERE kind = ? AND team = ? AND julianday(generated_at) < julianday(?)
		ORDER BY julianday(generated_at) DESC, id DESC LIMIT 1`, kind, team, before.UTC().Format(time.RFC3339Nano)).
		Scan(&r.ID, &r.Kind, &r.Team, &r.Period, &r.Format, &gen, &asAt, &r.ChangeSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("read last report: %w", err)
	}
	if r.GeneratedAt, err = time.Parse(time.RFC3339Nano, gen); err != nil {
		return r, false, fmt.Errorf("read last report: %w", err)
	}
	if r.DataAsAt, err = time.Parse(time.RFC3339Nano, asAt); err != nil {
		return r, false, fmt.Errorf("read last report: %w", err)
	}
	return r, true, nil
}

// LatestAsOf returns the figures in force at instant at: for each key the
// highest revision recorded by then from a source not withdrawn by then.
// Times are compared as instants (julianday), not as text: stored times
// have a varying number of fractional digits.
func (s *Store) LatestAsOf(ctx context.Context, f vs.Filter, at time.Time) ([]vs.Observation, error) {
	return scanObservations(s.db.QueryContext(ctx, `
		SELECT indicator, team, frequency, period_last, revision, value, numerator, denominator, status,
			commentary, outcome, source_id, recorded_at
		FROM (
			SELECT o.*, ROW_NUMBER() OVER (
				PARTITION BY o.indicator, o.team, o.frequency, o.period_last ORDER BY o.revision DESC) AS rn
			FROM observations o JOIN sources s ON s.id = o.source_id
			WHERE julianday(o.recorded_at) <= julianday(?3)
				AND (s.withdrawn_at IS NULL OR julianday(s.withdrawn_at) > julianday(?3))
				AND (?1 = '' OR o.indicator = ?1) AND (?2 = '' OR o.team = ?2)
		)
		WHERE rn = 1
		ORDER BY indicator, team, period_last`, f.Indicator, f.Team, at.UTC().Format(time.RFC3339Nano)))
}

var _ vs.ReportLog = (*Store)(nil)
