package spc

import (
	"errors"
	"fmt"
	"math"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// The constants of the XmR chart, as NHSRplotthedots uses them.
const (
	// LimitFactor multiplies the mean moving range to give the distance from
	// the mean to a process limit (three sigma).
	LimitFactor = 2.66
	// ScreenFactor multiplies the mean moving range to give the moving range
	// at or above which a moving range is screened out.
	ScreenFactor = 3.267
	// DefaultMinPoints is the fewest values from which limits, signals and
	// icons are given, as in the MDC Single Chart tool.
	DefaultMinPoints = 13
	// RunLength is the number of points that makes a shift or a trend.
	RunLength = 7
)

// The rule sets a chart may name in Chart.RuleSet.
const (
	// RuleSetMDC is an XmR chart with moving-range screening, as
	// NHSRplotthedots does by default, and the November 2023 MDC rules.
	RuleSetMDC = "MDC (NHSRplotthedots) 2023"
	// RuleSetExcelParity is an XmR chart without moving-range screening, as
	// the MDC Excel tool does, and the November 2023 MDC rules.
	RuleSetExcelParity = "MDC Excel parity"
	// RuleSetPChart is a p-chart with per-point binomial limits and the
	// November 2023 MDC rules.
	RuleSetPChart = "MDC 2023 p-chart"
)

// ErrOptions is wrapped by every error about invalid options or input.
var ErrOptions = errors.New("invalid spc input")

// Change records a process change at which the chart is rebased: the point at
// Index starts a new segment with its own mean and limits.
type Change struct {
	// Index is the position in the series of the first point of the new
	// segment; it must be greater than 0 and less than the series length.
	Index int
	// Reason says why the process changed; it is kept for reports.
	Reason string
	// Date is the period of the change as the caller writes it; it is kept
	// for reports and not parsed.
	Date string
}

// Options controls how a chart is calculated and judged.
type Options struct {
	// Polarity says which direction is an improvement; it must be one of
	// vs.Polarities().
	Polarity vs.Polarity
	// Target, when set, is compared with the process limits for the
	// assurance icon.
	Target *float64
	// ExcelParity turns off moving-range screening, to match the MDC Excel
	// tool. It has no effect on a p-chart.
	ExcelParity bool
	// Baseline, when positive, fixes the mean and limits of each segment
	// from its first Baseline points (NHSRplotthedots fix_after_n_points);
	// missing points among them count towards Baseline, as rows do in R.
	Baseline int
	// Changes are the recorded process changes, in increasing Index order.
	Changes []Change
	// MinPoints is the fewest values a segment's calculation period needs
	// before limits, signals and icons are given; 0 means DefaultMinPoints,
	// and anything below 2 is taken as 2.
	MinPoints int
	// MinDenominator marks p-chart points whose denominator is below it as
	// Small; 0 marks none. It has no effect on an XmR chart.
	MinDenominator float64
}

// Rules is a set of special-cause rules, as bits.
type Rules uint8

// The special-cause rules.
const (
	// RuleBeyondLimits is a point beyond a process limit.
	RuleBeyondLimits Rules = 1 << iota
	// RuleShift is membership of a run of seven or more points on one side
	// of the mean.
	RuleShift
	// RuleTrend is membership of seven or more points each rising, or each
	// falling.
	RuleTrend
	// RuleTwoOfThree is a point beyond two sigma in three consecutive points
	// on one side of the mean of which two or more are beyond two sigma.
	RuleTwoOfThree
)

var ruleNames = []struct {
	r    Rules
	name string
}{
	{RuleBeyondLimits, "beyond_limits"},
	{RuleShift, "shift"},
	{RuleTrend, "trend"},
	{RuleTwoOfThree, "two_of_three"},
}

// Has reports whether every rule in r2 is in r.
func (r Rules) Has(r2 Rules) bool { return r&r2 == r2 }

// Names lists the stable names of the rules in r ("beyond_limits", "shift",
// "trend", "two_of_three"), in that order.
func (r Rules) Names() []string {
	var out []string
	for _, rn := range ruleNames {
		if r.Has(rn.r) {
			out = append(out, rn.name)
		}
	}
	return out
}

// String joins Names with commas; the empty set is "".
func (r Rules) String() string { return strings.Join(r.Names(), ",") }

// Type is the verdict on one point.
type Type string

// The verdicts a point may have.
const (
	// TypeNone is a point without a verdict: missing, or in a segment with
	// too few points.
	TypeNone Type = "none"
	// TypeCommon is common cause variation.
	TypeCommon Type = "common_cause"
	// TypeImprovement is special cause variation in the better direction.
	TypeImprovement Type = "special_cause_improvement"
	// TypeConcern is special cause variation in the worse direction.
	TypeConcern Type = "special_cause_concern"
	// TypeNeutral is special cause variation of an indicator with neutral
	// polarity.
	TypeNeutral Type = "special_cause_neutral"
)

// Special reports whether t is a special cause verdict.
func (t Type) Special() bool {
	return t == TypeImprovement || t == TypeConcern || t == TypeNeutral
}

// Variation is the MDC variation icon.
type Variation string

// The variation icons.
const (
	// VariationNone is given when the chart has too few points or no value.
	VariationNone Variation = "none"
	// VariationNotJudged is given when the process limits have no width
	// (see Segment.Flat): no point can be told apart from noise.
	VariationNotJudged Variation = "not_judged"
	// VariationCommon is common cause variation at the last point.
	VariationCommon Variation = "common_cause"
	// VariationImprovingHigh is special cause improvement, higher is better.
	VariationImprovingHigh Variation = "special_cause_improving_high"
	// VariationImprovingLow is special cause improvement, lower is better.
	VariationImprovingLow Variation = "special_cause_improving_low"
	// VariationConcerningHigh is special cause concern, lower is better.
	VariationConcerningHigh Variation = "special_cause_concerning_high"
	// VariationConcerningLow is special cause concern, higher is better.
	VariationConcerningLow Variation = "special_cause_concerning_low"
	// VariationNeitherHigh is upward special cause of a neutral indicator.
	VariationNeitherHigh Variation = "special_cause_neither_high"
	// VariationNeitherLow is downward special cause of a neutral indicator.
	VariationNeitherLow Variation = "special_cause_neither_low"
)

// Assurance is the MDC assurance icon.
type Assurance string

// The assurance icons.
const (
	// AssuranceNone is given without a target, for neutral polarity, or when
	// the chart has too few points.
	AssuranceNone Assurance = "none"
	// AssurancePassing is a target outside the process limits on the bad
	// side: the process will consistently meet it.
	AssurancePassing Assurance = "consistently_passing"
	// AssuranceFailing is a target outside the process limits on the good
	// side: the process will consistently miss it.
	AssuranceFailing Assurance = "consistently_failing"
	// AssuranceHitAndMiss is a target within the process limits (or on
	// one): the process will sometimes meet it and sometimes not.
	AssuranceHitAndMiss Assurance = "hit_and_miss"
	// AssuranceNotJudged is given when the process limits have no width
	// (see Segment.Flat): a target cannot be set against them.
	AssuranceNotJudged Assurance = "not_judged"
)

// Point is one period of a chart. Limits and lines are NaN when the point is
// missing or its segment has too few points.
type Point struct {
	// Value is the plotted value (for a p-chart, numerator/denominator); NaN
	// when missing.
	Value float64
	// Missing is true when the point has no value and was skipped.
	Missing bool
	// Segment is the index into Chart.Segments of the point's segment.
	Segment int
	// Mean is the centre line (for a p-chart, p̄).
	Mean float64
	// Upper and Lower are the process limits (three sigma).
	Upper, Lower float64
	// UpperTwoSigma and LowerTwoSigma are the two-sigma lines.
	UpperTwoSigma, LowerTwoSigma float64
	// UpperOneSigma and LowerOneSigma are the one-sigma lines.
	UpperOneSigma, LowerOneSigma float64
	// Rules are the rules that flagged the point, including membership of a
	// qualifying shift or trend.
	Rules Rules
	// Cause is the single rule that decided Type, by NHSRplotthedots'
	// precedence; 0 for common cause.
	Cause Rules
	// High is true when the special cause points upwards (above the mean, or
	// a rising trend); meaningful only when Type is special.
	High bool
	// Type is the verdict.
	Type Type
	// Small is true for a p-chart point whose denominator is below
	// Options.MinDenominator. Its rules and verdict are kept; callers that
	// raise alarms should decline to alarm on it alone.
	Small bool
	// Denominator is the p-chart denominator; 0 for an XmR chart.
	Denominator float64
}

// Segment is a stretch of the chart between process changes, with its own
// centre and limits.
type Segment struct {
	// Start and End bound the segment's points: Points[Start:End].
	Start, End int
	// Change is the process change that started the segment; nil for the
	// first segment.
	Change *Change
	// CalcPoints is how many values the mean and limits were calculated
	// from (the baseline's values when a baseline is set).
	CalcPoints int
	// Fixed is true when the mean and limits come from a baseline shorter
	// than the segment.
	Fixed bool
	// TooFew is true when CalcPoints is below the minimum, so the segment
	// has no limits, signals or verdicts.
	TooFew bool
	// Flat is true when the segment has enough points but its process
	// limits have no width at the data's precision: the mean moving range
	// is 0 (every figure the same, or the few that differ screened out as
	// outliers), or the limits lie closer together than the smallest step
	// the figures are recorded in (a count that is almost always 0). Such
	// a segment has a mean but no limits, signals or verdicts, as a
	// TooFew one: every point would otherwise be "special cause".
	Flat bool
	// Mean is the centre line (for a p-chart, p̄); NaN without values.
	Mean float64
	// MeanMovingRange is the mean moving range after any screening (XmR
	// only; NaN for a p-chart or without moving ranges).
	MeanMovingRange float64
	// MovingRanges is how many moving ranges went into MeanMovingRange.
	MovingRanges int
	// Screened is how many moving ranges screening dropped.
	Screened int
	// Upper and Lower are the process limits (XmR only; a p-chart's vary by
	// point). NaN when TooFew or Flat.
	Upper, Lower float64
}

// Chart is a judged SPC chart.
type Chart struct {
	// RuleSet names the calculation and rules used: RuleSetMDC,
	// RuleSetExcelParity or RuleSetPChart.
	RuleSet string
	// Polarity is the polarity the chart was judged with.
	Polarity vs.Polarity
	// Target is a copy of Options.Target.
	Target *float64
	// MinPoints is the minimum number of values applied.
	MinPoints int
	// TooFew is true when the last segment has too few points: the chart
	// then has no current limits, signals or icons.
	TooFew bool
	// Flat is true when the last segment is Flat: the chart then has no
	// current limits or signals, and both icons are "not_judged"
	// (NotJudgedReason says why).
	Flat bool
	// Points are the periods, in input order.
	Points []Point
	// Segments split Points at the process changes.
	Segments []Segment
	// Variation is the variation icon, from the last point with a value.
	Variation Variation
	// Assurance is the assurance icon, from the target and the limits at the
	// last point with a value.
	Assurance Assurance
}

// NotJudgedReason says, in words for a report or the API, why the chart's
// icons are "not_judged"; it is empty when they are not.
func (c Chart) NotJudgedReason() string {
	if !c.Flat {
		return ""
	}
	if c.RuleSet == RuleSetPChart {
		return "no process limits: the proportion is the same for every period used (all or none), so no period can be told apart from noise"
	}
	return "no process limits: the figures barely vary (the mean moving range is 0, or the limits are narrower than one step of the figures), so no period can be told apart from noise"
}

// Last returns the last point with a value, and false when there is none.
func (c Chart) Last() (Point, bool) {
	for i := len(c.Points) - 1; i >= 0; i-- {
		if !c.Points[i].Missing {
			return c.Points[i], true
		}
	}
	return Point{}, false
}

// XmR builds an individuals chart of values (NaN marks a missing value) and
// judges it by the MDC rules. It returns an error wrapping ErrOptions when
// the options are invalid.
func XmR(values []float64, opt Options) (Chart, error) {
	c, err := newChart(len(values), opt)
	if err != nil {
		return Chart{}, err
	}
	c.RuleSet = RuleSetMDC
	if opt.ExcelParity {
		c.RuleSet = RuleSetExcelParity
	}
	for i, v := range values {
		c.Points[i].Value = v
		c.Points[i].Missing = math.IsNaN(v) || math.IsInf(v, 0)
	}
	for si := range c.Segments {
		s := &c.Segments[si]
		calc := s.Start
		calcEnd := calcEndOf(*s, opt.Baseline)
		s.Fixed = calcEnd < s.End
		sum, n := 0.0, 0
		var mrs []float64
		for i := calc; i < calcEnd; i++ {
			if c.Points[i].Missing {
				continue
			}
			sum += c.Points[i].Value
			n++
			if i > calc && !c.Points[i-1].Missing {
				mrs = append(mrs, math.Abs(c.Points[i].Value-c.Points[i-1].Value))
			}
		}
		s.CalcPoints = n
		s.Mean = math.NaN()
		if n > 0 {
			s.Mean = sum / float64(n)
		}
		s.MeanMovingRange, s.MovingRanges, s.Screened = meanMovingRange(mrs, !opt.ExcelParity)
		s.TooFew = n < c.MinPoints || s.MovingRanges == 0
		s.Upper, s.Lower = math.NaN(), math.NaN()
		if !s.TooFew {
			s.Upper = s.Mean + LimitFactor*s.MeanMovingRange
			s.Lower = s.Mean - LimitFactor*s.MeanMovingRange
			if s.Upper-s.Lower < resolution(values[calc:calcEnd]) {
				s.Flat = true
				s.Upper, s.Lower = math.NaN(), math.NaN()
			}
		}
		// The same products as NHSRplotthedots, so that ties with a line
		// fall the same way: 2.66·amr and (2·(2.66/3))·amr.
		// (Variables, not constants: Go would divide the exact 2.66 by 3,
		// R divides the float64 nearest 2.66.)
		limit := float64(LimitFactor)
		d3 := limit * s.MeanMovingRange
		d2 := 2 * (limit / 3) * s.MeanMovingRange
		d1 := (limit / 3) * s.MeanMovingRange
		for i := s.Start; i < s.End; i++ {
			setLines(&c.Points[i], s.Mean, d3, d2, d1, s.TooFew || s.Flat, false)
		}
	}
	c.judge(opt)
	return c, nil
}

// PChart builds a p-chart of the proportions num[i]/den[i] and judges it by
// the MDC rules. The centre of each segment is p̄ = Σnum/Σden over its
// calculation period, and each point's limits are p̄ ± 3·√(p̄(1−p̄)/den[i])
// (two- and one-sigma lines likewise), clipped to [0, 1]. A point whose
// numerator or denominator is NaN, or whose denominator is 0, is missing.
// A point whose denominator is below Options.MinDenominator is marked Small:
// it still counts towards p̄ and is judged like any other point, and its
// rules and verdict are kept, so that a chart reads the same with or without
// the marking; callers decide whether to alarm on it. Negative values, a
// numerator above its denominator, or slices of different lengths are errors
// wrapping ErrOptions.
func PChart(num, den []float64, opt Options) (Chart, error) {
	if len(num) != len(den) {
		return Chart{}, fmt.Errorf("%w: %d numerators but %d denominators", ErrOptions, len(num), len(den))
	}
	c, err := newChart(len(num), opt)
	if err != nil {
		return Chart{}, err
	}
	c.RuleSet = RuleSetPChart
	for i := range num {
		p := &c.Points[i]
		nu, de := num[i], den[i]
		switch {
		case math.IsNaN(nu) || math.IsNaN(de) || de == 0:
			p.Missing = true
			p.Value = math.NaN()
			continue
		case math.IsInf(nu, 0) || math.IsInf(de, 0) || nu < 0 || de < 0:
			return Chart{}, fmt.Errorf("%w: point %d: numerator %g and denominator %g must be finite and not negative", ErrOptions, i, nu, de)
		case nu > de:
			return Chart{}, fmt.Errorf("%w: point %d: numerator %g is above denominator %g", ErrOptions, i, nu, de)
		}
		p.Value = nu / de
		p.Denominator = de
		p.Small = de < opt.MinDenominator
	}
	for si := range c.Segments {
		s := &c.Segments[si]
		calcEnd := calcEndOf(*s, opt.Baseline)
		s.Fixed = calcEnd < s.End
		sn, sd, n := 0.0, 0.0, 0
		for i := s.Start; i < calcEnd; i++ {
			if c.Points[i].Missing {
				continue
			}
			sn += num[i]
			sd += den[i]
			n++
		}
		s.CalcPoints = n
		s.Mean = math.NaN()
		if n > 0 {
			s.Mean = sn / sd
		}
		s.MeanMovingRange = math.NaN()
		s.Upper, s.Lower = math.NaN(), math.NaN()
		s.TooFew = n < c.MinPoints
		// p̄ of 0 or 1 (no event, or every case an event) gives binomial
		// limits of no width.
		s.Flat = !s.TooFew && s.Mean*(1-s.Mean) == 0
		for i := s.Start; i < s.End; i++ {
			p := &c.Points[i]
			sigma := math.NaN()
			if !p.Missing {
				sigma = math.Sqrt(s.Mean * (1 - s.Mean) / p.Denominator)
			}
			setLines(p, s.Mean, 3*sigma, 2*sigma, sigma, s.TooFew || s.Flat, true)
		}
	}
	c.judge(opt)
	return c, nil
}

// newChart checks the options and lays out the points and segments.
func newChart(n int, opt Options) (Chart, error) {
	switch opt.Polarity {
	case vs.HigherIsBetter, vs.LowerIsBetter, vs.Neutral:
	default:
		return Chart{}, fmt.Errorf("%w: unknown polarity %q", ErrOptions, opt.Polarity)
	}
	if opt.Baseline < 0 {
		return Chart{}, fmt.Errorf("%w: baseline %d is negative", ErrOptions, opt.Baseline)
	}
	if opt.MinDenominator < 0 || math.IsNaN(opt.MinDenominator) {
		return Chart{}, fmt.Errorf("%w: minimum denominator %g is negative", ErrOptions, opt.MinDenominator)
	}
	if opt.Target != nil && (math.IsNaN(*opt.Target) || math.IsInf(*opt.Target, 0)) {
		return Chart{}, fmt.Errorf("%w: target %g is not a number", ErrOptions, *opt.Target)
	}
	c := Chart{Polarity: opt.Polarity, MinPoints: opt.MinPoints, Points: make([]Point, n)}
	if opt.Target != nil {
		t := *opt.Target
		c.Target = &t
	}
	if c.MinPoints == 0 {
		c.MinPoints = DefaultMinPoints
	}
	if c.MinPoints < 2 {
		c.MinPoints = 2
	}
	start := 0
	var change *Change
	for k, ch := range opt.Changes {
		if ch.Index <= start || ch.Index >= n {
			return Chart{}, fmt.Errorf("%w: change %d (%s) at index %d must be after %d and before %d", ErrOptions, k, ch.Date, ch.Index, start, n)
		}
		c.Segments = append(c.Segments, Segment{Start: start, End: ch.Index, Change: change})
		ch := ch
		change, start = &ch, ch.Index
	}
	c.Segments = append(c.Segments, Segment{Start: start, End: n, Change: change})
	for si, s := range c.Segments {
		for i := s.Start; i < s.End; i++ {
			c.Points[i].Segment = si
		}
	}
	return c, nil
}

// calcEndOf is the end of a segment's calculation period.
func calcEndOf(s Segment, baseline int) int {
	if baseline > 0 && s.Start+baseline < s.End {
		return s.Start + baseline
	}
	return s.End
}

// resolution is the smallest step the values are recorded in: 10^-d for
// the fewest decimal places d (at most 9) that hold every value, ignoring
// binary floating-point noise (0.1+0.2 is recorded in one decimal place).
// Limits narrower than this cannot tell one recorded value from the next.
func resolution(values []float64) float64 {
	d := 0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		for d < 9 {
			x := v * math.Pow10(d)
			if math.Abs(x-math.Round(x)) <= 1e-9*math.Max(1, math.Abs(x)) {
				break
			}
			d++
		}
	}
	return math.Pow10(-d)
}

// meanMovingRange averages the moving ranges, screening them first when
// screen is set: a moving range not below ScreenFactor × the mean is dropped
// (NHSRplotthedots keeps mr < 3.267 × amr) and the mean recomputed once.
// When every moving range is 0 nothing is dropped and the mean moving range
// is 0 (NHSRplotthedots would drop them all and give NaN limits); XmR then
// marks the segment Flat.
func meanMovingRange(mrs []float64, screen bool) (amr float64, used, screened int) {
	if len(mrs) == 0 {
		return math.NaN(), 0, 0
	}
	sum := 0.0
	for _, m := range mrs {
		sum += m
	}
	amr = sum / float64(len(mrs))
	if !screen || amr == 0 {
		return amr, len(mrs), 0
	}
	cut := ScreenFactor * amr
	sum, used = 0, 0
	for _, m := range mrs {
		if m < cut {
			sum += m
			used++
		}
	}
	return sum / float64(used), used, len(mrs) - used
}

// setLines fills a point's centre line and the lines at distances d3, d2 and
// d1 (three, two and one sigma) either side of it.
func setLines(p *Point, mean, d3, d2, d1 float64, tooFew, clip bool) {
	p.Mean = mean
	nan := math.NaN()
	p.Upper, p.Lower, p.UpperTwoSigma, p.LowerTwoSigma, p.UpperOneSigma, p.LowerOneSigma = nan, nan, nan, nan, nan, nan
	p.Type = TypeNone
	if tooFew || p.Missing {
		return
	}
	c := func(v float64) float64 {
		if clip {
			return math.Min(1, math.Max(0, v))
		}
		return v
	}
	p.Upper, p.Lower = c(mean+d3), c(mean-d3)
	p.UpperTwoSigma, p.LowerTwoSigma = c(mean+d2), c(mean-d2)
	p.UpperOneSigma, p.LowerOneSigma = c(mean+d1), c(mean-d1)
}
