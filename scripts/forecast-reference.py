#!/usr/bin/python3
"""Reference figures for the Go forecasting engine (assess/forecast).

Writes assess/forecast/testdata/reference.json with statsmodels' ETSModel
figures for a few deterministic series, so the Go table tests can check the
hand-written ETS recursions and interval formulas against an established
implementation:

  fixed:  with FIXED smoothing parameters and initial states, ETSModel.smooth
          -> SSE of the one-step errors, point forecasts and 80%/95% interval
          bounds for h=1..6 (get_prediction, method "exact", i.e. the analytic
          variance of Hyndman, Koehler, Ord & Snyder 2008, sigma^2 = SSE/n).
          Go must agree to ~1e-6.
  fitted: with parameters FITTED by statsmodels (L-BFGS over the smoothing
          parameters and initial states, its defaults), the SSE, log-likelihood,
          parameters and forecasts. Go fits with its own optimiser, so it
          should reach an SSE no worse than statsmodels' (within a tolerance)
          and forecasts that are close, not identical.

Run with Debian's python (python3-statsmodels 0.13.5+dfsg-7 on Debian 12, with
python3-numpy and python3-pandas from the same release):

    apt-get install -y --no-install-recommends python3-statsmodels
    /usr/bin/python3 scripts/forecast-reference.py

from the module root. It is deterministic: the series are generated from fixed
formulas and numpy's legacy RandomState with fixed seeds; one real series, the
England re-referral rate 2013-2025, is read from
../shared/data/dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv
(DfE, Open Government Licence v3.0) and also copied into the JSON, so the Go
tests never read ../shared.

State conventions (statsmodels' own): initial_level is l[-1], the level before
the first observation; initial_seasonal.j is s[-1-j], so initial_seasonal.0
is the seasonal state of the period just before the first observation and
initial_seasonal.<m-1> the one the first observation uses. The JSON keeps that
order ("initial_seasonal" as statsmodels lists it); the Go test reverses it.
"""
import csv
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

warnings.simplefilter("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "assess", "forecast", "testdata", "reference.json")
DFE = os.path.join(
    ROOT, "..", "shared", "data", "dfe",
    "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
)
H = 6


def series():
    out = {}
    rs = np.random.RandomState(20261101)
    t = np.arange(30)
    # A trending monthly percentage (as a fraction): timeliness of assessments.
    out["trend"] = (0.62 + 0.004 * t + 0.012 * rs.standard_normal(30), 0)
    # A series whose growth tails off (damped trend): caseload per worker.
    rs = np.random.RandomState(7)
    t = np.arange(40)
    out["damped"] = (14 + 6 * (1 - 0.9 ** t) + 0.35 * rs.standard_normal(40), 0)
    # 36 months with a seasonal pattern (summer dip in referrals) and a trend.
    rs = np.random.RandomState(36)
    t = np.arange(36)
    out["seasonal"] = (
        420 + 1.5 * t + 35 * np.sin(2 * np.pi * t / 12) - 20 * np.cos(4 * np.pi * t / 12)
        + 8 * rs.standard_normal(36),
        12,
    )
    # A short erratic series.
    out["erratic"] = (np.array([31.0, 44, 29, 38, 52, 35, 41, 30, 47, 39]), 0)
    # A real one: England's re-referral rate (%), 2013-2025, annual.
    years = {}
    with open(DFE, newline="") as f:
        for row in csv.DictReader(f):
            if row["geographic_level"] == "National":
                years[int(row["time_period"])] = float(row["rereferral_percent"])
    out["dfe_rereferral"] = (np.array([years[y] for y in sorted(years)]), 0)
    return out


# The models of the Go package, as ETSModel arguments.
MODELS = {
    "ses": dict(trend=None),
    "holt": dict(trend="add"),
    "damped": dict(trend="add", damped_trend=True),
    "holt_winters": dict(trend="add", seasonal="add"),
}


def fixed_params(name, y, m):
    """Plausible fixed parameters and initial states (not fitted)."""
    p = {"smoothing_level": 0.35}
    if name != "ses":
        p["smoothing_trend"] = 0.08
    if name == "holt_winters":
        p["smoothing_seasonal"] = 0.15
    if name == "damped":
        p["damping_trend"] = 0.9
    p["initial_level"] = float(y[0])
    if name != "ses":
        p["initial_trend"] = float((y[min(len(y), 6) - 1] - y[0]) / (min(len(y), 6) - 1))
    if name == "holt_winters":
        season = [float(v) for v in (y[:m] - y[:m].mean())]
        # statsmodels order: s[-1], ..., s[-m]
        p["initial_seasonal"] = season[::-1]
    return p


def model_for(name, y, m):
    kw = dict(MODELS[name])
    if kw.get("seasonal"):
        kw["seasonal_periods"] = m
    # A pandas Series: statsmodels 0.13.5's get_prediction needs an index.
    return ETSModel(pd.Series(y), error="add", **kw)


def param_vector(mod, p):
    vec = []
    for nm in mod.param_names:
        if nm.startswith("initial_seasonal."):
            vec.append(p["initial_seasonal"][int(nm.split(".")[1])])
        else:
            vec.append(p[nm])
    return np.array(vec)


def forecasts(res, n):
    pred = res.get_prediction(start=n, end=n + H - 1)
    f80 = pred.summary_frame(alpha=0.2)
    f95 = pred.summary_frame(alpha=0.05)
    return {
        "mean": [float(v) for v in np.asarray(f80["mean"])],
        "lo80": [float(v) for v in np.asarray(f80["pi_lower"])],
        "hi80": [float(v) for v in np.asarray(f80["pi_upper"])],
        "lo95": [float(v) for v in np.asarray(f95["pi_lower"])],
        "hi95": [float(v) for v in np.asarray(f95["pi_upper"])],
    }


def params_dict(mod, res):
    out = {}
    seas = []
    for nm, v in zip(mod.param_names, np.asarray(res.params)):
        if nm.startswith("initial_seasonal."):
            seas.append(float(v))
        else:
            out[nm] = float(v)
    if seas:
        out["initial_seasonal"] = seas
    return out


def main():
    cases = []
    for sname, (y, m) in series().items():
        y = np.asarray(y, dtype=float)
        n = len(y)
        for name in MODELS:
            if name == "holt_winters" and m == 0:
                continue
            mod = model_for(name, y, m)
            p = fixed_params(name, y, m)
            res = mod.smooth(param_vector(mod, p))
            fixed = {"params": p, "sse": float(res.sse), "llf": float(res.llf)}
            fixed.update(forecasts(res, n))
            fres = mod.fit(disp=False, maxiter=5000)
            fitted = {
                "params": params_dict(mod, fres),
                "sse": float(fres.sse),
                "llf": float(fres.llf),
                "converged": bool(fres.mle_retvals.get("converged", True)),
            }
            fitted.update(forecasts(fres, n))
            cases.append({
                "series": sname,
                "season": m,
                "model": name,
                "values": [float(v) for v in y],
                "fixed": fixed,
                "fitted": fitted,
            })
    doc = {
        "source": "statsmodels %s ETSModel (Debian python3-statsmodels 0.13.5+dfsg-7), "
                  "generated by scripts/forecast-reference.py" % statsmodels.__version__,
        "horizon": H,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote %s: %d cases" % (OUT, len(cases)), file=sys.stderr)


if __name__ == "__main__":
    main()
