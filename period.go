package vitalsigns

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // period ends are instants in Europe/London on any machine
)

// Frequency is how often an indicator is reported.
type Frequency string

// The reporting frequencies.
const (
	Weekly    Frequency = "weekly"
	Biweekly  Frequency = "biweekly"
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
	Annual    Frequency = "annual"
)

// Frequencies lists every valid frequency.
func Frequencies() []Frequency { return []Frequency{Weekly, Biweekly, Monthly, Quarterly, Annual} }

// Date is a calendar date with no time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date (2006-01-02).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("not a date (YYYY-MM-DD): %q", s)
	}
	return DateOf(t), nil
}

// Time returns midnight UTC at the start of d, for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, the same as or after e (for
// slices.SortFunc).
func (d Date) Compare(e Date) int {
	return cmp.Or(cmp.Compare(d.Year, e.Year), cmp.Compare(d.Month, e.Month), cmp.Compare(d.Day, e.Day))
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText renders the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// London is the zone that period ends are reckoned in.
func London() *time.Location { return london() }

// london loads the zone once: time.LoadLocation parses the zone data on
// every call, and period ends are computed for every indicator and team.
var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// time/tzdata is embedded above, so this cannot happen.
		panic(fmt.Sprintf("load Europe/London: %v", err))
	}
	return loc
})

// Period is a reporting period: a month, a financial quarter, a financial
// year, or a week or fortnight identified by its ending date. The zero
// Period means "no period".
type Period struct {
	Freq Frequency
	// Last is the last day of the period.
	Last Date
}

// Month returns the monthly period of year y, month m.
func Month(y int, m time.Month) Period {
	return Period{Freq: Monthly, Last: DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC))}
}

// Quarter returns financial quarter q (1–4) of the financial year starting
// in April of year fy.
func Quarter(fy, q int) Period {
	return Period{Freq: Quarterly, Last: DateOf(time.Date(fy, time.Month(3+3*q+1), 0, 0, 0, 0, 0, time.UTC))}
}

// FinancialYear returns the year from 1 April fy to 31 March fy+1.
func FinancialYear(fy int) Period {
	return Period{Freq: Annual, Last: Date{fy + 1, time.March, 31}}
}

// WeekEnding returns the week (or, with Biweekly, the fortnight) ending on d.
func WeekEnding(f Frequency, d Date) Period { return Period{Freq: f, Last: d} }

// PeriodContaining returns the period of frequency f that contains d. Weeks
// and fortnights are identified by their ending date, so for them d is taken
// as that ending date.
func PeriodContaining(f Frequency, d Date) Period {
	switch f {
	case Monthly:
		return Month(d.Year, d.Month)
	case Quarterly:
		fy := d.Year
		if d.Month < time.April {
			fy--
		}
		q := (int(d.Month)-int(time.April)+12)%12/3 + 1
		return Quarter(fy, q)
	case Annual:
		fy := d.Year
		if d.Month < time.April {
			fy--
		}
		return FinancialYear(fy)
	default:
		return WeekEnding(f, d)
	}
}

// ParsePeriod parses the canonical label of a period of frequency f:
// 2025-09 (month), 2025-26 Q1 (financial quarter), 2024-25 (financial
// year), or a week or fortnight's ending date 2025-09-14. A monthly period
// also accepts any date within the month.
func ParsePeriod(f Frequency, s string) (Period, error) {
	s = strings.TrimSpace(s)
	switch f {
	case Monthly:
		if t, err := time.Parse("2006-01", s); err == nil {
			return Month(t.Year(), t.Month()), nil
		}
		if d, err := ParseDate(s); err == nil {
			return Month(d.Year, d.Month), nil
		}
		return Period{}, fmt.Errorf("not a month (YYYY-MM): %q", s)
	case Quarterly:
		fy, rest, ok := parseFinancialYear(s)
		q, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(rest), "Q"))
		if !ok || err != nil || q < 1 || q > 4 || !strings.HasPrefix(strings.TrimSpace(rest), "Q") {
			return Period{}, fmt.Errorf("not a financial quarter (YYYY-YY Qn): %q", s)
		}
		return Quarter(fy, q), nil
	case Annual:
		fy, rest, ok := parseFinancialYear(s)
		if !ok || rest != "" {
			return Period{}, fmt.Errorf("not a financial year (YYYY-YY): %q", s)
		}
		return FinancialYear(fy), nil
	case Weekly, Biweekly:
		d, err := ParseDate(s)
		if err != nil {
			return Period{}, fmt.Errorf("not a %s period ending date (YYYY-MM-DD): %q", f, s)
		}
		return WeekEnding(f, d), nil
	}
	return Period{}, fmt.Errorf("unknown frequency %q", f)
}

// parseFinancialYear reads "2025-26" at the start of s and returns 2025 and
// the rest of s.
func parseFinancialYear(s string) (int, string, bool) {
	if len(s) < 7 || s[4] != '-' {
		return 0, "", false
	}
	y, err1 := strconv.Atoi(s[:4])
	yy, err2 := strconv.Atoi(s[5:7])
	if err1 != nil || err2 != nil || (y+1)%100 != yy {
		return 0, "", false
	}
	return y, strings.TrimSpace(s[7:]), true
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Last.IsZero() }

// String returns the period's canonical label.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	switch p.Freq {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", p.Last.Year, int(p.Last.Month))
	case Quarterly:
		fy := p.Last.Year
		if p.Last.Month < time.April {
			fy--
		}
		q := (int(p.Last.Month)-int(time.April)+12)%12/3 + 1
		return fmt.Sprintf("%04d-%02d Q%d", fy, (fy+1)%100, q)
	case Annual:
		return fmt.Sprintf("%04d-%02d", p.Last.Year-1, p.Last.Year%100)
	default:
		return p.Last.String()
	}
}

// First returns the first day of the period.
func (p Period) First() Date {
	switch p.Freq {
	case Monthly:
		return Date{p.Last.Year, p.Last.Month, 1}
	case Quarterly:
		return DateOf(time.Date(p.Last.Year, p.Last.Month-2, 1, 0, 0, 0, 0, time.UTC))
	case Annual:
		return Date{p.Last.Year - 1, time.April, 1}
	case Biweekly:
		return p.Last.AddDays(-13)
	default:
		return p.Last.AddDays(-6)
	}
}

// End returns the instant the period ends: midnight Europe/London at the
// end of its last day. It is period_end everywhere.
func (p Period) End() time.Time {
	return time.Date(p.Last.Year, p.Last.Month, p.Last.Day+1, 0, 0, 0, 0, London())
}

// Next returns the period that follows p.
func (p Period) Next() Period { return PeriodContaining(p.Freq, p.step(1)) }

// Prev returns the period before p.
func (p Period) Prev() Period { return PeriodContaining(p.Freq, p.step(-1)) }

func (p Period) step(n int) Date {
	switch p.Freq {
	case Monthly:
		return DateOf(time.Date(p.Last.Year, p.Last.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
	case Quarterly:
		return DateOf(time.Date(p.Last.Year, p.Last.Month+time.Month(3*n), 1, 0, 0, 0, 0, time.UTC))
	case Annual:
		return Date{p.Last.Year + n, time.March, 31}
	case Biweekly:
		return p.Last.AddDays(14 * n)
	default:
		return p.Last.AddDays(7 * n)
	}
}

// YearBefore returns the same period a year before p: the same month,
// financial quarter or financial year, and for a week or fortnight the one
// ending 364 days earlier (52 weeks, 26 fortnights), so that it ends on the
// same weekday and covers the same stretch of the year. Stepping back a
// calendar year from a week's dates instead lands on another weekday, a
// period that was never reported.
func (p Period) YearBefore() Period {
	switch p.Freq {
	case Weekly, Biweekly:
		return WeekEnding(p.Freq, p.Last.AddDays(-364))
	}
	first := p.First()
	return PeriodContaining(p.Freq, Date{Year: first.Year - 1, Month: first.Month, Day: first.Day})
}

// Before reports whether p ends before q ends.
func (p Period) Before(q Period) bool { return p.Last.Before(q.Last) }

// Compare orders periods by their last day: -1, 0 or +1.
func (p Period) Compare(q Period) int {
	switch {
	case p.Last.Before(q.Last):
		return -1
	case q.Last.Before(p.Last):
		return 1
	}
	return 0
}

// Length returns the nominal length of a period of frequency f.
func (f Frequency) Length() time.Duration {
	const day = 24 * time.Hour
	switch f {
	case Weekly:
		return 7 * day
	case Biweekly:
		return 14 * day
	case Quarterly:
		return 92 * day
	case Annual:
		return 365 * day
	default:
		return 31 * day
	}
}

// LastComplete returns the last period of frequency f that ended on or
// before instant now (in Europe/London). For weeks and fortnights the
// period is taken to end on the weekday given by anchor.
func LastComplete(f Frequency, now time.Time, anchor time.Weekday) Period {
	today := DateOf(now.In(London()))
	switch f {
	case Weekly, Biweekly:
		d := today.AddDays(-1)
		for d.Time().Weekday() != anchor {
			d = d.AddDays(-1)
		}
		return WeekEnding(f, d)
	default:
		return PeriodContaining(f, today).Prev()
	}
}
