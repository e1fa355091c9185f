package demo

import (
	"math"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// now is the instant the tests generate at: the last complete month is
// October 2026.
var now = time.Date(2026, time.November, 23, 10, 0, 0, 0, time.UTC)

func ptr(v float64) *float64 { return &v }

// testCatalogue is a catalogue with every id in catalogue.md, bands like
// the built-in ones, and the demo teams. It does not depend on config.
func testCatalogue() *vs.Catalogue {
	type row struct {
		id         string
		unit       vs.Unit
		pol        vs.Polarity
		freq       vs.Frequency
		amber, red float64
		england    float64
	}
	rows := []row{
		{"contacts", vs.UnitCount, vs.Neutral, vs.Monthly, 0, 0, 0},
		{"contact_referral_conversion", vs.UnitPercent, vs.Neutral, vs.Monthly, 0, 0, 0},
		{"referrals", vs.UnitCount, vs.Neutral, vs.Monthly, 0, 0, 0},
		{"rereferrals_12m", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.22, 0.25, 0.226},
		{"referrals_nfa", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.08, 0.10, 0.065},
		{"assessments_45_days", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.85, 0.80, 0},
		{"cin_rate_per_10k", vs.UnitRatePer10k, vs.Neutral, vs.Monthly, 0, 0, 0},
		{"cp_rate_per_10k", vs.UnitRatePer10k, vs.Neutral, vs.Monthly, 0, 0, 0},
		{"cp_second_subsequent", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.23, 0.26, 0.245},
		{"cp_visits_in_timescale", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.90, 0.85, 0},
		{"cla_rate_per_10k", vs.UnitRatePer10k, vs.Neutral, vs.Monthly, 0, 0, 67},
		{"cla_visits_in_timescale", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.90, 0.85, 0},
		{"cla_initial_health_assessment_20d", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.80, 0.70, 0},
		{"cla_review_health_assessment_on_time", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.90, 0.85, 0},
		{"cla_awaiting_health_assessment", vs.UnitCount, vs.LowerIsBetter, vs.Weekly, 20, 30, 0},
		{"cla_dental_checks", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.80, 0.70, 0},
		{"placement_3plus_moves", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.10, 0.12, 0.10},
		{"placement_long_term_stability", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.70, 0.65, 0.69},
		{"placements_over_20_miles", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.15, 0.20, 0},
		{"placements_external", vs.UnitCount, vs.LowerIsBetter, vs.Monthly, 50, 60, 0},
		{"care_leavers_eet", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.55, 0.50, 0.54},
		{"care_leavers_suitable_accommodation", vs.UnitPercent, vs.HigherIsBetter, vs.Monthly, 0.90, 0.85, 0.89},
		{"caseload_avg", vs.UnitNumber, vs.LowerIsBetter, vs.Monthly, 18, 22, 15.2},
		{"social_workers_over_caseload_limit", vs.UnitCount, vs.LowerIsBetter, vs.Monthly, 5, 10, 0},
		{"agency_rate", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.15, 0.20, 0.13},
		{"vacancy_rate", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.15, 0.20, 0.142},
		{"turnover_rate", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.14, 0.18, 0.118},
		{"sickness_absence_rate", vs.UnitPercent, vs.LowerIsBetter, vs.Monthly, 0.04, 0.05, 0.035},
	}
	cat := &vs.Catalogue{}
	for _, r := range rows {
		ind := vs.Indicator{ID: r.id, Name: r.id, Unit: r.unit, Polarity: r.pol, Frequency: r.freq}
		switch r.unit {
		case vs.UnitCount:
			ind.Aggregation = vs.AggregateSum
		case vs.UnitPercent, vs.UnitRatePer10k:
			ind.Aggregation = vs.AggregateRatio
		default:
			ind.Aggregation = vs.AggregateMean
		}
		if r.pol != vs.Neutral {
			ind.Thresholds = []vs.Threshold{{Amber: ptr(r.amber), Red: ptr(r.red)}}
		}
		if r.england != 0 {
			ind.Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: r.england, Reference: "at 30 September 2025"}}
		}
		cat.Indicators = append(cat.Indicators, ind)
	}
	// A target that changed with the financial year.
	rr, _ := cat.Indicator("cla_review_health_assessment_on_time")
	rr.Thresholds = append([]vs.Threshold{{Amber: ptr(0.85), Red: ptr(0.80)}},
		vs.Threshold{From: vs.Date{Year: 2025, Month: time.April, Day: 1}, Amber: ptr(0.90), Red: ptr(0.85)})
	return Catalogue(cat)
}

// catalogues returns the catalogues the tests run over: the test catalogue
// and, once it has indicators, the built-in one with the demo teams.
func catalogues(t *testing.T) map[string]*vs.Catalogue {
	t.Helper()
	cats := map[string]*vs.Catalogue{"test": testCatalogue()}
	def, err := config.Default()
	if err != nil {
		t.Fatalf("config.Default: %v", err)
	}
	if len(def.Indicators) > 0 {
		cats["default"] = Catalogue(def)
	} else {
		t.Log("built-in catalogue is empty: testing the test catalogue only")
	}
	return cats
}

// series groups observations by indicator and team, in the order given.
func series(obs []vs.Observation) map[[2]string][]vs.Observation {
	out := map[[2]string][]vs.Observation{}
	for _, o := range obs {
		k := [2]string{o.Indicator, o.Team}
		out[k] = append(out[k], o)
	}
	return out
}

func values(obs []vs.Observation) []float64 {
	out := make([]float64, len(obs))
	for i, o := range obs {
		out[i] = o.Value.Float64
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	cat := testCatalogue()
	a := Generate(cat, now, 1)
	b := Generate(cat, now, 1)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("Generate(seed 1) twice differs (-first +second):\n%s", diff)
	}
	c := Generate(cat, now, 2)
	if len(c) != len(a) {
		t.Fatalf("seed 2 gave %d observations, seed 1 %d; want the same count", len(c), len(a))
	}
	if cmp.Equal(a, c) {
		t.Errorf("Generate(seed 1) and Generate(seed 2) are identical; want different figures")
	}
}

func TestGenerateAddingAnIndicatorLeavesOthersAlone(t *testing.T) {
	cat := testCatalogue()
	fewer := *cat
	fewer.Indicators = slices.DeleteFunc(slices.Clone(cat.Indicators), func(ind vs.Indicator) bool { return ind.ID == "contacts" })
	all := series(Generate(cat, now, 7))
	some := series(Generate(&fewer, now, 7))
	for k, got := range some {
		if diff := cmp.Diff(all[k], got); diff != "" {
			t.Errorf("%v changed when contacts was removed (-with +without):\n%s", k, diff)
		}
	}
}

func TestGenerateCoverage(t *testing.T) {
	for name, cat := range catalogues(t) {
		t.Run(name, func(t *testing.T) {
			obs := Generate(cat, now, 42)
			got := series(obs)
			seen := map[vs.Key]bool{}
			for _, o := range obs {
				if seen[o.Key] {
					t.Errorf("duplicate observation %v %v %v", o.Indicator, o.Team, o.Period)
				}
				seen[o.Key] = true
			}
			if want := len(cat.Indicators) * len(cat.TeamIDs()); len(got) != want {
				t.Errorf("got %d indicator×team series, want %d", len(got), want)
			}
			wantCount := map[vs.Frequency][2]int{
				vs.Monthly: {36, 36}, vs.Weekly: {156, 157}, vs.Biweekly: {78, 79},
				vs.Quarterly: {12, 12}, vs.Annual: {3, 3},
			}
			for _, ind := range cat.Indicators {
				for _, team := range cat.TeamIDs() {
					s := got[[2]string{ind.ID, team}]
					n := wantCount[ind.Frequency]
					if len(s) < n[0] || len(s) > n[1] {
						t.Errorf("%s/%s: got %d points, want %d–%d", ind.ID, team, len(s), n[0], n[1])
						continue
					}
					for i, o := range s {
						if o.Period.Freq != ind.Frequency {
							t.Errorf("%s/%s: period %v has frequency %s, want %s", ind.ID, team, o.Period, o.Period.Freq, ind.Frequency)
						}
						if i > 0 && o.Period != s[i-1].Period.Next() {
							t.Errorf("%s/%s: period %v follows %v; want consecutive periods", ind.ID, team, o.Period, s[i-1].Period)
						}
						if (ind.Frequency == vs.Weekly || ind.Frequency == vs.Biweekly) && o.Period.Last.Time().Weekday() != time.Sunday {
							t.Errorf("%s/%s: week %v does not end on a Sunday", ind.ID, team, o.Period)
						}
					}
					first, last := s[0].Period, s[len(s)-1].Period
					end := vs.Month(2026, time.October).Last
					if ind.Frequency == vs.Weekly || ind.Frequency == vs.Biweekly {
						end = vs.Date{Year: 2026, Month: time.November, Day: 22} // the last complete week before now
					}
					if first.Last.Before(vs.Month(2023, time.November).First()) || end.Before(last.Last) {
						t.Errorf("%s/%s: periods %v to %v; want within 2023-11 to %v", ind.ID, team, first, last, end)
					}
					if ind.Frequency == vs.Monthly && (first != vs.Month(2023, time.November) || last != vs.Month(2026, time.October)) {
						t.Errorf("%s/%s: months %v to %v; want 2023-11 to 2026-10", ind.ID, team, first, last)
					}
				}
			}
		})
	}
}

func TestGenerateLatestMonth(t *testing.T) {
	london := vs.London()
	// week is the Sunday that ends the latest complete week: weekly
	// figures are up to date, not cut at the end of the latest month.
	tests := []struct {
		name string
		now  time.Time
		want vs.Period
		week vs.Date
	}{
		{"mid-month", now, vs.Month(2026, time.October), vs.Date{Year: 2026, Month: time.November, Day: 22}},
		{"first of the month", time.Date(2026, time.December, 1, 9, 0, 0, 0, london), vs.Month(2026, time.November), vs.Date{Year: 2026, Month: time.November, Day: 29}},
		{"just after midnight on the first, London summer time", time.Date(2026, time.June, 30, 23, 30, 0, 0, time.UTC), vs.Month(2026, time.June), vs.Date{Year: 2026, Month: time.June, Day: 28}},
		{"last minute of the month", time.Date(2026, time.June, 30, 23, 59, 0, 0, london), vs.Month(2026, time.May), vs.Date{Year: 2026, Month: time.June, Day: 28}},
		{"new year", time.Date(2027, time.January, 1, 0, 0, 0, 0, london), vs.Month(2026, time.December), vs.Date{Year: 2026, Month: time.December, Day: 27}},
		{"a Monday", time.Date(2026, time.November, 23, 0, 30, 0, 0, london), vs.Month(2026, time.October), vs.Date{Year: 2026, Month: time.November, Day: 22}},
	}
	cat := testCatalogue()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := series(Generate(cat, tt.now, 3))[[2]string{"referrals", vs.AuthorityTeam}]
			if len(s) != Months {
				t.Fatalf("got %d months, want %d", len(s), Months)
			}
			if got := s[len(s)-1].Period; got != tt.want {
				t.Errorf("latest month = %v, want %v", got, tt.want)
			}
			w := series(Generate(cat, tt.now, 3))[[2]string{"cla_awaiting_health_assessment", vs.AuthorityTeam}]
			if last := w[len(w)-1].Period.Last; last != tt.week {
				t.Errorf("latest week ends %v; want %v", last, tt.week)
			}
		})
	}
}

func isWhole(v float64) bool { return v == math.Trunc(v) }

func TestGenerateValues(t *testing.T) {
	for name, cat := range catalogues(t) {
		t.Run(name, func(t *testing.T) {
			obs := Generate(cat, now, 5)
			for _, o := range obs {
				ind, _ := cat.Indicator(o.Indicator)
				if !o.Value.Valid || math.IsNaN(o.Value.Float64) || math.IsInf(o.Value.Float64, 0) {
					t.Fatalf("%v: value %v, want a finite value", o.Key, o.Value)
				}
				v := o.Value.Float64
				switch o.Status {
				case vs.StatusActual:
				case vs.StatusProvisional:
					if o.Period != vs.Month(2026, time.October) {
						t.Errorf("%v: provisional before the latest month", o.Key)
					}
				default:
					t.Errorf("%v: status %q, want actual or provisional", o.Key, o.Status)
				}
				switch ind.Unit {
				case vs.UnitPercent, vs.UnitRatePer10k:
					if !o.Numerator.Valid || !o.Denominator.Valid {
						t.Errorf("%v: a %s without numerator and denominator", o.Key, ind.Unit)
						continue
					}
					n, d := o.Numerator.Float64, o.Denominator.Float64
					if !isWhole(n) || !isWhole(d) || n < 0 || d <= 0 {
						t.Errorf("%v: numerator %v, denominator %v; want whole numbers, denominator positive", o.Key, n, d)
					}
					if got := scale(ind.Unit) * n / d; math.Abs(got-v) > 1e-12 {
						t.Errorf("%v: value %v but %v/%v gives %v", o.Key, v, n, d, got)
					}
					if ind.Unit == vs.UnitPercent && (v < 0 || v > 1 || n > d) {
						t.Errorf("%v: percentage %v (%v/%v) outside 0–1", o.Key, v, n, d)
					}
					if ind.Unit == vs.UnitPercent && o.Team != vs.AuthorityTeam && !slices.ContainsFunc(cat.Teams, func(t vs.Team) bool { return t.Parent == o.Team }) {
						if lo, hi := profileOf(ind).withDefaults(ind).cohort.bounds(); d < float64(lo) || d > float64(hi) {
							t.Errorf("%v: team cohort %v outside %d–%d", o.Key, d, lo, hi)
						}
					}
				case vs.UnitCount:
					if !isWhole(v) || v < 0 {
						t.Errorf("%v: count %v, want a whole number ≥ 0", o.Key, v)
					}
				default:
					if v < 0 {
						t.Errorf("%v: %v, want ≥ 0", o.Key, v)
					}
				}
			}
		})
	}
}

// aggregate combines team figures as the domain defines each aggregation.
func aggregate(agg vs.Aggregation, sc float64, obs []vs.Observation) (value, num, den float64) {
	for _, o := range obs {
		value += o.Value.Float64
		num += o.Numerator.Float64
		den += o.Denominator.Float64
	}
	switch agg {
	case vs.AggregateRatio:
		return sc * num / den, num, den
	case vs.AggregateMean:
		return value / float64(len(obs)), 0, 0
	}
	return value, 0, 0
}

func TestGenerateAuthorityIsAggregateOfTeams(t *testing.T) {
	for name, cat := range catalogues(t) {
		t.Run(name, func(t *testing.T) {
			got := series(Generate(cat, now, 9))
			children := map[string][]string{}
			var roots, leaves []string
			for _, tm := range cat.Teams {
				if tm.Parent == "" {
					roots = append(roots, tm.ID)
				} else {
					children[tm.Parent] = append(children[tm.Parent], tm.ID)
				}
			}
			for _, tm := range cat.Teams {
				if len(children[tm.ID]) == 0 {
					leaves = append(leaves, tm.ID)
				}
			}
			for _, ind := range cat.Indicators {
				agg := aggregation(&ind)
				if agg == vs.AggregateNone {
					continue
				}
				check := func(whole string, parts []string) {
					w := got[[2]string{ind.ID, whole}]
					for i, o := range w {
						at := make([]vs.Observation, len(parts))
						for j, p := range parts {
							at[j] = got[[2]string{ind.ID, p}][i]
						}
						v, n, d := aggregate(agg, scale(ind.Unit), at)
						if math.Abs(v-o.Value.Float64) > 1e-6 {
							t.Errorf("%s %s %v: value %v, want %v (the %s of %v)", ind.ID, whole, o.Period, o.Value.Float64, v, agg, parts)
						}
						if agg == vs.AggregateRatio && (n != o.Numerator.Float64 || d != o.Denominator.Float64) {
							t.Errorf("%s %s %v: %v/%v, want %v/%v", ind.ID, whole, o.Period, o.Numerator.Float64, o.Denominator.Float64, n, d)
						}
					}
				}
				if agg == vs.AggregateMean {
					check(vs.AuthorityTeam, leaves)
				} else {
					check(vs.AuthorityTeam, roots)
				}
				for parent, kids := range children {
					if agg != vs.AggregateMean {
						check(parent, kids)
					}
				}
			}
		})
	}
}

func TestGenerateCommentary(t *testing.T) {
	cat := testCatalogue()
	obs := Generate(cat, now, 11)
	got := map[string]string{}
	for _, o := range obs {
		if o.Commentary != "" {
			if o.Team != vs.AuthorityTeam {
				t.Errorf("%v: commentary on a team figure", o.Key)
			}
			got[o.Indicator] = o.Commentary
			if o.Outcome == "" {
				t.Errorf("%v: commentary without an outcome", o.Key)
			}
		}
	}
	for _, sc := range scenarios() {
		for _, id := range append([]string{sc.Indicator}, sc.also...) {
			if got[id] == "" {
				t.Errorf("%s: no commentary on the latest authority figure of %s", sc.Name, id)
			}
		}
	}
	if c := got["cla_awaiting_health_assessment"]; !regexp.MustCompile(`^32 children`).MatchString(c) {
		t.Errorf("backlog commentary = %q, want it to start with the 32 children", c)
	}
}

func TestGenerateAnyCatalogue(t *testing.T) {
	custom := vs.Indicator{ID: "custom_spend", Name: "Spend", Unit: vs.UnitCurrency, Polarity: vs.Neutral, Frequency: vs.Quarterly, Aggregation: vs.AggregateSum}
	tests := []struct {
		name string
		cat  *vs.Catalogue
		want int
	}{
		{"nil", nil, 0},
		{"empty", &vs.Catalogue{}, 0},
		{"no teams", &vs.Catalogue{Indicators: testCatalogue().Indicators}, 0},
		{"other frequencies and aggregations", &vs.Catalogue{
			Teams: []vs.Team{{ID: "a"}, {ID: "b", Parent: "a"}, {ID: "c", Parent: "a"}, {ID: "d", Parent: "nowhere"}, {ID: "x", Parent: "y"}, {ID: "y", Parent: "x"}},
			Indicators: []vs.Indicator{
				custom,
				{ID: "days_to_court", Name: "Days", Unit: vs.UnitDays, Polarity: vs.LowerIsBetter, Frequency: vs.Annual},
				{ID: "fortnightly", Name: "Fortnightly", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Biweekly, Aggregation: vs.AggregateRatio,
					Thresholds: []vs.Threshold{{Target: ptr(0.9), Amber: ptr(0.9), Red: ptr(0.85)}}},
				{ID: "standalone", Name: "Standalone", Unit: vs.UnitPercent, Polarity: vs.Neutral, Frequency: vs.Monthly, Aggregation: vs.AggregateNone},
				{ID: "caseload_avg", Name: "Caseload", Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateRatio},
			},
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := Generate(tt.cat, now, 1)
			if tt.cat == nil {
				if len(obs) != 0 {
					t.Errorf("got %d observations for a nil catalogue, want none", len(obs))
				}
				return
			}
			want := 0
			for _, ind := range tt.cat.Indicators {
				want += len(spanEnding(vs.Month(2026, time.October)).periods(ind.Frequency)) * len(tt.cat.TeamIDs())
			}
			if len(obs) != want {
				t.Errorf("got %d observations, want %d", len(obs), want)
			}
			for _, o := range obs {
				if !o.Value.Valid || math.IsNaN(o.Value.Float64) || math.IsInf(o.Value.Float64, 0) {
					t.Errorf("%v: value %v", o.Key, o.Value)
				}
			}
		})
	}
}

func TestCatalogue(t *testing.T) {
	base := &vs.Catalogue{
		Authority:  vs.Authority{Name: "Somewhere", LACode: "380"},
		Teams:      []vs.Team{{ID: "mash", Name: "Our MASH"}},
		Indicators: []vs.Indicator{{ID: "contacts"}},
		Committees: []vs.Committee{{ID: "scrutiny"}},
		Privacy:    []vs.PrivacyPattern{{Name: "mosaic_id", Pattern: `MOS\d+`}},
	}
	before := *base
	before.Teams = slices.Clone(base.Teams)
	cat := Catalogue(base)
	if diff := cmp.Diff(&before, base); diff != "" {
		t.Errorf("Catalogue modified base (-before +after):\n%s", diff)
	}
	if cat.Authority.Name != AuthorityName || cat.Authority.LACode != "380" {
		t.Errorf("authority = %+v, want name %q and base's LA code", cat.Authority, AuthorityName)
	}
	if tm, _ := cat.Team("mash"); tm.Name != "Our MASH" {
		t.Errorf("team mash = %+v, want base's definition kept", tm)
	}
	if got, want := len(cat.Teams), len(Teams()); got != want {
		t.Errorf("got %d teams, want %d", got, want)
	}
	if len(cat.Indicators) != 1 {
		t.Errorf("got %d indicators, want base's 1", len(cat.Indicators))
	}
	// Everything else in the configuration is kept: committees, privacy
	// patterns.
	if diff := cmp.Diff(base.Committees, cat.Committees); diff != "" {
		t.Errorf("committees not kept (-base +demo):\n%s", diff)
	}
	if diff := cmp.Diff(base.Privacy, cat.Privacy); diff != "" {
		t.Errorf("privacy patterns not kept (-base +demo):\n%s", diff)
	}
	if cat := Catalogue(nil); len(cat.Teams) != len(Teams()) {
		t.Errorf("Catalogue(nil) has %d teams, want %d", len(cat.Teams), len(Teams()))
	}
}

func TestTeams(t *testing.T) {
	teams := Teams()
	if len(teams) != 8 {
		t.Errorf("got %d teams, want 8", len(teams))
	}
	id := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	seen := map[string]bool{}
	for _, tm := range teams {
		if !id.MatchString(tm.ID) || tm.ID == vs.AuthorityTeam || seen[tm.ID] {
			t.Errorf("team id %q: want unique snake_case, not %q", tm.ID, vs.AuthorityTeam)
		}
		seen[tm.ID] = true
		if tm.Name == "" {
			t.Errorf("team %q has no name", tm.ID)
		}
	}
	for _, tm := range teams {
		if tm.Parent != "" && !seen[tm.Parent] {
			t.Errorf("team %q has unknown parent %q", tm.ID, tm.Parent)
		}
	}
	// The demo config must pass config's own checks.
	var y []byte
	y = append(y, "teams:\n"...)
	for _, tm := range teams {
		y = append(y, "  - id: "+tm.ID+"\n    name: "+tm.Name+"\n"...)
		if tm.Parent != "" {
			y = append(y, "    parent: "+tm.Parent+"\n"...)
		}
	}
	cat, err := config.Parse("demo.yaml", y)
	if err != nil {
		t.Fatalf("config.Parse of the demo teams: %v", err)
	}
	if diff := cmp.Diff(teams, cat.Teams); diff != "" {
		t.Errorf("teams through config (-want +got):\n%s", diff)
	}
}

// BenchmarkGenerate measures generating the whole demo data set over the
// test catalogue.
//
//	go test -run '^$' -bench BenchmarkGenerate -benchmem -count 6 ./demo
func BenchmarkGenerate(b *testing.B) {
	cat := testCatalogue()
	b.ReportAllocs()
	for b.Loop() {
		Generate(cat, now, 1)
	}
}
