package store

import (
	"context"
	"fmt"
	"math"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// RecordForecasts stores recs in one transaction, keeping the first record
// for each indicator, team, origin, target and kind. A record with a value
// or bound that is not a finite number is refused.
func (s *Store) RecordForecasts(ctx context.Context, recs []vs.ForecastRecord) (n int, err error) {
	if len(recs) == 0 {
		return 0, nil
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin forecasts: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, `
		INSERT OR IGNORE INTO forecasts (indicator, team, frequency, origin_last, target_last, kind, horizon,
			made_at, model, value, lo80, hi80, lo95, hi95)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, fmt.Errorf("prepare forecasts: %w", err)
	}
	defer stmt.Close()
	for _, r := range recs {
		for _, v := range []float64{r.Value, r.Lo80, r.Hi80, r.Lo95, r.Hi95} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("record forecast %s/%s %s: %v is not a number to store", r.Indicator, r.Team, r.Target, v)
			}
		}
		if r.Origin.Freq != r.Target.Freq {
			return 0, fmt.Errorf("record forecast %s/%s: origin %s and target %s differ in frequency", r.Indicator, r.Team, r.Origin, r.Target)
		}
		res, err := stmt.ExecContext(ctx, r.Indicator, r.Team, string(r.Target.Freq), r.Origin.Last.String(), r.Target.Last.String(),
			string(r.Kind), r.Horizon, r.MadeAt.UTC().Format(time.RFC3339Nano), r.Model, r.Value, r.Lo80, r.Hi80, r.Lo95, r.Hi95)
		if err != nil {
			return 0, fmt.Errorf("record forecast %s/%s %s: %w", r.Indicator, r.Team, r.Target, err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	// No bump of the change counter: forecast records do not change the
	// snapshot that serve builds from the figures.
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit forecasts: %w", s.fault(err))
	}
	return n, nil
}

// Forecasts returns the records matching f, by indicator, team, kind,
// origin and horizon.
func (s *Store) Forecasts(ctx context.Context, f vs.Filter) ([]vs.ForecastRecord, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT indicator, team, frequency, origin_last, target_last, kind, horizon, made_at, model, value,
			lo80, hi80, lo95, hi95
		FROM forecasts
		WHERE (?1 = '' OR indicator = ?1) AND (?2 = '' OR team = ?2)
		ORDER BY indicator, team, kind, origin_last, horizon`, f.Indicator, f.Team)
	if err != nil {
		return nil, fmt.Errorf("query forecasts: %w", err)
	}
	defer rows.Close()
	var out []vs.ForecastRecord
	for rows.Next() {
		var (
			r                        vs.ForecastRecord
			freq, origin, target, at string
			kind                     string
		)
		if err := rows.Scan(&r.Indicator, &r.Team, &freq, &origin, &target, &kind, &r.Horizon, &at, &r.Model, &r.Value,
			&r.Lo80, &r.Hi80, &r.Lo95, &r.Hi95); err != nil {
			return nil, fmt.Errorf("read forecast: %w", err)
		}
		r.Kind = vs.ForecastKind(kind)
		for _, p := range []struct {
			s   string
			dst *vs.Period
		}{{origin, &r.Origin}, {target, &r.Target}} {
			d, err := vs.ParseDate(p.s)
			if err != nil {
				return nil, fmt.Errorf("read forecast: %w", err)
			}
			*p.dst = vs.Period{Freq: vs.Frequency(freq), Last: d}
		}
		if r.MadeAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read forecast: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read forecasts: %w", err)
	}
	return out, nil
}

// The store implements the domain's storage interfaces.
var (
	_ vs.Ledger      = (*Store)(nil)
	_ vs.Reader      = (*Store)(nil)
	_ vs.ForecastLog = (*Store)(nil)
)
