package config_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// interfaceIDs are the built-in indicator ids that metric labels, API paths,
// alert labels and workbook dropdowns depend on (catalogue.md).
var interfaceIDs = []string{
	"contacts", "contact_referral_conversion", "referrals", "rereferrals_12m", "referrals_nfa",
	"assessments_45_days", "cin_rate_per_10k", "cp_rate_per_10k", "cp_second_subsequent",
	"cp_visits_in_timescale", "cla_rate_per_10k", "cla_visits_in_timescale",
	"cla_initial_health_assessment_20d", "cla_review_health_assessment_on_time",
	"cla_awaiting_health_assessment", "cla_dental_checks", "placement_3plus_moves",
	"placement_long_term_stability", "placements_over_20_miles", "placements_external",
	"care_leavers_eet", "care_leavers_suitable_accommodation", "caseload_avg",
	"social_workers_over_caseload_limit", "agency_rate", "vacancy_rate", "turnover_rate",
	"sickness_absence_rate",
}

func mustDefault(t testing.TB) *vs.Catalogue {
	t.Helper()
	cat, err := config.Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	return cat
}

func TestDefault(t *testing.T) {
	cat := mustDefault(t)
	if got, want := len(cat.Indicators), 20; got < want {
		t.Errorf("built-in catalogue has %d indicators, want at least %d", got, want)
	}
	for _, id := range interfaceIDs {
		if _, ok := cat.Indicator(id); !ok {
			t.Errorf("built-in catalogue lacks indicator %q", id)
		}
	}
	if got, want := cat.Authority, (vs.Authority{Name: "Example Council"}); got != want {
		t.Errorf("Authority = %+v, want %+v", got, want)
	}
	if len(cat.Teams) != 0 {
		t.Errorf("built-in catalogue has teams %v, want none", cat.Teams)
	}
	if i := slices.IndexFunc(cat.Committees, func(c vs.Committee) bool { return c.ID == "overview_scrutiny" }); i < 0 {
		t.Errorf("no overview_scrutiny committee in %v", cat.Committees)
	} else if c := cat.Committees[i]; c.Name != "Children's Services Overview and Scrutiny Committee" || len(c.Dates) < 3 {
		t.Errorf("overview_scrutiny = %+v, want its name and at least three dates", c)
	}

	for _, ind := range cat.Indicators {
		t.Run(ind.ID, func(t *testing.T) {
			if ind.Name == "" || ind.Description == "" || ind.Group == "" || ind.Group == "Other" {
				t.Errorf("name %q, description %q, group %q: want all three set", ind.Name, ind.Description, ind.Group)
			}
			if len(ind.Aliases) < 3 {
				t.Errorf("%d aliases, want at least 3 (the names councils use)", len(ind.Aliases))
			}
			switch {
			case ind.Polarity == vs.Neutral && len(ind.Thresholds) > 0:
				t.Errorf("neutral indicator has thresholds %v", ind.Thresholds)
			case ind.Polarity != vs.Neutral && len(ind.Thresholds) == 0:
				t.Errorf("%s indicator has no default thresholds", ind.Polarity)
			}
			for _, th := range ind.Thresholds {
				if th.Amber == nil || th.Red == nil {
					t.Errorf("threshold %+v: want amber and red", th)
				}
				if ind.Unit == vs.UnitPercent {
					for _, v := range []*float64{th.Target, th.Amber, th.Red} {
						if v != nil && (*v < 0 || *v > 1) {
							t.Errorf("percent threshold %v is not a fraction", *v)
						}
					}
				}
			}
			if ind.Unit == vs.UnitCount && len(ind.Benchmarks) > 0 {
				t.Errorf("count has benchmarks %v", ind.Benchmarks)
			}
			wantAgg := map[vs.Unit]vs.Aggregation{vs.UnitCount: vs.AggregateSum, vs.UnitPercent: vs.AggregateRatio,
				vs.UnitRatePer10k: vs.AggregateRatio, vs.UnitNumber: vs.AggregateMean}[ind.Unit]
			if ind.Aggregation != wantAgg {
				t.Errorf("aggregation %s for a %s, want %s", ind.Aggregation, ind.Unit, wantAgg)
			}
			wantFreq := vs.Monthly
			if ind.ID == "cla_awaiting_health_assessment" {
				wantFreq = vs.Weekly
			}
			if ind.Frequency != wantFreq {
				t.Errorf("frequency %s, want %s", ind.Frequency, wantFreq)
			}
		})
	}
}

// TestDefaultUnitsAndPolarities pins what catalogue.md's table gives.
func TestDefaultUnitsAndPolarities(t *testing.T) {
	cat := mustDefault(t)
	tests := []struct {
		id       string
		unit     vs.Unit
		polarity vs.Polarity
	}{
		{"contacts", vs.UnitCount, vs.Neutral},
		{"contact_referral_conversion", vs.UnitPercent, vs.Neutral},
		{"referrals", vs.UnitCount, vs.Neutral},
		{"rereferrals_12m", vs.UnitPercent, vs.LowerIsBetter},
		{"referrals_nfa", vs.UnitPercent, vs.LowerIsBetter},
		{"assessments_45_days", vs.UnitPercent, vs.HigherIsBetter},
		{"cin_rate_per_10k", vs.UnitRatePer10k, vs.Neutral},
		{"cp_rate_per_10k", vs.UnitRatePer10k, vs.Neutral},
		{"cp_second_subsequent", vs.UnitPercent, vs.LowerIsBetter},
		{"cp_visits_in_timescale", vs.UnitPercent, vs.HigherIsBetter},
		{"cla_rate_per_10k", vs.UnitRatePer10k, vs.Neutral},
		{"cla_visits_in_timescale", vs.UnitPercent, vs.HigherIsBetter},
		{"cla_initial_health_assessment_20d", vs.UnitPercent, vs.HigherIsBetter},
		{"cla_review_health_assessment_on_time", vs.UnitPercent, vs.HigherIsBetter},
		{"cla_awaiting_health_assessment", vs.UnitCount, vs.LowerIsBetter},
		{"cla_dental_checks", vs.UnitPercent, vs.HigherIsBetter},
		{"placement_3plus_moves", vs.UnitPercent, vs.LowerIsBetter},
		{"placement_long_term_stability", vs.UnitPercent, vs.HigherIsBetter},
		{"placements_over_20_miles", vs.UnitPercent, vs.LowerIsBetter},
		{"placements_external", vs.UnitCount, vs.LowerIsBetter},
		{"care_leavers_eet", vs.UnitPercent, vs.HigherIsBetter},
		{"care_leavers_suitable_accommodation", vs.UnitPercent, vs.HigherIsBetter},
		{"caseload_avg", vs.UnitNumber, vs.LowerIsBetter},
		{"social_workers_over_caseload_limit", vs.UnitCount, vs.LowerIsBetter},
		{"agency_rate", vs.UnitPercent, vs.LowerIsBetter},
		{"vacancy_rate", vs.UnitPercent, vs.LowerIsBetter},
		{"turnover_rate", vs.UnitPercent, vs.LowerIsBetter},
		{"sickness_absence_rate", vs.UnitPercent, vs.LowerIsBetter},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			ind, ok := cat.Indicator(tt.id)
			if !ok {
				t.Fatalf("no indicator %q", tt.id)
			}
			if ind.Unit != tt.unit || ind.Polarity != tt.polarity {
				t.Errorf("unit %s, polarity %s; want %s, %s", ind.Unit, ind.Polarity, tt.unit, tt.polarity)
			}
		})
	}
}

// TestDefaultAliases checks that the names councils write in their own
// workbooks find the right indicator.
func TestDefaultAliases(t *testing.T) {
	cat := mustDefault(t)
	owner := map[string]string{}
	for _, ind := range cat.Indicators {
		for _, n := range append([]string{ind.ID, ind.Name}, ind.Aliases...) {
			k := config.NormaliseName(n)
			if o, ok := owner[k]; ok && o != ind.ID {
				t.Errorf("%q names both %s and %s", n, o, ind.ID)
			}
			owner[k] = ind.ID
		}
	}
	tests := []struct{ written, want string }{
		{"% agency SWs", "agency_rate"},
		{"Agency worker rate", "agency_rate"},
		{"Agency social worker rate", "agency_rate"},
		{"Avg caseload", "caseload_avg"},
		{"Caseload per SW (FTE)", "caseload_avg"},
		{"Average caseload per social worker", "caseload_avg"},
		{"Re-referral rate", "rereferrals_12m"},
		{"Re-referrals within 12 months", "rereferrals_12m"},
		{"CIC visits in timescale", "cla_visits_in_timescale"},
		{"LAC visits", "cla_visits_in_timescale"},
		{"RHA on time", "cla_review_health_assessment_on_time"},
		{"IHA within 20 days", "cla_initial_health_assessment_20d"},
		{"Children requiring health assessments", "cla_awaiting_health_assessment"},
		{"CP Visits In Timescale", "cp_visits_in_timescale"},
		{"Vacancy rate", "vacancy_rate"},
		{"Care leavers EET", "care_leavers_eet"},
		{"3+ placements", "placement_3plus_moves"},
	}
	for _, tt := range tests {
		t.Run(tt.written, func(t *testing.T) {
			if got := owner[config.NormaliseName(tt.written)]; got != tt.want {
				t.Errorf("%q finds %q, want %q", tt.written, got, tt.want)
			}
		})
	}
}

// englandFigures is DfE's published England figure, latest year, for
// every indicator the built-in catalogue maps (catalogue.md gives a DfE
// source and an England figure for each), in DfE's own units.
var englandFigures = map[string]float64{
	"rereferrals_12m": 22.6, "referrals_nfa": 6.5, "cp_second_subsequent": 24.5, "cla_rate_per_10k": 67,
	"placement_3plus_moves": 10, "placement_long_term_stability": 69, "care_leavers_eet": 54,
	"care_leavers_suitable_accommodation": 89, "caseload_avg": 15.2, "agency_rate": 13, "vacancy_rate": 14.2,
	"turnover_rate": 11.8, "sickness_absence_rate": 3.5,
}

func dfeDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "dfe")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("VITALSIGNS_REQUIRE_TOOLS") == "1" {
			t.Fatalf("DfE data: %v", err)
		}
		t.Skipf("DfE data not available: %v", err)
	}
	return dir
}

// dataset is a benchmark's Dataset parsed: "<file>: <column> [<k> = <v>; …]".
type dataset struct {
	file, column string
	filters      map[string]string
}

func parseDataset(s string) (dataset, error) {
	file, rest, ok := strings.Cut(s, ": ")
	if !ok || !strings.HasSuffix(file, ".csv") {
		return dataset{}, fmt.Errorf("dataset %q: want \"<file>.csv: <column> [<filters>]\"", s)
	}
	ds := dataset{file: file, filters: map[string]string{}}
	column, filters, hasFilters := strings.Cut(rest, " [")
	ds.column = strings.TrimSpace(column)
	if hasFilters {
		filters, ok = strings.CutSuffix(filters, "]")
		if !ok {
			return dataset{}, fmt.Errorf("dataset %q: unclosed [", s)
		}
		for f := range strings.SplitSeq(filters, ";") {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				return dataset{}, fmt.Errorf("dataset %q: filter %q is not \"column = value\"", s, f)
			}
			ds.filters[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return ds, nil
}

// nationalLatest returns the column's value in the National row of the
// latest time_period that matches the filters, and that period.
func nationalLatest(path string, ds dataset) (float64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return 0, "", fmt.Errorf("%s: read header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, name := range append([]string{"time_period", "geographic_level", ds.column}, slices.Collect(maps.Keys(ds.filters))...) {
		if _, ok := col[name]; !ok {
			return 0, "", fmt.Errorf("%s: no column %q", path, name)
		}
	}
	var (
		best    string
		value   string
		matches int
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", path, err)
		}
		if rec[col["geographic_level"]] != "National" {
			continue
		}
		ok := true
		for k, v := range ds.filters {
			ok = ok && rec[col[k]] == v
		}
		if !ok {
			continue
		}
		switch p := rec[col["time_period"]]; {
		case p > best:
			best, value, matches = p, rec[col[ds.column]], 1
		case p == best:
			matches++
		}
	}
	if matches != 1 {
		return 0, "", fmt.Errorf("%s: %d National rows for the latest period %q with %v, want 1", path, matches, best, ds.filters)
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %s in %s is %q, not a number", path, ds.column, best, value)
	}
	return v, best, nil
}

// TestDfEMappings checks every built-in mapping against DfE's files: its
// measure and filters pick the latest year's National row of exactly one
// file, with the England figure DfE published, and its reference and
// publication name that year. The built-in catalogue types in no
// benchmark: they are drawn from the data.
func TestDfEMappings(t *testing.T) {
	dir := dfeDir(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	cat := mustDefault(t)
	got := map[string]float64{}
	for _, ind := range cat.Indicators {
		if len(ind.Benchmarks) > 0 {
			t.Errorf("%s: the built-in catalogue types in benchmarks %+v", ind.ID, ind.Benchmarks)
		}
		if ind.DfE == nil {
			continue
		}
		t.Run(ind.ID, func(t *testing.T) {
			ds := dataset{column: ind.DfE.Measure, filters: ind.DfE.Where}
			if ds.filters == nil {
				ds.filters = map[string]string{}
			}
			var files []string
			var value float64
			var year string
			for _, p := range paths {
				if v, y, err := nationalLatest(p, ds); err == nil {
					files, value, year = append(files, filepath.Base(p)), v, y
				}
			}
			if len(files) != 1 {
				t.Fatalf("mapping %+v picks the National rows of %d files %v, want 1", ind.DfE, len(files), files)
			}
			got[ind.ID] = value
			file := files[0]
			if !strings.Contains(ind.DfE.Reference, "{year}") || !strings.Contains(ind.DfE.Publication, "{year}") {
				t.Errorf("reference %q, publication %q: want {year} in both", ind.DfE.Reference, ind.DfE.Publication)
			}
			if strings.HasPrefix(file, "csww_") && ind.DfE.Reference != "at 30 September {year}" {
				t.Errorf("reference %q: the workforce census is at 30 September", ind.DfE.Reference)
			}
			if year != "2025" {
				t.Errorf("%s: latest year %s, want 2025", file, year)
			}
		})
	}
	if diff := cmp.Diff(englandFigures, got); diff != "" {
		t.Errorf("England's figures as DfE published them (-want +got):\n%s", diff)
	}
}

func TestParseDataset(t *testing.T) {
	tests := []struct {
		in      string
		want    dataset
		wantErr bool
	}{
		{in: "csww_indicators_2017_to_2025.csv: agency_rate_fte",
			want: dataset{file: "csww_indicators_2017_to_2025.csv", column: "agency_rate_fte", filters: map[string]string{}}},
		{in: "la_care_leavers_activity.csv: care_leaver_percent [care_leaver_age = 19 to 21 years; breakdown = Total in education, employment or training]",
			want: dataset{file: "la_care_leavers_activity.csv", column: "care_leaver_percent",
				filters: map[string]string{"care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"}}},
		{in: "DfE workforce statistics", wantErr: true},
		{in: "x.csv: col [a = b", wantErr: true},
		{in: "x.csv: col [a b]", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDataset(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseDataset error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(dataset{})); diff != "" {
					t.Errorf("parseDataset (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestDefaultDfEMappings pins which built-in indicators are mapped to DfE's
// published statistics: the 13 measures catalogue.md names, and only rates
// and percentages.
func TestDefaultDfEMappings(t *testing.T) {
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ind := range cat.Indicators {
		if ind.DfE == nil {
			continue
		}
		got = append(got, ind.ID)
		if ind.Unit == vs.UnitCount || ind.Unit == vs.UnitCurrency {
			t.Errorf("%s: a %s mapped to DfE", ind.ID, ind.Unit)
		}
		if want := map[bool]float64{true: 0.01, false: 1}[ind.Unit == vs.UnitPercent]; ind.DfE.Scale != want {
			t.Errorf("%s: scale %v, want %v", ind.ID, ind.DfE.Scale, want)
		}
	}
	want := []string{"agency_rate", "care_leavers_eet", "care_leavers_suitable_accommodation", "caseload_avg", "cla_rate_per_10k",
		"cp_second_subsequent", "placement_3plus_moves", "placement_long_term_stability", "referrals_nfa", "rereferrals_12m",
		"sickness_absence_rate", "turnover_rate", "vacancy_rate"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("mapped = %v, want %v", got, want)
	}
}
