package collector

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		in   string
		want value
		err  bool
	}{
		{in: "12", want: value{num: 12}},
		{in: " 1,234 ", want: value{num: 1234}},
		{in: "1,234,567.5", want: value{num: 1234567.5}},
		{in: "87.5%", want: value{num: 0.875, percent: true}},
		{in: "87.5 %", want: value{num: 0.875, percent: true}},
		{in: "-3", want: value{num: -3}},
		{in: "£1,200.50", want: value{num: 1200.5}},
		{in: "(12)", want: value{num: -12}},
		{in: "(£1,200.50)", want: value{num: -1200.5}},
		{in: "'87.5", want: value{num: 87.5}},
		{in: "'87.5%", want: value{num: 0.875, percent: true}},
		{in: "87.5\u00a0%", want: value{num: 0.875, percent: true}},
		{in: "\u00a01,234\u00a0", want: value{num: 1234}},
		{in: "0.87500000000000011", want: value{num: 0.87500000000000011}},
		{in: "", want: value{kind: valueBlank}},
		{in: "\u00a0", want: value{kind: valueBlank}},
		{in: "-", want: value{kind: valueMissing}},
		{in: "n/a", want: value{kind: valueMissing}},
		{in: "N/A", want: value{kind: valueMissing}},
		{in: "..", want: value{kind: valueMissing}},
		{in: "–", want: value{kind: valueMissing}},
		{in: "c", want: value{kind: valueSuppressed}},
		{in: "X", want: value{kind: valueSuppressed}},
		{in: "*", want: value{kind: valueSuppressed}},
		{in: "<5", want: value{kind: valueSuppressed}},
		{in: "< 10", want: value{kind: valueSuppressed}},
		{in: "Low", want: value{kind: valueSuppressed}},
		{in: "[c]", want: value{kind: valueSuppressed}},
		{in: "ten", err: true},
		{in: "(12", err: true},
		{in: "()", err: true},
		{in: "1,2", err: true},
		{in: "12,34", err: true},
		{in: "1 300", err: true},
		{in: "NaN", err: true},
		{in: "Inf", err: true},
		{in: "#DIV/0!", err: true},
		{in: "%", err: true},
		{in: "<", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseValue(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("parseValue(%q) error %v, want error %v", tt.in, err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Errorf("parseValue(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]vs.Status{
		"": "", "Actual": vs.StatusActual, "final": vs.StatusActual, "CONFIRMED": vs.StatusActual,
		"provisional": vs.StatusProvisional, "Prov": vs.StatusProvisional, "p": vs.StatusProvisional,
	} {
		if got, ok := parseStatus(in); !ok || got != want {
			t.Errorf("parseStatus(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	for _, in := range []string{"draft", "suppressed", "missing", "yes"} {
		if _, ok := parseStatus(in); ok {
			t.Errorf("parseStatus(%q) ok, want not a status", in)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	d := func(y int, m time.Month, day int) vs.Date { return vs.Date{Year: y, Month: m, Day: day} }
	tests := []struct {
		in       string
		serials  bool
		date1904 bool
		freq     vs.Frequency
		want     vs.Period
		err      bool
	}{
		{in: "2025-09", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "2025-09-30", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "2025-09-30T00:00:00", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "30/09/2025", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "01/04/2024", freq: vs.Monthly, want: vs.Month(2024, 4)}, // day first: 1 April
		{in: "01/04/2024", freq: vs.Weekly, want: vs.WeekEnding(vs.Weekly, d(2024, 4, 1))},
		{in: "1/4/24", freq: vs.Monthly, want: vs.Month(2024, 4)},
		{in: "12/01/2025", freq: vs.Monthly, want: vs.Month(2025, 1)},
		{in: "Sep-25", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "sep 2025", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "Sept 2025", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "September 2025", freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "Sept 21", freq: vs.Monthly, want: vs.Month(2021, 9)},
		{in: "2025-26 Q1", freq: vs.Quarterly, want: vs.Quarter(2025, 1)},
		{in: "2025/26 Q4", freq: vs.Quarterly, want: vs.Quarter(2025, 4)},
		{in: "Q2 2025-26", freq: vs.Quarterly, want: vs.Quarter(2025, 2)},
		{in: "Jun-25", freq: vs.Quarterly, want: vs.Quarter(2025, 1)},
		{in: "2024-25", freq: vs.Annual, want: vs.FinancialYear(2024)},
		{in: "2011-12", freq: vs.Annual, want: vs.FinancialYear(2011)},
		{in: "2011-12", freq: vs.Monthly, want: vs.Month(2011, 12)},
		{in: "31/03/2025", freq: vs.Annual, want: vs.FinancialYear(2024)},
		{in: "45930", serials: true, freq: vs.Monthly, want: vs.Month(2025, 9)},
		{in: "45930.5", serials: true, freq: vs.Weekly, want: vs.WeekEnding(vs.Weekly, d(2025, 9, 30))},
		{in: "44468", serials: true, date1904: true, freq: vs.Weekly, want: vs.WeekEnding(vs.Weekly, d(2025, 9, 30))},
		{in: "45930", freq: vs.Monthly, err: true},                // csv: no serials
		{in: "12345", serials: true, freq: vs.Monthly, err: true}, // 1933
		{in: "2025-09", freq: vs.Weekly, err: true},
		{in: "2025-26 Q1", freq: vs.Monthly, err: true},
		{in: "2025-26", freq: vs.Quarterly, err: true},
		{in: "31/02/2025", freq: vs.Monthly, err: true},
		{in: "13/13/2025", freq: vs.Monthly, err: true},
		{in: "2025-13", freq: vs.Monthly, err: true},
		{in: "2025-26 Q5", freq: vs.Quarterly, err: true},
		{in: "Smarch 2025", freq: vs.Monthly, err: true},
		{in: "", freq: vs.Monthly, err: true},
	}
	for _, tt := range tests {
		t.Run(string(tt.freq)+"/"+tt.in, func(t *testing.T) {
			l, err := parseLabel(tt.in, tt.serials, tt.date1904)
			var got vs.Period
			if err == nil {
				got, err = l.resolve(tt.freq, tt.in)
			}
			if (err != nil) != tt.err {
				t.Fatalf("period %q (%s): error %v, want error %v", tt.in, tt.freq, err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Errorf("period %q (%s) = %v, want %v", tt.in, tt.freq, got, tt.want)
			}
		})
	}
}

func TestHeaderAliases(t *testing.T) {
	for header, want := range map[string]field{
		"Period": fPeriod, "MONTH": fPeriod, "date": fPeriod, "Reporting period": fPeriod, "reporting_period": fPeriod,
		"Indicator": fIndicator, "Measure": fIndicator, "KPI": fIndicator, "Indicator ID": fIndicator, "indicator-name": fIndicator,
		"Team": fTeam, "Area": fTeam, "Locality": fTeam, "Service": fTeam,
		"Value": fValue, "Actual": fValue, " Result ": fValue, "Performance": fValue,
		"Numerator": fNumerator, "Denominator": fDenominator, "Status": fStatus,
		"Commentary": fCommentary, "Comment": fCommentary, "Notes": fCommentary,
		"Outcome": fOutcome, "Outcomes": fOutcome, "Impact": fOutcome,
		// As case-management exports and trackers head them.
		"Reporting Month": fPeriod, "Month ending": fPeriod, "Period ending": fPeriod,
		"KPI name": fIndicator, "KPI Description": fIndicator, "Measure name": fIndicator, "Indicator description": fIndicator,
		"Team Name": fTeam, "Service area": fTeam,
		"Percentage": fValue, "%": fValue, "Figure": fValue, "Rate": fValue, "Score": fValue, "Count": fValue, "Number": fValue,
		"Narrative": fCommentary,
	} {
		if got, ok := fieldOf(header); !ok || got != want {
			t.Errorf("fieldOf(%q) = %v, %v; want %v", header, got, ok, want)
		}
	}
	for _, header := range []string{"", "RAG", "Target", "Vital Signs performance report"} {
		if f, ok := fieldOf(header); ok {
			t.Errorf("fieldOf(%q) = %v, want not a field", header, f)
		}
	}
}

// TestAllProblemsAtOnce checks that every bad row is reported, not the first.
func TestAllProblemsAtOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("Period,Indicator,Value\n")
	for range 30 {
		b.WriteString("2025-09,nope,1\n")
	}
	got := readString(t, "many.csv", b.String(), Options{})
	if len(got.Problems) != 30 {
		t.Errorf("got %d problems, want 30", len(got.Problems))
	}
	if got.Rows != 30 || len(got.Observations()) != 0 {
		t.Errorf("got rows %d and %d observations, want 30 and 0", got.Rows, len(got.Observations()))
	}
}

func TestProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("Period,Indicator,Value\n")
	for range maxProblems + 5 {
		b.WriteString("2025-09,nope,1\n")
	}
	got := readString(t, "lots.csv", b.String(), Options{})
	if len(got.Problems) != maxProblems+1 {
		t.Fatalf("got %d problems, want %d", len(got.Problems), maxProblems+1)
	}
	if want := "lots.csv: 5 more problems not listed: fix those above and try again"; got.Problems[maxProblems].String() != want {
		t.Errorf("last problem %q, want %q", got.Problems[maxProblems], want)
	}
}

func TestLimits(t *testing.T) {
	csv := "Period,Indicator,Value\n2025-09,referrals,1\n2025-10,referrals,2\n2025-11,referrals,3\n"
	tests := []struct {
		name string
		opt  Options
		want []string
	}{
		{"bytes", Options{MaxBytes: 10}, []string{"x.csv: the file is 83 bytes, more than the limit of 10 bytes (split it into smaller files)"}},
		{"rows", Options{MaxRows: 3}, []string{"x.csv:4:1: the file has more than 3 rows (split it into smaller files)"}},
		{"cols", Options{MaxCols: 2}, []string{"x.csv:1:1: this row has 3 columns, more than the limit of 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", csv, tt.opt)
			var lines []string
			for _, p := range got.Problems {
				lines = append(lines, p.String())
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("xlsx rows", func(t *testing.T) {
		got, err := ReadFile(context.Background(), "testdata/long.good.xlsx", testCatalogue(), Options{MaxRows: 5})
		if err != nil {
			t.Fatal(err)
		}
		want := "long.good.xlsx: Data!A4: the workbook has more than 5 rows (split it into smaller files)"
		if len(got.Problems) != 1 || got.Problems[0].String() != want {
			t.Errorf("got %v, want %s", got.Problems, want)
		}
	})
}

func TestHostile(t *testing.T) {
	t.Run("xls", func(t *testing.T) {
		got := readString(t, "old.xls", string(oleMagic)+"rest", Options{})
		if got.Format != FormatXLSX || len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Reason, ".xls") {
			t.Errorf("got %s %v, want one .xls problem", got.Format, got.Problems)
		}
	})
	t.Run("renamed image", func(t *testing.T) {
		png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
		got := readString(t, "october.xlsx", png, Options{})
		want := "october.xlsx: this file is a PNG image, not an Excel workbook (.xlsx) or CSV file"
		if len(got.Problems) != 1 || !strings.HasPrefix(got.Problems[0].String(), want) {
			t.Errorf("got %v, want one problem starting %q", got.Problems, want)
		}
	})
	t.Run("not a zip", func(t *testing.T) {
		got := readString(t, "broken.xlsx", "PK\x03\x04garbage", Options{})
		if len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Reason, "cannot be opened") {
			t.Errorf("got %v, want one cannot-be-opened problem", got.Problems)
		}
	})
	t.Run("zip bomb", func(t *testing.T) {
		// A part that claims to unpack to 1 GiB is refused before inflating.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CompressedSize64: 2, UncompressedSize64: 4 << 30})
		if err == nil {
			_, err = w.Write([]byte{3, 0})
		}
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := readString(t, "bomb.xlsx", buf.String(), Options{})
		if len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Reason, "unpacks to more than 1024 MiB") {
			t.Errorf("got %v, want one unpack-size problem", got.Problems)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v, want well under 5s", d)
		}
	})
	t.Run("windows-1252", func(t *testing.T) {
		// Not UTF-8, so read as Windows-1252, Excel's plain "CSV": 0xA3 is £.
		got := readString(t, "latin1.csv", "Period,Indicator,Team,Value\n2025-09,referrals,\xa3north,1\n", Options{})
		want := []string{
			`latin1.csv:2:19: unknown team "£north" (did you mean "north"?)`,
		}
		var lines []string
		for _, p := range got.Problems {
			lines = append(lines, p.String())
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}

func TestCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("Period,Indicator,Value\n")
	for range 10000 {
		b.WriteString("2025-09,referrals,1\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := b.String()
	_, err := Read(ctx, "x.csv", strings.NewReader(s), int64(len(s)), testCatalogue(), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want context.Canceled", err)
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(context.Background(), filepath.Join(t.TempDir(), "none.csv"), testCatalogue(), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got error %v, want os.ErrNotExist", err)
	}
}

// TestHiddenSheetSkipped checks that the hidden Lookup sheet of
// long.good.xlsx, whose rows are all bad, is not read.
func TestHiddenSheetSkipped(t *testing.T) {
	got, err := ReadFile(context.Background(), "testdata/long.good.xlsx", testCatalogue(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got.Problems {
		if p.Sheet == "Lookup" {
			t.Errorf("got a problem on the hidden sheet: %v", p)
		}
	}
	if len(got.Observations()) == 0 {
		t.Errorf("got no observations from the visible sheet")
	}
}
