package forecast

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/diff/fd"
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
// For each trial of the smoothing parameters the initial states are not
// searched: the one-step errors are affine in them, so the SSE-minimising
// initial states are the solution of a linear least-squares problem,
// solved exactly (Hyndman et al. 2008, §5.2 make the same observation).
// What is searched is the smoothing parameters alone, within the usual
// bounds (0 < α < 1, 0 < β < α, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98, in
// statsmodels' parameterisation; see paramLo), which makes the SSE a
// function of one to three bounded variables (α; α, β/α; α, β/α, φ; α, β/α,
// γ/(1−α)). That function often has several local minima, some of them on
// the bounds (α or β/α at their floor, φ at 0.8 or 0.98) and some in narrow
// valleys (with α and β near zero the damped trend alone must follow the
// series, and the SSE can change tenfold between φ = 0.96 and 0.98), so
// the search is global first and local after:
//
//  1. The SSE is evaluated on a grid, bounds included (for the damped
//     trend 15 values of α, denser towards 0, 6 of β/α and 4 of φ: 360
//     points; for Holt-Winters, whose SSE costs several times as much,
//     11 × 4 × 4 of α, β/α and γ/(1−α)), and every grid point no worse
//     than its neighbours along each axis is a candidate; the five best
//     are kept.
//  2. Gonum's Nelder-Mead runs from each candidate, in coordinates u that
//     map each parameter onto its interval by lo + (hi−lo)·(1 − cos u)/2:
//     every point the optimiser tries is admissible, and a bound is an
//     ordinary point at u = 0 or π that it can reach and leave again.
//  3. The best end point is polished by gonum's BFGS on central-difference
//     gradients (Nelder-Mead stalls short of an optimum where one
//     parameter is interior and others sit on bounds), and every parameter
//     left on a bound is checked by a one-dimensional search inwards: in
//     those coordinates a bound is always a stationary point, a minimum or
//     not, so a bound is kept only if moving off it raises the SSE;
//     otherwise the polish resumes from the better point.
//
// It is meant never to end above the SSE statsmodels' ETSModel reaches
// (whose L-BFGS-B searches the smoothing parameters and initial states
// jointly, within the same bounds, from one heuristic start), beyond a
// relative 1e-6 for the two optimisers' own precision, and that is kept
// true by TestFitNeverWorseThanStatsmodels: on the 583 series of
// testdata/fit_reference.json (every series of the demo data, bar four
// constant ones, as the engine forecasts them, and generated series of the
// shapes it meets; made by scripts/forecast-fit-reference.py), every
// model's fit must be at most statsmodels' SSE × (1 + 1e-6). When written
// no fit there, nor on 3,500 more series (other demo seeds and dates,
// other generated series), was above by even 1e-9. Before this search
// (Nelder-Mead from the best point of a coarse grid, in logistic
// coordinates: a start at φ = 0.98 lay where the SSE hardly changes with
// the coordinate, so φ stayed at 0.98) 109 of the 2,066 fits there were,
// by up to 96%. Where the surface is flat the optimum found may be another
// point with the same SSE.
//
// warm, if given, is an earlier fit's parameters (Forecast passes the fit
// to one value fewer at each rolling origin): the search then starts once,
// from the better of warm and a three-point grid of α, with Nelder-Mead
// alone, for a fraction of the work (BenchmarkFit). It usually ends in the
// cold fit's optimum, not always (at the rolling origins of the reference
// series, 1% to 14% of the warm fits, by model, end more than 0.1% above
// a cold fit), and holds to no bound; Forecast fits the model it reports
// without warm.
//
// Seasonal states are identified by fixing one of them to zero, as
// statsmodels does, and reported centred.
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
	var best []float64
	if warm != nil && warm.Alpha > 0 && warm.Alpha < 1 {
		best = f.searchFrom(*warm)
	} else {
		best = f.search()
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

// Search settings.
const (
	// starts is how many grid points Nelder-Mead starts from.
	starts = 5
	// simplexSize is Nelder-Mead's initial step in each coordinate u (in
	// [0, π]): about one grid step.
	simplexSize = 0.25
	// boundTol is how close to 0 or π (mod 2π) a coordinate u must be for
	// its parameter to count as on a bound (1e-3 in u is 2.5e-7 of the
	// parameter's range); release searches up to reach inwards (8.7% of
	// the range) by goldenSteps golden-section steps (to 4e-5 in u).
	boundTol    = 1e-3
	reach       = 0.6
	goldenSteps = 20
)

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
	xs     []float64 // scratch for release
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

// box maps an optimiser coordinate u to [lo, hi]: lo + (hi−lo)·(1 − cos u)/2.
// Every u is admissible, and the bounds themselves are reached (at u = 0
// and π).
func box(u, lo, hi float64) float64 {
	return min(max(lo+(hi-lo)*(1-math.Cos(u))/2, lo), hi)
}

// unbox is box's inverse, into [0, π].
func unbox(v, lo, hi float64) float64 {
	return math.Acos(min(max(1-2*(v-lo)/(hi-lo), -1), 1))
}

// params maps the optimiser's coordinates to admissible parameters: α in
// [1e-4, 1−1e-4]; β = α·β* and γ = (1−α)·γ* with β*, γ* in the same
// interval (statsmodels' reparameterisation); φ in [0.8, 0.98].
func (f *fitter) params(u []float64) Params {
	p := Params{Alpha: box(u[0], paramLo, paramHi), Phi: 1}
	switch f.method {
	case Holt:
		p.Beta = p.Alpha * box(u[1], paramLo, paramHi)
	case Damped:
		p.Beta = p.Alpha * box(u[1], paramLo, paramHi)
		p.Phi = box(u[2], phiLo, phiHi)
	case HoltWinters:
		p.Beta = p.Alpha * box(u[1], paramLo, paramHi)
		p.Gamma = (1 - p.Alpha) * box(u[2], paramLo, paramHi)
	}
	return p
}

func (f *fitter) unparams(p Params) []float64 {
	u := []float64{unbox(p.Alpha, paramLo, paramHi)}
	switch f.method {
	case Holt:
		u = append(u, unbox(p.Beta/p.Alpha, paramLo, paramHi))
	case Damped:
		u = append(u, unbox(p.Beta/p.Alpha, paramLo, paramHi), unbox(p.Phi, phiLo, phiHi))
	case HoltWinters:
		u = append(u, unbox(p.Beta/p.Alpha, paramLo, paramHi), unbox(p.Gamma/(1-p.Alpha), paramLo, paramHi))
	}
	return u
}

func (f *fitter) coef(p Params) coef { return coefOf(f.method, f.m, p) }

// axes returns the grid's coordinates along each searched parameter.
func (f *fitter) axes(alpha, star, phi, gamma []float64) [][]float64 {
	coords := func(vs []float64, lo, hi float64) []float64 {
		u := make([]float64, len(vs))
		for i, v := range vs {
			u[i] = unbox(min(max(v, lo), hi), lo, hi)
		}
		return u
	}
	axes := [][]float64{coords(alpha, paramLo, paramHi)}
	switch f.method {
	case Holt:
		axes = append(axes, coords(star, paramLo, paramHi))
	case Damped:
		axes = append(axes, coords(star, paramLo, paramHi), coords(phi, phiLo, phiHi))
	case HoltWinters:
		axes = append(axes, coords(star, paramLo, paramHi), coords(gamma, paramLo, paramHi))
	}
	return axes
}

// grid evaluates the SSE at every point of the product of axes and
// returns the points and their SSEs, the last axis varying fastest.
func (f *fitter) grid(axes [][]float64) ([][]float64, []float64) {
	size := 1
	for _, a := range axes {
		size *= len(a)
	}
	pts := make([][]float64, size)
	vals := make([]float64, size)
	for i := range pts {
		u := make([]float64, len(axes))
		k := i
		for d := len(axes) - 1; d >= 0; d-- {
			u[d] = axes[d][k%len(axes[d])]
			k /= len(axes[d])
		}
		pts[i], vals[i] = u, f.sse(u)
	}
	return pts, vals
}

// minima returns the indices of the grid points no worse than any
// neighbour along an axis, lowest SSE first.
func minima(axes [][]float64, vals []float64) []int {
	var out []int
	for i := range vals {
		ok, stride := true, 1
		for d := len(axes) - 1; d >= 0 && ok; d-- {
			n := len(axes[d])
			j := (i / stride) % n
			ok = (j == 0 || vals[i-stride] >= vals[i]) && (j == n-1 || vals[i+stride] >= vals[i])
			stride *= n
		}
		if ok {
			out = append(out, i)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int { return cmp.Compare(vals[a], vals[b]) })
	return out
}

// search is the cold fit's search (see Fit): grid, Nelder-Mead from the
// best local minima of the grid, then polish and release from the best.
func (f *fitter) search() []float64 {
	// The grids, as parameter values, of α, β/α, φ and γ/(1−α). α has the
	// most local minima, often narrow ones at small values on long series,
	// so its grid is the densest there; every grid reaches both bounds
	// (0 and 1 stand for 1e-4 and 1 − 1e-4). Holt-Winters' SSE costs
	// several times as much (m − 1 more initial states), and its grid is
	// coarser.
	alpha := []float64{0, 0.003, 0.01, 0.02, 0.035, 0.055, 0.08, 0.12, 0.17, 0.24, 0.33, 0.45, 0.6, 0.8, 1}
	star := []float64{0, 0.02, 0.1, 0.35, 0.75, 1}
	phi := []float64{0.8, 0.86, 0.92, 0.98}
	var gamma []float64
	if f.method == HoltWinters {
		alpha = []float64{0, 0.005, 0.015, 0.035, 0.07, 0.12, 0.2, 0.33, 0.5, 0.75, 1}
		star = []float64{0, 0.05, 0.3, 1}
		gamma = []float64{0, 0.1, 0.5, 1}
	}
	axes := f.axes(alpha, star, phi, gamma)
	pts, vals := f.grid(axes)
	locals := minima(axes, vals)
	best, bestF := pts[locals[0]], vals[locals[0]]
	for _, i := range locals[:min(starts, len(locals))] {
		u, fu := f.nelderMead(pts[i], vals[i], 1e-6, 1)
		if fu < bestF {
			best, bestF = u, fu
		}
	}
	for range 3 {
		best, bestF = f.polish(best, bestF)
		u, fu := f.release(best, bestF)
		if !(fu < bestF) {
			break
		}
		best, bestF = u, fu
	}
	return best
}

// searchFrom is the warm fit's search (see Fit).
func (f *fitter) searchFrom(w Params) []float64 {
	if f.method == Damped && (w.Phi < phiLo || w.Phi > phiHi) {
		w.Phi = 0.95
	}
	if f.method.hasTrend() && (w.Beta <= 0 || w.Beta >= w.Alpha) {
		w.Beta = w.Alpha * 0.1
	}
	if f.method.hasSeason() && (w.Gamma <= 0 || w.Gamma >= 1-w.Alpha) {
		w.Gamma = (1 - w.Alpha) * 0.1
	}
	best := f.unparams(w)
	bestF := f.sse(best)
	// A fit to one value fewer is usually in this one's basin, but not
	// when the series has just changed course (a steady series that starts
	// to fall moves the optimum of α from near 0 to near 1), so a coarse
	// grid is tried beside it.
	pts, vals := f.grid(f.axes([]float64{0.001, 0.2, 0.999}, []float64{0.05}, []float64{0.9}, []float64{0.05}))
	for i, v := range vals {
		if v < bestF {
			best, bestF = pts[i], v
		}
	}
	best, _ = f.nelderMead(best, bestF, 1e-9, 2)
	return best
}

// nelderMead runs gonum's Nelder-Mead from u (whose SSE is fu) until the
// SSE improves by less than rel (relative) over ten iterations, restarting
// it from where it stopped up to runs−1 times while that helps (a
// collapsed simplex is the method's usual failure).
func (f *fitter) nelderMead(u []float64, fu, rel float64, runs int) ([]float64, float64) {
	prob := optimize.Problem{Func: f.sse}
	settings := &optimize.Settings{
		FuncEvaluations: 300 + 150*len(u),
		Converger:       &optimize.FunctionConverge{Absolute: 1e-14, Relative: rel, Iterations: 10},
	}
	for range runs {
		res, err := optimize.Minimize(prob, u, settings, &optimize.NelderMead{SimplexSize: simplexSize})
		if err != nil || res == nil || !(res.F < fu) {
			break
		}
		u, fu = res.X, res.F
	}
	return u, fu
}

// polish runs gonum's BFGS from u on central-difference gradients of the
// SSE (scaled to 1 at u). It returns the better of u and where BFGS ends:
// a line search that fails to converge, as one does at the limit of
// precision, still leaves a point that may be better.
func (f *fitter) polish(u []float64, fu float64) ([]float64, float64) {
	if !(fu > 0) || math.IsInf(fu, 1) {
		return u, fu // a perfect fit, or no finite SSE to scale by
	}
	scale := 1 / fu
	obj := func(x []float64) float64 { return f.sse(x) * scale }
	grad := &fd.Settings{Formula: fd.Central, Step: 1e-5}
	prob := optimize.Problem{Func: obj, Grad: func(g, x []float64) { fd.Gradient(g, obj, x, grad) }}
	settings := &optimize.Settings{FuncEvaluations: 100, GradEvaluations: 40, GradientThreshold: 1e-8}
	res, _ := optimize.Minimize(prob, u, settings, &optimize.BFGS{})
	if res != nil && res.F/scale < fu {
		return res.X, res.F / scale
	}
	return u, fu
}

// release looks, for each parameter on a bound, for a lower SSE inwards
// by golden-section search along that coordinate alone. In the
// coordinates u the SSE's derivative is zero on a bound, so the local
// searches cannot tell a bound that is a minimum from one the SSE falls
// away from; this does.
func (f *fitter) release(u []float64, fu float64) ([]float64, float64) {
	best, bestF := slices.Clone(u), fu
	f.xs = append(f.xs[:0], u...)
	x := f.xs
	for i := range u {
		var a, b float64
		switch ui := math.Abs(math.Remainder(u[i], 2*math.Pi)); {
		case ui < boundTol:
			a, b = 0, reach
		case math.Pi-ui < boundTol:
			a, b = math.Pi-reach, math.Pi
		default:
			continue
		}
		copy(x, best)
		g := func(t float64) float64 { x[i] = t; return f.sse(x) }
		const r = 0.6180339887498949 // (√5 − 1)/2
		c, d := b-r*(b-a), a+r*(b-a)
		fc, fdd := g(c), g(d)
		for range goldenSteps {
			if fc < fdd {
				b, d, fdd = d, c, fc
				c = b - r*(b-a)
				fc = g(c)
			} else {
				a, c, fc = c, d, fdd
				d = a + r*(b-a)
				fdd = g(d)
			}
		}
		if fdd < fc {
			c, fc = d, fdd
		}
		if fc < bestF {
			best[i], bestF = c, fc
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
