package collector

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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

// layoutCSVSeeds cover the export column names, the year row and the
// transposed layout.
var layoutCSVSeeds = []string{
	exportCSV,
	"Month ending,Measure name,Service area,Numerator,Denominator\n30/09/2025,cla_visits_in_timescale,north,35,40\n",
	"Tracker 2023/24,,\n2024/25,,\nIndicator,Apr,May\nreferrals,1,2\n\n2025/26,,\nIndicator,Apr,May\nreferrals,3,\n",
	"Financial year,2025-26,,,\nKPI,Q1,Qtr 2,Quarter 3,Q4\ncare_leavers_eet,0.5,0.52,,0.55\n",
	"Month,Team,Referrals,agency_rate,CIC visits in timescale\nApr-25,north,310,25,0.875\nMay 2025,,295,c,0.9\n",
}

func FuzzReadCSV(f *testing.F) {
	seeds(f, "*.csv")
	for _, s := range layoutCSVSeeds {
		f.Add([]byte(s))
	}
	cat := teamCatalogue()
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
	for _, build := range []func(*excelize.File) error{buildExport, buildTeamSheets, buildYearRow, buildTransposed} {
		f.Add(buildBook(f, build))
	}
	cat := teamCatalogue()
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

// FuzzYearHeadings covers the year and bare month headings of a year-row
// scorecard: no panic, and a year read is one that can head months.
func FuzzYearHeadings(f *testing.F) {
	for _, s := range []string{"2025/26", "FY 2025-26", "FY25/26", "Year 2025", "Calendar year 2025", "Performance tracker 2025/26",
		"Apr", "Sept.", "Q1", "Qtr 2", "Quarter 4", "2025 / 2026", "year: 2099"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, read := range []func(string) (yearCell, bool){parseYear, yearInText} {
			y, ok := read(s)
			if !ok {
				continue
			}
			if (y.fy == 0) == (y.cal == 0) {
				t.Fatalf("%q read as %+v: want one of a financial or a calendar year", s, y)
			}
			if _, ok := y.label(bareLabel{month: 4}); !ok {
				t.Errorf("%q (%+v) cannot head April", s, y)
			}
		}
		_, _ = parseBare(s)
	})
}
