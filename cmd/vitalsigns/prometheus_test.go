package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/store"
)

// freePort returns a free loopback address.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startPrometheus runs the real prometheus on 127.0.0.1 with the given
// configuration, its data in tsdb (a temporary directory if ""), and extra
// flags, until the test ends.
func startPrometheus(t *testing.T, cfg, tsdb string, flags ...string) string {
	t.Helper()
	bin := testenv.Prometheus(t)
	dir := t.TempDir()
	if tsdb == "" {
		tsdb = filepath.Join(dir, "data")
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	args := append([]string{"--config.file=" + cfgPath, "--web.listen-address=" + addr,
		"--storage.tsdb.path=" + tsdb, "--log.level=warn"}, flags...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	base := "http://" + addr
	waitFor(t, "prometheus to be ready", 60*time.Second, func() bool {
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return base
}

// promQuery runs an instant query at ts (zero: now) and returns the vector.
func promQuery(t *testing.T, base, q string, ts time.Time) []struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
} {
	t.Helper()
	v := url.Values{"query": {q}}
	if !ts.IsZero() {
		v.Set("time", strconv.FormatInt(ts.Unix(), 10))
	}
	code, body := get(t, base+"/api/v1/query?"+v.Encode())
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil || code != 200 || r.Status != "success" {
		t.Fatalf("query %s: %d %v %s", q, code, err, body)
	}
	return r.Data.Result
}

func sampleValue(t *testing.T, v [2]any) float64 {
	t.Helper()
	s, _ := v[1].(string)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("sample value %v: %v", v, err)
	}
	return f
}

// A real Prometheus scrapes serve --demo with the generated rules loaded:
// the demo's red indicators fire, a green one does not, and a query of
// vitalsigns_indicator_value returns what the store holds.
func TestPrometheusScrapesDemoAndFires(t *testing.T) {
	s := startServe(t, "--demo")
	rules := filepath.Join(t.TempDir(), "vitalsigns.rules.yml")
	if out, stderr, code := vitalsigns(t, "rules", "--rules.interval", "1s", "-o", rules); code != 0 {
		t.Fatalf("rules: %s %s", out, stderr)
	}
	target := strings.TrimPrefix(s.url, "http://")
	base := startPrometheus(t, fmt.Sprintf(`
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: vitalsigns
    static_configs:
      - targets: [%q]
`, rules, target), "")

	_, fams := scrape(t, s.url)
	want, ok := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "agency_rate", "team": "authority"})
	if !ok {
		t.Fatal("serve exposes no agency_rate value")
	}
	var firing map[string]bool
	waitFor(t, "the demo's red indicators to fire", 90*time.Second, func() bool {
		firing = map[string]bool{}
		for _, r := range promQuery(t, base, `ALERTS{alertname="VitalSignsIndicatorRed",alertstate="firing",team="authority"}`, time.Time{}) {
			firing[r.Metric["indicator"]] = true
		}
		return firing["cla_initial_health_assessment_20d"] && firing["placements_over_20_miles"]
	})
	// Green in the demo for the authority: not firing.
	greens := promQuery(t, base, `vitalsigns_indicator_status{state="green",team="authority"} == 1`, time.Time{})
	if len(greens) == 0 {
		t.Fatal("the demo has no green indicator for the authority")
	}
	for _, g := range greens {
		if firing[g.Metric["indicator"]] {
			t.Errorf("%s is green and its red alert fires", g.Metric["indicator"])
		}
	}
	got := promQuery(t, base, `vitalsigns_indicator_value{indicator="agency_rate",team="authority"}`, time.Time{})
	if len(got) != 1 || sampleValue(t, got[0].Value) != want {
		t.Errorf("Prometheus has %v for agency_rate, serve exposes %v", got, want)
	}
	if r := promQuery(t, base, `ALERTS{alertname="VitalSignsDown",alertstate="firing"}`, time.Time{}); len(r) != 0 {
		t.Errorf("VitalSignsDown is %v while vitalsigns is up", r)
	}
}

// The history exported as OpenMetrics backfills Prometheus: a value from
// three years ago reads back as the store has it.
func TestBackfillRoundTrip(t *testing.T) {
	promtool := testenv.Promtool(t)
	data := t.TempDir()
	base, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := demo.Catalogue(base)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(ctx, vs.Source{Name: "demo", SHA256: "demo", Via: vs.ViaCLI}, vs.ObservationSlice(demo.Generate(cat, now, 1))); err != nil {
		t.Fatal(err)
	}
	oldest := vs.Month(2023, time.November)
	stored, err := st.Latest(ctx, vs.Filter{Indicator: "agency_rate", Team: "cic_north"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want *vs.Observation
	for i := range stored {
		if stored[i].Period == oldest {
			want = &stored[i]
		}
	}
	if want == nil {
		t.Fatalf("the demo has no agency_rate for cic_north in %s", oldest)
	}

	dir := t.TempDir()
	om := filepath.Join(dir, "history.om")
	f, err := os.Create(om)
	if err != nil {
		t.Fatal(err)
	}
	// The export assesses with the configuration's teams: the demo's.
	teams := "teams:\n"
	for _, tm := range demo.Teams() {
		teams += fmt.Sprintf("  - {id: %s, name: %q, parent: %q}\n", tm.ID, tm.Name, tm.Parent)
	}
	cfg := writeFile(t, dir, "teams.yaml", teams)
	var stderr syncBuffer
	cmd := command(t, "--config", cfg, "export", "--format", "openmetrics", "--data-dir", data)
	cmd.Stdout, cmd.Stderr = f, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	f.Close()
	blocks := filepath.Join(dir, "data")
	// A long block duration: ten years of monthly history fits a few
	// blocks instead of one per two hours of it (docs/deploy.md).
	if out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=87600h", om, blocks).CombinedOutput(); err != nil {
		t.Fatalf("create-blocks-from: %v\n%s", err, out)
	}
	// Retention raised: the default 15 days would drop the backfill.
	prom := startPrometheus(t, "global:\n  scrape_interval: 1m\n", blocks, "--storage.tsdb.retention.time=20y")
	at := oldest.End()
	got := promQuery(t, prom, `vitalsigns_indicator_value{indicator="agency_rate",team="cic_north"}`, at)
	if len(got) != 1 || sampleValue(t, got[0].Value) != want.Value.Float64 {
		t.Errorf("Prometheus at %s: %v; the store has %v", at, got, want.Value.Float64)
	}
	// The derived authority total and each period's RAG came too.
	if r := promQuery(t, prom, `vitalsigns_indicator_rag{indicator="cla_visits_in_timescale",team="authority"}`, at); len(r) != 1 {
		t.Errorf("no RAG for the authority's visits at %s: %v", at, r)
	}
	// And the history spans the three years.
	n := promQuery(t, prom, `count_over_time(vitalsigns_indicator_value{indicator="agency_rate",team="cic_north"}[1100d])`, vs.Month(2026, time.October).End())
	if len(n) != 1 || sampleValue(t, n[0].Value) != 36 {
		t.Errorf("%v samples of three years' history, want 36", n)
	}
}

// Files ingested one after another by another process while /metrics is
// scraped in a loop: every scrape shows one ingest's figures, never some
// teams' from one file and some from the next. Each file sets every team to
// the same value, so a mix is two values in one scrape.
func TestScrapeUnderChange(t *testing.T) {
	const teams, files = 25, 12
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("teams:\n")
	for i := range teams {
		fmt.Fprintf(&cfg, "  - {id: team_%02d, name: Team %d}\n", i, i)
	}
	config := writeFile(t, dir, "config.yaml", cfg.String())
	data := filepath.Join(dir, "data")
	s := startServe(t, "--config", config, "--data-dir", data, "--store.poll-interval", "20ms")

	done := make(chan error, 1)
	go func() {
		for k := 1; k <= files; k++ {
			var csv strings.Builder
			csv.WriteString("Period,Indicator,Team,Value\n")
			for i := range teams {
				fmt.Fprintf(&csv, "2026-10,agency_rate,team_%02d,%d%%\n", i, 10+k)
			}
			f := writeFile(t, dir, fmt.Sprintf("file%02d.csv", k), csv.String())
			cmd := command(t, "--config", config, "--data-dir", data, "ingest", f)
			if out, err := cmd.CombinedOutput(); err != nil {
				done <- fmt.Errorf("ingest %d: %v\n%s", k, err, out)
				return
			}
			time.Sleep(30 * time.Millisecond)
		}
		done <- nil
	}()
	seen := map[float64]bool{}
	scrapes := 0
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		_, fams := scrape(t, s.url)
		scrapes++
		values := map[float64]int{}
		for _, m := range fams["vitalsigns_indicator_value"].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "team" && strings.HasPrefix(l.GetValue(), "team_") {
					values[m.GetGauge().GetValue()]++
				}
			}
		}
		if len(values) > 1 {
			t.Fatalf("scrape %d mixed two ingests: %v", scrapes, values)
		}
		for v, n := range values {
			if n != teams {
				t.Fatalf("scrape %d has %d of %d teams", scrapes, n, teams)
			}
			seen[v] = true
		}
	}
	if len(seen) < 3 {
		t.Errorf("%d scrapes saw only %d of %d ingests: the check did not watch the changes", scrapes, len(seen), files)
	}
	t.Logf("%d scrapes saw %d distinct ingests", scrapes, len(seen))
}
