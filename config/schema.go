package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is the configuration file as written. Every indicator field but id is
// optional so that an entry with a built-in id overrides only what it sets.
type File struct {
	Authority  *fileAuthority  `yaml:"authority,omitempty"`
	Teams      []fileTeam      `yaml:"teams,omitempty"`
	Indicators []fileIndicator `yaml:"indicators,omitempty"`
	Committees []fileCommittee `yaml:"committees,omitempty"`
	Privacy    *filePrivacy    `yaml:"privacy,omitempty"`
	SPC        *fileSPCRules   `yaml:"spc,omitempty"`
	Columns    *fileColumns    `yaml:"columns,omitempty"`
}

// fileColumns adds, per column of an input file, the headers an
// authority's own exports use for it: columns: {value: [Rate (%)]}. A later
// file's list for a column replaces an earlier one's.
type fileColumns struct {
	Period      []string `yaml:"period,omitempty"`
	Indicator   []string `yaml:"indicator,omitempty"`
	Team        []string `yaml:"team,omitempty"`
	Value       []string `yaml:"value,omitempty"`
	Numerator   []string `yaml:"numerator,omitempty"`
	Denominator []string `yaml:"denominator,omitempty"`
	Status      []string `yaml:"status,omitempty"`
	Commentary  []string `yaml:"commentary,omitempty"`
	Outcome     []string `yaml:"outcome,omitempty"`
}

// lists returns pointers to the lists, in the order of
// vitalsigns.ColumnFields.
func (c *fileColumns) lists() []*[]string {
	return []*[]string{&c.Period, &c.Indicator, &c.Team, &c.Value, &c.Numerator, &c.Denominator, &c.Status, &c.Commentary, &c.Outcome}
}

// fileSPCRules are the settings of every SPC chart.
type fileSPCRules struct {
	// ExcelParity turns off moving-range screening, to match Making Data
	// Count's Excel tool rather than the NHSRplotthedots R package.
	ExcelParity *bool `yaml:"excel_parity,omitempty"`
}

// filePrivacy lists the patterns of text that looks as if it identifies a
// child. A later file's pattern with the same name replaces an earlier one;
// `disabled: true` turns it off.
type filePrivacy struct {
	Patterns []filePrivacyPattern `yaml:"patterns,omitempty"`
}

type filePrivacyPattern struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	Pattern     string `yaml:"pattern,omitempty"`
	Check       string `yaml:"check,omitempty"`
	Disabled    bool   `yaml:"disabled,omitempty"`
}

type fileAuthority struct {
	Name                  string `yaml:"name,omitempty"`
	LACode                string `yaml:"la_code,omitempty"`
	StatisticalNeighbours string `yaml:"statistical_neighbours,omitempty"`
}

type fileTeam struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name,omitempty"`
	Parent  string   `yaml:"parent,omitempty"`
	Aliases []string `yaml:"aliases,omitempty"`
}

type fileIndicator struct {
	ID             string          `yaml:"id"`
	Name           *string         `yaml:"name,omitempty"`
	Description    *string         `yaml:"description,omitempty"`
	Group          *string         `yaml:"group,omitempty"`
	Unit           *string         `yaml:"unit,omitempty"`
	Polarity       *string         `yaml:"polarity,omitempty"`
	Frequency      *string         `yaml:"frequency,omitempty"`
	Aggregation    *string         `yaml:"aggregation,omitempty"`
	MinDenominator *float64        `yaml:"min_denominator,omitempty"`
	SuppressBelow  *float64        `yaml:"suppress_below,omitempty"`
	Aliases        []string        `yaml:"aliases,omitempty"`
	Thresholds     []fileThreshold `yaml:"thresholds,omitempty"`
	Benchmarks     []fileBenchmark `yaml:"benchmarks,omitempty"`
	DfE            *fileDfE        `yaml:"dfe,omitempty"`
	SPC            *fileSPC        `yaml:"spc,omitempty"`
	Alerts         *fileAlerts     `yaml:"alerts,omitempty"`
}

// fileAlerts overrides the generated alerts for one indicator.
type fileAlerts struct {
	AmberPeriods int      `yaml:"amber_periods,omitempty"`
	Disabled     []string `yaml:"disabled,omitempty"`
}

// fileSPC is how an indicator's SPC chart is drawn.
type fileSPC struct {
	Chart    string              `yaml:"chart,omitempty"`
	Baseline int                 `yaml:"baseline,omitempty"`
	Changes  []fileProcessChange `yaml:"changes,omitempty"`
}

type fileProcessChange struct {
	// From is the month (YYYY-MM) or day (YYYY-MM-DD) the new process
	// starts.
	From   string `yaml:"from"`
	Reason string `yaml:"reason"`
}

type fileThreshold struct {
	// Team, when set, makes the threshold that team's own: the team is
	// then judged by its own thresholds alone. Without it the threshold is
	// the whole authority's.
	Team string `yaml:"team,omitempty"`
	// From is the month the threshold takes effect (YYYY-MM); empty means
	// always. Targets usually change with the financial year (April).
	From      string    `yaml:"from,omitempty"`
	Target    *Quantity `yaml:"target,omitempty"`
	Amber     *Quantity `yaml:"amber,omitempty"`
	Red       *Quantity `yaml:"red,omitempty"`
	Tolerance *Quantity `yaml:"tolerance,omitempty"`
}

type fileBenchmark struct {
	Source      string    `yaml:"source"`
	Value       *Quantity `yaml:"value"`
	Reference   string    `yaml:"reference"`
	Year        string    `yaml:"year,omitempty"`
	Publication string    `yaml:"publication"`
	Dataset     string    `yaml:"dataset,omitempty"`
}

// fileDfE maps an indicator to a measure of DfE's published statistics:
// dfe: {measure: agency_rate_fte, scale: 0.01, reference: "at 30
// September {year}", publication: ...}. The measure and its filters must
// pick the rows of exactly one file.
type fileDfE struct {
	Measure     string            `yaml:"measure"`
	Where       map[string]string `yaml:"where,omitempty"`
	Scale       *float64          `yaml:"scale,omitempty"`
	Reference   string            `yaml:"reference"`
	Publication string            `yaml:"publication"`
}

type fileCommittee struct {
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name,omitempty"`
	Dates []string `yaml:"dates,omitempty"`
}

// Quantity is a number in an indicator's unit as written in the file: a
// plain number, or for percentages either a fraction (0.9) or a percentage
// with its sign ("90%"). A bare number above 1 for a percentage is refused
// rather than guessed.
type Quantity struct {
	Value   float64
	Percent bool // written with a % sign
}

// UnmarshalYAML reads a number or a "90%" string.
func (q *Quantity) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a number or a percentage such as \"90%%\"")
	}
	s := strings.TrimSpace(n.Value)
	if rest, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("not a percentage: %q", s)
		}
		*q = Quantity{Value: percentToFraction(v), Percent: true}
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("not a number: %q", s)
	}
	*q = Quantity{Value: v}
	return nil
}

// MarshalYAML writes percentages with their sign so the file reads as people
// think of them, in the shortest form that reads back as exactly the same
// number; a value no percentage reads back as exactly (binary noise from
// arithmetic, such as 0.1+0.02 = 0.12000000000000001) is written as the
// fraction it is.
func (q Quantity) MarshalYAML() (any, error) {
	if q.Percent {
		for _, s := range []string{
			strconv.FormatFloat(roundTo(q.Value*100, 9), 'f', -1, 64),
			strconv.FormatFloat(q.Value*100, 'f', -1, 64),
		} {
			if v, err := strconv.ParseFloat(s, 64); err == nil && percentToFraction(v) == q.Value {
				return s + "%", nil
			}
		}
		if q.Value > 1 || q.Value < -1 {
			// Such a fraction would be refused as ambiguous.
			return strconv.FormatFloat(q.Value*100, 'f', -1, 64) + "%", nil
		}
	}
	return q.Value, nil
}

// percentToFraction returns the number nearest to v/100 as a decimal:
// "24.6%" is 0.246, the double Excel holds for 24.6%, where v/100 would be
// 0.24600000000000002 and a value exactly on the boundary would be judged
// beyond it.
func percentToFraction(v float64) float64 {
	mant, exp, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
	e, err := strconv.Atoi(exp)
	if err != nil {
		return v / 100
	}
	f, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(e-2), 64)
	if err != nil {
		return v / 100
	}
	return f
}

// roundTo removes binary noise such as 0.9*100 = 90.00000000000001.
func roundTo(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}
