package assess

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess/forecast"
)

// Accuracy is how good the forecasts of one series were, once the actual
// figures arrived: overall and by horizon.
type Accuracy struct {
	All       forecast.Accuracy
	ByHorizon map[int]forecast.Accuracy
	// Records are the scored records, with their actuals (NaN while the
	// figure has not arrived), for a chart of forecast against actual.
	Records []ScoredRecord
}

// ScoredRecord is a forecast record beside the figure that came to pass.
type ScoredRecord struct {
	vs.ForecastRecord
	Actual float64 // NaN until the figure arrives (or if it is suppressed)
}

// ScoreForecasts scores the records of kind for the item's series against
// its history: MAE, MAPE, MASE (against the naive forecast's one-step error
// in the history up to each origin) and interval coverage.
func ScoreForecasts(it Item, recs []vs.ForecastRecord, kind vs.ForecastKind) Accuracy {
	var (
		out  Accuracy
		frs  []forecast.Record
		vals []float64 // history values up to each origin, for the scale
	)
	for _, r := range recs {
		if r.Indicator != it.Indicator.ID || r.Team != it.Team.ID || r.Kind != kind {
			continue
		}
		actual := math.NaN()
		if p, ok := at(it.History, r.Target); ok && p.HasValue() {
			actual = p.Value.Float64
		}
		vals = vals[:0]
		for _, p := range it.History {
			if r.Origin.Before(p.Period) {
				break
			}
			if p.HasValue() {
				vals = append(vals, p.Value.Float64)
			}
		}
		frs = append(frs, forecast.Record{H: r.Horizon, Model: forecast.Method(r.Model), Point: r.Value,
			Lo80: r.Lo80, Hi80: r.Hi80, Lo95: r.Lo95, Hi95: r.Hi95, Scale: naiveScale(vals), Actual: actual})
		out.Records = append(out.Records, ScoredRecord{ForecastRecord: r, Actual: actual})
	}
	out.All = forecast.Score(frs)
	out.ByHorizon = forecast.ScoreByHorizon(frs)
	return out
}

// naiveScale is the mean absolute one-step change of vals: the naive
// forecast's in-sample error, MASE's denominator. NaN with fewer than two.
func naiveScale(vals []float64) float64 {
	if len(vals) < 2 {
		return math.NaN()
	}
	s := 0.0
	for i := 1; i < len(vals); i++ {
		s += math.Abs(vals[i] - vals[i-1])
	}
	return s / float64(len(vals)-1)
}

// Backtests replays the forecasts the item's series would have had at each
// of its last origins (up to origins of them), as records of kind backtest
// made at madeAt: a new installation can then show forecast accuracy at
// once. Each origin chooses its model afresh, as a forecast then would
// have.
func Backtests(it Item, origins int, madeAt time.Time) []vs.ForecastRecord {
	if len(it.Control.Periods) == 0 || origins <= 0 {
		return nil
	}
	values := controlValues(&it)
	opt := forecastOptions(it.Indicator.Frequency)
	h := Horizon(it.Indicator.Frequency)
	opt.Horizon = h
	minLen := max(len(values)-origins, 1)
	var out []vs.ForecastRecord
	for _, r := range forecast.Backtest(values, h, minLen, opt) {
		if math.IsNaN(r.Point) || math.IsNaN(r.Lo95) || math.IsNaN(r.Hi95) {
			continue
		}
		out = append(out, vs.ForecastRecord{Indicator: it.Indicator.ID, Team: it.Team.ID,
			Origin: it.Control.Periods[r.Origin], Target: it.Control.Periods[r.Origin+r.H], Horizon: r.H,
			Kind: vs.ForecastBacktest, MadeAt: madeAt, Model: string(r.Model),
			Value: r.Point, Lo80: r.Lo80, Hi80: r.Hi80, Lo95: r.Lo95, Hi95: r.Hi95})
	}
	return out
}

// BacktestOrigins is how many origins Backfill replays for each series:
// a year of monthly forecasts.
const BacktestOrigins = 12

// Backfill records rolling-origin backtests for the authority's series in s
// that have none in the log yet, so that forecast accuracy can be shown
// from the first day. It stops between series when ctx is done, and
// returns how many records it added.
func Backfill(ctx context.Context, log vs.ForecastLog, s *Snapshot) (int, error) {
	added := 0
	for i := range s.Items {
		it := s.Items[i]
		if it.Team.ID != vs.AuthorityTeam || !it.Has {
			continue
		}
		if err := ctx.Err(); err != nil {
			return added, err
		}
		have, err := log.Forecasts(ctx, vs.Filter{Indicator: it.Indicator.ID, Team: it.Team.ID})
		if err != nil {
			return added, fmt.Errorf("backfill %s: %w", it.Indicator.ID, err)
		}
		if slices.ContainsFunc(have, func(r vs.ForecastRecord) bool { return r.Kind == vs.ForecastBacktest }) {
			continue
		}
		n, err := log.RecordForecasts(ctx, Backtests(it, BacktestOrigins, s.Built))
		if err != nil {
			return added, fmt.Errorf("backfill %s: %w", it.Indicator.ID, err)
		}
		added += n
	}
	return added, nil
}
