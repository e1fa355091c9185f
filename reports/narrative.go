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
		return "England"
	case vs.BenchmarkRegion:
		return "our region"
	case vs.BenchmarkStatisticalNeighbours:
		return "our statistical neighbours"
	}
	return string(s)
}

// Narrative is a plain-English account of an item's latest figure: how it
// moved, where it stands against its target and the benchmarks, and
// whether the change is real or noise. For example: "Re-referrals within
// 12 months rose to 24.1% in September 2026, above the target of 22%
// and higher than England (22.6%) and our statistical neighbours (21.9%)
// in the year to 31 March 2025; the rise is within normal variation."
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
	if c := benchmarkClause(it, format); c != "" {
		clauses = append(clauses, c)
	}
	if len(clauses) > 0 {
		b.WriteString(", ")
		b.WriteString(strings.Join(clauses, ", "))
	}
	if s := significanceClause(it); s != "" {
		b.WriteString("; ")
		b.WriteString(s)
	}
	b.WriteString(".")
	if c := standingSentence(it); c != "" {
		b.WriteString(" ")
		b.WriteString(c)
	}
	return b.String()
}

// benchmarkClause sets the figure against every benchmark in plain
// numbers, whatever the polarity: "higher than England (13%), our region
// (7.9%) and our statistical neighbours (9.5%) at 30 September 2025".
// Benchmarks of different dates each carry their own.
func benchmarkClause(it assess.Item, format func(float64) string) string {
	bcs := it.Benchmarks
	if len(bcs) == 0 {
		return ""
	}
	same := true
	for _, bc := range bcs {
		same = same && bc.Benchmark.Reference == bcs[0].Benchmark.Reference
	}
	var groups []string
	several := false // some group names more than one benchmark
	for i := 0; i < len(bcs); {
		word := position(bcs[i].Difference, bcs[i].Comparison)
		var names []string
		for ; i < len(bcs) && position(bcs[i].Difference, bcs[i].Comparison) == word; i++ {
			b := bcs[i].Benchmark
			fig := format(b.Value)
			if !same && b.Reference != "" {
				fig += ", " + b.Reference
			}
			names = append(names, fmt.Sprintf("%s (%s)", benchmarkName(b.Source), fig))
		}
		several = several || len(names) > 1
		groups = append(groups, word+" "+joinAnd(names))
	}
	out := joinAnd(groups)
	if several && len(groups) > 1 {
		// "higher than England (13%) and our region (7.9%), and in line
		// with our statistical neighbours (9.5%)"
		out = strings.Join(groups[:len(groups)-1], ", ") + ", and " + groups[len(groups)-1]
	}
	if ref := bcs[0].Benchmark.Reference; same && ref != "" {
		if strings.HasPrefix(ref, "year ") {
			ref = "in the " + ref
		}
		out += " " + ref
	}
	return out
}

// standingSentence says where the authority stands among English
// authorities on the indicator's DfE measure, for the whole authority's
// figure only: "Among the 148 English authorities with a published figure
// for 2025, Bradford (22.2%) ranked 116th, in band D (the worst quarter)."
func standingSentence(it assess.Item) string {
	st := it.Indicator.Standing
	if st == nil || st.Rank == 0 || it.Team.ID != vs.AuthorityTeam {
		return ""
	}
	ind := it.Indicator
	who := st.Authority
	if who == "" {
		who = "the authority"
	}
	if st.HasValue {
		who += " (" + ind.Format(st.Value) + ")"
	}
	quarter := map[string]string{"A": "the best quarter", "B": "the second quarter", "C": "the third quarter", "D": "the worst quarter"}[st.Band]
	order := ""
	if ind.Polarity == vs.Neutral {
		quarter = map[string]string{"A": "the highest quarter", "B": "the second quarter", "C": "the third quarter", "D": "the lowest quarter"}[st.Band]
		order = " from the highest"
	}
	return fmt.Sprintf("Among the %d English authorities with a published figure for %s, %s ranked %s%s, in band %s (%s).",
		st.Ranked, st.Year, who, ordinal(st.Rank), order, st.Band, quarter)
}

// ordinal writes n as "1st", "2nd", "3rd", "11th", "116th".
func ordinal(n int) string {
	suffix := "th"
	switch n % 10 {
	case 1:
		suffix = "st"
	case 2:
		suffix = "nd"
	case 3:
		suffix = "rd"
	}
	if n%100 >= 11 && n%100 <= 13 {
		suffix = "th"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// position says where a figure stands against a benchmark, in plain
// numbers (above or below), whatever the polarity.
func position(diff float64, c assess.Comparison) string {
	switch {
	case c == assess.Similar:
		return "in line with"
	case diff > 0:
		return "higher than"
	case diff < 0:
		return "lower than"
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
