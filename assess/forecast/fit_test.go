package forecast

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The fitter's SSE for given smoothing parameters is the least-squares
// minimum over the initial states. Checked against a dense least-squares
// solve (gonum's QR) of the same problem, with A's columns the errors'
// responses to each initial state, made by running the model's recursion
// (filter, which TestReferenceFixed checks against statsmodels) from unit
// states one at a time: this checks the fitter's fused recursions and its
// lagged-sum normal equations for the seasonal states.
func TestFitterSSEIsLeastSquares(t *testing.T) {
	y := make([]float64, 40)
	for i := range y {
		y[i] = 50 + 0.3*float64(i) + 6*math.Sin(2*math.Pi*float64(i)/12) + 2*noise(i)
	}
	for _, tc := range []struct {
		method Method
		m      int
		p      Params
	}{
		{SES, 0, Params{Alpha: 0.3}},
		{Holt, 0, Params{Alpha: 0.4, Beta: 0.1}},
		{Damped, 0, Params{Alpha: 0.2, Beta: 0.05, Phi: 0.9}},
		{HoltWinters, 12, Params{Alpha: 0.3, Beta: 0.02, Gamma: 0.2}},
		{HoltWinters, 4, Params{Alpha: 0.7, Beta: 0.3, Gamma: 0.1}},
	} {
		t.Run(string(tc.method), func(t *testing.T) {
			f := newFitter(y, tc.method, tc.m)
			got := f.sse(f.unparams(tc.p))
			// errors are the one-step errors from the given initial
			// states, which they are affine in.
			errors := func(level, trend float64, season []float64) []float64 {
				e := make([]float64, len(y))
				filter(coefOf(tc.method, tc.m, tc.p), level, trend, append([]float64(nil), season...), y, e)
				return e
			}
			zero := make([]float64, tc.m)
			e0 := errors(0, 0, zero)
			var cols [][]float64
			unit := func(level, trend float64, season []float64) {
				e := errors(level, trend, season)
				for i := range e {
					e[i] -= e0[i]
				}
				cols = append(cols, e)
			}
			unit(1, 0, zero)
			if tc.method.hasTrend() {
				unit(0, 1, zero)
			}
			for j := 1; j < tc.m; j++ {
				s := make([]float64, tc.m)
				s[j] = 1
				unit(0, 0, s)
			}
			a := mat.NewDense(len(y), len(cols), nil)
			for k, c := range cols {
				for i, v := range c {
					a.Set(i, k, v)
				}
			}
			b := mat.NewVecDense(len(y), nil)
			for i, v := range e0 {
				b.SetVec(i, -v)
			}
			var x, r mat.VecDense
			if err := x.SolveVec(a, b); err != nil {
				t.Fatal(err)
			}
			r.MulVec(a, &x)
			r.SubVec(&r, b)
			want := mat.Dot(&r, &r)
			if math.Abs(got-want) > 1e-9*want {
				t.Errorf("SSE %.12g, dense least squares %.12g", got, want)
			}
		})
	}
}

// BenchmarkFit fits each model to 36 monthly values from cold (as Forecast
// fits the first origin and the model it reports) and warm-started from a
// fit to one value fewer (as Forecast fits the later origins).
//
//	go test -run '^$' -bench Fit -benchmem ./assess/forecast
func BenchmarkFit(b *testing.B) {
	y := make([]float64, 36)
	for i := range y {
		y[i] = 0.65 + 0.002*float64(i) + 0.03*math.Sin(2*math.Pi*float64(i)/12) + 0.01*noise(i)
	}
	for _, m := range []Method{SES, Holt, Damped, HoltWinters} {
		b.Run(string(m)+"/cold", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Fit(y, m, 12, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		prev, err := Fit(y[:len(y)-1], m, 12, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(m)+"/warm", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Fit(y, m, 12, &prev.Params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
