#!/usr/bin/python3
"""Reference SSEs for the Go forecasting engine's fits (assess/forecast).

Writes assess/forecast/testdata/fit_reference.json: for many series, the
in-sample SSE (and parameters) that statsmodels' ETSModel reaches when it
fits each of the engine's models with its defaults (L-BFGS-B over the
smoothing parameters and the initial states jointly; 0.8 <= phi <= 0.98):

  ses           ETSModel(y, error="add")
  holt          ETSModel(y, error="add", trend="add")
  damped        ETSModel(y, error="add", trend="add", damped_trend=True)
  holt_winters  ETSModel(y, error="add", trend="add", seasonal="add",
                         seasonal_periods=m)   (only with two full seasons)

each .fit(disp=False, maxiter=5000). fit.go claims its own fit (Nelder-Mead
over the smoothing parameters, initial states by exact least squares) never
ends above the SSE statsmodels reaches; TestFitNeverWorseThanStatsmodels
(fit_reference_test.go) holds it to that on every case here.

The series:

  demo/...       every series of the demo data (seed 1, as of 2026-12-08:
                 `vitalsigns serve --demo` on that day) as the engine
                 forecasts it, i.e. the last run of finite values assess
                 hands to forecast.Forecast, printed by
                 `go run scripts/demo-series.go` (which this script runs;
                 Go must be on PATH). Constant series are left out (every
                 fit has SSE 0). Monthly series get m = 12 for holt_winters.
                 The values are stored here, so the Go test never needs the
                 demo generator to stay the same.
  generated/...  series of the shapes the engine meets, from formulas and
                 numpy's legacy RandomState with fixed seeds (one per
                 shape), rounded to 6 significant figures: simulated damped
                 and undamped trends and local levels, noise about a
                 constant, a straight line, small weekly counts, percentages
                 with small denominators, steps, rises and falls, seasonal
                 cycles, AR(1) noise, growth and decay; 8 to 160 values.

Run with Debian's python (python3-statsmodels 0.13.5+dfsg-7, python3-numpy
1:1.24.2-1+deb12u1, python3-scipy 1.10.1-2 and python3-pandas 1.5.3+dfsg-2
on Debian 12) from the module root:

    apt-get install -y --no-install-recommends python3-statsmodels
    /usr/bin/python3 scripts/forecast-fit-reference.py

It takes about a minute and is deterministic: the demo data are a pure
function of seed and date, the generated series of their seeds, and
statsmodels' L-BFGS-B starts from its own fixed heuristic values.
"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

warnings.simplefilter("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assess", "forecast", "testdata", "fit_reference.json")
DEMO_SEED = 1
DEMO_DATE = "2026-12-08"

MODELS = {
    "ses": dict(trend=None),
    "holt": dict(trend="add"),
    "damped": dict(trend="add", damped_trend=True),
    "holt_winters": dict(trend="add", seasonal="add"),
}


def min_fit_points(model, m):
    """forecast.MinFitPoints."""
    return {"ses": 5, "holt": 7, "damped": 8}.get(model) or max(2 * m, m + 7)


def demo_series():
    out = subprocess.run(
        ["go", "run", "scripts/demo-series.go", "-seed", str(DEMO_SEED), "-now", DEMO_DATE],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    cases = []
    for s in json.loads(out):
        y = s["values"]
        if len(y) < min_fit_points("damped", 0) or len(set(y)) == 1:
            continue
        m = 12 if s["frequency"] == "monthly" else 0
        cases.append(("demo/%s/%s" % (s["indicator"], s["team"]), y, m))
    return cases


def sig6(y):
    return [float("%.6g" % v) for v in y]


def ets_sim(rs, n, alpha, beta, phi, level, trend, sigma):
    """An AAdN path (phi = 1: AAN; beta = 0, trend = 0: ANN)."""
    y = np.empty(n)
    for t in range(n):
        e = sigma * rs.standard_normal()
        y[t] = level + phi * trend + e
        level, trend = level + phi * trend + alpha * e, phi * trend + beta * e
    return y


LENGTHS = [8, 10, 12, 16, 20, 24, 30, 36, 48, 60, 84, 120, 157]


def generated_series():
    cases = []

    def add(kind, i, y, m=0):
        cases.append(("generated/%s/%02d" % (kind, i), sig6(y), m))

    rs = np.random.RandomState(101)
    for i in range(40):
        n = LENGTHS[i % len(LENGTHS)]
        a = rs.uniform(0.02, 0.95)
        add("damped_trend", i, ets_sim(rs, n, a, a * rs.uniform(0.01, 0.9), rs.uniform(0.8, 1.0),
                                       rs.uniform(-50, 200), rs.uniform(-3, 3), rs.uniform(0.1, 5)))
    rs = np.random.RandomState(102)
    for i in range(25):
        n = LENGTHS[(i + 3) % len(LENGTHS)]
        a = rs.uniform(0.02, 0.95)
        add("holt", i, ets_sim(rs, n, a, a * rs.uniform(0.01, 0.5), 1.0,
                               rs.uniform(0, 100), rs.uniform(-1, 1), rs.uniform(0.1, 3)))
    rs = np.random.RandomState(103)
    for i in range(25):
        n = LENGTHS[(i + 5) % len(LENGTHS)]
        add("local_level", i, ets_sim(rs, n, rs.uniform(0.01, 1.0), 0, 1.0,
                                      rs.uniform(0, 1), 0, rs.uniform(0.005, 0.05)))
    rs = np.random.RandomState(104)
    for i in range(25):
        n = LENGTHS[(i + 7) % len(LENGTHS)]
        add("noise", i, rs.uniform(0.2, 0.9) + rs.uniform(0.005, 0.05) * rs.standard_normal(n))
    rs = np.random.RandomState(105)
    for i in range(25):
        n = LENGTHS[(i + 2) % len(LENGTHS)]
        t = np.arange(n)
        add("line", i, rs.uniform(10, 30) + rs.uniform(-0.3, 0.3) * t + rs.uniform(0.2, 2) * rs.standard_normal(n))
    rs = np.random.RandomState(106)
    for i in range(25):
        n = [52, 104, 157, 157][i % 4]
        t = np.arange(n)
        lam = rs.uniform(1.5, 6) * (1 + rs.uniform(0, 1.5) * np.exp(-0.5 * ((t - rs.uniform(0.3, 0.8) * n) / (0.15 * n)) ** 2))
        add("counts", i, rs.poisson(lam).astype(float))
    rs = np.random.RandomState(107)
    for i in range(25):
        n = [24, 36, 36, 48][i % 4]
        t = np.arange(n)
        den = rs.randint(12, 100, size=n)
        p = np.clip(rs.uniform(0.3, 0.9) + rs.uniform(-0.004, 0.004) * t, 0.02, 0.98)
        add("percent", i, rs.binomial(den, p) / den, 12 if i % 2 == 0 else 0)
    rs = np.random.RandomState(108)
    for i in range(20):
        n = LENGTHS[(i + 4) % len(LENGTHS)]
        k = rs.randint(n // 4, 3 * n // 4 + 1)
        y = rs.uniform(20, 40) + rs.uniform(1, 3) * rs.standard_normal(n)
        y[k:] += rs.choice([-1, 1]) * rs.uniform(3, 12)
        add("step", i, y)
    rs = np.random.RandomState(109)
    for i in range(20):
        n = LENGTHS[(i + 6) % len(LENGTHS)]
        t = np.arange(n) / n
        add("rise_fall", i, rs.uniform(20, 40) + rs.uniform(10, 40) * np.sin(np.pi * t) ** 2
            + rs.uniform(0.3, 2) * rs.standard_normal(n))
    rs = np.random.RandomState(110)
    for i in range(20):
        m = 12 if i % 2 == 0 else 4
        n = [24, 36, 48, 60][i % 4] if m == 12 else [12, 16, 20, 40][i % 4]
        t = np.arange(n)
        add("seasonal", i, 100 + rs.uniform(-0.5, 0.5) * t + rs.uniform(2, 10) * np.sin(2 * np.pi * t / m + rs.uniform(0, 6))
            + rs.uniform(0.5, 3) * rs.standard_normal(n), m)
    rs = np.random.RandomState(111)
    for i in range(20):
        n = LENGTHS[(i + 1) % len(LENGTHS)]
        e = np.empty(n)
        e[0] = rs.standard_normal()
        phi = rs.uniform(0.3, 0.95)
        for t in range(1, n):
            e[t] = phi * e[t - 1] + rs.standard_normal()
        add("ar1", i, 50 + rs.uniform(0.5, 3) * e)
    rs = np.random.RandomState(112)
    for i in range(20):
        n = LENGTHS[(i + 8) % len(LENGTHS)]
        t = np.arange(n)
        rate = rs.choice([-1, 1]) * rs.uniform(0.005, 0.04)
        add("growth", i, 100 * np.exp(rate * t) * (1 + rs.uniform(0.005, 0.03) * rs.standard_normal(n)))
    return cases


def fit(name, y, m):
    kw = dict(MODELS[name])
    if kw.get("seasonal"):
        kw["seasonal_periods"] = m
    mod = ETSModel(np.asarray(y, dtype=float), error="add", **kw)
    res = mod.fit(disp=False, maxiter=5000)
    p = dict(zip(mod.param_names, (float(v) for v in res.params)))
    out = {"sse": float(res.sse), "alpha": p["smoothing_level"]}
    if "smoothing_trend" in p:
        out["beta"] = p["smoothing_trend"]
    if "smoothing_seasonal" in p:
        out["gamma"] = p["smoothing_seasonal"]
    if "damping_trend" in p:
        out["phi"] = p["damping_trend"]
    return out


def main():
    cases = []
    for series, y, m in demo_series() + generated_series():
        fits = {}
        for name in MODELS:
            if name == "holt_winters" and (m == 0 or len(y) < min_fit_points(name, m)):
                continue
            if len(y) < min_fit_points(name, m):
                continue
            fits[name] = fit(name, y, m)
        cases.append({"series": series, "season": m, "values": y, "fits": fits})
    doc = {
        "source": "statsmodels %s ETSModel (Debian python3-statsmodels 0.13.5+dfsg-7), "
                  "fit(disp=False, maxiter=5000); generated by scripts/forecast-fit-reference.py "
                  "(demo seed %d as of %s)" % (statsmodels.__version__, DEMO_SEED, DEMO_DATE),
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        # One case a line: small, and a diff shows which cases changed.
        f.write('{"source": %s,\n "cases": [\n' % json.dumps(doc["source"]))
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")
    print("wrote %s: %d series, %d fits" % (OUT, len(cases), sum(len(c["fits"]) for c in cases)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
