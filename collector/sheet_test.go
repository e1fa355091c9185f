package collector

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// ---- building workbooks by hand ----

const (
	sheetMinimalContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	sheetMinimalRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	sheetMinimalWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	sheetMinimalWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	// sheetMinimalStyles has styles 0 General, 1 percent (id 10), 2 date (id
	// 14), 3 custom "0.0%", 4 custom "dd/mm/yyyy".
	sheetMinimalStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`
	// sheetMinimalSST has five strings, one rich with a phonetic run, one with
	// entities and _xHHHH_ escapes.
	sheetMinimalSST = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5"><si><t>Period</t></si><si><t xml:space="preserve"> North &amp; South </t></si><si><r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space="preserve"> text</t></r><rPh sb="0" eb="1"><t>フリガナ</t></rPh><phoneticPr fontId="1"/></si><si><t>&lt;script&gt;&amp;amp;_x000D_x_x005F_x0041_</t></si><si><t/></si></sst>`
)

// sheetXMLOf wraps rows in a worksheet.
func sheetXMLOf(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1"/><sheetData>` +
		rows + `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
}

// buildSheetWorkbook zips a one-sheet workbook around a sheet part and a
// shared strings part (none when sst is empty).
func buildSheetWorkbook(t testing.TB, sheet []byte, sst string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", sheetMinimalContentTypes},
		{"_rels/.rels", sheetMinimalRootRels},
		{"xl/workbook.xml", sheetMinimalWorkbook},
		{"xl/_rels/workbook.xml.rels", sheetMinimalWorkbookRels},
		{"xl/styles.xml", sheetMinimalStyles},
	}
	if sst != "" {
		parts = append(parts, struct{ name, body string }{"xl/sharedStrings.xml", sst})
	}
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sheet)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ---- reading both ways ----

// openSheetBoth opens a workbook with excelize and the sheet reader. A small
// xmlLimit makes excelize leave worksheets in temporary files, so that the
// sheet reader reads them from the zip.
func openSheetBoth(t testing.TB, b []byte, xmlLimit int64, lim sheetLimits) (*excelize.File, *sheetBook) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: xmlLimit,
	})
	if err != nil {
		t.Fatalf("excelize.OpenReader: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	book, err := newSheetBook(f, bytes.NewReader(b), int64(len(b)), lim)
	if err != nil {
		t.Fatalf("newSheetBook: %v", err)
	}
	return f, book
}

// excelizeSheetRows reads a sheet with excelize's Rows and Columns with raw
// values, keyed by row number, leaving out rows without cells.
func excelizeSheetRows(f *excelize.File, sheet string) (map[int][]string, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][]string{}
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return out, err
		}
		if len(cells) > 0 {
			out[n] = cells
		}
	}
	return out, rows.Error()
}

// sheetReaderRows reads a sheet with the sheet reader into the same shape, and
// returns its cells too.
func sheetReaderRows(book *sheetBook, sheet string) (map[int][]string, []sheetCell, error) {
	r, err := book.openSheetReader(sheet)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	out := map[int][]string{}
	var all []sheetCell
	for r.Next() {
		n, cells := r.Row()
		if len(cells) == 0 {
			return out, all, fmt.Errorf("row %d: Next gave a row without cells", n)
		}
		row := make([]string, cells[len(cells)-1].Col)
		for _, c := range cells {
			if c.Row != n {
				return out, all, fmt.Errorf("row %d holds a cell of row %d", n, c.Row)
			}
			row[c.Col-1] = c.Raw
		}
		out[n] = row
		all = append(all, cells...)
	}
	return out, all, r.Err()
}

// sheetExcelizeTypes maps t attributes to excelize's cell types.
var sheetExcelizeTypes = map[string]excelize.CellType{
	"": excelize.CellTypeUnset, "b": excelize.CellTypeBool, "d": excelize.CellTypeDate,
	"n": excelize.CellTypeNumber, "e": excelize.CellTypeError, "s": excelize.CellTypeSharedString,
	"str": excelize.CellTypeFormula, "inlineStr": excelize.CellTypeInlineString,
}

// compareSheetWorkbook checks every sheet of a workbook read both ways: values
// by position, then each cell's type, style and formula against
// excelize's GetCellType, GetCellStyle and GetCellFormula. It returns the
// cells read.
func compareSheetWorkbook(t *testing.T, b []byte, xmlLimit int64) []sheetCell {
	t.Helper()
	f, book := openSheetBoth(t, b, xmlLimit, sheetLimits{})
	var all []sheetCell
	for _, sheet := range f.GetSheetList() {
		want, err := excelizeSheetRows(f, sheet)
		if err != nil {
			t.Fatalf("%s: excelize: %v", sheet, err)
		}
		got, cells, err := sheetReaderRows(book, sheet)
		if err != nil {
			t.Fatalf("%s: sheet reader: %v", sheet, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: cells differ from excelize (-excelize +reader):\n%s", sheet, diff)
		}
		for _, c := range cells {
			ref, _ := excelize.CoordinatesToCellName(c.Col, c.Row)
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			if want := sheetExcelizeTypes[c.Type]; typ != want {
				t.Errorf("%s!%s: type %q, excelize says %v", sheet, ref, c.Type, typ)
			}
			style, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			if style != c.Style {
				t.Errorf("%s!%s: style %d, excelize says %d", sheet, ref, c.Style, style)
			}
			formula, err := f.GetCellFormula(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			// An empty <f/> is a formula element excelize reports as "".
			if formula != "" && !c.Formula {
				t.Errorf("%s!%s: formula %v, excelize says %q", sheet, ref, c.Formula, formula)
			}
		}
		all = append(all, cells...)
	}
	return all
}

// ---- generated workbooks ----

// sheetExcelizeWorkbook is written with excelize's cell API: numbers, shared
// strings, booleans, dates, percent styles, unicode and markup-like text,
// formulas without cached values, empty styled cells, sparse rows and
// cells set out of order, and a hidden second sheet.
func sheetExcelizeWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	must(err)
	custom := "0.0%"
	pct1, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	dmy := "dd/mm/yyyy"
	date2, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dmy})
	must(err)
	const s = "Sheet1"
	set := func(cell string, v any) { must(f.SetCellValue(s, cell, v)) }
	// Out of order: the last cells first.
	set("Z1000", "last")
	set("B3", 3.25)
	set("A1", "Period")
	set("B1", "Indicator")
	set("C1", "Value")
	set("A2", time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC))
	must(f.SetCellStyle(s, "A2", "A2", date))
	set("A3", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	must(f.SetCellStyle(s, "A3", "A3", date2))
	set("B2", "<script>&amp; \"quoted\" 'single'")
	set("C2", 0.875)
	must(f.SetCellStyle(s, "C2", "C2", pct))
	set("C3", 0.9)
	must(f.SetCellStyle(s, "C3", "C3", pct1))
	set("D2", true)
	set("E2", false)
	set("F2", -1234567.125)
	set("G2", 1e-10)
	set("H2", int64(math.MaxInt32))
	set("I2", "Ünïcödé ✓ 𝔘 – £")
	set("J2", "  leading and trailing  ")
	set("K2", "line\nbreak")
	set("L2", "_x000D_ escaped")
	must(f.SetCellFormula(s, "M2", "F2*2"))
	must(f.SetCellFormula(s, "N2", `"a"&"b"`))
	must(f.SetCellStyle(s, "O2", "P2", pct)) // empty styled cells
	set("A5", "after a gap")
	set("XFD5", "last column")
	set("C10", 42)
	set("A10", 41)
	must(f.SetCellInt(s, "B1000", 7))
	set("Y1000", "before last")
	_, err = f.NewSheet("Hidden")
	must(err)
	must(f.SetCellValue("Hidden", "B2", "hidden text"))
	must(f.SetCellValue("Hidden", "A1", 1))
	must(f.SetSheetVisible("Hidden", false))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

// sheetStreamWorkbook is written with excelize's StreamWriter.
func sheetStreamWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 50; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		row := []any{r, fmt.Sprintf("text %d & <b>", r), float64(r) / 7, r%2 == 0, nil, excelize.Cell{Formula: "A1*2"}}
		if r%5 == 0 {
			row = append(row, excelize.Cell{Value: "inline? ✓"})
		}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetHandSheets are worksheets written by hand to reach what the excelize
// writers do not produce: every cell type, inline and rich strings,
// cached formula results, prefixes, quoting, missing references,
// references of every kind, comments and CDATA.
var sheetHandSheets = map[string]string{
	"types": sheetXMLOf(`<row r="1" spans="1:9"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="b"><v>1</v></c><c r="G1" t="e"><v>#DIV/0!</v></c><c r="H1" t="d"><v>2025-09-30T00:00:00Z</v></c><c r="I1" t="n"><v>1.5E-3</v></c></row>` +
		`<row r="2"><c r="A2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="B2"><f>1/0</f><v>#DIV/0!</v></c><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D2"><f>A9</f></c><c r="E2" t="str"><f>""</f><v></v></c><c r="F2" s="1"><f t="shared" ref="F2:F3" si="0">C1*2</f><v>4</v></c></row>` +
		`<row r="3"><c r="F3" s="3"><f t="shared" si="0"/><v>6</v></c><c r="G3" t="inlineStr"><is><t>inline &amp; &#x263A; &#9731;</t></is></c><c r="H3" t="inlineStr"><is><r><t>ru</t></r><r><rPr><i/></rPr><t xml:space="preserve">ns </t></r><rPh><t>ignored</t></rPh></is></c><c r="I3" t="inlineStr"><v>v not is</v></c><c r="J3" t="inlineStr"><is><t>_x0041__x005F_</t></is></c></row>`),
	"prefixed": `<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r='1'><x:c t='s' r='A1'><x:v>0</x:v></x:c><x:c s="2" r="B1"><x:v>45930</x:v></x:c></x:row><x:row><x:c><x:v>no refs</x:v></x:c><x:c/><x:c><x:v>third</x:v></x:c><x:c r="F2"><x:v>sixth</x:v></x:c><x:c><x:v>seventh</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
	"quoting": sheetXMLOf(`<row r = "1" ><c   t = "inlineStr"
		r="A1" ><is><t>tab	and&#10;newline&#13;cr&#x9;</t></is></c><c r="B1"><v>  12  </v></c><c r="C1" t="inlineStr"><is><t>line&#13;&#10;end</t></is></c><c r="D1" t="str"><v>a` + "\r\n" + `b` + "\r" + `c</v></c></row>` +
		`<!-- a comment --><row r="4"><c r="A4"><v>1<!-- in a value -->2</v></c><c r="B4" t="str"><v><![CDATA[<not markup> & ]]></v></c><?pi here?><c r="C4" t="str"><v>&quot;&apos;&lt;&gt;&amp;</v></c></row>` +
		`<row r="5"/><row r="6"><c r="A6" s="4"/></row><row r="7"><c r="B7" s="2"></c><c r="C7" t="s"></c><c r="D7"><v/></c></row><row r="8"><c r="a8"><v>lower-case ref</v></c><c r="AB8"><v>AB</v></c></row>`),
	"empty":         sheetXMLOf(``),
	"selfclosing":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`,
	"nosheetdata":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/></worksheet>`,
	"extlst":        sheetXMLOf(`<row r="1"><c r="A1"><v>1</v><extLst><ext uri="x"><y/></ext></extLst></c><extLst/></row>`),
	"space":         sheetXMLOf(`<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c><c r="B2" t="inlineStr"><is><t>  also kept  </t></is></c></row>`),
	"bom":           "\xEF\xBB\xBF" + sheetXMLOf(`<row r="1"><c r="A1"><v>1</v></c></row>`),
	"bigrow":        sheetXMLOf(`<row r="1048576"><c r="XFD1048576"><v>corner</v></c></row>`),
	"leadingzeros":  sheetXMLOf(`<row r="0003"><c r="C003" s="01"><v>3</v></c></row>`),
	"emptyref":      sheetXMLOf(`<row r="1"><c r=""><v>first</v></c><c r=""><v>second</v></c></row>`),
	"surrogate":     sheetXMLOf(`<row r="1"><c r="A1" t="inlineStr"><is><t>a&#xD800;b_xD800_c</t></is></c></row>`),
	"formulaonlyes": sheetXMLOf(`<row r="1"><c r="A1"><f>B1</f></c><c r="C1"><f/></c></row>`),
}

func TestSheetReaderDifferential(t *testing.T) {
	type workbook struct {
		name string
		b    []byte
	}
	var books []workbook
	names, err := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no xlsx fixtures: %v", err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		books = append(books, workbook{filepath.Base(name), b})
	}
	books = append(books, workbook{"excelize", sheetExcelizeWorkbook(t)}, workbook{"stream", sheetStreamWorkbook(t)})
	for name, sheet := range sheetHandSheets {
		books = append(books, workbook{"hand/" + name, buildSheetWorkbook(t, []byte(sheet), sheetMinimalSST)})
	}
	seen := map[string]bool{}
	for _, wb := range books {
		for _, mode := range []struct {
			name  string
			limit int64
		}{{"memory", unzipXMLSizeLimit}, {"zip", 1}} {
			t.Run(wb.name+"/"+mode.name, func(t *testing.T) {
				for _, c := range compareSheetWorkbook(t, wb.b, mode.limit) {
					seen["type "+c.Type] = true
					seen[fmt.Sprintf("formula %v cached %v", c.Formula, c.Cached)] = true
				}
			})
		}
	}
	// The corpus must reach every cell type and formula state.
	for _, want := range []string{"type ", "type n", "type s", "type str", "type inlineStr", "type b", "type e", "type d",
		"formula true cached true", "formula true cached false", "formula false cached true"} {
		if !seen[want] {
			t.Errorf("no cell of %s in the differential corpus", want)
		}
	}
}

// TestSheetReaderCells pins the extra fields on hand-written cells.
func TestSheetReaderCells(t *testing.T) {
	b := buildSheetWorkbook(t, []byte(sheetHandSheets["types"]), sheetMinimalSST)
	_, book := openSheetBoth(t, b, unzipXMLSizeLimit, sheetLimits{})
	_, cells, err := sheetReaderRows(book, "Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]sheetCell{}
	for _, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(c.Col, c.Row)
		byRef[ref] = c
	}
	want := map[string]sheetCell{
		"B1": {Col: 2, Row: 1, Raw: " North & South ", Type: "s", Cached: true},
		"C1": {Col: 3, Row: 1, Raw: "Rich text", Type: "s", Cached: true},
		"D1": {Col: 4, Row: 1, Raw: "<script>&amp;\rx_x0041_", Type: "s", Cached: true},
		"F1": {Col: 6, Row: 1, Raw: "1", Type: "b", Cached: true},
		"G1": {Col: 7, Row: 1, Raw: "#DIV/0!", Type: "e", Cached: true},
		"H1": {Col: 8, Row: 1, Raw: "2025-09-30T00:00:00Z", Type: "d", Cached: true},
		"A2": {Col: 1, Row: 2, Raw: "ab", Type: "str", Formula: true, Cached: true},
		"D2": {Col: 4, Row: 2, Formula: true},
		"E2": {Col: 5, Row: 2, Type: "str", Formula: true, Cached: true},
		"F3": {Col: 6, Row: 3, Raw: "6", Style: 3, Formula: true, Cached: true},
		"G3": {Col: 7, Row: 3, Raw: "inline & ☺ ☃", Type: "inlineStr", Cached: true},
		"H3": {Col: 8, Row: 3, Raw: "runs ", Type: "inlineStr", Cached: true},
		"J3": {Col: 10, Row: 3, Raw: "A_", Type: "inlineStr", Cached: true},
	}
	for ref, w := range want {
		if diff := cmp.Diff(w, byRef[ref]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ref, diff)
		}
	}
	if _, ok := byRef["E1"]; ok {
		t.Errorf("E1, an empty shared string, was yielded")
	}
}

// TestSheetReaderErrors pins what the reader refuses, each error naming
// its row.
func TestSheetReaderErrors(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name  string
		sheet string
		sst   string
		lim   sheetLimits
		row   int
		want  string
	}{
		{"row limit", sheetXMLOf(`<row r="1"><c><v>1</v></c></row><row r="11"><c><v>1</v></c></row>`), "", sheetLimits{MaxRow: 10}, 1, "row number \"11\" is more than 10"},
		{"row limit implicit", sheetXMLOf(`<row r="10"><c><v>1</v></c></row><row><c><v>1</v></c></row>`), "", sheetLimits{MaxRow: 10}, 10, "more than 10 rows"},
		{"row beyond Excel", sheetXMLOf(`<row r="1048577"/>`), "", sheetLimits{}, 0, "is more than 1048576"},
		{"column limit", sheetXMLOf(`<row r="3"><c r="K3"><v>1</v></c></row>`), "", sheetLimits{MaxCols: 10}, 3, "beyond column 10"},
		{"column limit implicit", sheetXMLOf(`<row r="3"><c r="J3"><v>1</v></c><c><v>2</v></c></row>`), "", sheetLimits{MaxCols: 10}, 3, "more than 10 columns"},
		{"column beyond Excel", sheetXMLOf(`<row r="1"><c r="XFE1"><v>1</v></c></row>`), "", sheetLimits{}, 1, "beyond column 16384"},
		{"cell text", sheetXMLOf(`<row r="2"><c r="A2" t="str"><v>` + long + `</v></c></row>`), "", sheetLimits{MaxCellChars: 39}, 2, "more than 39 characters"},
		{"inline text", sheetXMLOf(`<row r="2"><c r="A2" t="inlineStr"><is><r><t>` + long[:20] + `</t></r><r><t>` + long[:20] + `</t></r></is></c></row>`), "", sheetLimits{MaxCellChars: 39}, 2, "more than 39 characters"},
		{"row text", sheetXMLOf(`<row r="2"><c t="str"><v>` + long + `</v></c><c t="str"><v>` + long + `</v></c></row>`), "", sheetLimits{MaxRowBytes: 50}, 2, "more than 50 bytes"},
		{"nesting", sheetXMLOf(`<row r="4"><c r="A4"><v>1</v><extLst>` + strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40) + `</extLst></c></row>`), "", sheetLimits{}, 4, "nested more than 32 deep"},
		{"long tag", sheetXMLOf(`<row r="5"><c r="A5" x="` + strings.Repeat("y", 500<<10) + `"><v>1</v></c></row>`), "", sheetLimits{}, 5, "a tag longer than"},
		{"long text", sheetXMLOf(`<row r="5"><c r="A5"><v>` + strings.Repeat("1", 500<<10) + `</v></c></row>`), "", sheetLimits{}, 5, "longer than"},
		{"rows out of order", sheetXMLOf(`<row r="5"/><row r="3"/>`), "", sheetLimits{}, 3, "row 3 comes after row 5"},
		{"rows repeated", sheetXMLOf(`<row r="5"/><row r="5"/>`), "", sheetLimits{}, 5, "row 5 comes after row 5"},
		{"cells out of order", sheetXMLOf(`<row r="1"><c r="C1"><v>1</v></c><c r="B1"><v>1</v></c></row>`), "", sheetLimits{}, 1, "column 2 comes after column 3"},
		{"cell in another row", sheetXMLOf(`<row r="1"><c r="A2"><v>1</v></c></row>`), "", sheetLimits{}, 1, `cell "A2" is not in row 1`},
		{"bad reference", sheetXMLOf(`<row r="1"><c r="$A$1"><v>1</v></c></row>`), "", sheetLimits{}, 1, "invalid cell reference"},
		{"bad row number", sheetXMLOf(`<row r="x"/>`), "", sheetLimits{}, 0, "invalid row number"},
		{"bad style", sheetXMLOf(`<row r="1"><c r="A1" s="-1"><v>1</v></c></row>`), "", sheetLimits{}, 1, "invalid style index"},
		{"unknown type", sheetXMLOf(`<row r="1"><c r="A1" t="x"><v>1</v></c></row>`), "", sheetLimits{}, 1, "unknown cell type"},
		{"shared string out of range", sheetXMLOf(`<row r="7"><c r="A7" t="s"><v>5</v></c></row>`), sheetMinimalSST, sheetLimits{}, 7, "not one of the 5 shared strings"},
		{"no shared strings", sheetXMLOf(`<row r="7"><c r="A7" t="s"><v>0</v></c></row>`), "", sheetLimits{}, 7, "not one of the 0 shared strings"},
		{"too many shared strings", sheetXMLOf(`<row r="7"><c r="A7" t="s"><v>0</v></c></row>`), sheetMinimalSST, sheetLimits{MaxStrings: 4}, 0, "more than 4 shared strings"},
		{"shared string text", sheetXMLOf(`<row r="7"><c r="A7" t="s"><v>0</v></c></row>`), sheetMinimalSST, sheetLimits{MaxStringText: 20}, 0, "more than 20 bytes of text"},
		{"two values", sheetXMLOf(`<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>`), "", sheetLimits{}, 1, "two <v>"},
		{"element in value", sheetXMLOf(`<row r="1"><c r="A1"><v>1<b/></v></c></row>`), "", sheetLimits{}, 1, "unexpected element <b> in <v>"},
		{"element in row", sheetXMLOf(`<row r="1"><d/></row>`), "", sheetLimits{}, 1, "unexpected element <d> in <row>"},
		{"cell in sheetData", sheetXMLOf(`<c r="A1"><v>1</v></c>`), "", sheetLimits{}, 0, "unexpected element <c> in <sheetData>"},
		{"row outside sheetData", `<worksheet><row r="1"><c><v>1</v></c></row></worksheet>`, "", sheetLimits{}, 0, "<row> outside <sheetData>"},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData/></worksheet>`, "", sheetLimits{}, 0, "document type declaration"},
		{"encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData/></worksheet>`, "", sheetLimits{}, 0, "encoding \"ISO-8859-1\""},
		{"utf-16", "\xFF\xFE<\x00w\x00", "", sheetLimits{}, 0, "UTF-16"},
		{"unknown entity", sheetXMLOf(`<row r="2"><c t="str"><v>&nbsp;</v></c></row>`), "", sheetLimits{}, 2, "invalid character entity"},
		{"NUL reference", sheetXMLOf(`<row r="2"><c t="str"><v>&#0;</v></c></row>`), "", sheetLimits{}, 2, "illegal character code U+0000"},
		{"control character", sheetXMLOf("<row r=\"2\"><c t=\"str\"><v>\x01</v></c></row>"), "", sheetLimits{}, 2, "illegal character code U+0001"},
		{"invalid UTF-8", sheetXMLOf("<row r=\"2\"><c t=\"str\"><v>\xff</v></c></row>"), "", sheetLimits{}, 2, "invalid UTF-8"},
		{"mismatched end", sheetXMLOf(`<row r="2"><c><v>1</x></c></row>`), "", sheetLimits{}, 2, "</x> closes <v>"},
		{"truncated", `<worksheet><sheetData><row r="1"><c><v>1`, "", sheetLimits{}, 1, "ends inside"},
		{"unterminated comment", `<worksheet><sheetData><!-- x`, "", sheetLimits{}, 0, "ends inside a comment"},
		{"unquoted attribute", sheetXMLOf(`<row r=1/>`), "", sheetLimits{}, 0, "unquoted attribute"},
		{"part too large", sheetXMLOf(`<row r="1"><c><v>1</v></c></row>`), "", sheetLimits{MaxPartBytes: 100}, 0, "unpacks to more than 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildSheetWorkbook(t, []byte(tt.sheet), tt.sst)
			for _, limit := range []int64{unzipXMLSizeLimit, 1} {
				_, book := openSheetBoth(t, b, limit, tt.lim)
				start := time.Now()
				_, _, err := sheetReaderRows(book, "Sheet1")
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("took %v", d)
				}
				if tt.name == "part too large" && limit != 1 {
					// In memory, excelize has already bounded the part.
					continue
				}
				var se *sheetError
				if !errors.As(err, &se) {
					t.Fatalf("got error %v, want a *sheetError", err)
				}
				if !strings.Contains(se.Reason, tt.want) || se.Row != tt.row {
					t.Errorf("got row %d %q, want row %d and %q", se.Row, se.Reason, tt.row, tt.want)
				}
			}
		})
	}
}

// TestSheetReaderOpen checks sheet lookup.
func TestSheetReaderOpen(t *testing.T) {
	b := sheetExcelizeWorkbook(t)
	_, book := openSheetBoth(t, b, unzipXMLSizeLimit, sheetLimits{})
	if _, err := book.openSheetReader("no such sheet"); !errors.As(err, new(excelize.ErrSheetNotExist)) {
		t.Errorf("open a missing sheet: got %v, want ErrSheetNotExist", err)
	}
	r, err := book.openSheetReader("hidden") // names match case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Next() {
		t.Fatalf("no rows: %v", r.Err())
	}
	if n, cells := r.Row(); n != 1 || len(cells) != 1 || cells[0].Raw != "1" {
		t.Errorf("got row %d %+v", n, cells)
	}
	if r.Next() {
		if n, cells := r.Row(); n != 2 || cells[0].Col != 2 || cells[0].Raw != "hidden text" {
			t.Errorf("got row %d %+v", n, cells)
		}
	}
	if r.Next() || r.Err() != nil {
		t.Errorf("Next after the last row: err %v", r.Err())
	}
}

// ---- styles ----

func TestFormatCodeClass(t *testing.T) {
	tests := []struct {
		code string
		want uint8
	}{
		{"General", 0},
		{"general", 0},
		{"0", 0},
		{"#,##0.00", 0},
		{"0.00E+00", 0},
		{"@", 0},
		{"0%", sheetFmtPercent},
		{"0.0%", sheetFmtPercent},
		{`0.0"%"`, 0},
		{`0.0\%`, 0},
		{`[Red]0.0%;[Blue]-0.0%`, sheetFmtPercent},
		{"dd/mm/yyyy", sheetFmtDate},
		{"DD/MM/YYYY", sheetFmtDate},
		{"mmm-yy", sheetFmtDate},
		{"h:mm AM/PM", sheetFmtDate},
		{"[h]:mm:ss", sheetFmtDate},
		{"[$-F800]dddd, mmmm dd, yyyy", sheetFmtDate},
		{`[$£-809]#,##0.00`, 0},
		{`#,##0 "days"`, 0},
		{`0_);(0)`, 0},
		{`0_s`, 0},
		{`* #,##0`, 0},
		{`\d0`, 0},
		{`"Due "dd/mm`, sheetFmtDate},
		{`General" m"`, 0},
		{`General;0%`, sheetFmtPercent},
		{`[<1]0%;0`, sheetFmtPercent},
	}
	for _, tt := range tests {
		if got := formatCodeClass(tt.code); got != tt.want {
			t.Errorf("formatCodeClass(%q) = %b, want %b", tt.code, got, tt.want)
		}
	}
}

func TestStyleDetection(t *testing.T) {
	t.Run("hand", func(t *testing.T) {
		b := buildSheetWorkbook(t, []byte(sheetXMLOf("")), "")
		_, book := openSheetBoth(t, b, unzipXMLSizeLimit, sheetLimits{})
		// sheetMinimalStyles: 0 General, 1 id 10, 2 id 14, 3 "0.0%", 4 "dd/mm/yyyy".
		for style, want := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, false}, {false, true}, {false, false}} {
			if got := [2]bool{book.percentStyle(style), book.dateStyle(style)}; got != want {
				t.Errorf("style %d: percent, date = %v, want %v", style, got, want)
			}
		}
		if book.percentStyle(-1) || book.dateStyle(1<<20) {
			t.Error("a style out of range has a format")
		}
	})
	// Cells whose format is known from how the file was made.
	fixtures := []struct {
		file          string
		sheet         string
		percent, date []string // cells
		neither       []string
	}{
		{"libreoffice.good.xlsx", "Vital Signs", []string{"D3", "D4"}, []string{"A3", "A4", "A5"}, []string{"A1", "B3", "E3", "D5"}},
		{"sheet_formats.xlsx", "Formats", []string{"B2", "B3", "B4"}, []string{"C2", "C3", "C4", "D2", "D3"}, []string{"A2", "E2", "E3", "E4"}},
	}
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			f, book := openSheetBoth(t, b, unzipXMLSizeLimit, sheetLimits{})
			check := func(cells []string, percent, date bool) {
				for _, ref := range cells {
					style, err := f.GetCellStyle(fx.sheet, ref)
					if err != nil {
						t.Fatal(err)
					}
					if book.percentStyle(style) != percent || book.dateStyle(style) != date {
						t.Errorf("%s (style %d): percent %v date %v, want %v %v", ref, style,
							book.percentStyle(style), book.dateStyle(style), percent, date)
					}
				}
			}
			check(fx.percent, true, false)
			check(fx.date, false, true)
			check(fx.neither, false, false)
		})
	}
}

// TestStyleDetectionExcelize checks the classification against excelize's
// own reading of each style's number format (GetStyle).
func TestStyleDetectionExcelize(t *testing.T) {
	b := sheetExcelizeWorkbook(t)
	f, book := openSheetBoth(t, b, unzipXMLSizeLimit, sheetLimits{})
	for i := range len(f.Styles.CellXfs.Xf) {
		st, err := f.GetStyle(i)
		if err != nil {
			t.Fatal(err)
		}
		var want uint8
		if st.CustomNumFmt != nil {
			want = formatCodeClass(*st.CustomNumFmt)
		} else {
			want = numFmtClass(st.NumFmt, nil)
		}
		if got := book.formats[i]; got != want {
			t.Errorf("style %d (%+v): class %b, GetStyle gives %b", i, st, got, want)
		}
	}
}

// ---- benchmarks ----

// Benchmark sheet: 100,000 rows × 7 columns in the long layout, text as
// shared strings as Excel and Calc write them.
const sheetBenchRows = 100_000

var sheetBenchFile struct {
	b        []byte
	xmlBytes int64
}

// sheetBenchWorkbook builds the benchmark workbook once.
func sheetBenchWorkbook(b *testing.B) ([]byte, int64) {
	if sheetBenchFile.b != nil {
		return sheetBenchFile.b, sheetBenchFile.xmlBytes
	}
	var sst strings.Builder
	strs := map[string]int{}
	var list []string
	intern := func(s string) int {
		if i, ok := strs[s]; ok {
			return i
		}
		strs[s] = len(list)
		list = append(list, s)
		return len(list) - 1
	}
	var sh bytes.Buffer
	sh.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:G100001"/><sheetData>`)
	writeRow := func(r int, vals []any) {
		fmt.Fprintf(&sh, `<row r="%d" spans="1:7">`, r)
		for i, v := range vals {
			ref := string(rune('A'+i)) + strconv.Itoa(r)
			switch v := v.(type) {
			case string:
				fmt.Fprintf(&sh, `<c r="%s" t="s"><v>%d</v></c>`, ref, intern(v))
			case float64:
				fmt.Fprintf(&sh, `<c r="%s" s="1"><v>%s</v></c>`, ref, strconv.FormatFloat(v, 'g', -1, 64))
			case int:
				fmt.Fprintf(&sh, `<c r="%s"><v>%d</v></c>`, ref, v)
			}
		}
		sh.WriteString(`</row>`)
	}
	writeRow(1, []any{"Period", "Indicator", "Team", "Value", "Numerator", "Denominator", "Commentary"})
	for n := range sheetBenchRows {
		writeRow(n+2, []any{fmt.Sprintf("2025-%02d", 1+n%12), fmt.Sprintf("Indicator number %d", n%10),
			fmt.Sprintf("team_%03d", n/10%100), float64(n%1000) / 1000, 40 + n%7, 50, "Commentary for this row"})
	}
	sh.WriteString(`</sheetData></worksheet>`)
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(list), len(list))
	for _, s := range list {
		fmt.Fprintf(&sst, `<si><t>%s</t></si>`, s)
	}
	sst.WriteString(`</sst>`)
	sheetBenchFile.b = buildSheetWorkbook(b, sh.Bytes(), sst.String())
	sheetBenchFile.xmlBytes = int64(sh.Len())
	return sheetBenchFile.b, sheetBenchFile.xmlBytes
}

// BenchmarkSheetReader opens the generated workbook with excelize and
// reads every cell with the sheet reader; BenchmarkExcelizeRows reads the
// same with excelize's Rows and Columns with raw values. MB/s counts the
// inflated sheet XML. Run:
//
//	go test ./collector -run '^$' -bench 'SheetReader|ExcelizeRows' -benchmem -count 6
func BenchmarkSheetReader(b *testing.B) {
	wb, xmlBytes := sheetBenchWorkbook(b)
	b.SetBytes(xmlBytes)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		f, err := excelize.OpenReader(bytes.NewReader(wb), excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLSizeLimit})
		if err != nil {
			b.Fatal(err)
		}
		book, err := newSheetBook(f, bytes.NewReader(wb), int64(len(wb)), sheetLimits{})
		if err != nil {
			b.Fatal(err)
		}
		r, err := book.openSheetReader("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for r.Next() {
			_, cells := r.Row()
			if len(cells) != 7 {
				b.Fatalf("row of %d cells", len(cells))
			}
			n++
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Close()
		f.Close()
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkExcelizeRows(b *testing.B) {
	wb, xmlBytes := sheetBenchWorkbook(b)
	b.SetBytes(xmlBytes)
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		f, err := excelize.OpenReader(bytes.NewReader(wb), excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLSizeLimit})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rs.Next() {
			cells, err := rs.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			if len(cells) != 7 {
				b.Fatalf("row of %d cells", len(cells))
			}
			n++
		}
		rs.Close()
		f.Close()
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
