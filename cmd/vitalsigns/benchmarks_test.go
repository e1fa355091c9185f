package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func dfeDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "dfe")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("VITALSIGNS_REQUIRE_TOOLS") == "1" {
			t.Fatalf("DfE data: %v", err)
		}
		t.Skipf("DfE data not available: %v", err)
	}
	return dir
}

// restate writes a copy of DfE's workforce file as next year's release
// restating 2025: England's agency rate 14% instead of 13%.
func restate(t *testing.T, src, dst string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	n := 0
	for _, r := range recs[1:] {
		if r[col["time_period"]] == "2025" && r[col["geographic_level"]] == "National" {
			r[col["agency_rate_fte"]] = "14"
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d National rows for 2025, want 1", n)
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBenchmarksImport imports every file of DfE's release in one run,
// shows the figures in force as DfE published them, refuses a file that is
// not DfE's naming time_period, re-imports as a no-op, and takes a release
// that restates a year as revisions that a running serve picks up.
func TestBenchmarksImport(t *testing.T) {
	dfe := dfeDir(t)
	data, dir := t.TempDir(), t.TempDir()
	cfg := writeFile(t, dir, "config.yaml", "authority:\n  name: Test Council\n  la_code: \"380\"\n")
	files, err := filepath.Glob(filepath.Join(dfe, "*.csv"))
	if err != nil || len(files) < 9 {
		t.Fatalf("DfE files: %v %v", files, err)
	}
	args := append([]string{"benchmarks", "import", "--data-dir", data, "--config", cfg}, files...)
	out, stderr, code := vitalsigns(t, args...)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "warning: b1_children_in_need_2013_to_2025.csv holds no measure the catalogue maps") {
		t.Errorf("import: no warning about b1:\n%s", stderr)
	}
	if !regexp.MustCompile(`csww_indicators_2017_to_2025\.csv: [a-z_, ]*agency_rate[a-z_, ]*: \d+ new figures, 0 revised`).MatchString(out) ||
		!strings.Contains(out, "sn_model_2025_wide.csv: statistical-neighbour grouping, 2025 model") {
		t.Errorf("import report:\n%s", out)
	}

	show := func() string {
		t.Helper()
		out, stderr, code := vitalsigns(t, "benchmarks", "show", "--indicator", "agency_rate", "--data-dir", data, "--config", cfg)
		if code != 0 {
			t.Fatalf("show: exit %d\n%s\n%s", code, out, stderr)
		}
		return out
	}
	got := show()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`england\s+13%\s+2025\s+at 30 September 2025\s+csww_indicators_2017_to_2025\.csv: agency_rate_fte \(imported `),
		regexp.MustCompile(`region\s+7\.9%\s+2025\s`),
		regexp.MustCompile(`statistical_neighbours\s+9\.5%\s+2025\s`),
		regexp.MustCompile(`Bradford: 22\.2% in 2025, rank \d+ of \d+, band [A-D]; statistical neighbours \(2025 model\): mean of 10 of 10`),
	} {
		if !want.MatchString(got) {
			t.Errorf("show lacks %s:\n%s", want, got)
		}
	}

	// The same file again is a no-op.
	out, _, code = vitalsigns(t, "benchmarks", "import", "--data-dir", data, "--config", cfg, filepath.Join(dfe, "csww_indicators_2017_to_2025.csv"))
	if code != 0 || !strings.Contains(out, "already imported") {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}
	// A file that is not DfE's is refused, naming the columns it lacks.
	notDfE := writeFile(t, dir, "scorecard.csv", "Period,Indicator,Value\n2026-10,agency_rate,25%\n")
	_, stderr, code = vitalsigns(t, "benchmarks", "import", "--data-dir", data, notDfE)
	if code == 0 || !strings.Contains(stderr, "time_period") {
		t.Errorf("non-DfE file: exit %d, want a refusal naming time_period:\n%s", code, stderr)
	}

	// serve draws the imported figures, and picks up a restating release.
	s := startServe(t, "--data-dir", data, "--config", cfg, "--store.poll-interval", "100ms")
	_, fams := scrape(t, s.url)
	england := map[string]string{"indicator": "agency_rate", "source": "england"}
	if v, _ := sample(fams, "vitalsigns_indicator_benchmark", england); v != 0.13 {
		t.Errorf("serve: England's agency rate %v, want 0.13", v)
	}
	restated := filepath.Join(dir, "csww_indicators_2018_to_2026.csv")
	restate(t, filepath.Join(dfe, "csww_indicators_2017_to_2025.csv"), restated)
	out, stderr, code = vitalsigns(t, "benchmarks", "import", "--data-dir", data, "--config", cfg, restated)
	if code != 0 || !strings.Contains(out, "0 new figures, 1 revised") {
		t.Errorf("restating import: exit %d, want 1 revised\n%s\n%s", code, out, stderr)
	}
	waitFor(t, "serve to draw the restated figure", 15*time.Second, func() bool {
		_, fams := scrape(t, s.url)
		v, _ := sample(fams, "vitalsigns_indicator_benchmark", england)
		return math.Abs(v-0.14) < 1e-12
	})
	if got := show(); !regexp.MustCompile(`england\s+14%\s+2025\s+at 30 September 2025\s+csww_indicators_2018_to_2026\.csv`).MatchString(got) {
		t.Errorf("show after the restating release:\n%s", got)
	}
}
