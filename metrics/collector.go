// Package metrics exposes the assessment as Prometheus metrics: a
// prometheus.Collector over an immutable snapshot swapped atomically, so a
// scrape never sees half of a new file and half of the old. Later it also
// holds the generated alerting rules, dashboards and OpenMetrics history.
//
// It may import assess, config and the domain.
package metrics

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

const ns = "vitalsigns"

var (
	it = []string{"indicator", "team"}

	descValue = prometheus.NewDesc(ns+"_indicator_value",
		"Latest reported value of the indicator, in its unit (percentages as ratios 0-1).", it, nil)
	descTarget = prometheus.NewDesc(ns+"_indicator_target",
		"Target in force for the latest period, in the indicator's unit.", it, nil)
	descThreshold = prometheus.NewDesc(ns+"_indicator_threshold",
		"Boundary in force for the latest period at which the indicator turns amber or red.", append(it, "level"), nil)
	descBenchmark = prometheus.NewDesc(ns+"_indicator_benchmark",
		"Published comparator figure (see vitalsigns_indicator_benchmark_info for its year and publication).", []string{"indicator", "source"}, nil)
	descBenchmarkInfo = prometheus.NewDesc(ns+"_indicator_benchmark_info",
		"Where a benchmark comes from: the publication's year, the date it refers to and the publication.", []string{"indicator", "source", "year", "reference", "publication"}, nil)
	descBenchmarkRank = prometheus.NewDesc(ns+"_indicator_benchmark_rank",
		"The authority's rank among English authorities with a published value in the benchmark year, 1 the best by polarity (the highest for a neutral indicator); ties share the best rank.", []string{"indicator"}, nil)
	descBenchmarkRanked = prometheus.NewDesc(ns+"_indicator_benchmark_ranked",
		"How many English authorities with a published value the rank is among.", []string{"indicator"}, nil)
	descBenchmarkBand = prometheus.NewDesc(ns+"_indicator_benchmark_quartile_info",
		"The authority's quartile band among English authorities in the benchmark year: A the best quarter to D.", []string{"indicator", "band"}, nil)
	descRAG = prometheus.NewDesc(ns+"_indicator_rag",
		"RAG rating of the latest value: 0 green, 1 amber, 2 red; absent when there is no verdict.", it, nil)
	descStatus = prometheus.NewDesc(ns+"_indicator_status",
		"Standing of the indicator: 1 for the state in force, 0 for the others; all 0 when the figure is not rated.", append(it, "state"), nil)
	descPeriodEnd = prometheus.NewDesc(ns+"_indicator_period_end_timestamp_seconds",
		"End of the period the latest value is for (midnight Europe/London after its last day).", it, nil)
	descDue = prometheus.NewDesc(ns+"_indicator_next_due_timestamp_seconds",
		"When the next period's figures are due, including the grace period; later than this the data is overdue.", it, nil)
	descSmall = prometheus.NewDesc(ns+"_indicator_below_min_denominator",
		"1 when the latest value's denominator is under the indicator's minimum: shown, not to be alarmed on.", it, nil)
	descDirection = prometheus.NewDesc(ns+"_indicator_direction",
		"Direction of travel of the latest value, judged by polarity: 1 improving, 0 unchanged, -1 worsening; absent with nothing to compare or a neutral indicator.", append(it, "against"), nil)
	descChange = prometheus.NewDesc(ns+"_indicator_change",
		"Change of the latest value from the compared period, in the indicator's unit.", append(it, "against"), nil)
	descComparison = prometheus.NewDesc(ns+"_indicator_benchmark_comparison",
		"The latest value against a published benchmark, by polarity: 1 better, 0 similar, -1 worse.", append(it, "source"), nil)
	descRedOf3 = prometheus.NewDesc(ns+"_indicator_red_periods_of_last_3",
		"How many of the last three periods were red (not counting values below the minimum denominator).", it, nil)
	descAmberRun = prometheus.NewDesc(ns+"_indicator_amber_run_periods",
		"Consecutive periods, ending with the latest, that were amber.", it, nil)
	descRedRun = prometheus.NewDesc(ns+"_indicator_red_run_periods",
		"Consecutive periods, ending with the latest, that were red.", it, nil)
	descProcessMean = prometheus.NewDesc(ns+"_indicator_process_mean",
		"SPC centre line of the current process (Making Data Count) at the latest period with a value; absent with too few points (13) or limits of no width.", it, nil)
	descProcessLimit = prometheus.NewDesc(ns+"_indicator_process_limit",
		"SPC process limit of the current process at the latest period with a value; absent with too few points (13) or limits of no width.", append(it, "bound"), nil)
	descSPCSignal = prometheus.NewDesc(ns+"_indicator_spc_signal",
		"1 when the latest period with a value is flagged by the special-cause rule (beyond_limits, shift, trend, two_of_three), else 0; absent with too few points or limits of no width.", append(it, "rule"), nil)
	descSPCPoint = prometheus.NewDesc(ns+"_indicator_spc_point",
		"The SPC verdict of the latest period with a value: 1 for the type in force (common_cause, special_cause_improvement, special_cause_concern, special_cause_neutral), 0 for the others; absent with too few points or limits of no width.", append(it, "type"), nil)
	descSPCPointEnd = prometheus.NewDesc(ns+"_indicator_spc_point_period_end_timestamp_seconds",
		"End of the period that the SPC point, signal, mean and limits describe: the latest with a value, earlier than the latest period when that is missing or suppressed.", it, nil)
	descSPCInfo = prometheus.NewDesc(ns+"_indicator_spc_info",
		"The SPC chart's variation and assurance icons and the rule set it was judged by.", append(it, "variation", "assurance", "rule_set"), nil)
	descForecast = prometheus.NewDesc(ns+"_indicator_forecast",
		"Forecast of the indicator horizon periods after the latest, with its 80% and 95% prediction interval bounds.", append(it, "horizon", "bound"), nil)
	descForecastInfo = prometheus.NewDesc(ns+"_indicator_forecast_info",
		"The forecasting model chosen for the series.", append(it, "model"), nil)
	descBreach = prometheus.NewDesc(ns+"_indicator_forecast_breach_timestamp_seconds",
		"End of the first forecast period (named by the period label) projected to be worse than the amber or red boundary; absent when none is.", append(it, "level", "period"), nil)
	descBreachProb = prometheus.NewDesc(ns+"_indicator_forecast_breach_probability",
		"Probability, from the forecast's interval, that the value is worse than the boundary in the first period projected to breach it.", append(it, "level"), nil)
	descCommittee = prometheus.NewDesc(ns+"_committee_next_timestamp_seconds",
		"When the next committee meets (midnight Europe/London at the start of the day).", []string{"committee", "name", "date"}, nil)
	descTeamInfo = prometheus.NewDesc(ns+"_team_info",
		"A team's name and the team above it (\"\" for the top level; the authority is team=\"authority\").", []string{"team", "team_name", "parent"}, nil)
	descLatestPeriod = prometheus.NewDesc(ns+"_indicator_latest_period_info",
		"The period the latest value is for, as vitalsigns writes it (e.g. 2026-10), for alert and dashboard text.", append(it, "period"), nil)
	descPending = prometheus.NewDesc(ns+"_forecasts_pending",
		"Series whose forecast is still being computed for this snapshot.", nil, nil)
	descInfo = prometheus.NewDesc(ns+"_indicator_info",
		"The indicator's catalogue entry.", []string{"indicator", "name", "unit", "polarity", "group", "frequency"}, nil)
	descFiles = prometheus.NewDesc(ns+"_ingest_files_total",
		"Files offered for ingest, by result, from the store's sources table (all ways in, all processes).", []string{"result"}, nil)
	descLastSuccess = prometheus.NewDesc(ns+"_ingest_last_success_timestamp_seconds",
		"When a file was last accepted; 0 if never.", nil, nil)
	descLastFailure = prometheus.NewDesc(ns+"_ingest_last_failure_timestamp_seconds",
		"When an ingest last failed, for any reason (see vitalsigns_ingest_last_error_timestamp_seconds); 0 if never.", nil, nil)
	descErrors = prometheus.NewDesc(ns+"_ingest_errors_total",
		"Failed ingests by reason: rejected (the file's fault: its problems are in its report), store (the store busy past its lock timeout, full, read-only or damaged), io (the file or a temporary file could not be read or written); all ways in, all processes.", []string{"reason"}, nil)
	descLastError = prometheus.NewDesc(ns+"_ingest_last_error_timestamp_seconds",
		"When an ingest last failed for the reason; 0 if never.", []string{"reason"}, nil)
	descSnapshot = prometheus.NewDesc(ns+"_snapshot_timestamp_seconds",
		"When the snapshot being exposed was built.", nil, nil)
)

// Collector exposes the current snapshot. The metrics are built once per
// snapshot, not per scrape: the data only changes at ingest.
type Collector struct {
	cur atomic.Pointer[frozen]
}

type frozen struct {
	snap    *assess.Snapshot
	metrics []prometheus.Metric
	// families are the same metrics gathered, validated and sorted once,
	// shared read-only by every scrape until the next snapshot.
	families []*dto.MetricFamily
}

// NewCollector returns a Collector that exposes nothing until Set is called.
func NewCollector() *Collector { return &Collector{} }

// Set builds the metrics for s and swaps them in atomically.
func (c *Collector) Set(s *assess.Snapshot) error {
	ms, err := build(s)
	if err != nil {
		return fmt.Errorf("build metrics: %w", err)
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(constCollector(ms)); err != nil {
		return fmt.Errorf("build metrics: %w", err)
	}
	fams, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("build metrics: %w", err)
	}
	c.cur.Store(&frozen{snap: s, metrics: ms, families: fams})
	return nil
}

// constCollector emits a fixed list of metrics; it is unchecked (no
// Describe), which is what a list built from configuration needs.
type constCollector []prometheus.Metric

func (constCollector) Describe(chan<- *prometheus.Desc) {}

func (c constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

// Gather returns the snapshot's metric families, gathered when the snapshot
// was set: a scrape costs only their encoding.
func (c *Collector) Gather() ([]*dto.MetricFamily, error) {
	if f := c.cur.Load(); f != nil {
		return f.families, nil
	}
	return nil, nil
}

// Snapshot returns the snapshot in force, or nil before the first Set.
func (c *Collector) Snapshot() *assess.Snapshot {
	if f := c.cur.Load(); f != nil {
		return f.snap
	}
	return nil
}

// Describe sends every descriptor the collector may emit.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descValue, descTarget, descThreshold, descBenchmark, descBenchmarkInfo,
		descBenchmarkRank, descBenchmarkRanked, descBenchmarkBand,
		descRAG, descStatus, descPeriodEnd, descDue, descSmall, descDirection, descChange, descComparison,
		descRedOf3, descAmberRun, descRedRun, descProcessMean, descProcessLimit, descSPCSignal, descSPCPoint,
		descSPCPointEnd, descSPCInfo, descForecast, descForecastInfo, descBreach, descBreachProb, descCommittee, descPending,
		descTeamInfo, descLatestPeriod, descInfo, descFiles, descLastSuccess,
		descLastFailure, descErrors, descLastError, descSnapshot} {
		ch <- d
	}
}

// Collect emits the metrics of the snapshot in force, read once.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	f := c.cur.Load()
	if f == nil {
		return
	}
	for _, m := range f.metrics {
		ch <- m
	}
}

func build(s *assess.Snapshot) ([]prometheus.Metric, error) {
	var (
		out []prometheus.Metric
		err error
	)
	var add addFunc = func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
		if err != nil {
			return
		}
		var m prometheus.Metric
		if m, err = prometheus.NewConstMetric(d, t, v, labels...); err == nil {
			out = append(out, m)
		}
	}
	unix := func(t interface{ Unix() int64 }) float64 { return float64(t.Unix()) }
	for i := range s.Catalogue.Indicators {
		ind := &s.Catalogue.Indicators[i]
		add(descInfo, prometheus.GaugeValue, 1, ind.ID, ind.Name, string(ind.Unit), string(ind.Polarity), ind.Group, string(ind.Frequency))
		for _, b := range ind.Benchmarks {
			add(descBenchmark, prometheus.GaugeValue, b.Value, ind.ID, string(b.Source))
			add(descBenchmarkInfo, prometheus.GaugeValue, 1, ind.ID, string(b.Source), b.Year, b.Reference, b.Publication)
		}
		if st := ind.Standing; st != nil && st.Rank > 0 {
			add(descBenchmarkRank, prometheus.GaugeValue, float64(st.Rank), ind.ID)
			add(descBenchmarkRanked, prometheus.GaugeValue, float64(st.Ranked), ind.ID)
			add(descBenchmarkBand, prometheus.GaugeValue, 1, ind.ID, st.Band)
		}
	}
	for _, tid := range s.Catalogue.TeamIDs() {
		t, _ := s.Catalogue.Team(tid)
		add(descTeamInfo, prometheus.GaugeValue, 1, t.ID, t.Name, t.Parent)
	}
	for _, item := range s.Items {
		id, team := item.Indicator.ID, item.Team.ID
		for _, st := range assess.States() {
			v := 0.0
			if item.State == st {
				v = 1
			}
			add(descStatus, prometheus.GaugeValue, v, id, team, string(st))
		}
		if !item.Has {
			continue
		}
		o := item.Latest
		if o.Value.Valid {
			add(descValue, prometheus.GaugeValue, o.Value.Float64, id, team)
		}
		if r, ok := item.Verdict.RAGValue(); ok {
			add(descRAG, prometheus.GaugeValue, r, id, team)
		}
		if t := item.Threshold; t.Target != nil {
			add(descTarget, prometheus.GaugeValue, *t.Target, id, team)
		}
		if t := item.Threshold; t.Amber != nil {
			add(descThreshold, prometheus.GaugeValue, *t.Amber, id, team, "amber")
		}
		if t := item.Threshold; t.Red != nil {
			add(descThreshold, prometheus.GaugeValue, *t.Red, id, team, "red")
		}
		add(descPeriodEnd, prometheus.GaugeValue, unix(item.PeriodEnd), id, team)
		add(descLatestPeriod, prometheus.GaugeValue, 1, id, team, o.Period.String())
		add(descDue, prometheus.GaugeValue, unix(item.DueBy), id, team)
		small := 0.0
		if item.BelowMinDenominator {
			small = 1
		}
		add(descSmall, prometheus.GaugeValue, small, id, team)
		for _, d := range []struct {
			against string
			dir     assess.Direction
		}{{"previous_period", item.SincePrevious}, {"same_period_last_year", item.SinceLastYear}} {
			if d.dir.Judgement == assess.NoComparison {
				continue
			}
			add(descChange, prometheus.GaugeValue, d.dir.Change, id, team, d.against)
			if v, ok := judgementValue(d.dir.Judgement); ok && item.Indicator.Polarity != vs.Neutral {
				add(descDirection, prometheus.GaugeValue, v, id, team, d.against)
			}
		}
		for _, b := range item.Benchmarks {
			if v, ok := comparisonValue(b.Comparison); ok {
				add(descComparison, prometheus.GaugeValue, v, id, team, string(b.Benchmark.Source))
			}
		}
		add(descRedOf3, prometheus.GaugeValue, float64(item.Windows.RedOfLast3), id, team)
		add(descAmberRun, prometheus.GaugeValue, float64(item.Windows.AmberRun), id, team)
		add(descRedRun, prometheus.GaugeValue, float64(item.Windows.RedRun), id, team)
		spcMetrics(add, &item)
		forecastMetrics(add, &item)
	}
	if next := nextCommittees(s); len(next) > 0 {
		for _, c := range next {
			add(descCommittee, prometheus.GaugeValue, float64(c.at.Unix()), c.id, c.name, c.date)
		}
	}
	add(descPending, prometheus.GaugeValue, float64(s.PendingForecasts))
	in := s.Ingest
	add(descFiles, prometheus.CounterValue, float64(in.Accepted), "accepted")
	add(descFiles, prometheus.CounterValue, float64(in.Rejected), "rejected")
	ts := func(t interface {
		IsZero() bool
		Unix() int64
	}) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.Unix())
	}
	add(descLastSuccess, prometheus.GaugeValue, ts(in.LastSuccess))
	add(descLastFailure, prometheus.GaugeValue, ts(in.LastFailure))
	// Every reason, 0 until its first error, so that increase() sees the
	// first one.
	for _, r := range vs.IngestErrorReasons() {
		c := in.Errors[r]
		if r == vs.ReasonRejected && in.Errors == nil {
			c = vs.IngestErrorCount{Count: in.Rejected, Last: in.LastFailure} // stats that only count sources
		}
		add(descErrors, prometheus.CounterValue, float64(c.Count), string(r))
		add(descLastError, prometheus.GaugeValue, ts(c.Last), string(r))
	}
	add(descSnapshot, prometheus.GaugeValue, unix(s.Built))
	return out, err
}

// Handler serves /metrics: the snapshot's families from c, gathered once
// per snapshot, and vitalsigns_build_info with the Go and process metrics,
// gathered per scrape from their own registry (never the default one).
func Handler(c *Collector, errorLog promhttp.Logger) http.Handler {
	r := prometheus.NewRegistry()
	r.MustRegister(version.NewCollector(ns),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	g := gatherer{r, c}
	return promhttp.InstrumentMetricHandler(r, promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorLog: errorLog}))
}

// gatherer joins the per-scrape registry and the snapshot's families, whose
// names never overlap, in name order.
type gatherer struct {
	reg  prometheus.Gatherer
	snap prometheus.Gatherer
}

func (g gatherer) Gather() ([]*dto.MetricFamily, error) {
	a, err := g.reg.Gather()
	b, _ := g.snap.Gather() // cannot fail: validated when the snapshot was set
	out := make([]*dto.MetricFamily, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.SortFunc(out, func(x, y *dto.MetricFamily) int { return strings.Compare(x.GetName(), y.GetName()) })
	return out, err
}

type addFunc func(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string)

// spcMetrics exposes the SPC chart: its icons, and the mean, limits and
// verdict of the latest period that has a value. When the latest period's
// figure is missing or suppressed, the point-level families describe the
// period before it that has one (named by the period-end family), so a
// Grafana SPC panel keeps its limits; the period is not a label, which
// would start a new series every month.
func spcMetrics(add addFunc, item *assess.Item) {
	id, team := item.Indicator.ID, item.Team.ID
	c := item.Control
	if c.Err != nil || len(c.Chart.Points) == 0 {
		return
	}
	add(descSPCInfo, prometheus.GaugeValue, 1, id, team, string(c.Chart.Variation), string(c.Chart.Assurance), c.Chart.RuleSet)
	if c.Chart.TooFew || c.Chart.Flat {
		return
	}
	i := len(c.Chart.Points) - 1
	for i >= 0 && c.Chart.Points[i].Missing {
		i--
	}
	// A chart that is not TooFew has a value in its last segment, so the
	// point found is in the current process.
	if i < 0 || c.Chart.Points[i].Type == spc.TypeNone {
		return
	}
	last := c.Chart.Points[i]
	add(descSPCPointEnd, prometheus.GaugeValue, float64(c.Periods[i].End().Unix()), id, team)
	for _, v := range []struct {
		bound string
		v     float64
	}{{"upper", last.Upper}, {"lower", last.Lower}} {
		if !math.IsNaN(v.v) {
			add(descProcessLimit, prometheus.GaugeValue, v.v, id, team, v.bound)
		}
	}
	if !math.IsNaN(last.Mean) {
		add(descProcessMean, prometheus.GaugeValue, last.Mean, id, team)
	}
	for _, r := range []spc.Rules{spc.RuleBeyondLimits, spc.RuleShift, spc.RuleTrend, spc.RuleTwoOfThree} {
		add(descSPCSignal, prometheus.GaugeValue, boolValue(last.Rules.Has(r)), id, team, r.String())
	}
	for _, t := range []spc.Type{spc.TypeCommon, spc.TypeImprovement, spc.TypeConcern, spc.TypeNeutral} {
		add(descSPCPoint, prometheus.GaugeValue, boolValue(last.Type == t), id, team, string(t))
	}
}

// forecastMetrics exposes the outlook: the forecast over the shown
// horizon and the projected breaches.
func forecastMetrics(add addFunc, item *assess.Item) {
	o := item.Outlook
	if o == nil {
		return
	}
	id, team := item.Indicator.ID, item.Team.ID
	add(descForecastInfo, prometheus.GaugeValue, 1, id, team, string(o.Forecast.Model))
	for _, p := range o.Forecast.Points[:o.Shown] {
		h := strconv.Itoa(p.H)
		for _, b := range []struct {
			name string
			v    float64
		}{{"point", p.Value}, {"lower_80", p.Lo80}, {"upper_80", p.Hi80}, {"lower_95", p.Lo95}, {"upper_95", p.Hi95}} {
			if !math.IsNaN(b.v) && !math.IsInf(b.v, 0) {
				add(descForecast, prometheus.GaugeValue, b.v, id, team, h, b.name)
			}
		}
	}
	for _, b := range []struct {
		level string
		br    assess.Breach
	}{{"amber", o.Amber}, {"red", o.Red}} {
		if b.br.Period.IsZero() {
			continue
		}
		add(descBreach, prometheus.GaugeValue, float64(b.br.Period.End().Unix()), id, team, b.level, b.br.Period.String())
		if !math.IsNaN(b.br.Prob) {
			add(descBreachProb, prometheus.GaugeValue, b.br.Prob, id, team, b.level)
		}
	}
}

type committeeAt struct {
	id, name, date string
	at             time.Time
}

// nextCommittees is each committee's next meeting on or after the day the
// snapshot was built.
func nextCommittees(s *assess.Snapshot) []committeeAt {
	today := vs.DateOf(s.Built.In(vs.London()))
	var out []committeeAt
	for _, c := range s.Catalogue.Committees {
		var next *vs.Date
		for _, d := range c.Dates {
			if !d.Before(today) && (next == nil || d.Before(*next)) {
				next = &d
			}
		}
		if next != nil {
			name := c.Name
			if name == "" {
				name = c.ID
			}
			out = append(out, committeeAt{c.ID, name, next.String(), time.Date(next.Year, next.Month, next.Day, 0, 0, 0, 0, vs.London())})
		}
	}
	return out
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func judgementValue(j assess.Judgement) (float64, bool) {
	switch j {
	case assess.Improving:
		return 1, true
	case assess.Unchanged:
		return 0, true
	case assess.Worsening:
		return -1, true
	}
	return 0, false
}

func comparisonValue(c assess.Comparison) (float64, bool) {
	switch c {
	case assess.Better:
		return 1, true
	case assess.Similar:
		return 0, true
	case assess.Worse:
		return -1, true
	}
	return 0, false
}
