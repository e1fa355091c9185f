package metrics_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/metrics"
)

func dashboardFiles(t *testing.T, cat *vs.Catalogue, opt metrics.DashboardOptions) map[string][]byte {
	t.Helper()
	files, err := metrics.Dashboards(cat, opt)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func defaultCatalogue(t *testing.T) *vs.Catalogue {
	t.Helper()
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// strictDashboard decodes a generated dashboard as the SDK does, strictly:
// unknown or mistyped fields fail, panel options and queries included.
func strictDashboard(t *testing.T, name string, b []byte) dashboard.Dashboard {
	t.Helper()
	plugins.RegisterDefaultPlugins() // the panel and query types, for strict decoding
	var d dashboard.Dashboard
	if err := d.UnmarshalJSONStrict(b); err != nil {
		t.Fatalf("%s: strict decoding: %v", name, err)
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("%s: validate: %v", name, err)
	}
	return d
}

// panels lists a dashboard's panels, those inside rows too.
func panels(d dashboard.Dashboard) []dashboard.Panel {
	var out []dashboard.Panel
	for _, p := range d.Panels {
		if p.Panel != nil {
			out = append(out, *p.Panel)
		}
		if p.RowPanel != nil {
			out = append(out, p.RowPanel.Panels...)
		}
	}
	return out
}

type panelQuery struct {
	dashboard, panel string
	expr             string
	uid              string
}

// queries lists every panel's Prometheus queries; anything else fails t.
func queries(t *testing.T, files map[string][]byte) []panelQuery {
	t.Helper()
	var out []panelQuery
	for _, name := range dashboardNames(files) {
		d := strictDashboard(t, name, files[name])
		for _, p := range panels(d) {
			title := *p.Title
			if len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", name, title)
			}
			for _, target := range p.Targets {
				q, ok := target.(*prometheus.Dataquery)
				if !ok {
					t.Errorf("%s: panel %q: query %T, want a Prometheus query", name, title, target)
					continue
				}
				if q.Datasource == nil || q.Datasource.Uid == nil || p.Datasource == nil || p.Datasource.Uid == nil ||
					*q.Datasource.Uid != *p.Datasource.Uid {
					t.Errorf("%s: panel %q: query and panel datasources differ or are missing", name, title)
					continue
				}
				out = append(out, panelQuery{name, title, q.Expr, *q.Datasource.Uid})
			}
		}
	}
	return out
}

func dashboardNames(files map[string][]byte) []string {
	var names []string
	for name := range files {
		if strings.HasSuffix(name, ".json") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// substitute replaces Grafana's variables with sample values.
var substitute = strings.NewReplacer(
	"$__rate_interval", "1m", "${__rate_interval}", "1m",
	"$__interval", "1m", "$__range", "1h",
	"${indicator}", "cla_visits_in_timescale", "$indicator", "cla_visits_in_timescale",
	"${team}", "authority", "$team", "authority",
).Replace

// families are the metric names vitalsigns exposes, with their labels, and
// what Prometheus adds.
func families(t *testing.T) map[string][]string {
	t.Helper()
	ch := make(chan *prom.Desc, 100)
	go func() {
		metrics.NewCollector().Describe(ch)
		close(ch)
	}()
	name := regexp.MustCompile(`fqName: "([^"]+)"`)
	labels := regexp.MustCompile(`variableLabels: \{([^}]*)\}`)
	out := map[string][]string{
		"up":                                {},
		"vitalsigns:indicator_status:count": {"team", "group", "state"},
	}
	for d := range ch {
		s := d.String()
		n := name.FindStringSubmatch(s)
		if n == nil {
			t.Fatalf("cannot read descriptor %s", s)
		}
		var ls []string
		if l := labels.FindStringSubmatch(s); l != nil && l[1] != "" {
			ls = strings.Split(l[1], ",")
		}
		out[n[1]] = ls
	}
	return out
}

// Every dashboard decodes strictly, validates, round-trips, and keeps its
// uid; every panel queries the provisioned datasource.
func TestDashboardsDecodeStrictly(t *testing.T) {
	files := dashboardFiles(t, defaultCatalogue(t), metrics.DashboardOptions{})
	wantUIDs := map[string]string{
		metrics.OverviewDashboardFile:  metrics.OverviewDashboardUID,
		metrics.IndicatorDashboardFile: metrics.IndicatorDashboardUID,
		metrics.TeamsDashboardFile:     metrics.TeamsDashboardUID,
		metrics.FreshnessDashboardFile: metrics.FreshnessDashboardUID,
	}
	if got := dashboardNames(files); !slices.Equal(got, slices.Sorted(func(yield func(string) bool) {
		for k := range wantUIDs {
			if !yield(k) {
				return
			}
		}
	})) {
		t.Errorf("dashboards %v, want %v", got, wantUIDs)
	}
	for name, uid := range wantUIDs {
		t.Run(name, func(t *testing.T) {
			d := strictDashboard(t, name, files[name])
			if d.Uid == nil || *d.Uid != uid {
				t.Errorf("uid %v, want %s", d.Uid, uid)
			}
			// Encoding the decoded dashboard gives the file back: nothing
			// was dropped or reinterpreted.
			again, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal(files[name], &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(again, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(dropEmpty(want), dropEmpty(got)); diff != "" {
				t.Errorf("round trip (-file +decoded):\n%s", diff)
			}
			ids := map[uint32]bool{}
			for _, p := range d.Panels {
				id := uint32(0)
				switch {
				case p.Panel != nil && p.Panel.Id != nil:
					id = *p.Panel.Id
				case p.RowPanel != nil:
					id = p.RowPanel.Id
				}
				if id == 0 || ids[id] {
					t.Errorf("panel id %d missing or repeated", id)
				}
				ids[id] = true
			}
		})
	}
	for _, q := range queries(t, files) {
		if q.uid != "vitalsigns-prometheus" {
			t.Errorf("%s: %q queries datasource %q", q.dashboard, q.panel, q.uid)
		}
	}
	// Generation is deterministic.
	if again := dashboardFiles(t, defaultCatalogue(t), metrics.DashboardOptions{}); !cmp.Equal(files, again) {
		t.Error("two generations differ")
	}
}

// dropEmpty removes null and empty values from decoded JSON: the SDK
// decodes a row's "panels": [] as nil and encodes it back as null.
func dropEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			x = dropEmpty(x)
			if x == nil {
				continue
			}
			if s, ok := x.([]any); ok && len(s) == 0 {
				continue
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = dropEmpty(x)
		}
		return out
	}
	return v
}

// Every panel's PromQL parses with Prometheus' own parser once Grafana's
// variables are substituted, and selects only families vitalsigns exposes,
// by labels they have.
func TestDashboardsPromQL(t *testing.T) {
	fams := families(t)
	p := parser.NewParser(parser.Options{})
	qs := queries(t, dashboardFiles(t, defaultCatalogue(t), metrics.DashboardOptions{}))
	if len(qs) < 30 {
		t.Errorf("%d queries, want at least 30", len(qs))
	}
	seen := map[string]bool{}
	for _, q := range qs {
		expr := substitute(q.expr)
		if strings.Contains(expr, "$") {
			t.Errorf("%s: %q: unsubstituted variable in %s", q.dashboard, q.panel, expr)
			continue
		}
		e, err := p.ParseExpr(expr)
		if err != nil {
			t.Errorf("%s: %q: %v\n%s", q.dashboard, q.panel, err, expr)
			continue
		}
		for _, vsel := range parser.ExtractSelectors(e) {
			var name string
			var labels []string
			for _, m := range vsel {
				if m.Name == "__name__" {
					name = m.Value
				} else {
					labels = append(labels, m.Name)
				}
			}
			have, ok := fams[name]
			if !ok {
				t.Errorf("%s: %q selects %q, which vitalsigns does not expose", q.dashboard, q.panel, name)
				continue
			}
			seen[name] = true
			for _, l := range labels {
				if !slices.Contains(have, l) && l != "job" && l != "instance" {
					t.Errorf("%s: %q matches %s on label %q; it has %v", q.dashboard, q.panel, name, l, have)
				}
			}
		}
	}
	for _, want := range []string{
		"vitalsigns_indicator_rag", "vitalsigns_indicator_status", "vitalsigns_indicator_direction",
		"vitalsigns_indicator_threshold", "vitalsigns_indicator_target", "vitalsigns_indicator_benchmark",
		"vitalsigns_indicator_forecast", "vitalsigns_indicator_process_limit", "vitalsigns_indicator_process_mean",
		"vitalsigns_indicator_next_due_timestamp_seconds", "vitalsigns_ingest_files_total",
		"vitalsigns_ingest_last_success_timestamp_seconds", "vitalsigns_ingest_last_failure_timestamp_seconds",
		"vitalsigns_forecasts_pending", "up", "vitalsigns:indicator_status:count", "vitalsigns_team_info",
	} {
		if !seen[want] {
			t.Errorf("no panel queries %s", want)
		}
	}
}

// The parser check can fail: a broken expression is caught.
func TestDashboardsPromQLCheckCatchesErrors(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, bad := range []string{
		`sum by (state) (vitalsigns_indicator_status{team="$team"}`,
		`vitalsigns_indicator_value{team="$team",}[1m] + on`,
	} {
		if _, err := p.ParseExpr(substitute(bad)); err == nil {
			t.Errorf("%s parses", bad)
		}
	}
}

// overviewRows are the titles of the overview's rows, in order.
func overviewRows(t *testing.T, files map[string][]byte) []string {
	t.Helper()
	d := strictDashboard(t, metrics.OverviewDashboardFile, files[metrics.OverviewDashboardFile])
	var rows []string
	for _, p := range d.Panels {
		if p.RowPanel != nil && p.RowPanel.Title != nil {
			rows = append(rows, *p.RowPanel.Title)
		}
	}
	return rows
}

// Each of the catalogue's priority areas has its row in the overview, in
// catalogue order, with its panels querying that group.
func TestDashboardsOverviewRowPerGroup(t *testing.T) {
	cat := defaultCatalogue(t)
	groups := metrics.Groups(cat)
	if len(groups) < 3 {
		t.Fatalf("the built-in catalogue has %d groups: %v", len(groups), groups)
	}
	files := dashboardFiles(t, cat, metrics.DashboardOptions{})
	want := append(append([]string{"Summary"}, groups...), "What changed")
	if diff := cmp.Diff(want, overviewRows(t, files)); diff != "" {
		t.Errorf("overview rows (-want +got):\n%s", diff)
	}
	for _, group := range groups {
		n := 0
		for _, q := range queries(t, files) {
			if strings.Contains(q.expr, `group="`+group+`"`) {
				n++
			}
		}
		if n < 4 {
			t.Errorf("group %q: %d queries select it, want at least 4 (table and state counts)", group, n)
		}
	}
}

// An indicator added in the configuration, in a new priority area, gets a
// row in the overview and changes nothing else: every other panel is over
// label-keyed families.
func TestDashboardsNewIndicatorNeedsNoCode(t *testing.T) {
	base := dashboardFiles(t, defaultCatalogue(t), metrics.DashboardOptions{})
	cat, err := config.Parse("extra.yaml", []byte(`
indicators:
  - id: early_help_step_down
    name: Early help step-downs
    description: Cases stepped down from social care to early help in the month.
    group: Early Help
    unit: count
    polarity: neutral
    frequency: monthly
    aggregation: sum
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cat.Indicator("early_help_step_down"); !ok {
		t.Fatal("the new indicator is not in the catalogue")
	}
	files := dashboardFiles(t, cat, metrics.DashboardOptions{})
	if rows := overviewRows(t, files); !slices.Contains(rows, "Early Help") {
		t.Errorf("overview rows %v lack the new group", rows)
	}
	for name, b := range files {
		if strings.Contains(string(b), "early_help_step_down") {
			t.Errorf("%s names the new indicator: panels should be generic", name)
		}
		if name != metrics.OverviewDashboardFile && !bytes.Equal(b, base[name]) {
			t.Errorf("%s changed with the new indicator", name)
		}
	}
}

// The provisioning files name the datasource uid that every panel uses,
// and point Grafana at the dashboards' directory.
func TestDashboardsProvisioning(t *testing.T) {
	for _, opt := range []metrics.DashboardOptions{
		{},
		{DatasourceUID: "council-prom", PrometheusURL: "https://prometheus.example.gov.uk", Path: "/srv/grafana/vitalsigns"},
	} {
		files := dashboardFiles(t, defaultCatalogue(t), opt)
		var ds struct {
			APIVersion  int `yaml:"apiVersion"`
			Datasources []struct {
				Name, Type, UID, URL, Access string
				JSONData                     map[string]string `yaml:"jsonData"`
			} `yaml:"datasources"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(files[metrics.DatasourceProvisioningFile]))
		if err := dec.Decode(&ds); err != nil {
			t.Fatalf("datasource provisioning: %v", err)
		}
		if ds.APIVersion != 1 || len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" {
			t.Fatalf("datasource provisioning: %+v", ds)
		}
		uid := ds.Datasources[0].UID
		if want := opt.DatasourceUID; want != "" && uid != want {
			t.Errorf("datasource uid %q, want %q", uid, want)
		}
		if want := opt.PrometheusURL; want != "" && ds.Datasources[0].URL != want {
			t.Errorf("datasource url %q, want %q", ds.Datasources[0].URL, want)
		}
		if ds.Datasources[0].JSONData["timeInterval"] == "" {
			t.Error("no scrape interval for $__rate_interval")
		}
		for _, q := range queries(t, files) {
			if q.uid != uid {
				t.Errorf("%s: %q queries datasource %q; provisioned is %q", q.dashboard, q.panel, q.uid, uid)
			}
		}
		// The variables query it too.
		for _, name := range dashboardNames(files) {
			d := strictDashboard(t, name, files[name])
			for _, v := range d.Templating.List {
				if v.Datasource == nil || v.Datasource.Uid == nil || *v.Datasource.Uid != uid {
					t.Errorf("%s: variable %s does not query datasource %q", name, v.Name, uid)
				}
			}
		}

		var dp struct {
			APIVersion int `yaml:"apiVersion"`
			Providers  []struct {
				Name, Type, Folder string
				Options            map[string]string
			}
		}
		if err := yaml.Unmarshal(files[metrics.DashboardProvisioningFile], &dp); err != nil {
			t.Fatalf("dashboard provisioning: %v", err)
		}
		if dp.APIVersion != 1 || len(dp.Providers) != 1 || dp.Providers[0].Type != "file" || dp.Providers[0].Options["path"] == "" {
			t.Fatalf("dashboard provisioning: %+v", dp)
		}
		if want := opt.Path; want != "" && dp.Providers[0].Options["path"] != want {
			t.Errorf("dashboards path %q, want %q", dp.Providers[0].Options["path"], want)
		}
	}
	if _, err := metrics.Dashboards(defaultCatalogue(t), metrics.DashboardOptions{DatasourceUID: "not a uid"}); err == nil {
		t.Error("an invalid datasource uid is accepted")
	}
}

// The variables: team defaults to the whole authority; the drill-down has
// indicator and team; the team comparison opens on caseloads.
func TestDashboardsVariables(t *testing.T) {
	files := dashboardFiles(t, defaultCatalogue(t), metrics.DashboardOptions{})
	want := map[string]map[string]string{
		metrics.OverviewDashboardFile:  {"team": "authority"},
		metrics.IndicatorDashboardFile: {"team": "authority", "indicator": ""},
		metrics.TeamsDashboardFile:     {"indicator": "caseload_avg"},
		metrics.FreshnessDashboardFile: {"team": "$__all"},
	}
	for name, vars := range want {
		d := strictDashboard(t, name, files[name])
		got := map[string]string{}
		for _, v := range d.Templating.List {
			cur := ""
			if v.Current != nil && v.Current.Value.String != nil {
				cur = *v.Current.Value.String
			}
			got[v.Name] = cur
			if v.Query == nil || v.Query.String == nil || !strings.HasPrefix(*v.Query.String, "label_values(vitalsigns_") {
				t.Errorf("%s: variable %s: query %v", name, v.Name, v.Query)
			}
		}
		for k, def := range vars {
			cur, ok := got[k]
			if !ok {
				t.Errorf("%s: no variable %s", name, k)
			} else if def != "" && cur != def {
				t.Errorf("%s: variable %s defaults to %q, want %q", name, k, cur, def)
			}
		}
	}
}
