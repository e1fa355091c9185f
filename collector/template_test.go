package collector_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/store"
)

// tmplNow is when the test templates are made: 10:30 in London.
var tmplNow = time.Date(2026, time.November, 5, 10, 30, 0, 0, time.UTC)

// tmplCatalogue is the built-in catalogue with two teams, one of them with
// a name that needs escaping in XML.
func tmplCatalogue(t *testing.T) *vs.Catalogue {
	t.Helper()
	def, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := *def
	cat.Teams = []vs.Team{{ID: "north", Name: "North Locality"}, {ID: "south_east", Name: "South & East"}}
	// England's figure as vitalsigns draws it from DfE's data.
	cat.Indicators = slices.Clone(def.Indicators)
	for i := range cat.Indicators {
		if cat.Indicators[i].ID == "agency_rate" {
			cat.Indicators[i].Benchmarks = []vs.Benchmark{{Source: vs.BenchmarkEngland, Value: 0.13, Year: "2025",
				Reference: "at 30 September 2025", Publication: "Children's social work workforce 2025"}}
		}
	}
	return &cat
}

// tmplWrite writes the template for cat into a temporary directory.
func tmplWrite(t *testing.T, cat *vs.Catalogue) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.xlsx")
	var buf bytes.Buffer
	if err := collector.Template(&buf, cat, tmplNow); err != nil {
		t.Fatalf("Template: %v", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func tmplOpen(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func tmplRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	return rows
}

// tmplRange reads the values of a range such as Lists!$A$2:$A$34.
func tmplRange(t *testing.T, f *excelize.File, ref string) []string {
	t.Helper()
	sheet, cells, ok := strings.Cut(strings.ReplaceAll(ref, "$", ""), "!")
	if !ok {
		t.Fatalf("%q is not a reference to another sheet", ref)
	}
	from, to, _ := strings.Cut(cells, ":")
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		t.Fatal(err)
	}
	c2, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 {
		t.Fatalf("range %q spans columns", ref)
	}
	var out []string
	for r := r1; r <= r2; r++ {
		cell, _ := excelize.CoordinatesToCellName(c1, r)
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func tmplIndicatorNames(cat *vs.Catalogue) []string {
	var names []string
	for _, ind := range cat.Indicators {
		names = append(names, ind.Name)
	}
	return names
}

func TestTemplateSheets(t *testing.T) {
	cat := tmplCatalogue(t)
	f := tmplOpen(t, tmplWrite(t, cat))

	want := []string{"Instructions", "Data", "Definitions", "Lists"}
	if diff := cmp.Diff(want, f.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	for _, s := range want {
		visible, err := f.GetSheetVisible(s)
		if err != nil {
			t.Fatal(err)
		}
		if wantVisible := s != collector.TemplateLists; visible != wantVisible {
			t.Errorf("sheet %s visible = %v, want %v", s, visible, wantVisible)
		}
	}
	if got := f.GetSheetName(f.GetActiveSheetIndex()); got != collector.TemplateData {
		t.Errorf("active sheet = %q, want %q (the workbook opens on its data)", got, collector.TemplateData)
	}

	// Data: the header row and nothing else.
	rows := tmplRows(t, f, collector.TemplateData)
	header := []string{"Period", "Indicator", "Team", "Value", "Numerator", "Denominator", "Status", "Commentary", "Outcome"}
	if diff := cmp.Diff([][]string{header}, rows); diff != "" {
		t.Errorf("Data rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(header, collector.TemplateHeader()); diff != "" {
		t.Errorf("TemplateHeader (-want +got):\n%s", diff)
	}
	for _, s := range []string{collector.TemplateData, collector.TemplateDefinitions} {
		panes, err := f.GetPanes(s)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s panes = %+v, want the header row frozen", s, panes)
		}
	}
	// Text columns keep what is typed: 2025-09 stays 2025-09, and text
	// starting with = is not a formula. Value columns stay General.
	for col, wantText := range map[string]bool{"A": true, "B": true, "C": true, "D": false, "E": false,
		"F": false, "G": true, "H": true, "I": true} {
		id, err := f.GetColStyle(collector.TemplateData, col)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.NumFmt == 49; got != wantText {
			t.Errorf("Data column %s text-formatted = %v, want %v", col, got, wantText)
		}
		w, err := f.GetColWidth(collector.TemplateData, col)
		if err != nil {
			t.Fatal(err)
		}
		if w < 10 {
			t.Errorf("Data column %s width = %v, want at least 10", col, w)
		}
	}

	// Instructions: who, when, how.
	var text strings.Builder
	for _, r := range tmplRows(t, f, collector.TemplateInstructions) {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, want := range []string{
		"Example Council", "5 November 2026", "33 indicators, 2 teams",
		"one row per figure", "2025-09", "day first", "01/04/2025 is 1 April 2025",
		"leave it blank for the whole authority", "87.5% or 0.875", "- or n/a", "c, x, * or <5",
		"actual, or provisional", "public committee papers", "never name a child",
		"vitalsigns ingest FILE", "inbox folder", "Upload the file", "formatted as text",
		"Reporting month", "KPI description", "worked out from Numerator and Denominator",
		"bare months Apr … Mar", "a sheet per team",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("Instructions do not say %q:\n%s", want, text.String())
		}
	}
}

func TestTemplateValidations(t *testing.T) {
	cat := tmplCatalogue(t)
	f := tmplOpen(t, tmplWrite(t, cat))
	dvs, err := f.GetDataValidations(collector.TemplateData)
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[dv.Sqref] = dv
	}
	// Every column has an input message over rows 2–5000, within Excel's
	// limits and not cut short.
	for i, name := range collector.TemplateHeader() {
		col, _ := excelize.ColumnNumberToName(i + 1)
		sqref := col + "2:" + col + "5000"
		dv, ok := bySqref[sqref]
		if !ok {
			t.Errorf("no validation for %s (%s); have %v", name, sqref, slices.Sorted(maps.Keys(bySqref)))
			continue
		}
		if !dv.ShowInputMessage || dv.Prompt == nil || *dv.Prompt == "" || dv.PromptTitle == nil || *dv.PromptTitle != name {
			t.Errorf("%s: no input message titled %q: %+v", name, name, dv)
			continue
		}
		if n := len(utf16.Encode([]rune(*dv.Prompt))); n > 255 || strings.HasSuffix(*dv.Prompt, "…") {
			t.Errorf("%s: input message of %d characters, cut short or over Excel's 255: %q", name, n, *dv.Prompt)
		}
		if !dv.AllowBlank {
			t.Errorf("%s: blank cells not allowed", name)
		}
		if dv.Error != nil && len(utf16.Encode([]rune(*dv.Error))) > 225 {
			t.Errorf("%s: error message over Excel's 225 characters: %q", name, *dv.Error)
		}
	}

	lists := map[string]struct {
		sqref string
		want  []string
	}{
		"Indicator": {"B2:B5000", tmplIndicatorNames(cat)},
		"Team":      {"C2:C5000", []string{"Example Council", "North Locality", "South & East"}},
	}
	for name, l := range lists {
		dv := bySqref[l.sqref]
		if dv == nil {
			continue
		}
		if dv.Type != "list" {
			t.Errorf("%s validation type = %q, want list", name, dv.Type)
		}
		if !regexp.MustCompile(`^Lists!\$[A-Z]+\$2:\$[A-Z]+\$\d+$`).MatchString(dv.Formula1) {
			t.Errorf("%s list = %q, want a range of the Lists sheet", name, dv.Formula1)
			continue
		}
		if diff := cmp.Diff(l.want, tmplRange(t, f, dv.Formula1)); diff != "" {
			t.Errorf("%s dropdown %s (-want +got):\n%s", name, dv.Formula1, diff)
		}
		if dv.ErrorStyle == nil || *dv.ErrorStyle != "warning" {
			t.Errorf("%s: error style %v, want a warning (ids and aliases are accepted too)", name, dv.ErrorStyle)
		}
	}
	if dv := bySqref["G2:G5000"]; dv != nil && (dv.Type != "list" || dv.Formula1 != `"actual,provisional"`) {
		t.Errorf("Status validation = %q %q, want the list actual, provisional", dv.Type, dv.Formula1)
	}
}

func TestTemplateDefinitions(t *testing.T) {
	cat := tmplCatalogue(t)
	f := tmplOpen(t, tmplWrite(t, cat))
	rows := tmplRows(t, f, collector.TemplateDefinitions)
	if len(rows) != len(cat.Indicators)+1 {
		t.Fatalf("Definitions has %d rows, want a header and %d indicators", len(rows), len(cat.Indicators))
	}
	header := rows[0]
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("Definitions has no column %q: %q", name, header)
		}
		return i
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	var want []string
	for _, ind := range cat.Indicators {
		want = append(want, ind.ID)
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("Definitions ids (-want +got):\n%s", diff)
	}

	get := func(id, column string) string {
		r := rows[1+slices.Index(ids, id)]
		if i := col(column); i < len(r) {
			return r[i]
		}
		return ""
	}
	for _, c := range []struct{ id, column, want string }{
		{"agency_rate", "Name", "Agency social worker rate"},
		{"agency_rate", "Group", "Workforce"},
		{"agency_rate", "Unit (how to enter it)", "percentage (enter 87.5% or 0.875)"},
		{"agency_rate", "Better when", "lower"},
		{"agency_rate", "Frequency", "monthly"},
		{"agency_rate", "How to write the period", "the month, such as 2025-09"},
		{"agency_rate", "Target", "15%"},
		{"agency_rate", "Amber when worse than", "15%"},
		{"agency_rate", "Red when worse than", "20%"},
		{"agency_rate", "England", "13%"},
		{"agency_rate", "England reference", "at 30 September 2025"},
		{"cla_awaiting_health_assessment", "Frequency", "weekly"},
		{"cla_awaiting_health_assessment", "How to write the period", "the date the week ends, such as 28/09/2025"},
		{"cla_awaiting_health_assessment", "Unit (how to enter it)", "count (a whole number, such as 32)"},
		{"cla_awaiting_health_assessment", "Target", "10"},
		{"cla_awaiting_health_assessment", "England", ""},
		{"contacts", "Better when", "neither"},
		{"contacts", "Target", ""},
	} {
		if got := get(c.id, c.column); got != c.want {
			t.Errorf("Definitions %s %q = %q, want %q", c.id, c.column, got, c.want)
		}
	}
	if got := get("agency_rate", "Definition"); !strings.HasPrefix(got, "Agency (locum) children's social workers") {
		t.Errorf("agency_rate definition = %q", got)
	}
	if got := get("agency_rate", "Also known as"); !strings.Contains(got, "% agency SWs; ") {
		t.Errorf("agency_rate aliases = %q", got)
	}
	// The autofilter is a hidden defined name.
	names := f.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && d.RefersTo == "'Definitions'!$A$1:$P$34"
	}) {
		t.Errorf("no autofilter on Definitions: defined names %+v", names)
	}
}

// formulaCatalogue has names that a careless writer would turn into
// formulas.
func tmplFormulaCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Authority: vs.Authority{Name: "+Council"},
		Teams:     []vs.Team{{ID: "eq", Name: "=Team"}},
		Indicators: []vs.Indicator{
			{ID: "eq", Name: "=1+1", Description: `=HYPERLINK("http://example.com","x")`, Unit: vs.UnitCount,
				Frequency: vs.Monthly, Polarity: vs.Neutral, Aliases: []string{"@SUM(A1:A2)"}},
			{ID: "plus", Name: "+2+2", Description: "-3-3", Group: "=Group", Unit: vs.UnitNumber, Frequency: vs.Monthly,
				Polarity: vs.Neutral},
			{ID: "minus", Name: "-4-4", Unit: vs.UnitNumber, Frequency: vs.Monthly, Polarity: vs.Neutral},
			{ID: "at", Name: "@SUM(B1:B2)", Unit: vs.UnitNumber, Frequency: vs.Monthly, Polarity: vs.Neutral},
		},
	}
}

// Catalogue text is written as strings, never as formulas, whatever it
// starts with.
func TestTemplateNoFormulas(t *testing.T) {
	cat := tmplFormulaCatalogue()
	path := tmplWrite(t, cat)

	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") || !strings.HasSuffix(zf.Name, ".xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`<f[ >/]`).Find(b); m != nil {
			t.Errorf("%s holds a formula: %s", zf.Name, m)
		}
	}

	f := tmplOpen(t, path)
	for _, c := range []struct{ sheet, cell, want string }{
		{collector.TemplateLists, "A2", "=1+1"},
		{collector.TemplateLists, "A3", "+2+2"},
		{collector.TemplateLists, "A4", "-4-4"},
		{collector.TemplateLists, "A5", "@SUM(B1:B2)"},
		{collector.TemplateLists, "B2", "+Council"},
		{collector.TemplateLists, "B3", "=Team"},
		{collector.TemplateDefinitions, "B2", "=1+1"},
		{collector.TemplateDefinitions, "D2", `=HYPERLINK("http://example.com","x")`},
		{collector.TemplateDefinitions, "P2", "@SUM(A1:A2)"},
		{collector.TemplateDefinitions, "C3", "=Group"},
		{collector.TemplateDefinitions, "D3", "-3-3"},
		{collector.TemplateInstructions, "B2", "+Council"},
	} {
		got, err := f.GetCellValue(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := f.GetCellType(c.sheet, c.cell)
		formula, _ := f.GetCellFormula(c.sheet, c.cell)
		if got != c.want || formula != "" || typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s!%s = %q (type %v, formula %q), want the string %q", c.sheet, c.cell, got, typ, formula, c.want)
		}
	}

	// The names in the dropdowns are read back as the indicators and teams
	// they name.
	tmplDataRow(t, f, 2, "2025-09", "=1+1", "=Team", "5")
	tmplDataRow(t, f, 3, "2025-09", "+2+2", "+Council", "1.5")
	tmplDataRow(t, f, 4, "2025-09", "-4-4", "", "2")
	tmplDataRow(t, f, 5, "2025-09", "@SUM(B1:B2)", "", "n/a")
	filled := filepath.Join(t.TempDir(), "filled.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	res, err := collector.ReadFile(context.Background(), filled, cat, collector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	var got []string
	for _, o := range res.Observations() {
		got = append(got, o.Indicator+"/"+o.Team)
	}
	if diff := cmp.Diff([]string{"eq/eq", "plus/authority", "minus/authority", "at/authority"}, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// dataRow writes text cells into row n of the Data sheet, as typed into
// its columns from Period on; an empty string leaves the cell alone.
func tmplDataRow(t *testing.T, f *excelize.File, n int, cells ...string) {
	t.Helper()
	for i, v := range cells {
		if v == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, n)
		if err := f.SetCellStr(collector.TemplateData, cell, v); err != nil {
			t.Fatal(err)
		}
	}
}

// tmplStore opens a real SQLite store in a temporary directory.
func tmplStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fillTemplate fills the template at path the way a performance officer
// would in Excel, and saves it as filled.xlsx beside it: names from the
// dropdowns, a blank team, a percentage typed as text with its % sign and
// one typed as 25% (which Excel stores as 0.25, formatted as a
// percentage), a suppressed small number, a weekly figure dated day first,
// and commentary starting with "=".
func tmplFill(t *testing.T, path string) string {
	t.Helper()
	f := tmplOpen(t, path)
	const d = collector.TemplateData
	tmplDataRow(t, f, 2, "2025-09", "Agency social worker rate", "", "87.5%", "", "", "",
		"Two agency workers left in September.", "Permanent recruitment campaign launched.")
	tmplDataRow(t, f, 3, "2025-09", "Social worker vacancy rate", "North Locality", "", "10", "40", "provisional")
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		f.SetCellFloat(d, "D3", 0.25, -1, 64), f.SetCellStyle(d, "D3", "D3", pct),
		f.SetCellInt(d, "E3", 10), f.SetCellInt(d, "F3", 40),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	tmplDataRow(t, f, 4, "2025-09", "Referrals", "South & East", "c")
	tmplDataRow(t, f, 5, "28/09/2025", "Children awaiting a health assessment", "", "32", "", "", "actual",
		"=32 children waiting; not a formula")
	tmplDataRow(t, f, 6, "2025-08", "Referrals", "North Locality", "n/a")
	filled := filepath.Join(filepath.Dir(path), "filled.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	return filled
}

func tmplNum(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

// filledWant is what fillTemplate's rows are, in the store's order.
func tmplFilledWant() []vs.Observation {
	o := func(ind, team string, p vs.Period, v sql.NullFloat64, st vs.Status) vs.Observation {
		return vs.Observation{Key: vs.Key{Indicator: ind, Team: team, Period: p}, Value: v, Status: st}
	}
	agency := o("agency_rate", "authority", vs.Month(2025, time.September), tmplNum(0.875), vs.StatusActual)
	agency.Commentary = "Two agency workers left in September."
	agency.Outcome = "Permanent recruitment campaign launched."
	waiting := o("cla_awaiting_health_assessment", "authority",
		vs.WeekEnding(vs.Weekly, vs.Date{Year: 2025, Month: time.September, Day: 28}), tmplNum(32), vs.StatusActual)
	waiting.Commentary = "=32 children waiting; not a formula"
	vacancy := o("vacancy_rate", "north", vs.Month(2025, time.September), tmplNum(0.25), vs.StatusProvisional)
	vacancy.Numerator, vacancy.Denominator = tmplNum(10), tmplNum(40)
	return []vs.Observation{
		agency,
		waiting,
		o("referrals", "north", vs.Month(2025, time.August), sql.NullFloat64{}, vs.StatusMissing),
		o("referrals", "south_east", vs.Month(2025, time.September), sql.NullFloat64{}, vs.StatusSuppressed),
		vacancy,
	}
}

var tmplIgnoreStored = cmpopts.IgnoreFields(vs.Observation{}, "Revision", "SourceID", "RecordedAt")

// The template, filled in, is ingested into a real store exactly as
// written.
func TestTemplateFilledIngests(t *testing.T) {
	ctx := context.Background()
	cat := tmplCatalogue(t)
	filled := tmplFill(t, tmplWrite(t, cat))
	s := tmplStore(t)
	rep, err := collector.Ingest(ctx, s, filled, cat, collector.IngestOptions{Via: vs.ViaCLI, Submitter: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || !rep.Accepted {
		t.Fatalf("report: %s", rep.Text())
	}
	if rep.Rows != 5 || rep.New != 5 || rep.Format != collector.FormatXLSX {
		t.Errorf("report: %s", rep.Text())
	}
	got, err := s.Latest(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tmplFilledWant(), got, tmplIgnoreStored); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

// Every name the dropdowns offer reads back as its own indicator and team.
func TestTemplateEveryName(t *testing.T) {
	cat := tmplCatalogue(t)
	f := tmplOpen(t, tmplWrite(t, cat))
	inds := tmplRange(t, f, "Lists!$A$2:$A$"+strconv.Itoa(len(cat.Indicators)+1))
	teams := tmplRange(t, f, "Lists!$B$2:$B$"+strconv.Itoa(len(cat.Teams)+2))
	period := map[vs.Frequency]string{vs.Monthly: "2025-09", vs.Weekly: "28/09/2025", vs.Biweekly: "28/09/2025",
		vs.Quarterly: "2025-26 Q2", vs.Annual: "2025-26"}
	var want []string
	n := 2
	for i, name := range inds {
		for j, team := range teams {
			tmplDataRow(t, f, n, period[cat.Indicators[i].Frequency], name, team, "-")
			want = append(want, cat.Indicators[i].ID+"/"+cat.TeamIDs()[j])
			n++
		}
	}
	filled := filepath.Join(t.TempDir(), "every.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	res, err := collector.ReadFile(context.Background(), filled, cat, collector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	var got []string
	for _, o := range res.Observations() {
		got = append(got, o.Indicator+"/"+o.Team)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// The blank template is a valid file with no figures: the collector reads
// the header and no rows, reports no problem, and Ingest records it as an
// accepted source of 0 rows that stores nothing. (collector.Read treats a
// header without rows as an empty table; it is not a problem.)
func TestTemplateBlankIngests(t *testing.T) {
	ctx := context.Background()
	cat := tmplCatalogue(t)
	path := tmplWrite(t, cat)
	res, err := collector.ReadFile(ctx, path, cat, collector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 || len(res.Observations()) > 0 || res.Rows != 0 {
		t.Errorf("blank template read: %d rows, observations %v, problems %v", res.Rows, res.Observations(), res.Problems)
	}
	s := tmplStore(t)
	rep, err := collector.Ingest(ctx, s, path, cat, collector.IngestOptions{Via: vs.ViaCLI})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted || len(rep.Problems) > 0 || rep.Rows != 0 || rep.New != 0 {
		t.Errorf("blank template ingest: %s", rep.Text())
	}
	got, err := s.Latest(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("blank template stored %v", got)
	}
}

// soffice converts path to format in a fresh directory, with a throw-away
// profile, and returns the directory.
func tmplSoffice(t *testing.T, bin, path, format string) string {
	t.Helper()
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--convert-to", format, "--outdir", out, path)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to %s: %v\n%s", format, err, b)
	}
	return out
}

func tmplReadCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (soffice wrote %v)", err, tmplDirNames(filepath.Dir(path)))
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func tmplDirNames(dir string) []string {
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// The template opens in LibreOffice Calc: every sheet converts to CSV with
// the header, the definitions and the formula-like names as written; and a
// filled-in template saved again by Calc is ingested just the same.
func TestTemplateLibreOffice(t *testing.T) {
	bin := testenv.Tool(t, "soffice")
	cat := tmplCatalogue(t)
	cat.Indicators = append(slices.Clone(cat.Indicators), tmplFormulaCatalogue().Indicators[0])
	path := tmplWrite(t, cat)

	// Token 12 of the CSV filter options, -1, writes every sheet to
	// template-<sheet>.csv (LibreOffice 7.2 and later).
	dir := tmplSoffice(t, bin, path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
	data := tmplReadCSV(t, filepath.Join(dir, "template-Data.csv"))
	if diff := cmp.Diff([][]string{collector.TemplateHeader()}, data); diff != "" {
		t.Errorf("Data as Calc reads it (-want +got):\n%s", diff)
	}
	defs := tmplReadCSV(t, filepath.Join(dir, "template-Definitions.csv"))
	if len(defs) != len(cat.Indicators)+1 {
		t.Fatalf("Definitions as Calc reads it: %d rows, want %d", len(defs), len(cat.Indicators)+1)
	}
	for i, ind := range cat.Indicators {
		if r := defs[i+1]; r[0] != ind.ID || r[1] != ind.Name {
			t.Errorf("Definitions row %d = %q, %q; want %q, %q", i+2, r[0], r[1], ind.ID, ind.Name)
		}
	}
	lists := tmplReadCSV(t, filepath.Join(dir, "template-Lists.csv"))
	if got := lists[len(cat.Indicators)][0]; got != "=1+1" {
		t.Errorf("Calc reads the last indicator name as %q, want the text =1+1", got)
	}
	var instr strings.Builder
	for _, r := range tmplReadCSV(t, filepath.Join(dir, "template-Instructions.csv")) {
		instr.WriteString(strings.Join(r, " ") + "\n")
	}
	if !strings.Contains(instr.String(), "Example Council") || !strings.Contains(instr.String(), "5 November 2026") {
		t.Errorf("Instructions as Calc reads them:\n%s", instr.String())
	}

	// Filled in, saved again by Calc, ingested.
	filled := tmplFill(t, path)
	resaved := filepath.Join(tmplSoffice(t, bin, filled, "xlsx:Calc MS Excel 2007 XML"), "filled.xlsx")
	ctx := context.Background()
	s := tmplStore(t)
	rep, err := collector.Ingest(ctx, s, resaved, cat, collector.IngestOptions{Via: vs.ViaCLI})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.New != 5 {
		t.Fatalf("filled template saved by Calc: %s", rep.Text())
	}
	got, err := s.Latest(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tmplFilledWant(), got, tmplIgnoreStored); diff != "" {
		t.Errorf("stored from Calc's file (-want +got):\n%s", diff)
	}
}

// The instructions name the configuration's own column names; the Data
// sheet's header stays the template's.
func TestTemplateConfiguredColumns(t *testing.T) {
	cat := tmplCatalogue(t)
	cat.Columns = vs.ColumnNames{Value: []string{"Rate (%)"}, Indicator: []string{"PI ref"}}
	f := tmplOpen(t, tmplWrite(t, cat))
	var text strings.Builder
	for _, r := range tmplRows(t, f, collector.TemplateInstructions) {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	const want = "This authority's own names are read too: Indicator as PI ref; Value as Rate (%)."
	if !strings.Contains(text.String(), want) {
		t.Errorf("Instructions do not say %q:\n%s", want, text.String())
	}
	if got := tmplRows(t, f, collector.TemplateData)[0]; !slices.Equal(got, collector.TemplateHeader()) {
		t.Errorf("Data header %q, want %q", got, collector.TemplateHeader())
	}
}
