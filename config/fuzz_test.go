package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// FuzzParse checks that Parse never panics, and that what it refuses it
// refuses as located problems. Run with:
//
//	go test ./config -run '^$' -fuzz FuzzParse -fuzztime 1m -fuzzminimizetime 10s
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("indicators:\n  - &x {id: agency_rate}\n  - *x\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<10 {
			t.Skip("keep each run quick: every one parses the built-in catalogue too")
		}
		cat, err := config.Parse("fuzz.yaml", data)
		if err != nil {
			var ps vs.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse error %v (%T), want vitalsigns.Problems", err, err)
			}
			for _, p := range ps {
				if p.File != "fuzz.yaml" || p.Reason == "" {
					t.Errorf("problem %+v: want it in fuzz.yaml with a reason", p)
				}
			}
			return
		}
		if cat == nil {
			t.Fatal("Parse returned neither a catalogue nor an error")
		}
		// Whatever it accepts, config show prints and reads back.
		out, err := config.Marshal(cat)
		if err != nil {
			t.Fatalf("Marshal error: %v", err)
		}
		if _, err := config.Parse("shown.yaml", out); err != nil {
			t.Fatalf("Parse(Marshal(Parse(data))) error: %v\ninput:\n%s\nshown:\n%s", err, data, out)
		}
	})
}
