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
