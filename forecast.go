package vitalsigns

import (
	"context"
	"time"
)

// ForecastKind says how a forecast record came about.
type ForecastKind string

// The kinds of forecast record.
const (
	// ForecastMade is a forecast as it was made and shown at the time.
	ForecastMade ForecastKind = "made"
	// ForecastBacktest is a forecast made afterwards from the history up
	// to its origin (rolling-origin backtest), so that a new installation
	// can show accuracy at once. It is never shown as if it had been made
	// at the time.
	ForecastBacktest ForecastKind = "backtest"
)

// ForecastRecord is one forecast of one period: kept so that it can be
// scored when the actual figure arrives.
type ForecastRecord struct {
	Indicator string
	Team      string
	// Origin is the last period of the history the forecast was made from;
	// Target the period forecast, Horizon periods after Origin.
	Origin  Period
	Target  Period
	Horizon int
	Kind    ForecastKind
	MadeAt  time.Time
	Model   string // e.g. "damped", "naive"
	Value   float64
	// The 80% and 95% prediction intervals.
	Lo80, Hi80, Lo95, Hi95 float64
}

// ForecastLog keeps forecast records; store implements it. Only the first
// record of a kind for an indicator, team, origin and target is kept, so
// that what was forecast is never rewritten by a later run.
type ForecastLog interface {
	// RecordForecasts stores recs, skipping any already recorded; it
	// returns how many were new.
	RecordForecasts(ctx context.Context, recs []ForecastRecord) (int, error)
	// Forecasts returns the records matching f, by indicator, team,
	// origin and horizon.
	Forecasts(ctx context.Context, f Filter) ([]ForecastRecord, error)
}
