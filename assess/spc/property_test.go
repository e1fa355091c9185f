package spc

import (
	"math"
	"math/rand/v2"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

// randomCase draws a short series of small integers (so ties, points on the
// mean and long runs are common), with gaps, changes, a baseline and a
// target.
func randomCase(r *rand.Rand) ([]float64, Options) {
	n := r.IntN(45)
	v := make([]float64, n)
	level := float64(r.IntN(5))
	for i := range v {
		if r.IntN(15) == 0 {
			level += float64(r.IntN(7) - 3)
		}
		v[i] = level + float64(r.IntN(4))
		if r.IntN(12) == 0 {
			v[i] += float64(r.IntN(20) - 10)
		}
		if r.IntN(20) == 0 {
			v[i] = math.NaN()
		}
	}
	if n > 12 && r.IntN(3) == 0 {
		// a ramp of 6 to 10 points, rising or falling
		s, l, d := r.IntN(n-10), 6+r.IntN(5), float64(1-2*r.IntN(2))
		for k := 1; k < l; k++ {
			v[s+k] = v[s] + d*float64(k)
		}
	}
	opt := Options{ExcelParity: r.IntN(2) == 0, MinPoints: []int{0, 5, 8}[r.IntN(3)]}
	if r.IntN(3) == 0 {
		opt.Baseline = 5 + r.IntN(15)
	}
	if n > 10 && r.IntN(3) == 0 {
		opt.Changes = []Change{{Index: 1 + r.IntN(n-1), Reason: "r", Date: "d"}}
	}
	if r.IntN(2) == 0 {
		t := float64(r.IntN(12) - 3)
		opt.Target = &t
	}
	return v, opt
}

var swapType = map[Type]Type{TypeImprovement: TypeConcern, TypeConcern: TypeImprovement}
var swapVariation = map[Variation]Variation{
	VariationImprovingHigh: VariationConcerningHigh, VariationConcerningHigh: VariationImprovingHigh,
	VariationImprovingLow: VariationConcerningLow, VariationConcerningLow: VariationImprovingLow,
}
var mirrorVariation = map[Variation]Variation{
	VariationImprovingHigh: VariationImprovingLow, VariationImprovingLow: VariationImprovingHigh,
	VariationConcerningHigh: VariationConcerningLow, VariationConcerningLow: VariationConcerningHigh,
	VariationNeitherHigh: VariationNeitherLow, VariationNeitherLow: VariationNeitherHigh,
}
var swapAssurance = map[Assurance]Assurance{AssurancePassing: AssuranceFailing, AssuranceFailing: AssurancePassing}

func or[T comparable](m map[T]T, k T) T {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// TestPolarityProperties checks, over random series: flipping only the
// polarity swaps improvement and concern everywhere (rules, causes and sides
// unchanged; improving icons become concerning on the same side; passing and
// failing swap); negating the data (and target) and flipping the polarity
// leaves every verdict the same, mirrors every side and line, and mirrors
// the variation icon high for low.
func TestPolarityProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	counts := map[Rules]int{}
	defer func() {
		// Guard against a vacuous property: every rule must have fired.
		for _, rn := range ruleNames {
			if counts[rn.r] < 20 {
				t.Errorf("rule %s decided only %d points", rn.name, counts[rn.r])
			}
		}
	}()
	for iter := 0; iter < 3000; iter++ {
		v, opt := randomCase(r)
		hi, lo := opt, opt
		hi.Polarity, lo.Polarity = vs.HigherIsBetter, vs.LowerIsBetter
		a := mustXmR(t, v, hi)
		b := mustXmR(t, v, lo)

		neg := make([]float64, len(v))
		for i, x := range v {
			neg[i] = -x
		}
		nlo := lo
		if opt.Target != nil {
			nt := -*opt.Target
			nlo.Target = &nt
		}
		c := mustXmR(t, neg, nlo)

		nu, nn := opt, opt
		nu.Polarity, nn.Polarity = vs.Neutral, vs.Neutral
		nn.Target = nlo.Target
		d := mustXmR(t, v, nu)
		e := mustXmR(t, neg, nn)

		for i := range v {
			pa, pb, pc, pd, pe := a.Points[i], b.Points[i], c.Points[i], d.Points[i], e.Points[i]
			counts[pa.Cause]++
			if pb.Type != or(swapType, pa.Type) || pb.Rules != pa.Rules || pb.Cause != pa.Cause || pb.High != pa.High {
				t.Fatalf("case %d point %d: flip polarity: %+v vs %+v (series %v, %+v)", iter, i, pa, pb, v, opt)
			}
			if pc.Type != pa.Type || pc.Rules != pa.Rules || pc.Cause != pa.Cause || (pa.Type.Special() && pc.High == pa.High) {
				t.Fatalf("case %d point %d: negate and flip: %+v vs %+v (series %v, %+v)", iter, i, pa, pc, v, opt)
			}
			if !pa.Missing && pa.Type != TypeNone && (pc.Upper != -pa.Lower || pc.LowerTwoSigma != -pa.UpperTwoSigma || pc.Mean != -pa.Mean) {
				t.Fatalf("case %d point %d: lines not mirrored: %+v vs %+v", iter, i, pa, pc)
			}
			wantNeutral := pa.Type
			if pa.Type.Special() {
				wantNeutral = TypeNeutral
			}
			if pd.Type != wantNeutral || pe.Type != wantNeutral || pd.Rules != pa.Rules || pe.High == pd.High && pd.Type.Special() {
				t.Fatalf("case %d point %d: neutral: %+v, negated %+v, higher %+v", iter, i, pd, pe, pa)
			}
		}
		if b.Variation != or(swapVariation, a.Variation) || b.Assurance != or(swapAssurance, a.Assurance) {
			t.Fatalf("case %d: flip polarity icons %q %q vs %q %q", iter, a.Variation, a.Assurance, b.Variation, b.Assurance)
		}
		if c.Variation != or(mirrorVariation, a.Variation) || c.Assurance != a.Assurance {
			t.Fatalf("case %d: negate and flip icons %q %q vs %q %q", iter, a.Variation, a.Assurance, c.Variation, c.Assurance)
		}
		if e.Variation != or(mirrorVariation, d.Variation) || d.Assurance != AssuranceNone {
			t.Fatalf("case %d: neutral icons %q %q, negated %q", iter, d.Variation, d.Assurance, e.Variation)
		}
	}
}

// TestPChartPolarity checks the same swap on p-charts, mirroring
// proportions as 1 − p (numerator den − num).
func TestPChartPolarity(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	mirrored, special := 0, 0
	defer func() {
		// Guard against a vacuous property: most cases must be compared,
		// and many must have special causes.
		if mirrored < 800 || special < 100 {
			t.Errorf("only %d cases mirrored, %d with special cause", mirrored, special)
		}
	}()
	for iter := 0; iter < 1000; iter++ {
		n := r.IntN(30)
		num, den, mir := make([]float64, n), make([]float64, n), make([]float64, n)
		p0, jump, at := 0.3+0.15*r.Float64(), 0.0, r.IntN(n+1)
		if r.IntN(2) == 0 {
			jump = 0.25 * float64(1-2*r.IntN(2))
		}
		for i := range num {
			p := p0 + 0.15*r.Float64()
			if i >= at {
				p += jump
			}
			den[i] = float64(10 + r.IntN(60))
			num[i] = math.Floor(den[i] * p)
			mir[i] = den[i] - num[i]
		}
		opt := Options{MinDenominator: 20, MinPoints: []int{0, 6}[r.IntN(2)]}
		hi, lo := opt, opt
		hi.Polarity, lo.Polarity = vs.HigherIsBetter, vs.LowerIsBetter
		a, err1 := PChart(num, den, hi)
		b, err2 := PChart(num, den, lo)
		c, err3 := PChart(mir, den, lo)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		// 1 − p is not bit-exact, so skip the mirror where any value lies
		// within rounding of a line (a neighbour's tie moves runs too).
		anyNear := false
		for _, p := range a.Points {
			anyNear = anyNear || nearLine(p)
		}
		if !anyNear {
			mirrored++
		}
		for _, p := range a.Points {
			if p.Type.Special() {
				special++
				break
			}
		}
		for i := range num {
			pa, pb, pc := a.Points[i], b.Points[i], c.Points[i]
			if pb.Type != or(swapType, pa.Type) || pb.Rules != pa.Rules || pa.Small != (den[i] < 20) {
				t.Fatalf("case %d point %d: %+v vs %+v", iter, i, pa, pb)
			}
			if !anyNear && (pc.Type != pa.Type || pc.Rules != pa.Rules) {
				t.Fatalf("case %d point %d: mirrored %+v vs %+v", iter, i, pa, pc)
			}
		}
	}
}

// nearLine reports whether p's value is within rounding of a limit or
// two-sigma line, or near but not on the centre line (a value exactly on the
// centre is a rational equality that survives mirroring).
func nearLine(p Point) bool {
	for _, l := range []float64{p.Upper, p.Lower, p.UpperTwoSigma, p.LowerTwoSigma} {
		if math.Abs(p.Value-l) < 1e-9 {
			return true
		}
	}
	d := math.Abs(p.Value - p.Mean)
	return d > 0 && d < 1e-9
}
