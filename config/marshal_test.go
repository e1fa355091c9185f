package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// TestMarshalRoundTrip checks that what `config show` prints reads back as
// the catalogue it was printed from.
func TestMarshalRoundTrip(t *testing.T) {
	goods, err := filepath.Glob(filepath.Join("testdata", "*.good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range append([]string{""}, goods...) {
		name := path
		if name == "" {
			name = "built-in"
		}
		t.Run(name, func(t *testing.T) {
			want, err := config.Load(path)
			if err != nil {
				t.Fatalf("Load(%q) error: %v", path, err)
			}
			out, err := config.Marshal(want)
			if err != nil {
				t.Fatalf("Marshal error: %v", err)
			}
			got, err := config.Parse("shown.yaml", out)
			if err != nil {
				t.Fatalf("Parse(Marshal(…)) error: %v\n%s", err, out)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(Marshal(c)) differs from c (-want +got):\n%s", diff)
			}
			// The output is stable: a second round prints the same file.
			again, err := config.Marshal(got)
			if err != nil {
				t.Fatalf("Marshal error: %v", err)
			}
			if diff := cmp.Diff(string(out), string(again)); diff != "" {
				t.Errorf("second Marshal differs (-first +second):\n%s", diff)
			}
		})
	}
}

// TestMarshalBuilt checks round trips of catalogues built in code, with
// values that do not come from any file.
func TestMarshalBuilt(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tenth, fiftieth := 0.1, 0.02 // variables, so that their sum is computed in float64
	def := mustDefault(t)
	withFrom := append([]vs.Indicator(nil), def.Indicators...)
	for i := range withFrom {
		switch withFrom[i].ID {
		case "agency_rate":
			withFrom[i].Thresholds = []vs.Threshold{
				{Amber: f(0.2), Red: f(0.25)},
				{From: vs.Date{Year: 2025, Month: 4, Day: 1}, Target: f(0.1), Amber: f(0.12), Red: f(0.15)},
				// Values that no percentage with a few decimals gives back exactly.
				{From: vs.Date{Year: 2026, Month: 4, Day: 1}, Amber: f(tenth + fiftieth), Red: f(1.0 / 7)},
			}
		case "caseload_avg":
			withFrom[i].Thresholds = []vs.Threshold{
				{From: vs.Date{Year: 2025, Month: 9, Day: 1}, Target: f(16), Amber: f(16), Red: f(16 + 1.0/3)},
			}
		}
	}
	tests := []struct {
		name string
		cat  *vs.Catalogue
	}{
		{"teams and from-months", &vs.Catalogue{
			Authority: vs.Authority{Name: "Anytown", LACode: "380", StatisticalNeighbours: "2025"},
			Teams: []vs.Team{
				{ID: "social_care", Name: "Children's Social Care"},
				{ID: "north", Name: "North", Parent: "social_care"},
			},
			Indicators: withFrom,
			Committees: def.Committees,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := config.Marshal(tt.cat)
			if err != nil {
				t.Fatalf("Marshal error: %v", err)
			}
			got, err := config.Parse("shown.yaml", out)
			if err != nil {
				t.Fatalf("Parse(Marshal(…)) error: %v\n%s", err, out)
			}
			if diff := cmp.Diff(tt.cat, got); diff != "" {
				t.Errorf("Parse(Marshal(c)) differs from c (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarshalReadable checks that percentages are shown as people write them.
func TestMarshalReadable(t *testing.T) {
	cat := mustDefault(t)
	// A user's --config may still type benchmarks in.
	for i, v := range map[string]float64{"rereferrals_12m": 0.226, "caseload_avg": 15.2, "cla_rate_per_10k": 67} {
		for j := range cat.Indicators {
			if cat.Indicators[j].ID == i {
				cat.Indicators[j].Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: v, Reference: "year to 31 March 2025"}}
			}
		}
	}
	out, err := config.Marshal(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`value: 22.6%`, `amber: 15%`, `red: 80%`, `value: 15.2`, `value: 67`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Marshal(Default()) lacks %q", want)
		}
	}
}
