package reports_test

import (
	"database/sql"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

func f(v float64) *float64 { return &v }

func nf(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

func testCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Authority: vs.Authority{Name: "Test Council"},
		Teams:     []vs.Team{{ID: "north", Name: "North"}},
		Indicators: []vs.Indicator{
			{ID: "rereferrals_12m", Name: "Re-referrals within 12 months", Group: "Front Door", Unit: vs.UnitPercent,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateNone,
				Thresholds: []vs.Threshold{{Target: f(0.22), Amber: f(0.22), Red: f(0.25)}},
				Benchmarks: []vs.Benchmark{
					{Source: vs.BenchmarkEngland, Value: 0.226, Reference: "year to 31 March 2025"},
					{Source: vs.BenchmarkStatisticalNeighbours, Value: 0.245, Reference: "year to 31 March 2025"},
				}},
			{ID: "cla_visits_in_timescale", Name: "Children in care visited within timescales", Group: "Children in Care",
				Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateNone, MinDenominator: 10,
				Thresholds: []vs.Threshold{{Target: f(0.95), Amber: f(0.95), Red: f(0.85)}}},
			{ID: "referrals", Name: "Referrals", Group: "Front Door", Unit: vs.UnitCount, Polarity: vs.Neutral,
				Frequency: vs.Monthly, Aggregation: vs.AggregateNone},
		},
	}
}

// series gives an indicator monthly values ending in September 2026.
func series(ind, team string, values ...float64) []vs.Observation {
	var out []vs.Observation
	p := vs.Month(2026, time.September)
	for range len(values) - 1 {
		p = p.Prev()
	}
	for _, v := range values {
		out = append(out, vs.Observation{Key: vs.Key{Indicator: ind, Team: team, Period: p}, Value: nf(v), Status: vs.StatusActual})
		p = p.Next()
	}
	return out
}

func TestNarrative(t *testing.T) {
	cat := testCatalogue()
	// Re-referrals wobble about 23.4% for 13 months, then 24.1%: a rise,
	// within normal variation, short of the 22% target, above England's
	// 22.6% and in line with statistical neighbours' 24.5%.
	var figs []vs.Observation
	figs = append(figs, series("rereferrals_12m", "authority",
		0.232, 0.236, 0.231, 0.235, 0.233, 0.237, 0.232, 0.234, 0.236, 0.233, 0.235, 0.232, 0.234, 0.241)...)
	// Visits steady at 97%, then falling for eight months to 88%.
	figs = append(figs, series("cla_visits_in_timescale", "authority",
		0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.971, 0.969, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.88)...)
	// Visits for North: 4 of 5 children, under the minimum of 10.
	small := series("cla_visits_in_timescale", "north", 0.9, 0.8)
	small[1].Numerator, small[1].Denominator = nf(4), nf(5)
	figs = append(figs, small...)
	// Referrals: three months, level.
	figs = append(figs, series("referrals", "authority", 410, 398, 398)...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		ind, team, want string
	}{
		{"rereferrals_12m", "authority", "Re-referrals within 12 months rose to 24.1% in September 2026, above the target of 22%, " +
			"higher than England (22.6%) and in line with our statistical neighbours (24.5%) in the year to 31 March 2025; the rise is within normal variation."},
		{"cla_visits_in_timescale", "authority", "Children in care visited within timescales fell to 88% in September 2026, below the target of 95%; " +
			"statistical process control shows a real change for the worse, not noise (a figure beyond the process limits)."},
		{"cla_visits_in_timescale", "north", "Children in care visited within timescales fell to 80% in September 2026, below the red boundary of 85%; " +
			"the number of children is too small to judge the change."},
		{"referrals", "authority", "Referrals was unchanged at 398 in September 2026; there are too few figures yet to tell a real change from noise."},
		{"rereferrals_12m", "north", "No figure has been reported for Re-referrals within 12 months."},
	}
	for _, tt := range tests {
		it, _ := s.Item(tt.ind, tt.team)
		if got := reports.Narrative(it); got != tt.want {
			t.Errorf("%s/%s:\n got %s\nwant %s", tt.ind, tt.team, got, tt.want)
		}
	}

	sup := series("referrals", "north", 12, 0)
	sup[1].Value, sup[1].Status = sql.NullFloat64{}, vs.StatusSuppressed
	s = assess.Build(cat, sup, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("referrals", "north")
	if got := reports.Narrative(it); got != "The figure for Referrals in September 2026 is suppressed to protect small numbers." {
		t.Errorf("suppressed: %s", got)
	}
}

// The narrative sets the figure against England, the region and the
// statistical neighbours plainly, as DfE published them, and says where
// the authority ranks among English authorities; a team's narrative does
// not (the rank is the authority's).
func TestNarrativeBenchmarks(t *testing.T) {
	bm := func(s vs.BenchmarkSource, v float64, ref string) vs.Benchmark {
		return vs.Benchmark{Source: s, Value: v, Year: "2025", Reference: ref}
	}
	agency := vs.Indicator{ID: "agency_rate", Name: "Agency social worker rate", Unit: vs.UnitPercent, Polarity: vs.LowerIsBetter,
		Frequency: vs.Monthly, Thresholds: []vs.Threshold{{Target: f(0.15), Amber: f(0.15), Red: f(0.2)}},
		Benchmarks: []vs.Benchmark{bm(vs.BenchmarkEngland, 0.13, "at 30 September 2025"), bm(vs.BenchmarkRegion, 0.079, "at 30 September 2025"),
			bm(vs.BenchmarkStatisticalNeighbours, 0.0947, "at 30 September 2025")},
		Standing: &vs.Standing{Authority: "Bradford", Year: "2025", Value: 0.222, HasValue: true, Rank: 116, Ranked: 148, Band: "D"}}
	mixed := agency
	mixed.ID, mixed.Name, mixed.Standing = "mixed", "Mixed", nil
	mixed.Benchmarks = []vs.Benchmark{bm(vs.BenchmarkEngland, 0.13, "at 30 September 2025"), bm(vs.BenchmarkRegion, 0.30, "at 31 March 2025")}
	cat := &vs.Catalogue{Teams: []vs.Team{{ID: "north", Name: "North"}}, Indicators: []vs.Indicator{agency, mixed}}
	var obs []vs.Observation
	obs = append(obs, series("agency_rate", "authority", 0.25)...)
	obs = append(obs, series("agency_rate", "north", 0.25)...)
	obs = append(obs, series("mixed", "authority", 0.25)...)
	s := assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	for _, tt := range []struct{ ind, team, want string }{
		{"agency_rate", "authority", "Agency social worker rate was 25% in September 2026, above the red boundary of 20%, " +
			"higher than England (13%), our region (7.9%) and our statistical neighbours (9.5%) at 30 September 2025; " +
			"there are too few figures yet to tell a real change from noise. " +
			"Among the 148 English authorities with a published figure for 2025, Bradford (22.2%) ranked 116th, in band D (the worst quarter)."},
		{"agency_rate", "north", "Agency social worker rate was 25% in September 2026, above the red boundary of 20%, " +
			"higher than England (13%), our region (7.9%) and our statistical neighbours (9.5%) at 30 September 2025; " +
			"there are too few figures yet to tell a real change from noise."},
		{"mixed", "authority", "Mixed was 25% in September 2026, above the red boundary of 20%, " +
			"higher than England (13%, at 30 September 2025) and lower than our region (30%, at 31 March 2025); " +
			"there are too few figures yet to tell a real change from noise."},
	} {
		it, _ := s.Item(tt.ind, tt.team)
		if got := reports.Narrative(it); got != tt.want {
			t.Errorf("%s/%s:\n got %s\nwant %s", tt.ind, tt.team, got, tt.want)
		}
	}
}
