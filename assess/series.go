package assess

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// Point is one period of an indicator's series for a team: the figure in
// force, or a total derived from the teams below when none was supplied.
type Point struct {
	vs.Observation
	// Derived is set on a total computed from the teams below (by the
	// indicator's aggregation) rather than supplied in a workbook.
	Derived bool
	// Verdict is the RAG of this period's value by the thresholds in
	// force then (Unrated when there is no value or no threshold).
	Verdict State
	// Small flags a value whose denominator is under the indicator's
	// minimum: shown, but not rated or alarmed on as if it were firm.
	Small bool
}

// HasValue reports whether the point carries a usable value: not
// suppressed, not missing.
func (p Point) HasValue() bool {
	return p.Value.Valid && p.Status != vs.StatusSuppressed && p.Status != vs.StatusMissing
}

// series groups figures by indicator and team, each sorted by period.
type series map[[2]string][]Point

func groupSeries(cat *vs.Catalogue, figures []vs.Observation) series {
	inds, teams := map[string]bool{}, map[string]bool{vs.AuthorityTeam: true}
	for i := range cat.Indicators {
		inds[cat.Indicators[i].ID] = true
	}
	for _, t := range cat.Teams {
		teams[t.ID] = true
	}
	known := func(o *vs.Observation) bool { return inds[o.Indicator] && teams[o.Team] }
	// Two passes, so that each series is allocated once at its size: a
	// whole authority's history is a few hundred thousand points.
	counts := map[[2]string]int{}
	for i := range figures {
		if o := &figures[i]; known(o) {
			counts[[2]string{o.Indicator, o.Team}]++
		}
	}
	out := make(series, len(counts))
	for i := range figures {
		o := &figures[i]
		k := [2]string{o.Indicator, o.Team}
		n, ok := counts[k]
		if !ok {
			continue
		}
		pts := out[k]
		if pts == nil {
			pts = make([]Point, 0, n)
		}
		out[k] = append(pts, Point{Observation: *o})
	}
	for _, pts := range out {
		if !slices.IsSortedFunc(pts, func(a, b Point) int { return a.Period.Compare(b.Period) }) {
			slices.SortFunc(pts, func(a, b Point) int { return a.Period.Compare(b.Period) })
		}
	}
	return out
}

// children maps each team that has teams below it to them; the authority's
// children are the top-level teams.
func children(cat *vs.Catalogue) map[string][]string {
	out := map[string][]string{}
	for _, t := range cat.Teams {
		parent := t.Parent
		if parent == "" {
			parent = vs.AuthorityTeam
		}
		out[parent] = append(out[parent], t.ID)
	}
	return out
}

// bottomUp orders the teams with children so that every team comes after
// all the teams below it, the authority last.
func bottomUp(cat *vs.Catalogue, kids map[string][]string) []string {
	depth := map[string]int{}
	var d func(id string, seen int) int
	d = func(id string, seen int) int {
		if v, ok := depth[id]; ok {
			return v
		}
		t, _ := cat.Team(id)
		if id == vs.AuthorityTeam || seen > len(cat.Teams) { // a cycle is config's to refuse
			return 0
		}
		parent := t.Parent
		if parent == "" {
			parent = vs.AuthorityTeam
		}
		v := d(parent, seen+1) + 1
		depth[id] = v
		return v
	}
	var out []string
	for id := range kids {
		if id != vs.AuthorityTeam {
			d(id, 0)
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if depth[a] != depth[b] {
			return depth[b] - depth[a]
		}
		return strings.Compare(a, b)
	})
	return append(out, vs.AuthorityTeam)
}

// aggregate derives, for every team with teams below it, the periods it
// was not given a figure for, from its teams' figures by the indicator's
// aggregation. A period is derived only when every team below that reports
// the indicator at all has a figure for it: a total of some of the teams
// would read as a fall. A total that includes a suppressed figure is
// suppressed (it would reveal the small number by subtraction), and a count
// total under the indicator's suppression threshold is suppressed too.
// Where a supplied figure and the derived total disagree beyond rounding in
// the latest period, a data-quality note is returned.
func aggregate(cat *vs.Catalogue, s series) map[[2]string][]string {
	notes := map[[2]string][]string{}
	kids := children(cat)
	order := bottomUp(cat, kids)
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		if ind.Aggregation == vs.AggregateNone || ind.Aggregation == "" {
			continue
		}
		for _, team := range order {
			var reporting [][]Point
			for _, k := range kids[team] {
				if pts := s[[2]string{ind.ID, k}]; len(pts) > 0 {
					reporting = append(reporting, pts)
				}
			}
			if len(reporting) == 0 {
				continue
			}
			derived := deriveTotals(ind, reporting)
			key := [2]string{ind.ID, team}
			supplied := s[key]
			if len(supplied) > 0 {
				if n, ok := disagreement(ind, supplied[len(supplied)-1], derived); ok {
					notes[key] = append(notes[key], n)
				}
			}
			s[key] = merge(supplied, derived)
		}
	}
	return notes
}

// deriveTotals combines the teams' series (each sorted by period) period
// by period.
func deriveTotals(ind *vs.Indicator, teams [][]Point) []Point {
	seen := map[vs.Period]struct{}{}
	for _, pts := range teams {
		for i := range pts {
			seen[pts[i].Period] = struct{}{}
		}
	}
	periods := make([]vs.Period, 0, len(seen))
	for p := range seen {
		periods = append(periods, p)
	}
	slices.SortFunc(periods, vs.Period.Compare)
	cursor := make([]int, len(teams))
	at := make([]*Point, 0, len(teams))
	var out []Point
	for _, p := range periods {
		at = at[:0]
		for t, pts := range teams {
			for cursor[t] < len(pts) && pts[cursor[t]].Period.Before(p) {
				cursor[t]++
			}
			if cursor[t] < len(pts) && pts[cursor[t]].Period == p {
				at = append(at, &pts[cursor[t]])
			}
		}
		if len(at) < len(teams) {
			continue
		}
		if pt, ok := combine(ind, p, at); ok {
			out = append(out, pt)
		}
	}
	return out
}

// combine totals one period's figures of the teams below.
func combine(ind *vs.Indicator, period vs.Period, pts []*Point) (Point, bool) {
	out := Point{Derived: true, Observation: vs.Observation{
		Key:    vs.Key{Indicator: ind.ID, Team: "", Period: period},
		Status: vs.StatusActual,
	}}
	var sum, num, den float64
	ratioOK := true
	for _, p := range pts {
		switch p.Status {
		case vs.StatusSuppressed:
			out.Status = vs.StatusSuppressed
			return out, true
		case vs.StatusMissing:
			out.Status = vs.StatusMissing
			return out, true
		case vs.StatusProvisional:
			out.Status = vs.StatusProvisional
		}
		if !p.Value.Valid {
			out.Status = vs.StatusMissing
			return out, true
		}
		sum += p.Value.Float64
		if p.Numerator.Valid && p.Denominator.Valid {
			num += p.Numerator.Float64
			den += p.Denominator.Float64
		} else {
			ratioOK = false
		}
	}
	var v float64
	switch ind.Aggregation {
	case vs.AggregateSum:
		v = sum
		if ratioOK {
			out.Numerator, out.Denominator = valid(num), valid(den)
		}
	case vs.AggregateMean:
		v = sum / float64(len(pts))
	case vs.AggregateRatio:
		if !ratioOK || den == 0 {
			return Point{}, false // no counts to total: no honest ratio
		}
		v = num / den
		if ind.Unit == vs.UnitRatePer10k {
			// A rate per 10,000 of summed counts and populations.
			v *= 10_000
		}
		out.Numerator, out.Denominator = valid(num), valid(den)
	default:
		return Point{}, false
	}
	count := v
	if ind.Aggregation == vs.AggregateRatio {
		count = num
	}
	if ind.SuppressBelow > 0 && count > 0 && count < ind.SuppressBelow {
		out.Status = vs.StatusSuppressed
		out.Numerator, out.Denominator = nullFloat(), nullFloat()
		return out, true
	}
	out.Value = valid(v)
	return out, true
}

// merge lays the derived totals under the supplied figures: a supplied
// figure wins for its period.
func merge(supplied, derived []Point) []Point {
	if len(derived) == 0 {
		return supplied
	}
	have := map[vs.Period]bool{}
	for _, p := range supplied {
		have[p.Period] = true
	}
	out := slices.Clone(supplied)
	for _, p := range derived {
		if !have[p.Period] {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Point) int { return a.Period.Compare(b.Period) })
	return out
}

// disagreement compares a supplied figure with the derived total for the
// same period: beyond rounding (half a unit of the last shown digit), it
// is a data-quality note, not an error.
func disagreement(ind *vs.Indicator, got Point, derived []Point) (string, bool) {
	i := slices.IndexFunc(derived, func(p Point) bool { return p.Period == got.Period })
	if i < 0 || !got.HasValue() || !derived[i].HasValue() {
		return "", false
	}
	want := derived[i].Value.Float64
	if math.Abs(got.Value.Float64-want) <= roundingSlack(ind) {
		return "", false
	}
	return fmt.Sprintf("the figure supplied for %s (%s) differs from the total of its teams (%s)",
		got.Period, ind.Format(got.Value.Float64), ind.Format(want)), true
}

// roundingSlack is half a unit of the last digit an indicator is shown to.
func roundingSlack(ind *vs.Indicator) float64 {
	switch ind.Unit {
	case vs.UnitPercent:
		return 0.0005 // 87.5% is shown to 0.1 of a percentage point
	case vs.UnitCount:
		return 0.5
	case vs.UnitCurrency:
		return 0.005
	}
	return 0.05
}

func valid(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

func nullFloat() sql.NullFloat64 { return sql.NullFloat64{} }
