package collector

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// seeds adds the testdata files matching pattern to the corpus.
func seeds(f *testing.F, pattern string) {
	names, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkLocated fails on a problem that names no file, and on observations
// returned beside problems.
func checkLocated(t *testing.T, res *Result) {
	for _, p := range res.Problems {
		if p.File == "" || p.Reason == "" {
			t.Errorf("unlocated problem %+v", p)
		}
	}
	if len(res.Problems) > 0 && len(res.Observations()) > 0 {
		t.Errorf("got %d observations beside %d problems", len(res.Observations()), len(res.Problems))
	}
}

func FuzzReadCSV(f *testing.F) {
	seeds(f, "*.csv")
	cat := testCatalogue()
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, zipMagic) {
			return
		}
		res, err := Read(context.Background(), "f.csv", bytes.NewReader(b), int64(len(b)), cat, Options{})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		checkLocated(t, res)
	})
}

func FuzzReadXLSX(f *testing.F) {
	seeds(f, "*.xlsx")
	cat := testCatalogue()
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		res, err := Read(context.Background(), "f.xlsx", bytes.NewReader(b), int64(len(b)), cat, Options{})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		checkLocated(t, res)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"12", "1,234", "87.5%", "-", "n/a", "..", "c", "<5", "£1,200.50", "#DIV/0!", "1e3", "0.87500000000000011"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseValue(s)
		if err == nil && v.kind != valueNumber && v.num != 0 {
			t.Errorf("parseValue(%q) = %+v: a marker with a number", s, v)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2025-09", "2025-09-30", "30/09/2025", "01/04/2024", "Sep-25", "Sept 2025",
		"September 2025", "2025-26 Q1", "2024-25", "45930", "1/4/24", "Q2 2025-26", "2025-09-30T00:00:00"} {
		f.Add(s, true)
	}
	freqs := []string{"weekly", "biweekly", "monthly", "quarterly", "annual"}
	f.Fuzz(func(t *testing.T, s string, serials bool) {
		l, err := parseLabel(s, serials, false)
		if err != nil {
			return
		}
		for _, fr := range freqs {
			p, err := l.resolve(frequency(fr), s)
			if err == nil && p.IsZero() {
				t.Errorf("period %q (%s) resolved to the zero period", s, fr)
			}
		}
	})
}

func frequency(s string) vs.Frequency { return vs.Frequency(s) }
