package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestParseYear(t *testing.T) {
	for in, want := range map[string]yearCell{
		"2025/26": {fy: 2025}, "2025-26": {fy: 2025}, "2025/2026": {fy: 2025}, "FY 2025/26": {fy: 2025},
		"FY25/26": {fy: 2025}, "fy: 2025-26": {fy: 2025}, "Financial year 2025-26": {fy: 2025},
		"Year 2025": {cal: 2025}, "Calendar year 2025": {cal: 2025}, "year: 2026": {cal: 2026},
	} {
		got, ok := parseYear(in)
		if !ok || got.fy != want.fy || got.cal != want.cal {
			t.Errorf("parseYear(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "2025", "25/26", "2025/27", "Year 25", "FY 2025", "Calendar year 2025/26", "Apr-25", "2025-09"} {
		if got, ok := parseYear(in); ok {
			t.Errorf("parseYear(%q) = %+v, want not a year", in, got)
		}
	}
	for in, want := range map[string]int{
		"Performance tracker 2025/26": 2025, "Scorecard – FY 2024-25 (provisional)": 2024, "Vital Signs, year 2026": 0,
	} {
		got, ok := yearInText(in)
		if !ok || got.fy != want && got.cal != 2026 {
			t.Errorf("yearInText(%q) = %+v, %v; want financial year %d", in, got, ok, want)
		}
	}
}

// TestYearRow reads scorecards headed by bare months or quarters under a
// year heading.
func TestYearRow(t *testing.T) {
	fig := func(ind string, p vs.Period, v float64) vs.Observation {
		return obs(ind, "authority", p, num(v), vs.StatusActual)
	}
	q := func(y, n int) vs.Period { return vs.Quarter(y, n) }
	tests := []struct {
		name string
		csv  string
		want []vs.Observation
	}{
		{"a financial year across the months",
			"Children's services tracker,,,,\n,2025/26,,,\nIndicator,Apr,May,Jan,Mar\nReferrals,1,2,3,4\n",
			[]vs.Observation{fig("referrals", mon(2025, 4), 1), fig("referrals", mon(2025, 5), 2),
				fig("referrals", mon(2026, 1), 3), fig("referrals", mon(2026, 3), 4)}},
		{"two years side by side",
			",FY 2024/25,,FY 2025/26,\nMeasure,Feb,Mar,Apr,May\nreferrals,1,2,3,4\n",
			[]vs.Observation{fig("referrals", mon(2025, 2), 1), fig("referrals", mon(2025, 3), 2),
				fig("referrals", mon(2025, 4), 3), fig("referrals", mon(2025, 5), 4)}},
		{"a calendar year",
			"Year 2025,,\nIndicator,January,Sept\nreferrals,5,6\n",
			[]vs.Observation{fig("referrals", mon(2025, 1), 5), fig("referrals", mon(2025, 9), 6)}},
		{"quarters",
			"Financial year,2025-26,,,\nKPI,Q1,Qtr 2,Quarter 3,Q4\nCare leavers in education employment or training,0.5,0.52,,0.55\n",
			[]vs.Observation{fig("care_leavers_eet", q(2025, 1), 0.5), fig("care_leavers_eet", q(2025, 2), 0.52),
				fig("care_leavers_eet", q(2025, 4), 0.55)}},
		{"the year in the title",
			"Performance tracker 2025-26 (provisional),,\nIndicator,Apr,May\nreferrals,7,8\n",
			[]vs.Observation{fig("referrals", mon(2025, 4), 7), fig("referrals", mon(2025, 5), 8)}},
		{"years stacked down the sheet",
			"Tracker 2023/24,,\n2024/25,,\nIndicator,Apr,May\nreferrals,1,2\n\n2025/26,,\nIndicator,Apr,May\nreferrals,3,\nNotes,,\n",
			[]vs.Observation{fig("referrals", mon(2024, 4), 1), fig("referrals", mon(2024, 5), 2), fig("referrals", mon(2025, 4), 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if got.Layout != "wide (year row above months)" {
				t.Errorf("layout %q", got.Layout)
			}
			if diff := cmp.Diff(tt.want, got.Observations()); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestYearRowProblems(t *testing.T) {
	tests := []struct {
		name, csv string
		probs     []string
	}{
		{"no year anywhere", "Tracker,,\nIndicator,Apr,May\nreferrals,1,2\n", []string{
			`x.csv:2:11: the month heading "Apr" has no year, nor has the other such heading of this row: their columns are not read (put the year (such as 2025/26 or Year 2025) in a row above the months, or head each column with its year, such as Apr-25)`,
		}},
		{"quarters under a calendar year", "Year 2025,,\nIndicator,Q1,Q2\ncare_leavers_eet,1,2\n", []string{
			`x.csv:2:11: the quarter heading "Q1" has no year, nor has the other such heading of this row: their columns are not read (put the financial year (such as 2025/26) in a row above the quarters, or head each column with its year, such as 2025/26 Q1)`,
		}},
		{"a second block with no year of its own", "2025/26,,\nIndicator,Apr,May\nreferrals,1,2\nIndicator,Apr,May\nreferrals,3,4\n", []string{
			`x.csv:4:11: the month heading "Apr" has no year, nor has the other such heading of this row: their columns are not read (put the year (such as 2025/26 or Year 2025) in a row above the months, or head each column with its year, such as Apr-25)`,
		}},
		{"a second block under the title's year", "Tracker 2025/26,,\nIndicator,Apr,May\nreferrals,1,2\nIndicator,Apr,May\nreferrals,3,4\n", []string{
			`x.csv:5:11: a second figure for indicator referrals, team authority, period 2025-04: the first is at line 3, column 11 (keep one of the two)`,
			`x.csv:5:13: a second figure for indicator referrals, team authority, period 2025-05: the first is at line 3, column 13 (keep one of the two)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if diff := cmp.Diff(tt.probs, problemLines(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// buildYearRow is a financial-year tracker as a performance team keeps
// one: a title, each year merged across its months, two years stacked,
// percent-formatted figures, a RAG-less note under each block.
func buildYearRow(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Tracker"); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: "Tracker"}
	s.row(1, "Children's services performance tracker")
	s.row(2, nil, "2024/25")
	s.row(3, "Indicator", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
	s.row(4, "Referrals", 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112)
	s.row(5, "CIC visits in timescale", 0.875, 0.9, 0.8125)
	for _, c := range []string{"B5", "C5", "D5"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtPercent})
	}
	s.row(6, "Source: case management system.")
	s.row(8, nil, "FY 2025-26")
	s.row(9, "Indicator", "Apr", "May")
	s.row(10, "Referrals", 120, 121)
	if s.err == nil {
		s.err = f.MergeCell("Tracker", "B2", "M2")
	}
	if s.err == nil {
		s.err = f.MergeCell("Tracker", "B8", "M8")
	}
	return s.err
}

func yearRowWant() []vs.Observation {
	var want []vs.Observation
	for i := range 12 {
		p := vs.Month(2024+(i+3)/12, time.Month((i+3)%12+1))
		want = append(want, obs("referrals", "authority", p, num(float64(101+i)), vs.StatusActual))
	}
	for i, v := range []float64{0.875, 0.9, 0.8125} {
		want = append(want, obs("cla_visits_in_timescale", "authority", mon(2024, time.Month(4+i)), num(v), vs.StatusActual))
	}
	return append(want, obs("referrals", "authority", mon(2025, 4), num(120), vs.StatusActual),
		obs("referrals", "authority", mon(2025, 5), num(121), vs.StatusActual))
}

// A tracker with merged year rows, saved by a spreadsheet application.
func TestYearRowLibreOffice(t *testing.T) {
	for name, read := range map[string]func(t *testing.T) *Result{
		"excelize": func(t *testing.T) *Result {
			return readBytes(t, "tracker.xlsx", buildBook(t, buildYearRow), testCatalogue(), Options{})
		},
		"calc": func(t *testing.T) *Result {
			got, err := ReadFile(context.Background(), calcResave(t, "tracker.xlsx", buildYearRow), testCatalogue(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			return got
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := read(t)
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if !strings.Contains(got.Layout, LayoutYearRow) {
				t.Errorf("layout %q", got.Layout)
			}
			if diff := cmp.Diff(yearRowWant(), got.Observations()); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

// A scorecard's own Target that differs from the configured one is a
// warning naming the cell; its RAG column is not used, and the report
// says so.
func TestScorecardTargetAndRAG(t *testing.T) {
	cat := testCatalogue()
	target := func(v float64) []vs.Threshold {
		return []vs.Threshold{{Target: &v, Amber: &v, Red: &v}}
	}
	cat.Indicators[1].Thresholds = target(0.2) // agency_rate
	cat.Indicators[2].Thresholds = target(0.9) // cla_visits_in_timescale
	csv := "Indicator,Sep-25,Oct-25,Target,RAG\n" +
		"agency_rate,22%,21%,20%,Red\n" + // agrees
		"cla_visits_in_timescale,0.85,0.88,95%,Red\n" +
		"referrals,10,11,12,\n" // no target configured: nothing to compare
	got := readBytes(t, "s.csv", []byte(csv), cat, Options{})
	if len(got.Problems) > 0 || len(got.Observations()) != 6 {
		t.Fatalf("problems %v, %d observations", got.Problems, len(got.Observations()))
	}
	want := []string{
		`s.csv:1:32: the file's RAG ratings (this column) were not used: Vital Signs rates each figure against the configured thresholds`,
		`s.csv:3:35: the file's target "95%" for indicator cla_visits_in_timescale differs from the configured target (90% for 2025-10): the configured one is used (change the target in the configuration, or leave the Target column out)`,
	}
	if diff := cmp.Diff(want, problemLines(got.Warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
