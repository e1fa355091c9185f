package vitalsigns

import "slices"

// Unit is the unit an indicator's values are expressed in.
type Unit string

// The units an indicator may have. Percentages are held as fractions
// (0.875) and shown as 87.5%.
const (
	UnitCount      Unit = "count"
	UnitPercent    Unit = "percent"
	UnitRatePer10k Unit = "rate_per_10k"
	UnitDays       Unit = "days"
	UnitNumber     Unit = "number"
	UnitCurrency   Unit = "currency"
)

// Units lists every valid unit, in the order they are documented.
func Units() []Unit {
	return []Unit{UnitCount, UnitPercent, UnitRatePer10k, UnitDays, UnitNumber, UnitCurrency}
}

// Polarity says which direction of change is an improvement.
type Polarity string

// The polarities an indicator may have.
const (
	HigherIsBetter Polarity = "higher_is_better"
	LowerIsBetter  Polarity = "lower_is_better"
	Neutral        Polarity = "neutral"
)

// Polarities lists every valid polarity.
func Polarities() []Polarity { return []Polarity{HigherIsBetter, LowerIsBetter, Neutral} }

// Aggregation says how team figures combine into a total.
type Aggregation string

// The aggregations across teams.
const (
	AggregateSum   Aggregation = "sum"
	AggregateRatio Aggregation = "ratio" // sum of numerators over sum of denominators
	AggregateMean  Aggregation = "mean"
	AggregateNone  Aggregation = "none"
)

// Aggregations lists every valid aggregation.
func Aggregations() []Aggregation {
	return []Aggregation{AggregateSum, AggregateRatio, AggregateMean, AggregateNone}
}

// Threshold is the set of boundaries in force from a period onwards. Values
// are in the indicator's unit (fractions for percentages). A value worse than
// Amber is amber; a value worse than Red is red; "worse" follows the
// indicator's polarity, and a value equal to a boundary is not worse.
type Threshold struct {
	// Team is the team the threshold is for; empty for the whole
	// authority's, which also judge the teams by the rule of
	// Indicator.ThresholdFor.
	Team string
	// From is the first day the threshold applies from: it judges every
	// period that ends on or after it. The zero Date means "since always".
	From   Date
	Target *float64
	Amber  *float64
	Red    *float64
}

// BenchmarkSource names where a benchmark figure comes from.
type BenchmarkSource string

// The benchmark sources.
const (
	BenchmarkEngland               BenchmarkSource = "england"
	BenchmarkRegion                BenchmarkSource = "region"
	BenchmarkStatisticalNeighbours BenchmarkSource = "statistical_neighbours"
)

// BenchmarkSources lists every valid benchmark source.
func BenchmarkSources() []BenchmarkSource {
	return []BenchmarkSource{BenchmarkEngland, BenchmarkRegion, BenchmarkStatisticalNeighbours}
}

// Benchmark is a published comparator figure, always shown with the date it
// refers to and never interpolated onto monthly periods.
type Benchmark struct {
	Source BenchmarkSource
	Value  float64 // in the indicator's unit (fractions for percentages)
	// Reference is the reference date as the publisher gives it, e.g.
	// "at 30 September 2025" or "year to 31 March 2025".
	Reference string
	// Year is the publication's year label, e.g. "2025".
	Year        string
	Publication string // the statistical release
	Dataset     string // the file and column it was taken from
}

// DfEMeasure names one series of DfE's published statistics in the tidy
// CSV format of DfE's statistics service.
type DfEMeasure struct {
	Measure string            // the column, e.g. "agency_rate_fte"
	Where   map[string]string // filters picking the rows: column → value
	// Scale takes the published figure into the indicator's unit: 0.01
	// for DfE's percentages (held as fractions), 1 otherwise.
	Scale float64
	// Reference is the reference date with "{year}" for the year, e.g.
	// "at 30 September {year}".
	Reference   string
	Publication string // the statistical release, "{year}" for the year
}

// Standing is where the authority stands among all English authorities on
// an indicator's DfE measure, in the latest year published.
type Standing struct {
	Authority   string // the authority's name as DfE gives it
	Year        string // as DfE labels it, e.g. "2025"
	Reference   string // e.g. "at 30 September 2025"
	Publication string
	Dataset     string // the file and column the figures came from
	// Value is the authority's own published figure (HasValue false when
	// it is suppressed or absent). Combined names the row it shares with
	// another authority, as DfE publishes Kingston and Richmond together.
	Value    float64
	HasValue bool
	Combined string
	// Rank is the authority's place among Ranked authorities with a
	// value, by competition ranking (ties share the best rank), 1 the
	// best by polarity (the highest for a neutral indicator); 0 unranked.
	Rank, Ranked int
	Band         string // quartile band, "A" (best quarter) to "D"; "" unranked
	// Model is the statistical-neighbour model ("2025" or "2021");
	// Neighbours lists the neighbours, closest first, and NeighboursUsed
	// how many had a value for the mean.
	Model          string
	Neighbours     []NeighbourValue
	NeighboursUsed int
}

// NeighbourValue is one statistical neighbour's published figure.
type NeighbourValue struct {
	Code  string // DfE's old_la_code
	Name  string
	Value float64
	// Status is "published", "suppressed", or "no row of its own" (as
	// inside a combined row) or "missing".
	Status string
}

// Indicator is one entry of the indicator catalogue.
type Indicator struct {
	ID          string // snake_case, stable: a metric label, path and dropdown value
	Name        string
	Description string // plain English definition
	Group       string // priority area, e.g. "Front Door"
	Unit        Unit
	Polarity    Polarity
	Frequency   Frequency
	Aggregation Aggregation
	// MinDenominator is the smallest denominator a value is judged on;
	// below it the value is flagged rather than rated. 0 means no minimum.
	MinDenominator float64
	// SuppressBelow hides counts (and values derived from them) smaller
	// than it, as DfE does for small numbers. 0 means no suppression.
	SuppressBelow float64
	// Thresholds are the authority's (Team empty) and any team's own,
	// each team's sorted by From, oldest first.
	Thresholds []Threshold
	Benchmarks []Benchmark
	// DfE maps the indicator to a measure of DfE's published statistics,
	// from which the England, region and statistical-neighbour
	// benchmarks, rank and quartile band are drawn; nil for none.
	DfE *DfEMeasure
	// Standing is where the authority stands among all authorities on
	// the DfE measure, from the benchmark data in force; nil when there is
	// none (no mapping, no data, or no authority configured).
	Standing *Standing
	Aliases  []string
	SPC      SPCSettings
	Alerts   AlertSettings
}

// AlertRule names one of the generated alerting rules that an indicator
// can turn off.
type AlertRule string

// The per-indicator alerting rules.
const (
	AlertRed             AlertRule = "red"
	AlertRedTwoOfThree   AlertRule = "red_two_of_three"
	AlertAmberPersisting AlertRule = "amber_persisting"
	AlertForecastBreach  AlertRule = "forecast_breach"
	AlertSpecialCause    AlertRule = "special_cause"
	AlertDataOverdue     AlertRule = "data_overdue"
)

// AlertRules lists the per-indicator alerting rules.
func AlertRules() []AlertRule {
	return []AlertRule{AlertRed, AlertRedTwoOfThree, AlertAmberPersisting, AlertForecastBreach, AlertSpecialCause, AlertDataOverdue}
}

// DefaultAmberPeriods is how many consecutive amber periods raise an alert
// unless an indicator says otherwise.
const DefaultAmberPeriods = 3

// AlertSettings are an indicator's overrides of the generated alerts.
type AlertSettings struct {
	// AmberPeriods is how many consecutive amber periods raise the
	// amber_persisting alert; 0 means DefaultAmberPeriods.
	AmberPeriods int
	// Disabled lists the alerts not raised for this indicator.
	Disabled []AlertRule
}

// SPCChart names the kind of statistical process control chart.
type SPCChart string

// The SPC charts.
const (
	// ChartXmR is the individuals (XmR) chart of Making Data Count, the
	// default.
	ChartXmR SPCChart = "xmr"
	// ChartP is the p-chart for a proportion whose denominators vary:
	// limits from the numerators and denominators of each period.
	ChartP SPCChart = "p"
)

// SPCCharts lists every valid SPC chart.
func SPCCharts() []SPCChart { return []SPCChart{ChartXmR, ChartP} }

// SPCSettings says how an indicator's SPC chart is drawn.
type SPCSettings struct {
	Chart SPCChart // "" means ChartXmR
	// Baseline fixes the mean and limits after this many points, so that
	// later points are judged against the baseline; 0 never fixes them.
	Baseline int
	// Changes are recorded changes of process, oldest first: the chart is
	// recalculated from each, as a new process.
	Changes []ProcessChange
}

// ProcessChange is a change in how a service works (a new front-door
// model, say), from which the SPC chart is recalculated.
type ProcessChange struct {
	From   Date // the first day of the first period of the new process
	Reason string
}

// ThresholdAt returns the whole authority's threshold in force for period
// p, if any.
func (ind *Indicator) ThresholdAt(p Period) (Threshold, bool) {
	return ind.thresholdOf("", p)
}

func (ind *Indicator) thresholdOf(team string, p Period) (Threshold, bool) {
	var (
		found Threshold
		ok    bool
	)
	for _, t := range ind.Thresholds {
		if t.Team == team && (t.From.IsZero() || !p.Last.Before(t.From)) {
			found, ok = t, true
		}
	}
	return found, ok
}

// HasTeamThresholds reports whether team has thresholds of its own.
func (ind *Indicator) HasTeamThresholds(team string) bool {
	for _, t := range ind.Thresholds {
		if t.Team == team && team != "" {
			return true
		}
	}
	return false
}

// TeamUnrated says why team is not rated against the authority's
// thresholds: it is empty unless the indicator is summed across teams
// (aggregation sum: counts, currency) and team, not the whole authority,
// has no thresholds of its own.
func (ind *Indicator) TeamUnrated(team string) string {
	if team == AuthorityTeam || team == "" || ind.Aggregation != AggregateSum || ind.HasTeamThresholds(team) {
		return ""
	}
	return "a total for the whole authority: its thresholds do not apply to one team, and this team has none of its own"
}

// ThresholdFor returns the threshold in force for team at period p, by this
// rule: a team with thresholds of its own is judged by those alone; any
// other team by the whole authority's, unless the indicator is summed
// across teams (aggregation sum: a count such as 62 external placements,
// or money), whose authority-wide boundaries mean nothing for one team, so
// that team is not rated (TeamUnrated says why). Ratios, rates and means
// judge every team by the authority's thresholds.
func (ind *Indicator) ThresholdFor(team string, p Period) (Threshold, bool) {
	switch {
	case team == AuthorityTeam || team == "":
		return ind.ThresholdAt(p)
	case ind.HasTeamThresholds(team):
		return ind.thresholdOf(team, p)
	case ind.Aggregation == AggregateSum:
		return Threshold{}, false
	}
	return ind.ThresholdAt(p)
}

// Benchmark returns the benchmark from source s, if any.
func (ind *Indicator) Benchmark(s BenchmarkSource) (Benchmark, bool) {
	for _, b := range ind.Benchmarks {
		if b.Source == s {
			return b, true
		}
	}
	return Benchmark{}, false
}

// Format renders v in the indicator's unit for people: 87.5%, 1,234, 15.2,
// £1,250.00. It shows the unit's default decimal places (Unit.Decimals),
// rounded half away from zero as the figure is written (4.05% is 4.1%);
// FormatPlaces shows more where figures must be told apart.
func (ind *Indicator) Format(v float64) string {
	return ind.FormatPlaces(v, ind.Unit.Decimals())
}

func groupThousands(s string) string {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	intPart, frac := s, ""
	for i := range s {
		if s[i] == '.' {
			intPart, frac = s[:i], s[i:]
			break
		}
	}
	var out []byte
	for i := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, intPart[i])
	}
	if neg {
		return "-" + string(out) + frac
	}
	return string(out) + frac
}

// AuthorityTeam is the reserved team id of the whole authority. A blank
// Team cell means it.
const AuthorityTeam = "authority"

// Team is an organisational unit that reports figures: service, area or team.
type Team struct {
	ID     string
	Name   string
	Parent string // "" for a top-level team
	// Aliases are other names the team is known by in workbooks: in a
	// Team column, or as the name of a sheet holding the team's figures.
	Aliases []string
}

// ColumnNames lists, for each column of an input file, the headers an
// authority's own exports and trackers use for it (such as "Rate (%)" for
// the value or "PI ref" for the indicator), in addition to the names built
// into the collector. Nil lists add nothing.
type ColumnNames struct {
	Period, Indicator, Team, Value, Numerator, Denominator, Status, Commentary, Outcome []string
}

// Empty reports whether no column names are given.
func (c ColumnNames) Empty() bool {
	for _, l := range c.Lists() {
		if len(l) > 0 {
			return false
		}
	}
	return true
}

// Lists returns the lists in the order of ColumnFields.
func (c ColumnNames) Lists() [][]string {
	return [][]string{c.Period, c.Indicator, c.Team, c.Value, c.Numerator, c.Denominator, c.Status, c.Commentary, c.Outcome}
}

// ColumnFields names the columns of ColumnNames as a configuration file
// does, in the order of ColumnNames.Lists.
func ColumnFields() []string {
	return []string{"period", "indicator", "team", "value", "numerator", "denominator", "status", "commentary", "outcome"}
}

// Authority describes the council the service runs for.
type Authority struct {
	Name string
	// LACode is DfE's local authority code as configured: the old
	// three-digit code, e.g. "380", or a new E-code such as "E08000032".
	LACode string
	// StatisticalNeighbours names DfE's statistical-neighbour model,
	// "2025" or "2021"; empty means DefaultNeighbourModel.
	StatisticalNeighbours string
	// BenchmarksAs names the real authority whose published DfE
	// benchmarks, rank and band a demo shows beside its generated
	// figures, e.g. "Bradford"; empty when they are the authority's own.
	// It is never read from a configuration file.
	BenchmarksAs string
}

// DefaultNeighbourModel is the statistical-neighbour model used when none
// is configured.
const DefaultNeighbourModel = "2025"

// NeighbourModels lists the statistical-neighbour models, the default first.
func NeighbourModels() []string { return []string{DefaultNeighbourModel, "2021"} }

// NeighbourModel returns the statistical-neighbour model in force.
func (a Authority) NeighbourModel() string {
	if a.StatisticalNeighbours == "" {
		return DefaultNeighbourModel
	}
	return a.StatisticalNeighbours
}

// Committee is a scrutiny committee whose meeting dates set forecast
// horizons.
type Committee struct {
	ID    string
	Name  string
	Dates []Date
}

// PrivacyPattern describes text that looks as if it identifies a child, to
// be flagged in Commentary and Outcome, which go into public committee
// papers.
type PrivacyPattern struct {
	Name        string // snake_case, e.g. nhs_number
	Description string // what it finds, for the warning: "an NHS number"
	Pattern     string // an RE2 regular expression
	// Check names an extra test a match must pass to count, from
	// PrivacyChecks: "nhs_mod11" keeps only numbers with a valid NHS check
	// digit. Empty for none.
	Check string
}

// PrivacyChecks lists the checks a PrivacyPattern may name.
func PrivacyChecks() []string { return []string{"nhs_mod11"} }

// Catalogue is the configuration in force: the authority, its teams, its
// indicators, its committees and the privacy patterns. It is immutable once
// built; a reload builds a new one.
type Catalogue struct {
	Authority  Authority
	Teams      []Team
	Indicators []Indicator
	Committees []Committee
	Privacy    []PrivacyPattern
	// Columns are the authority's own names for the input files' columns,
	// beside the names the collector knows already.
	Columns ColumnNames
	// SPCExcelParity judges every XmR chart without moving-range
	// screening, as Making Data Count's Excel tool does, rather than as
	// the NHSRplotthedots R package does (with it).
	SPCExcelParity bool
}

// Indicator returns the indicator with the given id.
func (c *Catalogue) Indicator(id string) (*Indicator, bool) {
	i := slices.IndexFunc(c.Indicators, func(ind Indicator) bool { return ind.ID == id })
	if i < 0 {
		return nil, false
	}
	return &c.Indicators[i], true
}

// Team returns the team with the given id. The authority is always known.
func (c *Catalogue) Team(id string) (Team, bool) {
	if id == AuthorityTeam {
		name := c.Authority.Name
		if name == "" {
			name = "Whole authority"
		}
		return Team{ID: AuthorityTeam, Name: name}, true
	}
	i := slices.IndexFunc(c.Teams, func(t Team) bool { return t.ID == id })
	if i < 0 {
		return Team{}, false
	}
	return c.Teams[i], true
}

// TeamIDs returns the authority followed by every configured team id.
func (c *Catalogue) TeamIDs() []string {
	ids := make([]string, 0, len(c.Teams)+1)
	ids = append(ids, AuthorityTeam)
	for _, t := range c.Teams {
		ids = append(ids, t.ID)
	}
	return ids
}
