package metrics_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// bigSnapshot builds 60 indicators × 30 teams (plus the authority), each with
// a latest and a previous figure, thresholds and (for half) a benchmark.
func bigSnapshot(b *testing.B) *assess.Snapshot {
	b.Helper()
	cat := &vs.Catalogue{}
	for i := range 30 {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("team_%02d", i), Name: fmt.Sprintf("Team %d", i)})
	}
	for i := range 60 {
		ind := vs.Indicator{ID: fmt.Sprintf("indicator_%02d", i), Name: fmt.Sprintf("Indicator %d", i), Group: "Group",
			Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly,
			Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}
		if i%2 == 0 {
			ind.Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.85, Reference: "year to 31 March 2025", Publication: "p"}}
		}
		cat.Indicators = append(cat.Indicators, ind)
	}
	var obs []vs.Observation
	for i, ind := range cat.Indicators {
		for j, team := range cat.TeamIDs() {
			for _, m := range []time.Month{time.September, time.October} {
				obs = append(obs, vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team, Period: vs.Month(2026, m)},
					Value: sql.NullFloat64{Float64: 0.7 + float64((i*31+j)%30)/100, Valid: true}, Status: vs.StatusActual})
			}
		}
	}
	return assess.Build(cat, obs, vs.IngestStats{Accepted: 10}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
}

// BenchmarkScrape measures one whole /metrics scrape (gather and encode,
// uncompressed text) of 60 indicators × 31 teams, about 15,000 indicator
// series:
//
//	go test -run '^$' -bench Scrape -benchmem -count 6 ./metrics
func BenchmarkScrape(b *testing.B) {
	c := metrics.NewCollector()
	if err := c.Set(bigSnapshot(b)); err != nil {
		b.Fatal(err)
	}
	h := metrics.Handler(c, nil)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "text/plain")
	series := 0
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		b.SetBytes(int64(rec.Body.Len()))
		series = 0
		for _, c := range rec.Body.Bytes() {
			if c == '\n' {
				series++
			}
		}
	}
	b.ReportMetric(float64(series), "lines/scrape")
}

// BenchmarkSet measures building the metrics of a new snapshot, which is
// done once per ingest rather than once per scrape:
//
//	go test -run '^$' -bench Set -benchmem -count 6 ./metrics
func BenchmarkSet(b *testing.B) {
	s := bigSnapshot(b)
	c := metrics.NewCollector()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Set(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRules measures generating the rules for 60 indicators, a third
// of them with alert overrides:
//
//	go test -run '^$' -bench Rules -benchmem -count 6 ./metrics
func BenchmarkRules(b *testing.B) {
	s := bigSnapshot(b)
	cat := *s.Catalogue
	cat.Indicators = append([]vs.Indicator(nil), cat.Indicators...)
	for i := range cat.Indicators {
		switch i % 6 {
		case 0:
			cat.Indicators[i].Alerts.AmberPeriods = 2
		case 1:
			cat.Indicators[i].Alerts.Disabled = []vs.AlertRule{vs.AlertForecastBreach}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := metrics.Rules(&cat, metrics.RulesOptions{})
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}

// BenchmarkDashboards measures generating the Grafana dashboards and
// provisioning files for 60 indicators in 6 priority areas:
//
//	go test -run '^$' -bench Dashboards -benchmem -count 6 ./metrics
func BenchmarkDashboards(b *testing.B) {
	s := bigSnapshot(b)
	cat := *s.Catalogue
	cat.Indicators = append([]vs.Indicator(nil), cat.Indicators...)
	for i := range cat.Indicators {
		cat.Indicators[i].Group = fmt.Sprintf("Area %d", i%6)
	}
	b.ReportAllocs()
	for b.Loop() {
		files, err := metrics.Dashboards(&cat, metrics.DashboardOptions{})
		if err != nil || len(files) != 6 {
			b.Fatalf("%d files, %v", len(files), err)
		}
		n := 0
		for _, f := range files {
			n += len(f)
		}
		b.SetBytes(int64(n))
	}
}
