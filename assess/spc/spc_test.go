package spc

import (
	"errors"
	"math"
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

// base is fourteen points 12, 10, 12, …, 10: mean 11, every moving range 2,
// so (worked by hand) the process limits are 11 ± 2.66×2 = 5.68 and 16.32,
// the two-sigma lines 11 ± 3.5467 = 7.4533 and 14.5467, and the one-sigma
// lines 11 ± 1.7733. The edge cases below append points to it and fix the
// limits with Baseline: 14, so the appended points do not move them.
func base() []float64 {
	v := make([]float64, 14)
	for i := range v {
		v[i] = 12
		if i%2 == 1 {
			v[i] = 10
		}
	}
	return v
}

func fixed(tail ...float64) []float64 { return append(base(), tail...) }

// onLimit is base's upper limit as float64 arithmetic gives it (11 + 2.66×2
// rounded at each step, as R does), which may differ from the literal 16.32.
var onLimit = func() float64 { l, amr := 2.66, 2.0; return 11 + l*amr }()

func near12(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func mustXmR(t *testing.T, v []float64, opt Options) Chart {
	t.Helper()
	c, err := XmR(v, opt)
	if err != nil {
		t.Fatalf("XmR: %v", err)
	}
	return c
}

func TestBaseLines(t *testing.T) {
	c := mustXmR(t, base(), Options{Polarity: vs.HigherIsBetter})
	p := c.Points[0]
	want := []struct {
		name      string
		got, want float64
	}{
		{"mean", p.Mean, 11}, {"upper", p.Upper, 16.32}, {"lower", p.Lower, 5.68},
		{"upper 2σ", p.UpperTwoSigma, 11 + 2*2.66/3*2}, {"lower 2σ", p.LowerTwoSigma, 11 - 2*2.66/3*2},
		{"upper 1σ", p.UpperOneSigma, 11 + 2.66/3*2}, {"lower 1σ", p.LowerOneSigma, 11 - 2.66/3*2},
		{"amr", c.Segments[0].MeanMovingRange, 2},
	}
	for _, w := range want {
		if math.Abs(w.got-w.want) > 1e-12 {
			t.Errorf("%s = %g, want %g", w.name, w.got, w.want)
		}
	}
	if c.Variation != VariationCommon || c.Assurance != AssuranceNone || c.TooFew {
		t.Errorf("icons %q %q too few %v; want common_cause, none, false", c.Variation, c.Assurance, c.TooFew)
	}
}

// TestRuleEdges checks each rule at its edge; the appended points and the
// verdicts were worked out by hand against the lines of base().
func TestRuleEdges(t *testing.T) {
	type flag struct {
		i     int // index into the whole series (base is 0–13)
		rules Rules
		cause Rules
		typ   Type
	}
	tests := []struct {
		name string
		tail []float64
		pol  vs.Polarity
		// want lists every appended point with a rule; others are common.
		want []flag
	}{
		{"shift of 6 is not a shift", []float64{11.5, 11.5, 11.5, 11.5, 11.5, 11.5, 10.5}, vs.HigherIsBetter, nil},
		{"shift of 7", []float64{11.5, 11.5, 11.5, 11.5, 11.5, 11.5, 11.5}, vs.HigherIsBetter, []flag{
			{14, RuleShift, RuleShift, TypeImprovement}, {15, RuleShift, RuleShift, TypeImprovement},
			{16, RuleShift, RuleShift, TypeImprovement}, {17, RuleShift, RuleShift, TypeImprovement},
			{18, RuleShift, RuleShift, TypeImprovement}, {19, RuleShift, RuleShift, TypeImprovement},
			{20, RuleShift, RuleShift, TypeImprovement}}},
		{"a point on the mean breaks a shift", []float64{11.5, 11.5, 11.5, 11, 11.5, 11.5, 11.5, 11.5}, vs.HigherIsBetter, nil},
		{"rising 6 is not a trend", []float64{9.5, 10, 10.5, 11.5, 12, 12.5, 12}, vs.HigherIsBetter, nil},
		{"rising 7 is a trend", []float64{9.5, 10, 10.5, 11.5, 12, 12.5, 13}, vs.LowerIsBetter, []flag{
			{14, RuleTrend, RuleTrend, TypeConcern}, {15, RuleTrend, RuleTrend, TypeConcern},
			{16, RuleTrend, RuleTrend, TypeConcern}, {17, RuleTrend, RuleTrend, TypeConcern},
			{18, RuleTrend, RuleTrend, TypeConcern}, {19, RuleTrend, RuleTrend, TypeConcern},
			{20, RuleTrend, RuleTrend, TypeConcern}}},
		{"a tie breaks a trend", []float64{9.5, 10, 10.5, 10.5, 11.5, 12, 12.5, 13}, vs.HigherIsBetter, nil},
		{"beyond the upper limit", []float64{17}, vs.LowerIsBetter, []flag{{14, RuleBeyondLimits, RuleBeyondLimits, TypeConcern}}},
		{"on the limit is not beyond", []float64{onLimit}, vs.HigherIsBetter, nil},
		{"beyond the lower limit, neutral", []float64{5}, vs.Neutral, []flag{{14, RuleBeyondLimits, RuleBeyondLimits, TypeNeutral}}},
		{"two of three beyond two sigma", []float64{15, 11.5, 15}, vs.HigherIsBetter, []flag{
			{14, RuleTwoOfThree, RuleTwoOfThree, TypeImprovement}, {16, RuleTwoOfThree, RuleTwoOfThree, TypeImprovement}}},
		{"one of three beyond two sigma", []float64{15, 11.5, 14}, vs.HigherIsBetter, nil},
		{"two of three with the third below the mean", []float64{15, 10.5, 15}, vs.HigherIsBetter, nil},
		// MDC November 2023: a point beyond the limit counts towards two of
		// three, so 15 is flagged; NHSRplotthedots would leave it common.
		{"two of three with one beyond the limit (2023)", []float64{15, 11.5, 17}, vs.HigherIsBetter, []flag{
			{14, RuleTwoOfThree, RuleTwoOfThree, TypeImprovement},
			{16, RuleTwoOfThree | RuleBeyondLimits, RuleBeyondLimits, TypeImprovement}}},
		// Clash: a rising trend below the mean is also a shift below it.
		// The preceding base point (10) is below the mean too, so the shift
		// has eight points and the trend seven. NHSRplotthedots ranks the
		// trend above the shift: the seven are improvement, the base point
		// flagged by the shift alone is concern.
		{"clash of trend and shift", []float64{7.5, 8, 8.5, 9, 9.5, 10, 10.5}, vs.HigherIsBetter, []flag{
			{13, RuleShift, RuleShift, TypeConcern},
			{14, RuleShift | RuleTrend, RuleTrend, TypeImprovement}, {15, RuleShift | RuleTrend, RuleTrend, TypeImprovement},
			{16, RuleShift | RuleTrend, RuleTrend, TypeImprovement}, {17, RuleShift | RuleTrend, RuleTrend, TypeImprovement},
			{18, RuleShift | RuleTrend, RuleTrend, TypeImprovement}, {19, RuleShift | RuleTrend, RuleTrend, TypeImprovement},
			{20, RuleShift | RuleTrend, RuleTrend, TypeImprovement}}},
		// Clash: a point below the lower limit starts a rising trend. Beyond
		// limits outranks the trend, so it alone is a concern.
		{"clash of beyond limits and trend", []float64{5, 6, 7, 8, 9, 10.5, 10.8}, vs.HigherIsBetter, []flag{
			{13, RuleShift, RuleShift, TypeConcern},
			{14, RuleShift | RuleTrend | RuleBeyondLimits | RuleTwoOfThree, RuleBeyondLimits, TypeConcern},
			{15, RuleShift | RuleTrend | RuleTwoOfThree, RuleTrend, TypeImprovement},
			{16, RuleShift | RuleTrend | RuleTwoOfThree, RuleTrend, TypeImprovement},
			{17, RuleShift | RuleTrend, RuleTrend, TypeImprovement},
			{18, RuleShift | RuleTrend, RuleTrend, TypeImprovement}, {19, RuleShift | RuleTrend, RuleTrend, TypeImprovement},
			{20, RuleShift | RuleTrend, RuleTrend, TypeImprovement}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustXmR(t, fixed(tt.tail...), Options{Polarity: tt.pol, Baseline: 14})
			want := map[int]flag{}
			for _, f := range tt.want {
				want[f.i] = f
			}
			for i, p := range c.Points {
				w, ok := want[i]
				if !ok {
					w = flag{i: i, typ: TypeCommon}
				}
				if p.Rules != w.rules || p.Cause != w.cause || p.Type != w.typ {
					t.Errorf("point %d (%g): rules %q cause %q type %q; want %q %q %q", i, p.Value, p.Rules, p.Cause, p.Type, w.rules, w.cause, w.typ)
				}
			}
		})
	}
}

func TestMinPoints(t *testing.T) {
	for _, n := range []int{12, 13} {
		c := mustXmR(t, base()[:n], Options{Polarity: vs.HigherIsBetter, Target: ptr(100.0)})
		tooFew := n < 13
		if c.TooFew != tooFew || c.Segments[0].TooFew != tooFew {
			t.Errorf("%d points: TooFew %v, want %v", n, c.TooFew, tooFew)
		}
		for i, p := range c.Points {
			if math.IsNaN(p.Upper) != tooFew || (p.Type == TypeNone) != tooFew {
				t.Errorf("%d points, point %d: upper %g type %q", n, i, p.Upper, p.Type)
			}
		}
		wantV, wantA := VariationCommon, AssuranceFailing
		if tooFew {
			wantV, wantA = VariationNone, AssuranceNone
		}
		if c.Variation != wantV || c.Assurance != wantA {
			t.Errorf("%d points: icons %q %q, want %q %q", n, c.Variation, c.Assurance, wantV, wantA)
		}
	}
	// Twelve points beyond a limit give no signal, never a guess.
	c := mustXmR(t, append(base()[:11], 100), Options{Polarity: vs.HigherIsBetter})
	if p := c.Points[11]; p.Rules != 0 || p.Type != TypeNone {
		t.Errorf("12th point: rules %q type %q, want none", p.Rules, p.Type)
	}
	// The minimum is configurable.
	c = mustXmR(t, base()[:6], Options{Polarity: vs.HigherIsBetter, MinPoints: 6})
	if c.TooFew || !near12(c.Points[0].Upper, 16.32) {
		t.Errorf("MinPoints 6 on 6 points: TooFew %v upper %g", c.TooFew, c.Points[0].Upper)
	}
}

func ptr(f float64) *float64 { return &f }

func TestGaps(t *testing.T) {
	nan := math.NaN()
	// A gap inside base and another inside a shift: the mean and moving
	// ranges ignore them, and the shift of seven values runs across the gap.
	v := base()
	v = append(v[:5:5], append([]float64{nan}, v[5:]...)...)
	v = append(v, 11.5, 11.5, 11.5, nan, 11.5, 11.5, 11.5, 11.5)
	c := mustXmR(t, v, Options{Polarity: vs.HigherIsBetter, Baseline: 15})
	s := c.Segments[0]
	if s.CalcPoints != 14 || s.Mean != 11 || s.MeanMovingRange != 2 || s.MovingRanges != 12 {
		t.Errorf("segment: calc %d mean %g amr %g mrs %d; want 14, 11, 2, 12", s.CalcPoints, s.Mean, s.MeanMovingRange, s.MovingRanges)
	}
	for _, i := range []int{5, 18} {
		if p := c.Points[i]; !p.Missing || p.Type != TypeNone || !math.IsNaN(p.Upper) {
			t.Errorf("gap %d: missing %v type %q upper %g", i, p.Missing, p.Type, p.Upper)
		}
	}
	for i := 15; i < len(v); i++ {
		if i != 18 && c.Points[i].Type != TypeImprovement {
			t.Errorf("point %d: %q, want improvement (a shift across the gap)", i, c.Points[i].Type)
		}
	}
	// No moving range bridges a gap: without screening, 12 → NaN → 40 would
	// otherwise add |40−12| = 28 and double the mean moving range.
	w := []float64{12, 10, 12, 10, 12, 10, 12, nan, 40, 42, 40, 42, 40, 42, 40}
	c = mustXmR(t, w, Options{Polarity: vs.HigherIsBetter, ExcelParity: true})
	if s := c.Segments[0]; s.MeanMovingRange != 2 || s.MovingRanges != 12 {
		t.Errorf("gap: amr %g over %d, want 2 over 12", s.MeanMovingRange, s.MovingRanges)
	}
	// The icons come from the last point with a value.
	c = mustXmR(t, fixed(17, nan), Options{Polarity: vs.HigherIsBetter, Baseline: 14})
	if c.Variation != VariationImprovingHigh {
		t.Errorf("variation with a trailing gap: %q, want improving high", c.Variation)
	}
}

func TestBaselineAndRebase(t *testing.T) {
	high := make([]float64, 7)
	for i := range high {
		high[i] = 20
	}
	// Without a baseline the 20s pull the mean to (154+140)/21 = 14.
	c := mustXmR(t, fixed(high...), Options{Polarity: vs.HigherIsBetter})
	if c.Points[0].Mean != 14 || c.Segments[0].Fixed {
		t.Errorf("no baseline: mean %g fixed %v, want 14 false", c.Points[0].Mean, c.Segments[0].Fixed)
	}
	// Fixed after 14 points, the mean stays 11 and every 20 is beyond 16.32.
	c = mustXmR(t, fixed(high...), Options{Polarity: vs.HigherIsBetter, Baseline: 14})
	if c.Points[20].Mean != 11 || !near12(c.Points[20].Upper, 16.32) || !c.Segments[0].Fixed || c.Segments[0].CalcPoints != 14 {
		t.Errorf("baseline 14: mean %g upper %g", c.Points[20].Mean, c.Points[20].Upper)
	}
	for i := 14; i < 21; i++ {
		if c.Points[i].Cause != RuleBeyondLimits || !c.Points[i].Rules.Has(RuleShift) {
			t.Errorf("point %d: rules %q cause %q, want beyond limits and shift", i, c.Points[i].Rules, c.Points[i].Cause)
		}
	}
	// A baseline shorter than MinPoints gives no limits.
	c = mustXmR(t, fixed(high...), Options{Polarity: vs.HigherIsBetter, Baseline: 12})
	if !c.TooFew {
		t.Errorf("baseline 12: TooFew false, want true")
	}

	// Rebasing: a second process at 20/22 after a change at index 14.
	second := make([]float64, 14)
	for i := range second {
		second[i] = 22
		if i%2 == 1 {
			second[i] = 20
		}
	}
	v := append(base(), second...)
	c = mustXmR(t, v, Options{Polarity: vs.LowerIsBetter})
	if c.Points[27].Type != TypeConcern {
		t.Errorf("without rebasing the step is not special cause: %q", c.Points[27].Type)
	}
	ch := Change{Index: 14, Reason: "new referral triage", Date: "2025-04"}
	c = mustXmR(t, v, Options{Polarity: vs.LowerIsBetter, Changes: []Change{ch}})
	if len(c.Segments) != 2 || c.Segments[0].Change != nil || *c.Segments[1].Change != ch {
		t.Fatalf("segments %+v", c.Segments)
	}
	if s := c.Segments[1]; s.Start != 14 || s.End != 28 || s.Mean != 21 || !near12(s.Upper, 26.32) || c.Points[20].Segment != 1 {
		t.Errorf("second segment %+v", s)
	}
	for i, p := range c.Points {
		if p.Type != TypeCommon {
			t.Errorf("rebased point %d: %q, want common cause", i, p.Type)
		}
	}
	// A short last segment leaves the chart too few, though the first is fine.
	c = mustXmR(t, v[:20], Options{Polarity: vs.LowerIsBetter, Changes: []Change{ch}})
	if !c.TooFew || c.Segments[0].TooFew || c.Variation != VariationNone {
		t.Errorf("short last segment: chart %v first %v variation %q", c.TooFew, c.Segments[0].TooFew, c.Variation)
	}
}

// TestScreening uses a series where screening changes a verdict: base, then
// 30, 11.5 and 4.5. Worked by hand: mean 200/17 = 11.765; moving ranges
// thirteen 2s, 20, 18.5 and 7, mean 71.5/16 = 4.469. Screening drops 20 and
// 18.5 (not below 3.267 × 4.469 = 14.60), leaving 33/14 = 2.357, so the lower
// limit is 11.765 − 6.270 = 5.495 and 4.5 is beyond it. Without screening the
// lower limit is 11.765 − 11.887 = −0.12 and 4.5 is inside.
func TestScreening(t *testing.T) {
	v := fixed(30, 11.5, 4.5)
	on := mustXmR(t, v, Options{Polarity: vs.HigherIsBetter})
	off := mustXmR(t, v, Options{Polarity: vs.HigherIsBetter, ExcelParity: true})
	mean := 200.0 / 17
	if s := on.Segments[0]; !near12(s.Mean, mean) || !near12(s.MeanMovingRange, 33.0/14) || s.Screened != 2 || s.MovingRanges != 14 {
		t.Errorf("screened: mean %g screened %d over %d", s.Mean, s.Screened, s.MovingRanges)
	}
	amrOff := 71.5 / 16
	if s := off.Segments[0]; math.Abs(s.MeanMovingRange-amrOff) > 1e-12 || s.Screened != 0 {
		t.Errorf("excel parity: amr %g, want %g", s.MeanMovingRange, amrOff)
	}
	if on.RuleSet != RuleSetMDC || off.RuleSet != RuleSetExcelParity {
		t.Errorf("rule sets %q %q", on.RuleSet, off.RuleSet)
	}
	if p := on.Points[16]; p.Cause != RuleBeyondLimits || p.Type != TypeConcern {
		t.Errorf("screened: 4.5 is %q %q, want beyond limits concern", p.Cause, p.Type)
	}
	if p := off.Points[16]; p.Rules.Has(RuleBeyondLimits) {
		t.Errorf("excel parity: 4.5 is beyond limits %g..%g", p.Lower, p.Upper)
	}
}

func TestPChart(t *testing.T) {
	// Twelve months of 100 cases and one of 25: Σnum = 11×20 + 13 + 12 = 245,
	// Σden = 1225, p̄ = 0.2. With n = 100 σ = 0.04: limits 0.08 and 0.32.
	// With n = 25 σ = 0.08: limits 0.44 and -0.04 clipped to 0, so 12/25 =
	// 0.48 is beyond; its denominator is below 30, so it is Small.
	num := []float64{20, 20, 20, 20, 20, 13, 20, 20, 20, 20, 20, 20, 12}
	den := []float64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 25}
	c, err := PChart(num, den, Options{Polarity: vs.LowerIsBetter, MinDenominator: 30})
	if err != nil {
		t.Fatal(err)
	}
	close := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if p := c.Points[0]; !close(p.Mean, 0.2) || !close(p.Upper, 0.32) || !close(p.Lower, 0.08) || !close(p.UpperTwoSigma, 0.28) || p.Small {
		t.Errorf("n=100: %+v", p)
	}
	last := c.Points[12]
	if !close(last.Upper, 0.44) || last.Lower != 0 || !close(last.UpperTwoSigma, 0.36) || !close(last.LowerTwoSigma, 0.04) {
		t.Errorf("n=25: upper %g lower %g 2σ %g %g", last.Upper, last.Lower, last.UpperTwoSigma, last.LowerTwoSigma)
	}
	if !last.Small || last.Cause != RuleBeyondLimits || last.Type != TypeConcern || c.Variation != VariationConcerningHigh {
		t.Errorf("small point: small %v cause %q type %q variation %q", last.Small, last.Cause, last.Type, c.Variation)
	}
	if c.RuleSet != RuleSetPChart {
		t.Errorf("rule set %q", c.RuleSet)
	}
	// Months at exactly p̄ are on the centre line and break runs.
	if c.Points[0].Type != TypeCommon {
		t.Errorf("point 0: %q", c.Points[0].Type)
	}
	// A zero denominator is a gap.
	c, err = PChart(append(num, 0), append(den, 0), Options{Polarity: vs.LowerIsBetter})
	if err != nil || !c.Points[13].Missing || c.Segments[0].CalcPoints != 13 {
		t.Errorf("zero denominator: err %v missing %v", err, c.Points[13].Missing)
	}
}

func TestErrors(t *testing.T) {
	v := base()
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"no polarity", func() error { _, err := XmR(v, Options{}); return err }, "unknown polarity"},
		{"negative baseline", func() error { _, err := XmR(v, Options{Polarity: vs.Neutral, Baseline: -1}); return err }, "baseline"},
		{"change at 0", func() error {
			_, err := XmR(v, Options{Polarity: vs.Neutral, Changes: []Change{{Index: 0}}})
			return err
		}, "change 0"},
		{"changes out of order", func() error {
			_, err := XmR(v, Options{Polarity: vs.Neutral, Changes: []Change{{Index: 8}, {Index: 4}}})
			return err
		}, "change 1"},
		{"change past the end", func() error {
			_, err := XmR(v, Options{Polarity: vs.Neutral, Changes: []Change{{Index: 14}}})
			return err
		}, "change 0"},
		{"NaN target", func() error { _, err := XmR(v, Options{Polarity: vs.Neutral, Target: ptr(math.NaN())}); return err }, "target"},
		{"lengths differ", func() error { _, err := PChart([]float64{1}, nil, Options{Polarity: vs.Neutral}); return err }, "denominators"},
		{"numerator above denominator", func() error {
			_, err := PChart([]float64{3}, []float64{2}, Options{Polarity: vs.Neutral})
			return err
		}, "above"},
		{"negative numerator", func() error {
			_, err := PChart([]float64{-1}, []float64{2}, Options{Polarity: vs.Neutral})
			return err
		}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want ErrOptions mentioning %q", err, tt.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	if got := (RuleBeyondLimits | RuleTrend | RuleTwoOfThree | RuleShift).String(); got != "beyond_limits,shift,trend,two_of_three" {
		t.Errorf("rule names %q", got)
	}
	if got := Rules(0).String(); got != "" {
		t.Errorf("no rules %q", got)
	}
	// Empty series: too few, no icons, no panic.
	c := mustXmR(t, nil, Options{Polarity: vs.HigherIsBetter})
	if !c.TooFew || c.Variation != VariationNone || c.Assurance != AssuranceNone {
		t.Errorf("empty: %+v", c)
	}
}

// TestFlatProcess: a series whose limits would have no width at the data's
// precision has a mean but no limits, no signal and icons "not_judged"
// (issue 11.3: a count that is almost always 0 was "special cause" at every
// point, and a constant series had limits on the mean).
func TestFlatProcess(t *testing.T) {
	target := 0.0
	series := func(n int, f func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	for _, tt := range []struct {
		name   string
		values []float64
		opt    Options
		flat   bool
	}{
		{"constant", series(13, func(int) float64 { return 5 }), Options{Polarity: vs.HigherIsBetter}, true},
		{"all zero", series(36, func(int) float64 { return 0 }), Options{Polarity: vs.LowerIsBetter, Target: &target}, true},
		// One 1 among 35 zeros: screening drops the two moving ranges of
		// 1, so the mean moving range is 0.
		{"almost always zero", series(36, func(i int) float64 { return map[bool]float64{true: 1}[i == 20] }),
			Options{Polarity: vs.LowerIsBetter, Target: &target}, true},
		// Without screening the limits are 0.30 wide: narrower than one
		// count.
		{"almost always zero, Excel parity", series(36, func(i int) float64 { return map[bool]float64{true: 1}[i == 20] }),
			Options{Polarity: vs.LowerIsBetter, Target: &target, ExcelParity: true}, true},
		// Floating-point noise on a constant percentage is no width.
		{"constant with float noise", series(20, func(i int) float64 { return 0.1 + float64(i%2)*0.2 - float64(i%2)*0.2 + 0.2 }),
			Options{Polarity: vs.HigherIsBetter}, true},
		// A real count with ordinary variation keeps its limits.
		{"varying count", series(24, func(i int) float64 { return float64(30 + (i*7)%5) }), Options{Polarity: vs.LowerIsBetter}, false},
		// Events in a quarter of the periods: the limits are wider than a
		// count, so the chart is judged (a rare-event chart would be
		// better; see the package doc).
		{"frequent events, Excel parity", series(36, func(i int) float64 { return map[bool]float64{true: 1}[i%4 == 0] }),
			Options{Polarity: vs.LowerIsBetter, ExcelParity: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := mustXmR(t, tt.values, tt.opt)
			if c.Flat != tt.flat || c.TooFew {
				t.Fatalf("Flat = %v, TooFew = %v, want Flat %v (segment %+v)", c.Flat, c.TooFew, tt.flat, c.Segments[0])
			}
			if !tt.flat {
				if c.Variation == VariationNotJudged || c.NotJudgedReason() != "" || math.IsNaN(c.Points[0].Upper) {
					t.Errorf("judged chart: variation %q, reason %q, upper %v", c.Variation, c.NotJudgedReason(), c.Points[0].Upper)
				}
				return
			}
			if c.Variation != VariationNotJudged || c.NotJudgedReason() == "" {
				t.Errorf("variation %q reason %q, want not_judged with a reason", c.Variation, c.NotJudgedReason())
			}
			wantAssurance := AssuranceNone
			if tt.opt.Target != nil {
				wantAssurance = AssuranceNotJudged
			}
			if c.Assurance != wantAssurance {
				t.Errorf("assurance %q, want %q", c.Assurance, wantAssurance)
			}
			if s := c.Segments[0]; !math.IsNaN(s.Upper) || !math.IsNaN(s.Lower) || math.IsNaN(s.Mean) {
				t.Errorf("segment %+v: want a mean and no limits", s)
			}
			for i, p := range c.Points {
				if p.Type != TypeNone || p.Rules != 0 || !math.IsNaN(p.Upper) || !math.IsNaN(p.Lower) {
					t.Fatalf("point %d: %+v, want no verdict, no rule and no limits", i, p)
				}
			}
		})
	}
	// A p-chart of no events at all (p̄ = 0) has no width either.
	num, den := make([]float64, 15), make([]float64, 15)
	for i := range den {
		den[i] = 40
	}
	c, err := PChart(num, den, Options{Polarity: vs.LowerIsBetter, Target: &target})
	if err != nil || !c.Flat || c.Variation != VariationNotJudged || c.Assurance != AssuranceNotJudged || !strings.Contains(c.NotJudgedReason(), "proportion") {
		t.Errorf("p-chart of zeros: err %v, flat %v, icons %q %q, reason %q", err, c.Flat, c.Variation, c.Assurance, c.NotJudgedReason())
	}
}
