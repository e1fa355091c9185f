package assess_test

import (
	"database/sql"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

func f(v float64) *float64 { return &v }

func TestRate(t *testing.T) {
	visits := &vs.Indicator{ID: "v", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly,
		Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}
	caseload := &vs.Indicator{ID: "c", Unit: vs.UnitNumber, Polarity: vs.LowerIsBetter, Frequency: vs.Monthly,
		Thresholds: []vs.Threshold{
			{Amber: f(18), Red: f(22)},
			{From: vs.Date{Year: 2025, Month: time.April, Day: 1}, Amber: f(16), Red: f(20)},
		}}
	neutral := &vs.Indicator{ID: "n", Unit: vs.UnitCount, Polarity: vs.Neutral, Frequency: vs.Monthly}
	mar, apr := vs.Month(2025, time.March), vs.Month(2025, time.April)
	tests := []struct {
		name string
		ind  *vs.Indicator
		p    vs.Period
		v    float64
		want assess.State
	}{
		{"on target exactly", visits, apr, 0.9, assess.Green},
		{"above target", visits, apr, 0.95, assess.Green},
		{"just below target", visits, apr, 0.899, assess.Amber},
		{"on red boundary is amber", visits, apr, 0.8, assess.Amber},
		{"below red boundary", visits, apr, 0.79, assess.Red},
		{"lower is better, old target", caseload, mar, 17, assess.Green},
		{"lower is better, new target applies from April", caseload, apr, 17, assess.Amber},
		{"lower is better, red under new target", caseload, apr, 20.5, assess.Red},
		{"lower is better, amber under old target", caseload, mar, 20.5, assess.Amber},
		{"neutral is never rated", neutral, apr, 1000, assess.Unrated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assess.Rate(tt.ind, vs.AuthorityTeam, tt.p, tt.v); got != tt.want {
				t.Errorf("Rate(%s, %s, %v) = %s, want %s", tt.ind.ID, tt.p, tt.v, got, tt.want)
			}
		})
	}
}

func TestBuildStates(t *testing.T) {
	cat := &vs.Catalogue{
		Teams: []vs.Team{{ID: "north", Name: "North"}, {ID: "south", Name: "South"}},
		Indicators: []vs.Indicator{{ID: "visits", Name: "Visits", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter,
			Frequency: vs.Monthly, MinDenominator: 5,
			Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}},
	}
	num := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	o := func(team string, m time.Month, v float64, st vs.Status) vs.Observation {
		x := vs.Observation{Key: vs.Key{Indicator: "visits", Team: team, Period: vs.Month(2026, m)}, Status: st}
		if st == vs.StatusActual {
			x.Value = num(v)
		}
		return x
	}
	small := o("north", time.October, 0.75, vs.StatusActual)
	small.Numerator, small.Denominator = num(3), num(4)
	latest := []vs.Observation{
		o("authority", time.September, 0.91, vs.StatusActual),
		o("authority", time.October, 0.85, vs.StatusActual),
		small,
		o("south", time.September, 0.95, vs.StatusActual),
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := assess.Build(cat, latest, vs.IngestStats{}, now)
	if len(s.Items) != 3 {
		t.Fatalf("got %d items, want 3 (authority + 2 teams)", len(s.Items))
	}
	auth, _ := s.Item("visits", "authority")
	if auth.State != assess.Amber || auth.Latest.Period.String() != "2026-10" || !auth.HasPrevious || auth.Previous.Value.Float64 != 0.91 {
		t.Errorf("authority: got state %s latest %s previous %v", auth.State, auth.Latest.Period, auth.Previous.Value)
	}
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, vs.London()); !auth.PeriodEnd.Equal(want) {
		t.Errorf("period end %v, want %v", auth.PeriodEnd, want)
	}
	north, _ := s.Item("visits", "north")
	if north.State != assess.Red || !north.BelowMinDenominator {
		t.Errorf("north: got %s below-min=%v, want red flagged below the minimum denominator", north.State, north.BelowMinDenominator)
	}
	// September's figure: October's are due when October ends (1 November)
	// plus 30 days' grace, i.e. 1 December; so on 23 November it is not yet
	// late, but a week into December it is.
	south, _ := s.Item("visits", "south")
	if south.State != assess.Green {
		t.Errorf("south on 23 Nov: got %s, want green", south.State)
	}
	later := assess.Build(cat, latest, vs.IngestStats{}, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))
	if south, _ := later.Item("visits", "south"); south.State != assess.Stale || south.Verdict != assess.Green {
		t.Errorf("south on 7 Dec: got state %s verdict %s, want stale with verdict green", south.State, south.Verdict)
	}

	// Suppressed and missing are their own states, never green.
	sup := assess.Build(cat, []vs.Observation{o("north", time.October, 0, vs.StatusSuppressed), o("south", time.October, 0, vs.StatusMissing)}, vs.IngestStats{}, now)
	if it, _ := sup.Item("visits", "north"); it.State != assess.Suppressed {
		t.Errorf("suppressed: got %s", it.State)
	}
	if it, _ := sup.Item("visits", "south"); it.State != assess.NoData {
		t.Errorf("missing: got %s", it.State)
	}
	if it, _ := sup.Item("visits", "authority"); it.State != assess.NoData || it.Has {
		t.Errorf("never reported: got %s has=%v", it.State, it.Has)
	}
}
