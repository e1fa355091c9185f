package forecast

import (
	"errors"
	"fmt"
	"math"
)

// Method names a forecasting model. The values are stable lower-case names:
// they become Prometheus label values and are stored with each forecast.
type Method string

// The models, simplest first.
const (
	// Naive is the random walk: every future value equals the last one.
	Naive Method = "naive"
	// SES is simple exponential smoothing, ETS(A,N,N).
	SES Method = "ses"
	// Holt is Holt's linear trend, ETS(A,A,N).
	Holt Method = "holt"
	// Damped is the additive damped trend, ETS(A,Ad,N).
	Damped Method = "damped"
	// HoltWinters is additive Holt-Winters, ETS(A,A,A).
	HoltWinters Method = "holt_winters"
)

// Methods lists every model, simplest first (the order ties are broken in).
func Methods() []Method { return []Method{Naive, SES, Holt, Damped, HoltWinters} }

// Bounds on the smoothing parameters while fitting: the "usual" region of
// Hyndman et al. (2008, §10.2), 0 < β < α and 0 < γ < 1 − α, searched as
// statsmodels' ETSModel parameterises it (α in [1e-4, 1 − 1e-4], and β/α and
// γ/(1 − α) in the same range), with φ in R's [0.8, 0.98]. R's
// forecast::ets keeps β and γ themselves at 1e-4 or more, so a fit here may
// reach a β below R's floor (reference_r_test.go logs where; refitting
// inside R's region changed the SSE by at most 0.09%).
const (
	paramLo = 1e-4
	paramHi = 1 - 1e-4
	phiLo   = 0.8
	phiHi   = 0.98
)

// Normal quantiles for the two-sided 80% and 95% intervals (scipy's
// norm.ppf(0.9) and norm.ppf(0.975)).
const (
	z80 = 1.2815515655446004
	z95 = 1.959963984540054
)

// Params are the smoothing parameters and initial states of an ETS model,
// in the error-correction form of Hyndman et al. (2008, ch. 2):
//
//	ŷ[t] = l[t-1] + φ·b[t-1] + s[t-m]      e[t] = y[t] − ŷ[t]
//	l[t] = l[t-1] + φ·b[t-1] + α·e[t]
//	b[t] = φ·b[t-1] + β·e[t]
//	s[t] = s[t-m] + γ·e[t]
//
// Beta is the trend's smoothing parameter in this form (statsmodels'
// smoothing_trend, R's beta), so the usual bounds are 0 < β < α; likewise
// 0 < γ < 1 − α.
type Params struct {
	Alpha float64 // level, 0 < α < 1
	Beta  float64 // trend, 0 < β < α (0 without a trend)
	Gamma float64 // season, 0 < γ < 1 − α (0 without a season)
	Phi   float64 // damping: in [0.8, 0.98] for Damped, 1 for Holt and HoltWinters
	Level float64 // l[0], the level before the first observation
	Trend float64 // b[0], the trend before the first observation
	// Season holds the initial seasonal states in time order: Season[i] is
	// the state the i-th observation uses (s[i−m]). statsmodels lists them
	// the other way round (initial_seasonal.0 is s[−1]). Fitted models
	// report them centred (summing to zero), which leaves the fit unchanged.
	Season []float64
}

// Model is an ETS model run over a series: its parameters, its fit and the
// states at the end of the series, from which it forecasts.
type Model struct {
	Method Method
	Season int // season length m for HoltWinters, 0 otherwise
	Params Params
	N      int     // observations the model was run over
	SSE    float64 // sum of squared one-step errors
	// Sigma2 is the one-step error variance: SSE/N, the maximum-likelihood
	// estimate statsmodels' ETSModel uses (R's forecast::ets divides by
	// N − number of parameters instead). For Naive it is the mean squared
	// change between consecutive values.
	Sigma2 float64
	// LogLik is the Gaussian log-likelihood −N/2·(log(2π·SSE/N) + 1), as
	// statsmodels reports it; minimising the SSE maximises it.
	LogLik float64

	level, trend float64
	ring         []float64 // ring[j%m]: latest seasonal state for phase j
	last         float64   // last observation (Naive)
}

// coef is what the recursion needs of Params.
type coef struct {
	alpha, beta, gamma, phi float64
	m                       int // season length, 0 without a season
}

// filter runs the error-correction recursion from level l, trend b and the
// seasonal ring (updated in place) over y, writing the one-step errors into
// e. A nil y stands for zeros, which the least-squares step for the initial
// states uses. It returns the final level and trend.
func filter(c coef, l, b float64, ring, y, e []float64) (float64, float64) {
	j := 0
	for t := range e {
		var yt, s float64
		if y != nil {
			yt = y[t]
		}
		if c.m > 0 {
			s = ring[j]
		}
		base := l + c.phi*b
		err := yt - (base + s)
		e[t] = err
		l = base + c.alpha*err
		b = c.phi*b + c.beta*err
		if c.m > 0 {
			ring[j] = s + c.gamma*err
			j++
			if j == c.m {
				j = 0
			}
		}
	}
	return l, b
}

func (m Method) hasTrend() bool  { return m == Holt || m == Damped || m == HoltWinters }
func (m Method) hasSeason() bool { return m == HoltWinters }

func (m Method) valid() bool {
	switch m {
	case Naive, SES, Holt, Damped, HoltWinters:
		return true
	}
	return false
}

func coefOf(method Method, season int, p Params) coef {
	c := coef{alpha: p.Alpha, phi: 1}
	if method.hasTrend() {
		c.beta = p.Beta
	}
	if method == Damped {
		c.phi = p.Phi
	}
	if method.hasSeason() {
		c.gamma, c.m = p.Gamma, season
	}
	return c
}

// NewModel runs the model with the given (not fitted) parameters and
// initial states over values, which must all be finite. It is what Fit
// does once it has chosen the parameters, and lets figures be checked
// against another implementation with the same parameters. Params.Phi is
// ignored unless method is Damped; for Naive all of p is ignored.
func NewModel(method Method, season int, p Params, values []float64) (*Model, error) {
	if !method.valid() {
		return nil, fmt.Errorf("forecast: unknown model %q", method)
	}
	if len(values) == 0 {
		return nil, errors.New("forecast: no values")
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("forecast: value %d is not finite", i)
		}
	}
	if method == Naive {
		return naiveModel(values), nil
	}
	if method.hasSeason() {
		if season < 2 {
			return nil, fmt.Errorf("forecast: %s needs a season length of at least 2, not %d", method, season)
		}
		if len(p.Season) != season {
			return nil, fmt.Errorf("forecast: %d initial seasonal states for a season of %d", len(p.Season), season)
		}
	} else {
		season = 0
	}
	md := &Model{Method: method, Season: season, Params: p, N: len(values)}
	md.Params.Season = append([]float64(nil), p.Season...)
	if !method.hasTrend() {
		md.Params.Beta, md.Params.Trend = 0, 0
	}
	if method != Damped {
		md.Params.Phi = 1
	}
	if !method.hasSeason() {
		md.Params.Gamma, md.Params.Season = 0, nil
	}
	c := coefOf(method, season, md.Params)
	if season > 0 {
		md.ring = append([]float64(nil), p.Season...)
	}
	e := make([]float64, len(values))
	md.level, md.trend = filter(c, md.Params.Level, md.Params.Trend, md.ring, values, e)
	for _, v := range e {
		md.SSE += v * v
	}
	md.Sigma2 = md.SSE / float64(md.N)
	md.LogLik = -float64(md.N) / 2 * (math.Log(2*math.Pi*md.Sigma2) + 1)
	return md, nil
}

// naiveModel is the random walk: it forecasts the last value, with the
// variance of the one-step changes growing linearly with the horizon.
func naiveModel(values []float64) *Model {
	n := len(values)
	md := &Model{Method: Naive, N: n, last: values[n-1], Params: Params{Alpha: 1, Phi: 1, Level: values[0]}}
	for i := 1; i < n; i++ {
		d := values[i] - values[i-1]
		md.SSE += d * d
	}
	if n > 1 {
		md.Sigma2 = md.SSE / float64(n-1)
		md.LogLik = -float64(n-1) / 2 * (math.Log(2*math.Pi*md.Sigma2) + 1)
	} else {
		md.Sigma2 = math.NaN() // one value says nothing about its spread
		md.LogLik = math.NaN()
	}
	return md
}

// Point is the forecast for H periods after the last value: the point
// forecast (the mean of the predictive distribution), its standard
// deviation and the 80% and 95% prediction intervals (normal, symmetric).
type Point struct {
	H     int
	Value float64
	SD    float64
	Lo80  float64
	Hi80  float64
	Lo95  float64
	Hi95  float64
}

// Forecast returns the forecasts for 1..h periods ahead.
//
// The point forecast is l + φ_h·b + s (φ_h = φ + φ² + … + φ^h, h for an
// undamped trend); the variance is σ²·(1 + Σ_{j=1}^{h−1} c_j²) with
// c_j = α + β·φ_j + γ·[j mod m = 0], the class-1 formula of Hyndman et al.
// (2008, ch. 6, Table 6.1), which is what statsmodels' ETSModel (its
// "exact" prediction) and R's forecast::ets use; for Naive it is h·σ².
func (md *Model) Forecast(h int) []Point {
	pts := make([]Point, h)
	p := md.Params
	var (
		phiH   float64 // φ + … + φ^k for the point at step k
		phiPow = 1.0
		sumC2  float64 // Σ c_j² for j < k
	)
	for k := 1; k <= h; k++ {
		var mean, v float64
		if md.Method == Naive {
			mean, v = md.last, float64(k)*md.Sigma2
		} else {
			phiPow *= p.Phi
			phiH += phiPow
			mean = md.level + phiH*md.trend
			if md.Season > 0 {
				mean += md.ring[(md.N+k-1)%md.Season]
			}
			v = md.Sigma2 * (1 + sumC2)
			// c_k for the next step's variance.
			c := p.Alpha + p.Beta*phiH
			if md.Season > 0 && k%md.Season == 0 {
				c += p.Gamma
			}
			sumC2 += c * c
		}
		sd := math.Sqrt(v)
		pts[k-1] = Point{
			H: k, Value: mean, SD: sd,
			Lo80: mean - z80*sd, Hi80: mean + z80*sd,
			Lo95: mean - z95*sd, Hi95: mean + z95*sd,
		}
	}
	return pts
}
