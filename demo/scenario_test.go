package demo

import (
	"math"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// seeds are the seeds every scenario is checked over.
var seeds = []uint64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765}

// authority returns the authority series of id generated with seed.
func authority(cat *vs.Catalogue, seed uint64, id string) ([]vs.Observation, *vs.Indicator) {
	ind, _ := cat.Indicator(id)
	return series(Generate(cat, now, seed))[[2]string{id, vs.AuthorityTeam}], ind
}

// scenarioData is one generation checked by a scenario test.
type scenarioData struct {
	cat  *vs.Catalogue
	ind  *vs.Indicator
	seed uint64
	all  map[[2]string][]vs.Observation // by indicator and team
	auth []vs.Observation               // the indicator's authority series
}

// forScenario runs check for each catalogue that has the scenario's
// indicator, over every seed.
func forScenario(t *testing.T, id string, check func(t *testing.T, d scenarioData)) {
	for name, cat := range catalogues(t) {
		t.Run(name, func(t *testing.T) {
			ind, ok := cat.Indicator(id)
			if !ok {
				t.Skipf("catalogue has no %s", id)
			}
			for _, seed := range seeds {
				all := series(Generate(cat, now, seed))
				check(t, scenarioData{cat: cat, ind: ind, seed: seed, all: all, auth: all[[2]string{id, vs.AuthorityTeam}]})
			}
		})
	}
}

// slope is the least-squares slope of ys against their index.
func slope(ys []float64) float64 {
	n := float64(len(ys))
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// worseThan reports whether v is worse than boundary b for polarity p.
func worseThan(p vs.Polarity, v, b float64) bool {
	switch p {
	case vs.HigherIsBetter:
		return v < b
	case vs.LowerIsBetter:
		return v > b
	}
	return false
}

func latestBands(t *testing.T, ind *vs.Indicator, s []vs.Observation) (amber, red float64, ok bool) {
	t.Helper()
	th, found := ind.ThresholdAt(s[len(s)-1].Period)
	if !found || th.Amber == nil || th.Red == nil {
		return 0, 0, false
	}
	return *th.Amber, *th.Red, true
}

func TestScenarioHealthAssessmentBacklog(t *testing.T) {
	forScenario(t, "cla_awaiting_health_assessment", func(t *testing.T, d scenarioData) {
		s, ind, seed := d.auth, d.ind, d.seed
		v := values(s)
		if latest := v[len(v)-1]; latest < 30 || latest > 34 {
			t.Errorf("seed %d: latest backlog %v, want 30–34", seed, latest)
		}
		// The window 9–12 months before the latest month (2026-10):
		// October 2025 to January 2026.
		from, to := vs.Month(2025, time.October).First(), vs.Month(2026, time.January).Last
		peak, peakAt := -1.0, -1
		for i, o := range s {
			if !o.Period.Last.Before(from) && !to.Before(o.Period.Last) && v[i] > peak {
				peak, peakAt = v[i], i
			}
		}
		if peak < 55 {
			t.Errorf("seed %d: peak in %v–%v is %v, want ≥ 55", seed, from, to, peak)
		}
		for i, o := range s {
			if (o.Period.Last.Before(vs.Month(2025, time.September).First()) || vs.Month(2026, time.February).Last.Before(o.Period.Last)) && v[i] >= peak {
				t.Errorf("seed %d: %v at %v is as high as the peak %v; want the highest point 8–13 months back", seed, v[i], o.Period, peak)
			}
		}
		after := v[peakAt:]
		if b := slope(after); b >= 0 {
			t.Errorf("seed %d: slope after the peak is %v per %s, want falling", seed, b, ind.Frequency)
		}
		if q := len(after) / 4; mean(after[len(after)-q:]) >= mean(after[:q])-15 {
			t.Errorf("seed %d: last quarter after the peak averages %v, first quarter %v; want at least 15 lower", seed, mean(after[len(after)-q:]), mean(after[:q]))
		}
	})
}

func TestScenarioCICVisitsDecline(t *testing.T) {
	forScenario(t, "cla_visits_in_timescale", func(t *testing.T, d scenarioData) {
		s, ind, seed := d.auth, d.ind, d.seed
		v := values(s)
		if len(v) != Months {
			t.Fatalf("got %d months, want %d", len(v), Months)
		}
		stable := mean(v[:visitsStableMonths])
		for i, x := range v[:visitsStableMonths] {
			if math.Abs(x-stable) > 0.03 {
				t.Errorf("seed %d: %v is %v, more than 3 points from the two-year mean %v", seed, s[i].Period, x, stable)
			}
		}
		for i := Months - visitsDeclineMonths; i < Months; i++ {
			if v[i] >= stable {
				t.Errorf("seed %d: %v is %v, want below the two-year mean %v", seed, s[i].Period, v[i], stable)
			}
		}
		if d := v[Months-visitsDeclineMonths:]; slope(d) >= 0 || d[len(d)-1] >= v[Months-visitsDeclineMonths-1] {
			t.Errorf("seed %d: last %d months %v; want falling", seed, visitsDeclineMonths, d)
		}
		amber, red, ok := latestBands(t, ind, s)
		if !ok {
			t.Fatalf("%s has no amber and red boundaries", ind.ID)
		}
		latest := v[len(v)-1]
		if !worseThan(ind.Polarity, latest, amber) || worseThan(ind.Polarity, latest, red) {
			t.Errorf("seed %d: latest %v; want worse than amber %v but not worse than red %v", seed, latest, amber, red)
		}
		if worseThan(ind.Polarity, stable, amber) {
			t.Errorf("seed %d: two-year mean %v is worse than amber %v; want green", seed, stable, amber)
		}
	})
}

func TestScenarioAgencyReliance(t *testing.T) {
	forScenario(t, "agency_rate", func(t *testing.T, d scenarioData) {
		s, ind, seed := d.auth, d.ind, d.seed
		latest := s[len(s)-1].Value.Float64
		if latest < 0.23 || latest > 0.27 {
			t.Errorf("seed %d: latest agency rate %v, want 0.23–0.27", seed, latest)
		}
		if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok && latest <= b.Value {
			t.Errorf("seed %d: latest %v, want above England's %v", seed, latest, b.Value)
		}
	})
}

func TestScenarioCaseloadDisparity(t *testing.T) {
	forScenario(t, "caseload_avg", func(t *testing.T, d scenarioData) {
		s, cat, seed := d.auth, d.cat, d.seed
		all := d.all
		parents := map[string]bool{}
		for _, tm := range cat.Teams {
			parents[tm.Parent] = true
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, tm := range cat.Teams {
			if parents[tm.ID] {
				continue
			}
			ts := all[[2]string{"caseload_avg", tm.ID}]
			v := ts[len(ts)-1].Value.Float64
			lo, hi = min(lo, v), max(hi, v)
		}
		if hi-lo < 10 {
			t.Errorf("seed %d: team caseloads %v to %v, want at least 10 apart", seed, lo, hi)
		}
		if lo < 10 || lo > 14 || hi < 23 || hi > 27 {
			t.Errorf("seed %d: team caseloads %v to %v, want about 12 to 25", seed, lo, hi)
		}
		if a := s[len(s)-1].Value.Float64; a <= lo || a >= hi {
			t.Errorf("seed %d: authority caseload %v, want between %v and %v", seed, a, lo, hi)
		}
	})
}

func TestScenarioAlreadyRed(t *testing.T) {
	for _, id := range []string{"cla_initial_health_assessment_20d", "placements_over_20_miles"} {
		t.Run(id, func(t *testing.T) {
			forScenario(t, id, func(t *testing.T, d scenarioData) {
				s, ind, seed := d.auth, d.ind, d.seed
				amber, red, ok := latestBands(t, ind, s)
				if !ok {
					t.Fatalf("%s has no amber and red boundaries", id)
				}
				for _, o := range s[len(s)-alreadyRedMonths:] {
					if !worseThan(ind.Polarity, o.Value.Float64, red) {
						t.Errorf("seed %d: %v is %v, want worse than red %v", seed, o.Period, o.Value.Float64, red)
					}
				}
				// Where the catalogue's red boundary allows it, the story's
				// own level: about half of assessments on time.
				latest := s[len(s)-1].Value.Float64
				m := math.Max(0.02, 0.1*math.Abs(amber-red))
				if want := alreadyRedLevel(id); worseThan(ind.Polarity, want, red) && math.Abs(want-red) >= m && math.Abs(latest-want) > 0.05 {
					t.Errorf("seed %d: latest %v, want within 5 points of %v", seed, latest, want)
				}
			})
		})
	}
}

func TestScenarioExternalPlacementsRising(t *testing.T) {
	forScenario(t, "placements_external", func(t *testing.T, d scenarioData) {
		s, seed := d.auth, d.seed
		v := values(s)
		if b := slope(v); b <= 0 {
			t.Errorf("seed %d: slope %v a month, want rising", seed, b)
		}
		if first, last := mean(v[:6]), mean(v[len(v)-6:]); last < 1.2*first {
			t.Errorf("seed %d: last six months average %v, first six %v; want at least 20%% higher", seed, last, first)
		}
	})
}

func TestScenariosDescribed(t *testing.T) {
	cat := testCatalogue()
	names := map[string]bool{}
	for _, sc := range Scenarios() {
		if names[sc.Name] {
			t.Errorf("scenario %q described twice", sc.Name)
		}
		names[sc.Name] = true
		if _, ok := cat.Indicator(sc.Indicator); !ok {
			t.Errorf("scenario %q names unknown indicator %q", sc.Name, sc.Indicator)
		}
		if sc.Summary == "" {
			t.Errorf("scenario %q has no summary", sc.Name)
		}
	}
	for _, want := range []string{"health_assessment_backlog", "cic_visits_decline", "agency_reliance", "caseload_disparity", "already_red", "external_placements_rising"} {
		if !names[want] {
			t.Errorf("no scenario %q", want)
		}
	}
}

// TestScenariosSkippedWhenMissing checks that a catalogue lacking a
// scenario's indicators still gets plain data for the rest.
func TestScenariosSkippedWhenMissing(t *testing.T) {
	cat := testCatalogue()
	var kept []vs.Indicator
	for _, ind := range cat.Indicators {
		if ind.ID == "placements_over_20_miles" || ind.ID == "agency_rate" {
			kept = append(kept, ind)
		}
	}
	small := *cat
	small.Indicators = kept
	s, ind := authority(&small, 1, "placements_over_20_miles")
	if _, red, _ := latestBands(t, ind, s); !worseThan(ind.Polarity, s[len(s)-1].Value.Float64, red) {
		t.Errorf("placements_over_20_miles without its partner is not red: %v", s[len(s)-1].Value.Float64)
	}
	oneTeam := *cat
	oneTeam.Teams = []vs.Team{{ID: "only"}}
	if s, _ := authority(&oneTeam, 1, "caseload_avg"); len(s) != Months {
		t.Errorf("one team: got %d caseload months, want %d", len(s), Months)
	}
}

// TestBaselineMostlyGreenOrAmber checks that the indicators no story covers
// sit around their thresholds: at authority level, at least half of the
// periods green and hardly any red.
func TestBaselineMostlyGreenOrAmber(t *testing.T) {
	covered := map[string]bool{}
	for _, sc := range scenarios() {
		covered[sc.Indicator] = true
		for _, id := range sc.also {
			covered[id] = true
		}
	}
	for name, cat := range catalogues(t) {
		t.Run(name, func(t *testing.T) {
			counts := map[string]*[3]int{} // green, amber, red by indicator
			for _, seed := range seeds[:8] {
				all := series(Generate(cat, now, seed))
				for _, ind := range cat.Indicators {
					if covered[ind.ID] {
						continue
					}
					for _, o := range all[[2]string{ind.ID, vs.AuthorityTeam}] {
						th, ok := ind.ThresholdAt(o.Period)
						if !ok || th.Amber == nil || th.Red == nil {
							continue
						}
						if counts[ind.ID] == nil {
							counts[ind.ID] = new([3]int)
						}
						v := o.Value.Float64
						switch {
						case worseThan(ind.Polarity, v, *th.Red):
							counts[ind.ID][2]++
						case worseThan(ind.Polarity, v, *th.Amber):
							counts[ind.ID][1]++
						default:
							counts[ind.ID][0]++
						}
					}
				}
			}
			if len(counts) == 0 {
				t.Fatal("no rated indicator outside the scenarios")
			}
			for id, c := range counts {
				n := float64(c[0] + c[1] + c[2])
				if float64(c[0]) < 0.5*n || float64(c[2]) > 0.05*n {
					t.Errorf("%s: %d green, %d amber, %d red; want at least half green and at most 5%% red", id, c[0], c[1], c[2])
				}
			}
		})
	}
}
