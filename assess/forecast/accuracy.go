package forecast

import (
	"fmt"
	"math"
)

// Record is one forecast of one period, scored once its actual is known:
// the shape a stored forecast takes, and what Backtest produces, so that a
// new installation can show accuracy at once.
type Record struct {
	// Origin is the position (in the series) of the last value the
	// forecast was made from; the forecast is for position Origin+H.
	Origin int
	H      int
	Model  Method
	Point  float64
	SD     float64
	Lo80   float64
	Hi80   float64
	Lo95   float64
	Hi95   float64
	// Scale is the in-sample one-step naive MAE at the origin
	// (Result.Scale), the denominator of MASE.
	Scale float64
	// Actual is the value that came to pass; NaN while unknown.
	Actual float64
}

// Accuracy summarises scored records. Metrics that cannot be computed are
// NaN and Notes says why.
type Accuracy struct {
	N   int     // records with a known actual
	MAE float64 // mean absolute error
	// MAPE is the mean absolute percentage error, in percent. It is
	// undefined (NaN) when any actual is 0: dividing by it is meaningless
	// and dropping those records would flatter the figure.
	MAPE float64
	// MASE is the mean of |error| / Scale: errors relative to the naive
	// forecast's in-sample one-step error (Hyndman & Koehler 2006). Records
	// whose Scale is 0 or unknown are left out of it (noted).
	MASE       float64
	Coverage80 float64 // share of actuals inside the 80% interval (of records that have one)
	Coverage95 float64 // share of actuals inside the 95% interval
	Notes      []string
}

// Score computes the accuracy of records, ignoring those whose Actual is
// not yet known (NaN).
func Score(records []Record) Accuracy {
	var (
		a                     Accuracy
		sumAE, sumAPE, sumSE  float64
		zeros, nScaled, in80s int
		in95s, noPI           int
	)
	for _, r := range records {
		if math.IsNaN(r.Actual) {
			continue
		}
		a.N++
		ae := math.Abs(r.Actual - r.Point)
		sumAE += ae
		if r.Actual == 0 {
			zeros++
		} else {
			sumAPE += ae / math.Abs(r.Actual)
		}
		if r.Scale > 0 && !math.IsInf(r.Scale, 0) {
			sumSE += ae / r.Scale
			nScaled++
		}
		if math.IsNaN(r.Lo95) || math.IsNaN(r.Hi95) {
			noPI++ // a naive forecast from one value has no interval
			continue
		}
		if r.Actual >= r.Lo80 && r.Actual <= r.Hi80 {
			in80s++
		}
		if r.Actual >= r.Lo95 && r.Actual <= r.Hi95 {
			in95s++
		}
	}
	if a.N == 0 {
		nan := math.NaN()
		a.MAE, a.MAPE, a.MASE, a.Coverage80, a.Coverage95 = nan, nan, nan, nan, nan
		a.Notes = append(a.Notes, "no records with a known actual")
		return a
	}
	n := float64(a.N)
	a.MAE = sumAE / n
	if withPI := float64(a.N - noPI); withPI > 0 {
		a.Coverage80, a.Coverage95 = float64(in80s)/withPI, float64(in95s)/withPI
	} else {
		a.Coverage80, a.Coverage95 = math.NaN(), math.NaN()
	}
	if noPI > 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("coverage over %d of %d records: the rest had no interval", a.N-noPI, a.N))
	}
	if zeros > 0 {
		a.MAPE = math.NaN()
		a.Notes = append(a.Notes, fmt.Sprintf("MAPE undefined: %d of %d actuals are 0", zeros, a.N))
	} else {
		a.MAPE = 100 * sumAPE / n
	}
	if nScaled > 0 {
		a.MASE = sumSE / float64(nScaled)
		if nScaled < a.N {
			a.Notes = append(a.Notes, fmt.Sprintf("MASE over %d of %d records: the rest had no naive scale (a flat or one-value history)", nScaled, a.N))
		}
	} else {
		a.MASE = math.NaN()
		a.Notes = append(a.Notes, "MASE undefined: no record has a naive scale above 0")
	}
	return a
}

// ScoreByHorizon scores the records of each horizon separately.
func ScoreByHorizon(records []Record) map[int]Accuracy {
	by := map[int][]Record{}
	for _, r := range records {
		by[r.H] = append(by[r.H], r)
	}
	out := make(map[int]Accuracy, len(by))
	for h, rs := range by {
		out[h] = Score(rs)
	}
	return out
}

// Backtest replays Forecast over values' own history: for each origin
// from position minLen−1 (the forecast made from the first minLen values)
// to the second-to-last, it forecasts h periods with opt and records every
// forecast whose period is within values, with its actual. The model is
// chosen afresh at each origin, exactly as Forecast would have chosen it
// then. The number of records is Σ_{o=minLen}^{n−1} min(h, n−o) (minLen
// below 1 counts as 1). Actuals that are missing are recorded as NaN
// and Score skips them.
//
// Each origin reruns the whole selection, so a backtest costs about
// (n − minLen) Forecast calls: tens of milliseconds for a few years of
// monthly data. Fewer than 8 values give naive forecasts (see Forecast), so
// minLen below MinPoints mostly measures the naive forecast.
func Backtest(values []float64, h, minLen int, opt Options) []Record {
	if h <= 0 {
		h = DefaultHorizon
	}
	minLen = max(minLen, 1)
	opt.Horizon = h
	var recs []Record
	for o := minLen; o < len(values); o++ {
		r := Forecast(values[:o], opt)
		for _, p := range r.Points {
			at := o - 1 + p.H
			if at >= len(values) {
				break
			}
			recs = append(recs, Record{
				Origin: o - 1, H: p.H, Model: r.Model,
				Point: p.Value, SD: p.SD, Lo80: p.Lo80, Hi80: p.Hi80, Lo95: p.Lo95, Hi95: p.Hi95,
				Scale: r.Scale, Actual: values[at],
			})
		}
	}
	return recs
}
