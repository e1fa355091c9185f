// Package assess judges indicators: RAG status against the thresholds in
// force, staleness, and the Snapshot that the metrics, the web pages and the
// reports all read, so that a number never disagrees between them. It reaches
// stored history only through the domain's Reader interface.
//
// It may import the domain package only.
package assess

import (
	"math"
	"slices"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// State is an indicator's standing for a team: a RAG rating, or why there is
// none. Only green, amber and red are verdicts; a missing, suppressed or
// late figure is never green by default.
type State string

// The states, in the order of the status state set.
const (
	Green      State = "green"
	Amber      State = "amber"
	Red        State = "red"
	NoData     State = "no_data"
	Suppressed State = "suppressed"
	Stale      State = "stale"
	// Unrated is a figure with no thresholds to judge it by (a neutral
	// indicator, or one without targets). It sets no state of the state
	// set.
	Unrated State = "unrated"
)

// States lists the states of the status state set.
func States() []State { return []State{Green, Amber, Red, NoData, Suppressed, Stale} }

// RAGValue is the numeric RAG of the _rag metric: 0 green, 1 amber, 2 red.
func (s State) RAGValue() (float64, bool) {
	switch s {
	case Green:
		return 0, true
	case Amber:
		return 1, true
	case Red:
		return 2, true
	}
	return 0, false
}

// Rate judges value v of ind for period p by the threshold in force then.
// It returns Unrated when no threshold applies.
func Rate(ind *vs.Indicator, p vs.Period, v float64) State {
	if ind.Polarity == vs.Neutral {
		return Unrated
	}
	t, ok := ind.ThresholdAt(p)
	if !ok {
		return Unrated
	}
	worse := func(bound *float64) bool {
		if bound == nil {
			return false
		}
		// A value equal to a boundary is not worse than it; compare with
		// a little slack so that 0.9 entered as 90% meets a 90% target.
		const eps = 1e-9
		if ind.Polarity == vs.HigherIsBetter {
			return v < *bound-eps*math.Max(1, math.Abs(*bound))
		}
		return v > *bound+eps*math.Max(1, math.Abs(*bound))
	}
	switch {
	case worse(t.Red):
		return Red
	case worse(t.Amber):
		return Amber
	}
	return Green
}

// Grace is how long after a period's figures are normally due (one period
// after it ends) they may still arrive before they count as late.
func Grace(f vs.Frequency) time.Duration {
	const day = 24 * time.Hour
	switch f {
	case vs.Weekly, vs.Biweekly:
		return 7 * day
	case vs.Quarterly:
		return 45 * day
	case vs.Annual:
		return 120 * day
	}
	return 30 * day
}

// DueBy returns the instant by which the figures for the period after p
// should have arrived: the next period's end plus the grace.
func DueBy(p vs.Period) time.Time {
	return p.Next().End().Add(Grace(p.Freq))
}

// Item is the assessment of one indicator for one team.
type Item struct {
	Indicator *vs.Indicator
	Team      vs.Team
	// Latest is the figure for the latest period reported; Has is false
	// when nothing was ever reported.
	Latest vs.Observation
	Has    bool
	// Previous is the figure for the period before Latest, if reported.
	Previous    vs.Observation
	HasPrevious bool
	Threshold   vs.Threshold
	// Verdict is the RAG of the latest figure (Green, Amber, Red or
	// Unrated); State is the standing shown, which is Stale, NoData or
	// Suppressed when those apply.
	Verdict State
	State   State
	// BelowMinDenominator flags a figure whose denominator is under the
	// indicator's minimum: shown, but not to be alarmed on.
	BelowMinDenominator bool
	PeriodEnd           time.Time
	DueBy               time.Time
}

// Snapshot is one consistent view of every indicator for every team,
// immutable once built.
type Snapshot struct {
	Built     time.Time
	Seq       int64 // the store's change counter it was built from
	Catalogue *vs.Catalogue
	Items     []Item // by catalogue order of indicators, then teams (authority first)
	Ingest    vs.IngestStats
	index     map[[2]string]int
}

// Item returns the assessment of indicator id for team.
func (s *Snapshot) Item(id, team string) (Item, bool) {
	i, ok := s.index[[2]string{id, team}]
	if !ok {
		return Item{}, false
	}
	return s.Items[i], true
}

// Build assesses latest, the figures in force (one per indicator, team and
// period), at instant now. Figures for unknown indicators or teams are
// ignored.
func Build(cat *vs.Catalogue, latest []vs.Observation, stats vs.IngestStats, now time.Time) *Snapshot {
	type pair struct{ last, prev *vs.Observation }
	byKey := map[[2]string]*pair{}
	for i := range latest {
		o := &latest[i]
		k := [2]string{o.Indicator, o.Team}
		p := byKey[k]
		if p == nil {
			p = &pair{}
			byKey[k] = p
		}
		if p.last == nil || p.last.Period.Before(o.Period) {
			p.last = o
		}
	}
	for i := range latest {
		o := &latest[i]
		p := byKey[[2]string{o.Indicator, o.Team}]
		if o.Period == p.last.Period.Prev() {
			p.prev = o
		}
	}

	s := &Snapshot{Built: now, Catalogue: cat, Ingest: stats, index: map[[2]string]int{}}
	teams := cat.TeamIDs()
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		for _, tid := range teams {
			team, _ := cat.Team(tid)
			it := Item{Indicator: ind, Team: team, State: NoData, Verdict: Unrated}
			if p := byKey[[2]string{ind.ID, tid}]; p != nil {
				it.Latest, it.Has = *p.last, true
				if p.prev != nil {
					it.Previous, it.HasPrevious = *p.prev, true
				}
				assessLatest(&it, now)
			}
			s.index[[2]string{ind.ID, tid}] = len(s.Items)
			s.Items = append(s.Items, it)
		}
	}
	return s
}

func assessLatest(it *Item, now time.Time) {
	o, ind := it.Latest, it.Indicator
	it.PeriodEnd = o.Period.End()
	it.DueBy = DueBy(o.Period)
	it.Threshold, _ = ind.ThresholdAt(o.Period)
	if o.Denominator.Valid && ind.MinDenominator > 0 && o.Denominator.Float64 < ind.MinDenominator {
		it.BelowMinDenominator = true
	}
	switch {
	case o.Status == vs.StatusSuppressed:
		it.State = Suppressed
	case o.Status == vs.StatusMissing || !o.Value.Valid:
		it.State = NoData
	default:
		it.Verdict = Rate(ind, o.Period, o.Value.Float64)
		it.State = it.Verdict
	}
	if now.After(it.DueBy) {
		it.State = Stale
	}
}

// Counts tallies the states of the given items, for a report's cover.
func Counts(items []Item) map[State]int {
	out := map[State]int{}
	for _, it := range items {
		out[it.State]++
	}
	return out
}

// ForTeam returns the items of one team, in catalogue order.
func (s *Snapshot) ForTeam(team string) []Item {
	out := slices.Clone(s.Items)
	return slices.DeleteFunc(out, func(it Item) bool { return it.Team.ID != team })
}
