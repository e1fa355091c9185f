package collector

import (
	"database/sql"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
)

// figures gives back exactly what was added, for every kind of period,
// status and missing number.
func TestFiguresRoundTrip(t *testing.T) {
	monthly := &vs.Indicator{ID: "agency_rate", Frequency: vs.Monthly}
	weekly := &vs.Indicator{ID: "cla_awaiting_health_assessment", Frequency: vs.Weekly}
	quarterly := &vs.Indicator{ID: "q", Frequency: vs.Quarterly}
	annual := &vs.Indicator{ID: "a", Frequency: vs.Annual}
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	in := []struct {
		o   vs.Observation
		ind *vs.Indicator
	}{
		{vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: vs.Month(2026, time.October)},
			Value: n(0.245), Numerator: n(49), Denominator: n(200), Status: vs.StatusActual, Commentary: "One in four", Outcome: "Recruiting"}, monthly},
		{vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: "north", Period: vs.Month(1999, time.February)},
			Status: vs.StatusSuppressed, Commentary: "One in four"}, monthly},
		{vs.Observation{Key: vs.Key{Indicator: "cla_awaiting_health_assessment", Team: "north", Period: vs.WeekEnding(vs.Weekly, vs.Date{Year: 2026, Month: time.November, Day: 22})},
			Value: n(32), Status: vs.StatusProvisional}, weekly},
		{vs.Observation{Key: vs.Key{Indicator: "q", Team: "south", Period: vs.Quarter(2025, 4)}, Status: vs.StatusMissing}, quarterly},
		{vs.Observation{Key: vs.Key{Indicator: "a", Team: "authority", Period: vs.FinancialYear(2024)}, Value: n(-1.5), Denominator: n(0), Status: vs.StatusActual}, annual},
	}
	f := newFigures()
	var want []vs.Observation
	for _, x := range in {
		f.add(x.o, x.ind)
		want = append(want, x.o)
	}
	if diff := cmp.Diff(want, f.slice()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	f.setValue(0, 0.5)
	if got := f.At(0).Value; got != n(0.5) {
		t.Errorf("after setValue: %v", got)
	}
	if len(f.texts) != 3 { // "", "One in four", "Recruiting": repeated text kept once
		t.Errorf("texts %q, want each kept once", f.texts)
	}
	if size := unsafe.Sizeof(figure{}); size > 48 {
		t.Errorf("a figure takes %d bytes, want at most 48", size)
	}
}
