package collector

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// A financial-year tracker heads its columns with bare month names (Apr,
// May … Mar) or quarters (Q1 … Q4) under a year heading in a row above
// (2025/26, 2025-26, FY 2025/26, Year 2025), often merged across the
// months, sometimes only in the sheet's title; several years may be
// stacked down one sheet, each block under a year row of its own.

// yearCell is a year heading: a financial year (fy, its first calendar
// year) or a calendar year (cal), heading the columns from col rightwards.
type yearCell struct {
	col     int
	fy, cal int
	text    string
}

// label returns the period a bare month or quarter heading names under the
// year y; ok is false for a quarter under a calendar year, which does not
// say which quarters are meant.
func (y yearCell) label(b bareLabel) (label, bool) {
	if b.q > 0 {
		if y.fy == 0 {
			return label{}, false
		}
		return label{kind: labelQuarter, fy: y.fy, q: b.q, date: vs.Quarter(y.fy, b.q).Last}, true
	}
	year := y.cal
	if y.fy != 0 {
		year = y.fy
		if b.month < time.April {
			year++ // January to March end the financial year
		}
	}
	return monthLabel(year, b.month), true
}

// yearPrefixes may come before a year: "FY 2025/26", "Year 2025". Lower
// case; the longest first.
var yearPrefixes = []string{"financial year", "calendar year", "year", "fy", "yr"}

// parseYear reads a cell that is wholly a year heading: 2025/26, 2025-26,
// 2025/2026, FY 2025/26, FY25/26, Financial year 2025-26 (financial
// years), Year 2025 and Calendar year 2025 (calendar years). A bare 2025
// is not one: in a sheet it is as likely a figure.
func parseYear(s string) (yearCell, bool) {
	s = strings.ToLower(trimCell(s))
	prefix := ""
	for _, p := range yearPrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			prefix, s = p, strings.TrimLeft(strings.TrimPrefix(trimCell(rest), ":"), " ")
			break
		}
	}
	if fy, ok := financialYear(s, prefix != ""); ok {
		if prefix == "calendar year" {
			return yearCell{}, false
		}
		return yearCell{fy: fy, text: s}, true
	}
	if (prefix == "year" || prefix == "calendar year") && len(s) == 4 {
		if y, ok := atoi(s); ok && y >= 1990 && y <= 2099 {
			return yearCell{cal: y, text: s}, true
		}
	}
	return yearCell{}, false
}

// financialYear reads 2025/26, 2025-26, 2025/2026 and 2025-2026, and with
// short reads 25/26 too.
func financialYear(s string, short bool) (int, bool) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		a, b, ok = strings.Cut(s, "-")
	}
	if !ok {
		return 0, false
	}
	a, b = trimCell(a), trimCell(b)
	y, ok1 := atoi(a)
	yy, ok2 := atoi(b)
	switch {
	case !ok1 || !ok2:
		return 0, false
	case len(a) == 2 && short:
		y += 2000
	case len(a) != 4:
		return 0, false
	}
	switch len(b) {
	case 2:
		if (y+1)%100 != yy {
			return 0, false
		}
	case 4:
		if yy != y+1 {
			return 0, false
		}
	default:
		return 0, false
	}
	if y < 1990 || y > 2098 {
		return 0, false
	}
	return y, true
}

// titleYear finds a year in running text, as a title gives it:
// "Performance tracker 2025/26", "Scorecard FY 2025-26", "Year 2025".
var titleYear = regexp.MustCompile(`(?i)(?:^|[^0-9/-])((?:fy\s*)?(?:\d{4}|\d{2})\s*[/-]\s*(?:\d{4}|\d{2})|(?:calendar\s+)?year\s*:?\s*\d{4})(?:$|[^0-9/-])`)

func yearInText(s string) (yearCell, bool) {
	for _, m := range titleYear.FindAllStringSubmatch(s, 4) {
		if y, ok := parseYear(strings.Join(strings.Fields(m[1]), " ")); ok {
			return y, true
		}
		// "2025 / 26" written with spaces.
		if y, ok := parseYear(strings.ReplaceAll(m[1], " ", "")); ok {
			return y, true
		}
	}
	return yearCell{}, false
}

// bareLabel is a month name or a quarter heading with no year: Apr,
// April, Sept; Q1, Qtr 1, Quarter 1.
type bareLabel struct {
	month time.Month // 0 for a quarter
	q     int
}

func parseBare(s string) (bareLabel, bool) {
	s = strings.TrimSuffix(trimCell(s), ".")
	if m, ok := monthByName(s); ok {
		return bareLabel{month: m}, true
	}
	low := strings.ToLower(s)
	for _, p := range []string{"quarter", "qtr", "q"} {
		if rest, ok := strings.CutPrefix(low, p); ok {
			rest = trimCell(rest)
			if len(rest) == 1 && rest[0] >= '1' && rest[0] <= '4' {
				return bareLabel{q: int(rest[0] - '0')}, true
			}
			return bareLabel{}, false
		}
	}
	return bareLabel{}, false
}

// yearRows are the year headings a table's bare headings take their year
// from: the rows of year headings since the last header row, nearest
// last; failing those, a year in a title above the first header, or in
// the sheet's name.
type yearRows struct {
	rows  [][]yearCell
	title *yearCell
	// noted is set once a year row or title year has been seen, for the
	// layout's name.
	used bool
}

// yearFor returns the year heading over column col: in the nearest row of
// year headings that has one at or left of col (a heading merged across
// the months is held in its first cell), the nearest to its left.
func (y *yearRows) yearFor(col int) (yearCell, bool) {
	for i := len(y.rows) - 1; i >= 0; i-- {
		best := -1
		for j, c := range y.rows[i] {
			if c.col <= col && (best < 0 || c.col > y.rows[i][best].col) {
				best = j
			}
		}
		if best >= 0 {
			return y.rows[i][best], true
		}
	}
	if y.title != nil {
		return *y.title, true
	}
	return yearCell{}, false
}

// yearRow returns the year headings of a row that is a row of year
// headings: at least one cell is wholly a year heading, and no other cell
// holds a number, a period or a bare month or quarter (a label such as
// "Financial year" beside it is fine).
func (r *reader) yearRow(cells []string) ([]yearCell, bool) {
	var ys []yearCell
	for i, c := range cells {
		c = trimCell(c)
		if c == "" {
			continue
		}
		if y, ok := parseYear(c); ok {
			y.col = i
			ys = append(ys, y)
			continue
		}
		if v, err := parseValue(c); err == nil && v.kind == valueNumber {
			return nil, false
		}
		if _, ok := parseBare(c); ok {
			return nil, false
		}
		if _, err := r.label(c); err == nil {
			return nil, false
		}
	}
	return ys, len(ys) > 0
}

// noteYears remembers, from a row above the header, its year headings or
// a year in its text (a title).
func (r *reader) noteYears(t *table, cells []string) {
	if ys, ok := r.yearRow(cells); ok {
		t.years.rows = append(t.years.rows, ys)
		return
	}
	for _, c := range cells {
		if y, ok := yearInText(c); ok {
			t.years.title = &y
			return
		}
	}
}

// sheetYear sets the sheet's name as the year of last resort.
func (t *table) sheetYear() {
	if t.years.title != nil || !t.xlsx {
		return
	}
	if y, ok := parseYear(t.sheet); ok {
		t.years.title = &y
	} else if y, ok := yearInText(t.sheet); ok {
		t.years.title = &y
	}
}

// barePeriods resolves the bare month and quarter headings of a header
// row by the year headings above them. A heading with no year is a
// problem naming the first such cell: the columns are not read.
func (r *reader) barePeriods(t *table, bares []bareCol, pos func(int) where) []periodCol {
	t.sheetYear()
	var pcs []periodCol
	var lost []bareCol
	for _, b := range bares {
		y, ok := t.years.yearFor(b.col)
		var l label
		if ok {
			l, ok = y.label(b.l)
		}
		if !ok {
			lost = append(lost, b)
			continue
		}
		pcs = append(pcs, periodCol{col: b.col, l: l, shown: fmt.Sprintf("%s (%s)", vs.Quote(b.text), y.shown())})
	}
	if len(lost) > 0 {
		what, hint := "month", "put the year (such as 2025/26 or Year 2025) in a row above the months, or head each column with its year, such as Apr-25"
		if lost[0].l.q > 0 {
			what, hint = "quarter", "put the financial year (such as 2025/26) in a row above the quarters, or head each column with its year, such as 2025/26 Q1"
		}
		reason := fmt.Sprintf("the %s heading %s has no year", what, vs.Quote(lost[0].text))
		switch n := len(lost) - 1; {
		case n == 1:
			reason += ", nor has the other such heading of this row"
		case n > 1:
			reason += fmt.Sprintf(", nor have the %d other such headings of this row", n)
		}
		r.problem(pos(lost[0].col), fieldNames[fPeriod], reason+": their columns are not read", hint)
	}
	t.years.used = true
	t.years.rows = nil // the next block has rows of its own
	return pcs
}

func (y yearCell) shown() string {
	if y.fy != 0 {
		return strconv.Itoa(y.fy) + "/" + fmt.Sprintf("%02d", (y.fy+1)%100)
	}
	return "year " + strconv.Itoa(y.cal)
}

// bareCol is a bare month or quarter heading of a header row.
type bareCol struct {
	col  int
	l    bareLabel
	text string
}

// yearBlock reads a row of a wide table headed by bare months for a new
// block: a row of year headings, remembered for the next header, or a
// header repeated under them, which heads the rows below. It reports
// whether the row was one of these.
func (r *reader) yearBlock(t *table, cells []string, pos func(int) where) bool {
	if ys, ok := r.yearRow(cells); ok {
		t.years.rows = append(t.years.rows, ys)
		return true
	}
	bare := 0
	for _, c := range cells {
		c = trimCell(c)
		if _, ok := parseBare(c); ok {
			bare++
		} else if v, err := parseValue(c); err == nil && v.kind == valueNumber {
			return false // a figure: a row of data
		}
	}
	if bare < minPeriodCols {
		return false
	}
	cols := r.rowFields(cells)
	return r.wideHeader(t, cols, cells, pos)
}
