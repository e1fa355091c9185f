package forecast

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// MinFitPoints returns the fewest values Fit accepts for a model: three more
// than its free parameters (smoothing parameters plus initial states), so
// the fit keeps at least three degrees of freedom; Holt-Winters also needs
// two full seasons, as R's forecast::ets does. Naive needs one value.
func MinFitPoints(method Method, season int) int {
	switch method {
	case SES:
		return 2 + 3 // α, l
	case Holt:
		return 4 + 3 // α, β, l, b
	case Damped:
		return 5 + 3 // α, β, φ, l, b
	case HoltWinters:
		return max(2*season, season+4+3) // α, β, γ, l, b, m−1 seasonal states
	}
	return 1
}

// Fit fits a model to values (all finite) by minimising the in-sample sum
// of squared one-step errors, which for additive errors is maximising the
// ETS likelihood.
//
// The smoothing parameters are searched by gonum's Nelder-Mead within the
// usual bounds (0 < α < 1, 0 < β < α, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98, in
// statsmodels' parameterisation; see paramLo), through a logistic map so that every point
// the optimiser tries is admissible; it starts from the best of a small grid
// (and from warm, if given, the parameters of an earlier fit). For each
// trial of the smoothing parameters the initial states are not searched:
// the one-step errors are affine in them, so the SSE-minimising initial
// states are the solution of a linear least-squares problem, solved exactly
// (Hyndman et al. 2008, §5.2 make the same observation). This reaches an SSE
// at least as low as a joint search over all of them (statsmodels, R) with
// far fewer function evaluations. Seasonal states are identified by fixing
// one of them to zero, as statsmodels does, and reported centred.
func Fit(values []float64, method Method, season int, warm *Params) (*Model, error) {
	if !method.valid() {
		return nil, fmt.Errorf("forecast: unknown model %q", method)
	}
	if !method.hasSeason() {
		season = 0
	} else if season < 2 {
		return nil, fmt.Errorf("forecast: %s needs a season length of at least 2, not %d", method, season)
	}
	if n, need := len(values), MinFitPoints(method, season); n < need {
		return nil, fmt.Errorf("forecast: %s needs at least %d values, have %d", method, need, n)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("forecast: value %d is not finite", i)
		}
	}
	if method == Naive {
		return naiveModel(values), nil
	}
	f := newFitter(values, method, season)
	best, bestF := f.start(warm)
	prob := optimize.Problem{Func: f.sse}
	settings := &optimize.Settings{
		FuncEvaluations: 300 + 150*len(best),
		Converger:       &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-9, Iterations: 10},
	}
	// Nelder-Mead, restarted once from where it stopped (a collapsed
	// simplex is the method's usual failure).
	for range 2 {
		res, err := optimize.Minimize(prob, best, settings, &optimize.NelderMead{SimplexSize: 0.75})
		if err != nil || res == nil || res.F >= bestF {
			break
		}
		best, bestF = res.X, res.F
	}
	p := f.params(best)
	x := f.initial(f.coef(p))
	p.Level = x[0]
	if method.hasTrend() {
		p.Trend = x[1]
	}
	if season > 0 {
		// x holds Season[1..m−1]; Season[0] was held at zero. Centre them
		// and move the mean into the level: the fitted values are the same.
		s := make([]float64, season)
		copy(s[1:], x[f.p-(season-1):])
		mean := 0.0
		for _, v := range s {
			mean += v
		}
		mean /= float64(season)
		for i := range s {
			s[i] -= mean
		}
		p.Level += mean
		p.Season = s
	}
	return NewModel(method, season, p, values)
}

// fitter holds what one fit needs, allocated once.
type fitter struct {
	y      []float64
	method Method
	m      int
	p      int // number of free initial states
	cols   [][]float64
	e0     []float64
	s0     []float64 // response to a unit Season[0]
	ring   []float64
	ata    []float64 // AᵀA, p×p row-major, upper triangle
	fac    []float64 // its Cholesky factor
	atb    []float64 // −Aᵀe0
	x      []float64 // the solution
}

func newFitter(y []float64, method Method, m int) *fitter {
	p := 1
	if method.hasTrend() {
		p++
	}
	if m > 0 {
		p += m - 1
	}
	f := &fitter{y: y, method: method, m: m, p: p, e0: make([]float64, len(y))}
	f.cols = make([][]float64, p)
	for i := range f.cols {
		f.cols[i] = make([]float64, len(y))
	}
	if m > 0 {
		f.ring = make([]float64, m)
		f.s0 = make([]float64, len(y))
	}
	f.ata = make([]float64, p*p)
	f.fac = make([]float64, p*p)
	f.atb = make([]float64, p)
	f.x = make([]float64, p)
	return f
}

// dims is the number of smoothing parameters searched.
func (f *fitter) dims() int {
	switch f.method {
	case SES:
		return 1
	case Holt:
		return 2
	case Damped:
		return 3
	}
	return 3 // HoltWinters: α, β*, γ*
}

func logistic(u, lo, hi float64) float64 { return lo + (hi-lo)/(1+math.Exp(-u)) }

func logit(v, lo, hi float64) float64 {
	v = min(max(v, lo+1e-9), hi-1e-9)
	return math.Log((v - lo) / (hi - v))
}

// params maps the optimiser's unbounded coordinates to admissible
// parameters: α in (1e-4, 1−1e-4); β = α·β* and γ = (1−α)·γ* with β*, γ*
// in the same interval (statsmodels' reparameterisation); φ in (0.8, 0.98).
func (f *fitter) params(u []float64) Params {
	p := Params{Alpha: logistic(u[0], paramLo, paramHi), Phi: 1}
	switch f.method {
	case Holt:
		p.Beta = p.Alpha * logistic(u[1], paramLo, paramHi)
	case Damped:
		p.Beta = p.Alpha * logistic(u[1], paramLo, paramHi)
		p.Phi = logistic(u[2], phiLo, phiHi)
	case HoltWinters:
		p.Beta = p.Alpha * logistic(u[1], paramLo, paramHi)
		p.Gamma = (1 - p.Alpha) * logistic(u[2], paramLo, paramHi)
	}
	return p
}

func (f *fitter) unparams(p Params) []float64 {
	u := []float64{logit(p.Alpha, paramLo, paramHi)}
	switch f.method {
	case Holt:
		u = append(u, logit(p.Beta/p.Alpha, paramLo, paramHi))
	case Damped:
		u = append(u, logit(p.Beta/p.Alpha, paramLo, paramHi), logit(p.Phi, phiLo, phiHi))
	case HoltWinters:
		u = append(u, logit(p.Beta/p.Alpha, paramLo, paramHi), logit(p.Gamma/(1-p.Alpha), paramLo, paramHi))
	}
	return u
}

func (f *fitter) coef(p Params) coef { return coefOf(f.method, f.m, p) }

// start returns the best of a small grid of starting points (and warm).
func (f *fitter) start(warm *Params) ([]float64, float64) {
	// The grid reaches into the corners of the region, where optima often
	// lie (α near 0, φ at a bound): Nelder-Mead in the logistic coordinates
	// is slow to travel there from the middle.
	alphas := []float64{0.001, 0.05, 0.2, 0.5, 0.8, 0.999}
	stars := []float64{0.001, 0.05, 0.3}
	phis := []float64{0.8, 0.9, 0.98}
	if warm != nil {
		// Beside an earlier fit's optimum, a coarse grid suffices to find
		// a basin that has moved (see below): a fifth of the starts.
		alphas, stars, phis = []float64{0.001, 0.2, 0.999}, []float64{0.05}, []float64{0.9}
	}
	var starts [][]float64
	for _, a := range alphas {
		switch f.method {
		case SES:
			starts = append(starts, f.unparams(Params{Alpha: a}))
		case Holt:
			for _, b := range stars {
				starts = append(starts, f.unparams(Params{Alpha: a, Beta: a * b}))
			}
		case Damped:
			for _, b := range stars {
				for _, ph := range phis {
					starts = append(starts, f.unparams(Params{Alpha: a, Beta: a * b, Phi: ph}))
				}
			}
		case HoltWinters:
			for _, b := range stars {
				for _, g := range stars {
					starts = append(starts, f.unparams(Params{Alpha: a, Beta: a * b, Gamma: (1 - a) * g}))
				}
			}
		}
	}
	if warm != nil && warm.Alpha > 0 && warm.Alpha < 1 {
		// A fit to one value fewer: its optimum is usually this one's
		// basin, but not when the series has just changed course (a
		// steady series that starts to fall moves the optimum of α from
		// near 0 to near 1), so the grid is kept and warm added to it.
		w := *warm
		if f.method == Damped && (w.Phi < phiLo || w.Phi > phiHi) {
			w.Phi = 0.95
		}
		if f.method.hasTrend() && (w.Beta <= 0 || w.Beta >= w.Alpha) {
			w.Beta = w.Alpha * 0.1
		}
		if f.method.hasSeason() && (w.Gamma <= 0 || w.Gamma >= 1-w.Alpha) {
			w.Gamma = (1 - w.Alpha) * 0.1
		}
		starts = append(starts, f.unparams(w))
	}
	best, bestF := starts[0], math.Inf(1)
	for _, u := range starts {
		if v := f.sse(u); v < bestF {
			best, bestF = u, v
		}
	}
	return best, bestF
}

// sse is the objective: the in-sample SSE at the best initial states for
// the smoothing parameters that u maps to.
func (f *fitter) sse(u []float64) float64 {
	c := f.coef(f.params(u))
	x := f.initial(c)
	s := 0.0
	for t, e := range f.e0 {
		for k, col := range f.cols {
			e += x[k] * col[t]
		}
		s += e * e
	}
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

// initial returns the initial states (level, trend, Season[1..m−1]) that
// minimise the SSE for coefficients c, leaving in f.e0 and f.cols the
// errors from zero initial states and the errors' response to each state.
func (f *fitter) initial(c coef) []float64 {
	clear(f.ring)
	filter(c, 0, 0, f.ring, f.y, f.e0)
	k := 0
	clear(f.ring)
	filter(c, 1, 0, f.ring, nil, f.cols[k])
	k++
	if f.method.hasTrend() {
		clear(f.ring)
		filter(c, 0, 1, f.ring, nil, f.cols[k])
		k++
	}
	if f.m > 0 {
		// The response to a unit Season[j] is zero until observation j
		// uses it and from then on the response to a unit Season[0],
		// delayed by j: the recursion's coefficients do not change over
		// time. So one pass gives every seasonal column.
		clear(f.ring)
		f.ring[0] = 1
		filter(c, 0, 0, f.ring, nil, f.s0)
		for j := 1; j < f.m; j++ {
			col := f.cols[k]
			clear(col[:j])
			copy(col[j:], f.s0)
			k++
		}
	}
	// Normal equations: (AᵀA) x = −Aᵀe0.
	for i := 0; i < f.p; i++ {
		ci := f.cols[i]
		for j := i; j < f.p; j++ {
			cj := f.cols[j]
			s := 0.0
			for t := range ci {
				s += ci[t] * cj[t]
			}
			f.ata[i*f.p+j] = s
		}
		s := 0.0
		for t := range ci {
			s -= ci[t] * f.e0[t]
		}
		f.atb[i] = s
	}
	// Cholesky without gonum mat's condition estimate (a quarter of the
	// fitting time); a tiny pivot relative to the largest stands in for it.
	copy(f.fac, f.ata)
	t, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: f.p, Stride: f.p, Data: f.fac})
	if ok {
		dmin, dmax := math.Inf(1), 0.0
		for i := 0; i < f.p; i++ {
			d := f.fac[i*f.p+i]
			dmin, dmax = min(dmin, d), max(dmax, d)
		}
		if dmin > dmax*1e-7 {
			copy(f.x, f.atb)
			lapack64.Potrs(t, blas64.General{Rows: f.p, Cols: 1, Stride: 1, Data: f.x})
			if finite(f.x) {
				return f.x
			}
		}
	}
	// Singular or ill-conditioned (e.g. a constant series): the
	// minimum-norm least-squares solution through the SVD.
	a := mat.NewDense(len(f.e0), f.p, nil)
	for k, col := range f.cols {
		for t, v := range col {
			a.Set(t, k, v)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		clear(f.x)
		return f.x
	}
	vals := svd.Values(nil)
	rank := 0
	for _, v := range vals {
		if v > vals[0]*1e-10 {
			rank++
		}
	}
	b := mat.NewDense(len(f.e0), 1, nil)
	for t, v := range f.e0 {
		b.Set(t, 0, -v)
	}
	var x mat.Dense
	svd.SolveTo(&x, b, max(rank, 1))
	for i := range f.x {
		f.x[i] = x.At(i, 0)
	}
	return f.x
}

func finite(xs []float64) bool {
	for _, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
