package collector

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// labelKind says how precise a period cell is.
type labelKind int

const (
	labelDay     labelKind = iota // a calendar date
	labelMonth                    // a calendar month
	labelQuarter                  // a financial quarter
	labelYear                     // a financial year
)

// label is a parsed period cell, before the indicator's frequency resolves
// it to a Period.
type label struct {
	kind labelKind
	date vs.Date // the day; for a month, its last day
	fy   int     // the financial year's first year, for quarters and years
	q    int     // the quarter, 1–4
	// fyToo is set for text such as "2011-12" that reads both as a month
	// and as a financial year; an annual indicator takes the year.
	fyToo int
	// commencing marks a day that starts a week or fortnight ("w/c
	// 01/04/2024"): the period ends 6 (or 13) days later.
	commencing bool
}

// Date serials outside 1990–2099 are refused as implausible.
var (
	serialMin = excelSerial(vs.Date{Year: 1990, Month: time.January, Day: 1}, false)
	serialMax = excelSerial(vs.Date{Year: 2099, Month: time.December, Day: 31}, false)
)

// excelSerial returns the serial of d in Excel's 1900 (or 1904) date
// system, for dates after February 1900.
func excelSerial(d vs.Date, date1904 bool) float64 {
	base := time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return float64(d.Time().Sub(base) / (24 * time.Hour))
}

// serialDate converts a date serial; the time of day is dropped.
func serialDate(f float64, date1904 bool) vs.Date {
	base := time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return vs.DateOf(base.AddDate(0, 0, int(f)))
}

// monthByName returns the month named by s: "sep", "sept", "september".
func monthByName(s string) (time.Month, bool) {
	s = strings.ToLower(s)
	if s == "sept" {
		return time.September, true
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] {
			return m, true
		}
	}
	return 0, false
}

// parseLabel reads a period cell. serials says whether a bare number is a
// date serial (xlsx) rather than an error (csv). The error is a reason fit
// for a Problem.
func parseLabel(s string, serials, date1904 bool) (label, error) {
	s = trimCell(s)
	if s == "" {
		return label{}, fmt.Errorf("the period is blank")
	}
	bad := func() error {
		return fmt.Errorf("%s is not a period: write a month such as 2025-09 or Sep-25, a date such as 30/09/2025, or a quarter such as 2025-26 Q1", vs.Quote(s))
	}
	if f, ok := serial(s); ok {
		if !serials {
			return label{}, bad()
		}
		lo, hi := serialMin, serialMax
		if date1904 {
			lo, hi = lo-1462, hi-1462
		}
		if f < lo || f >= hi+1 {
			return label{}, fmt.Errorf("the number %s is not a plausible date: format the cell as a date, or write a month such as 2025-09", vs.Quote(s))
		}
		return label{kind: labelDay, date: serialDate(f, date1904)}, nil
	}
	if rest, ok := cutEnding(s); ok {
		// "w/e 07/04/2024": only a date can follow.
		if l, err := parseLabel(rest, serials, date1904); err == nil && l.kind == labelDay {
			return l, nil
		}
		return label{}, bad()
	}
	if rest, ok := cutPrefix(s, commencingPrefixes); ok {
		// "w/c 01/04/2024": the day a week starts.
		if l, err := parseLabel(rest, serials, date1904); err == nil && l.kind == labelDay && !l.commencing {
			l.commencing = true
			return l, nil
		}
		return label{}, bad()
	}
	if l, ok := parseISO(s); ok {
		return l, nil
	}
	if l, ok := parseDayFirst(s); ok {
		return l, nil
	}
	if l, ok := parseFinancial(s); ok {
		return l, nil
	}
	if l, ok := parseMonthName(s); ok {
		return l, nil
	}
	if l, ok := parseMonthYear(s); ok {
		return l, nil
	}
	return label{}, bad()
}

// endingPrefixes introduce the date a week or fortnight ends, as in
// "w/e 07/04/2024" or "Week ending 07/04/2024". Lower case.
var endingPrefixes = []string{"week ending", "fortnight ending", "period ending", "wk ending", "w/e", "w.e.", "f/e"}

// commencingPrefixes introduce the day a week or fortnight starts, as in
// "w/c 01/04/2024" or "Week commencing 01/04/2024". Lower case.
var commencingPrefixes = []string{"week commencing", "fortnight commencing", "week beginning", "wk commencing", "w/c", "w.c.", "w/b", "f/c"}

// cutEnding removes a week-ending prefix (and a colon after it) from s.
func cutEnding(s string) (string, bool) { return cutPrefix(s, endingPrefixes) }

// cutPrefix removes the first of prefixes that s starts with (any case),
// and a colon after it.
func cutPrefix(s string, prefixes []string) (string, bool) {
	low := strings.ToLower(s)
	for _, p := range prefixes {
		if strings.HasPrefix(low, p) {
			rest := trimCell(strings.TrimPrefix(trimCell(s[len(p):]), ":"))
			return rest, rest != ""
		}
	}
	return s, false
}

// parseMonthYear reads a month number and a four-digit year: 04/2024,
// 4/2024 and 04-2024. (04.2024 is a number, which in xlsx is a date serial.)
func parseMonthYear(s string) (label, bool) {
	for _, sep := range []string{"/", "-"} {
		mText, yText, ok := strings.Cut(s, sep)
		if !ok || len(mText) < 1 || len(mText) > 2 || len(yText) != 4 {
			continue
		}
		m, ok1 := atoi(mText)
		y, ok2 := atoi(yText)
		if !ok1 || !ok2 || m < 1 || m > 12 {
			return label{}, false
		}
		return monthLabel(y, time.Month(m)), true
	}
	return label{}, false
}

// serial reads a bare number such as 45930 or 45930.5.
func serial(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

func dateOK(y, m, d int) (vs.Date, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return vs.Date{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return vs.Date{}, false
	}
	return vs.DateOf(t), true
}

func monthLabel(y int, m time.Month) label {
	return label{kind: labelMonth, date: vs.Month(y, m).Last}
}

// parseISO reads 2025-09, 2025-09-30 and 2025-09-30T00:00:00 (as xlsx
// stores typed dates).
func parseISO(s string) (label, bool) {
	if t, _, ok := strings.Cut(s, "T"); ok && len(t) == 10 {
		s = t
	}
	parts := strings.Split(s, "-")
	if len(parts[0]) != 4 {
		return label{}, false
	}
	y, ok := atoi(parts[0])
	if !ok {
		return label{}, false
	}
	switch len(parts) {
	case 2:
		m, ok := atoi(parts[1])
		if !ok || len(parts[1]) != 2 || m < 1 || m > 12 {
			return label{}, false
		}
		l := monthLabel(y, time.Month(m))
		if (y+1)%100 == m {
			l.fyToo = y
		}
		return l, true
	case 3:
		m, ok1 := atoi(parts[1])
		d, ok2 := atoi(parts[2])
		if !ok1 || !ok2 || len(parts[1]) > 2 || len(parts[2]) > 2 {
			return label{}, false
		}
		date, ok := dateOK(y, m, d)
		return label{kind: labelDay, date: date}, ok
	}
	return label{}, false
}

// parseDayFirst reads UK dates: 30/09/2025, 1/9/2025, 30.09.2025,
// 30-09-2025 and two-digit years (30/09/25 is 2025). Always day first.
func parseDayFirst(s string) (label, bool) {
	var parts []string
	for _, sep := range []string{"/", ".", "-"} {
		if p := strings.Split(s, sep); len(p) == 3 {
			parts = p
			break
		}
	}
	if parts == nil || len(parts[0]) > 2 || len(parts[1]) > 2 || (len(parts[2]) != 2 && len(parts[2]) != 4) {
		return label{}, false
	}
	d, ok1 := atoi(parts[0])
	m, ok2 := atoi(parts[1])
	y, ok3 := atoi(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return label{}, false
	}
	if len(parts[2]) == 2 {
		y += 2000
	}
	date, ok := dateOK(y, m, d)
	return label{kind: labelDay, date: date}, ok
}

// parseFinancial reads 2025-26 Q1, 2025/26 Q1, Q1 2025-26 and 2025-26, and
// with a quarter the short year too: Q1 25/26, 25-26 Q1.
func parseFinancial(s string) (label, bool) {
	fields := strings.Fields(s)
	var yearText, qText string
	switch len(fields) {
	case 1:
		yearText = fields[0]
	case 2:
		yearText, qText = fields[0], fields[1]
		if strings.HasPrefix(strings.ToUpper(yearText), "Q") {
			yearText, qText = qText, yearText
		}
	default:
		return label{}, false
	}
	if len(yearText) == 5 && qText != "" && (yearText[2] == '-' || yearText[2] == '/') {
		yearText = "20" + yearText[:2] + yearText[2:]
	}
	if len(yearText) != 7 || (yearText[4] != '-' && yearText[4] != '/') {
		return label{}, false
	}
	y, ok1 := atoi(yearText[:4])
	yy, ok2 := atoi(yearText[5:])
	if !ok1 || !ok2 || (y+1)%100 != yy {
		return label{}, false
	}
	if qText == "" {
		return label{kind: labelYear, fy: y, date: vs.FinancialYear(y).Last}, true
	}
	if len(qText) != 2 || (qText[0] != 'Q' && qText[0] != 'q') || qText[1] < '1' || qText[1] > '4' {
		return label{}, false
	}
	q := int(qText[1] - '0')
	return label{kind: labelQuarter, fy: y, q: q, date: vs.Quarter(y, q).Last}, true
}

// parseMonthName reads Sep-25, Sep 25, Sept 2025, September 2025,
// Sep-2025 and Sep '25 (or Sep'25, with a straight or curly apostrophe).
func parseMonthName(s string) (label, bool) {
	name, year, ok := strings.Cut(s, "-")
	if !ok {
		if i := strings.IndexAny(s, "'’"); i > 0 {
			name, year = s[:i], s[i:]
		} else {
			f := strings.Fields(s)
			if len(f) != 2 {
				return label{}, false
			}
			name, year = f[0], f[1]
		}
	}
	m, ok := monthByName(strings.TrimSuffix(trimCell(name), "."))
	if !ok {
		return label{}, false
	}
	year = trimCell(year)
	if rest, ok := strings.CutPrefix(year, "'"); ok {
		year = rest
	} else if rest, ok := strings.CutPrefix(year, "’"); ok {
		year = rest
	}
	y, ok := atoi(year)
	if !ok || (len(year) != 2 && len(year) != 4) {
		return label{}, false
	}
	if len(year) == 2 {
		y += 2000
	}
	return monthLabel(y, m), true
}

// resolve turns l into the period of frequency f. The error is a reason fit
// for a Problem, naming the cell's text.
func (l label) resolve(f vs.Frequency, text string) (vs.Period, error) {
	return l.resolveText(f, func() string { return text })
}

// resolveText is resolve with the text worked out only for an error.
func (l label) resolveText(f vs.Frequency, text func() string) (vs.Period, error) {
	if f == vs.Annual && l.fyToo != 0 {
		return vs.FinancialYear(l.fyToo), nil
	}
	coarse := func(what string) error {
		return fmt.Errorf("%s is %s, but the indicator is reported %s: give %s", vs.Quote(text()), what, f, wantFor(f))
	}
	if l.commencing && f != vs.Weekly && f != vs.Biweekly {
		return vs.Period{}, fmt.Errorf("%s is the start of a week, but the indicator is reported %s: give %s", vs.Quote(text()), f, wantFor(f))
	}
	switch f {
	case vs.Weekly, vs.Biweekly:
		if l.kind != labelDay {
			return vs.Period{}, coarse(l.kind.String())
		}
		return vs.WeekEnding(f, l.ending(f)), nil
	case vs.Monthly:
		if l.kind == labelQuarter || l.kind == labelYear {
			return vs.Period{}, coarse(l.kind.String())
		}
	case vs.Quarterly:
		if l.kind == labelYear {
			return vs.Period{}, coarse(l.kind.String())
		}
	}
	return vs.PeriodContaining(f, l.date), nil
}

// ending returns the last day of the week or fortnight a day label names:
// the day itself, or for a "week commencing" label 6 (13) days on.
func (l label) ending(f vs.Frequency) vs.Date {
	if !l.commencing {
		return l.date
	}
	if f == vs.Biweekly {
		return l.date.AddDays(13)
	}
	return l.date.AddDays(6)
}

// resolveWide turns the label heading a column of a wide table into the
// period of frequency f. A scorecard column names one period, so the label
// must be as precise as the indicator's frequency, no more and no less:
// a date for weekly and fortnightly indicators (the date the period ends),
// a month or a date for monthly ones (a date cell formatted as a month
// is a date), a quarter for quarterly ones and a financial year for annual
// ones. ok is false when the label does not fit.
func (l label) resolveWide(f vs.Frequency) (vs.Period, bool) {
	switch f {
	case vs.Weekly, vs.Biweekly:
		if l.kind == labelDay {
			return vs.WeekEnding(f, l.ending(f)), true
		}
	case vs.Monthly:
		if !l.commencing && (l.kind == labelDay || l.kind == labelMonth) {
			return vs.PeriodContaining(f, l.date), true
		}
	case vs.Quarterly:
		if l.kind == labelQuarter {
			return vs.Quarter(l.fy, l.q), true
		}
	case vs.Annual:
		if l.kind == labelYear {
			return vs.FinancialYear(l.fy), true
		}
		if l.fyToo != 0 {
			return vs.FinancialYear(l.fyToo), true
		}
	}
	return vs.Period{}, false
}

func (k labelKind) String() string {
	switch k {
	case labelDay:
		return "a date"
	case labelMonth:
		return "a month"
	case labelQuarter:
		return "a quarter"
	}
	return "a financial year"
}

func wantFor(f vs.Frequency) string {
	switch f {
	case vs.Weekly:
		return "the date the week ends, such as 28/09/2025"
	case vs.Biweekly:
		return "the date the fortnight ends, such as 28/09/2025"
	case vs.Monthly:
		return "a month such as 2025-09"
	case vs.Quarterly:
		return "a quarter such as 2025-26 Q1"
	}
	return "a financial year such as 2025-26"
}
