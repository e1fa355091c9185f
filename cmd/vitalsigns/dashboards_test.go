package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vitalsigns/vitalsigns/metrics"
)

// dashboardQuery is one query of one panel of a generated dashboard.
type dashboardQuery struct {
	dashboard, panel, expr string
}

// dashboardQueries reads every panel's Prometheus queries from the
// dashboards under dir.
func dashboardQueries(t *testing.T, dir string) []dashboardQuery {
	t.Helper()
	type panel struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	names, err := filepath.Glob(filepath.Join(dir, "dashboards", "*.json"))
	if err != nil || len(names) != 4 {
		t.Fatalf("dashboards written: %v %v, want 4", names, err)
	}
	var out []dashboardQuery
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var d struct{ Panels []panel }
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range d.Panels {
			for _, q := range p.Targets {
				out = append(out, dashboardQuery{filepath.Base(name), p.Title, q.Expr})
			}
			if len(p.Panels) > 0 {
				t.Errorf("%s: row %q holds panels: the test reads only top-level ones", name, p.Title)
			}
		}
	}
	return out
}

// demoValues substitutes Grafana's variables with values the demo has.
var demoValues = strings.NewReplacer(
	"$__rate_interval", "1m", "${__rate_interval}", "1m",
	"$__interval", "1m", "$__range", "1h",
	"${indicator}", "cla_visits_in_timescale", "$indicator", "cla_visits_in_timescale",
	"${team}", "authority", "$team", "authority",
).Replace

// `vitalsigns dashboards -o DIR` writes the dashboards and the
// provisioning files, the dashboard provider pointing at DIR/dashboards.
func TestDashboardsCommandWritesTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "grafana")
	if out, stderr, code := vitalsigns(t, "dashboards", "-o", dir, "--grafana.datasource-uid", "council-prom"); code != 0 {
		t.Fatalf("dashboards: exit %d\n%s%s", code, out, stderr)
	}
	for _, name := range []string{metrics.DatasourceProvisioningFile, metrics.DashboardProvisioningFile,
		metrics.OverviewDashboardFile, metrics.IndicatorDashboardFile, metrics.TeamsDashboardFile, metrics.FreshnessDashboardFile} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	var dp struct {
		Providers []struct{ Options map[string]string }
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(metrics.DashboardProvisioningFile)))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &dp); err != nil || len(dp.Providers) != 1 {
		t.Fatalf("dashboard provider: %v %+v", err, dp)
	}
	if got, want := dp.Providers[0].Options["path"], filepath.Join(dir, "dashboards"); got != want {
		t.Errorf("dashboard provider path %q, want %q", got, want)
	}
	b, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(metrics.OverviewDashboardFile)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"uid": "council-prom"`) {
		t.Error("the overview does not query the datasource named by --grafana.datasource-uid")
	}
	if _, _, code := vitalsigns(t, "dashboards", "-o", dir, "extra"); code != exitUsage {
		t.Errorf("an argument: exit %d, want %d", code, exitUsage)
	}
	// Generated again over the same directory: the same files, no leftovers.
	if _, stderr, code := vitalsigns(t, "dashboards", "-o", dir, "--grafana.datasource-uid", "council-prom"); code != 0 {
		t.Fatalf("dashboards again: %s", stderr)
	}
	var leftovers []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".vitalsigns-") {
			leftovers = append(leftovers, p)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// Nothing is written outside DIR: not by a name that climbs out, nor
// through a symbolic link inside DIR that leads out.
func TestWriteTreeStaysInside(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	if err := writeTree(dir, map[string][]byte{"../escape.json": []byte("{}")}); err == nil {
		t.Error("a name climbing out of DIR is written")
	}
	if err := writeTree(dir, map[string][]byte{"/tmp/escape.json": []byte("{}")}); err == nil {
		t.Error("an absolute name is written")
	}
	if err := os.Symlink(outside, filepath.Join(dir, "dashboards")); err != nil {
		t.Fatal(err)
	}
	if err := writeTree(dir, map[string][]byte{"dashboards/x.json": []byte("{}")}); err == nil {
		t.Error("a file is written through a symbolic link leading out of DIR")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("written outside DIR: %v", entries)
	}
	if err := writeTree(dir, map[string][]byte{"provisioning/a/b.yaml": []byte("x")}); err != nil {
		t.Errorf("a nested local name: %v", err)
	}
}

// Every panel's query, with the demo's team and indicator for the
// variables, returns data from a real Prometheus scraping serve --demo with
// the generated rules loaded.
func TestDashboardQueriesReturnDemoData(t *testing.T) {
	s := startServe(t, "--demo")
	dir := t.TempDir()
	rules := filepath.Join(dir, "vitalsigns.rules.yml")
	if out, stderr, code := vitalsigns(t, "rules", "--rules.interval", "1s", "-o", rules); code != 0 {
		t.Fatalf("rules: %s %s", out, stderr)
	}
	grafana := filepath.Join(dir, "grafana")
	if out, stderr, code := vitalsigns(t, "dashboards", "-o", grafana); code != 0 {
		t.Fatalf("dashboards: %s %s", out, stderr)
	}
	queries := dashboardQueries(t, grafana)
	if len(queries) < 30 {
		t.Fatalf("%d queries, want at least 30", len(queries))
	}
	base := startPrometheus(t, fmt.Sprintf(`
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: vitalsigns
    static_configs:
      - targets: [%q]
`, rules, strings.TrimPrefix(s.url, "http://")), "")

	// The forecasts come in the background; the recording rule needs an
	// evaluation after the first scrape.
	waitFor(t, "forecasts in Prometheus", 3*time.Minute, func() bool {
		return len(promQuery(t, base, `vitalsigns_forecasts_pending == 0`, time.Time{})) == 1
	})
	waitFor(t, "the recording rule", time.Minute, func() bool {
		return len(promQuery(t, base, `vitalsigns:indicator_status:count`, time.Time{})) > 0
	})

	// Queries over a window ($__rate_interval) need a few scrapes in it:
	// retry the empty ones for a while before failing them.
	empty := slices.Clone(queries)
	deadline := time.Now().Add(45 * time.Second)
	for {
		var still []dashboardQuery
		for _, q := range empty {
			if len(promQuery(t, base, demoValues(q.expr), time.Time{})) == 0 {
				still = append(still, q)
			}
		}
		empty = still
		if len(empty) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	// Every panel shows data. Every query returns data too, except that a
	// query repeated for each priority area may be empty for an area where
	// it has nothing to show (RAG and direction of travel, where every
	// indicator in it is a neutral count) if it returns data for another.
	emptyKey := map[string]bool{}
	for _, q := range empty {
		emptyKey[groupKey(q)] = true
	}
	for _, q := range queries {
		if !slices.Contains(empty, q) {
			delete(emptyKey, groupKey(q))
		}
	}
	for _, q := range empty {
		if emptyKey[groupKey(q)] || !hasData(queries, empty, q) {
			t.Errorf("%s: panel %q: no data for\n%s", q.dashboard, q.panel, demoValues(q.expr))
		} else {
			t.Logf("%s: panel %q: no data for one query, as the demo has none for that area:\n%s", q.dashboard, q.panel, demoValues(q.expr))
		}
	}
}

var groupMatcher = regexp.MustCompile(`group="[^"]*"`)

// groupKey is a query with its priority area taken out: the same for each
// area's copy of it.
func groupKey(q dashboardQuery) string {
	return q.dashboard + "\x00" + groupMatcher.ReplaceAllString(q.expr, `group="*"`)
}

// hasData says whether some query of q's panel returned data.
func hasData(queries, empty []dashboardQuery, q dashboardQuery) bool {
	for _, other := range queries {
		if other.dashboard == q.dashboard && other.panel == q.panel && !slices.Contains(empty, other) {
			return true
		}
	}
	return false
}
