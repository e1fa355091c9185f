// Package forecast projects an indicator's series forward: where each
// indicator is heading, with 80% and 95% prediction intervals, and whether it
// will cross its amber or red threshold before the next committee.
//
// It implements the additive-error exponential smoothing (ETS) models of
// Hyndman, Koehler, Ord & Snyder, "Forecasting with Exponential Smoothing:
// the State Space Approach" (Springer, 2008) — naive (random walk), simple
// exponential smoothing (ANN), Holt's linear trend (AAN), additive damped
// trend (AAdN) and additive Holt-Winters (AAA) — chooses one per series by
// rolling-origin out-of-sample error, and scores forecasts (MAE, MAPE, MASE,
// interval coverage), including a backtest over a series' own history.
//
// The recursions and the interval formulas are written here by hand because
// no well-kept Go library offers ETS; they follow the state-space equations
// of the book (and of statsmodels' ETSModel and R's forecast::ets, against
// which testdata/reference.json, made by scripts/forecast-reference.py,
// checks them). The numerical work that a library does well is left to it:
// gonum's optimize (Nelder-Mead from the best points of a grid, then BFGS)
// fits the smoothing parameters, gonum's lapack and mat solve the
// least-squares problem for the initial states (see Fit).
//
// Everything here is a pure function of its arguments: no I/O, no clocks, no
// randomness. The package may import only the standard library, gonum and
// the domain package github.com/vitalsigns/vitalsigns.
package forecast
