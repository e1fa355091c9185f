package reports_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

func TestWriteScorecard(t *testing.T) {
	cat := testCatalogue()
	rr := &cat.Indicators[0]
	rr.Benchmarks = append(rr.Benchmarks, vs.Benchmark{Source: vs.BenchmarkRegion, Value: 0.21, Year: "2025", Reference: "year to 31 March 2025"})
	rr.Benchmarks[0].Year = "2025"
	rr.Standing = &vs.Standing{Year: "2025", Rank: 75, Ranked: 148, Band: "C"}
	var figs []vs.Observation
	refs := series("rereferrals_12m", "authority", 0.21, 0.26)
	refs[1].Commentary = `=HYPERLINK("http://example.invalid","click") <script>alert(1)</script>`
	refs[1].Outcome = "+1 social worker from November"
	figs = append(figs, refs...)
	figs = append(figs, series("cla_visits_in_timescale", "authority", 0.97, 0.96, 0.955)...)
	figs = append(figs, series("referrals", "authority", 1234, 1301)...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September))

	var buf bytes.Buffer
	if err := reports.WriteScorecard(&buf, m); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != "Front Door|Children in Care|Data" {
		t.Fatalf("sheets %v", got)
	}
	get := func(sheet, cell string) string {
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	raw := func(sheet, cell string) string {
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Front Door: re-referrals (row 2), referrals (row 3).
	if get("Front Door", "A2") != "Re-referrals within 12 months" || raw("Front Door", "C2") != "0.26" || get("Front Door", "C2") != "26.0%" {
		t.Errorf("re-referrals latest: %q raw %q", get("Front Door", "C2"), raw("Front Door", "C2"))
	}
	if typ, _ := f.GetCellType("Front Door", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("latest value stored as text (%v), want a number", typ)
	}
	if get("Front Door", "G2") != "Red" || get("Front Door", "F2") != "22.0%" || get("Front Door", "H2") != "22.6%" {
		t.Errorf("RAG %q, target %q, England %q", get("Front Door", "G2"), get("Front Door", "F2"), get("Front Door", "H2"))
	}
	if get("Front Door", "Q2") != "21.0%" || get("Front Door", "R2") != "2025" || get("Front Door", "S2") != "C" || get("Front Door", "T2") != "75 of 148" {
		t.Errorf("region %q, year %q, band %q, rank %q", get("Front Door", "Q2"), get("Front Door", "R2"), get("Front Door", "S2"), get("Front Door", "T2"))
	}
	if get("Front Door", "C3") != "1,301" || get("Front Door", "G3") != "Not rated" {
		t.Errorf("referrals: %q, %q", get("Front Door", "C3"), get("Front Door", "G3"))
	}
	// Spreadsheet text stays text: no formula, and guarded with an
	// apostrophe where it starts like one (=, +).
	if formula, _ := f.GetCellFormula("Front Door", "M2"); formula != "" || get("Front Door", "M2") != "'"+refs[1].Commentary || get("Front Door", "N2") != "'"+refs[1].Outcome {
		t.Errorf("commentary: formula %q, value %q", formula, get("Front Door", "M2"))
	}
	if !strings.Contains(get("Front Door", "O2"), "rose to 26% in September 2026") {
		t.Errorf("narrative %q", get("Front Door", "O2"))
	}
	// RAG as conditional formatting over the RAG column; frozen header;
	// autofilter.
	cfs, err := f.GetConditionalFormats("Front Door")
	if err != nil || len(cfs["G2:G3"]) != 3 {
		t.Errorf("conditional formats %v, %v", cfs, err)
	}
	if panes, err := f.GetPanes("Children in Care"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v", panes, err)
	}
	filters := 0
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters++
		}
	}
	if filters != 3 {
		t.Errorf("%d autofilters, want one per sheet (3)", filters)
	}
	// Data: every period of every indicator: 2 + 3 + 2.
	rows, _ := f.GetRows("Data")
	if len(rows) != 1+7 {
		t.Errorf("Data has %d rows, want a header and 7", len(rows))
	}
}
