package reports

import (
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestPlacesApart(t *testing.T) {
	pct := &vs.Indicator{Unit: vs.UnitPercent}
	count := &vs.Indicator{Unit: vs.UnitCount}
	money := &vs.Indicator{Unit: vs.UnitCurrency}
	for _, tt := range []struct {
		name  string
		ind   *vs.Indicator
		pairs [][2]float64
		want  int
	}{
		{"nothing compared", pct, nil, 1},
		{"equal", pct, [][2]float64{{0.04, 0.04}}, 1},
		{"apart at one place", pct, [][2]float64{{0.0412, 0.04}}, 1},
		{"4.047% against 4%", pct, [][2]float64{{0.04047, 0.04}}, 2},
		{"the widest pair decides", pct, [][2]float64{{0.04047, 0.04}, {0.04047, 0.040466}}, 4},
		// Closer than a ten-thousandth of a point: left alike, and
		// adding nothing for it.
		{"beyond the cap", pct, [][2]float64{{0.04, 0.04 + 1e-9}}, 1},
		{"beyond the cap beside a pair within it", pct, [][2]float64{{0.04, 0.04 + 1e-9}, {0.04047, 0.04}}, 2},
		{"counts", count, [][2]float64{{100.4, 100}}, 1},
		{"currency", money, [][2]float64{{5000.004, 5000}}, 3},
	} {
		if got := placesApart(tt.ind, tt.pairs...); got != tt.want {
			t.Errorf("%s: %d places, want %d", tt.name, got, tt.want)
		}
	}
	if got := len(allPairs(1, 2, 3, 4)); got != 6 {
		t.Errorf("allPairs of 4 figures: %d pairs, want 6", got)
	}
}
