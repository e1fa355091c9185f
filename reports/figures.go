package reports

import (
	"cmp"
	"math"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// maxExtraPlaces caps the decimal places added to tell two figures apart:
// figures closer than that (a ten-thousandth of a percentage point) print
// alike, as they are alike to any reader.
const maxExtraPlaces = 3

// placesApart returns the decimal places to print figures to that are set
// against each other in one sentence or one table row; pairs are the
// figures compared.
//
// The rule: a figure prints to its unit's default places
// (vs.Unit.Decimals: one for a percentage, none for a count, pence for
// currency). Where two figures compared would then print equal although
// they differ (4.047% against a target of 4%: "4%, above the target of
// 4%"), every figure of the sentence or row gets one more place, then
// another, until each pair that differs prints differently, up to
// maxExtraPlaces more: "4.05%, above the target of 4%". A pair still
// printed alike at that cap adds nothing. Rounding never reverses an
// order, so a figure below its target never prints above it (the check
// compares the order all the same, not only equality). Trailing zeros
// are dropped as at the default places, so the target stays "4%". A
// change between two figures is the difference of the figures as printed
// (directionWords), so that it agrees with them: 4.05% from 4.15% is "down
// 0.1 percentage points".
func placesApart(ind *vs.Indicator, pairs ...[2]float64) int {
	def := ind.Unit.Decimals()
	places := def
	for _, p := range pairs {
		if p[0] == p[1] || math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			continue
		}
		for n := def; n <= def+maxExtraPlaces; n++ {
			if cmp.Compare(ind.Rounded(p[0], n), ind.Rounded(p[1], n)) == cmp.Compare(p[0], p[1]) {
				places = max(places, n)
				break
			}
		}
	}
	return places
}

// allPairs pairs every figure with every other, for a row whose figures
// are all read against each other (a forecast and its intervals).
func allPairs(v ...float64) [][2]float64 {
	var out [][2]float64
	for i := range v {
		for j := i + 1; j < len(v); j++ {
			out = append(out, [2]float64{v[i], v[j]})
		}
	}
	return out
}

// value is an observation's figure, if it has one to print.
func value(o vs.Observation) (float64, bool) {
	if !o.Value.Valid || o.Status == vs.StatusSuppressed || o.Status == vs.StatusMissing {
		return 0, false
	}
	return o.Value.Float64, true
}

// itemPlaces is the decimal places an item's figures print to, in its
// narrative and its scorecard row alike (so that the latest figure reads
// the same in both): the latest figure is set against the previous one
// (unless assess judged them unchanged, less than half a unit of the last
// default place apart), the target and the amber and red boundaries (the
// narrative names one, and the row's RAG rates the figure against them)
// and each benchmark.
func itemPlaces(it assess.Item) int {
	ind := it.Indicator
	latest, ok := value(it.Latest)
	if !it.Has || !ok {
		return ind.Unit.Decimals()
	}
	var others []float64
	if j := it.SincePrevious.Judgement; it.HasPrevious && j != assess.Unchanged && j != assess.NoComparison {
		if v, ok := value(it.Previous); ok {
			others = append(others, v)
		}
	}
	for _, b := range []*float64{it.Threshold.Target, it.Threshold.Amber, it.Threshold.Red} {
		if b != nil {
			others = append(others, *b)
		}
	}
	for _, b := range ind.Benchmarks {
		others = append(others, b.Value)
	}
	pairs := make([][2]float64, len(others))
	for i, o := range others {
		pairs[i] = [2]float64{latest, o}
	}
	return placesApart(ind, pairs...)
}

// directionWords is the direction of travel for a report, as
// assess.Direction.Words gives it ("improving (down 0.1 percentage
// points)"), but with the change worked out from the figures as printed to
// places, so that it agrees with them. Two figures assess judges unchanged
// that still print a digit apart (4.049% and 4.051%, as 4% and 4.1%) are
// "little changed (up 0.1 percentage points)".
func directionWords(it assess.Item, places int) string {
	d, ind := it.SincePrevious, it.Indicator
	latest, okL := value(it.Latest)
	previous, okP := value(it.Previous)
	if d.Judgement == assess.NoComparison || d.Judgement == "" || !okL || !okP {
		return "no comparison"
	}
	change := ind.Rounded(latest, places) - ind.Rounded(previous, places)
	verb := "up"
	if change < 0 {
		verb = "down"
	}
	by := verb + " " + changeAmount(ind, math.Abs(change), places)
	switch d.Judgement {
	case assess.Unchanged:
		if change == 0 {
			return "unchanged"
		}
		return "little changed (" + by + ")"
	case assess.Changed:
		return by
	}
	return string(d.Judgement) + " (" + by + ")"
}

// changeAmount writes the size of a change: percentage points for a
// percentage ("0.1 percentage points", "1 percentage point"), else in the
// unit ("12", "£3.50").
func changeAmount(ind *vs.Indicator, by float64, places int) string {
	s := ind.FormatPlaces(by, places)
	if ind.Unit != vs.UnitPercent {
		return s
	}
	s = strings.TrimSuffix(s, "%")
	if s == "1" {
		return "1 percentage point"
	}
	return s + " percentage points"
}
