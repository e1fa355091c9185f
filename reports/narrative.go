package reports

import (
	"fmt"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

// periodName writes a period as a report does: "September 2026",
// "2026-27 Q2", "the week ending 12 October 2026".
func periodName(p vs.Period) string {
	switch p.Freq {
	case vs.Monthly:
		return p.Last.Time().Format("January 2006")
	case vs.Weekly:
		return "the week ending " + p.Last.Time().Format("2 January 2006")
	case vs.Biweekly:
		return "the fortnight ending " + p.Last.Time().Format("2 January 2006")
	}
	return p.String()
}

// benchmarkName names a benchmark's source in a sentence.
func benchmarkName(s vs.BenchmarkSource) string {
	switch s {
	case vs.BenchmarkEngland:
		return "the England average"
	case vs.BenchmarkRegion:
		return "the regional average"
	case vs.BenchmarkStatisticalNeighbours:
		return "statistical neighbours"
	}
	return string(s)
}

// Narrative is a plain-English account of an item's latest figure: how it
// moved, where it stands against its target and the benchmarks, and
// whether the change is real or noise. For example: "Re-referrals within
// 12 months rose to 24.1% in September 2026, above the target of 22%
// and above the England average of 22.6% (year to 31 March 2025); the rise
// is within normal variation."
func Narrative(it assess.Item) string {
	ind := it.Indicator
	if !it.Has {
		return fmt.Sprintf("No figure has been reported for %s.", ind.Name)
	}
	o := it.Latest
	when := periodName(o.Period)
	switch {
	case o.Status == vs.StatusSuppressed:
		return fmt.Sprintf("The figure for %s in %s is suppressed to protect small numbers.", ind.Name, when)
	case o.Status == vs.StatusMissing || !o.Value.Valid:
		return fmt.Sprintf("The figure for %s in %s is missing.", ind.Name, when)
	}
	places := itemPlaces(it)
	format := func(v float64) string { return ind.FormatPlaces(v, places) }
	v := format(o.Value.Float64)
	var b strings.Builder
	d := it.SincePrevious
	switch d.Judgement {
	case assess.NoComparison:
		fmt.Fprintf(&b, "%s was %s in %s", ind.Name, v, when)
	case assess.Unchanged:
		how := "unchanged"
		if directionWords(it, places) != "unchanged" {
			how = "little changed" // the scorecard prints the two figures a digit apart
		}
		fmt.Fprintf(&b, "%s was %s at %s in %s", ind.Name, how, v, when)
	default:
		verb := "rose"
		if d.Arrow == assess.Down {
			verb = "fell"
		}
		fmt.Fprintf(&b, "%s %s to %s in %s", ind.Name, verb, v, when)
	}
	if it.Latest.Status == vs.StatusProvisional {
		b.WriteString(" (provisional)")
	}

	var clauses []string
	if c := targetClause(it, format); c != "" {
		clauses = append(clauses, c)
	}
	for i, bc := range it.Benchmarks {
		if i == 0 || bc.Comparison == assess.NotCompared {
			clauses = append(clauses, fmt.Sprintf("%s %s of %s (%s)", position(bc.Difference, bc.Comparison),
				benchmarkName(bc.Benchmark.Source), format(bc.Benchmark.Value), bc.Benchmark.Reference))
			continue
		}
		word := map[assess.Comparison]string{assess.Better: "better than", assess.Worse: "worse than", assess.Similar: "in line with"}[bc.Comparison]
		clauses = append(clauses, fmt.Sprintf("%s %s (%s)", word, benchmarkName(bc.Benchmark.Source), format(bc.Benchmark.Value)))
	}
	if len(clauses) > 0 {
		b.WriteString(", ")
		b.WriteString(joinAnd(clauses))
	}
	if s := significanceClause(it); s != "" {
		b.WriteString("; ")
		b.WriteString(s)
	}
	b.WriteString(".")
	return b.String()
}

// position says where a figure stands against a benchmark, in plain
// numbers (above or below), whatever the polarity.
func position(diff float64, c assess.Comparison) string {
	switch {
	case c == assess.Similar:
		return "in line with"
	case diff > 0:
		return "above"
	case diff < 0:
		return "below"
	}
	return "level with"
}

// targetClause places the figure against its target, or against the
// boundary it has crossed, written by format.
func targetClause(it assess.Item, format func(float64) string) string {
	ind, t := it.Indicator, it.Threshold
	if ind.Polarity == vs.Neutral {
		return ""
	}
	worseWord := "below"
	if ind.Polarity == vs.LowerIsBetter {
		worseWord = "above"
	}
	switch it.Verdict {
	case assess.Unrated:
		if ind.TeamUnrated(it.Team.ID) != "" {
			return "not rated: the whole authority's target is for its total, and this team has none of its own"
		}
	case assess.Green:
		if t.Target != nil {
			return "meeting the target of " + format(*t.Target)
		}
		return "within its green band"
	case assess.Amber:
		if t.Target != nil {
			return worseWord + " the target of " + format(*t.Target)
		}
		if t.Amber != nil {
			return worseWord + " the amber boundary of " + format(*t.Amber)
		}
	case assess.Red:
		if t.Red != nil {
			return fmt.Sprintf("%s the red boundary of %s", worseWord, format(*t.Red))
		}
	}
	return ""
}

// significanceClause says whether the change is real (SPC) or noise.
func significanceClause(it assess.Item) string {
	noun := "change"
	switch it.SincePrevious.Arrow {
	case assess.Up:
		noun = "rise"
	case assess.Down:
		noun = "fall"
	}
	switch it.Significance {
	case assess.Significant:
		pts := it.Control.Chart.Points
		last := pts[len(pts)-1]
		kind := ""
		switch last.Type {
		case spc.TypeConcern:
			kind = " for the worse"
		case spc.TypeImprovement:
			kind = " for the better"
		}
		return fmt.Sprintf("statistical process control shows a real change%s, not noise (%s)", kind, ruleWords(last.Cause))
	case assess.NormalVariation:
		if it.SincePrevious.Judgement == assess.Unchanged || it.SincePrevious.Judgement == assess.NoComparison {
			return "the figures are within normal variation"
		}
		return "the " + noun + " is within normal variation"
	case assess.TooFewPoints:
		return "there are too few figures yet to tell a real change from noise"
	case assess.SmallDenominator:
		return "the number of children is too small to judge the change"
	case assess.NotJudged:
		if it.Control.Chart.Flat {
			return "the figures barely vary, so statistical process control cannot tell a real change from noise"
		}
	}
	return ""
}

// joinAnd joins clauses: "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// ruleWords says in plain words which special-cause rule decided.
func ruleWords(r spc.Rules) string {
	switch {
	case r.Has(spc.RuleBeyondLimits):
		return "a figure beyond the process limits"
	case r.Has(spc.RuleTrend):
		return "seven or more figures in a row rising or falling"
	case r.Has(spc.RuleTwoOfThree):
		return "two of three figures close to the process limits"
	case r.Has(spc.RuleShift):
		return "seven or more figures in a row on one side of the average"
	}
	return "a special cause"
}
