package vitalsigns_test

import (
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

// A figure typed as 4.05% is shown as 4.1%, as the council that typed it
// and a spreadsheet application would round it (half away from zero), not
// as whatever its binary floating-point neighbour rounds to.
func TestFormatRoundsHalfAwayFromZero(t *testing.T) {
	pct := &vs.Indicator{Unit: vs.UnitPercent}
	count := &vs.Indicator{Unit: vs.UnitCount}
	money := &vs.Indicator{Unit: vs.UnitCurrency}
	days := &vs.Indicator{Unit: vs.UnitDays}
	for _, tt := range []struct {
		ind  *vs.Indicator
		v    float64
		want string
	}{
		{pct, 0.0405, "4.1%"},
		{pct, 0.0415, "4.2%"},
		{pct, 0.2345, "23.5%"},
		{pct, 0.0025, "0.3%"},
		{pct, 0.04, "4%"},
		{pct, 0.875, "87.5%"},
		{count, 2.5, "3"},
		{count, 1234.5, "1,235"},
		{money, 1.005, "£1.01"},
		{money, 2.675, "£2.68"},
		{money, 1250, "£1,250.00"},
		{days, 12.25, "12.3"},
		{days, 15, "15"},
	} {
		if got := tt.ind.Format(tt.v); got != tt.want {
			t.Errorf("%s %v: got %q, want %q", tt.ind.Unit, tt.v, got, tt.want)
		}
	}
}

func TestFormatPlaces(t *testing.T) {
	pct := &vs.Indicator{Unit: vs.UnitPercent}
	count := &vs.Indicator{Unit: vs.UnitCount}
	money := &vs.Indicator{Unit: vs.UnitCurrency}
	rate := &vs.Indicator{Unit: vs.UnitRatePer10k}
	for _, tt := range []struct {
		ind    *vs.Indicator
		v      float64
		places int
		want   string
	}{
		{pct, 0.04047, 2, "4.05%"},
		{pct, 0.04, 2, "4%"}, // trailing zeros go, as at one place
		{pct, 0.041, 3, "4.1%"},
		{pct, 0.0396, 2, "3.96%"},
		{pct, 0.04045, 2, "4.05%"},
		{pct, -0.00001, 1, "0%"}, // no "-0%"
		{count, 100.4, 1, "100.4"},
		{count, 12345.67, 1, "12,345.7"},
		{count, 100, 1, "100"},
		{money, 5000.004, 3, "£5,000.004"},
		{money, 5000, 3, "£5,000.00"}, // pence are kept
		{money, 5000.5, 3, "£5,000.50"},
		{rate, 426.04, 2, "426.04"},
		{rate, 426, 2, "426"},
	} {
		if got := tt.ind.FormatPlaces(tt.v, tt.places); got != tt.want {
			t.Errorf("%s %v to %d places: got %q, want %q", tt.ind.Unit, tt.v, tt.places, got, tt.want)
		}
	}
	// At the unit's default places it is Format.
	for _, u := range vs.Units() {
		ind := &vs.Indicator{Unit: u}
		for _, v := range []float64{0, 0.04047, 0.875, 1, 12.25, 398, 1234.5, 5000.004} {
			if a, b := ind.Format(v), ind.FormatPlaces(v, u.Decimals()); a != b {
				t.Errorf("%s %v: Format %q, FormatPlaces %q", u, v, a, b)
			}
		}
	}
}

func TestRounded(t *testing.T) {
	pct := &vs.Indicator{Unit: vs.UnitPercent}
	money := &vs.Indicator{Unit: vs.UnitCurrency}
	for _, tt := range []struct {
		ind    *vs.Indicator
		v      float64
		places int
		want   float64
	}{
		{pct, 0.04047, 1, 0.04},
		{pct, 0.04047, 2, 0.0405},
		{pct, 0.0405, 1, 0.041},
		{money, 5000.004, 2, 5000},
		{money, 5000.004, 3, 5000.004},
	} {
		if got := tt.ind.Rounded(tt.v, tt.places); got != tt.want {
			t.Errorf("%s %v to %d places: got %v, want %v", tt.ind.Unit, tt.v, tt.places, got, tt.want)
		}
	}
	// Equal as printed is equal as rounded.
	if pct.Rounded(0.04151, 1) != pct.Rounded(0.0419, 1) {
		t.Error("4.151% and 4.19% both print as 4.2% but round apart")
	}
}
