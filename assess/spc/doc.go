// Package spc owns statistical process control for vitalsigns: XmR
// (individuals) charts and p-charts judged by NHS England's "Making Data
// Count" (MDC) rules as the NHS-R Community package NHSRplotthedots
// implements them, with the November 2023 MDC change to the two-sigma rule.
//
// Everything here is a pure function of its arguments: no I/O, no clock, no
// package-level mutable state. The package imports only the standard library
// and the root domain package (for vitalsigns.Polarity).
//
// # What a chart holds
//
// XmR and PChart return a Chart: one Point per input value with the centre
// line, process limits (three sigma), the one- and two-sigma lines, the rules
// that flagged the point (Rules, a bit set; every member of a qualifying run or
// trend is marked, as NHSRplotthedots marks them), the rule that decided its
// direction (Cause) and its verdict (Type: common cause, special cause
// improvement, concern or neutral). The chart also carries the segments it was
// split into at recorded process changes, the MDC variation icon and the MDC
// assurance icon. Icons, types and rules have stable snake_case string forms
// meant for Prometheus label values and report text.
//
// # Calculation (XmR)
//
// The mean is the mean of the segment's calculation points (the first
// Options.Baseline points of the segment when a baseline is set, otherwise the
// whole segment). Moving ranges are taken between neighbouring points of the
// calculation period. By default (the NHSRplotthedots default,
// screen_outliers = TRUE) moving ranges not below 3.267 × the mean moving
// range are dropped once and the mean moving range recomputed; with
// Options.ExcelParity no moving range is dropped, as in the MDC Excel tool.
// Process limits are mean ± 2.66 × mean moving range, and the two- and
// one-sigma lines are at two-thirds and one-third of that distance: these are
// NHSRplotthedots' constants (2.66 rather than 3/1.128 = 2.6596), kept so that
// its published figures reproduce to the last printed digit.
//
// # Rules
//
// Within each segment, over the points that have a value:
//
//   - RuleBeyondLimits: a point strictly above the upper or below the lower
//     process limit.
//   - RuleShift: seven or more consecutive points strictly on the same side of
//     the mean; a point exactly on the mean breaks the run (NHSRplotthedots
//     uses sign(y − mean), so 0 never matches a side).
//   - RuleTrend: seven or more consecutive points each strictly higher (or each
//     strictly lower) than the one before; two equal neighbours break the trend
//     (NHSRplotthedots compares sign(diff(y)), and 0 is neither rising nor
//     falling).
//   - RuleTwoOfThree: in three consecutive points all strictly on the same
//     side of the mean, two or more lie beyond the two-sigma line on that side;
//     the points beyond two sigma are marked, the third is not. Since MDC's
//     November 2023 change, points beyond the process limits count as beyond
//     two sigma. NHSRplotthedots (at the versions read) still counts only
//     points between two and three sigma; here MDC's current rule is followed.
//
// When one point is flagged by rules pointing in different directions, the
// verdict is the direction of the highest-ranked rule in NHSRplotthedots'
// order: beyond limits (side of the mean), then trend (the trend's
// direction), then two of three (side of the mean), then shift (side of the
// mean). So a point below the lower limit that starts a rising trend is a
// concern when higher is better, and a point inside a rising trend that sits
// below the mean in a run of seven is an improvement. (The MDC Single Chart
// tool shows improvement in every clash; this package follows NHSRplotthedots.)
//
// # Too few points
//
// A segment whose calculation period has fewer than Options.MinPoints values
// (default 13, as in the MDC Single Chart tool) gets a mean but no limits,
// signals or verdicts; its points have Type TypeNone. If the last segment is
// too short the chart is TooFew and both icons are "none".
//
// # No width: flat series and rare events
//
// A segment whose limits would have no width at the data's precision is
// Flat: it keeps its mean but has no limits, no rule is applied and its
// points have Type TypeNone, and a chart whose last segment is Flat has the
// icons "not_judged" (assurance stays "none" without a target) with
// Chart.NotJudgedReason. "No width" is an XmR mean moving range of 0, or
// limits closer together than the smallest step in which the figures are
// recorded (10^-d for the fewest decimals d that hold every value of the
// calculation period: a count's step is 1), and a p-chart's p̄ of 0 or 1.
// Without this, a count that is almost always 0 (one 1 in three years, its
// two moving ranges screened out) has limits on its mean, so every 0 below
// a mean of 0.03 is part of a "shift" and every point is special cause.
// NHSRplotthedots gives such a series NaN limits and then fails its rules;
// the MDC Excel tool draws limits on the mean. Neither is a verdict a
// committee should read, so none is given.
//
// Making Data Count's guidance for rare events (counts mostly 0 or 1, such
// as serious incidents or, here, social workers over a caseload limit) is
// that an XmR chart of counts per period is the wrong chart: it recommends
// plotting the time or the number of opportunities between events (a
// t-chart or g-chart), where a long gap is itself a signal. That needs the
// dates of events, which monthly returns do not carry, so it is out of
// scope: a rare-event count is shown with its mean and "not judged" rather
// than a false signal. Events that are merely infrequent (in a quarter of
// the periods, say) still get an XmR chart whose limits are wider than one
// count.
//
// # Gaps
//
// A missing value (NaN; in a p-chart also a zero or NaN denominator) is
// skipped. As in NHSRplotthedots, it is left out of the mean, and no moving
// range is formed across it (R's diff() gives NA on both sides of the gap and
// mean(na.rm = TRUE) drops them). For the rules, NHSRplotthedots has no
// defined behaviour (it asks for series without gaps and its trend test fails
// on NA), so here the rules run over the points that have values, in order: a
// gap neither breaks nor extends a shift, a trend or a two-of-three window.
// A missing point has Type TypeNone and NaN limits. The icons are taken from
// the last point that has a value.
package spc
