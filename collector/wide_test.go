package collector

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// TestGenerateFixturesWide writes the excelize-made wide-layout fixtures.
// Run it with go test ./collector -run TestGenerateFixtures -args -update
func TestGenerateFixturesWide(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	for name, build := range map[string]func(*excelize.File) error{
		"wide.good.xlsx":      buildWideGood,
		"widemixed.good.xlsx": buildWideMixedGood,
		"wide.bad.xlsx":       buildWideBad,
	} {
		f := excelize.NewFile()
		if err := build(f); err != nil {
			t.Fatalf("build %s: %v", name, err)
		}
		if err := f.SaveAs(filepath.Join("testdata", name)); err != nil {
			t.Fatalf("save %s: %v", name, err)
		}
	}
}

// Number formats built into Excel.
const (
	wideFmtDate     = 14 // d/m/yyyy (as the locale has it)
	wideFmtMonth    = 17 // mmm-yy
	wideFmtPercent  = 10 // 0.00%
	wideFmtPercent0 = 9  // 0%
)

// buildWideGood is a scorecard as a performance team makes one: a merged
// title, a logo row, a note, then the header with real date cells, a bare
// date serial, text months, quarters and week-ending dates, a blank column,
// benchmark columns that are not read, and notes under the table. It has no
// Team column: every figure is the whole authority's.
func buildWideGood(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Scorecard"); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: "Scorecard"}
	s.row(1, "Vital Signs scorecard – Anyshire")
	if s.err == nil {
		s.err = f.MergeCell("Scorecard", "A1", "L1")
	}
	if s.err == nil {
		s.err = f.SetRowHeight("Scorecard", 2, 48) // where the logo sits
	}
	s.row(3, "Figures are provisional until the year-end return.")
	s.row(4, "Indicator name", day(2024, 4, 1), day(2024, 5, 1), 45473, nil, "Jul-24",
		"2024/25 Q1", "2024/25 Q2", day(2024, 4, 7), day(2024, 4, 14), "England", "Trend")
	s.style("B4", &excelize.Style{NumFmt: wideFmtMonth})
	s.style("C4", &excelize.Style{NumFmt: wideFmtMonth})
	s.style("I4", &excelize.Style{NumFmt: wideFmtDate})
	s.style("J4", &excelize.Style{NumFmt: wideFmtDate})
	s.row(5, "Referrals", 1234, 1300, "x", nil, nil, nil, nil, nil, nil, 1100, "up")
	s.row(6, "CIC visits in timescale", 0.875, 0.9, 0.95, nil, nil, nil, nil, nil, nil, 0.91)
	for _, c := range []string{"B6", "C6", "D6", "K6"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtPercent})
	}
	s.row(7, "% agency SWs", 25, 24.5, 26, nil, "-")
	s.row(8, "Care leavers in education, employment or training", nil, nil, nil, nil, nil, 0.54)
	s.style("G8", &excelize.Style{NumFmt: wideFmtPercent0})
	s.row(9, "Children awaiting a health assessment", nil, nil, nil, nil, nil, nil, nil, 32, 30)
	s.row(11, "Notes: x = fewer than 5 children; - = not yet available.")
	s.row(12, "Source: case management system.")
	return s.err
}

// buildWideMixedGood has a long sheet and a wide one.
func buildWideMixedGood(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		return err
	}
	d := &sheetWriter{f: f, sheet: "Data"}
	d.row(1, "Period", "Indicator", "Team", "Value")
	d.row(2, "2025-09", "referrals", "north", 10)
	if d.err != nil {
		return d.err
	}
	s := newSheet(f, "Scorecard")
	s.row(1, "KPI", "Area", "Sep-25", "Oct-25")
	s.row(2, "referrals", "south", 5, 6)
	return s.err
}

// buildWideBad has a problem of each kind, and a long sheet repeating a
// figure of the scorecard.
func buildWideBad(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Scorecard"); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: "Scorecard"}
	s.row(1, "Scorecard")
	if s.err == nil {
		s.err = f.MergeCell("Scorecard", "A1", "G1")
	}
	s.row(2, "Measure", "Team", day(2024, 4, 1), "April 2024", "May-24", "2024/25 Q1", "Q1 2024/25")
	s.style("C2", &excelize.Style{NumFmt: wideFmtMonth})
	s.row(3, "Caseloads", "north", 18, nil, 19)
	s.row(4, "Referrals", "north", "ten", 11, 12)
	s.row(5, "Care leavers in education, employment or training", nil, nil, nil, 0.5, 0.55)
	s.row(6, "Agency social worker rate", "north", "120%", nil, 0.25)
	s.row(7, "Referrals", "East", 3)
	s.row(8, "Referrals", "south", 4, nil, 5)
	if s.err != nil {
		return s.err
	}
	l := newSheet(f, "Long")
	l.row(1, "Period", "Indicator", "Team", "Value")
	l.row(2, "2024-05", "referrals", "south", 5)
	return l.err
}

func TestReadWideGood(t *testing.T) {
	cat := testCatalogue()
	apr, may, jun, jul, aug, sep := mon(2024, 4), mon(2024, 5), mon(2024, 6), mon(2024, 7), mon(2024, 8), mon(2024, 9)
	week := func(d int) vs.Period { return vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: time.April, Day: d}) }
	note := func(o vs.Observation, c string) vs.Observation {
		return with(o, func(o *vs.Observation) { o.Commentary = c })
	}
	tests := []struct {
		file   string
		format string
		layout string
		rows   int
		want   []vs.Observation
	}{
		{
			// Title rows, text headers in every form, a blank column, a Team
			// column, markers, blank months to come, a percent row given as
			// 87.5 and one as 0.875, quarterly and weekly rows, notes below.
			file: "wide.good.csv", format: FormatCSV, layout: LayoutWide, rows: 5,
			want: []vs.Observation{
				obs("referrals", "north", apr, num(1234), vs.StatusActual),
				obs("referrals", "north", may, num(1300), vs.StatusActual),
				obs("referrals", "north", jun, none, vs.StatusSuppressed),
				obs("referrals", "north", jul, none, vs.StatusMissing),
				obs("referrals", "north", aug, num(1310), vs.StatusActual),
				note(obs("referrals", "north", sep, num(1298), vs.StatusActual), "Up on August"),
				obs("agency_rate", "south", apr, num(0.875), vs.StatusActual),
				obs("agency_rate", "south", may, num(0.9), vs.StatusActual),
				obs("agency_rate", "south", jun, num(0.925), vs.StatusActual),
				obs("agency_rate", "south", jul, num(0.88), vs.StatusActual),
				obs("agency_rate", "south", aug, none, vs.StatusMissing),
				obs("agency_rate", "south", sep, none, vs.StatusSuppressed),
				obs("cla_visits_in_timescale", "authority", apr, num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", may, num(0.9), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", jun, num(1), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", jul, num(0.95), vs.StatusActual),
				obs("care_leavers_eet", "authority", vs.Quarter(2024, 1), num(0.54), vs.StatusActual),
				note(obs("care_leavers_eet", "authority", vs.Quarter(2024, 2), num(0.56), vs.StatusActual), "Quarterly"),
				obs("cla_awaiting_health_assessment", "authority", week(5), num(32), vs.StatusActual),
				note(obs("cla_awaiting_health_assessment", "authority", week(12), num(30), vs.StatusActual), "Weekly; see the health tab"),
			},
		},
		{
			// A merged title, a logo row, date cells formatted as months, a
			// bare serial, percent-formatted cells, no Team column.
			file: "wide.good.xlsx", format: FormatXLSX, layout: LayoutWide, rows: 5,
			want: []vs.Observation{
				obs("referrals", "authority", apr, num(1234), vs.StatusActual),
				obs("referrals", "authority", may, num(1300), vs.StatusActual),
				obs("referrals", "authority", jun, none, vs.StatusSuppressed),
				obs("cla_visits_in_timescale", "authority", apr, num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", may, num(0.9), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", jun, num(0.95), vs.StatusActual),
				obs("agency_rate", "authority", apr, num(0.25), vs.StatusActual),
				obs("agency_rate", "authority", may, num(0.245), vs.StatusActual),
				obs("agency_rate", "authority", jun, num(0.26), vs.StatusActual),
				obs("agency_rate", "authority", jul, none, vs.StatusMissing),
				obs("care_leavers_eet", "authority", vs.Quarter(2024, 1), num(0.54), vs.StatusActual),
				obs("cla_awaiting_health_assessment", "authority", week(7), num(32), vs.StatusActual),
				obs("cla_awaiting_health_assessment", "authority", week(14), num(30), vs.StatusActual),
			},
		},
		{
			file: "widemixed.good.xlsx", format: FormatXLSX, layout: LayoutBoth, rows: 2,
			want: []vs.Observation{
				obs("referrals", "north", mon(2025, 9), num(10), vs.StatusActual),
				obs("referrals", "south", mon(2025, 9), num(5), vs.StatusActual),
				obs("referrals", "south", mon(2025, 10), num(6), vs.StatusActual),
			},
		},
		{
			// Saved by LibreOffice Calc; see testdata/README.md.
			file: "wide_libreoffice.good.xlsx", format: FormatXLSX, layout: LayoutWide, rows: 3,
			want: []vs.Observation{
				obs("referrals", "north", apr, num(1234), vs.StatusActual),
				obs("referrals", "north", may, num(1301), vs.StatusActual),
				note(obs("referrals", "north", jun, none, vs.StatusSuppressed), "Fewer than five in June"),
				obs("cla_visits_in_timescale", "north", apr, num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "north", may, num(0.9), vs.StatusActual),
				obs("cla_visits_in_timescale", "north", jun, num(0.925), vs.StatusActual),
				obs("care_leavers_eet", "authority", vs.Quarter(2024, 1), num(0.54), vs.StatusActual),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(context.Background(), filepath.Join("testdata", tt.file), cat, Options{})
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(got.Problems) > 0 {
				t.Fatalf("got problems, want none:\n%v", got.Problems)
			}
			if got.Format != tt.format || got.Layout != tt.layout || got.Rows != tt.rows {
				t.Errorf("got format %q layout %q rows %d, want %q %q %d",
					got.Format, got.Layout, got.Rows, tt.format, tt.layout, tt.rows)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadWideBad(t *testing.T) {
	cat := testCatalogue()
	tests := []struct {
		file string
		want []string
	}{
		{"wide.bad.csv", []string{
			`wide.bad.csv:1:18: the columns headed "Apr-24" (line 1, column 11) and "April 2024" (line 1, column 18) are the same period (remove one of the two columns, or correct its heading; this one is not read)`,
			`wide.bad.csv:2:1: unknown indicator "Referals" (did you mean "referrals"?)`,
			`wide.bad.csv:3:11: "ten" is not a number`,
			`wide.bad.csv:4:52: the column is headed "May-24" (line 1, column 29), a month, but indicator care_leavers_eet is reported quarterly: put its figures in a column headed by a quarter such as 2025-26 Q1`,
			`wide.bad.csv:5:34: the row for indicator agency_rate mixes fractions (line 5, column 27 is 0.875) and percentages (line 5, column 34 is 92) (write every percentage one way: 0.875, 87.5 or 87.5%)`,
			`wide.bad.csv:6:11: a second figure for indicator referrals, team authority, period 2024-04: the first is at line 3, column 11 (keep one of the two)`,
			`wide.bad.csv:7:39: the column is headed "Apr-24" (line 1, column 11), a month, but indicator cla_awaiting_health_assessment is reported weekly: put its figures in a column headed by the date the week ends, such as 28/09/2025`,
		}},
		{"wide.bad.xlsx", []string{
			`wide.bad.xlsx: Scorecard!G2: the columns headed "2024/25 Q1" (Scorecard!F2) and "Q1 2024/25" (Scorecard!G2) are the same period (remove one of the two columns, or correct its heading; this one is not read)`,
			`wide.bad.xlsx: Scorecard!A3: unknown indicator "Caseloads" (known indicators: referrals, agency_rate, cla_visits_in_timescale, cla_awaiting_health_assessment, care_leavers_eet, cla_rate_per_10k)`,
			`wide.bad.xlsx: Scorecard!C4: "ten" is not a number`,
			// A date cell and a month heading are the same column for a
			// monthly indicator only: reported when both hold a figure.
			`wide.bad.xlsx: Scorecard!D4: a second figure for indicator referrals, team north, period 2024-04: the first is at Scorecard!C4 (keep one of the two)`,
			`wide.bad.xlsx: Scorecard!E5: the column is headed "May-24" (Scorecard!E2), a month, but indicator care_leavers_eet is reported quarterly: put its figures in a column headed by a quarter such as 2025-26 Q1`,
			`wide.bad.xlsx: Scorecard!C6: "120%" is more than 100%`,
			`wide.bad.xlsx: Scorecard!B7: unknown team "East" (known teams: authority, north, south)`,
			`wide.bad.xlsx: Long!B2: a second row for indicator referrals, team south, period 2024-05: the first is at Scorecard!E8 (keep one of the two rows)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(context.Background(), filepath.Join("testdata", tt.file), cat, Options{})
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(got.Observations()) != 0 {
				t.Errorf("got %d observations with problems, want none", len(got.Observations()))
			}
			if diff := cmp.Diff(tt.want, problemLines(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func problemLines(ps vs.Problems) []string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return lines
}

// TestLayoutDetection checks which header row each layout is found at, and
// what is not a header.
func TestLayoutDetection(t *testing.T) {
	tests := []struct {
		name   string
		csv    string
		layout string
		obs    int
		probs  []string
	}{
		{"long", "Period,Indicator,Value\n2025-09,referrals,1\n", LayoutLong, 1, nil},
		{"long wins over wide", "Period,Indicator,Value,Sep-25,Oct-25\n2025-09,referrals,1,7,8\n", LayoutLong, 1, nil},
		{"wide", "Indicator,Sep-25,Oct-25\nreferrals,1,2\n", LayoutWide, 2, nil},
		{"wide under titles", "Scorecard,,\nSeptember 2025,,\n\nKPI,Sep-25,Oct-25\nreferrals,1,2\n", LayoutWide, 2, nil},
		{"wide, period headers left of the indicator", "Sep-25,Oct-25,Indicator\n1,2,referrals\n", LayoutWide, 2, nil},
		{"one period column is not a scorecard", "Indicator,Sep-25,Target\nreferrals,1,2\n", LayoutLong, 0, []string{
			"x.csv: no table found: expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator",
		}},
		{"periods without an indicator column", "Name,Sep-25,Oct-25\nreferrals,1,2\n", LayoutLong, 0, []string{
			"x.csv: no table found: expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator",
		}},
		{"ignored columns", "Indicator,Status,Value,Numerator,Sep-25,Oct-25,England,RAG\nreferrals,Red,9,9,1,2,3,Red\n", LayoutWide, 2, nil},
		{"a heading in the indicator column", "Ref,Indicator,Sep-25,Oct-25\n,Front Door,,\n1,referrals,1,2\n", LayoutWide, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if got.Layout != tt.layout || len(got.Observations()) != tt.obs {
				t.Errorf("got layout %q and %d observations, want %q and %d", got.Layout, len(got.Observations()), tt.layout, tt.obs)
			}
			if diff := cmp.Diff(tt.probs, problemLines(got.Problems), cmpEmpty); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty treats a nil slice and an empty one alike.
var cmpEmpty = cmp.Transformer("empty", func(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
})

// TestWideCells pins how single cells of a scorecard are read.
func TestWideCells(t *testing.T) {
	apr := mon(2024, 4)
	tests := []struct {
		name  string
		csv   string
		want  []vs.Observation
		probs []string
	}{
		{"blank is no figure", "Indicator,Apr-24,May-24\nreferrals,5,\n",
			[]vs.Observation{obs("referrals", "authority", apr, num(5), vs.StatusActual)}, nil},
		{"markers", "Indicator,Apr-24,May-24,Jun-24,Jul-24\nreferrals,n/a,<5,[c],–\n", []vs.Observation{
			obs("referrals", "authority", apr, none, vs.StatusMissing),
			obs("referrals", "authority", mon(2024, 5), none, vs.StatusSuppressed),
			obs("referrals", "authority", mon(2024, 6), none, vs.StatusSuppressed),
			obs("referrals", "authority", mon(2024, 7), none, vs.StatusMissing),
		}, nil},
		{"percent rule per row", "Indicator,Apr-24,May-24\nagency_rate,87.5,90\ncla_visits_in_timescale,0.875,0.9\n", []vs.Observation{
			obs("agency_rate", "authority", apr, num(0.875), vs.StatusActual),
			obs("agency_rate", "authority", mon(2024, 5), num(0.9), vs.StatusActual),
			obs("cla_visits_in_timescale", "authority", apr, num(0.875), vs.StatusActual),
			obs("cla_visits_in_timescale", "authority", mon(2024, 5), num(0.9), vs.StatusActual),
		}, nil},
		{"percentage over 100", "Indicator,Apr-24,May-24\nagency_rate,87.5,101\n", nil, []string{
			`x.csv:2:18: "101" is more than 100%`,
		}},
		{"percent text for a count", "Indicator,Apr-24,May-24\nreferrals,5%,\n", nil, []string{
			`x.csv:2:11: "5%" is a percentage, but indicator referrals is a count`,
		}},
		{"two date columns in one month", "Indicator,01/04/2024,30/04/2024\nreferrals,1,2\n", nil, []string{
			`x.csv:2:13: a second figure for indicator referrals, team authority, period 2024-04: the first is at line 2, column 11 (keep one of the two)`,
		}},
		{"same indicator and team in two rows", "Indicator,Team,Apr-24,May-24\nreferrals,north,1,\nReferrals,North Locality,2,\n", nil, []string{
			`x.csv:3:26: a second figure for indicator referrals, team north, period 2024-04: the first is at line 2, column 17 (keep one of the two)`,
		}},
		{"blank indicator", "Indicator,Apr-24,May-24\n,4,\n", nil, []string{
			`x.csv:2:1: the indicator is blank`,
		}},
		{"a month for a weekly indicator", "Indicator,Apr-24,w/e 07/04/2024\ncla_awaiting_health_assessment,1,2\n", nil, []string{
			`x.csv:2:32: the column is headed "Apr-24" (line 1, column 11), a month, but indicator cla_awaiting_health_assessment is reported weekly: put its figures in a column headed by the date the week ends, such as 28/09/2025`,
		}},
		{"a date for a quarterly indicator", "Indicator,30/06/2024,2024/25 Q2\ncare_leavers_eet,0.5,0.6\n", nil, []string{
			`x.csv:2:18: the column is headed "30/06/2024" (line 1, column 11), a date, but indicator care_leavers_eet is reported quarterly: put its figures in a column headed by a quarter such as 2025-26 Q1`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if got.Layout != LayoutWide {
				t.Errorf("got layout %q, want wide", got.Layout)
			}
			if diff := cmp.Diff(tt.probs, problemLines(got.Problems), cmpEmpty); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWideLenient checks that lenient mode leaves out the bad figures of a
// row, or the whole row when its indicator or team is bad, and that a
// problem with the header still rejects the file.
func TestWideLenient(t *testing.T) {
	t.Run("cells and rows", func(t *testing.T) {
		csv := "Indicator,Team,Apr-24,May-24\nreferrals,north,1,ten\nreferals,north,2,3\nreferrals,south,4,5\n"
		got := readString(t, "x.csv", csv, Options{Lenient: true})
		if len(got.Problems) != 0 {
			t.Fatalf("got problems %v, want none", got.Problems)
		}
		want := []vs.Observation{
			obs("referrals", "north", mon(2024, 4), num(1), vs.StatusActual),
			obs("referrals", "south", mon(2024, 4), num(4), vs.StatusActual),
			obs("referrals", "south", mon(2024, 5), num(5), vs.StatusActual),
		}
		if diff := cmp.Diff(want, got.Observations()); diff != "" {
			t.Errorf("observations (-want +got):\n%s", diff)
		}
		wantSkipped := []string{
			`x.csv:2:19: "ten" is not a number`,
			`x.csv:3:1: unknown indicator "referals" (did you mean "referrals"?)`,
		}
		if diff := cmp.Diff(wantSkipped, problemLines(got.Skipped)); diff != "" {
			t.Errorf("skipped (-want +got):\n%s", diff)
		}
		if got.SkippedRows != 2 {
			t.Errorf("got %d skipped rows, want 2", got.SkippedRows)
		}
	})
	t.Run("header", func(t *testing.T) {
		got := readString(t, "x.csv", "Indicator,Apr-24,2024-04\nreferrals,1,2\n", Options{Lenient: true})
		if len(got.Problems) != 1 || len(got.Observations()) != 0 {
			t.Errorf("got %v and %d observations, want one problem and none", got.Problems, len(got.Observations()))
		}
	})
}

// TestWideHeaderForms checks every form of period heading a scorecard may
// have, as the header of a two-column table.
func TestWideHeaderForms(t *testing.T) {
	tests := []struct {
		header string
		ind    string
		want   vs.Period
	}{
		{"Apr-24", "referrals", mon(2024, 4)},
		{"April 2024", "referrals", mon(2024, 4)},
		{"2024-04", "referrals", mon(2024, 4)},
		{"Sept 21", "referrals", mon(2021, 9)},
		{"04/2024", "referrals", mon(2024, 4)},
		{"4/2024", "referrals", mon(2024, 4)},
		{"Apr '24", "referrals", mon(2024, 4)},
		{"30/04/2024", "referrals", mon(2024, 4)},
		{"2024-04-01T00:00:00", "referrals", mon(2024, 4)},
		{"2024/25 Q1", "care_leavers_eet", vs.Quarter(2024, 1)},
		{"Q1 2024-25", "care_leavers_eet", vs.Quarter(2024, 1)},
		{"Q1 24/25", "care_leavers_eet", vs.Quarter(2024, 1)},
		{"07/04/2024", "cla_awaiting_health_assessment", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: 4, Day: 7})},
		{"w/e 07/04/2024", "cla_awaiting_health_assessment", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: 4, Day: 7})},
		{"Week ending: 7 April 2024", "", vs.Period{}}, // only numeric dates
		{"w/c 01/04/2024", "cla_awaiting_health_assessment", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: 4, Day: 7})},
		{"Week commencing 1/4/2024", "cla_awaiting_health_assessment", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: 4, Day: 7})},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			csv := "Indicator," + tt.header + ",1999-01\n" + tt.ind + ",7,\n"
			if tt.ind == "" {
				csv = "Indicator," + tt.header + ",1999-01\nreferrals,7,\n"
			}
			got := readString(t, "x.csv", csv, Options{})
			if tt.ind == "" {
				if got.Layout == LayoutWide {
					t.Errorf("read %q as a period heading", tt.header)
				}
				return
			}
			if len(got.Problems) != 0 || len(got.Observations()) != 1 {
				t.Fatalf("got %v and %d observations, want one observation", got.Problems, len(got.Observations()))
			}
			if p := got.Observations()[0].Period; p != tt.want {
				t.Errorf("heading %q gave %v, want %v", tt.header, p, tt.want)
			}
		})
	}
}

// TestWideStatusColumnIgnored checks that a scorecard's Status column, a
// RAG rating, is not read as an observation's status.
func TestWideStatusColumnIgnored(t *testing.T) {
	got := readString(t, "x.csv", "Indicator,Status,Apr-24,May-24\nreferrals,Red,1,2\n", Options{})
	if len(got.Problems) != 0 || len(got.Observations()) != 2 || got.Observations()[0].Status != vs.StatusActual {
		t.Errorf("got %v %v, want two actual observations", got.Problems, got.Observations())
	}
}

func TestResolveWide(t *testing.T) {
	d := func(y int, m time.Month, day int) vs.Date { return vs.Date{Year: y, Month: m, Day: day} }
	tests := []struct {
		in   string
		freq vs.Frequency
		want vs.Period // zero: does not fit
	}{
		{"Apr-24", vs.Monthly, vs.Month(2024, 4)},
		{"01/04/2024", vs.Monthly, vs.Month(2024, 4)},
		{"45383", vs.Monthly, vs.Month(2024, 4)},
		{"2024/25 Q1", vs.Monthly, vs.Period{}},
		{"Jun-24", vs.Quarterly, vs.Period{}},
		{"30/06/2024", vs.Quarterly, vs.Period{}},
		{"2024/25 Q1", vs.Quarterly, vs.Quarter(2024, 1)},
		{"2024-25", vs.Annual, vs.FinancialYear(2024)},
		{"2024/25 Q4", vs.Annual, vs.Period{}},
		{"07/04/2024", vs.Weekly, vs.WeekEnding(vs.Weekly, d(2024, 4, 7))},
		{"w/e 14/04/2024", vs.Biweekly, vs.WeekEnding(vs.Biweekly, d(2024, 4, 14))},
		{"w/c 01/04/2024", vs.Weekly, vs.WeekEnding(vs.Weekly, d(2024, 4, 7))},
		{"fortnight commencing 01/04/2024", vs.Biweekly, vs.WeekEnding(vs.Biweekly, d(2024, 4, 14))},
		{"w/c 01/04/2024", vs.Monthly, vs.Period{}}, // a week is not a month
		{"Apr-24", vs.Weekly, vs.Period{}},
		{"Apr-24", vs.Biweekly, vs.Period{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.freq)+"/"+tt.in, func(t *testing.T) {
			l, err := parseLabel(tt.in, true, false)
			if err != nil {
				t.Fatalf("parseLabel(%q): %v", tt.in, err)
			}
			got, ok := l.resolveWide(tt.freq)
			if ok != !tt.want.IsZero() || got != tt.want {
				t.Errorf("resolveWide(%q, %s) = %v, %v; want %v", tt.in, tt.freq, got, ok, tt.want)
			}
		})
	}
}

func TestParseLabelScorecardForms(t *testing.T) {
	tests := []struct {
		in   string
		want label
		err  bool
	}{
		{in: "04/2024", want: monthLabel(2024, time.April)},
		{in: "4-2024", want: monthLabel(2024, time.April)},
		{in: "12.2024", err: true}, // a number: in xlsx, a date serial
		{in: "Apr '24", want: monthLabel(2024, time.April)},
		{in: "Apr’24", want: monthLabel(2024, time.April)},
		{in: "Sep-'25", want: monthLabel(2025, time.September)},
		{in: "Q3 25/26", want: label{kind: labelQuarter, fy: 2025, q: 3, date: vs.Quarter(2025, 3).Last}},
		{in: "w/e 07/04/2024", want: label{kind: labelDay, date: vs.Date{Year: 2024, Month: time.April, Day: 7}}},
		{in: "Week ending: 2024-04-07", want: label{kind: labelDay, date: vs.Date{Year: 2024, Month: time.April, Day: 7}}},
		{in: "w/e Apr-24", err: true},
		{in: "w/c 01/04/2024", want: label{kind: labelDay, date: vs.Date{Year: 2024, Month: time.April, Day: 1}, commencing: true}},
		{in: "w/c Apr-24", err: true},
		{in: "w/c w/c 01/04/2024", err: true},
		{in: "w/e", err: true},
		{in: "13/2024", err: true},
		{in: "25/26", err: true}, // a short year only with a quarter
		{in: "Target", err: true},
		{in: "RAG", err: true},
		{in: "England", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseLabel(tt.in, false, false)
			if (err != nil) != tt.err {
				t.Fatalf("parseLabel(%q) error %v, want error %v", tt.in, err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Errorf("parseLabel(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// In the long layout a "week commencing" period is the week that starts
// that day, and no month's figure.
func TestWeekCommencingLong(t *testing.T) {
	l, err := parseLabel("w/c 01/04/2024", false, false)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := l.resolve(vs.Weekly, "w/c 01/04/2024"); err != nil || p != vs.WeekEnding(vs.Weekly, vs.Date{Year: 2024, Month: time.April, Day: 7}) {
		t.Errorf("weekly: %v, %v", p, err)
	}
	if _, err := l.resolve(vs.Monthly, "w/c 01/04/2024"); err == nil || !strings.Contains(err.Error(), "is the start of a week, but the indicator is reported monthly") {
		t.Errorf("monthly: %v, want a clear refusal", err)
	}
}

// A scorecard whose names column has no heading is read when its header row
// is plainly periods; the names are still checked against the catalogue.
func TestWideBlankIndicatorHeading(t *testing.T) {
	tests := []struct {
		name, csv string
		want      int // observations; -1: not read as a table
		problem   string
	}{
		{"names in A", ",Apr-24,May-24,Jun-24\nReferrals,1,2,3\n", 3, ""},
		{"names in A, team column in B", ",Team,Apr-24,May-24,Jun-24\nReferrals,north,1,2,3\n", 3, ""},
		{"table starting in column B", ",,Apr-24,May-24,Jun-24\n,Referrals,1,2,3\n", 3, ""},
		{"too few periods to be sure", ",Apr-24,May-24\nReferrals,1,2\n", -1, ""},
		{"a name that is not an indicator", ",Apr-24,May-24,Jun-24\nTotal staff,1,2,3\n", 0, `unknown indicator "Total staff"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			switch {
			case tt.want < 0:
				if got.Layout == LayoutWide || len(got.Problems) == 0 {
					t.Errorf("read as %s with %v; want no table found", got.Layout, got.Problems)
				}
			case tt.problem != "":
				if len(got.Problems) == 0 || !strings.Contains(got.Problems[0].Reason, tt.problem) {
					t.Errorf("problems %v, want %q", got.Problems, tt.problem)
				}
			default:
				if len(got.Problems) != 0 || len(got.Observations()) != tt.want || got.Layout != LayoutWide {
					t.Errorf("layout %s, %d observations, problems %v; want %d", got.Layout, len(got.Observations()), got.Problems, tt.want)
				}
			}
		})
	}
}
