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
	q      int // of which level and trend (the columns held in cols)
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
	q := 1
	if method.hasTrend() {
		q++
	}
	p := q
	if m > 0 {
		p += m - 1
	}
	f := &fitter{y: y, method: method, m: m, p: p, q: q, e0: make([]float64, len(y))}
	f.cols = make([][]float64, q)
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
	x := f.initial(f.coef(f.params(u)))
	q, s0 := f.q, f.s0
	s := 0.0
	for t, e := range f.e0 {
		for k, col := range f.cols {
			e += x[k] * col[t]
		}
		// Season[j] enters from observation j on, through s0 delayed by j.
		for j := 1; j <= min(t, f.m-1); j++ {
			e += x[q+j-1] * s0[t-j]
		}
		s += e * e
	}
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

// initial returns the initial states (level, trend, Season[1..m−1]) that
// minimise the SSE for coefficients c, leaving in f.e0 the errors from
// zero initial states, in f.cols the errors' response to a unit level and
// trend, and in f.s0 the response to a unit Season[0].
func (f *fitter) initial(c coef) []float64 {
	if f.m == 0 {
		f.responses(c)
	} else {
		f.seasonalResponses(c)
	}
	f.normal()
	return f.solve()
}

// responses fills f.e0 and f.cols for a model without a season: the three
// recursions (from zero states over the data, and from a unit level and a
// unit trend over zeros; see filter) run side by side in one loop, which
// the processor overlaps.
func (f *fitter) responses(c coef) {
	alpha, beta, phi := c.alpha, c.beta, c.phi
	n := len(f.y)
	e0, c1 := f.e0[:n], f.cols[0][:n]
	var l0, b0 float64
	l1, b1 := 1.0, 0.0
	if f.q == 1 {
		for t, y := range f.y {
			err := y - l0
			e0[t] = err
			l0 += alpha * err
			g := -l1
			c1[t] = g
			l1 += alpha * g
		}
		return
	}
	c2 := f.cols[1][:n]
	l2, b2 := 0.0, 1.0
	for t, y := range f.y {
		base := l0 + phi*b0
		err := y - base
		e0[t] = err
		l0, b0 = base+alpha*err, phi*b0+beta*err
		base = l1 + phi*b1
		c1[t] = -base
		l1, b1 = base-alpha*base, phi*b1-beta*base
		base = l2 + phi*b2
		c2[t] = -base
		l2, b2 = base-alpha*base, phi*b2-beta*base
	}
}

// seasonalResponses fills f.e0, f.cols and f.s0 for Holt-Winters. The
// response to a unit Season[j] is zero until observation j uses it and
// from then on the response to a unit Season[0] delayed by j: the
// recursion's coefficients do not change over time. So one pass gives
// every seasonal column, and they are not stored.
func (f *fitter) seasonalResponses(c coef) {
	clear(f.ring)
	filter(c, 0, 0, f.ring, f.y, f.e0)
	clear(f.ring)
	filter(c, 1, 0, f.ring, nil, f.cols[0])
	if f.q > 1 {
		clear(f.ring)
		filter(c, 0, 1, f.ring, nil, f.cols[1])
	}
	clear(f.ring)
	f.ring[0] = 1
	filter(c, 0, 0, f.ring, nil, f.s0)
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// normal fills the normal equations (AᵀA) x = −Aᵀe0, the upper triangle
// of AᵀA, where A's columns are the responses to each initial state. The
// seasonal columns are s0 delayed by 1..m−1, so their products are lagged
// sums of s0: O(m·n) work rather than O(m²·n).
func (f *fitter) normal() {
	p, q, n := f.p, f.q, len(f.y)
	for i := range q {
		for j := i; j < q; j++ {
			f.ata[i*p+j] = dot(f.cols[i], f.cols[j])
		}
		f.atb[i] = -dot(f.cols[i], f.e0)
	}
	if f.m == 0 {
		return
	}
	s := f.s0
	for j := 1; j < f.m; j++ {
		k := q + j - 1 // column of Season[j]: s0[t−j] for t ≥ j
		for i := range q {
			f.ata[i*p+k] = dot(s[:n-j], f.cols[i][j:])
		}
		f.atb[k] = -dot(s[:n-j], f.e0[j:])
	}
	// Season[j]·Season[k], j ≤ k, lag d = k−j: Σ_{τ=0}^{n−1−k} s0[τ]·s0[τ+d].
	// For each d, from k = m−1 down, each step adds one term.
	for d := 0; d < f.m-1; d++ {
		k := f.m - 1
		last := n - 1 - k
		r := dot(s[:last+1], s[d:])
		for ; k >= d+1; k-- {
			j := k - d
			f.ata[(q+j-1)*p+q+k-1] = r
			if t := n - k; k > d+1 {
				r += s[t] * s[t+d]
			}
		}
	}
}

// solve returns the initial states from the normal equations, or, where
// they are singular or ill-conditioned (e.g. a constant series), the
// minimum-norm least-squares solution.
func (f *fitter) solve() []float64 {
	// Cholesky without gonum mat's condition estimate (a quarter of the
	// fitting time); a tiny pivot relative to the largest stands in for it.
	p := f.p
	copy(f.fac, f.ata)
	t, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: p, Stride: p, Data: f.fac})
	tri := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: p, Stride: p, Data: t.Data}
	if ok {
		dmin, dmax := math.Inf(1), 0.0
		for i := range p {
			d := f.fac[i*p+i]
			dmin, dmax = min(dmin, d), max(dmax, d)
		}
		if dmin > dmax*1e-7 {
			// UᵀU x = b by two triangular solves (Potrs's Trsm costs
			// more for one right-hand side).
			copy(f.x, f.atb)
			v := blas64.Vector{N: p, Inc: 1, Data: f.x}
			blas64.Trsv(blas.Trans, tri, v)
			blas64.Trsv(blas.NoTrans, tri, v)
			if finite(f.x) {
				return f.x
			}
		}
	}
	n := len(f.e0)
	a := mat.NewDense(n, p, nil)
	for k, col := range f.cols {
		for t, v := range col {
			a.Set(t, k, v)
		}
	}
	for j := 1; j < f.m; j++ {
		for t := j; t < n; t++ {
			a.Set(t, f.q+j-1, f.s0[t-j])
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
	b := mat.NewDense(n, 1, nil)
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
