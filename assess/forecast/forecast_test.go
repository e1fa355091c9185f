package forecast

import (
	"math"
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// noise is a fixed, deterministic wiggle in [-1, 1] (no randomness in tests).
func noise(t int) float64 { return math.Sin(1.7*float64(t)) * math.Cos(0.37*float64(t*t)) }

func TestModelsRecoverNoiseFreeProcesses(t *testing.T) {
	season := []float64{-5, -3, 0, 4, 6, 8, 5, 1, -2, -4, -6, -4} // sums to 0
	tests := []struct {
		name   string
		method Method
		m      int
		gen    func(t int) float64 // the process, t = 0, 1, ...
	}{
		{"line/holt", Holt, 0, func(t int) float64 { return 10 + 2*float64(t) }},
		{"constant/ses", SES, 0, func(int) float64 { return 0.75 }},
		{"constant/holt", Holt, 0, func(int) float64 { return 0.75 }},
		{"damped/damped", Damped, 0, func(t int) float64 {
			// l[0]=20, b[0]=3, φ=0.9, no errors: y[t] = 20 + 3(φ+…+φ^(t+1)).
			return 20 + 3*0.9*(1-math.Pow(0.9, float64(t+1)))/(1-0.9)
		}},
		{"seasonal/holt_winters", HoltWinters, 12, func(t int) float64 {
			return 100 + 0.5*float64(t) + season[t%12]
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const n, h = 40, 6
			y := make([]float64, n)
			for i := range y {
				y[i] = tc.gen(i)
			}
			md, err := Fit(y, tc.method, tc.m, nil)
			if err != nil {
				t.Fatal(err)
			}
			if md.SSE > 1e-12 {
				t.Errorf("SSE %g on a noise-free series, want ~0 (params %+v)", md.SSE, md.Params)
			}
			for _, p := range md.Forecast(h) {
				want := tc.gen(n - 1 + p.H)
				if !near(p.Value, want, 1e-6*(1+math.Abs(want))) {
					t.Errorf("h=%d: forecast %.9g, want %.9g", p.H, p.Value, want)
				}
				if p.SD > 1e-6 || p.Hi95-p.Lo95 > 4e-6 {
					t.Errorf("h=%d: SD %g, interval [%g, %g]: want ~zero width", p.H, p.SD, p.Lo95, p.Hi95)
				}
			}
		})
	}
}

func TestFittedParamsWithinBounds(t *testing.T) {
	y := make([]float64, 48)
	for i := range y {
		y[i] = 50 + 0.3*float64(i) + 6*math.Sin(2*math.Pi*float64(i)/12) + 2*noise(i)
	}
	for _, m := range []Method{SES, Holt, Damped, HoltWinters} {
		md, err := Fit(y, m, 12, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := md.Params
		ok := p.Alpha > 0 && p.Alpha < 1
		if m.hasTrend() {
			ok = ok && p.Beta > 0 && p.Beta < p.Alpha
		}
		if m == Damped {
			ok = ok && p.Phi >= phiLo && p.Phi <= phiHi
		} else {
			ok = ok && p.Phi == 1
		}
		if m.hasSeason() {
			sum := 0.0
			for _, s := range p.Season {
				sum += s
			}
			ok = ok && p.Gamma > 0 && p.Gamma < 1-p.Alpha && len(p.Season) == 12 && near(sum, 0, 1e-9)
		}
		if !ok {
			t.Errorf("%s: parameters out of bounds: %+v", m, p)
		}
	}
}

func TestFitRejects(t *testing.T) {
	if _, err := Fit([]float64{1, 2, 3}, Holt, 0, nil); err == nil {
		t.Error("Holt on 3 values: want an error")
	}
	if _, err := Fit(make([]float64, 23), HoltWinters, 12, nil); err == nil {
		t.Error("Holt-Winters on 23 monthly values (< 2 seasons): want an error")
	}
	if _, err := Fit([]float64{1, 2, math.NaN(), 4, 5, 6, 7, 8}, SES, 0, nil); err == nil {
		t.Error("NaN value: want an error")
	}
	if _, err := Fit(make([]float64, 10), "arima", 0, nil); err == nil {
		t.Error("unknown model: want an error")
	}
}

// A series steady for over two years that then falls for eight months
// running (the demo's visits to children in care, seed 1) must be forecast
// to go on falling: refitting at each origin finds a trend model; fitting
// once, on the steady stretch, judges every model worse than naive.
func TestForecastAfterAChangeOfCourse(t *testing.T) {
	v := []float64{0.964, 0.973, 0.967, 0.961, 0.961, 0.963, 0.964, 0.966, 0.973, 0.974, 0.966, 0.976,
		0.978, 0.968, 0.968, 0.973, 0.976, 0.978, 0.981, 0.961, 0.968, 0.971, 0.974, 0.970,
		0.970, 0.964, 0.969, 0.981, 0.963, 0.950, 0.934, 0.922, 0.914, 0.902, 0.890, 0.880}
	r := Forecast(v, Options{Season: 12, Horizon: 3})
	if r.Model != Holt && r.Model != Damped {
		t.Fatalf("got %s (%q), want a trend model", r.Model, r.Reason)
	}
	if p := r.Points; p[0].Value >= 0.88 || p[2].Value >= p[0].Value || p[2].Value > 0.865 {
		t.Errorf("forecast %.3f, %.3f, %.3f: want it to go on falling below 0.88", p[0].Value, p[1].Value, p[2].Value)
	}
	if once := Forecast(v, Options{Season: 12, Horizon: 3, FitOnce: true}); once.Model != Naive {
		t.Errorf("fitted once: %s; the steady stretch's parameters were expected to lose to naive", once.Model)
	}
}

func candidate(r Result, m Method) Candidate {
	for _, c := range r.Candidates {
		if c.Model == m {
			return c
		}
	}
	return Candidate{}
}

func TestForecastSelection(t *testing.T) {
	trend := make([]float64, 36)
	for i := range trend {
		trend[i] = 0.60 + 0.005*float64(i) + 0.004*noise(i)
	}
	seasonal := make([]float64, 60)
	for i := range seasonal {
		seasonal[i] = 400 + 30*math.Sin(2*math.Pi*float64(i)/12) + 3*noise(i)
	}
	step := []float64{5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}
	tests := []struct {
		name       string
		values     []float64
		opt        Options
		model      Method
		reason     string // must be contained in Reason
		candidates int
	}{
		{"short", []float64{3, 4, 2, 5, 3, 4}, Options{}, Naive, "too few points (6) for a model: naive forecast", 0},
		{"empty", nil, Options{}, Naive, "no values to forecast from", 0},
		{"constant", []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, Options{}, Naive, "no model beat the naive forecast from the last 4 origins, 1 to 6 steps ahead", 3},
		{"step", step, Options{}, Naive, "no model beat the naive forecast from the last 6 origins, 1 to 6 steps ahead", 3},
		{"trend", trend, Options{Season: 12}, Holt, "lowest recency-weighted MAE from the last 12 origins, 1 to 6 steps ahead (holt", 4},
		{"trend without season", trend, Options{}, Holt, "lowest recency-weighted MAE from the last 12 origins, 1 to 6 steps ahead (holt", 3},
		{"seasonal", seasonal, Options{Season: 12}, HoltWinters, "lowest recency-weighted MAE from the last 12 origins, 1 to 6 steps ahead (holt_winters", 4},
		{"restricted", trend, Options{Models: []Method{Damped}}, Damped, "lowest recency-weighted MAE from the last 12 origins, 1 to 6 steps ahead (damped", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Forecast(tc.values, tc.opt)
			if r.Model != tc.model || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %s (%q), want %s containing %q", r.Model, r.Reason, tc.model, tc.reason)
			}
			if len(r.Candidates) != tc.candidates {
				t.Errorf("%d candidates, want %d: %+v", len(r.Candidates), tc.candidates, r.Candidates)
			}
			if len(tc.values) > 0 && len(r.Points) != DefaultHorizon {
				t.Errorf("%d points, want %d", len(r.Points), DefaultHorizon)
			}
		})
	}
}

func TestForecastNaive(t *testing.T) {
	// Random walk: last value, variance h·σ² with σ² the mean squared change.
	r := Forecast([]float64{10, 12, 11, 13}, Options{Horizon: 2})
	sigma2 := (4.0 + 1 + 4) / 3
	for _, p := range r.Points {
		sd := math.Sqrt(float64(p.H) * sigma2)
		if p.Value != 13 || !near(p.SD, sd, 1e-12) || !near(p.Hi80, 13+z80*sd, 1e-12) || !near(p.Lo95, 13-z95*sd, 1e-12) {
			t.Errorf("h=%d: %+v, want 13 ± SD %g", p.H, p, sd)
		}
	}
	// A constant series: flat forecast, zero-width intervals.
	r = Forecast([]float64{4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, Options{})
	for _, p := range r.Points {
		if p.Value != 4 || p.SD != 0 || p.Lo95 != 4 || p.Hi95 != 4 {
			t.Errorf("constant series: %+v, want 4 with zero width", p)
		}
	}
	// One value: a forecast, but no spread to give intervals.
	r = Forecast([]float64{4}, Options{Horizon: 1})
	if r.Points[0].Value != 4 || !math.IsNaN(r.Points[0].SD) {
		t.Errorf("one value: %+v, want 4 with NaN SD", r.Points[0])
	}
}

func TestForecastMissing(t *testing.T) {
	nan := math.NaN()
	base := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	// A gap: only the run after it is used.
	withGap := append([]float64{50, 60, nan}, base...)
	r := Forecast(withGap, Options{})
	if r.Used != len(base) || !strings.Contains(r.Reason, "after the missing value at position 2") {
		t.Errorf("gap: used %d (%q), want %d", r.Used, r.Reason, len(base))
	}
	// Trailing gaps: points still count from the end of the slice.
	trailing := append(append([]float64(nil), base...), nan, nan)
	r = Forecast(trailing, Options{Horizon: 3})
	full := Forecast(base, Options{Horizon: 5})
	if r.Model != full.Model || !strings.Contains(r.Reason, "the last 2 values are missing") {
		t.Fatalf("trailing: %s (%q), want %s", r.Model, r.Reason, full.Model)
	}
	for i, p := range r.Points {
		q := full.Points[i+2]
		if p.H != i+1 || !near(p.Value, q.Value, 1e-9) || !near(p.SD, q.SD, 1e-9) {
			t.Errorf("trailing h=%d: %+v, want the h=%d forecast of the run %+v", p.H, p, q.H, q)
		}
	}
}

func ptr(v float64) *float64 { return &v }

func TestBreach(t *testing.T) {
	// Hand-computed: P(Y < b) = Φ((b − mean)/SD); scipy.stats.norm.cdf
	// gives Φ(−1) = 0.15865525393145707, Φ(−1/6) = 0.43381616738909634,
	// Φ(3/7) = 0.6658824291023753, Φ(−2) = 0.022750131948179195,
	// Φ(2/7) = 0.6124515189020077.
	r := Result{Points: []Point{
		{H: 1, Value: 0.70, SD: 0.05},
		{H: 2, Value: 0.66, SD: 0.06},
		{H: 3, Value: 0.62, SD: 0.07},
	}}
	p, err := Breach(r, vs.HigherIsBetter, ptr(0.65), ptr(0.60))
	if err != nil {
		t.Fatal(err)
	}
	wantAmber := []float64{0.15865525393145707, 0.43381616738909634, 0.6658824291023753}
	for i, w := range wantAmber {
		if !near(p.Amber.Prob[i], w, 1e-12) {
			t.Errorf("amber h=%d: %.15g, want %.15g", i+1, p.Amber.Prob[i], w)
		}
	}
	if p.Amber.FirstH != 3 || !near(p.Amber.FirstProb, wantAmber[2], 1e-12) {
		t.Errorf("amber first breach h=%d p=%g, want h=3 p=%g", p.Amber.FirstH, p.Amber.FirstProb, wantAmber[2])
	}
	if !near(p.Red.Prob[0], 0.022750131948179195, 1e-12) || p.Red.FirstH != 0 {
		t.Errorf("red: %+v, want P(h=1)=0.02275 and no breach", p.Red)
	}

	// Lower is better: P(Y > b). A point equal to the bound is not worse.
	r = Result{Points: []Point{{H: 1, Value: 10, SD: 2}, {H: 2, Value: 12, SD: 3.5}, {H: 3, Value: 13, SD: 3.5}}}
	p, err = Breach(r, vs.LowerIsBetter, nil, ptr(12))
	if err != nil {
		t.Fatal(err)
	}
	if p.Amber != nil {
		t.Error("absent amber bound: want nil")
	}
	if !near(p.Red.Prob[0], 0.15865525393145707, 1e-12) || !near(p.Red.Prob[1], 0.5, 1e-12) ||
		!near(p.Red.Prob[2], 0.6124515189020077, 1e-12) {
		t.Errorf("red probs %v", p.Red.Prob)
	}
	if p.Red.FirstH != 3 {
		t.Errorf("red first breach h=%d, want 3 (h=2 equals the bound, which is not worse)", p.Red.FirstH)
	}

	// Zero spread: certainty.
	p, _ = Breach(Result{Points: []Point{{H: 1, Value: 5}}}, vs.LowerIsBetter, ptr(4), ptr(6))
	if p.Amber.Prob[0] != 1 || p.Amber.FirstH != 1 || p.Red.Prob[0] != 0 {
		t.Errorf("zero SD: %+v %+v", p.Amber, p.Red)
	}
	if _, err := Breach(r, vs.Neutral, ptr(1), nil); err == nil {
		t.Error("neutral polarity: want an error")
	}
}

func TestScore(t *testing.T) {
	recs := []Record{
		{Point: 10, Actual: 12, Lo80: 9, Hi80: 11, Lo95: 8, Hi95: 13, Scale: 2},
		{Point: 5, Actual: 4, Lo80: 4, Hi80: 6, Lo95: 3, Hi95: 7, Scale: 2},
		{Point: 1, Actual: math.NaN(), Lo80: 0, Hi80: 2, Lo95: 0, Hi95: 2, Scale: 2}, // not yet known
	}
	a := Score(recs)
	// MAE (2+1)/2; MAPE (2/12 + 1/4)/2·100; MASE (1 + 0.5)/2.
	if a.N != 2 || !near(a.MAE, 1.5, 1e-12) || !near(a.MAPE, 100*(2.0/12+0.25)/2, 1e-12) ||
		!near(a.MASE, 0.75, 1e-12) || a.Coverage80 != 0.5 || a.Coverage95 != 1 || len(a.Notes) != 0 {
		t.Errorf("%+v", a)
	}
	// A zero actual: MAPE undefined, said so; the rest still computed.
	recs = append(recs, Record{Point: 1, Actual: 0, Lo80: -1, Hi80: 2, Lo95: -2, Hi95: 3, Scale: 2})
	a = Score(recs)
	if !math.IsNaN(a.MAPE) || len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "MAPE undefined: 1 of 3 actuals are 0") {
		t.Errorf("zero actual: MAPE %g, notes %q", a.MAPE, a.Notes)
	}
	if !near(a.MAE, 4.0/3, 1e-12) || a.Coverage80 != 2.0/3 {
		t.Errorf("zero actual: %+v", a)
	}
	if a := Score(nil); a.N != 0 || !math.IsNaN(a.MAE) {
		t.Errorf("no records: %+v", a)
	}
}

func TestBacktest(t *testing.T) {
	y := make([]float64, 30)
	for i := range y {
		y[i] = 0.7 + 0.003*float64(i) + 0.01*noise(i)
	}
	const h, minLen = 3, 20
	recs := Backtest(y, h, minLen, Options{Season: 12})
	// Origins o = 20..29 (values used): min(3, 30−o) records each.
	if want := 8*3 + 2 + 1; len(recs) != want {
		t.Fatalf("%d records, want %d", len(recs), want)
	}
	first, last := recs[0], recs[len(recs)-1]
	if first.Origin != minLen-1 || first.H != 1 || first.Actual != y[minLen] {
		t.Errorf("first record %+v", first)
	}
	if last.Origin != 28 || last.H != 1 || last.Actual != y[29] {
		t.Errorf("last record %+v", last)
	}
	for _, r := range recs {
		if r.Actual != y[r.Origin+r.H] || !(r.Lo95 <= r.Lo80 && r.Lo80 <= r.Point && r.Point <= r.Hi80 && r.Hi80 <= r.Hi95) {
			t.Fatalf("record %+v inconsistent", r)
		}
	}
	a := Score(recs)
	if a.N != len(recs) || !(a.MAE > 0) || !(a.MASE > 0) {
		t.Errorf("score %+v", a)
	}
	byH := ScoreByHorizon(recs)
	if len(byH) != 3 || byH[1].N != 10 || byH[3].N != 8 {
		t.Errorf("by horizon: %d horizons, N(1)=%d N(3)=%d", len(byH), byH[1].N, byH[3].N)
	}
}

// BenchmarkForecast fits and selects a model for ten years of monthly data.
//
//	go test -run '^$' -bench BenchmarkForecast -benchmem ./assess/forecast/
func BenchmarkForecast(b *testing.B) {
	y := make([]float64, 120)
	for i := range y {
		y[i] = 0.65 + 0.001*float64(i) + 0.03*math.Sin(2*math.Pi*float64(i)/12) + 0.01*noise(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		Forecast(y, Options{Season: 12})
	}
}
