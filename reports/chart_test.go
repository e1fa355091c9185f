package reports

import (
	"database/sql"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// The team breakdown is a category chart: one bar per team, named, with the
// value as the report writes it.
func TestTeamOptions(t *testing.T) {
	target := 0.9
	ind := &vs.Indicator{ID: "v", Name: "Visits", Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter}
	item := func(team string, v float64, st assess.State) assess.Item {
		return assess.Item{Indicator: ind, Team: vs.Team{ID: team, Name: team + " team"}, Has: true, Verdict: st, State: st,
			Latest: vs.Observation{Key: vs.Key{Period: vs.Month(2026, time.October)}, Value: sql.NullFloat64{Float64: v, Valid: true}, Status: vs.StatusActual}}
	}
	r := Row{Item: assess.Item{Indicator: ind, Threshold: vs.Threshold{Target: &target}},
		Teams: []assess.Item{item("north", 0.95238095, assess.Green), item("south", 0.8421, assess.Red)}}
	o, err := teamOptions(r)
	if err != nil {
		t.Fatal(err)
	}
	x := o["xAxis"].([]any)[0].(map[string]any)
	data, _ := x["data"].([]any)
	if len(data) != 2 || data[0] != "north team" || data[1] != "south team" {
		t.Errorf("x axis %v, want the team names", x)
	}
	bars := o["series"].([]any)[0].(map[string]any)["data"].([]any)
	if v := bars[0].(map[string]any)["value"]; v != 95.2 {
		t.Errorf("north's bar %v, want 95.2", v)
	}
	if c := bars[1].(map[string]any)["itemStyle"].(map[string]any)["color"]; c != colourRed {
		t.Errorf("south's bar colour %v, want red", c)
	}
}
