package reports

import (
	"slices"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// Revision is a figure that changed since the last report was issued: what
// the committee saw, what stands now, and the file that changed it.
type Revision struct {
	Indicator *vs.Indicator
	Team      vs.Team
	Period    vs.Period
	// Old and New are as shown: a value, "suppressed", "missing", or ""
	// (not reported then, or withdrawn now); two values to the places
	// that tell them apart.
	Old, New string
	File     string // the source of the figure now in force ("" when withdrawn)
}

// Revisions compares the figures in force when the last report was issued
// (then) with those in force now, for team (every team when ""), and lists
// every figure that changed value or status, newest period first. Figures
// for periods reported for the first time are not revisions. names maps
// source ids to file names.
func Revisions(cat *vs.Catalogue, team string, then, now []vs.Observation, names map[int64]string) []Revision {
	type key struct {
		ind, team string
		p         vs.Period
	}
	old := map[key]vs.Observation{}
	for _, o := range then {
		if team == "" || o.Team == team {
			old[key{o.Indicator, o.Team, o.Period}] = o
		}
	}
	var out []Revision
	seen := map[key]bool{}
	add := func(k key, before, after *vs.Observation) {
		ind, ok := cat.Indicator(k.ind)
		if !ok {
			return
		}
		t, ok := cat.Team(k.team)
		if !ok {
			return
		}
		r := Revision{Indicator: ind, Team: t, Period: k.p}
		// Was and now are read against each other (see placesApart).
		places := ind.Unit.Decimals()
		if before != nil && after != nil {
			was, okWas := value(*before)
			is, okIs := value(*after)
			if okWas && okIs {
				places = placesApart(ind, [2]float64{was, is})
			}
		}
		if before != nil {
			r.Old = figure(ind, *before, places)
		}
		if after != nil {
			r.New, r.File = figure(ind, *after, places), names[after.SourceID]
		}
		out = append(out, r)
	}
	for i := range now {
		o := &now[i]
		if team != "" && o.Team != team {
			continue
		}
		k := key{o.Indicator, o.Team, o.Period}
		seen[k] = true
		before, ok := old[k]
		// A new commentary is not a revised figure.
		if !ok || before.Value == o.Value && before.Status == o.Status {
			continue
		}
		add(k, &before, o)
	}
	// Figures the committee saw that are no longer in force (their file
	// was withdrawn, with no earlier revision to fall back on).
	for k, before := range old {
		if !seen[k] {
			add(k, &before, nil)
		}
	}
	slices.SortFunc(out, func(a, b Revision) int {
		if c := b.Period.Compare(a.Period); c != 0 {
			return c
		}
		if a.Indicator.ID != b.Indicator.ID {
			return strings.Compare(a.Indicator.ID, b.Indicator.ID)
		}
		return strings.Compare(a.Team.ID, b.Team.ID)
	})
	return out
}
