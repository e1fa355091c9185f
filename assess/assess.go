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
	"github.com/vitalsigns/vitalsigns/assess/forecast"
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

// Rate judges team's value v of ind for period p by the threshold in force
// for the team then (vitalsigns.Indicator.ThresholdFor: a team's own, else
// the authority's unless the indicator is a sum). It returns Unrated when
// no threshold applies.
func Rate(ind *vs.Indicator, team string, p vs.Period, v float64) State {
	if ind.Polarity == vs.Neutral {
		return Unrated
	}
	t, ok := ind.ThresholdFor(team, p)
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
	// History is every period reported (or derived from the teams below),
	// oldest first; Latest is its last point. Has is false when nothing
	// was ever reported.
	History []Point
	Latest  vs.Observation
	Has     bool
	// Derived is set when the latest figure is a total of the teams below.
	Derived bool
	// Previous is the figure for the period before Latest, if reported.
	Previous    vs.Observation
	HasPrevious bool
	// LastYear is the figure for the same period a year before Latest
	// (vitalsigns.Period.YearBefore: for weeks and fortnights, 364 days
	// before).
	LastYear    vs.Observation
	HasLastYear bool
	// SincePrevious and SinceLastYear are the directions of travel.
	SincePrevious Direction
	SinceLastYear Direction
	// Control is the SPC chart of History; Significance says whether the
	// latest figure is a special cause on it (a real change, not noise).
	Control      Control
	Significance Significance
	// Outlook is the forecast of the next periods; nil without figures.
	Outlook   *Outlook
	Threshold vs.Threshold
	// UnratedReason says why a figure has no verdict (Verdict Unrated):
	// a neutral indicator, no threshold set or in force, or a team's
	// share of a total that only the authority has thresholds for.
	UnratedReason string
	// Verdict is the RAG of the latest figure (Green, Amber, Red or
	// Unrated); State is the standing shown, which is Stale, NoData or
	// Suppressed when those apply.
	Verdict State
	State   State
	// PreviousVerdict is the RAG of the previous period's figure.
	PreviousVerdict State
	// BelowMinDenominator flags a figure whose denominator is under the
	// indicator's minimum: shown, but not to be alarmed on.
	BelowMinDenominator bool
	// Benchmarks compares the latest figure with each published benchmark.
	Benchmarks []BenchmarkComparison
	// Windows counts verdicts over the latest periods, for alerts
	// (Prometheus holds no monthly history to count over).
	Windows   Windows
	PeriodEnd time.Time
	DueBy     time.Time
	// Notes are data-quality notes, e.g. a supplied total that differs
	// from the sum of its teams.
	Notes []string
	// judgedAt is the instant an item assessed as it stood at a past
	// period was judged at (Snapshot.ItemAt).
	judgedAt time.Time
}

// Windows counts RAG verdicts over the latest periods of a series.
type Windows struct {
	// RedOfLast3 is how many of the last three periods (the latest and
	// the two before it, as periods, not as reports) were red.
	RedOfLast3 int
	// AmberRun and RedRun count the consecutive periods, ending with the
	// latest, that were amber (or red) and not below the minimum
	// denominator; a missing period ends a run.
	AmberRun int
	RedRun   int
}

// Snapshot is one consistent view of every indicator for every team,
// immutable once built.
type Snapshot struct {
	Built     time.Time
	Seq       int64 // the store's change counter it was built from
	Catalogue *vs.Catalogue
	Items     []Item // by catalogue order of indicators, then teams (authority first)
	Ingest    vs.IngestStats
	// PendingForecasts counts the series whose forecast a deferring
	// Builder left for later: their items have no Outlook yet.
	PendingForecasts int
	index            map[[2]string]int
	pending          []forecastJob
}

// Item returns the assessment of indicator id for team.
func (s *Snapshot) Item(id, team string) (Item, bool) {
	i, ok := s.index[[2]string{id, team}]
	if !ok {
		return Item{}, false
	}
	return s.Items[i], true
}

// Build assesses figures, the figures in force (one per indicator, team and
// period, as vitalsigns.Reader.Latest gives them), at instant now. Teams
// with teams below them get totals derived for the periods they were not
// given a figure for (see aggregate). Figures for unknown indicators or
// teams are ignored.
func Build(cat *vs.Catalogue, figures []vs.Observation, stats vs.IngestStats, now time.Time) *Snapshot {
	return new(Builder).Build(cat, figures, stats, now)
}

// Build is the package's Build, with the forecasts of series that have
// not changed since the builder's last Build taken from then.
func (b *Builder) Build(cat *vs.Catalogue, figures []vs.Observation, stats vs.IngestStats, now time.Time) *Snapshot {
	ser := groupSeries(cat, figures)
	notes := aggregate(cat, ser)
	s := &Snapshot{Built: now, Catalogue: cat, Ingest: stats, index: map[[2]string]int{}}
	teams := cat.TeamIDs()
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		for _, tid := range teams {
			team, _ := cat.Team(tid)
			key := [2]string{ind.ID, tid}
			it := Item{Indicator: ind, Team: team, State: NoData, Verdict: Unrated, PreviousVerdict: Unrated,
				Significance: NotJudged, Notes: notes[key]}
			if pts := ser[key]; len(pts) > 0 {
				for j := range pts {
					pts[j].Team = tid
					rate(ind, &pts[j])
				}
				it.History = pts
				assessLatest(&it, now, cat.SPCExcelParity)
			}
			s.index[key] = len(s.Items)
			s.Items = append(s.Items, it)
		}
	}
	results, pending := b.forecasts(s.Items)
	for i, res := range results {
		if it := &s.Items[i]; it.Has && len(res.Points) > 0 {
			it.Outlook = outlook(it, res, cat.Committees, now)
		}
	}
	s.pending, s.PendingForecasts = pending, len(pending)
	return s
}

// rate sets a point's verdict and small-denominator flag.
func rate(ind *vs.Indicator, p *Point) {
	p.Verdict = Unrated
	if p.Denominator.Valid && ind.MinDenominator > 0 && p.Denominator.Float64 < ind.MinDenominator {
		p.Small = true
	}
	if p.HasValue() {
		p.Verdict = Rate(ind, p.Team, p.Period, p.Value.Float64)
	}
}

// at returns the point of the history for period p.
func at(history []Point, p vs.Period) (Point, bool) {
	i, ok := slices.BinarySearchFunc(history, p, func(x Point, p vs.Period) int { return x.Period.Compare(p) })
	if !ok {
		return Point{}, false
	}
	return history[i], true
}

func assessLatest(it *Item, now time.Time, excelParity bool) {
	ind := it.Indicator
	last := it.History[len(it.History)-1]
	o := last.Observation
	it.Latest, it.Has, it.Derived = o, true, last.Derived
	it.PeriodEnd = o.Period.End()
	it.DueBy = DueBy(o.Period)
	it.Threshold, _ = ind.ThresholdFor(it.Team.ID, o.Period)
	it.BelowMinDenominator = last.Small
	prev, hasPrev := at(it.History, o.Period.Prev())
	if hasPrev {
		it.Previous, it.HasPrevious, it.PreviousVerdict = prev.Observation, true, prev.Verdict
		it.SincePrevious = Travel(ind, prev, last)
	} else {
		it.SincePrevious = Direction{From: o.Period.Prev(), Arrow: Flat, Judgement: NoComparison}
	}
	ly, hasLY := at(it.History, o.Period.YearBefore())
	if hasLY {
		it.LastYear, it.HasLastYear = ly.Observation, true
		it.SinceLastYear = Travel(ind, ly, last)
	} else {
		it.SinceLastYear = Direction{From: o.Period.YearBefore(), Arrow: Flat, Judgement: NoComparison}
	}
	switch {
	case o.Status == vs.StatusSuppressed:
		it.State = Suppressed
	case o.Status == vs.StatusMissing || !o.Value.Valid:
		it.State = NoData
	default:
		it.Verdict = last.Verdict
		it.State = it.Verdict
		for _, b := range ind.Benchmarks {
			it.Benchmarks = append(it.Benchmarks, Compare(ind, o.Value.Float64, b))
		}
	}
	it.Windows = windows(it.History)
	it.Control = control(ind, it.Team.ID, it.History, excelParity)
	if it.Verdict == Unrated {
		it.UnratedReason = unratedReason(ind, it.Team.ID, o.Period)
	}
	it.Significance = significance(it.Control, last)
	if now.After(it.DueBy) {
		it.State = Stale
	}
}

// unratedReason says why team's figure for period p has no verdict.
func unratedReason(ind *vs.Indicator, team string, p vs.Period) string {
	switch {
	case ind.Polarity == vs.Neutral:
		return "a neutral indicator: neither higher nor lower is better, so it is not rated"
	case ind.TeamUnrated(team) != "":
		return ind.TeamUnrated(team)
	}
	if _, ok := ind.ThresholdFor(team, p); !ok {
		if len(ind.Thresholds) == 0 {
			return "no target or thresholds are set"
		}
		return "no threshold is in force for this period"
	}
	return ""
}

// windows counts the verdicts of the latest periods. Periods are counted
// as periods: a gap in the reports ends a run and counts as not red.
func windows(history []Point) Windows {
	var w Windows
	last := history[len(history)-1].Period
	p := last
	for range 3 {
		if pt, ok := at(history, p); ok && pt.Verdict == Red && !pt.Small {
			w.RedOfLast3++
		}
		p = p.Prev()
	}
	for _, run := range []struct {
		state State
		n     *int
	}{{Amber, &w.AmberRun}, {Red, &w.RedRun}} {
		p := last
		for {
			pt, ok := at(history, p)
			if !ok || pt.Verdict != run.state || pt.Small {
				break
			}
			*run.n++
			p = p.Prev()
		}
	}
	return w
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

// Cover is what the front of a report says about a team's indicators: how
// many are on target and how many not ("12 on target, 23 not"), which
// turned red this period, and which are improving or worsening.
type Cover struct {
	Team vs.Team
	// OnTarget counts green verdicts; NotOnTarget amber and red. Stale
	// figures count by their verdict (the report says they are late);
	// indicators without a verdict are in Unrated or NoVerdict.
	OnTarget, NotOnTarget int
	Green, Amber, Red     int
	// NoVerdict counts indicators with no figure, a suppressed one, or
	// none rated; Unrated those with a figure but no threshold.
	NoVerdict, Unrated int
	Stale              int
	TurnedRed          []*vs.Indicator // red now, not red in the previous period
	Worsening          []*vs.Indicator // against the previous period, by polarity
	Improving          []*vs.Indicator
	Notes              int // data-quality notes
}

// CoverFor summarises the items of one team.
func (s *Snapshot) CoverFor(team string) Cover {
	t, _ := s.Catalogue.Team(team)
	return CoverOf(t, s.ForTeam(team))
}

// CoverOf summarises items (of one team, as a report shows them).
func CoverOf(team vs.Team, items []Item) Cover {
	c := Cover{Team: team}
	for _, it := range items {
		switch it.Verdict {
		case Green:
			c.Green++
		case Amber:
			c.Amber++
		case Red:
			c.Red++
			if it.PreviousVerdict != Red && it.HasPrevious {
				c.TurnedRed = append(c.TurnedRed, it.Indicator)
			}
		case Unrated:
			if it.Has && it.State != Suppressed && it.State != NoData {
				c.Unrated++
			} else {
				c.NoVerdict++
			}
		}
		if it.State == Stale {
			c.Stale++
		}
		switch it.SincePrevious.Judgement {
		case Worsening:
			c.Worsening = append(c.Worsening, it.Indicator)
		case Improving:
			c.Improving = append(c.Improving, it.Indicator)
		}
		c.Notes += len(it.Notes)
	}
	c.OnTarget, c.NotOnTarget = c.Green, c.Amber+c.Red
	return c
}

// ItemAt assesses indicator id for team as it stood at period p: from the
// history up to and including p, judged as on the day p's successor was due
// (or at the snapshot, if that is earlier), so that a past period is not
// called stale merely because later figures exist. With no figure up to p,
// the item has nothing (Has false, state no data). Its forecast is made
// from that history (tens of milliseconds for a long series); StandingAt
// is the same without it.
func (s *Snapshot) ItemAt(id, team string, p vs.Period) (Item, bool) {
	at, ok, fresh := s.itemAt(id, team, p)
	if !ok || !fresh || !at.Has {
		return at, ok
	}
	values := controlValues(&at)
	if res := forecast.Forecast(values, forecastOptions(at.Indicator.Frequency)); len(res.Points) > 0 {
		at.Outlook = outlook(&at, res, s.Catalogue.Committees, at.judgedAt)
	}
	return at, true
}

// StandingAt is ItemAt without the forecast: the figure, its RAG, direction
// and SPC as they stood at period p, for a breakdown that shows no outlook.
// For the latest period it is the snapshot's item, forecast and all.
func (s *Snapshot) StandingAt(id, team string, p vs.Period) (Item, bool) {
	at, ok, _ := s.itemAt(id, team, p)
	return at, ok
}

// itemAt assesses the item as it stood at p; fresh is false when that is
// the snapshot's own item (p at or after its latest period).
func (s *Snapshot) itemAt(id, team string, p vs.Period) (at Item, ok, fresh bool) {
	it, ok := s.Item(id, team)
	if !ok {
		return Item{}, false, false
	}
	n, _ := slices.BinarySearchFunc(it.History, p, func(x Point, p vs.Period) int { return x.Period.Compare(p) })
	if n < len(it.History) && it.History[n].Period == p {
		n++
	}
	if n == len(it.History) {
		return it, true, false
	}
	at = Item{Indicator: it.Indicator, Team: it.Team, State: NoData, Verdict: Unrated, PreviousVerdict: Unrated,
		History: it.History[:n:n], Significance: NotJudged}
	if n == 0 {
		return at, true, true
	}
	now := s.Built
	if due := DueBy(at.History[n-1].Period); due.Before(now) {
		now = due
	}
	at.judgedAt = now
	assessLatest(&at, now, s.Catalogue.SPCExcelParity)
	return at, true, true
}
