package metrics_test

import (
	"database/sql"
	"math"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// gathered returns the collector's samples keyed by family name and the
// labels other than indicator and team, for one indicator and team.
func gathered(t *testing.T, snap *assess.Snapshot, indicator, team string) map[string]float64 {
	t.Helper()
	c := metrics.NewCollector()
	if err := c.Set(snap); err != nil {
		t.Fatal(err)
	}
	fams, err := c.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, fam := range fams {
		for _, m := range fam.GetMetric() {
			key, ind, tm := fam.GetName(), "", ""
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "indicator":
					ind = l.GetValue()
				case "team":
					tm = l.GetValue()
				default:
					key += "," + l.GetName() + "=" + l.GetValue()
				}
			}
			if ind == indicator && tm == team {
				got[key] = value(m)
			}
		}
	}
	return got
}

func value(m *dto.Metric) float64 {
	if g := m.GetGauge(); g != nil {
		return g.GetValue()
	}
	return m.GetCounter().GetValue()
}

func monthly(id string, from vs.Period, values []float64) []vs.Observation {
	var obs []vs.Observation
	p := from
	for _, v := range values {
		o := vs.Observation{Key: vs.Key{Indicator: id, Team: "authority", Period: p}, Status: vs.StatusActual}
		if math.IsNaN(v) {
			o.Status = vs.StatusSuppressed
		} else {
			o.Value = sql.NullFloat64{Float64: v, Valid: true}
		}
		obs = append(obs, o)
		p = p.Next()
	}
	return obs
}

// TestSPCLimitsWhenLatestSuppressed: with 20 valid figures and the latest
// suppressed, the process mean and limits stay (a Grafana SPC panel keeps
// them), and the point-level families describe the latest figure with a
// value, which the period-end family names (issue 11.4).
func TestSPCLimitsWhenLatestSuppressed(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "cla_visits_in_timescale", Name: "Visits", Unit: vs.UnitPercent,
		Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}}}
	values := make([]float64, 21)
	for i := range values {
		values[i] = 0.9 + 0.01*float64((i*7)%5-2)
	}
	values[20] = math.NaN()
	from := vs.Month(2025, time.February)
	snap := assess.Build(cat, monthly("cla_visits_in_timescale", from, values), vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	item, _ := snap.Item("cla_visits_in_timescale", "authority")
	if item.State != assess.Suppressed {
		t.Fatalf("state %s, want suppressed", item.State)
	}
	got := gathered(t, snap, "cla_visits_in_timescale", "authority")
	seg := item.Control.Chart.Segments[0]
	lastValued := from
	for range 19 {
		lastValued = lastValued.Next()
	}
	want := map[string]float64{
		"vitalsigns_indicator_process_mean":                                                                               seg.Mean,
		"vitalsigns_indicator_process_limit,bound=upper":                                                                  seg.Upper,
		"vitalsigns_indicator_process_limit,bound=lower":                                                                  seg.Lower,
		"vitalsigns_indicator_spc_point,type=common_cause":                                                                1,
		"vitalsigns_indicator_spc_signal,rule=beyond_limits":                                                              0,
		"vitalsigns_indicator_spc_point_period_end_timestamp_seconds":                                                     float64(lastValued.End().Unix()),
		"vitalsigns_indicator_period_end_timestamp_seconds":                                                               float64(lastValued.Next().End().Unix()),
		"vitalsigns_indicator_spc_info,assurance=hit_and_miss,rule_set=MDC (NHSRplotthedots) 2023,variation=common_cause": 1,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || math.Abs(g-v) > 1e-12 {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
}

// TestSPCFlatSeriesHasNoLimits: a count that is almost always 0 has no
// process limits and no signal on /metrics, and its icons say not_judged
// (issue 11.3).
func TestSPCFlatSeriesHasNoLimits(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "social_workers_over_caseload_limit", Name: "Over limit",
		Unit: vs.UnitCount, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateSum,
		Thresholds: []vs.Threshold{{Target: f(0), Amber: f(0), Red: f(2)}}}}}
	values := make([]float64, 36)
	values[20] = 1
	snap := assess.Build(cat, monthly("social_workers_over_caseload_limit", vs.Month(2023, time.December), values), vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	got := gathered(t, snap, "social_workers_over_caseload_limit", "authority")
	for _, k := range []string{"vitalsigns_indicator_process_mean", "vitalsigns_indicator_process_limit,bound=upper",
		"vitalsigns_indicator_spc_point,type=special_cause_improvement", "vitalsigns_indicator_spc_signal,rule=shift",
		"vitalsigns_indicator_spc_point_period_end_timestamp_seconds"} {
		if v, ok := got[k]; ok {
			t.Errorf("%s = %v, want absent for limits of no width", k, v)
		}
	}
	if _, ok := got["vitalsigns_indicator_spc_info,assurance=not_judged,rule_set=MDC (NHSRplotthedots) 2023,variation=not_judged"]; !ok {
		t.Errorf("spc_info not not_judged: %v", got)
	}
	item, _ := snap.Item("social_workers_over_caseload_limit", "authority")
	if item.Significance != assess.NotJudged {
		t.Errorf("significance %s, want not_judged", item.Significance)
	}
}

// TestNeutralDirectionAbsent: a neutral indicator has no direction, even
// when its change is negligible (issue 11.7); the change is still there.
func TestNeutralDirectionAbsent(t *testing.T) {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "referrals", Name: "Referrals", Unit: vs.UnitCount,
		Polarity: vs.Neutral, Frequency: vs.Monthly}}}
	for _, tt := range []struct {
		name   string
		values []float64
	}{{"negligible", []float64{300, 300.2}}, {"changed", []float64{300, 340}}} {
		t.Run(tt.name, func(t *testing.T) {
			snap := assess.Build(cat, monthly("referrals", vs.Month(2026, time.September), tt.values), vs.IngestStats{}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
			got := gathered(t, snap, "referrals", "authority")
			if v, ok := got["vitalsigns_indicator_direction,against=previous_period"]; ok {
				t.Errorf("direction = %v for a neutral indicator, want absent", v)
			}
			if v, ok := got["vitalsigns_indicator_change,against=previous_period"]; !ok || math.Abs(v-(tt.values[1]-tt.values[0])) > 1e-9 {
				t.Errorf("change = %v (present %v), want %v", v, ok, tt.values[1]-tt.values[0])
			}
		})
	}
}
