package forecast

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// A second, independent reference beside statsmodels (reference_test.go):
// R's forecast package. testdata/reference_r.json is written by
// scripts/forecast-reference.R with R 4.2.2 Patched (2022-11-10 r83330)
// (Debian r-base-core 4.2.2.20221110-2) and forecast 8.20 (Debian
// r-cran-forecast 8.20-1), running forecast::ets (model "ANN", "AAN" with
// damped = FALSE and TRUE, "AAA") and forecast.ets(h = 6, level =
// c(80, 95)) on the series of testdata/reference.json, both as R fits them
// and, via ets(use.initial.values = TRUE), with reference.json's fixed
// parameters and initial states; see the script's header for the command.
// Every figure below marked "R" comes from there.
//
// R's conventions, and how the tests convert them to this package's:
//
//   - Initial seasonal states: R's fit$initstate lists s1..sm with s1 the
//     state of the period just before the first observation and sm the one
//     the first observation uses; Params.Season is in time order, so it is
//     rev(s1..sm). R estimates m−1 of them and sets the last so that they
//     sum to zero (centred, as Fit reports them); NewModel takes them as
//     they are, so no centring is needed.
//   - σ²: R reports SSE/df with df = n−k, k = length(fit$par), the
//     smoothing parameters and the estimated initial states (l, b and m−1
//     seasonal states); ets' use.initial.values path (the fixed runs) uses
//     df = n−k−1. This package, like statsmodels, uses SSE/n.
//     forecast.ets builds its intervals from R's σ², so R's half-widths are
//     √(n/df) times ours: the tests rescale ours by that factor.
//   - Log-likelihood: R's fit$loglik is −n/2·log(SSE) for additive errors
//     (its C code's likelihood without the constant); ours is the Gaussian
//     −n/2·(log(2π·SSE/n) + 1), i.e. R's plus −n/2·(log(2π/n) + 1).
//
// Nothing in R's conventions prevents an exact comparison for any of the
// four models: with R's own parameters and initial states the recursions,
// point forecasts and (rescaled) class-1 variances are the same formulas.

// rReference is testdata/reference_r.json.
type rReference struct {
	Source          string
	RVersion        string `json:"r_version"`
	ForecastVersion string `json:"forecast_version"`
	Horizon         int
	Cases           []rCase
}

type rCase struct {
	Series   string
	Season   int
	Model    Method
	RMethod  string `json:"r_method"` // e.g. "ETS(A,Ad,N)"
	Values   []float64
	N, K     int      // observations; length(fit$par)
	ParNames []string `json:"par_names"`
	Fit      rRun     // ets(y, model = ...) as R fits it
	Fixed    rRun     // the model run with reference.json's fixed parameters and states
}

type rRun struct {
	Params struct {
		Alpha, Beta, Gamma, Phi float64 // absent (0) where the model has none
	}
	Init struct {
		L, B float64
		S    []float64 // R's s1..sm: s1 = s[0], sm = s[1−m] (used by the first observation)
	}
	Fitted                       []float64 // fitted(fit): one-step forecasts ŷ[t]
	SSE                          float64   // sum(residuals(fit)^2)
	Sigma2                       float64   // fit$sigma2 = SSE/DF
	DF                           int       // N−K for a fit, N−K−1 for a fixed run
	Loglik                       float64   // fit$loglik = −N/2·log(SSE)
	Mean, Lo80, Hi80, Lo95, Hi95 []float64 // forecast(fit, h = 6, level = c(80, 95))
	// Long is forecast(fit, h = 2m + 1, ...) for holt_winters, nil
	// otherwise: h = 6 < m never reaches the seasonal term of the variance.
	Long *rForecast
}

type rForecast struct {
	H                            int
	Mean, Lo80, Hi80, Lo95, Hi95 []float64
}

func loadRReference(t testing.TB) rReference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference_r.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref rReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 || ref.Horizon == 0 {
		t.Fatal("reference_r.json holds no cases")
	}
	return ref
}

// params converts R's parameters and initial states to ours.
func (r rRun) params() Params {
	p := Params{
		Alpha: r.Params.Alpha, Beta: r.Params.Beta, Gamma: r.Params.Gamma, Phi: r.Params.Phi,
		Level: r.Init.L, Trend: r.Init.B,
	}
	p.Season = slices.Clone(r.Init.S)
	slices.Reverse(p.Season) // R lists s[0] first; Season[0] is s[1−m]
	return p
}

// wantK is the number of parameters R estimates for the model: the
// smoothing parameters, l, b and m−1 seasonal states.
func wantK(method Method, m int) int {
	switch method {
	case SES:
		return 2
	case Holt:
		return 4
	case Damped:
		return 5
	case HoltWinters:
		return 3 + 2 + m - 1
	}
	return 0
}

func relDiff(a, b, scale float64) float64 { return math.Abs(a-b) / scale }

// TestReferenceRSameParams runs each model with R's parameters and initial
// states, both R's fitted ones ("fit") and the fixed ones of reference.json
// ("fixed", which keep α, β, γ, φ away from the bounds R's fits often stop
// at, where the variance formula hardly depends on them), and checks,
// against R:
//
//   - the one-step fitted values ŷ[t] (ours: NewModel on values[:t],
//     Forecast(1); ŷ[0] from the initial states), to 1e-9 of max|y|;
//   - the SSE, σ²·n/df against R's σ² (df = n−k for a fit, n−k−1 for a
//     fixed run), and the log-likelihood (after adding the constant R leaves
//     out), to 1e-9 relative;
//   - the point forecasts for h = 1..6, to 1e-6 relative;
//   - the 80% and 95% bounds for h = 1..6, with our half-widths rescaled by
//     √(n/df), to 1e-6 relative;
//   - for holt_winters, both also for h = 1..2m+1 (m = 12): up to h = m the
//     variance has no γ term, so h = 6 alone would not test it (nor does
//     reference_test.go, whose horizon is 6).
//
// Why these tolerances: R's parameters and states are stored with 17
// significant digits, so both sides evaluate the same formulas on the same
// numbers and differ only by floating-point rounding in a different order
// (R's C code vs ours), ~1e-14 relative as measured; the 1e-9 and 1e-6 bounds
// leave room for other platforms (e.g. fused multiply-add) and match
// reference_test.go, while a real difference of convention (seasonal order
// reversed or off by one, a wrong variance term, the wrong σ² denominator, a
// different normal quantile) moves the figures by 1e-5 relative or more.
// Mutations tried when written, each failing this test: not reversing R's
// seasonal states (both holt_winters runs); a seasonal forecast index off by
// one (both); no γ term in the variance (the fixed holt_winters run, at
// h > 12; R's fitted γ is 1e-4); c_j = α + β·φ·φ_j instead of α + β·φ_j (2
// of 5 damped "fit" runs, all 5 "fixed" ones: hence the fixed runs); 1.96
// for the 95% quantile (29 runs); no √(n/df) rescaling (32 runs, all).
// Each run also checks that its bounds do NOT match R's without the
// √(n/df) rescaling, so the σ² convention is known to be what it says.
//
// Measured when written (max relative difference per model over its runs;
// the test logs them): fitted values ≤ 4.3e-15, SSE/σ²/log-likelihood
// ≤ 1.1e-14, points ≤ 6.6e-15, rescaled bounds ≤ 7e-15, holt the largest
// (ses ≤ 5.3e-16; damped ≤ 1.1e-14; holt_winters ≤ 2.7e-15). Without the
// rescaling the half-widths differ by √(n/df) − 1: from 2.6% (ses on 40
// values) to 38% (the fixed holt_winters run, n = 36, df = 19).
func TestReferenceRSameParams(t *testing.T) {
	ref := loadRReference(t)
	if ref.Horizon != 6 {
		t.Fatalf("horizon %d, want 6", ref.Horizon)
	}
	// The series must be those of the statsmodels reference.
	sm := map[string][]float64{}
	for _, c := range loadReference(t).Cases {
		sm[c.Series] = c.Values
	}
	worst := map[Method]*rWorst{}
	defer func() {
		for _, m := range Methods() {
			if w := worst[m]; w != nil {
				t.Logf("%-12s max rel. diff from R: fitted %.2g, SSE/σ²/loglik %.2g, points %.2g, bounds (rescaled) %.2g",
					m, w.fitted, w.sse, w.points, w.bounds)
			}
		}
	}()
	for _, c := range ref.Cases {
		w := worst[c.Model]
		if w == nil {
			w = &rWorst{}
			worst[c.Model] = w
		}
		for _, run := range []struct {
			name string
			r    rRun
			df   int
		}{{"fit", c.Fit, c.N - c.K}, {"fixed", c.Fixed, c.N - c.K - 1}} {
			t.Run(c.Series+"/"+string(c.Model)+"/"+run.name, func(t *testing.T) {
				if !slices.Equal(c.Values, sm[c.Series]) {
					t.Fatalf("values differ from reference.json's %q", c.Series)
				}
				n := len(c.Values)
				if c.N != n || c.K != len(c.ParNames) || c.K != wantK(c.Model, c.Season) || run.r.DF != run.df {
					t.Fatalf("n %d (have %d values), k %d %v (want %d), df %d (want %d)",
						c.N, n, c.K, c.ParNames, wantK(c.Model, c.Season), run.r.DF, run.df)
				}
				checkRRun(t, c, run.r, ref.Horizon, w)
			})
		}
	}
}

type rWorst struct{ fitted, sse, points, bounds float64 }

// checkRRun compares NewModel with R's parameters and states with R's run.
func checkRRun(t *testing.T, c rCase, r rRun, horizon int, w *rWorst) {
	n := len(c.Values)
	if len(r.Fitted) != n || len(r.Mean) != horizon {
		t.Fatalf("%d fitted values, %d forecasts", len(r.Fitted), len(r.Mean))
	}
	p := r.params()
	md, err := NewModel(c.Model, c.Season, p, c.Values)
	if err != nil {
		t.Fatal(err)
	}
	scale := 0.0
	for _, v := range c.Values {
		scale = max(scale, math.Abs(v))
	}

	// One-step fitted values.
	phi := 1.0
	if c.Model == Damped {
		phi = p.Phi
	}
	for i := range n {
		var yhat float64
		if i == 0 {
			yhat = p.Level + phi*p.Trend
			if c.Model == HoltWinters {
				yhat += p.Season[0]
			}
		} else {
			mi, err := NewModel(c.Model, c.Season, p, c.Values[:i])
			if err != nil {
				t.Fatal(err)
			}
			yhat = mi.Forecast(1)[0].Value
		}
		d := relDiff(yhat, r.Fitted[i], scale)
		w.fitted = max(w.fitted, d)
		if d > 1e-9 {
			t.Errorf("fitted value %d: %.12g, R %.12g", i, yhat, r.Fitted[i])
		}
	}

	// SSE, σ² and log-likelihood.
	df := float64(n) / float64(r.DF) // R's σ² over ours
	llConst := -float64(n) / 2 * (math.Log(2*math.Pi/float64(n)) + 1)
	for _, q := range []struct {
		what     string
		got, Rv  float64
		relScale float64
	}{
		{"SSE", md.SSE, r.SSE, r.SSE},
		{"σ²·n/df", md.Sigma2 * df, r.Sigma2, r.Sigma2},
		{"log-likelihood", md.LogLik, r.Loglik + llConst, 1 + math.Abs(r.Loglik+llConst)},
	} {
		d := relDiff(q.got, q.Rv, q.relScale)
		w.sse = max(w.sse, d)
		if d > 1e-9 {
			t.Errorf("%s %.12g, R %.12g", q.what, q.got, q.Rv)
		}
	}

	// Forecasts: points, and bounds with our σ rescaled to R's.
	rs := math.Sqrt(df)
	fcs := []rForecast{{H: horizon, Mean: r.Mean, Lo80: r.Lo80, Hi80: r.Hi80, Lo95: r.Lo95, Hi95: r.Hi95}}
	if c.Model == HoltWinters {
		if r.Long == nil || r.Long.H != 2*c.Season+1 || len(r.Long.Mean) != r.Long.H {
			t.Fatalf("no forecasts to h = 2m+1 = %d", 2*c.Season+1)
		}
		fcs = append(fcs, *r.Long)
	}
	for _, fc := range fcs {
		if len(fc.Mean) != fc.H || len(fc.Lo80) != fc.H || len(fc.Hi95) != fc.H {
			t.Fatalf("%d forecasts for h = %d", len(fc.Mean), fc.H)
		}
		unscaledOK := true
		for i, pt := range md.Forecast(fc.H) {
			d := relDiff(pt.Value, fc.Mean[i], max(math.Abs(fc.Mean[i]), 1e-3*scale))
			w.points = max(w.points, d)
			if d > 1e-6 {
				t.Errorf("h=%d: point %.12g, R %.12g", i+1, pt.Value, fc.Mean[i])
			}
			for _, b := range []struct {
				what         string
				got, unscale float64
				Rv           float64
			}{
				{"lo80", pt.Value - rs*z80*pt.SD, pt.Lo80, fc.Lo80[i]},
				{"hi80", pt.Value + rs*z80*pt.SD, pt.Hi80, fc.Hi80[i]},
				{"lo95", pt.Value - rs*z95*pt.SD, pt.Lo95, fc.Lo95[i]},
				{"hi95", pt.Value + rs*z95*pt.SD, pt.Hi95, fc.Hi95[i]},
			} {
				bscale := max(math.Abs(b.Rv), 1e-3*scale)
				d := relDiff(b.got, b.Rv, bscale)
				w.bounds = max(w.bounds, d)
				if d > 1e-6 {
					t.Errorf("h=%d: %s %.12g (rescaled), R %.12g", i+1, b.what, b.got, b.Rv)
				}
				if relDiff(b.unscale, b.Rv, bscale) > 1e-6 {
					unscaledOK = false
				}
			}
		}
		if unscaledOK {
			t.Errorf("h ≤ %d: bounds match R without the √(n/df) = %.4g rescaling: the σ² convention is not what the test assumes", fc.H, rs)
		}
	}
}

// TestReferenceRFit fits each model with our own optimiser and compares the
// SSE with R's fit (same data; R's ets optimises the smoothing parameters
// and initial states jointly by Nelder-Mead from a heuristic start, within
// the "usual" and admissible regions, bounds = "both"). Ours must be no more
// than 0.5% above R's; it may be below, where R stops short.
//
// Measured when written, (ours − R)/R: ses −3.2e-7 to −8.7e-9 (the same
// optimum); holt −13% to −2.9e-4; damped −15% to −0.11%; holt_winters
// −12.5%. Ours is never above R's. Most of the gap is R's optimiser: with
// R's own α, β, γ, φ and the least-squares initial states our fitter uses,
// the SSE already falls by 12–13% on the seasonal series (R's l, b and s
// are far from optimal there), and R's smoothing parameters are themselves
// short of the optimum elsewhere (trend/damped −7.6%, dfe_rereferral/holt
// −9.6%).
//
// One difference of region, not of optimiser: our fitter bounds β to
// (1e-4·α, (1−1e-4)·α) and γ to (1e-4·(1−α), (1−1e-4)·(1−α)) (statsmodels'
// β* = β/α reparameterisation), whereas R's ets imposes 1e-4 ≤ β ≤ α and
// 1e-4 ≤ γ ≤ 1 − α. So our fitted β is below R's lower bound in 10 of the
// 11 cases with a trend: 1e-8 (α at 1e-4, β* at 1e-4) in 8, 9.999e-5 in 2
// (and γ 9.999e-5 for holt_winters). Refitting inside R's region instead
// (a one-off experiment on a copy of fit.go mapping β to [1e-4, α] and γ to
// [1e-4, 1−α]) raised our SSE by at most 0.09% (seasonal/holt_winters,
// trend/holt), still below R's everywhere, so the comparison above stands;
// the test logs such parameters.
func TestReferenceRFit(t *testing.T) {
	ref := loadRReference(t)
	worst := map[Method][2]float64{} // min and max of (ours − R)/R
	defer func() {
		for _, m := range Methods() {
			if w, ok := worst[m]; ok {
				t.Logf("%-12s SSE (ours − R)/R from %+.2g to %+.2g", m, w[0], w[1])
			}
		}
	}()
	for _, c := range ref.Cases {
		t.Run(c.Series+"/"+string(c.Model), func(t *testing.T) {
			md, err := Fit(c.Values, c.Model, c.Season, nil)
			if err != nil {
				t.Fatal(err)
			}
			rel := (md.SSE - c.Fit.SSE) / c.Fit.SSE
			w, ok := worst[c.Model]
			if !ok {
				w = [2]float64{rel, rel}
			}
			worst[c.Model] = [2]float64{min(w[0], rel), max(w[1], rel)}
			t.Logf("SSE %.8g, R %.8g (%+.3g); ours α %.4g β %.4g γ %.4g φ %.4g, R's α %.4g β %.4g γ %.4g φ %.4g",
				md.SSE, c.Fit.SSE, rel, md.Params.Alpha, md.Params.Beta, md.Params.Gamma, md.Params.Phi,
				c.Fit.Params.Alpha, c.Fit.Params.Beta, c.Fit.Params.Gamma, c.Fit.Params.Phi)
			if p := md.Params; (c.Model.hasTrend() && (p.Beta < paramLo || p.Beta > p.Alpha)) ||
				(c.Model.hasSeason() && (p.Gamma < paramLo || p.Gamma > 1-p.Alpha)) {
				t.Logf("outside R's usual region (1e-4 ≤ β ≤ α, 1e-4 ≤ γ ≤ 1−α): β %.3g, γ %.3g, α %.4g", p.Beta, p.Gamma, p.Alpha)
			}
			if rel > 0.005 {
				t.Errorf("SSE %.8g is %.2f%% above R's %.8g", md.SSE, 100*rel, c.Fit.SSE)
			}
		})
	}
}
