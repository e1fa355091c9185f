#!/usr/bin/Rscript
# Reference figures from R's forecast package for the Go forecasting engine
# (assess/forecast): a second, independent check beside statsmodels
# (scripts/forecast-reference.py -> testdata/reference.json).
#
# Writes assess/forecast/testdata/reference_r.json. For the same series as
# the Python script (their values are read from testdata/reference.json,
# which stores them, so both references see bit-identical inputs) it fits
# forecast::ets with
#
#   ses          model = "ANN"
#   holt         model = "AAN", damped = FALSE
#   damped       model = "AAN", damped = TRUE
#   holt_winters model = "AAA", damped = FALSE   (only with two full seasons)
#
# and all other arguments at their defaults (opt.crit = "lik", bounds =
# "both", nmse = 3), and records per case, under "fit": R's fitted
# parameters (alpha, beta, gamma, phi) and initial states (fit$initstate =
# fit$states[1, ]); the one-step fitted values and their SSE; sigma2 as R
# reports it and its denominator df; the log-likelihood; and forecast(fit,
# h = 6, level = c(80, 95)) (for "AAA" also to h = 2m + 1, under "long":
# the seasonal term of the variance first enters at h = m + 1). Under
# "fixed", the same for the model run with the Python script's fixed
# parameters and initial states (ets(y, model = <ets object>,
# use.initial.values = TRUE), which estimates nothing). Also the input
# values, n and k.
#
# Generated with R 4.2.2 Patched (2022-11-10 r83330) (Debian r-base-core
# 4.2.2.20221110-2) and forecast 8.20 (Debian r-cran-forecast 8.20-1), with
# jsonlite 1.8.4 (r-cran-jsonlite 1.8.4+dfsg-1) on Debian 12:
#
#     apt-get install -y r-cran-forecast
#     Rscript scripts/forecast-reference.R
#
# from the module root. It is deterministic (ets' optimiser, Nelder-Mead
# from a heuristic start, uses no random numbers).
#
# R's conventions, as recorded in the JSON (the Go test converts them):
#
#   * damped = TRUE must be given explicitly, and damped = FALSE too: with
#     damped = NULL, ets fits both and keeps the one with the lower AICc.
#   * init$s is fit$initstate's s1..sm in R's order: s1 is the seasonal state
#     of the period just before the first observation (s[0]) and sm = s[1-m]
#     is the one the first observation uses. R estimates m-1 of them and sets
#     the last so that they sum to zero. Go's Params.Season is in time order,
#     i.e. rev(s1..sm).
#   * sigma2 = SSE / df. For a fit df = n - k, where k = length(fit$par):
#     the smoothing parameters AND the estimated initial states (l, b, m-1
#     seasonal states); ets' use.initial.values path (the "fixed" runs) uses
#     df = n - k - 1. statsmodels and Go use SSE / n. forecast.ets's
#     intervals use R's sigma2, so their half-widths are sqrt(n / df) times
#     Go's.
#   * loglik = -0.5 * n * log(SSE) for additive errors (the C code's
#     likelihood without its constant); the Gaussian log-likelihood Go and
#     statsmodels report is loglik - n/2 * (log(2*pi/n) + 1).
#   * If n <= npars + 4 (npars = 2 + 2*trend + m*season + damped), ets does
#     not optimise but falls back to HoltWinters-style smoothing; the script
#     stops rather than record such a case (none of the series is that
#     short).
suppressMessages({
  library(forecast)
  library(jsonlite)
})

H <- 6

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
ROOT <- if (length(file_arg) == 1) {
  dirname(dirname(normalizePath(file_arg)))
} else {
  getwd()
}
IN <- file.path(ROOT, "assess", "forecast", "testdata", "reference.json")
OUT <- file.path(ROOT, "assess", "forecast", "testdata", "reference_r.json")

# Numbers are written with 17 significant digits (round-trip exact);
# jsonlite's own digits = NA keeps only 15.
num <- function(x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "null", sprintf("%.17g", x))
  structure(s, class = "json")
}
vec <- function(x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "null", sprintf("%.17g", x))
  structure(paste0("[", paste(s, collapse = ","), "]"), class = "json")
}

MODELS <- list(
  ses = list(model = "ANN", damped = FALSE, trend = FALSE, season = FALSE),
  holt = list(model = "AAN", damped = FALSE, trend = TRUE, season = FALSE),
  damped = list(model = "AAN", damped = TRUE, trend = TRUE, season = FALSE),
  holt_winters = list(model = "AAA", damped = FALSE, trend = TRUE, season = TRUE)
)

ref <- fromJSON(IN, simplifyVector = FALSE)
series <- list()
for (c in ref$cases) {
  if (is.null(series[[c$series]])) {
    series[[c$series]] <- list(values = as.numeric(unlist(c$values)), season = c$season)
  }
}

cases <- list()
for (sname in names(series)) {
  y0 <- series[[sname]]$values
  m <- series[[sname]]$season
  n <- length(y0)
  y <- if (m > 1) ts(y0, frequency = m) else ts(y0)
  for (name in names(MODELS)) {
    spec <- MODELS[[name]]
    if (spec$season && (m < 2 || n < 2 * m)) next
    npars <- 2L + 2L * spec$trend + m * spec$season + spec$damped
    if (n <= npars + 4L) stop(sprintf("%s/%s: too short for ets to optimise", sname, name))
    fit <- ets(y, model = spec$model, damped = spec$damped)
    want <- sprintf("ETS(A,%s,%s)", if (!spec$trend) "N" else if (spec$damped) "Ad" else "A",
                    if (spec$season) "A" else "N")
    if (fit$method != want) stop(sprintf("%s/%s: got %s, want %s", sname, name, fit$method, want))
    k <- length(fit$par)

    # The same model with FIXED parameters and initial states, those of
    # scripts/forecast-reference.py's fixed_params (alpha 0.35, beta 0.08,
    # gamma 0.15, phi 0.9, l = y[1], b = mean slope over the first six
    # values, seasonal states y[1:m] - mean(y[1:m])): R's fits put many
    # parameters on a bound (alpha or beta at 1e-4), where the variance
    # formula barely depends on them. ets(y, model = <ets object>,
    # use.initial.values = TRUE) runs the recursion without estimating
    # anything; note that this path of ets divides the SSE by
    # n - (length(par) + 1), one less than a fit does, so "df" is recorded.
    fx <- fit
    fx$par[["alpha"]] <- 0.35
    if (spec$trend) fx$par[["beta"]] <- 0.08
    if (spec$season) fx$par[["gamma"]] <- 0.15
    if (spec$damped) fx$par[["phi"]] <- 0.9
    st <- c(l = y0[1])
    if (spec$trend) {
      j <- min(n, 6)
      st <- c(st, b = (y0[j] - y0[1]) / (j - 1))
    }
    if (spec$season) {
      season <- y0[1:m] - mean(y0[1:m]) # time order: season[1] is used by y[1]
      st <- c(st, setNames(rev(season), paste0("s", 1:m))) # s1 = s[0] = season[m]
    }
    fx$initstate <- st
    fx <- ets(y, model = fx, use.initial.values = TRUE)
    fx$initstate <- st

    runs <- list()
    for (what in c("fit", "fixed")) {
      f <- if (what == "fit") fit else fx
      par <- f$par
      st <- f$initstate
      res <- as.numeric(residuals(f))
      sse <- sum(res^2)
      fc <- forecast(f, h = H, level = c(80, 95))
      df <- round(sse / f$sigma2)
      want_df <- if (what == "fit") n - k else n - k - 1
      if (df != want_df) stop(sprintf("%s/%s %s: sigma2 = SSE/%g, want SSE/%d", sname, name, what, sse / f$sigma2, want_df))
      init <- list(l = num(st[["l"]]))
      if (spec$trend) init$b <- num(st[["b"]])
      if (spec$season) init$s <- vec(st[paste0("s", 1:m)])
      params <- list(alpha = num(par[["alpha"]]))
      if (spec$trend) params$beta <- num(par[["beta"]])
      if (spec$season) params$gamma <- num(par[["gamma"]])
      if (spec$damped) params$phi <- num(par[["phi"]])
      # h = 6 < m never reaches the seasonal term of the variance (gamma
      # enters c_j only for j = m, 2m, ...), so seasonal models also get
      # forecasts to h = 2m + 1.
      long <- NULL
      if (spec$season) {
        fl <- forecast(f, h = 2 * m + 1, level = c(80, 95))
        long <- list(h = 2 * m + 1, mean = vec(fl$mean),
                     lo80 = vec(fl$lower[, "80%"]), hi80 = vec(fl$upper[, "80%"]),
                     lo95 = vec(fl$lower[, "95%"]), hi95 = vec(fl$upper[, "95%"]))
      }
      runs[[what]] <- list(
        params = params,
        init = init,
        fitted = vec(fitted(f)),
        sse = num(sse),
        sigma2 = num(f$sigma2),
        df = df,
        loglik = num(f$loglik),
        mean = vec(fc$mean),
        lo80 = vec(fc$lower[, "80%"]),
        hi80 = vec(fc$upper[, "80%"]),
        lo95 = vec(fc$lower[, "95%"]),
        hi95 = vec(fc$upper[, "95%"])
      )
      if (!is.null(long)) runs[[what]]$long <- long
    }
    cases[[length(cases) + 1]] <- list(
      series = sname,
      season = m,
      model = name,
      r_method = fit$method,
      values = vec(y0),
      n = n,
      k = k,
      par_names = names(fit$par),
      fit = runs$fit,
      fixed = runs$fixed
    )
  }
}

doc <- list(
  source = sprintf(
    "%s, forecast %s (Debian r-cran-forecast), ets() and forecast.ets(); generated by scripts/forecast-reference.R from the series in testdata/reference.json",
    R.version.string, as.character(packageVersion("forecast"))),
  r_version = R.version.string,
  forecast_version = as.character(packageVersion("forecast")),
  horizon = H,
  cases = cases
)
out <- toJSON(doc, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE)
writeLines(out, OUT)
message(sprintf("wrote %s: %d cases", OUT, length(cases)))
