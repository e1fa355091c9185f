package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	vs "github.com/vitalsigns/vitalsigns"
)

// Scenario is a named story built into the demo data.
type Scenario struct {
	Name      string
	Indicator string // the indicator that tells the story (the first, when several do)
	Summary   string // one or two plain-English sentences
}

// Scenarios describes the named stories built into the data, in the order
// they are applied.
func Scenarios() []Scenario {
	scs := scenarios()
	out := make([]Scenario, len(scs))
	for i, sc := range scs {
		out[i] = sc.Scenario
	}
	return out
}

// scenario is a story and how it is built. build rewrites the shape of one
// indicator the story covers; a story whose indicators are not in the
// catalogue is never built.
type scenario struct {
	Scenario
	also  []string // further indicators the story covers
	build func(sh *shape, r *rand.Rand)
}

func (sc scenario) covers(id string) bool {
	return sc.Indicator == id || slices.Contains(sc.also, id)
}

func scenarios() []scenario {
	return []scenario{
		{Scenario: Scenario{Name: "health_assessment_backlog", Indicator: "cla_awaiting_health_assessment",
			Summary: fmt.Sprintf("A backlog of children in care waiting for a health assessment rose to a peak of about %d ten to eleven months ago and has been coming down since; %d children are waiting now.", backlogPeak, backlogLatest)},
			build: healthAssessmentBacklog},
		{Scenario: Scenario{Name: "cic_visits_decline", Indicator: "cla_visits_in_timescale",
			Summary: "Visits to children in care within timescales were steady and green for over two years, then fell for eight months running; the latest month is amber and heading for red."},
			build: cicVisitsDecline},
		{Scenario: Scenario{Name: "agency_reliance", Indicator: "agency_rate",
			Summary: "About one in four social workers is employed through an agency, higher than the England average."},
			build: agencyReliance},
		{Scenario: Scenario{Name: "caseload_disparity", Indicator: "caseload_avg",
			Summary: fmt.Sprintf("Average caseloads differ sharply between teams, from about %g cases per worker in the lightest team to about %g in the heaviest.", caseloadLow, caseloadHigh)},
			build: caseloadDisparity},
		{Scenario: Scenario{Name: "already_red", Indicator: "cla_initial_health_assessment_20d",
			Summary: "Initial health assessments within 20 working days (about half) and children placed more than 20 miles from home are both red, and have been for the last four months."},
			also: []string{"placements_over_20_miles"}, build: alreadyRed},
		{Scenario: Scenario{Name: "external_placements_rising", Indicator: "placements_external",
			Summary: "The number of children in external (independent) placements has risen steadily over three years."},
			build: externalPlacementsRising},
	}
}

// The health assessment backlog: children waiting, by months before the
// latest period.
const (
	backlogStart     = 20 // three years ago
	backlogPeak      = 60 // held from 11 to 10 months ago
	backlogLatest    = 32 // the latest figure, as the committee heard
	backlogPeakFrom  = 11.0
	backlogPeakUntil = 10.0
)

// healthAssessmentBacklog: level follows the knots 36→20, 24→22, 11→60,
// 10→60, 0→32 (months ago → children) plus noise of ±2, and the latest
// figure is exactly 32.
func healthAssessmentBacklog(sh *shape, r *rand.Rand) {
	knots := [][2]float64{{36, backlogStart}, {24, backlogStart + 2}, {backlogPeakFrom, backlogPeak}, {backlogPeakUntil, backlogPeak}, {0, backlogLatest}}
	noise := ar1(r, len(sh.periods), 0.5, 2)
	for i, a := range sh.ago {
		sh.level[i] = math.Max(0, interp(a, knots)+noise[i])
	}
	sh.level[len(sh.level)-1] = backlogLatest
	sh.comment = func(sh *shape, _ *tree, f *figures) (string, string) {
		peak := 0
		for i := range f.auth {
			if f.auth[i].value > f.auth[peak].value {
				peak = i
			}
		}
		latest := f.auth[len(f.auth)-1].value
		return fmt.Sprintf("%s children in care are waiting for a health assessment, down from %s in %s.",
				sh.ind.Format(latest), sh.ind.Format(f.auth[peak].value), periodName(sh.periods[peak])),
			"Extra clinic slots agreed with the health provider; consent forms are checked weekly by the Deputy Director and Heads of Service."
	}
}

// The decline in visits to children in care.
const (
	visitsStableMonths  = 24 // the first months, steady around the stable level
	visitsDeclineMonths = 8  // the last months, each lower than the one before
)

// cicVisitsDecline: with amber boundary A and red boundary R at the latest
// period (90% and 80% if the catalogue gives none), the stable level S is
// A moved towards green by min(0.25·|A−R|, 2 points) and the latest L is R
// moved towards amber by 0.3·|A−R|. Before the decline the level is S plus
// noise of at most ±min(1.2 points, 0.2·|A−R|), and the noise over the first
// 24 months averages exactly zero. Over the last 8 months it falls in
// straight steps from S to L with noise of at most a quarter step, and the
// latest is exactly L.
func cicVisitsDecline(sh *shape, r *rand.Rand) {
	amber, red, w, ok := sh.bands()
	if !ok {
		amber, red, w = 0.90, 0.80, -1
	}
	gap := math.Abs(amber - red)
	stable := amber - w*math.Min(0.25*gap, 0.02)
	latest := red - w*0.3*gap
	sd := math.Min(0.006, 0.1*gap)
	step := math.Abs(stable-latest) / visitsDeclineMonths
	noise := ar1(r, len(sh.periods), 0.4, 2)

	firstMonths := float64(Months - visitsStableMonths) // months ago of the 24th month
	var early []int
	for i, a := range sh.ago {
		if a >= firstMonths-0.5 {
			early = append(early, i)
		}
	}
	if len(early) > 0 {
		var m float64
		for _, i := range early {
			m += noise[i]
		}
		m /= float64(len(early))
		for _, i := range early {
			noise[i] -= m
		}
	}
	for i, a := range sh.ago {
		if a >= visitsDeclineMonths-0.5 {
			sh.level[i] = stable + sd*noise[i]
			continue
		}
		k := min((visitsDeclineMonths-a)/visitsDeclineMonths, 1)
		sh.level[i] = stable + (latest-stable)*k + 0.125*step*noise[i]
	}
	sh.level[len(sh.level)-1] = latest
	sh.comment = func(sh *shape, _ *tree, f *figures) (string, string) {
		return fmt.Sprintf("Visits within timescales have fallen for %s months running, to %s. Capacity pressures and a mix of virtual and in-person visits mean some children were not seen on time.",
				words(visitsDeclineMonths), sh.ind.Format(f.auth[len(f.auth)-1].value)),
			"Team managers now review every overdue visit weekly."
	}
}

// agencyLatest is the share of social workers from agencies: one in four.
const agencyLatest = 0.25

// agencyReliance: the level eases from 27% three years ago to 25% now, with
// noise of at most ±0.8 points.
func agencyReliance(sh *shape, r *rand.Rand) {
	noise := ar1(r, len(sh.periods), 0.5, 2)
	for i, a := range sh.ago {
		sh.level[i] = interp(a, [][2]float64{{36, 0.27}, {0, agencyLatest}}) + 0.004*noise[i]
	}
	sh.comment = func(sh *shape, _ *tree, f *figures) (string, string) {
		c := fmt.Sprintf("About one in four social workers (%s) is employed through an agency", sh.ind.Format(f.auth[len(f.auth)-1].value))
		if b, ok := sh.ind.Benchmark(vs.BenchmarkEngland); ok {
			c += fmt.Sprintf(", higher than the England average of %s (%s)", sh.ind.Format(b.Value), b.Reference)
		}
		return c + ".", "Recruitment campaign under way, with an offer to agency staff who convert to permanent posts."
	}
}

// The caseload spread between the lightest and heaviest leaf teams.
const (
	caseloadLow  = 12.0
	caseloadHigh = 25.0
)

// caseloadDisparity: the leaf teams' lasting caseloads are spaced evenly
// from 12 to 25, in an order drawn from the seed; the authority level is
// their mean plus noise of at most ±0.6, and each team wobbles by at most
// ±0.6 a month. It needs two leaf teams.
func caseloadDisparity(sh *shape, r *rand.Rand) {
	if sh.leaves < 2 {
		return
	}
	levels := make([]float64, sh.leaves)
	for j := range levels {
		levels[j] = caseloadLow + (caseloadHigh-caseloadLow)*float64(j)/float64(sh.leaves-1)
	}
	perm := r.Perm(sh.leaves)
	sh.offsets = make([]float64, sh.leaves)
	for j := range sh.offsets {
		sh.offsets[j] = levels[perm[j]]
	}
	centre := mean(sh.offsets)
	demean(sh.offsets)
	sh.wobble = 0.3
	noise := ar1(r, len(sh.periods), 0.6, 2)
	for i := range sh.level {
		sh.level[i] = centre + 0.3*noise[i]
	}
	sh.comment = func(sh *shape, tr *tree, f *figures) (string, string) {
		t := len(sh.periods) - 1
		lo, hi := -1, -1
		for _, li := range tr.leaves {
			v := f.teams[li][t].value
			if lo < 0 || v < f.teams[lo][t].value {
				lo = li
			}
			if hi < 0 || v > f.teams[hi][t].value {
				hi = li
			}
		}
		if lo < 0 {
			return "", ""
		}
		return fmt.Sprintf("Caseloads range from %s in %s to %s in %s.",
				sh.ind.Format(f.teams[lo][t].value), tr.teams[lo].Name, sh.ind.Format(f.teams[hi][t].value), tr.teams[hi].Name),
			"Cases are being reallocated between teams so that every caseload is safe and manageable."
	}
}

// alreadyRedMonths is how many of the latest months are red.
const alreadyRedMonths = 4

// alreadyRedLevel is the figure each already-red indicator settles at when
// that is worse than its red boundary by a clear margin.
func alreadyRedLevel(id string) float64 {
	if id == "placements_over_20_miles" {
		return 0.30
	}
	return 0.50
}

// alreadyRed: with amber A and red R at the latest period and margin
// m = max(2 points, 0.1·|A−R|) (in the unit), the settled level V is the
// indicator's alreadyRedLevel, or R moved m towards worse when that level is
// not worse than R by m. The level sits at A moved 0.2·|A−R| towards green
// until 12 months ago, with noise, then worsens in a straight line to V
// three months ago and stays there with noise of at most ±m/2, so the last
// four months are all worse than R.
func alreadyRed(sh *shape, r *rand.Rand) {
	settled := alreadyRedLevel(sh.ind.ID)
	start, sd, m := sh.prof.level, noiseSD(sh.ind, sh.prof.level), 0.02
	if amber, red, w, ok := sh.bands(); ok {
		gap := math.Abs(amber - red)
		m = math.Max(m, 0.1*gap)
		if (settled-red)*w < m {
			settled = red + w*m
		}
		start, sd = amber-w*0.2*gap, 0.25*gap
	}
	settled = clampUnit(sh.ind.Unit, settled)
	knots := [][2]float64{{36, start}, {12, start}, {alreadyRedMonths - 1, settled}, {0, settled}}
	noise := ar1(r, len(sh.periods), 0.5, 2)
	for i, a := range sh.ago {
		amp := sd
		if a < 12 {
			amp = m / 4
		}
		sh.level[i] = clampUnit(sh.ind.Unit, interp(a, knots)+amp*noise[i])
	}
	sh.comment = func(sh *shape, _ *tree, f *figures) (string, string) {
		v := sh.ind.Format(f.auth[len(f.auth)-1].value)
		if sh.ind.ID == "placements_over_20_miles" {
			return fmt.Sprintf("%s of children in care live more than 20 miles from home.", v),
				"Sufficiency review of in-borough foster carers and residential places under way."
		}
		return fmt.Sprintf("Only %s of initial health assessments were completed within 20 working days.", v),
			"Weekly escalation to the health provider; notifications now sent on the day a child comes into care."
	}
}

// externalPlacementsRising: the level rises on a gently accelerating curve
// from start three years ago to end now, with noise of at most ±4% of end.
// end is the profile's level × 1.25, or the red boundary moved 0.2 of the
// amber band towards worse when the catalogue has bands; start is end ÷ 1.5,
// or the amber boundary moved a band's width towards green if that is lower.
func externalPlacementsRising(sh *shape, r *rand.Rand) {
	end := sh.prof.level * 1.25
	start := end / 1.5
	if amber, red, w, ok := sh.bands(); ok && w > 0 {
		gap := math.Abs(amber - red)
		end = red + 0.2*gap
		start = math.Min(end/1.5, amber-gap)
	}
	start = math.Max(start, 0)
	noise := ar1(r, len(sh.periods), 0.5, 2)
	for i, a := range sh.ago {
		x := min(max((float64(Months)-a)/float64(Months), 0), 1)
		sh.level[i] = math.Max(0, start+(end-start)*math.Pow(x, 1.3)+0.02*end*noise[i])
	}
	sh.level[len(sh.level)-1] = end
	sh.comment = func(sh *shape, _ *tree, f *figures) (string, string) {
		return fmt.Sprintf("%s children are in external placements, up from %s three years ago. Demand coming into the service remains high.",
				sh.ind.Format(f.auth[len(f.auth)-1].value), sh.ind.Format(f.auth[0].value)),
			"Two council-run children's homes planned; each new external placement is agreed by a Head of Service."
	}
}

// words spells out the small numbers commentary uses.
func words(n int) string {
	if n >= 0 && n <= 12 {
		return []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}[n]
	}
	return fmt.Sprint(n)
}

// periodName is how commentary names a period: "December 2025", or "the
// week ending 14 December 2025".
func periodName(p vs.Period) string {
	switch p.Freq {
	case vs.Weekly:
		return "the week ending " + p.Last.Time().Format("2 January 2006")
	case vs.Biweekly:
		return "the fortnight ending " + p.Last.Time().Format("2 January 2006")
	case vs.Monthly:
		return p.Last.Time().Format("January 2006")
	}
	return p.String()
}
