package benchmark

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// Level is DfE's geographic_level.
type Level string

// The geographic levels benchmarks use; other levels are kept but not used.
const (
	National       Level = "National"
	Regional       Level = "Regional"
	LocalAuthority Level = "Local authority"
)

// Status says whether a published cell holds a figure.
type Status string

// The statuses of a published cell.
const (
	Published  Status = "published"
	Suppressed Status = "suppressed" // one of DfE's codes: never zero
	Missing    Status = "missing"    // blank or unreadable
)

// suppressionCodes are DfE's symbols for a figure not published.
var suppressionCodes = []string{"c", "x", "z", "u", "low", "k", ".."}

// IsSuppressionCode reports whether s is one of DfE's suppression codes.
func IsSuppressionCode(s string) bool {
	return slices.Contains(suppressionCodes, strings.ToLower(strings.TrimSpace(s)))
}

// Table is a tidy file: named columns and their rows.
type Table struct {
	col  map[string]int
	rows [][]string
}

func newTable(header map[string]int, rows [][]string) (*Table, error) {
	t := &Table{col: header}
	for _, r := range rows {
		if len(r) == 1 && strings.TrimSpace(r[0]) == "" {
			continue
		}
		t.rows = append(t.rows, r)
	}
	return t, nil
}

// Columns returns the table's column names, sorted.
func (t *Table) Columns() []string { return slices.Sorted(maps.Keys(t.col)) }

// Has reports whether the table has column c.
func (t *Table) Has(c string) bool { _, ok := t.col[c]; return ok }

// Len returns the number of data rows.
func (t *Table) Len() int { return len(t.rows) }

func (t *Table) get(rec []string, c string) string {
	i, ok := t.col[c]
	if !ok {
		return ""
	}
	return field(rec, i)
}

// Measure names one published series: a column, the filters that pick its
// rows, and the factor that takes the published figure into the
// indicator's unit (0.01 takes DfE's percentages to fractions).
type Measure struct {
	Column string
	Where  map[string]string
	Scale  float64
}

func (m Measure) String() string {
	var b strings.Builder
	b.WriteString(m.Column)
	for _, k := range slices.Sorted(maps.Keys(m.Where)) {
		fmt.Fprintf(&b, " [%s = %s]", k, m.Where[k])
	}
	return b.String()
}

// Holds reports whether the table has the measure's columns and at least
// one row that its filters pick.
func (t *Table) Holds(m Measure) bool {
	if !t.Has(m.Column) {
		return false
	}
	for c := range m.Where {
		if !t.Has(c) {
			return false
		}
	}
	for _, r := range t.rows {
		if t.matches(r, m.Where) {
			return true
		}
	}
	return false
}

func (t *Table) matches(rec []string, where map[string]string) bool {
	for c, v := range where {
		if t.get(rec, c) != v {
			return false
		}
	}
	return true
}

// Figure is one published cell of a measure.
type Figure struct {
	Year  Year
	Level Level
	// Code identifies the area: old_la_code for an authority (a combined
	// row such as "314 / 318" as published), region_code for a region,
	// country_code for England.
	Code       string
	NewCode    string // new_la_code as published, "" if none
	Name       string // la_name, region_name or country_name
	RegionCode string
	Status     Status
	Raw        string  // the cell as published
	Value      float64 // scaled; meaningful only when Status is Published
}

// Codes returns the old_la_codes a figure covers: one, or each of a
// combined row's.
func (f Figure) Codes() []string {
	parts := strings.Split(f.Code, "/")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// Combined reports whether the figure is one row for several authorities.
func (f Figure) Combined() bool { return strings.Contains(f.Code, "/") }

// Figures returns every row the measure picks, for every year and level.
// A cell that is neither a number nor a suppression code is Missing.
func (t *Table) Figures(m Measure) ([]Figure, error) {
	var missing []string
	for _, c := range append([]string{m.Column}, slices.Sorted(maps.Keys(m.Where))...) {
		if !t.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("measure %s: no column %s", m, strings.Join(missing, ", "))
	}
	scale := m.Scale
	if scale == 0 {
		scale = 1
	}
	var out []Figure
	for _, r := range t.rows {
		if !t.matches(r, m.Where) {
			continue
		}
		y, err := ParseYear(t.get(r, "time_period"))
		if err != nil {
			return nil, fmt.Errorf("measure %s: %w", m, err)
		}
		f := Figure{Year: y, Level: Level(t.get(r, "geographic_level")), RegionCode: t.get(r, "region_code"), Raw: t.get(r, m.Column)}
		switch f.Level {
		case National:
			f.Code, f.Name = t.get(r, "country_code"), t.get(r, "country_name")
		case Regional:
			f.Code, f.Name = f.RegionCode, t.get(r, "region_name")
		default:
			f.Code, f.NewCode, f.Name = t.get(r, "old_la_code"), t.get(r, "new_la_code"), t.get(r, "la_name")
		}
		f.Status, f.Value = parseValue(f.Raw, scale)
		out = append(out, f)
	}
	return out, nil
}

// parseValue reads a published cell, scaled. Scaling by a power of ten
// shifts the decimal point, so "22.2" at 0.01 is exactly the double 0.222.
func parseValue(s string, scale float64) (Status, float64) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Missing, 0
	}
	if IsSuppressionCode(s) {
		return Suppressed, 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Missing, 0
	}
	return Published, Scale(v, scale)
}

// Scale returns v×scale, exactly as a decimal when scale is a power of ten.
func Scale(v, scale float64) float64 {
	if scale == 1 {
		return v
	}
	if e := math.Log10(scale); e == math.Trunc(e) {
		mant, exp, ok := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
		if n, err := strconv.Atoi(exp); ok && err == nil {
			if f, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(n+int(e)), 64); err == nil {
				return f
			}
		}
	}
	return v * scale
}

// Year is a DfE time_period: "2025" or a span such as "202425".
type Year struct {
	Label string // as published
	End   int    // the calendar year it ends in, for ordering
}

func (y Year) String() string { return y.Label }

// ParseYear reads a time_period: YYYY, or YYYYYY (such as 202425, which
// ends in 2025).
func ParseYear(s string) (Year, error) {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 4:
		if n, err := strconv.Atoi(s); err == nil && n > 1900 {
			return Year{Label: s, End: n}, nil
		}
	case 6:
		a, err1 := strconv.Atoi(s[:4])
		b, err2 := strconv.Atoi(s[4:])
		if err1 == nil && err2 == nil && a > 1900 && (a+1)%100 == b {
			return Year{Label: s, End: a + 1}, nil
		}
	}
	return Year{}, fmt.Errorf("time_period %s: want YYYY or YYYYYY such as 202425", vs.Quote(s))
}
