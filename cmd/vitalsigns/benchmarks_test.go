package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchmarksFromLACodeOnly: a configuration with nothing but the
// authority's E-code serves England, region and statistical-neighbour
// benchmarks from the DfE data built into the binary, and config show
// prints none of them.
func TestBenchmarksFromLACodeOnly(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "bradford.yaml", "authority:\n  la_code: E08000032\n")
	s := startServe(t, "--config", cfg, "--data-dir", filepath.Join(dir, "data"))
	_, fams := scrape(t, s.url)
	for source, want := range map[string]float64{"england": 0.13, "region": 0.079, "statistical_neighbours": 0.0947} {
		got, ok := sample(fams, "vitalsigns_indicator_benchmark", map[string]string{"indicator": "agency_rate", "source": source})
		if !ok || math.Abs(got-want) > 1e-9 {
			t.Errorf("agency_rate %s = %v (%v), want %v", source, got, ok, want)
		}
	}
	out, stderr, code := vitalsigns(t, "--config", cfg, "config", "show")
	if code != 0 || !strings.Contains(out, "la_code: E08000032") {
		t.Errorf("config show: exit %d, %s\n%s", code, stderr, out)
	}
	if strings.Contains(out, "source: region") || strings.Contains(out, "source: statistical_neighbours") {
		t.Errorf("config show prints drawn benchmarks:\n%s", out)
	}

	bad := writeFile(t, dir, "bad.yaml", "authority:\n  la_code: \"942\"\n  statistical_neighbours: \"2021\"\n")
	_, stderr, code = vitalsigns(t, "--config", bad, "indicators")
	if code != 1 || !strings.Contains(stderr, `set statistical_neighbours: "2025"`) {
		t.Errorf("942 on the 2021 model: exit %d, %s", code, stderr)
	}
}
