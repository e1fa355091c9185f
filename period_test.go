package vitalsigns_test

import (
	"slices"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestDateCompare(t *testing.T) {
	d := func(y int, m time.Month, day int) vs.Date { return vs.Date{Year: y, Month: m, Day: day} }
	cases := []struct {
		a, b vs.Date
		want int
	}{
		{d(2024, 4, 30), d(2024, 4, 30), 0},
		{d(2024, 4, 30), d(2024, 5, 1), -1},
		{d(2024, 12, 31), d(2025, 1, 1), -1},
		{d(2025, 1, 2), d(2025, 1, 1), 1},
		{d(2024, 3, 1), d(2024, 2, 29), 1},
	}
	for _, c := range cases {
		if got := c.a.Compare(c.b); got != c.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := c.b.Compare(c.a); got != -c.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", c.b, c.a, got, -c.want)
		}
		if before := c.a.Before(c.b); before != (c.want < 0) {
			t.Errorf("%s.Before(%s) = %v, disagrees with Compare", c.a, c.b, before)
		}
	}
	ds := []vs.Date{d(2025, 1, 1), d(2023, 6, 30), d(2024, 12, 31), d(2024, 1, 31)}
	slices.SortFunc(ds, vs.Date.Compare)
	want := []vs.Date{d(2023, 6, 30), d(2024, 1, 31), d(2024, 12, 31), d(2025, 1, 1)}
	if !slices.Equal(ds, want) {
		t.Errorf("sorted: %v, want %v", ds, want)
	}
}

// TestYearBefore: the same week or fortnight last year is the one ending
// 364 days earlier, on the same weekday (issue 11.2: stepping back a
// calendar year from the week's Monday landed 53 weeks back, or on a
// Saturday after a 29 February).
func TestYearBefore(t *testing.T) {
	d := func(y int, m time.Month, day int) vs.Date { return vs.Date{Year: y, Month: m, Day: day} }
	for _, tt := range []struct {
		p, want vs.Period
	}{
		{vs.WeekEnding(vs.Weekly, d(2026, 12, 6)), vs.WeekEnding(vs.Weekly, d(2025, 12, 7))},
		{vs.WeekEnding(vs.Weekly, d(2028, 6, 4)), vs.WeekEnding(vs.Weekly, d(2027, 6, 6))},
		{vs.WeekEnding(vs.Weekly, d(2028, 3, 5)), vs.WeekEnding(vs.Weekly, d(2027, 3, 7))},
		{vs.WeekEnding(vs.Biweekly, d(2026, 12, 4)), vs.WeekEnding(vs.Biweekly, d(2025, 12, 5))},
		{vs.Month(2024, time.February), vs.Month(2023, time.February)},
		{vs.Quarter(2025, 3), vs.Quarter(2024, 3)},
		{vs.FinancialYear(2025), vs.FinancialYear(2024)},
	} {
		got := tt.p.YearBefore()
		if got != tt.want {
			t.Errorf("%s %s: YearBefore = %s, want %s", tt.p.Freq, tt.p, got, tt.want)
		}
		if tt.p.Freq == vs.Weekly || tt.p.Freq == vs.Biweekly {
			if got.Last.Time().Weekday() != tt.p.Last.Time().Weekday() {
				t.Errorf("%s: a year before ends on a %s", tt.p, got.Last.Time().Weekday())
			}
		}
	}
}
