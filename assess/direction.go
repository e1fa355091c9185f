package assess

import (
	"math"
	"strconv"

	vs "github.com/vitalsigns/vitalsigns"
)

// Judgement says what a change means for the indicator's polarity.
type Judgement string

// The judgements of a change.
const (
	Improving Judgement = "improving"
	Worsening Judgement = "worsening"
	Unchanged Judgement = "unchanged"
	// Changed is a change of an indicator with neutral polarity: up or
	// down, neither better nor worse.
	Changed Judgement = "changed"
	// NoComparison is given when either figure is missing or suppressed.
	NoComparison Judgement = "no_comparison"
)

// Arrow is the direction a figure moved.
type Arrow string

// The arrows.
const (
	Up   Arrow = "up"
	Down Arrow = "down"
	Flat Arrow = "flat"
)

// Significance says whether a change is more than noise, from the SPC
// chart of the series.
type Significance string

// The significance verdicts.
const (
	// Significant: the latest point is a special cause (by any rule).
	Significant Significance = "significant"
	// NormalVariation: the latest point is common-cause variation.
	NormalVariation Significance = "normal_variation"
	// TooFewPoints: fewer points than SPC needs to judge (13), so no
	// verdict is given rather than a guess.
	TooFewPoints Significance = "too_few_points"
	// NotJudged: there is no value to judge (missing or suppressed), or
	// the chart's limits have no width (spc.Chart.Flat: the figures barely
	// vary, as a count that is almost always 0), so no change can be told
	// apart from noise.
	NotJudged Significance = "not_judged"
	// SmallDenominator: the latest figure's denominator is under the
	// indicator's minimum, so a few children either way move it a long
	// way; its change is not called significant or normal.
	SmallDenominator Significance = "small_denominator"
)

// Direction is the direction of travel from one figure to another.
type Direction struct {
	From      vs.Period
	Change    float64 // new − old, in the indicator's unit
	Arrow     Arrow
	Judgement Judgement
}

// Travel judges the move from old to new by the indicator's polarity. A
// change smaller than half a unit of the last digit shown (0.05 of a
// percentage point, half a count) is Unchanged: a committee would read the
// two figures as equal.
func Travel(ind *vs.Indicator, old, new Point) Direction {
	d := Direction{From: old.Period, Arrow: Flat, Judgement: NoComparison}
	if !old.HasValue() || !new.HasValue() {
		return d
	}
	d.Change = new.Value.Float64 - old.Value.Float64
	if math.Abs(d.Change) < roundingSlack(ind) {
		d.Judgement = Unchanged
		return d
	}
	d.Arrow = Up
	if d.Change < 0 {
		d.Arrow = Down
	}
	switch {
	case ind.Polarity == vs.Neutral:
		d.Judgement = Changed
	case (d.Arrow == Up) == (ind.Polarity == vs.HigherIsBetter):
		d.Judgement = Improving
	default:
		d.Judgement = Worsening
	}
	return d
}

// Words renders the direction for a report: "improving (up 2.1 points)".
func (d Direction) Words(ind *vs.Indicator) string {
	switch d.Judgement {
	case NoComparison, "":
		return "no comparison"
	case Unchanged:
		return "unchanged"
	}
	by := ind.Format(math.Abs(d.Change))
	if ind.Unit == vs.UnitPercent {
		by = trimPoints(math.Abs(d.Change) * 100)
	}
	verb := "up"
	if d.Arrow == Down {
		verb = "down"
	}
	if d.Judgement == Changed {
		return verb + " " + by
	}
	return string(d.Judgement) + " (" + verb + " " + by + ")"
}

// formatOne renders v to one decimal place, without a trailing ".0".
func formatOne(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

func trimPoints(pp float64) string {
	s := formatOne(pp)
	if s == "1" {
		return "1 percentage point"
	}
	return s + " percentage points"
}

// Comparison says how a figure stands against a benchmark, by polarity.
type Comparison string

// The comparisons with a benchmark.
const (
	Better  Comparison = "better"
	Similar Comparison = "similar"
	Worse   Comparison = "worse"
	// NotCompared: no value, or a neutral indicator (higher is neither
	// better nor worse).
	NotCompared Comparison = "not_compared"
)

// BenchmarkComparison is a figure set against one published benchmark.
type BenchmarkComparison struct {
	Benchmark  vs.Benchmark
	Difference float64 // value − benchmark, in the indicator's unit
	Comparison Comparison
}

// Compare sets value v against benchmark b. Within the similarity band it
// is Similar: one percentage point for a percentage, and 2.5% of the
// benchmark for any other unit (no publisher defines "similar"; the band is
// about the year-to-year movement of the England figures in the catalogue,
// so a council level with England reads as such).
func Compare(ind *vs.Indicator, v float64, b vs.Benchmark) BenchmarkComparison {
	c := BenchmarkComparison{Benchmark: b, Difference: v - b.Value, Comparison: NotCompared}
	if ind.Polarity == vs.Neutral {
		return c
	}
	band := 0.025 * math.Abs(b.Value)
	if ind.Unit == vs.UnitPercent {
		band = 0.01
	}
	switch {
	case math.Abs(c.Difference) <= band:
		c.Comparison = Similar
	case (c.Difference > 0) == (ind.Polarity == vs.HigherIsBetter):
		c.Comparison = Better
	default:
		c.Comparison = Worse
	}
	return c
}
