package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"go.yaml.in/yaml/v3"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// The files Dashboards returns, relative to the directory they are written
// to: Grafana's provisioning files and one JSON file per dashboard.
const (
	DatasourceProvisioningFile = "provisioning/datasources/vitalsigns.yaml"
	DashboardProvisioningFile  = "provisioning/dashboards/vitalsigns.yaml"
	OverviewDashboardFile      = "dashboards/vitalsigns-overview.json"
	IndicatorDashboardFile     = "dashboards/vitalsigns-indicator.json"
	TeamsDashboardFile         = "dashboards/vitalsigns-teams.json"
	FreshnessDashboardFile     = "dashboards/vitalsigns-freshness.json"
)

// The dashboards' uids: stable, so that links and bookmarks survive a
// regeneration.
const (
	OverviewDashboardUID  = "vitalsigns-overview"
	IndicatorDashboardUID = "vitalsigns-indicator"
	TeamsDashboardUID     = "vitalsigns-teams"
	FreshnessDashboardUID = "vitalsigns-freshness"
)

// DashboardOptions say where the dashboards find Prometheus and where
// Grafana finds the dashboards.
type DashboardOptions struct {
	// DatasourceUID is the uid of the Prometheus datasource the provisioning
	// file creates and every panel queries; default "vitalsigns-prometheus".
	DatasourceUID string
	// DatasourceName is its name in Grafana; default "vitalsigns Prometheus".
	DatasourceName string
	// PrometheusURL is where Grafana reaches the Prometheus that scrapes
	// vitalsigns; default http://localhost:9090.
	PrometheusURL string
	// ScrapeInterval is that Prometheus' scrape interval, which Grafana
	// needs for $__rate_interval; default 1m.
	ScrapeInterval time.Duration
	// Job is the Prometheus scrape job of vitalsigns; default "vitalsigns".
	Job string
	// Path is the directory Grafana reads the dashboard files from; default
	// /var/lib/grafana/dashboards/vitalsigns.
	Path string
	// Folder is the Grafana folder the dashboards are put in; default
	// "vitalsigns".
	Folder string
}

func (o DashboardOptions) withDefaults() DashboardOptions {
	if o.DatasourceUID == "" {
		o.DatasourceUID = "vitalsigns-prometheus"
	}
	if o.DatasourceName == "" {
		o.DatasourceName = "vitalsigns Prometheus"
	}
	if o.PrometheusURL == "" {
		o.PrometheusURL = "http://localhost:9090"
	}
	if o.ScrapeInterval <= 0 {
		o.ScrapeInterval = time.Minute
	}
	if o.Job == "" {
		o.Job = "vitalsigns"
	}
	if o.Path == "" {
		o.Path = "/var/lib/grafana/dashboards/vitalsigns"
	}
	if o.Folder == "" {
		o.Folder = "vitalsigns"
	}
	return o
}

// Dashboards generates the Grafana dashboards for the catalogue and the
// provisioning files that load them, keyed by file name (the constants
// above). Every panel queries label-keyed families, so an indicator added in
// the configuration appears without code; the overview's sections, one per
// priority area, follow the catalogue's groups.
func Dashboards(cat *vs.Catalogue, opt DashboardOptions) (map[string][]byte, error) {
	opt = opt.withDefaults()
	if !validUID(opt.DatasourceUID) {
		return nil, fmt.Errorf("datasource uid %q: want 1-40 letters, digits, '-' or '_'", opt.DatasourceUID)
	}
	g := &dashGen{cat: cat, opt: opt, ds: common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr(opt.DatasourceUID)}}
	out := map[string][]byte{}
	for _, d := range []struct {
		file  string
		build func() *dashboard.DashboardBuilder
	}{
		{OverviewDashboardFile, g.overview},
		{IndicatorDashboardFile, g.indicator},
		{TeamsDashboardFile, g.teams},
		{FreshnessDashboardFile, g.freshness},
	} {
		g.nextID = 0
		b, err := d.build().Build()
		if err != nil {
			return nil, fmt.Errorf("build dashboard %s: %w", d.file, err)
		}
		js, err := json.MarshalIndent(b, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode dashboard %s: %w", d.file, err)
		}
		out[d.file] = append(js, '\n')
	}
	var err error
	if out[DatasourceProvisioningFile], err = provisioningYAML(datasourceProvisioning(opt)); err != nil {
		return nil, err
	}
	if out[DashboardProvisioningFile], err = provisioningYAML(dashboardProvisioning(opt)); err != nil {
		return nil, err
	}
	return out, nil
}

// validUID is Grafana's rule for a uid.
func validUID(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Groups returns the catalogue's priority areas in the order their first
// indicator appears: the overview's sections.
func Groups(cat *vs.Catalogue) []string {
	var groups []string
	for _, ind := range cat.Indicators {
		if !slices.Contains(groups, ind.Group) {
			groups = append(groups, ind.Group)
		}
	}
	return groups
}

// The provisioning files, as Grafana documents them.
type datasourceFile struct {
	APIVersion  int          `yaml:"apiVersion"`
	Datasources []datasource `yaml:"datasources"`
}

type datasource struct {
	Name      string         `yaml:"name"`
	Type      string         `yaml:"type"`
	UID       string         `yaml:"uid"`
	Access    string         `yaml:"access"`
	URL       string         `yaml:"url"`
	IsDefault bool           `yaml:"isDefault"`
	Editable  bool           `yaml:"editable"`
	JSONData  map[string]any `yaml:"jsonData"`
}

type dashboardProviderFile struct {
	APIVersion int                 `yaml:"apiVersion"`
	Providers  []dashboardProvider `yaml:"providers"`
}

type dashboardProvider struct {
	Name                  string            `yaml:"name"`
	OrgID                 int               `yaml:"orgId"`
	Folder                string            `yaml:"folder"`
	FolderUID             string            `yaml:"folderUid"`
	Type                  string            `yaml:"type"`
	DisableDeletion       bool              `yaml:"disableDeletion"`
	AllowUIUpdates        bool              `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int               `yaml:"updateIntervalSeconds"`
	Options               map[string]string `yaml:"options"`
}

func datasourceProvisioning(opt DashboardOptions) datasourceFile {
	return datasourceFile{APIVersion: 1, Datasources: []datasource{{
		Name:     opt.DatasourceName,
		Type:     "prometheus",
		UID:      opt.DatasourceUID,
		Access:   "proxy",
		URL:      opt.PrometheusURL,
		Editable: false,
		JSONData: map[string]any{"timeInterval": promDuration(opt.ScrapeInterval), "httpMethod": "POST"},
	}}}
}

func dashboardProvisioning(opt DashboardOptions) dashboardProviderFile {
	return dashboardProviderFile{APIVersion: 1, Providers: []dashboardProvider{{
		Name:                  "vitalsigns",
		OrgID:                 1,
		Folder:                opt.Folder,
		FolderUID:             "vitalsigns",
		Type:                  "file",
		DisableDeletion:       true,
		AllowUIUpdates:        false,
		UpdateIntervalSeconds: 60,
		Options:               map[string]string{"path": opt.Path},
	}}}
}

func provisioningYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# Generated by `vitalsigns dashboards` from the indicator catalogue: regenerate, do not edit.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode provisioning: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode provisioning: %w", err)
	}
	return buf.Bytes(), nil
}

// dashGen builds the dashboards; nextID numbers each dashboard's panels.
type dashGen struct {
	cat    *vs.Catalogue
	opt    DashboardOptions
	ds     common.DataSourceRef
	nextID uint32
}

// table starts a table panel. The SDK's default footer (v0.0.12) has a
// null reducer, which its own strict decoding refuses: set an empty one.
func (g *dashGen) table() *table.PanelBuilder {
	return table.NewPanelBuilder().Id(g.id()).Datasource(g.ds).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{}))
}

func (g *dashGen) id() uint32 {
	g.nextID++
	return g.nextID
}

// query is an instant query (tables, stats, bar gauges).
func (g *dashGen) query(ref, expr, legend string) *prometheus.DataqueryBuilder {
	q := prometheus.NewDataqueryBuilder().RefId(ref).Expr(expr).Datasource(g.ds).Instant().EditorMode(prometheus.QueryEditorModeCode)
	if legend != "" {
		q.LegendFormat(legend)
	}
	return q
}

// tableQuery is an instant query as a table, one row per series.
func (g *dashGen) tableQuery(ref, expr string) *prometheus.DataqueryBuilder {
	return g.query(ref, expr, "").Format(prometheus.PromQueryFormatTable)
}

// rangeQuery is a query over the dashboard's time range (time series).
func (g *dashGen) rangeQuery(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return g.query(ref, expr, legend).Range()
}

// newDashboard starts a dashboard with the settings they all share.
func (g *dashGen) newDashboard(uid, title, description string) *dashboard.DashboardBuilder {
	title = "vitalsigns: " + title
	if name := g.cat.Authority.Name; name != "" {
		title += " (" + name + ")"
	}
	return dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(description).
		Tags([]string{"vitalsigns", "children's services"}).
		Editable().
		Refresh("5m").
		Time("now-7d", "now").
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Link(dashboard.NewDashboardLinkBuilder("vitalsigns").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"vitalsigns"}).
			AsDropdown(true).
			IncludeVars(true).
			KeepTime(true))
}

// teamVariable picks one team, the whole authority by default.
func (g *dashGen) teamVariable(multi bool) *dashboard.QueryVariableBuilder {
	v := dashboard.NewQueryVariableBuilder("team").
		Label("Team").
		Description("The team; \"authority\" is the whole authority.").
		Datasource(g.ds).
		Query(dashboard.StringOrMap{String: cog.ToPtr("label_values(vitalsigns_team_info, team)")}).
		Definition("label_values(vitalsigns_team_info, team)").
		Refresh(dashboard.VariableRefreshOnDashboardLoad).
		Sort(dashboard.VariableSortAlphabeticalAsc)
	if multi {
		return v.Multi(true).IncludeAll(true).AllValue(".*").
			Current(option("All", "$__all"))
	}
	return v.Current(option(vs.AuthorityTeam, vs.AuthorityTeam))
}

// indicatorVariable picks one indicator, def by default.
func (g *dashGen) indicatorVariable(def string) *dashboard.QueryVariableBuilder {
	v := dashboard.NewQueryVariableBuilder("indicator").
		Label("Indicator").
		Datasource(g.ds).
		Query(dashboard.StringOrMap{String: cog.ToPtr("label_values(vitalsigns_indicator_info, indicator)")}).
		Definition("label_values(vitalsigns_indicator_info, indicator)").
		Refresh(dashboard.VariableRefreshOnDashboardLoad).
		Sort(dashboard.VariableSortAlphabeticalAsc)
	if def != "" {
		v.Current(option(def, def))
	}
	return v
}

func option(text, value string) dashboard.VariableOption {
	return dashboard.VariableOption{
		Selected: cog.ToPtr(true),
		Text:     dashboard.StringOrArrayOfString{String: cog.ToPtr(text)},
		Value:    dashboard.StringOrArrayOfString{String: cog.ToPtr(value)},
	}
}

// Value mappings and colours.

const (
	colourGreen = "green"
	colourAmber = "orange"
	colourRed   = "red"
	colourGrey  = "#8e8e8e"
)

func mapping(m map[string][2]string) dashboard.ValueMapping {
	opts := map[string]dashboard.ValueMappingResult{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		r := dashboard.ValueMappingResult{Text: cog.ToPtr(m[k][0]), Index: cog.ToPtr(int32(i))}
		if m[k][1] != "" {
			r.Color = cog.ToPtr(m[k][1])
		}
		opts[k] = r
	}
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: opts}}
}

// ragMappings name and colour vitalsigns_indicator_rag.
func ragMappings() []dashboard.ValueMapping {
	return []dashboard.ValueMapping{mapping(map[string][2]string{
		"0": {"Green", colourGreen}, "1": {"Amber", colourAmber}, "2": {"Red", colourRed},
	})}
}

// directionMappings name and colour vitalsigns_indicator_direction.
func directionMappings() []dashboard.ValueMapping {
	return []dashboard.ValueMapping{mapping(map[string][2]string{
		"1": {"▲ Improving", colourGreen}, "0": {"► Unchanged", colourGrey}, "-1": {"▼ Worsening", colourRed},
	})}
}

// unitMappings write an indicator's unit as a reader would.
func unitMappings() []dashboard.ValueMapping {
	return []dashboard.ValueMapping{mapping(map[string][2]string{
		string(vs.UnitPercent): {"%", ""}, string(vs.UnitRatePer10k): {"per 10,000 children", ""},
		string(vs.UnitDays): {"days", ""}, string(vs.UnitCount): {"count", ""},
		string(vs.UnitNumber): {"", ""}, string(vs.UnitCurrency): {"£", ""},
	})}
}

// stateColours colour each assessment state that has a colour, in the
// states' order.
func stateColours() []struct {
	state  assess.State
	colour string
} {
	colours := map[assess.State]string{assess.Green: colourGreen, assess.Amber: colourAmber, assess.Red: colourRed}
	var out []struct {
		state  assess.State
		colour string
	}
	for _, st := range assess.States() {
		if c, ok := colours[st]; ok {
			out = append(out, struct {
				state  assess.State
				colour string
			}{st, c})
		}
	}
	return out
}

func thresholds(steps ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps)
}

func step(v *float64, colour string) dashboard.Threshold {
	return dashboard.Threshold{Value: v, Color: colour}
}

func fixedColour(c string) *dashboard.FieldColorBuilder {
	return dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdFixed).FixedColor(c)
}

func colourValue(c string) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: "color", Value: map[string]any{"mode": "fixed", "fixedColor": c}}
}

var dashed = dashboard.DynamicConfigValue{Id: "custom.lineStyle", Value: map[string]any{"fill": "dash", "dash": []int{10, 10}}}

func transformation(id string, options map[string]any) dashboard.DataTransformerConfig {
	return dashboard.DataTransformerConfig{Id: id, Options: options}
}

// PromQL pieces.

// str quotes s as a PromQL string.
func str(s string) string { return strconv.Quote(s) }

// info joins an indicator's catalogue labels onto expr, keeping only
// those labels, the indicator's and the labels of expr in keep: one series
// per indicator (and kept label), so that a table's queries merge into one
// row each.
func info(expr, infoMatchers string, keep []string, labels ...string) string {
	by := strings.Join(append(append([]string{"indicator"}, keep...), labels...), ", ")
	infoBy := strings.Join(append([]string{"indicator"}, labels...), ", ")
	return fmt.Sprintf("max by (%s) (\n  (%s)\n  * on (indicator) group_left (%s) max by (%s) (%s)\n)",
		by, expr, strings.Join(labels, ", "), infoBy, sel("vitalsigns_indicator_info", infoMatchers))
}

// inUnits shows percentages, held as ratios, as percentages (73.2, not
// 0.732) where one column holds indicators of every unit.
func inUnits(expr string) string {
	return fmt.Sprintf(`(%s) * on (indicator) group_left () (100 * max by (indicator) (vitalsigns_indicator_info{unit="percent"}) or max by (indicator) (vitalsigns_indicator_info{unit!="percent"}))`, expr)
}

// teamName joins the team's name onto expr.
func teamName(expr string) string {
	return fmt.Sprintf("%s\n* on (team) group_left (team_name) max by (team, team_name) (vitalsigns_team_info)", expr)
}

func (g *dashGen) overview() *dashboard.DashboardBuilder {
	const team = `team="$team"`
	d := g.newDashboard(OverviewDashboardUID, "performance overview",
		"Every indicator's RAG rating and direction of travel, by priority area, for the team chosen (the whole authority by default).").
		WithVariable(g.teamVariable(false))

	d.WithRow(dashboard.NewRowBuilder("Summary").Id(g.id()))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("On target").
		Description("Indicators rated green for the latest period.").
		WithTarget(g.query("A", fmt.Sprintf(`sum(vitalsigns_indicator_status{%s,state="green"})`, team), "")).
		Datasource(g.ds).ColorScheme(fixedColour(colourGreen)).ColorMode(common.BigValueColorModeValue).
		GraphMode(common.BigValueGraphModeNone).Unit("none").Decimals(0).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Not on target").
		Description("Indicators rated amber or red for the latest period.").
		WithTarget(g.query("A", fmt.Sprintf(`sum(vitalsigns_indicator_status{%s,state=~"amber|red"})`, team), "")).
		Datasource(g.ds).ColorScheme(fixedColour(colourRed)).ColorMode(common.BigValueColorModeValue).
		GraphMode(common.BigValueGraphModeNone).Unit("none").Decimals(0).Height(5).Span(4))
	states := stat.NewPanelBuilder().Id(g.id()).Title("Indicators by state").
		Description("How many indicators are in each state: not rated are neutral counts; stale figures are overdue.").
		WithTarget(g.query("A", fmt.Sprintf(`sum by (state) (vitalsigns_indicator_status{%s})`, team), "{{state}}")).
		Datasource(g.ds).ColorScheme(fixedColour(colourGrey)).ColorMode(common.BigValueColorModeValue).
		TextMode(common.BigValueTextModeValueAndName).GraphMode(common.BigValueGraphModeNone).
		Unit("none").Decimals(0).Height(5).Span(8)
	for _, sc := range stateColours() {
		states.OverrideByName(string(sc.state), []dashboard.DynamicConfigValue{colourValue(sc.colour)})
	}
	d.WithPanel(states)
	dir := stat.NewPanelBuilder().Id(g.id()).Title("Since the previous period").
		Description("Direction of travel of the latest figures against the period before, judged by each indicator's polarity.").
		Datasource(g.ds).ColorMode(common.BigValueColorModeValue).
		TextMode(common.BigValueTextModeValueAndName).GraphMode(common.BigValueGraphModeNone).
		Unit("none").Decimals(0).Height(5).Span(8)
	for i, c := range []struct{ name, value, colour string }{
		{"Improving", "1", colourGreen}, {"Unchanged", "0", colourGrey}, {"Worsening", "-1", colourRed},
	} {
		dir.WithTarget(g.query(string(rune('A'+i)),
			fmt.Sprintf(`sum(vitalsigns_indicator_direction{%s,against="previous_period"} == bool %s)`, team, c.value), c.name))
		dir.OverrideByName(c.name, []dashboard.DynamicConfigValue{colourValue(c.colour)})
	}
	d.WithPanel(dir)

	// One section per priority area, from the catalogue.
	for _, group := range Groups(g.cat) {
		gm := "group=" + str(group)
		d.WithRow(dashboard.NewRowBuilder(group).Id(g.id()))
		t := g.table().Title(group+": indicators").
			Description("One row per indicator in "+group+": the latest figure (percentages as percentages), its RAG rating and its direction since the previous period. Select an indicator to drill down.").
			Datasource(g.ds).
			WithTarget(g.tableQuery("info", fmt.Sprintf("max by (indicator, name, unit) (vitalsigns_indicator_info{%s})", gm))).
			WithTarget(g.tableQuery("value", info(inUnits(`vitalsigns_indicator_value{`+team+`}`), gm, nil, "name", "unit"))).
			WithTarget(g.tableQuery("rag", info(`vitalsigns_indicator_rag{`+team+`}`, gm, nil, "name", "unit"))).
			WithTarget(g.tableQuery("direction", info(`vitalsigns_indicator_direction{`+team+`,against="previous_period"}`, gm, nil, "name", "unit"))).
			WithTransformation(transformation("merge", map[string]any{})).
			WithTransformation(transformation("organize", map[string]any{
				"excludeByName": map[string]bool{"Time": true, "Value #info": true},
				"indexByName":   map[string]int{"name": 0, "Value #value": 1, "unit": 2, "Value #rag": 3, "Value #direction": 4, "indicator": 5},
				"renameByName": map[string]string{"name": "Indicator", "unit": "Unit", "Value #value": "Latest",
					"Value #rag": "RAG", "Value #direction": "Since last period"},
			})).
			SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName("RAG").Desc(true)}).
			OverrideByName("RAG", []dashboard.DynamicConfigValue{
				{Id: "mappings", Value: ragMappings()},
				{Id: "custom.cellOptions", Value: map[string]any{"type": "color-background"}},
				{Id: "custom.width", Value: 110},
			}).
			OverrideByName("Since last period", []dashboard.DynamicConfigValue{
				{Id: "mappings", Value: directionMappings()},
				{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
				{Id: "custom.width", Value: 160},
			}).
			OverrideByName("Unit", []dashboard.DynamicConfigValue{{Id: "mappings", Value: unitMappings()}, {Id: "custom.width", Value: 170}}).
			OverrideByName("Latest", []dashboard.DynamicConfigValue{{Id: "decimals", Value: 1}, {Id: "custom.width", Value: 100}}).
			OverrideByName("indicator", []dashboard.DynamicConfigValue{{Id: "custom.hidden", Value: true}}).
			OverrideByName("Indicator", []dashboard.DynamicConfigValue{{Id: "links", Value: []map[string]any{{
				"title": "Drill down",
				"url":   "/d/" + IndicatorDashboardUID + "?var-indicator=${__data.fields.indicator}&var-team=${team}&${__url_time_range}",
			}}}}).
			Height(uint32(3 + 1 + indicatorsIn(g.cat, group))).Span(16)
		d.WithPanel(t)
		st := stat.NewPanelBuilder().Id(g.id()).Title(group + ": by state").
			Description("Indicators in " + group + " by state, from the recording rule vitalsigns:indicator_status:count (load the rules from `vitalsigns rules`); not rated are those with no state, such as neutral counts.").
			Datasource(g.ds).
			WithTarget(g.query("A", fmt.Sprintf("sum by (state) (vitalsigns:indicator_status:count{%[1]s,%[2]s})\n"+
				"or label_replace(\n  count(max by (indicator) (vitalsigns_indicator_info{%[2]s}))\n"+
				"  - (sum(vitalsigns:indicator_status:count{%[1]s,%[2]s}) or vector(0)),\n  \"state\", \"not rated\", \"\", \"\"\n)", team, gm), "{{state}}")).
			ColorScheme(fixedColour(colourGrey)).ColorMode(common.BigValueColorModeBackground).
			TextMode(common.BigValueTextModeValueAndName).GraphMode(common.BigValueGraphModeNone).
			Orientation(common.VizOrientationHorizontal).Unit("none").Decimals(0).
			Height(uint32(3 + 1 + indicatorsIn(g.cat, group))).Span(8)
		for _, sc := range stateColours() {
			st.OverrideByName(string(sc.state), []dashboard.DynamicConfigValue{colourValue(sc.colour)})
		}
		d.WithPanel(st)
	}

	d.WithRow(dashboard.NewRowBuilder("What changed").Id(g.id()))
	d.WithPanel(g.table().Title("Direction of travel since the previous period").
		Description("Every indicator whose latest figure can be compared with the period before: worsening first. The change is in the indicator's unit (percentage points for percentages).").
		Datasource(g.ds).
		WithTarget(g.tableQuery("direction", info(`vitalsigns_indicator_direction{`+team+`,against="previous_period"}`, "", nil, "name", "group", "unit"))).
		WithTarget(g.tableQuery("change", info(inUnits(`vitalsigns_indicator_change{`+team+`,against="previous_period"}`), "", nil, "name", "group", "unit"))).
		WithTransformation(transformation("merge", map[string]any{})).
		WithTransformation(transformation("organize", map[string]any{
			"excludeByName": map[string]bool{"Time": true},
			"indexByName":   map[string]int{"name": 0, "group": 1, "Value #direction": 2, "Value #change": 3, "unit": 4, "indicator": 5},
			"renameByName": map[string]string{"name": "Indicator", "group": "Priority area", "unit": "Unit",
				"Value #direction": "Direction", "Value #change": "Change"},
		})).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName("Direction")}).
		OverrideByName("Direction", []dashboard.DynamicConfigValue{
			{Id: "mappings", Value: directionMappings()},
			{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
		}).
		OverrideByName("Unit", []dashboard.DynamicConfigValue{{Id: "mappings", Value: unitMappings()}}).
		OverrideByName("Change", []dashboard.DynamicConfigValue{{Id: "decimals", Value: 1}}).
		OverrideByName("indicator", []dashboard.DynamicConfigValue{{Id: "custom.hidden", Value: true}}).
		Height(12).Span(24))
	return d
}

// indicatorsIn counts the catalogue's indicators in group.
func indicatorsIn(cat *vs.Catalogue, group string) int {
	n := 0
	for _, ind := range cat.Indicators {
		if ind.Group == group {
			n++
		}
	}
	return n
}

// defaultIndicator is the indicator a dashboard opens on: want if the
// catalogue has it, else its first.
func defaultIndicator(cat *vs.Catalogue, want string) string {
	if _, ok := cat.Indicator(want); ok {
		return want
	}
	if len(cat.Indicators) > 0 {
		return cat.Indicators[0].ID
	}
	return ""
}

// sourceName is a benchmark source as a reader would say it.
func sourceName(s vs.BenchmarkSource) string {
	n := strings.ReplaceAll(string(s), "_", " ")
	return strings.ToUpper(n[:1]) + n[1:]
}

func (g *dashGen) indicator() *dashboard.DashboardBuilder {
	const it = `indicator="$indicator",team="$team"`
	first := ""
	if len(g.cat.Indicators) > 0 {
		first = g.cat.Indicators[0].ID
	}
	d := g.newDashboard(IndicatorDashboardUID, "indicator",
		"One indicator for one team: its value over time against target, RAG boundaries and benchmarks, its SPC process limits and its forecast.").
		Time("now-30d", "now").
		WithVariable(g.indicatorVariable(first)).
		WithVariable(g.teamVariable(false))

	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Indicator").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_info{indicator="$indicator"}`, "{{name}}: {{group}}; {{unit}}, {{polarity}}, {{frequency}}")).
		TextMode(common.BigValueTextModeName).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		Height(4).Span(24))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Latest value").
		Description("The latest figure, in the indicator's unit (percentages as ratios 0-1).").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_value{`+it+`}`, "")).
		ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeArea).Decimals(3).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Period").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_latest_period_info{`+it+`}`, "{{period}}")).
		TextMode(common.BigValueTextModeName).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("RAG").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_rag{`+it+`}`, "")).
		Mappings(ragMappings()).NoValue("Not rated").
		ColorMode(common.BigValueColorModeBackground).GraphMode(common.BigValueGraphModeNone).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Direction of travel").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_direction{`+it+`}`, "{{against}}")).
		Mappings(directionMappings()).NoValue("Nothing to compare").
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Next figures due").
		Description("When the next period's figures are due, grace included; after it the figure is stale.").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_next_due_timestamp_seconds{`+it+`} * 1000`, "")).
		Unit("dateTimeFromNow").ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Projected breach").
		Description("The first forecast period projected to be worse than the amber or red boundary, and how likely.").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_forecast_breach_probability{`+it+`}`, "{{level}}")).
		Unit("percentunit").Decimals(0).NoValue("None projected").
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).
		ColorScheme(fixedColour(colourAmber)).Height(5).Span(4))

	var lines []string
	lines = append(lines,
		fmt.Sprintf(`label_replace(vitalsigns_indicator_target{%s}, "line", "Target", "", "")`, it),
		fmt.Sprintf(`label_replace(vitalsigns_indicator_threshold{%s,level="amber"}, "line", "Amber boundary", "", "")`, it),
		fmt.Sprintf(`label_replace(vitalsigns_indicator_threshold{%s,level="red"}, "line", "Red boundary", "", "")`, it))
	for _, s := range vs.BenchmarkSources() {
		lines = append(lines, fmt.Sprintf(`label_replace(vitalsigns_indicator_benchmark{indicator="$indicator",source=%s}, "line", %s, "", "")`,
			str(string(s)), str("Benchmark: "+sourceName(s))))
	}
	d.WithPanel(timeseries.NewPanelBuilder().Id(g.id()).Title("Value against target, boundaries and benchmarks").
		Description("The latest value as Prometheus saw it over time, with the target and RAG boundaries in force and the published benchmarks.").
		Datasource(g.ds).
		WithTarget(g.rangeQuery("value", `vitalsigns_indicator_value{`+it+`}`, "Value")).
		WithTarget(g.rangeQuery("lines", strings.Join(lines, "\nor "), "{{line}}")).
		LineWidth(2).ShowPoints(common.VisibilityModeNever).SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)}).
		OverrideByName("Target", []dashboard.DynamicConfigValue{colourValue(colourGreen), dashed}).
		OverrideByName("Amber boundary", []dashboard.DynamicConfigValue{colourValue(colourAmber), dashed}).
		OverrideByName("Red boundary", []dashboard.DynamicConfigValue{colourValue(colourRed), dashed}).
		OverrideByRegexp("^Benchmark", []dashboard.DynamicConfigValue{colourValue("purple"), dashed}).
		Height(10).Span(12))
	d.WithPanel(timeseries.NewPanelBuilder().Id(g.id()).Title("Statistical process control").
		Description("The value with the SPC centre line and process limits at the latest period (Making Data Count; shown from 13 points).").
		Datasource(g.ds).
		WithTarget(g.rangeQuery("value", `vitalsigns_indicator_value{`+it+`}`, "Value")).
		WithTarget(g.rangeQuery("spc", strings.Join([]string{
			fmt.Sprintf(`label_replace(vitalsigns_indicator_process_mean{%s}, "line", "Mean", "", "")`, it),
			fmt.Sprintf(`label_replace(vitalsigns_indicator_process_limit{%s,bound="upper"}, "line", "Upper process limit", "", "")`, it),
			fmt.Sprintf(`label_replace(vitalsigns_indicator_process_limit{%s,bound="lower"}, "line", "Lower process limit", "", "")`, it),
		}, "\nor "), "{{line}}")).
		LineWidth(2).ShowPoints(common.VisibilityModeNever).SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(true)}).
		OverrideByName("Mean", []dashboard.DynamicConfigValue{colourValue(colourGrey)}).
		OverrideByRegexp("process limit$", []dashboard.DynamicConfigValue{colourValue(colourGrey), dashed}).
		Height(10).Span(12))
	d.WithPanel(g.table().Title("Forecast").
		Description("The forecast for the periods after the latest (horizon), with its 80% and 95% prediction intervals.").
		Datasource(g.ds).
		WithTarget(g.tableQuery("forecast", `vitalsigns_indicator_forecast{`+it+`}`)).
		WithTransformation(transformation("groupingToMatrix", map[string]any{
			"columnField": "bound", "rowField": "horizon", "valueField": "Value",
		})).
		WithTransformation(transformation("organize", map[string]any{
			"indexByName": map[string]int{"horizon\\bound": 0, "lower_95": 1, "lower_80": 2, "point": 3, "upper_80": 4, "upper_95": 5},
			"renameByName": map[string]string{"horizon\\bound": "Periods ahead", "point": "Forecast",
				"lower_95": "95% low", "lower_80": "80% low", "upper_80": "80% high", "upper_95": "95% high"},
		})).
		Decimals(3).Height(8).Span(12))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Forecasting model").
		Datasource(g.ds).
		WithTarget(g.query("A", `vitalsigns_indicator_forecast_info{`+it+`}`, "{{model}}")).
		TextMode(common.BigValueTextModeName).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		NoValue("Not yet forecast").Height(8).Span(12))
	return d
}

func (g *dashGen) teams() *dashboard.DashboardBuilder {
	const ind = `indicator="$indicator"`
	d := g.newDashboard(TeamsDashboardUID, "team comparison",
		"One indicator across every team: caseloads by default.").
		WithVariable(g.indicatorVariable(defaultIndicator(g.cat, "caseload_avg")))

	d.WithPanel(bargauge.NewPanelBuilder().Id(g.id()).Title("Latest value by team").
		Description("The latest figure of each team and of the whole authority, in the indicator's unit (percentages as ratios 0-1).").
		Datasource(g.ds).
		WithTarget(g.query("A", teamName(`vitalsigns_indicator_value{`+ind+`}`), "{{team_name}}")).
		Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeBasic).
		ValueMode(common.BarGaugeValueModeText).ColorScheme(fixedColour("blue")).Min(0).Decimals(2).
		Height(12).Span(12))
	d.WithPanel(bargauge.NewPanelBuilder().Id(g.id()).Title("RAG by team").
		Datasource(g.ds).
		WithTarget(g.query("A", teamName(`vitalsigns_indicator_rag{`+ind+`}`), "{{team_name}}")).
		Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeBasic).
		ValueMode(common.BarGaugeValueModeText).Mappings(ragMappings()).Min(0).Max(2).
		Thresholds(thresholds(step(nil, colourGreen), step(cog.ToPtr(1.0), colourAmber), step(cog.ToPtr(2.0), colourRed))).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Height(12).Span(12))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Target and boundaries").
		Description("The target and RAG boundaries in force for the whole authority.").
		Datasource(g.ds).
		WithTarget(g.query("target", `vitalsigns_indicator_target{`+ind+`,team="authority"}`, "Target")).
		WithTarget(g.query("threshold", `vitalsigns_indicator_threshold{`+ind+`,team="authority"}`, "{{level}} boundary")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		Decimals(2).Height(5).Span(12))
	d.WithPanel(bargauge.NewPanelBuilder().Id(g.id()).Title("Red in the last three periods").
		Datasource(g.ds).
		WithTarget(g.query("A", teamName(`vitalsigns_indicator_red_periods_of_last_3{`+ind+`}`), "{{team_name}}")).
		Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeBasic).
		ValueMode(common.BarGaugeValueModeText).Min(0).Max(3).Decimals(0).
		Thresholds(thresholds(step(nil, colourGreen), step(cog.ToPtr(1.0), colourAmber), step(cog.ToPtr(2.0), colourRed))).
		ColorScheme(dashboard.NewFieldColorBuilder().Mode(dashboard.FieldColorModeIdThresholds)).
		Height(5).Span(12))
	return d
}

func (g *dashGen) freshness() *dashboard.DashboardBuilder {
	const team = `team=~"$team"`
	d := g.newDashboard(FreshnessDashboardUID, "data freshness and ingestion",
		"Whether the figures are up to date, whether files are being accepted, and whether Prometheus is scraping vitalsigns.").
		Time("now-24h", "now").
		WithVariable(g.teamVariable(true))

	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("vitalsigns scraped").
		Datasource(g.ds).
		WithTarget(g.query("A", fmt.Sprintf("up{job=%s}", str(g.opt.Job)), "{{instance}}")).
		Mappings([]dashboard.ValueMapping{mapping(map[string][2]string{"1": {"Up", colourGreen}, "0": {"Down", colourRed}})}).
		NoValue("Not scraped").ColorMode(common.BigValueColorModeBackground).GraphMode(common.BigValueGraphModeNone).
		Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Overdue figures").
		Description("Indicator and team series whose next figures are past due, grace included.").
		Datasource(g.ds).
		WithTarget(g.query("A", fmt.Sprintf("sum(vitalsigns_indicator_next_due_timestamp_seconds{%s} < bool time())", team), "")).
		Thresholds(thresholds(step(nil, colourGreen), step(cog.ToPtr(1.0), colourRed))).
		ColorMode(common.BigValueColorModeBackground).GraphMode(common.BigValueGraphModeNone).Decimals(0).
		Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Forecasts pending").
		Description("Series whose forecast is still being computed after a start or an ingest.").
		Datasource(g.ds).
		WithTarget(g.query("A", "vitalsigns_forecasts_pending", "")).
		Thresholds(thresholds(step(nil, colourGreen), step(cog.ToPtr(1.0), colourAmber))).
		ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).Decimals(0).
		Height(5).Span(4))
	never := []dashboard.ValueMapping{mapping(map[string][2]string{"0": {"Never", colourGrey}})}
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Last file accepted").
		Datasource(g.ds).
		WithTarget(g.query("A", "vitalsigns_ingest_last_success_timestamp_seconds * 1000", "")).
		Unit("dateTimeFromNow").Mappings(never).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Last file rejected").
		Datasource(g.ds).
		WithTarget(g.query("A", "vitalsigns_ingest_last_failure_timestamp_seconds * 1000", "")).
		Unit("dateTimeFromNow").Mappings(never).ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		Height(5).Span(4))
	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Snapshot age").
		Description("Time since vitalsigns last assessed the figures (at start and at each ingest).").
		Datasource(g.ds).
		WithTarget(g.query("A", "time() - vitalsigns_snapshot_timestamp_seconds", "")).
		Unit("s").ColorMode(common.BigValueColorModeNone).GraphMode(common.BigValueGraphModeNone).
		Height(5).Span(4))

	d.WithPanel(stat.NewPanelBuilder().Id(g.id()).Title("Files offered, all time").
		Datasource(g.ds).
		WithTarget(g.query("A", "sum by (result) (vitalsigns_ingest_files_total)", "{{result}}")).
		TextMode(common.BigValueTextModeValueAndName).ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).
		ColorScheme(fixedColour(colourGrey)).Decimals(0).
		OverrideByName("accepted", []dashboard.DynamicConfigValue{colourValue(colourGreen)}).
		OverrideByName("rejected", []dashboard.DynamicConfigValue{colourValue(colourRed)}).
		Height(8).Span(6))
	d.WithPanel(timeseries.NewPanelBuilder().Id(g.id()).Title("Files offered").
		Datasource(g.ds).
		WithTarget(g.rangeQuery("A", "sum by (result) (increase(vitalsigns_ingest_files_total[$__rate_interval]))", "{{result}}")).
		DrawStyle(common.GraphDrawStyleBars).FillOpacity(80).Decimals(0).
		OverrideByName("accepted", []dashboard.DynamicConfigValue{colourValue(colourGreen)}).
		OverrideByName("rejected", []dashboard.DynamicConfigValue{colourValue(colourRed)}).
		Height(8).Span(18))

	d.WithPanel(g.table().Title("Figures due").
		Description("For each indicator and team: time until the next figures are due (negative when overdue) and time since the end of the period the latest figure is for.").
		Datasource(g.ds).
		WithTarget(g.tableQuery("due", info(fmt.Sprintf("vitalsigns_indicator_next_due_timestamp_seconds{%s} - time()", team), "", []string{"team"}, "name"))).
		WithTarget(g.tableQuery("age", info(fmt.Sprintf("time() - vitalsigns_indicator_period_end_timestamp_seconds{%s}", team), "", []string{"team"}, "name"))).
		WithTransformation(transformation("merge", map[string]any{})).
		WithTransformation(transformation("organize", map[string]any{
			"excludeByName": map[string]bool{"Time": true},
			"indexByName":   map[string]int{"name": 0, "team": 1, "Value #due": 2, "Value #age": 3, "indicator": 4},
			"renameByName": map[string]string{"name": "Indicator", "team": "Team",
				"Value #due": "Next figures due in", "Value #age": "Since period end"},
		})).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName("Next figures due in")}).
		Unit("s").Decimals(0).
		OverrideByName("Next figures due in", []dashboard.DynamicConfigValue{
			{Id: "thresholds", Value: dashboard.ThresholdsConfig{Mode: dashboard.ThresholdsModeAbsolute, Steps: []dashboard.Threshold{
				step(nil, colourRed), step(cog.ToPtr(0.0), colourGreen)}}},
			{Id: "custom.cellOptions", Value: map[string]any{"type": "color-text"}},
		}).
		Height(14).Span(24))
	return d
}
