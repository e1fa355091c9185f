package metrics_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
	"github.com/vitalsigns/vitalsigns/metrics"
)

func f(v float64) *float64 { return &v }

func testSnapshot() *assess.Snapshot {
	cat := &vs.Catalogue{
		Authority: vs.Authority{Name: "Test Council"},
		Teams:     []vs.Team{{ID: "north", Name: "North"}},
		Indicators: []vs.Indicator{
			{ID: "cla_visits_in_timescale", Name: "Children in care visited within timescales", Group: "Children in Care",
				Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly,
				Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}},
			{ID: "agency_rate", Name: "Agency social worker rate", Group: "Workforce",
				Unit: vs.UnitPercent, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
				Thresholds: []vs.Threshold{{Target: f(0.15), Amber: f(0.15), Red: f(0.2)}},
				Benchmarks: []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.13, Reference: "at 30 September 2025", Year: "2025", Publication: "Children's social work workforce 2025"}}},
		},
	}
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	oct := vs.Month(2026, time.October)
	obs := []vs.Observation{
		{Key: vs.Key{Indicator: "cla_visits_in_timescale", Team: "authority", Period: oct}, Value: n(0.875), Status: vs.StatusActual},
		{Key: vs.Key{Indicator: "cla_visits_in_timescale", Team: "north", Period: oct}, Status: vs.StatusSuppressed},
		{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: oct}, Value: n(0.25), Status: vs.StatusActual},
	}
	return assess.Build(cat, obs, vs.IngestStats{Accepted: 3, Rejected: 1, LastSuccess: time.Unix(1793000000, 0)},
		time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
}

func TestCollectorExposition(t *testing.T) {
	c := metrics.NewCollector()
	if n := testutil.CollectAndCount(c); n != 0 {
		t.Fatalf("collector exposes %d metrics before the first snapshot, want 0", n)
	}
	if err := c.Set(testSnapshot()); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP vitalsigns_indicator_value Latest reported value of the indicator, in its unit (percentages as ratios 0-1).
# TYPE vitalsigns_indicator_value gauge
vitalsigns_indicator_value{indicator="agency_rate",team="authority"} 0.25
vitalsigns_indicator_value{indicator="cla_visits_in_timescale",team="authority"} 0.875
# HELP vitalsigns_indicator_rag RAG rating of the latest value: 0 green, 1 amber, 2 red; absent when there is no verdict.
# TYPE vitalsigns_indicator_rag gauge
vitalsigns_indicator_rag{indicator="agency_rate",team="authority"} 2
vitalsigns_indicator_rag{indicator="cla_visits_in_timescale",team="authority"} 1
# HELP vitalsigns_indicator_threshold Boundary in force for the latest period at which the indicator turns amber or red.
# TYPE vitalsigns_indicator_threshold gauge
vitalsigns_indicator_threshold{indicator="agency_rate",level="amber",team="authority"} 0.15
vitalsigns_indicator_threshold{indicator="agency_rate",level="red",team="authority"} 0.2
vitalsigns_indicator_threshold{indicator="cla_visits_in_timescale",level="amber",team="authority"} 0.9
vitalsigns_indicator_threshold{indicator="cla_visits_in_timescale",level="red",team="authority"} 0.8
vitalsigns_indicator_threshold{indicator="cla_visits_in_timescale",level="amber",team="north"} 0.9
vitalsigns_indicator_threshold{indicator="cla_visits_in_timescale",level="red",team="north"} 0.8
# HELP vitalsigns_indicator_benchmark Published comparator figure (see vitalsigns_indicator_benchmark_info for its year and publication).
# TYPE vitalsigns_indicator_benchmark gauge
vitalsigns_indicator_benchmark{indicator="agency_rate",source="england"} 0.13
# HELP vitalsigns_indicator_period_end_timestamp_seconds End of the period the latest value is for (midnight Europe/London after its last day).
# TYPE vitalsigns_indicator_period_end_timestamp_seconds gauge
vitalsigns_indicator_period_end_timestamp_seconds{indicator="agency_rate",team="authority"} 1.7934912e+09
vitalsigns_indicator_period_end_timestamp_seconds{indicator="cla_visits_in_timescale",team="authority"} 1.7934912e+09
vitalsigns_indicator_period_end_timestamp_seconds{indicator="cla_visits_in_timescale",team="north"} 1.7934912e+09
# HELP vitalsigns_ingest_files_total Files offered for ingest, by result, from the store's sources table (all ways in, all processes).
# TYPE vitalsigns_ingest_files_total counter
vitalsigns_ingest_files_total{result="accepted"} 3
vitalsigns_ingest_files_total{result="rejected"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want),
		"vitalsigns_indicator_value", "vitalsigns_indicator_rag", "vitalsigns_indicator_threshold",
		"vitalsigns_indicator_benchmark", "vitalsigns_indicator_period_end_timestamp_seconds", "vitalsigns_ingest_files_total"); err != nil {
		t.Error(err)
	}
	// The period end above: 1 November 2026 00:00 in London, which is GMT
	// in November, so the same instant as UTC.
	if end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix(); end != 1793491200 {
		t.Errorf("period end %d: the expected exposition above is wrong", end)
	}
}

func TestStatusStateSet(t *testing.T) {
	c := metrics.NewCollector()
	if err := c.Set(testSnapshot()); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP vitalsigns_indicator_status Standing of the indicator: 1 for the state in force, 0 for the others; all 0 when the figure is not rated.
# TYPE vitalsigns_indicator_status gauge
`
	for _, row := range []struct{ ind, team, state string }{
		{"cla_visits_in_timescale", "authority", "amber"},
		{"cla_visits_in_timescale", "north", "suppressed"},
		{"agency_rate", "authority", "red"},
		{"agency_rate", "north", "no_data"},
	} {
		for _, st := range assess.States() {
			v := "0"
			if string(st) == row.state {
				v = "1"
			}
			want += `vitalsigns_indicator_status{indicator="` + row.ind + `",state="` + string(st) + `",team="` + row.team + `"} ` + v + "\n"
		}
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "vitalsigns_indicator_status"); err != nil {
		t.Error(err)
	}
}

func TestLint(t *testing.T) {
	c := metrics.NewCollector()
	if err := c.Set(testSnapshot()); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestDirectionAndWindows(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "agency_rate", Name: "Agency social worker rate",
		Unit: vs.UnitPercent, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
		Thresholds: []vs.Threshold{{Target: f(0.15), Amber: f(0.15), Red: f(0.2)}},
		Benchmarks: []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.13}, {Source: vs.BenchmarkStatisticalNeighbours, Value: 0.245}}}}}
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	var obs []vs.Observation
	for m, v := range map[time.Month]float64{time.August: 0.17, time.September: 0.22, time.October: 0.25} {
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: vs.Month(2026, m)}, Value: n(v), Status: vs.StatusActual})
	}
	obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: vs.Month(2025, time.October)}, Value: n(0.25), Status: vs.StatusActual})
	c := metrics.NewCollector()
	if err := c.Set(assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	// October 25% after September's 22%: up 3 points, worse for a
	// lower-is-better rate; level with October last year; red in
	// September and October, amber in August.
	want := `
# HELP vitalsigns_indicator_direction Direction of travel of the latest value, judged by polarity: 1 improving, 0 unchanged, -1 worsening; absent with nothing to compare or a neutral indicator.
# TYPE vitalsigns_indicator_direction gauge
vitalsigns_indicator_direction{against="previous_period",indicator="agency_rate",team="authority"} -1
vitalsigns_indicator_direction{against="same_period_last_year",indicator="agency_rate",team="authority"} 0
# HELP vitalsigns_indicator_benchmark_comparison The latest value against a published benchmark, by polarity: 1 better, 0 similar, -1 worse.
# TYPE vitalsigns_indicator_benchmark_comparison gauge
vitalsigns_indicator_benchmark_comparison{indicator="agency_rate",source="england",team="authority"} -1
vitalsigns_indicator_benchmark_comparison{indicator="agency_rate",source="statistical_neighbours",team="authority"} 0
# HELP vitalsigns_indicator_red_periods_of_last_3 How many of the last three periods were red (not counting values below the minimum denominator).
# TYPE vitalsigns_indicator_red_periods_of_last_3 gauge
vitalsigns_indicator_red_periods_of_last_3{indicator="agency_rate",team="authority"} 2
# HELP vitalsigns_indicator_red_run_periods Consecutive periods, ending with the latest, that were red.
# TYPE vitalsigns_indicator_red_run_periods gauge
vitalsigns_indicator_red_run_periods{indicator="agency_rate",team="authority"} 2
# HELP vitalsigns_indicator_amber_run_periods Consecutive periods, ending with the latest, that were amber.
# TYPE vitalsigns_indicator_amber_run_periods gauge
vitalsigns_indicator_amber_run_periods{indicator="agency_rate",team="authority"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "vitalsigns_indicator_direction",
		"vitalsigns_indicator_benchmark_comparison", "vitalsigns_indicator_red_periods_of_last_3",
		"vitalsigns_indicator_red_run_periods", "vitalsigns_indicator_amber_run_periods"); err != nil {
		t.Error(err)
	}
}

// The SPC and forecast families say what the assessment says, for the
// same item: a number never disagrees between the dashboard and the report.
func TestSPCAndForecastFamilies(t *testing.T) {
	cat := &vs.Catalogue{
		Indicators: []vs.Indicator{{ID: "cla_visits_in_timescale", Name: "Visits", Unit: vs.UnitPercent,
			Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Thresholds: []vs.Threshold{{Target: f(0.95), Amber: f(0.95), Red: f(0.85)}}}},
		Committees: []vs.Committee{{ID: "overview_scrutiny", Name: "Overview and Scrutiny", Dates: []vs.Date{
			{Year: 2026, Month: time.October, Day: 1}, {Year: 2027, Month: time.January, Day: 14}, {Year: 2027, Month: time.March, Day: 11}}}},
	}
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	var obs []vs.Observation
	p := vs.Month(2024, time.November)
	// Two years steady at about 97%, then eight months of decline to 88%.
	for i := range 36 {
		v := 0.97 + 0.004*float64((i*7)%5-2)
		if i >= 28 {
			v = 0.97 - 0.01125*float64(i-27)
		}
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "cla_visits_in_timescale", Team: "authority", Period: p}, Value: n(v), Status: vs.StatusActual})
		p = p.Next()
	}
	snap := assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	item, _ := snap.Item("cla_visits_in_timescale", "authority")
	if item.Outlook == nil || item.Control.Chart.TooFew {
		t.Fatalf("the test series has no outlook or too few points: %+v", item.Outlook)
	}
	c := metrics.NewCollector()
	if err := c.Set(snap); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	fams, _ := c.Gather()
	for _, fam := range fams {
		for _, m := range fam.GetMetric() {
			key := fam.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() != "indicator" && l.GetName() != "team" {
					key += "," + l.GetName() + "=" + l.GetValue()
				}
			}
			got[key] = m.GetGauge().GetValue()
		}
	}
	last := item.Control.Chart.Points[len(item.Control.Chart.Points)-1]
	o := item.Outlook
	want := map[string]float64{
		"vitalsigns_indicator_process_mean":                                                                                  last.Mean,
		"vitalsigns_indicator_process_limit,bound=upper":                                                                     last.Upper,
		"vitalsigns_indicator_process_limit,bound=lower":                                                                     last.Lower,
		"vitalsigns_indicator_spc_signal,rule=trend":                                                                         1,
		"vitalsigns_indicator_spc_signal,rule=beyond_limits":                                                                 boolFloat(last.Rules.Has(spc.RuleBeyondLimits)),
		"vitalsigns_indicator_spc_point,type=special_cause_concern":                                                          1,
		"vitalsigns_indicator_spc_point,type=common_cause":                                                                   0,
		"vitalsigns_indicator_forecast,bound=point,horizon=1":                                                                o.Forecast.Points[0].Value,
		"vitalsigns_indicator_forecast,bound=lower_95,horizon=3":                                                             o.Forecast.Points[2].Lo95,
		"vitalsigns_indicator_forecast,bound=upper_80,horizon=2":                                                             o.Forecast.Points[1].Hi80,
		"vitalsigns_indicator_forecast_breach_timestamp_seconds,level=red,period=" + o.Red.Period.String():                   float64(o.Red.Period.End().Unix()),
		"vitalsigns_indicator_forecast_breach_probability,level=red":                                                         o.Red.Prob,
		"vitalsigns_committee_next_timestamp_seconds,committee=overview_scrutiny,date=2027-01-14,name=Overview and Scrutiny": float64(time.Date(2027, 1, 14, 0, 0, 0, 0, time.UTC).Unix()),
		"vitalsigns_team_info,parent=,team_name=Whole authority":                                                             1,
		"vitalsigns_indicator_latest_period_info,period=2027-10":                                                             1,
		"vitalsigns_forecasts_pending":                                                                                       0,
	}
	if o.Red.Period.IsZero() {
		t.Fatalf("no red breach projected for a series falling 1.1 points a month, 3 above red: %+v", o.Forecast.Points)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	// Three horizons shown (of the six forecast for breaches), five bounds each.
	n4 := 0
	for k := range got {
		if strings.HasPrefix(k, "vitalsigns_indicator_forecast,") {
			n4++
			if strings.Contains(k, "horizon=4") {
				t.Errorf("%s: only three months are shown", k)
			}
		}
	}
	if n4 != 15 {
		t.Errorf("%d forecast series, want 3 horizons × 5 bounds", n4)
	}
	if _, ok := got["vitalsigns_indicator_forecast_info,model="+string(o.Forecast.Model)]; !ok {
		t.Errorf("no forecast_info for model %s", o.Forecast.Model)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Every benchmark source is exposed with its year, and the authority's
// rank, the number ranked and its quartile band beside them; the latest
// value is compared with each source.
func TestBenchmarkFamilies(t *testing.T) {
	bm := func(s vs.BenchmarkSource, v float64) vs.Benchmark {
		return vs.Benchmark{Source: s, Value: v, Reference: "at 30 September 2025", Year: "2025",
			Publication: "Children's social work workforce 2025"}
	}
	cat := &vs.Catalogue{
		Indicators: []vs.Indicator{{ID: "agency_rate", Name: "Agency social worker rate", Unit: vs.UnitPercent,
			Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
			Benchmarks: []vs.Benchmark{bm(vs.BenchmarkEngland, 0.13), bm(vs.BenchmarkRegion, 0.079), bm(vs.BenchmarkStatisticalNeighbours, 0.0947)},
			Standing:   &vs.Standing{Authority: "Bradford", Year: "2025", Rank: 140, Ranked: 151, Band: "D", Model: "2025"}}},
	}
	obs := []vs.Observation{{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: vs.Month(2026, time.October)},
		Value: sql.NullFloat64{Float64: 0.09, Valid: true}, Status: vs.StatusActual}}
	c := metrics.NewCollector()
	if err := c.Set(assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP vitalsigns_indicator_benchmark_info Where a benchmark comes from: the publication's year, the date it refers to and the publication.
# TYPE vitalsigns_indicator_benchmark_info gauge
vitalsigns_indicator_benchmark_info{indicator="agency_rate",publication="Children's social work workforce 2025",reference="at 30 September 2025",source="england",year="2025"} 1
vitalsigns_indicator_benchmark_info{indicator="agency_rate",publication="Children's social work workforce 2025",reference="at 30 September 2025",source="region",year="2025"} 1
vitalsigns_indicator_benchmark_info{indicator="agency_rate",publication="Children's social work workforce 2025",reference="at 30 September 2025",source="statistical_neighbours",year="2025"} 1
# HELP vitalsigns_indicator_benchmark_rank The authority's rank among English authorities with a published value in the benchmark year, 1 the best by polarity (the highest for a neutral indicator); ties share the best rank.
# TYPE vitalsigns_indicator_benchmark_rank gauge
vitalsigns_indicator_benchmark_rank{indicator="agency_rate"} 140
# HELP vitalsigns_indicator_benchmark_ranked How many English authorities with a published value the rank is among.
# TYPE vitalsigns_indicator_benchmark_ranked gauge
vitalsigns_indicator_benchmark_ranked{indicator="agency_rate"} 151
# HELP vitalsigns_indicator_benchmark_quartile_info The authority's quartile band among English authorities in the benchmark year: A the best quarter to D.
# TYPE vitalsigns_indicator_benchmark_quartile_info gauge
vitalsigns_indicator_benchmark_quartile_info{band="D",indicator="agency_rate"} 1
# HELP vitalsigns_indicator_benchmark_comparison The latest value against a published benchmark, by polarity: 1 better, 0 similar, -1 worse.
# TYPE vitalsigns_indicator_benchmark_comparison gauge
vitalsigns_indicator_benchmark_comparison{indicator="agency_rate",source="england",team="authority"} 1
vitalsigns_indicator_benchmark_comparison{indicator="agency_rate",source="region",team="authority"} -1
vitalsigns_indicator_benchmark_comparison{indicator="agency_rate",source="statistical_neighbours",team="authority"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "vitalsigns_indicator_benchmark_info",
		"vitalsigns_indicator_benchmark_rank", "vitalsigns_indicator_benchmark_ranked",
		"vitalsigns_indicator_benchmark_quartile_info", "vitalsigns_indicator_benchmark_comparison"); err != nil {
		t.Error(err)
	}
	if probs, err := testutil.CollectAndLint(c); err != nil || len(probs) > 0 {
		t.Errorf("lint: %v %v", probs, err)
	}
}
