package assess_test

import (
	"slices"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
)

// The demo's falling visits to children in care (demo scenario
// cic_visits_decline: steady and green, then eight months of decline, the
// latest amber) must be caught before it turns red: a special-cause concern
// (a falling trend) now, and a forecast that shows the month it breaches.
func TestDemoVisitsDeclineCaughtBeforeRed(t *testing.T) {
	base, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := demo.Catalogue(base)
	now := time.Date(2026, time.November, 23, 10, 0, 0, 0, time.UTC)
	for _, seed := range []uint64{1, 2, 3, 7, 42} {
		// Only the visits figures: forecasting the whole demo takes seconds.
		figs := slices.DeleteFunc(demo.Generate(cat, now, seed), func(o vs.Observation) bool { return o.Indicator != "cla_visits_in_timescale" })
		s := assess.Build(cat, figs, vs.IngestStats{}, now)
		it, ok := s.Item("cla_visits_in_timescale", vs.AuthorityTeam)
		if !ok || !it.Has {
			t.Fatalf("seed %d: no visits item", seed)
		}
		if it.Verdict != assess.Amber {
			t.Errorf("seed %d: verdict %s, want amber (heading for red, not yet red)", seed, it.Verdict)
		}
		last, _ := it.Control.Chart.Last()
		if last.Type != spc.TypeConcern || !last.Rules.Has(spc.RuleTrend) || last.High {
			t.Errorf("seed %d: latest SPC point %s by %s (high=%v), want a concerning falling trend", seed, last.Type, last.Rules, last.High)
		}
		if it.Significance != assess.Significant || it.SincePrevious.Judgement != assess.Worsening {
			t.Errorf("seed %d: %s, %s; want a significant worsening", seed, it.Significance, it.SincePrevious.Judgement)
		}
		if it.Control.Chart.Variation != spc.VariationConcerningLow {
			t.Errorf("seed %d: variation icon %s", seed, it.Control.Chart.Variation)
		}
		o := it.Outlook
		if o == nil || o.Red.Period.IsZero() {
			t.Fatalf("seed %d: no red breach forecast (outlook %+v)", seed, o)
		}
		if !it.Latest.Period.Before(o.Red.Period) || o.Red.Prob <= 0.5 {
			t.Errorf("seed %d: red breach in %s with p=%.2f, after the latest %s", seed, o.Red.Period, o.Red.Prob, it.Latest.Period)
		}
		if o.Shown != 3 || len(o.Periods) != 6 || o.Periods[0] != it.Latest.Period.Next() {
			t.Errorf("seed %d: forecast periods %v (%d shown), want six months after %s, three shown", seed, o.Periods, o.Shown, it.Latest.Period)
		}
	}
}
