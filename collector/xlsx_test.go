package collector

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// xlsxBytes builds a workbook with build and returns it saved.
func xlsxBytes(t *testing.T, build func(f *excelize.File, w *sheetWriter)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		t.Fatal(err)
	}
	w := &sheetWriter{f: f, sheet: "Data"}
	build(f, w)
	if w.err != nil {
		t.Fatal(w.err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readXLSXBytes reads b as a file named name.
func readXLSXBytes(t *testing.T, name string, b []byte, opt Options) *Result {
	t.Helper()
	got, err := Read(context.Background(), name, bytes.NewReader(b), int64(len(b)), testCatalogue(), opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

// numFmt styles cells with a number format: a built-in id, or a custom
// code when code is not empty.
func numFmt(w *sheetWriter, id int, code string, cells ...string) {
	s := &excelize.Style{NumFmt: id}
	if code != "" {
		s = &excelize.Style{CustomNumFmt: &code}
	}
	for _, c := range cells {
		w.style(c, s)
	}
}

// TestPercentFormattedCells checks that a number in a percent-formatted
// cell is a fraction whatever the rest of the column holds: a column
// mixing 0.875 formatted as 87.5% with typed 87.5 reads both as 0.875, and
// the typed numbers are decided among themselves.
func TestPercentFormattedCells(t *testing.T) {
	b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Period", "Indicator", "Team", "Value")
		w.row(2, "2025-07", "cla_visits_in_timescale", "north", 0.875) // 87.5%
		w.row(3, "2025-07", "cla_visits_in_timescale", "south", 87.5)  // typed
		w.row(4, "2025-08", "cla_visits_in_timescale", "north", 1)     // 100%
		w.row(5, "2025-08", "cla_visits_in_timescale", "south", 90)    // typed
		w.row(6, "2025-09", "agency_rate", "north", 0.25)              // 25.0%
		w.row(7, "2025-09", "agency_rate", "south", 0)                 // 0%
		w.row(8, "2025-09", "referrals", "north", 1234)                // a count, General
		numFmt(w, 10, "", "D2", "D4")
		numFmt(w, 0, "0.0%", "D6")
		numFmt(w, 9, "", "D7")
	})
	got := readXLSXBytes(t, "pct.xlsx", b, Options{})
	if len(got.Problems) > 0 {
		t.Fatalf("got problems:\n%v", got.Problems)
	}
	want := []vs.Observation{
		obs("cla_visits_in_timescale", "north", mon(2025, 7), num(0.875), vs.StatusActual),
		obs("cla_visits_in_timescale", "south", mon(2025, 7), num(0.875), vs.StatusActual),
		obs("cla_visits_in_timescale", "north", mon(2025, 8), num(1), vs.StatusActual),
		obs("cla_visits_in_timescale", "south", mon(2025, 8), num(0.9), vs.StatusActual),
		obs("agency_rate", "north", mon(2025, 9), num(0.25), vs.StatusActual),
		obs("agency_rate", "south", mon(2025, 9), num(0), vs.StatusActual),
		obs("referrals", "north", mon(2025, 9), num(1234), vs.StatusActual),
	}
	if diff := cmp.Diff(want, got.Observations(), approx); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}

	t.Run("problems", func(t *testing.T) {
		b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
			w.row(1, "Period", "Indicator", "Team", "Value")
			w.row(2, "2025-07", "cla_visits_in_timescale", "north", 1.5)   // 150%
			w.row(3, "2025-07", "referrals", "north", 12)                  // 1200%
			w.row(4, "2025-07", "cla_visits_in_timescale", "south", -0.05) // -5%
			// Typed fractions and percentages still mix, beside a
			// formatted cell that takes no part.
			w.row(5, "2025-08", "cla_visits_in_timescale", "north", 0.5)
			w.row(6, "2025-08", "cla_visits_in_timescale", "south", 50)
			w.row(7, "2025-09", "cla_visits_in_timescale", "north", 0.7)
			numFmt(w, 10, "", "D2", "D3", "D4", "D7")
		})
		got := readXLSXBytes(t, "pct.xlsx", b, Options{})
		want := []string{
			`pct.xlsx: Data!D2: "150%" is more than 100%`,
			`pct.xlsx: Data!D3: "1200%" is a percentage, but indicator referrals is a count (the cell is formatted as a percentage: format it as a number)`,
			`pct.xlsx: Data!D4: "-5%" is negative: a percentage is between 0% and 100%`,
			`pct.xlsx: Data!D6: the Value column mixes fractions (Data!D5 is 0.5) and percentages (Data!D6 is 50) for percent indicators (write every percentage one way: 0.875, 87.5 or 87.5%)`,
		}
		if diff := cmp.Diff(want, problemLines(got.Problems)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestDateFormattedPeriods checks date-formatted Period cells: read as
// date serials, in any date format; an implausible one is reported as the
// date it shows. A bare number in an unformatted cell is still a serial
// when plausible.
func TestDateFormattedPeriods(t *testing.T) {
	b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Period", "Indicator", "Team", "Value")
		w.row(2, 45930, "referrals", "north", 1)   // 30/09/2025, d/m/yyyy
		w.row(3, 45901, "referrals", "south", 2)   // 01/09/2025, mmm-yy: Sep-25
		w.row(4, 45565.5, "referrals", "north", 3) // 30/09/2024 12:00
		w.row(5, 45930, "cla_awaiting_health_assessment", "north", 4)
		w.row(6, 45869, "referrals", "north", 5) // unformatted: 31/07/2025
		numFmt(w, 14, "", "A2", "A5")
		numFmt(w, 0, "mmm-yy", "A3")
		numFmt(w, 22, "", "A4")
	})
	got := readXLSXBytes(t, "dates.xlsx", b, Options{})
	if len(got.Problems) > 0 {
		t.Fatalf("got problems:\n%v", got.Problems)
	}
	want := []vs.Observation{
		obs("referrals", "north", mon(2025, 9), num(1), vs.StatusActual),
		obs("referrals", "south", mon(2025, 9), num(2), vs.StatusActual),
		obs("referrals", "north", mon(2024, 9), num(3), vs.StatusActual),
		obs("cla_awaiting_health_assessment", "north", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2025, Month: 9, Day: 30}), num(4), vs.StatusActual),
		obs("referrals", "north", mon(2025, 7), num(5), vs.StatusActual),
	}
	if diff := cmp.Diff(want, got.Observations(), approx); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}

	t.Run("implausible", func(t *testing.T) {
		b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
			w.row(1, "Period", "Indicator", "Team", "Value")
			w.row(2, 12345, "referrals", "north", 1) // 18/10/1933, formatted
			w.row(3, 12345, "referrals", "south", 1) // unformatted
			numFmt(w, 14, "", "A2")
		})
		got := readXLSXBytes(t, "dates.xlsx", b, Options{})
		want := []string{
			`dates.xlsx: Data!A2: the date 1933-10-18 is not a plausible period: dates from 1990 to 2099 are read`,
			`dates.xlsx: Data!A3: the number "12345" is not a plausible date: format the cell as a date, or write a month such as 2025-09`,
		}
		if diff := cmp.Diff(want, problemLines(got.Problems)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestWideFormattedCells checks a scorecard whose headings are
// date-formatted serials and whose figures mix percent-formatted cells
// with typed percentages in one row.
func TestWideFormattedCells(t *testing.T) {
	b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Indicator", "Locality", 45383, 45413, 45444, 45474)
		w.row(2, "cla_visits_in_timescale", "north", 0.875, 90, 0.925, nil)
		w.row(3, "referrals", "north", 100, 110, 120, 130)
		numFmt(w, 0, "mmm-yy", "C1", "D1")
		numFmt(w, 17, "", "E1") // mmm-yy, built in
		numFmt(w, 14, "", "F1")
		numFmt(w, 0, "0.0%", "C2", "E2")
	})
	got := readXLSXBytes(t, "wide.xlsx", b, Options{})
	if len(got.Problems) > 0 {
		t.Fatalf("got problems:\n%v", got.Problems)
	}
	if got.Layout != LayoutWide {
		t.Errorf("layout %q, want wide", got.Layout)
	}
	want := []vs.Observation{
		obs("cla_visits_in_timescale", "north", mon(2024, 4), num(0.875), vs.StatusActual),
		obs("cla_visits_in_timescale", "north", mon(2024, 5), num(0.9), vs.StatusActual),
		obs("cla_visits_in_timescale", "north", mon(2024, 6), num(0.925), vs.StatusActual),
		obs("referrals", "north", mon(2024, 4), num(100), vs.StatusActual),
		obs("referrals", "north", mon(2024, 5), num(110), vs.StatusActual),
		obs("referrals", "north", mon(2024, 6), num(120), vs.StatusActual),
		obs("referrals", "north", mon(2024, 7), num(130), vs.StatusActual),
	}
	if diff := cmp.Diff(want, got.Observations(), approx); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}

	t.Run("problems", func(t *testing.T) {
		b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
			w.row(1, "Indicator", 45383, 45413, 45444)
			w.row(2, "referrals", 1, 2, 3)
			w.row(3, "cla_visits_in_timescale", 1.1, 0.5, 50)
			numFmt(w, 14, "", "B1", "C1", "D1")
			numFmt(w, 10, "", "B2", "B3")
		})
		got := readXLSXBytes(t, "wide.xlsx", b, Options{})
		want := []string{
			`wide.xlsx: Data!B2: "100%" is a percentage, but indicator referrals is a count (the cell is formatted as a percentage: format it as a number)`,
			`wide.xlsx: Data!B3: "110%" is more than 100%`,
			`wide.xlsx: Data!D3: the row for indicator cla_visits_in_timescale mixes fractions (Data!C3 is 0.5) and percentages (Data!D3 is 50) (write every percentage one way: 0.875, 87.5 or 87.5%)`,
		}
		if diff := cmp.Diff(want, problemLines(got.Problems)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestUncachedFormulas checks that formulas without a saved result are
// reported at their cells, the first 20 of a sheet and then a count.
func TestUncachedFormulas(t *testing.T) {
	b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Period", "Indicator", "Team", "Value")
		for i := 2; i <= 25; i++ {
			w.row(i, vs.Month(2023, time.Month(i)).String(), "referrals", "north")
			if w.err == nil {
				w.err = f.SetCellFormula("Data", "D"+strconv.Itoa(i), "1+1")
			}
		}
	})
	got := readXLSXBytes(t, "f.xlsx", b, Options{})
	lines := problemLines(got.Problems)
	if len(lines) != 21 {
		t.Fatalf("got %d problems, want 21:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if want := "f.xlsx: Data!D2: this formula has no saved result (open and save the file in Excel or Calc, so that formulas are calculated)"; lines[0] != want {
		t.Errorf("first problem %q, want %q", lines[0], want)
	}
	if want := "f.xlsx: Data!D21: this formula has no saved result (open and save the file in Excel or Calc, so that formulas are calculated)"; lines[19] != want {
		t.Errorf("20th problem %q, want %q", lines[19], want)
	}
	if want := "f.xlsx: Data!D2: 4 more formulas on this sheet have no saved result (open and save the file in Excel or Calc, so that formulas are calculated)"; lines[20] != want {
		t.Errorf("last problem %q, want %q", lines[20], want)
	}
}

// TestXLSXLimits checks the limits an xlsx file is held to, each refusal a
// problem naming the sheet and row.
func TestXLSXLimits(t *testing.T) {
	table := func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Period", "Indicator", "Team", "Value")
		for i := 2; i <= 6; i++ {
			w.row(i, vs.Month(2025, time.Month(i)).String(), "referrals", "north", i)
		}
	}
	b := xlsxBytes(t, table)
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		// 4 cells a row: row 3 brings the sheet to 12.
		{"cells", Options{MaxCells: 10}, "x.xlsx: Data!A3: the sheet has more than 10 cells holding a value (split it into smaller files)"},
		{"rows", Options{MaxRows: 4}, "x.xlsx: Data!A5: the workbook has more than 4 rows (split it into smaller files)"},
		{"cols", Options{MaxCols: 3}, "x.xlsx: Data!A1: row 1 has a value beyond column C: at most 3 columns are read (delete the columns on the right that are not needed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readXLSXBytes(t, "x.xlsx", b, tt.opt)
			if diff := cmp.Diff([]string{tt.want}, problemLines(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(got.Observations()) != 0 {
				t.Errorf("got %d observations", len(got.Observations()))
			}
		})
	}
	t.Run("cells default", func(t *testing.T) {
		if got := readXLSXBytes(t, "x.xlsx", b, Options{}); len(got.Problems) > 0 || len(got.Observations()) != 5 {
			t.Errorf("got %d observations and problems %v", len(got.Observations()), got.Problems)
		}
	})
	t.Run("styled empty cells beyond the columns", func(t *testing.T) {
		b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
			table(f, w)
			numFmt(w, 10, "", "Z1", "Z2") // empty, styled: not counted
		})
		if got := readXLSXBytes(t, "x.xlsx", b, Options{MaxCols: 4}); len(got.Problems) > 0 || len(got.Observations()) != 5 {
			t.Errorf("got %d observations and problems %v", len(got.Observations()), got.Problems)
		}
	})
	t.Run("row number beyond the limit", func(t *testing.T) {
		b := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
			table(f, w)
			w.row(100, "2025-12", "referrals", "south", 1)
		})
		got := readXLSXBytes(t, "x.xlsx", b, Options{MaxRows: 50})
		want := []string{"x.xlsx: Data!A51: the workbook has more than 50 rows (split it into smaller files)"}
		if diff := cmp.Diff(want, problemLines(got.Problems)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

// TestXLSXBadSheet checks that content the sheet reader refuses is a
// problem naming the sheet and row, never an error.
func TestXLSXBadSheet(t *testing.T) {
	tests := []struct {
		name, sheet string
		want        string
	}{
		{"bad cell", sheetXMLOf(`<row r="1"><c r="A1" t="inlineStr"><is><t>Period</t></is></c></row>` +
			`<row r="2"><c r="A2"><v>1</v><v>2</v></c></row>`),
			"bad.xlsx: Sheet1!A2: row 2 cannot be read: a cell has two <v> elements (open it in Excel or Calc and save it again as an Excel Workbook (.xlsx))"},
		{"shared string out of range", sheetXMLOf(`<row r="3"><c r="B3" t="s"><v>9</v></c></row>`),
			"bad.xlsx: Sheet1!A3: row 3 cannot be read: cell B: shared string index \"9\" is not one of the 5 shared strings (open it in Excel or Calc and save it again as an Excel Workbook (.xlsx))"},
		{"doctype", `<!DOCTYPE x><worksheet><sheetData/></worksheet>`,
			"bad.xlsx: Sheet1: the sheet cannot be read: a document type declaration is not allowed (open it in Excel or Calc and save it again as an Excel Workbook (.xlsx))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildSheetWorkbook(t, []byte(tt.sheet), sheetMinimalSST)
			got := readXLSXBytes(t, "bad.xlsx", b, Options{})
			if diff := cmp.Diff([]string{tt.want}, problemLines(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Hidden sheets are skipped unless asked for.
func TestHiddenSheetsOption(t *testing.T) {
	res, err := ReadFile(context.Background(), "testdata/hiddenonly.bad.xlsx", testCatalogue(), Options{HiddenSheets: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || len(res.Observations()) == 0 {
		t.Errorf("with HiddenSheets: problems %v, %d observations; want the hidden sheet's figures", res.Problems, len(res.Observations()))
	}
}
