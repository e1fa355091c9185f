package benchmark

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

func readAll(t testing.TB) []*File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dfeDir(t), "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*File
	for _, p := range paths {
		files = append(files, readFile(t, p))
	}
	return files
}

func withAuthority(t testing.TB, code, model string) *vs.Catalogue {
	t.Helper()
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat.Authority.LACode, cat.Authority.StatisticalNeighbours = code, model
	return cat
}

// TestApplyBuiltInCatalogue draws every built-in mapping from DfE's files:
// each picks the rows of exactly one file, and a fresh install configured
// only with la_code gets England, region and neighbours for all 13.
func TestApplyBuiltInCatalogue(t *testing.T) {
	set := NewSet(readAll(t))
	for _, code := range []string{"380", "E08000032"} {
		cat, warnings, err := set.Apply(withAuthority(t, code, ""))
		if err != nil || len(warnings) > 0 {
			t.Fatalf("Apply(%s): %v %v", code, err, warnings)
		}
		mapped := 0
		for _, ind := range cat.Indicators {
			if ind.DfE == nil {
				if ind.Standing != nil || len(ind.Benchmarks) > 0 {
					t.Errorf("%s: unmapped but has benchmarks", ind.ID)
				}
				continue
			}
			mapped++
			if len(ind.Benchmarks) != 3 || ind.Standing == nil || ind.Standing.Rank == 0 || ind.Standing.Band == "" || ind.Standing.Year != "2025" {
				t.Errorf("%s: benchmarks %+v standing %+v", ind.ID, ind.Benchmarks, ind.Standing)
			}
		}
		if mapped != 13 {
			t.Errorf("mapped %d, want 13", mapped)
		}
		agency, _ := cat.Indicator("agency_rate")
		want := map[vs.BenchmarkSource]float64{vs.BenchmarkEngland: 0.13, vs.BenchmarkRegion: 0.079, vs.BenchmarkStatisticalNeighbours: 0.0947}
		for s, v := range want {
			b, ok := agency.Benchmark(s)
			if !ok || math.Abs(b.Value-v) > 1e-12 || b.Year != "2025" || b.Reference != "at 30 September 2025" || !strings.HasPrefix(b.Dataset, "csww_indicators_2017_to_2025.csv: agency_rate_fte") {
				t.Errorf("agency %s = %+v, want %v", s, b, v)
			}
		}
		st := agency.Standing
		if st.Value != 0.222 || !st.HasValue || st.NeighboursUsed != 10 || len(st.Neighbours) != 10 || st.Neighbours[0].Name != "Blackburn with Darwen" || st.Authority != "Bradford" {
			t.Errorf("agency standing = %+v", st)
		}
		if cla, _ := cat.Indicator("cla_rate_per_10k"); cla.Benchmarks[0].Value != 67 || cla.Benchmarks[0].Reference != "at 31 March 2025" {
			t.Errorf("looked-after rate = %+v", cla.Benchmarks)
		}
	}
}

func TestResolve(t *testing.T) {
	set := NewSet(readAll(t))
	for in, want := range map[string]string{"380": "380", "E08000032": "380", "E08000038": "370", "E08000016": "370", "E08000039": "373", "E08000019": "373", "e08000032": "380"} {
		if got, err := set.Resolve(in); got != want || err != nil {
			t.Errorf("Resolve(%s) = %s, %v, want %s", in, got, err, want)
		}
	}
	_, err := set.Resolve("Bradford")
	if err == nil || !strings.Contains(err.Error(), "did you mean Bradford (380)?") {
		t.Errorf("Resolve(Bradford) = %v", err)
	}
	if _, err := set.Resolve("999"); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("Resolve(999) = %v", err)
	}
}

func TestApplyAuthorityErrors(t *testing.T) {
	set := NewSet(readAll(t))
	for _, tc := range []struct{ code, model, want string }{
		{"999", "", "not in DfE's files"},
		{"942", "2021", `942 has no group in DfE's 2021 statistical-neighbour model: set statistical_neighbours: "2025"`},
	} {
		_, _, err := set.Apply(withAuthority(t, tc.code, tc.model))
		if !errors.Is(err, ErrAuthority) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Apply(%s, %q) = %v, want %q", tc.code, tc.model, err, tc.want)
		}
	}
	// Kingston takes the combined row as its own figure and its rank.
	cat, _, err := set.Apply(withAuthority(t, "314", ""))
	if err != nil {
		t.Fatal(err)
	}
	ag, _ := cat.Indicator("agency_rate")
	if ag.Standing.Combined == "" || ag.Standing.Value != 0.149 || ag.Standing.Rank == 0 {
		t.Errorf("Kingston = %+v", ag.Standing)
	}
	if b, _ := ag.Benchmark(vs.BenchmarkRegion); b.Value != 0 && !strings.Contains(b.Dataset, "csww") {
		t.Errorf("Kingston's region %+v", b)
	}
}

// TestLayers: a later layer restating a year overrides the earlier one, and
// a configured benchmark still wins.
func TestLayers(t *testing.T) {
	base := NewSet(readAll(t))
	restated := "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,agency_rate_fte\n" +
		"2025,Reporting year,National,E92000001,England,,,,,,13.4\n"
	f, err := Read("csww_revised.csv", strings.NewReader(restated))
	if err != nil {
		t.Fatal(err)
	}
	set := NewSet(base.layers[0], []*File{f})
	cat := withAuthority(t, "380", "")
	out, _, err := set.Apply(cat)
	if err != nil {
		t.Fatal(err)
	}
	ag, _ := out.Indicator("agency_rate")
	if b, _ := ag.Benchmark(vs.BenchmarkEngland); b.Value != 0.134 || !strings.HasPrefix(b.Dataset, "csww_revised.csv") {
		t.Errorf("restated England = %+v", b)
	}
	if b, _ := ag.Benchmark(vs.BenchmarkRegion); b.Value != 0.079 {
		t.Errorf("region kept from the first layer = %+v", b)
	}
	mine, _ := cat.Indicator("agency_rate")
	mine.Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.5, Reference: "mine", Publication: "mine"}}
	out, _, _ = set.Apply(cat)
	ag, _ = out.Indicator("agency_rate")
	if b, _ := ag.Benchmark(vs.BenchmarkEngland); b.Value != 0.5 || len(ag.Benchmarks) != 3 {
		t.Errorf("configured England = %+v of %d", b, len(ag.Benchmarks))
	}
}

// TestEmbeddedMatchesFiles: the data built into the binary draws the same
// benchmarks and standings as DfE's full files, for authorities on either
// model, one in a combined row and one given by its E-code.
func TestEmbeddedMatchesFiles(t *testing.T) {
	emb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	full, small := NewSet(readAll(t)), NewSet(emb)
	for _, a := range []struct{ code, model string }{{"380", ""}, {"202", "2021"}, {"318", ""}, {"E08000039", "2025"}, {"", ""}} {
		want, w1, err1 := full.Apply(withAuthority(t, a.code, a.model))
		got, w2, err2 := small.Apply(withAuthority(t, a.code, a.model))
		if err1 != nil || err2 != nil || len(w1)+len(w2) > 0 {
			t.Fatalf("%s: %v %v %v %v", a.code, err1, err2, w1, w2)
		}
		if diff := cmp.Diff(want.Indicators, got.Indicators); diff != "" {
			t.Errorf("%s: embedded differs from the files (-files +embedded):\n%s", a.code, diff)
		}
	}
}
