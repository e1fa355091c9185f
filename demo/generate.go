package demo

import (
	"database/sql"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// Months is how many months of history Generate covers.
const Months = 36

// Generate returns deterministic demo observations for every indicator in
// cat, for the whole authority and every team in cat.Teams, covering the 36
// months that end with the last complete month before now (weeks and
// fortnights ending on a Sunday, quarters and years ending in those months;
// see the package doc). The same cat, now and seed always give the same
// observations. Observations are ordered by indicator (catalogue order), then
// team (the authority first, then cat.Teams), then period.
func Generate(cat *vs.Catalogue, now time.Time, seed uint64) []vs.Observation {
	if cat == nil {
		return nil
	}
	sp := spanEnding(vs.LastComplete(vs.Monthly, now, time.Sunday))
	sp.lastWeek = vs.LastComplete(vs.Weekly, now, time.Sunday).Last
	tr := newTree(cat.Teams, seed)
	stories := scenarios()
	periods := map[vs.Frequency][]vs.Period{}
	size := 0
	for _, ind := range cat.Indicators {
		ps, ok := periods[ind.Frequency]
		if !ok {
			ps = sp.periods(ind.Frequency)
			periods[ind.Frequency] = ps
		}
		size += len(ps) * (len(cat.Teams) + 1)
	}
	out := make([]vs.Observation, 0, size)
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		r := rand.New(rand.NewPCG(seed, hash(ind.ID)))
		sh := newShape(ind, sp, periods[ind.Frequency], tr.leafCount())
		if len(sh.periods) == 0 {
			continue
		}
		baseline(sh, r)
		for _, sc := range stories {
			if sc.covers(ind.ID) {
				sc.build(sh, r)
			}
		}
		figs := realise(sh, tr, r)
		out = appendObservations(out, sh, tr, figs)
	}
	return out
}

// span is the stretch of time the demo covers: whole months, first day of
// the first to last day of the last.
type span struct {
	first, last vs.Date
	// lastWeek, if set, is the last complete week's Sunday: weekly and
	// fortnightly series are moved later, whole weeks at a time, to end
	// there, so that the demo's weekly figures are up to date rather than
	// weeks late; their shape is that of the 36 months.
	lastWeek vs.Date
}

func spanEnding(last vs.Period) span {
	first := last
	for range Months - 1 {
		first = first.Prev()
	}
	return span{first: first.First(), last: last.Last}
}

// periods returns the periods of frequency f that end within the span,
// oldest first.
func (s span) periods(f vs.Frequency) []vs.Period {
	var ps []vs.Period
	switch f {
	case vs.Weekly, vs.Biweekly:
		step := 7
		if f == vs.Biweekly {
			step = 14
		}
		d := s.last
		for d.Time().Weekday() != time.Sunday {
			d = d.AddDays(-1)
		}
		shift := 0
		if !s.lastWeek.IsZero() && d.Before(s.lastWeek) {
			shift = int(s.lastWeek.Time().Sub(d.Time()).Hours()/24) / step * step
		}
		for ; !d.Before(s.first); d = d.AddDays(-step) {
			ps = append(ps, vs.WeekEnding(f, d.AddDays(shift)))
		}
	default:
		p := vs.PeriodContaining(f, s.last)
		if s.last.Before(p.Last) {
			p = p.Prev()
		}
		for ; !p.Last.Before(s.first); p = p.Prev() {
			ps = append(ps, p)
		}
	}
	for i, j := 0, len(ps)-1; i < j; i, j = i+1, j-1 {
		ps[i], ps[j] = ps[j], ps[i]
	}
	return ps
}

// monthsAgo returns how many months before the end of the span d falls: 0
// for the span's last day, 1 for the last day of the month before, and
// fractions in between.
func (s span) monthsAgo(d vs.Date) float64 {
	frac := func(d vs.Date) float64 {
		days := time.Date(d.Year, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return float64(d.Day) / float64(days)
	}
	months := 12*(s.last.Year-d.Year) + int(s.last.Month) - int(d.Month)
	return float64(months) + frac(s.last) - frac(d)
}

// tree is the catalogue's teams as the demo uses them: the leaves get
// figures of their own, every other team and the authority aggregate them.
type tree struct {
	teams  []vs.Team
	leaves []int     // indices into teams of the teams with figures of their own
	under  [][]int   // for each team, the positions in leaves of the leaves under it
	size   []float64 // for each leaf, its relative size (0.6–1.4); one entry when there are no teams
	sizeOf []float64 // for each team, its relative size
}

func newTree(teams []vs.Team, seed uint64) *tree {
	tr := &tree{teams: teams, under: make([][]int, len(teams))}
	index := make(map[string]int, len(teams))
	isParent := make(map[string]bool, len(teams))
	for i, t := range teams {
		index[t.ID] = i
		if t.Parent != "" {
			isParent[t.Parent] = true
		}
	}
	for i, t := range teams {
		if !isParent[t.ID] {
			tr.leaves = append(tr.leaves, i)
		}
	}
	for pos, li := range tr.leaves {
		tr.under[li] = append(tr.under[li], pos)
		seen := map[int]bool{li: true}
		for p := teams[li].Parent; p != ""; {
			k, ok := index[p]
			if !ok || seen[k] {
				break
			}
			seen[k] = true
			tr.under[k] = append(tr.under[k], pos)
			p = teams[k].Parent
		}
	}
	// A team with no leaf under it (only possible in a cycle of parents)
	// reports on its own.
	for i := range teams {
		if len(tr.under[i]) == 0 {
			tr.under[i] = []int{len(tr.leaves)}
			tr.leaves = append(tr.leaves, i)
		}
	}
	tr.sizeOf = make([]float64, len(teams))
	for i, t := range teams {
		r := rand.New(rand.NewPCG(seed, hash("team/"+t.ID)))
		tr.sizeOf[i] = 0.6 + 0.8*r.Float64()
	}
	for _, li := range tr.leaves {
		tr.size = append(tr.size, tr.sizeOf[li])
	}
	if len(tr.size) == 0 {
		tr.size = []float64{1}
	}
	return tr
}

func (tr *tree) leafCount() int { return len(tr.size) }

// flat returns the tree in which every team is a leaf of its own.
func (tr *tree) flat() *tree {
	ft := &tree{teams: tr.teams, under: make([][]int, len(tr.teams)), sizeOf: tr.sizeOf, size: tr.sizeOf}
	for i := range tr.teams {
		ft.leaves = append(ft.leaves, i)
		ft.under[i] = []int{i}
	}
	if len(ft.size) == 0 {
		ft.size = []float64{1}
	}
	return ft
}

// shape is what one indicator's data is built to before it is split
// between teams: the authority's figure at each period and how the leaf
// teams differ from it. The baseline fills it; a scenario may rewrite it.
type shape struct {
	ind     *vs.Indicator
	prof    profile
	periods []vs.Period
	ago     []float64 // months before the span's end that each period ends
	level   []float64 // the authority figure wanted, in the indicator's unit
	leaves  int       // how many leaf teams share it
	// offsets is each leaf's lasting difference from level, in the
	// indicator's unit; nil means drawn at random. Used by ratios and means.
	offsets []float64
	// wobble is the spread of each leaf's month-to-month difference, in the
	// indicator's unit; 0 means derived from the RAG bands.
	wobble float64
	// comment writes the commentary and outcome of the latest authority
	// figure, if the story has one.
	comment func(sh *shape, tr *tree, f *figures) (commentary, outcome string)
}

func newShape(ind *vs.Indicator, sp span, periods []vs.Period, leaves int) *shape {
	sh := &shape{ind: ind, prof: profileOf(ind).withDefaults(ind), periods: periods, leaves: leaves}
	sh.ago = make([]float64, len(sh.periods))
	for i, p := range sh.periods {
		sh.ago[i] = sp.monthsAgo(p.Last)
	}
	sh.level = make([]float64, len(sh.periods))
	return sh
}

// bands returns the amber and red boundaries in force at the latest period
// and the direction in which values get worse (+1 up, -1 down). ok is false
// when the indicator is neutral or lacks either boundary.
func (sh *shape) bands() (amber, red, w float64, ok bool) {
	if len(sh.periods) == 0 {
		return 0, 0, 0, false
	}
	th, found := sh.ind.ThresholdAt(sh.periods[len(sh.periods)-1])
	w = worse(sh.ind.Polarity)
	if !found || w == 0 || th.Amber == nil || th.Red == nil {
		return 0, 0, w, false
	}
	return *th.Amber, *th.Red, w, true
}

// gap is the width of the amber band at the latest period, or a sensible
// difference for the indicator when it has none.
func (sh *shape) gap() float64 {
	if a, r, _, ok := sh.bands(); ok && a != r {
		return math.Abs(a - r)
	}
	return spread(sh.ind, sh.prof.level)
}

// baseline fills sh.level with figures that sit mostly green, sometimes
// amber, around the thresholds in force at each period, or around the
// profile's level for an indicator without thresholds, with autocorrelated
// noise and, for demand, the school-holiday dips.
func baseline(sh *shape, r *rand.Rand) {
	noise := ar1(r, len(sh.periods), 0.6, 2.5)
	drift := (2*r.Float64() - 1) * 0.06 // over the span, for unrated indicators
	for i, p := range sh.periods {
		c, sd, rated := centre(sh.ind, sh.prof, p)
		if !rated {
			c *= 1 + drift*(float64(Months)-sh.ago[i])/float64(Months)
		}
		if sh.prof.seasonal {
			c *= season(p.Last.Month)
		}
		sh.level[i] = clampUnit(sh.ind.Unit, c+sd*noise[i])
	}
}

// centre returns where an indicator's authority figure sits at period p and
// how much it varies: just on the green side of the amber boundary, varying
// by a third of the amber band, so that it is green most months, amber some
// and red almost never.
func centre(ind *vs.Indicator, prof profile, p vs.Period) (c, sd float64, rated bool) {
	w := worse(ind.Polarity)
	th, ok := ind.ThresholdAt(p)
	switch {
	case !ok || w == 0 || th.Amber == nil && th.Red == nil:
		return prof.level, noiseSD(ind, prof.level), false
	case th.Amber != nil && th.Red != nil && *th.Amber != *th.Red:
		gap := math.Abs(*th.Red - *th.Amber)
		return *th.Amber - w*0.3*gap, 0.35 * gap, true
	case th.Amber != nil:
		gap := spread(ind, *th.Amber)
		return *th.Amber - w*0.3*gap, 0.35 * gap, true
	default:
		gap := spread(ind, *th.Red)
		return *th.Red - w*1.3*gap, 0.35 * gap, true
	}
}

// noiseSD is the month-to-month variation of an unrated indicator.
func noiseSD(ind *vs.Indicator, level float64) float64 {
	switch ind.Unit {
	case vs.UnitPercent:
		return 0.015
	case vs.UnitCount:
		return math.Max(1, 0.8*math.Sqrt(level)+0.02*level)
	case vs.UnitRatePer10k:
		return 0.02 * level
	}
	return 0.04 * level
}

// season is the demand factor of a month: contacts and referrals fall in
// the summer and Christmas holidays and rise when schools go back.
func season(m time.Month) float64 {
	switch m {
	case time.August:
		return 0.9
	case time.December:
		return 0.88
	case time.September:
		return 1.06
	case time.January:
		return 1.04
	}
	return 1
}

// ar1 returns n autocorrelated standard normal values, each clipped to
// ±limit.
func ar1(r *rand.Rand, n int, phi, limit float64) []float64 {
	out := make([]float64, n)
	e := r.NormFloat64()
	for i := range out {
		if i > 0 {
			e = phi*e + math.Sqrt(1-phi*phi)*r.NormFloat64()
		}
		out[i] = clip(e, limit)
	}
	return out
}

// clipped returns a standard normal value clipped to ±2.
func clipped(r *rand.Rand) float64 { return clip(r.NormFloat64(), 2) }

func clip(v, limit float64) float64 { return min(max(v, -limit), limit) }

// interp reads the piecewise-linear curve through knots (months ago, value),
// given oldest first, at a months ago; it is flat beyond the ends.
func interp(a float64, knots [][2]float64) float64 {
	if a >= knots[0][0] {
		return knots[0][1]
	}
	for i := 1; i < len(knots); i++ {
		k0, k1 := knots[i-1], knots[i]
		if a >= k1[0] {
			return k0[1] + (k1[1]-k0[1])*(k0[0]-a)/(k0[0]-k1[0])
		}
	}
	return knots[len(knots)-1][1]
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// fig is one figure: a value and, for ratios, the numerator and denominator
// that give it.
type fig struct {
	value, num, den float64
	nd              bool // num and den are set
}

// figures is one indicator's realised data.
type figures struct {
	auth  []fig   // by period
	teams [][]fig // by team in catalogue order, by period
}

// aggregation returns how the indicator's team figures combine.
func aggregation(ind *vs.Indicator) vs.Aggregation {
	if ind.Aggregation != "" {
		return ind.Aggregation
	}
	switch ind.Unit {
	case vs.UnitCount, vs.UnitCurrency:
		return vs.AggregateSum
	case vs.UnitPercent, vs.UnitRatePer10k:
		return vs.AggregateRatio
	}
	return vs.AggregateMean
}

// realise splits the shape between the leaf teams and aggregates them up to
// the parent teams and the authority. For sums and ratios the authority
// figure is exactly the shape's level (rounded to whole counts or to a
// whole numerator); the leaves' shares carry the noise.
func realise(sh *shape, tr *tree, r *rand.Rand) *figures {
	ind := sh.ind
	agg := aggregation(ind)
	if agg == vs.AggregateNone {
		tr = tr.flat()
	}
	k, n := tr.leafCount(), len(sh.periods)
	sc := scale(ind.Unit)
	ratio := agg == vs.AggregateRatio || ind.Unit == vs.UnitPercent || ind.Unit == vs.UnitRatePer10k
	sum := !ratio && agg == vs.AggregateSum

	gap := sh.gap()
	off := sh.offsets
	if len(off) != k {
		off = make([]float64, k)
		for j := range off {
			off[j] = 0.4 * gap * clipped(r)
		}
		demean(off)
	}
	wob := sh.wobble
	if wob == 0 {
		wob = 0.3 * gap
	}
	base := make([]float64, k) // denominators for ratios, shares for sums
	clo, chi := sh.prof.cohort.bounds()
	lo, hi := float64(clo), float64(chi)
	for j := range base {
		switch {
		case ratio:
			base[j] = min(max((lo+(hi-lo)*(tr.size[j]-0.6)/0.8)*(0.9+0.2*r.Float64()), lo), hi)
		case sum:
			base[j] = tr.size[j] * math.Exp(0.3*clipped(r))
		}
	}

	leaf := make([][]fig, k)
	for j := range leaf {
		leaf[j] = make([]fig, n)
	}
	f := &figures{auth: make([]fig, n), teams: make([][]fig, len(tr.teams))}
	at := make([]fig, k)
	x := make([]float64, k)
	cnt := make([]float64, k)
	den := make([]float64, k)
	for t := range n {
		level := sh.level[t]
		switch {
		case ratio:
			frac := level / sc
			var total, wm float64
			for j := range k {
				if sh.prof.cohort == population {
					den[j] = math.Round(base[j] * (1 + 0.001*float64(t)))
				} else {
					den[j] = min(max(math.Round(base[j]*(1+0.08*clipped(r))), lo), hi)
				}
				x[j] = (off[j] + wob*clipped(r)) / sc
				total += den[j]
				wm += den[j] * x[j]
			}
			wm /= total
			ceiling := math.Inf(1)
			if ind.Unit == vs.UnitPercent {
				ceiling = 1
			}
			for j := range k {
				p := min(max(frac+x[j]-wm, 0), ceiling)
				cnt[j] = math.Round(p * den[j])
			}
			want := math.Max(math.Round(frac*total), 0)
			if ind.Unit == vs.UnitPercent {
				want = min(want, total)
			}
			reconcile(cnt, den, want, ind.Unit == vs.UnitPercent)
			for j := range k {
				at[j] = fig{value: sc * cnt[j] / den[j], num: cnt[j], den: den[j], nd: true}
			}
		case sum:
			q := quantum(ind.Unit)
			total := math.Round(level / q)
			if ind.Unit != vs.UnitCurrency {
				total = math.Max(total, 0)
			}
			for j := range k {
				x[j] = base[j] * math.Exp(0.15*clipped(r))
			}
			allocate(cnt, x, total)
			for j := range k {
				at[j] = fig{value: cnt[j] * q}
			}
		default:
			for j := range k {
				x[j] = off[j] + wob*clipped(r)
			}
			m := mean(x)
			for j := range k {
				at[j] = fig{value: roundTo(clampUnit(ind.Unit, level+x[j]-m), decimals(ind.Unit))}
			}
		}
		for j := range k {
			leaf[j][t] = at[j]
		}
		if agg == vs.AggregateNone {
			f.auth[t] = standalone(ind, level, at, ratio)
		} else {
			f.auth[t] = combine(agg, sc, at, nil)
		}
	}
	for i := range tr.teams {
		f.teams[i] = make([]fig, n)
		members := tr.under[i]
		for t := range n {
			for j := range k {
				at[j] = leaf[j][t]
			}
			f.teams[i][t] = combine(agg, sc, at, members)
		}
	}
	return f
}

// combine aggregates the figures of the leaves at positions members (all of
// them when members is nil). Sums and means are rounded to six decimal
// places, to drop floating-point dust such as 21.899999999999995.
func combine(agg vs.Aggregation, sc float64, at []fig, members []int) fig {
	if members == nil {
		members = make([]int, len(at))
		for j := range members {
			members[j] = j
		}
	}
	if len(members) == 1 {
		return at[members[0]]
	}
	var out fig
	allND := true
	for _, j := range members {
		out.value += at[j].value
		out.num += at[j].num
		out.den += at[j].den
		allND = allND && at[j].nd
	}
	switch {
	case agg == vs.AggregateRatio && allND && out.den > 0:
		return fig{value: sc * out.num / out.den, num: out.num, den: out.den, nd: true}
	case agg == vs.AggregateSum:
		return fig{value: roundTo(out.value, 6)}
	}
	return fig{value: roundTo(out.value/float64(len(members)), 6)}
}

// standalone is the authority's own figure for an indicator that does not
// aggregate: its level, as a ratio over the leaves' combined denominators
// when the indicator is a ratio.
func standalone(ind *vs.Indicator, level float64, at []fig, ratio bool) fig {
	if !ratio {
		return fig{value: roundTo(level, decimals(ind.Unit))}
	}
	var total float64
	for _, a := range at {
		total += a.den
	}
	sc := scale(ind.Unit)
	num := math.Max(math.Round(level/sc*total), 0)
	if ind.Unit == vs.UnitPercent {
		num = min(num, total)
	}
	return fig{value: sc * num / total, num: num, den: total, nd: true}
}

// reconcile moves the leaves' numerators one at a time until they add up to
// want, keeping each within 0 and (when capped) its denominator.
func reconcile(cnt, den []float64, want float64, capped bool) {
	var got float64
	for _, c := range cnt {
		got += c
	}
	diff := want - got
	for diff != 0 {
		moved := false
		for j := range cnt {
			switch {
			case diff > 0 && (!capped || cnt[j] < den[j]):
				cnt[j]++
				diff--
				moved = true
			case diff < 0 && cnt[j] > 0:
				cnt[j]--
				diff++
				moved = true
			}
			if diff == 0 {
				break
			}
		}
		if !moved {
			return
		}
	}
}

// allocate splits total whole units between leaves in proportion to their
// weights, by largest remainder, so that the parts add up to total exactly.
func allocate(out, weights []float64, total float64) {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	var given float64
	rem := make([]float64, len(weights))
	for j, w := range weights {
		share := total * w / sum
		out[j] = math.Floor(share)
		rem[j] = share - out[j]
		given += out[j]
	}
	for left := total - given; left > 0; left-- {
		best := 0
		for j := range rem {
			if rem[j] > rem[best] {
				best = j
			}
		}
		out[best]++
		rem[best] = -1
	}
}

func quantum(u vs.Unit) float64 {
	switch u {
	case vs.UnitCount:
		return 1
	case vs.UnitCurrency:
		return 0.01
	}
	return 0.1
}

func decimals(u vs.Unit) int {
	switch u {
	case vs.UnitCount:
		return 0
	case vs.UnitPercent:
		return 4
	case vs.UnitCurrency:
		return 2
	}
	return 1
}

func roundTo(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func demean(xs []float64) {
	m := mean(xs)
	for i := range xs {
		xs[i] -= m
	}
}

// provisional reports whether the latest month of the indicator is marked
// provisional: timeliness figures that late recording still changes.
func provisional(id string) bool {
	return id == "assessments_45_days" || id == "referrals"
}

// appendObservations turns one indicator's figures into observations.
func appendObservations(out []vs.Observation, sh *shape, tr *tree, f *figures) []vs.Observation {
	var commentary, outcome string
	if sh.comment != nil && len(sh.periods) > 0 {
		commentary, outcome = sh.comment(sh, tr, f)
	}
	last := len(sh.periods) - 1
	add := func(team string, figs []fig) {
		for t, p := range sh.periods {
			fg := figs[t]
			o := vs.Observation{
				Key:    vs.Key{Indicator: sh.ind.ID, Team: team, Period: p},
				Value:  sql.NullFloat64{Float64: fg.value, Valid: true},
				Status: vs.StatusActual,
			}
			if fg.nd {
				o.Numerator = sql.NullFloat64{Float64: fg.num, Valid: true}
				o.Denominator = sql.NullFloat64{Float64: fg.den, Valid: true}
			}
			if t == last && sh.ind.Frequency == vs.Monthly && provisional(sh.ind.ID) {
				o.Status = vs.StatusProvisional
			}
			if t == last && team == vs.AuthorityTeam {
				o.Commentary, o.Outcome = commentary, outcome
			}
			out = append(out, o)
		}
	}
	add(vs.AuthorityTeam, f.auth)
	for i, t := range tr.teams {
		add(t.ID, f.teams[i])
	}
	return out
}
