package collector

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// exportCSV is a case-management system's export, headed in its own words.
const exportCSV = "Reporting Month,KPI Description,Team Name,Numerator,Denominator,Percentage\n" +
	"Sep-25,Children in care visited within timescales,North Locality,35,40,87.5%\n" +
	"Sep-25,Children in care visited within timescales,South Locality,18,24,75.0%\n" +
	"Sep-25,Agency social worker rate,,12,48,25\n"

func exportWant() []vs.Observation {
	ratio := func(o vs.Observation, n, d float64) vs.Observation {
		return with(o, func(o *vs.Observation) { o.Numerator, o.Denominator = num(n), num(d) })
	}
	return []vs.Observation{
		ratio(obs("cla_visits_in_timescale", "north", mon(2025, 9), num(0.875), vs.StatusActual), 35, 40),
		ratio(obs("cla_visits_in_timescale", "south", mon(2025, 9), num(0.75), vs.StatusActual), 18, 24),
		ratio(obs("agency_rate", "authority", mon(2025, 9), num(0.25), vs.StatusActual), 12, 48),
	}
}

// TestExportColumnNames reads exports headed in words the template does
// not use, built in and configured.
func TestExportColumnNames(t *testing.T) {
	configured := testCatalogue()
	configured.Columns = vs.ColumnNames{Value: []string{"Rate (%)"}, Indicator: []string{"PI ref"},
		Period: []string{"Snapshot"}, Team: []string{"Hub"}}
	tests := []struct {
		name string
		cat  *vs.Catalogue
		csv  string
		want []vs.Observation
	}{
		{"built-in names", testCatalogue(), exportCSV, exportWant()},
		{"no value column: the ratio", testCatalogue(),
			"Month ending,Measure name,Service area,Numerator,Denominator\n" +
				"30/09/2025,cla_visits_in_timescale,north,35,40\n" +
				"30/09/2025,cla_rate_per_10k,,60,12000\n",
			[]vs.Observation{
				with(obs("cla_visits_in_timescale", "north", mon(2025, 9), num(0.875), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(35), num(40)
				}),
				with(obs("cla_rate_per_10k", "authority", mon(2025, 9), num(50), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(60), num(12000)
				}),
			}},
		{"configured names", configured,
			"Snapshot,PI ref,Hub,Rate (%)\n2025-09,agency_rate,south,24.5\n2025-09,referrals,,310\n",
			[]vs.Observation{
				obs("agency_rate", "south", mon(2025, 9), num(0.245), vs.StatusActual),
				obs("referrals", "authority", mon(2025, 9), num(310), vs.StatusActual),
			}},
		{"other built-in names", testCatalogue(),
			"Period ending,KPI name,Area name,Figure,Narrative\n2025-09,referrals,north,12,Steady\n",
			[]vs.Observation{with(obs("referrals", "north", mon(2025, 9), num(12), vs.StatusActual), func(o *vs.Observation) { o.Commentary = "Steady" })}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readBytes(t, "export.csv", []byte(tt.csv), tt.cat, Options{})
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExportColumnProblems pins what an export's own columns can get
// wrong.
func TestExportColumnProblems(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		probs []string
	}{
		{"percentage disagrees with the ratio",
			"Reporting month,KPI,Numerator,Denominator,Percentage\n" +
				"2025-09,cla_visits_in_timescale,35,40,88%\n" + // rounding: agrees
				"2025-10,cla_visits_in_timescale,35,40,80%\n" +
				"2025-11,cla_visits_in_timescale,35,40,0.875\n" +
				"2025-12,cla_visits_in_timescale,35,40,0.9\n" + // agrees, to one place
				"2026-01,cla_visits_in_timescale,35,40,0.86\n" +
				"2025-09,cla_rate_per_10k,60,12000,51\n",
			[]string{
				`x.csv:3:39: the value "80%" disagrees with the numerator and denominator: 35 / 40 is 87.5% (correct the value, the numerator or the denominator)`,
				`x.csv:6:39: the value "0.86" disagrees with the numerator and denominator: 35 / 40 is 87.5% (correct the value, the numerator or the denominator)`,
				`x.csv:7:35: the value "51" disagrees with the numerator and denominator: 60 / 12000 is 50 per 10,000 (correct the value, the numerator or the denominator)`,
			}},
		{"a count has no ratio",
			"Period,Indicator,Numerator,Denominator\n2025-09,referrals,3,4\n",
			[]string{`x.csv:2:9: the table has no Value column, and indicator referrals is a count: only a percentage or a rate is worked out from the numerator and denominator (add a Value column with the figure)`}},
		{"unknown names still refused",
			"Reporting Month,KPI Description,Team Name,Numerator,Total\n2025-09,referrals,north,1,2\n",
			[]string{`x.csv:1:1: this row looks like the header (Period, Indicator, Team, Numerator) but lacks Value (or Actual, Result, Performance, Percentage, %, Figure, Rate, Score, Count, Number; or Numerator and Denominator) (expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator)`}},
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

// A configured name wins over a built-in one for another column, and is
// listed when a header lacks a column.
func TestConfiguredColumnNames(t *testing.T) {
	cat := testCatalogue()
	cat.Columns = vs.ColumnNames{Indicator: []string{"Measure name", "PI ref"}, Team: []string{"Rate"}, Value: []string{"Outturn"}}
	got := readBytes(t, "x.csv", []byte("Month,PI ref,Rate,Outturn\n2025-09,referrals,north,4\n"), cat, Options{})
	want := []vs.Observation{obs("referrals", "north", mon(2025, 9), num(4), vs.StatusActual)}
	if diff := cmp.Diff(want, got.Observations()); diff != "" || len(got.Problems) > 0 {
		t.Errorf("observations (-want +got):\n%s\nproblems %v", diff, got.Problems)
	}
	got = readBytes(t, "x.csv", []byte("Month,PI ref,Team\n2025-09,referrals,north\n"), cat, Options{})
	const want1 = `lacks Value (or Actual, Result, Performance, Percentage, %, Figure, Rate, Score, Count, Number, Outturn; or Numerator and Denominator)`
	if len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Reason, want1) {
		t.Errorf("problems %v, want one saying %q", got.Problems, want1)
	}
}

// buildExport is the export of exportCSV as a workbook: date cells for the
// months, a percent-formatted Percentage column.
func buildExport(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Export"); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: "Export"}
	s.row(1, "Reporting Month", "KPI Description", "Team Name", "Numerator", "Denominator", "Percentage")
	s.row(2, day(2025, time.September, 30), "Children in care visited within timescales", "North Locality", 35, 40, 0.875)
	s.row(3, day(2025, time.September, 30), "Children in care visited within timescales", "South Locality", 18, 24, 0.75)
	s.row(4, day(2025, time.September, 30), "Agency social worker rate", nil, 12, 48, 0.25)
	for _, c := range []string{"A2", "A3", "A4"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtDate})
	}
	for _, c := range []string{"F2", "F3", "F4"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtPercent})
	}
	return s.err
}

// An export with its own column names, saved by a spreadsheet
// application, is read with every figure exact.
func TestExportLibreOffice(t *testing.T) {
	path := calcResave(t, "export.xlsx", buildExport)
	got, err := ReadFile(context.Background(), path, testCatalogue(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) > 0 {
		t.Fatalf("problems: %v", got.Problems)
	}
	if diff := cmp.Diff(exportWant(), got.Observations()); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
}

// No built-in indicator's id, name or alias is also a column's name, or a
// sheet with indicators across would be read wrongly.
func TestColumnNamesAreNotIndicators(t *testing.T) {
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range cat.Indicators {
		for _, n := range append([]string{ind.ID, ind.Name}, ind.Aliases...) {
			if f, ok := fieldOf(n); ok {
				t.Errorf("indicator %s's name %q is also the column %s", ind.ID, n, f)
			}
		}
	}
}
