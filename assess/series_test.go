package assess_test

import (
	"database/sql"
	"math"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

func nf(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

// fig builds a monthly figure of 2026.
func fig(ind, team string, m time.Month, v float64) vs.Observation {
	return vs.Observation{Key: vs.Key{Indicator: ind, Team: team, Period: vs.Month(2026, m)}, Value: nf(v), Status: vs.StatusActual}
}

func ratioFig(ind, team string, m time.Month, num, den float64) vs.Observation {
	o := fig(ind, team, m, num/den)
	o.Numerator, o.Denominator = nf(num), nf(den)
	return o
}

// hierarchy: authority ← east (← east_a, east_b), west.
func hierarchyCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Teams: []vs.Team{{ID: "east", Name: "East"}, {ID: "east_a", Name: "East A", Parent: "east"},
			{ID: "east_b", Name: "East B", Parent: "east"}, {ID: "west", Name: "West"}},
		Indicators: []vs.Indicator{
			{ID: "referrals", Name: "Referrals", Unit: vs.UnitCount, Polarity: vs.Neutral, Frequency: vs.Monthly,
				Aggregation: vs.AggregateSum, SuppressBelow: 5},
			{ID: "visits", Name: "Visits", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly,
				Aggregation: vs.AggregateRatio, Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}},
			{ID: "caseload", Name: "Caseload", Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
				Aggregation: vs.AggregateMean},
			{ID: "own", Name: "Own", Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
				Aggregation: vs.AggregateNone},
		},
	}
}

func TestAggregation(t *testing.T) {
	cat := hierarchyCatalogue()
	figs := []vs.Observation{
		fig("referrals", "east_a", time.September, 40), fig("referrals", "east_b", time.September, 25),
		fig("referrals", "west", time.September, 30),
		// October: east_b has not reported, so neither east nor the
		// authority get a total (a partial total would read as a fall).
		fig("referrals", "east_a", time.October, 41), fig("referrals", "west", time.October, 33),
		ratioFig("visits", "east_a", time.September, 18, 20), ratioFig("visits", "east_b", time.September, 9, 10),
		ratioFig("visits", "west", time.September, 35, 50),
		fig("caseload", "east_a", time.September, 14), fig("caseload", "east_b", time.September, 18),
		fig("caseload", "west", time.September, 19),
		fig("own", "east_a", time.September, 3),
	}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		ind, team string
		want      float64
	}{
		{"referrals", "east", 65},
		{"referrals", "authority", 95},
		{"visits", "east", 27.0 / 30},
		{"visits", "authority", 62.0 / 80}, // summed counts, not a mean of rates
		{"caseload", "east", 16},
		{"caseload", "authority", (16 + 19) / 2.0}, // a mean of the teams directly below
	}
	for _, tt := range tests {
		it, _ := s.Item(tt.ind, tt.team)
		if !it.Has || !it.Derived || math.Abs(it.Latest.Value.Float64-tt.want) > 1e-12 {
			t.Errorf("%s/%s: has=%v derived=%v value %v, want derived %v", tt.ind, tt.team, it.Has, it.Derived, it.Latest.Value.Float64, tt.want)
		}
	}
	if it, _ := s.Item("referrals", "authority"); len(it.History) != 1 || it.Latest.Period.String() != "2026-09" {
		t.Errorf("authority referrals: %d periods, latest %s; want September only", len(it.History), it.Latest.Period)
	}
	if it, _ := s.Item("visits", "authority"); it.Latest.Numerator.Float64 != 62 || it.Latest.Denominator.Float64 != 80 || it.State != assess.Red {
		t.Errorf("authority visits: %v/%v state %s, want 62/80 red (77.5%%)", it.Latest.Numerator, it.Latest.Denominator, it.State)
	}
	if it, _ := s.Item("own", "east"); it.Has {
		t.Errorf("aggregation none: got a derived total %v", it.Latest.Value)
	}
}

func TestAggregationSuppression(t *testing.T) {
	cat := hierarchyCatalogue()
	sup := fig("referrals", "east_b", time.September, 0)
	sup.Value, sup.Status = sql.NullFloat64{}, vs.StatusSuppressed
	figs := []vs.Observation{fig("referrals", "east_a", time.September, 40), sup, fig("referrals", "west", time.September, 30),
		fig("referrals", "east_a", time.August, 1), fig("referrals", "east_b", time.August, 2), fig("referrals", "west", time.August, 30)}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	for _, team := range []string{"east", "authority"} {
		it, _ := s.Item("referrals", team)
		if it.State != assess.Suppressed || it.Latest.Value.Valid {
			t.Errorf("%s: state %s value %v; a total including a suppressed figure must be suppressed", team, it.State, it.Latest.Value)
		}
	}
	// August: east's total is 3, under the suppression threshold of 5.
	it, _ := s.Item("referrals", "east")
	if aug := it.History[0]; aug.Period.String() != "2026-08" || aug.Status != vs.StatusSuppressed || aug.Value.Valid {
		t.Errorf("east August: %s %s %v, want a suppressed total", aug.Period, aug.Status, aug.Value)
	}
	if auth, _ := s.Item("referrals", "authority"); auth.History[0].Status != vs.StatusSuppressed {
		t.Errorf("authority August: %s; its total includes east's suppressed one", auth.History[0].Status)
	}
}

func TestSuppliedTotalWins(t *testing.T) {
	cat := hierarchyCatalogue()
	figs := []vs.Observation{fig("referrals", "east_a", time.September, 40), fig("referrals", "east_b", time.September, 25),
		fig("referrals", "west", time.September, 30), fig("referrals", "authority", time.September, 99)}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("referrals", "authority")
	if it.Derived || it.Latest.Value.Float64 != 99 {
		t.Errorf("authority: derived=%v value %v, want the supplied 99", it.Derived, it.Latest.Value.Float64)
	}
	if len(it.Notes) != 1 || !strings.Contains(it.Notes[0], "(99)") || !strings.Contains(it.Notes[0], "(95)") {
		t.Errorf("notes %q, want one naming 99 against the teams' 95", it.Notes)
	}
	// Within rounding there is no note.
	figs[3].Value = nf(95.4)
	s = assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	if it, _ := s.Item("referrals", "authority"); len(it.Notes) != 0 {
		t.Errorf("95.4 against 95: notes %q, want none", it.Notes)
	}
}

func TestTravel(t *testing.T) {
	pct := &vs.Indicator{ID: "p", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter}
	low := &vs.Indicator{ID: "l", Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter}
	neutral := &vs.Indicator{ID: "n", Unit: vs.UnitCount, Polarity: vs.Neutral}
	pt := func(v float64) assess.Point {
		return assess.Point{Observation: vs.Observation{Value: nf(v), Status: vs.StatusActual}}
	}
	missing := assess.Point{Observation: vs.Observation{Status: vs.StatusMissing}}
	tests := []struct {
		name     string
		ind      *vs.Indicator
		old, new assess.Point
		arrow    assess.Arrow
		judge    assess.Judgement
		words    string
	}{
		{"higher is better, up", pct, pt(0.85), pt(0.871), assess.Up, assess.Improving, "improving (up 2.1 percentage points)"},
		{"higher is better, down", pct, pt(0.9), pt(0.88), assess.Down, assess.Worsening, "worsening (down 2 percentage points)"},
		{"within rounding", pct, pt(0.9), pt(0.9004), assess.Flat, assess.Unchanged, "unchanged"},
		{"lower is better, down", low, pt(18.2), pt(16), assess.Down, assess.Improving, "improving (down 2.2)"},
		{"lower is better, up", low, pt(16), pt(18.2), assess.Up, assess.Worsening, "worsening (up 2.2)"},
		{"neutral", neutral, pt(120), pt(131), assess.Up, assess.Changed, "up 11"},
		{"missing", pct, missing, pt(0.9), assess.Flat, assess.NoComparison, "no comparison"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := assess.Travel(tt.ind, tt.old, tt.new)
			if d.Arrow != tt.arrow || d.Judgement != tt.judge || d.Words(tt.ind) != tt.words {
				t.Errorf("got %s %s %q, want %s %s %q", d.Arrow, d.Judgement, d.Words(tt.ind), tt.arrow, tt.judge, tt.words)
			}
		})
	}
}

// Flipping the polarity flips every judgement and comparison, and leaves
// the arrow alone.
func TestPolaritySymmetry(t *testing.T) {
	flip := map[assess.Judgement]assess.Judgement{assess.Improving: assess.Worsening, assess.Worsening: assess.Improving,
		assess.Unchanged: assess.Unchanged, assess.NoComparison: assess.NoComparison}
	flipC := map[assess.Comparison]assess.Comparison{assess.Better: assess.Worse, assess.Worse: assess.Better, assess.Similar: assess.Similar}
	values := []float64{0, 0.1, 0.5, 0.8, 0.805, 0.81, 0.9, 0.95, 1}
	for _, unit := range []vs.Unit{vs.UnitPercent, vs.UnitNumber, vs.UnitCount} {
		hi := &vs.Indicator{Unit: unit, Polarity: vs.HigherIsBetter}
		lo := &vs.Indicator{Unit: unit, Polarity: vs.LowerIsBetter}
		for _, a := range values {
			for _, b := range values {
				pa := assess.Point{Observation: vs.Observation{Value: nf(a * 20), Status: vs.StatusActual}}
				pb := assess.Point{Observation: vs.Observation{Value: nf(b * 20), Status: vs.StatusActual}}
				dh, dl := assess.Travel(hi, pa, pb), assess.Travel(lo, pa, pb)
				if dh.Arrow != dl.Arrow || flip[dh.Judgement] != dl.Judgement {
					t.Fatalf("%s %v → %v: higher-is-better %s %s, lower-is-better %s %s", unit, a, b, dh.Arrow, dh.Judgement, dl.Arrow, dl.Judgement)
				}
				bm := vs.Benchmark{Value: b * 20}
				ch, cl := assess.Compare(hi, a*20, bm), assess.Compare(lo, a*20, bm)
				if flipC[ch.Comparison] != cl.Comparison {
					t.Fatalf("%s %v against %v: %s and %s", unit, a, b, ch.Comparison, cl.Comparison)
				}
			}
		}
	}
}

func TestCompareBenchmark(t *testing.T) {
	rerefs := &vs.Indicator{Unit: vs.UnitPercent, Polarity: vs.LowerIsBetter}
	caseload := &vs.Indicator{Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter}
	england := vs.Benchmark{Source: vs.BenchmarkEngland, Value: 0.226}
	tests := []struct {
		ind  *vs.Indicator
		v    float64
		b    vs.Benchmark
		want assess.Comparison
	}{
		{rerefs, 0.241, england, assess.Worse},    // 1.5 points above England
		{rerefs, 0.232, england, assess.Similar},  // within a point
		{rerefs, 0.2161, england, assess.Similar}, // 0.99 points below
		{rerefs, 0.20, england, assess.Better},
		{caseload, 15.5, vs.Benchmark{Value: 15.2}, assess.Similar}, // within 2.5%
		{caseload, 17, vs.Benchmark{Value: 15.2}, assess.Worse},
		{&vs.Indicator{Unit: vs.UnitCount, Polarity: vs.Neutral}, 10, vs.Benchmark{Value: 5}, assess.NotCompared},
	}
	for _, tt := range tests {
		if got := assess.Compare(tt.ind, tt.v, tt.b); got.Comparison != tt.want {
			t.Errorf("%v against %v: %s, want %s", tt.v, tt.b.Value, got.Comparison, tt.want)
		}
	}
}

func TestDirectionsWindowsAndCover(t *testing.T) {
	cat := hierarchyCatalogue()
	cat.Teams = nil
	pct := func(m time.Month, v float64) vs.Observation {
		return fig("visits", vs.AuthorityTeam, m, v)
	}
	// 2025-10 is a year before 2026-10; 2026-06 is missing (a gap).
	figs := []vs.Observation{
		{Key: vs.Key{Indicator: "visits", Team: vs.AuthorityTeam, Period: vs.Month(2025, time.October)}, Value: nf(0.93), Status: vs.StatusActual},
		pct(time.April, 0.85), pct(time.May, 0.86), pct(time.July, 0.84), pct(time.August, 0.75),
		pct(time.September, 0.86), pct(time.October, 0.78),
		fig("caseload", vs.AuthorityTeam, time.September, 17), fig("caseload", vs.AuthorityTeam, time.October, 16),
	}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("visits", vs.AuthorityTeam)
	if it.State != assess.Red || it.PreviousVerdict != assess.Amber {
		t.Fatalf("visits: %s after %s, want red after amber", it.State, it.PreviousVerdict)
	}
	if it.SincePrevious.Judgement != assess.Worsening || !it.HasLastYear || it.SinceLastYear.Judgement != assess.Worsening ||
		math.Abs(it.SinceLastYear.Change-(-0.15)) > 1e-12 {
		t.Errorf("directions: %+v, %+v (last year %v)", it.SincePrevious, it.SinceLastYear, it.HasLastYear)
	}
	// Red in October and August of Aug–Oct; runs end at the latest period.
	if want := (assess.Windows{RedOfLast3: 2, AmberRun: 0, RedRun: 1}); it.Windows != want {
		t.Errorf("windows %+v, want %+v", it.Windows, want)
	}
	c := s.CoverFor(vs.AuthorityTeam)
	if c.Red != 1 || c.NotOnTarget != 1 || c.OnTarget != 0 || len(c.TurnedRed) != 1 || c.TurnedRed[0].ID != "visits" {
		t.Errorf("cover: %+v", c)
	}
	if len(c.Worsening) != 1 || len(c.Improving) != 1 || c.Improving[0].ID != "caseload" {
		t.Errorf("cover directions: worsening %d, improving %d", len(c.Worsening), len(c.Improving))
	}
	if c.NoVerdict != 2 || c.Unrated != 1 { // referrals and own: nothing; caseload: no thresholds
		t.Errorf("cover: no verdict %d, unrated %d; want 2 and 1", c.NoVerdict, c.Unrated)
	}
}

func TestAmberRunAcrossAGap(t *testing.T) {
	cat := hierarchyCatalogue()
	cat.Teams = nil
	figs := []vs.Observation{fig("visits", vs.AuthorityTeam, time.May, 0.85), fig("visits", vs.AuthorityTeam, time.July, 0.85),
		fig("visits", vs.AuthorityTeam, time.August, 0.85), fig("visits", vs.AuthorityTeam, time.September, 0.89)}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("visits", vs.AuthorityTeam)
	if it.Windows.AmberRun != 3 || it.Windows.RedOfLast3 != 0 {
		t.Errorf("windows %+v, want an amber run of 3 (July to September; June is missing)", it.Windows)
	}
}

func TestItemAt(t *testing.T) {
	cat := hierarchyCatalogue()
	cat.Teams = nil
	figs := []vs.Observation{fig("visits", vs.AuthorityTeam, time.July, 0.92), fig("visits", vs.AuthorityTeam, time.August, 0.85),
		fig("visits", vs.AuthorityTeam, time.October, 0.78)}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if it, _ := s.Item("visits", vs.AuthorityTeam); it.State != assess.Stale || it.Verdict != assess.Red {
		t.Fatalf("now: %s/%s, want stale red", it.State, it.Verdict)
	}
	tests := []struct {
		period  vs.Period
		latest  string
		state   assess.State
		periods int
	}{
		{vs.Month(2026, time.August), "2026-08", assess.Amber, 2},
		{vs.Month(2026, time.September), "2026-08", assess.Amber, 2}, // nothing for September: August stands
		{vs.Month(2026, time.July), "2026-07", assess.Green, 1},
		{vs.Month(2026, time.October), "2026-10", assess.Stale, 3}, // the latest: as the snapshot has it
	}
	for _, tt := range tests {
		it, ok := s.ItemAt("visits", vs.AuthorityTeam, tt.period)
		if !ok || it.Latest.Period.String() != tt.latest || it.State != tt.state || len(it.History) != tt.periods {
			t.Errorf("at %s: latest %s state %s with %d periods; want %s %s %d", tt.period, it.Latest.Period, it.State, len(it.History), tt.latest, tt.state, tt.periods)
		}
	}
	if it, _ := s.ItemAt("visits", vs.AuthorityTeam, vs.Month(2026, time.June)); it.Has || it.State != assess.NoData {
		t.Errorf("before any figure: has=%v state %s", it.Has, it.State)
	}
}

func TestExcelParityReachesTheChart(t *testing.T) {
	cat := hierarchyCatalogue()
	cat.Teams = nil
	var figs []vs.Observation
	p := vs.Month(2025, time.January)
	for i := range 15 {
		figs = append(figs, vs.Observation{Key: vs.Key{Indicator: "visits", Team: vs.AuthorityTeam, Period: p}, Value: nf(0.9 + 0.01*float64(i%2)), Status: vs.StatusActual})
		p = p.Next()
	}
	for _, excel := range []bool{false, true} {
		cat.SPCExcelParity = excel
		s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
		it, _ := s.Item("visits", vs.AuthorityTeam)
		want := map[bool]string{false: "MDC (NHSRplotthedots) 2023", true: "MDC Excel parity"}[excel]
		if it.Control.Chart.RuleSet != want || it.Control.Chart.TooFew {
			t.Errorf("excel parity %v: rule set %q (too few %v), want %q", excel, it.Control.Chart.RuleSet, it.Control.Chart.TooFew, want)
		}
	}
}

func TestSmallDenominatorIsNotJudged(t *testing.T) {
	cat := hierarchyCatalogue()
	cat.Teams = nil
	cat.Indicators[1].MinDenominator = 10
	var figs []vs.Observation
	p := vs.Month(2025, time.January)
	for i := range 15 {
		num, den := 18.0+float64(i%2), 20.0
		if i == 14 {
			num, den = 2, 5 // 40% of five children: far below the limits
		}
		figs = append(figs, vs.Observation{Key: vs.Key{Indicator: "visits", Team: vs.AuthorityTeam, Period: p},
			Value: nf(num / den), Numerator: nf(num), Denominator: nf(den), Status: vs.StatusActual})
		p = p.Next()
	}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("visits", vs.AuthorityTeam)
	if !it.BelowMinDenominator || it.Significance != assess.SmallDenominator || it.Windows.RedOfLast3 != 0 {
		t.Errorf("below min %v, significance %s, red of last 3 %d; want flagged, not judged, not counted",
			it.BelowMinDenominator, it.Significance, it.Windows.RedOfLast3)
	}
	if it.Verdict != assess.Red {
		t.Errorf("verdict %s: the value is still shown as rated (red), only flagged", it.Verdict)
	}
}
