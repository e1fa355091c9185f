package collector

import (
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

var update = flag.Bool("update", false, "rewrite the generated xlsx fixtures in testdata")

// testCatalogue is a small catalogue built in code, so that the tests do not
// depend on the built-in one.
func testCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Authority: vs.Authority{Name: "Anyshire County Council"},
		Teams: []vs.Team{
			{ID: "north", Name: "North Locality"},
			{ID: "south", Name: "South Locality"},
		},
		Indicators: []vs.Indicator{
			{ID: "referrals", Name: "Referrals", Unit: vs.UnitCount, Frequency: vs.Monthly, Aliases: []string{"Number of referrals"}},
			{ID: "agency_rate", Name: "Agency social worker rate", Unit: vs.UnitPercent, Frequency: vs.Monthly, Aliases: []string{"% agency SWs"}},
			{ID: "cla_visits_in_timescale", Name: "Children in care visited within timescales", Unit: vs.UnitPercent, Frequency: vs.Monthly, Aliases: []string{"CIC visits in timescale"}},
			{ID: "cla_awaiting_health_assessment", Name: "Children awaiting a health assessment", Unit: vs.UnitCount, Frequency: vs.Weekly},
			{ID: "care_leavers_eet", Name: "Care leavers in education, employment or training", Unit: vs.UnitPercent, Frequency: vs.Quarterly},
			{ID: "cla_rate_per_10k", Name: "Children looked after per 10,000", Unit: vs.UnitRatePer10k, Frequency: vs.Monthly},
		},
	}
}

// TestGenerateFixtures writes the excelize-made xlsx fixtures. Run it with
// go test -run TestGenerateFixtures -update ./collector
func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the fixtures")
	}
	for name, build := range map[string]func(*excelize.File) error{
		"long.good.xlsx":      buildLongGood,
		"problems.bad.xlsx":   buildProblemsBad,
		"noheader.bad.xlsx":   buildNoHeaderBad,
		"hiddenonly.bad.xlsx": buildHiddenOnlyBad,
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

// sheetWriter sets cells and keeps the first error.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *sheetWriter) set(cell string, v any) {
	if w.err == nil {
		w.err = w.f.SetCellValue(w.sheet, cell, v)
	}
}

func (w *sheetWriter) row(n int, vals ...any) {
	for i, v := range vals {
		if v == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(i+1, n)
		if err != nil {
			w.err = err
			return
		}
		w.set(cell, v)
	}
}

func (w *sheetWriter) style(cell string, s *excelize.Style) {
	if w.err != nil {
		return
	}
	id, err := w.f.NewStyle(s)
	if err == nil {
		err = w.f.SetCellStyle(w.sheet, cell, cell, id)
	}
	w.err = err
}

func newSheet(f *excelize.File, name string) *sheetWriter {
	w := &sheetWriter{f: f, sheet: name}
	if name == "Sheet1" {
		return w
	}
	_, w.err = f.NewSheet(name)
	return w
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func buildLongGood(f *excelize.File) error {
	cover := newSheet(f, "Sheet1")
	cover.row(1, "Vital Signs workbook")
	cover.row(2, "Fill in the Data sheet; this one is read by nobody.")
	if err := f.SetSheetName("Sheet1", "Cover"); err != nil {
		return err
	}
	cover.sheet = "Cover"
	if cover.err != nil {
		return cover.err
	}

	d := newSheet(f, "Data")
	d.row(1, "Vital Signs – September 2025")
	if d.err == nil {
		d.err = f.MergeCell("Data", "A1", "E1")
	}
	d.row(3, "Month", "Indicator name", "Locality", "Performance", "Notes")
	d.row(4, day(2025, 9, 30), "Referrals", "North Locality", 1234, "Up on August")
	d.row(5, day(2025, 9, 30), "CIC visits in timescale", "north", 0.875)
	d.row(6, day(2025, 9, 30), "CIC visits in timescale", "south", 1)
	d.row(7, "2025-09", "referrals", nil, "x")
	d.row(9, "Note: figures for September are provisional.")
	for _, c := range []string{"A4", "A5", "A6"} {
		d.style(c, &excelize.Style{NumFmt: 14}) // d/m/yyyy
	}
	for _, c := range []string{"D5", "D6"} {
		d.style(c, &excelize.Style{NumFmt: 10}) // 0.00%
	}
	if d.err != nil {
		return d.err
	}

	h := newSheet(f, "Lookup")
	h.row(1, "Period", "Indicator", "Value")
	h.row(2, "not a period", "nothing", "none")
	if h.err != nil {
		return h.err
	}
	return f.SetSheetVisible("Lookup", false)
}

func buildProblemsBad(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		return err
	}
	d := &sheetWriter{f: f, sheet: "Data"}
	d.row(1, "Period", "Indicator", "Team", "Value", "Status")
	d.row(2, "2025-09", "referrals", "north", 10)
	d.row(3, day(2025, 9, 15), "referrals", "North Locality", 11)
	d.row(4, 12345, "referrals", "south", 5)
	d.row(5, "2025-09", "agency_rate", "north", 0.5)
	d.row(6, "2025-09", "agency_rate", "south", 50)
	d.row(7, "2025-09", "referrals", "south")
	if d.err == nil {
		d.err = f.SetCellFormula("Data", "D7", "D2+1")
	}
	d.row(8, "2025-09", "Caseloads", "north", 3, "draft")
	d.style("A3", &excelize.Style{NumFmt: 14})
	if d.err != nil {
		return d.err
	}

	b := newSheet(f, "Team B")
	b.row(1, "Team B figures")
	b.row(2, "Period", "Indicator", "Team", "Value")
	b.row(3, "2025-26 Q1", "referrals", "north", 4)
	return b.err
}

func buildNoHeaderBad(f *excelize.File) error {
	s := newSheet(f, "Sheet1")
	s.row(1, "Vital Signs")
	s.row(2, "Month", "KPI", "Team")
	s.row(3, "2025-09", "referrals", "north")
	return s.err
}

func buildHiddenOnlyBad(f *excelize.File) error {
	s := newSheet(f, "Sheet1")
	s.row(1, "See the other sheet")
	h := newSheet(f, "Data")
	h.row(1, "Period", "Indicator", "Value")
	h.row(2, "2025-09", "referrals", 3)
	if s.err != nil || h.err != nil {
		return cmpErr(s.err, h.err)
	}
	return f.SetSheetVisible("Data", false)
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
