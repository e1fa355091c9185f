package forecast

import (
	"fmt"
	"math"
	"slices"
)

// MinPoints is the shortest run of values Forecast fits a model to; below
// it the result is the naive forecast. Eight is the fewest at which the
// simplest model (SES, 2 free parameters, MinFitPoints 5) can still be
// judged on 3 held-out one-step forecasts; fewer held-out errors than that
// would choose a model by chance.
const MinPoints = 8

// DefaultHorizon is the number of periods Forecast projects when
// Options.Horizon is 0: six months covers the next two committee cycles of a
// bi-weekly report with room to spare.
const DefaultHorizon = 6

// Options tune Forecast. The zero value is usable: no season, six periods.
type Options struct {
	// Season is the number of periods in a year for seasonal models: 12
	// (monthly), 26 (bi-weekly), 52 (weekly), 4 (quarterly). 0 or 1 means
	// no seasonal model is tried.
	Season int
	// Horizon is how many periods ahead to forecast (DefaultHorizon if 0).
	Horizon int
	// Origins is the number of rolling origins the models are compared on;
	// 0 means min(12, max(3, n/3)). See Forecast.
	Origins int
	// Models restricts the candidates (nil means all). Naive is always the
	// benchmark and the fallback.
	Models []Method
	// Steps is how many periods ahead each origin's forecasts are scored
	// in the selection; 0 means Horizon: a model is chosen for how well it
	// forecasts as far ahead as it will be asked to.
	Steps int
	// HalfLife weighs the errors from each origin of the selection by
	// how recent it is: an origin HalfLife origins before the latest counts
	// half as much. 0 means DefaultHalfLife; a negative value weighs every
	// origin equally.
	HalfLife float64
	// FitOnce fits each candidate once, before the first origin of the
	// selection, and forecasts the later origins with those parameters,
	// instead of refitting at every origin as a rolling-origin evaluation
	// does. It costs about a fifth as much, but judges badly a series that
	// has just changed course: parameters fitted to a steady stretch adapt
	// too slowly to a decline after it, and naive wins.
	FitOnce bool
}

// Candidate is how one model did in the selection.
type Candidate struct {
	Model Method
	// MAE is the mean absolute one-step error over the rolling origins.
	MAE float64
	// RelMAE is MAE divided by the naive forecast's MAE over the same
	// origins: the out-of-sample MASE with the naive forecast's own errors
	// as the scale. A model is chosen only when it is below 1.
	RelMAE float64
	// Err is why the model could not be judged, if it could not.
	Err string `json:",omitempty"`
}

// Result is a forecast of one series.
type Result struct {
	Model  Method // the model that made the forecast
	Reason string // why this model, in plain English
	// Points are the forecasts for 1..Horizon periods after the last
	// element of the values given (even when trailing values are missing).
	Points []Point
	Params Params // the fitted model's parameters (Naive: Alpha 1)
	Season int    // season length of the fitted model (0 unless holt_winters)
	// Used is the number of values the model was fitted to: the last
	// contiguous run of finite values.
	Used   int
	Sigma  float64 // one-step error standard deviation
	SSE    float64
	LogLik float64
	// Scale is the in-sample one-step naive MAE of the values used, the
	// denominator of MASE when this forecast is scored later (see Record).
	Scale      float64
	Candidates []Candidate // the selection, in Methods order; nil if none ran
}

// lastRun returns the last contiguous run of finite values and how many
// missing (NaN or infinite) values follow it at the end.
func lastRun(values []float64) (run []float64, trailing int) {
	end := len(values)
	for end > 0 && !isFinite(values[end-1]) {
		end--
	}
	start := end
	for start > 0 && isFinite(values[start-1]) {
		start--
	}
	return values[start:end], len(values) - end
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// naiveMAE is the in-sample mean absolute one-step change; NaN for fewer
// than two values.
func naiveMAE(y []float64) float64 {
	if len(y) < 2 {
		return math.NaN()
	}
	s := 0.0
	for i := 1; i < len(y); i++ {
		s += math.Abs(y[i] - y[i-1])
	}
	return s / float64(len(y)-1)
}

// DefaultHalfLife is the half-life, in origins, of the selection's error
// weights. The recent past says more about the next few periods than the
// more distant: a series steady for two years that has fallen for the last
// five months is heading down, though over twelve equally weighted origins
// the naive forecast (which never foresees a fall) scores better, because
// a trend model needs a few points of the fall to learn it.
const DefaultHalfLife = 3

// Origins returns the number of rolling origins Forecast compares models
// on for n values: min(12, max(3, n/3)). Twelve monthly origins cover each
// calendar month once, so a model that mistakes the season is found out;
// more would refit every model more often and reach back into older
// behaviour; n/3 keeps at least two thirds of the history to fit the
// earliest origin on; fewer than 3 errors would be chance.
func Origins(n int) int { return min(12, max(3, n/3)) }

// Forecast chooses a model for values and forecasts opt.Horizon periods.
//
// Missing values (NaN or ±Inf) are not interpolated: the forecast uses
// only the last contiguous run of finite values (an ETS recursion has no
// honest way to step over a gap whose value it never saw, and a gap usually
// means a definition or system change). Missing values at the very end are
// skipped, and the forecast starts from the last finite value, so Points
// still count from the end of values; the Reason says so.
//
// Selection: with n values in that run and k = Origins(n) (or opt.Origins),
// every candidate whose MinFitPoints ≤ n−k is refitted at each of the last
// k origins on the values before it (with opt.FitOnce, fitted once before
// the first origin) and forecasts the next opt.Steps values (the horizon,
// by default, as far as the history goes); the candidate with the lowest
// mean absolute error over all those forecasts, each origin's errors
// weighted by its recency (opt.HalfLife), wins (ties to the simpler
// model) if it beats the naive forecast's MAE on the same forecasts
// (RelMAE < 1), and is then refitted on all n values. Scoring every step up
// to the horizon chooses a model for how well it forecasts as far ahead as
// it will be asked to: one-step errors favour the naive forecast, which is
// hard to beat one step ahead even in a steady decline. Holt-Winters is a
// candidate only with two full seasons (plus its parameters) before the
// first origin: 36 monthly values.
//
// Fewer than MinPoints values, or no candidate beating naive, give the
// naive forecast, and Reason says which.
func Forecast(values []float64, opt Options) Result {
	h := opt.Horizon
	if h <= 0 {
		h = DefaultHorizon
	}
	run, trailing := lastRun(values)
	n := len(run)
	var notes string
	if skipped := len(values) - trailing - n; skipped > 0 {
		notes += fmt.Sprintf("; used the last %d values, after the missing value at position %d", n, skipped-1)
	}
	if trailing > 0 {
		notes += fmt.Sprintf("; the last %d values are missing, so the forecast runs from the last known value", trailing)
	}
	if n == 0 {
		return Result{Model: Naive, Reason: "no values to forecast from" + notes}
	}
	season := opt.Season
	if season < 2 {
		season = 0
	}
	if n < MinPoints {
		reason := fmt.Sprintf("too few points (%d) for a model: naive forecast", n)
		return finish(naiveModel(run), run, h, trailing, reason+notes, nil)
	}

	k := opt.Origins
	if k <= 0 {
		k = Origins(n)
	}
	k = min(k, n-MinFitPoints(SES, 0))
	train := n - k
	var cands []Method
	for _, m := range Methods()[1:] {
		if opt.Models != nil && !slices.Contains(opt.Models, m) {
			continue
		}
		if m == HoltWinters && season == 0 {
			continue
		}
		if MinFitPoints(m, season) <= train {
			cands = append(cands, m)
		}
	}
	if len(cands) == 0 {
		reason := fmt.Sprintf("too few points (%d) to judge a model on %d held-out values: naive forecast", n, k)
		return finish(naiveModel(run), run, h, trailing, reason+notes, nil)
	}

	// Rolling origin: fit on run[:t], forecast run[t:t+steps] (as far as
	// the history goes), and average the absolute errors of every step.
	steps := h
	if opt.Steps > 0 {
		steps = opt.Steps
	}
	halfLife := opt.HalfLife
	if halfLife == 0 {
		halfLife = DefaultHalfLife
	}
	weight := func(t int) float64 { // of the errors from origin t
		if halfLife < 0 {
			return 1
		}
		return math.Exp2(-float64(n-1-t) / halfLife)
	}
	naiveErr, errs := 0.0, 0.0
	for t := train; t < n; t++ {
		for j := t; j < min(n, t+steps); j++ {
			naiveErr += weight(t) * math.Abs(run[j]-run[t-1])
			errs += weight(t)
		}
	}
	naiveErr /= errs
	results := make([]Candidate, 0, len(cands))
	for _, m := range cands {
		c := Candidate{Model: m}
		var warm *Params
		sum := 0.0
		var fixed *Model
		if opt.FitOnce {
			var err error
			if fixed, err = Fit(run[:train], m, season, nil); err != nil {
				c.Err = err.Error()
			}
		}
		for t := train; t < n && c.Err == ""; t++ {
			var (
				md  *Model
				err error
			)
			if !opt.FitOnce {
				md, err = Fit(run[:t], m, season, warm)
			} else {
				md, err = NewModel(m, season, fixed.Params, run[:t])
			}
			if err != nil {
				c.Err = err.Error()
				break
			}
			warm = &md.Params
			for j, p := range md.Forecast(min(n, t+steps) - t) {
				sum += weight(t) * math.Abs(run[t+j]-p.Value)
			}
		}
		if c.Err == "" {
			c.MAE = sum / errs
			c.RelMAE = c.MAE / naiveErr
		} else {
			c.MAE, c.RelMAE = math.NaN(), math.NaN()
		}
		results = append(results, c)
	}
	best := -1
	for i, c := range results {
		if c.Err == "" && (best < 0 || c.MAE < results[best].MAE) {
			best = i
		}
	}
	if best < 0 {
		return finish(naiveModel(run), run, h, trailing, "no model could be fitted: naive forecast"+notes, results)
	}
	b := results[best]
	if !(b.MAE < naiveErr) {
		reason := fmt.Sprintf("no model beat the naive forecast from the last %d origins, %s (best %s: MAE %.4g vs naive %.4g, MASE %.2f): naive forecast",
			k, stepWords(steps), b.Model, b.MAE, naiveErr, b.RelMAE)
		return finish(naiveModel(run), run, h, trailing, reason+notes, results)
	}
	md, err := Fit(run, b.Model, season, nil)
	if err != nil { // cannot happen: it was fitted on fewer values above
		return finish(naiveModel(run), run, h, trailing, "refit failed ("+err.Error()+"): naive forecast"+notes, results)
	}
	reason := fmt.Sprintf("lowest recency-weighted MAE from the last %d origins, %s (%s %.4g vs naive %.4g, MASE %.2f)",
		k, stepWords(steps), b.Model, b.MAE, naiveErr, b.RelMAE)
	return finish(md, run, h, trailing, reason+notes, results)
}

// finish forecasts h periods after the end of values (trailing periods
// after the end of run) with md.
func finish(md *Model, run []float64, h, trailing int, reason string, cands []Candidate) Result {
	pts := md.Forecast(h + trailing)[trailing:]
	for i := range pts {
		pts[i].H = i + 1
	}
	return Result{
		Model: md.Method, Reason: reason, Points: pts,
		Params: md.Params, Season: md.Season, Used: md.N,
		Sigma: math.Sqrt(md.Sigma2), SSE: md.SSE, LogLik: md.LogLik,
		Scale: naiveMAE(run), Candidates: cands,
	}
}

// stepWords says which forecasts the selection scored.
func stepWords(steps int) string {
	if steps == 1 {
		return "one step ahead"
	}
	return fmt.Sprintf("1 to %d steps ahead", steps)
}
