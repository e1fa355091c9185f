package spc

import vs "github.com/vitalsigns/vitalsigns"

// judge applies the rules to every segment with enough points, then sets the
// verdicts and the icons.
func (c *Chart) judge(opt Options) {
	for _, s := range c.Segments {
		if s.TooFew || s.Flat {
			continue
		}
		var idx []int
		for i := s.Start; i < s.End; i++ {
			if !c.Points[i].Missing {
				idx = append(idx, i)
			}
		}
		in := make([]ruleInput, len(idx))
		for k, i := range idx {
			p := c.Points[i]
			in[k] = ruleInput{
				y:       p.Value,
				side:    sign(p.Value - p.Mean),
				beyond:  p.Value > p.Upper || p.Value < p.Lower,
				beyond2: p.Value > p.UpperTwoSigma || p.Value < p.LowerTwoSigma,
			}
		}
		for k, v := range findRules(in) {
			p := &c.Points[idx[k]]
			p.Rules, p.Cause, p.High = v.rules, v.cause, v.high
			p.Type = verdict(v, c.Polarity)
		}
	}
	c.Variation, c.Assurance = VariationNone, AssuranceNone
	c.TooFew = c.Segments[len(c.Segments)-1].TooFew
	c.Flat = c.Segments[len(c.Segments)-1].Flat
	last, ok := c.Last()
	if c.TooFew || !ok {
		return
	}
	if c.Flat {
		// Assurance stays "none" where there is nothing to assure (no
		// target, or neutral polarity), as on any chart.
		c.Variation = VariationNotJudged
		if c.Target != nil && c.Polarity != vs.Neutral {
			c.Assurance = AssuranceNotJudged
		}
		return
	}
	c.Variation = variation(last, c.Polarity)
	c.Assurance = assurance(last, c.Target, c.Polarity)
}

// ruleInput is one point with a value, as the rules see it.
type ruleInput struct {
	y       float64
	side    int  // sign of y − mean
	beyond  bool // beyond a process limit
	beyond2 bool // beyond a two-sigma line, including beyond a limit (MDC 2023)
}

// ruleOutput is what the rules found at one point.
type ruleOutput struct {
	rules    Rules
	cause    Rules
	high     bool
	trendDir int // direction of the trend the point is in, by NHSRplotthedots' choice
}

// findRules applies the four rules to consecutive points of one segment and
// decides each point's cause and direction.
func findRules(in []ruleInput) []ruleOutput {
	out := make([]ruleOutput, len(in))
	n := len(in)

	// Shift: maximal runs of one non-zero side, RunLength or longer.
	for a := 0; a < n; {
		b := a + 1
		for b < n && in[b].side == in[a].side {
			b++
		}
		if in[a].side != 0 && b-a >= RunLength {
			for k := a; k < b; k++ {
				out[k].rules |= RuleShift
			}
		}
		a = b
	}

	// Trend: maximal strictly monotone runs of RunLength points or more. A
	// point shared by a rising and a falling trend (a peak or trough) takes
	// the later trend's direction, as NHSRplotthedots does ("if a point is
	// part of a trend either side, use right side").
	for a := 0; a+1 < n; {
		d := sign(in[a+1].y - in[a].y)
		b := a + 1
		for b+1 < n && d != 0 && sign(in[b+1].y-in[b].y) == d {
			b++
		}
		if d != 0 && b-a+1 >= RunLength {
			for k := a; k <= b; k++ {
				out[k].rules |= RuleTrend
				out[k].trendDir = d
			}
		}
		a = b
	}

	// Two of three: windows of three points all strictly on one side, two
	// or more beyond two sigma; the points beyond two sigma are marked.
	for a := 0; a+2 < n; a++ {
		s := in[a].side
		if s == 0 || in[a+1].side != s || in[a+2].side != s {
			continue
		}
		count := 0
		for k := a; k < a+3; k++ {
			if in[k].beyond2 {
				count++
			}
		}
		if count < 2 {
			continue
		}
		for k := a; k < a+3; k++ {
			if in[k].beyond2 {
				out[k].rules |= RuleTwoOfThree
			}
		}
	}

	for k := range in {
		if in[k].beyond {
			out[k].rules |= RuleBeyondLimits
		}
		out[k].cause, out[k].high = decide(out[k].rules, in[k].side, out[k].trendDir)
	}
	return out
}

// decide picks the rule that sets a point's direction, in NHSRplotthedots'
// order (ptd_special_cause_type's case_when): beyond limits, trend, two of
// three, shift. Beyond limits, two of three and shift point up when the
// point is above the mean (NHSRplotthedots: relative_to_mean == 1 is "Above",
// anything else "Below"); a trend points the way it moves.
func decide(r Rules, side, trendDir int) (cause Rules, high bool) {
	switch {
	case r.Has(RuleBeyondLimits):
		return RuleBeyondLimits, side > 0
	case r.Has(RuleTrend):
		return RuleTrend, trendDir > 0
	case r.Has(RuleTwoOfThree):
		return RuleTwoOfThree, side > 0
	case r.Has(RuleShift):
		return RuleShift, side > 0
	}
	return 0, false
}

// verdict turns a point's cause and direction into its type by polarity.
func verdict(v ruleOutput, pol vs.Polarity) Type {
	switch {
	case v.cause == 0:
		return TypeCommon
	case pol == vs.Neutral:
		return TypeNeutral
	case v.high == (pol == vs.HigherIsBetter):
		return TypeImprovement
	}
	return TypeConcern
}

// variation is the variation icon of the last point, as NHSRplotthedots'
// ptd_get_icons takes it from the point_type of the last date.
func variation(p Point, pol vs.Polarity) Variation {
	switch {
	case p.Type == TypeCommon:
		return VariationCommon
	case p.Type == TypeNeutral && p.High:
		return VariationNeitherHigh
	case p.Type == TypeNeutral:
		return VariationNeitherLow
	case p.Type == TypeImprovement && pol == vs.HigherIsBetter:
		return VariationImprovingHigh
	case p.Type == TypeImprovement:
		return VariationImprovingLow
	case p.Type == TypeConcern && pol == vs.HigherIsBetter:
		return VariationConcerningLow
	case p.Type == TypeConcern:
		return VariationConcerningHigh
	}
	return VariationNone
}

// assurance compares the target with the limits at the last point, as
// NHSRplotthedots' ptd_calculate_assurance_type does with the last row: a
// target strictly above the upper limit or strictly below the lower one is
// consistently met or missed; anything else, including a target on a limit,
// is hit and miss.
func assurance(p Point, target *float64, pol vs.Polarity) Assurance {
	if target == nil || pol == vs.Neutral || p.Type == TypeNone {
		return AssuranceNone
	}
	t := *target
	higher := pol == vs.HigherIsBetter
	switch {
	case t > p.Upper:
		if higher {
			return AssuranceFailing
		}
		return AssurancePassing
	case t < p.Lower:
		if higher {
			return AssurancePassing
		}
		return AssuranceFailing
	}
	return AssuranceHitAndMiss
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
