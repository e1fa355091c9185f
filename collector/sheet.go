package collector

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// sheetLimits bound what one worksheet (and the workbook's shared strings)
// may make the sheet reader hold or do. Every limit reached is an error that
// names the row; none is a silent truncation. The zero value of a field
// means its default (defaultSheetLimits).
type sheetLimits struct {
	MaxRow int // highest row number; default 1,048,576 (Excel's)
	// MaxCols is the highest column number of a cell with a value or a
	// formula (an empty cell further right, styled or not, is passed
	// over, as excelize's Columns passes it over); default 16,384
	// (Excel's, XFD).
	MaxCols       int
	MaxCellChars  int   // characters of one cell's text; default 32,767 (Excel's)
	MaxRowBytes   int   // bytes of all text of one row; default 16 MiB
	MaxPartBytes  int64 // decompressed bytes of a part read from the zip; default 200 MiB
	MaxDepth      int   // element nesting inside a cell or shared string; default 32
	MaxStrings    int   // shared strings; default 2,000,000
	MaxStringText int   // bytes of all shared strings; default 100 MiB
}

// defaultSheetLimits are the limits the zero sheetLimits stands for.
var defaultSheetLimits = sheetLimits{
	MaxRow:        excelize.TotalRows,
	MaxCols:       excelize.MaxColumns,
	MaxCellChars:  excelize.TotalCellChars,
	MaxRowBytes:   16 << 20,
	MaxPartBytes:  unzipSizeLimit,
	MaxDepth:      32,
	MaxStrings:    2_000_000,
	MaxStringText: 100 << 20,
}

func (l sheetLimits) withDefaults() sheetLimits {
	d := defaultSheetLimits
	if l.MaxRow <= 0 || l.MaxRow > d.MaxRow {
		l.MaxRow = d.MaxRow
	}
	if l.MaxCols <= 0 || l.MaxCols > d.MaxCols {
		l.MaxCols = d.MaxCols
	}
	if l.MaxCellChars <= 0 {
		l.MaxCellChars = d.MaxCellChars
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = d.MaxRowBytes
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = d.MaxPartBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxStrings <= 0 {
		l.MaxStrings = d.MaxStrings
	}
	if l.MaxStringText <= 0 {
		l.MaxStringText = d.MaxStringText
	}
	return l
}

// maxTextWindow bounds the bytes of XML the reader holds at once: the
// longest tag, or the longest text of one element as stored (escaped). A
// cell of 32,767 characters written as numeric character references takes
// about 330 KB.
func (l sheetLimits) maxTextWindow() int {
	return max(64<<10, 12*l.MaxCellChars)
}

// sheetCell is one cell as stored.
type sheetCell struct {
	Col, Row int // 1-based
	// Raw is the stored value: number text, shared string resolved,
	// inline string, boolean "0"/"1", error text such as "#DIV/0!", or a
	// formula's cached value.
	Raw string
	// Type is the t attribute as stored: "", "n", "s", "str",
	// "inlineStr", "b", "e" or "d".
	Type    string
	Style   int  // s attribute (0 when absent)
	Formula bool // has an <f> element
	// Cached says the cell has a <v> (or, for an inline string, <is>)
	// element; Formula && !Cached is a formula with no saved result.
	Cached bool
}

// sheetError is bad or over-limit content in a part of the workbook.
// Row is the row it was found in, 0 before the first row.
type sheetError struct {
	Part   string
	Row    int
	Reason string
	// Limit names the sheetLimits field whose limit was reached ("MaxRow",
	// "MaxCols", …); "" when the content is bad rather than too large.
	Limit string
}

func (e *sheetError) Error() string {
	if e.Row > 0 {
		return fmt.Sprintf("%s: row %d: %s", e.Part, e.Row, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Part, e.Reason)
}

// sheetBook gives the sheet reader what the workbook holds beyond one
// sheet: where each sheet's part is, the shared strings, and the number
// format of each cell style. It keeps excelize for the package (the zip,
// its size limits, the workbook and its styles) and reads only the
// worksheet parts and shared strings itself.
type sheetBook struct {
	f     *excelize.File
	ra    io.ReaderAt
	size  int64
	lim   sheetLimits
	parts map[string]string // lower-case sheet name → part path

	sst     []string
	sstErr  error
	sstDone bool

	formats []uint8 // per cellXfs index: sheetFmtPercent | sheetFmtDate
}

const (
	sheetFmtPercent uint8 = 1 << iota
	sheetFmtDate
)

// newSheetBook prepares to read the sheets of f, which excelize opened
// from ra (size bytes). ra is read again only for worksheet and shared
// string parts that excelize left in temporary files (those larger than
// its UnzipXMLSizeLimit); it may be nil when no part is that large.
func newSheetBook(f *excelize.File, ra io.ReaderAt, size int64, lim sheetLimits) (*sheetBook, error) {
	b := &sheetBook{f: f, ra: ra, size: size, lim: lim.withDefaults()}
	parts, err := b.sheetPaths()
	if err != nil {
		return nil, err
	}
	b.parts = parts
	b.formats = styleFormats(f)
	return b, nil
}

// pkgPart returns a part excelize holds in memory.
func (b *sheetBook) pkgPart(name string) ([]byte, bool) {
	v, ok := b.f.Pkg.Load(name)
	if !ok {
		return nil, false
	}
	p, ok := v.([]byte)
	return p, ok && len(p) > 0
}

// sheetPaths resolves each sheet's part as excelize does: the workbook
// part named by the package relationships, its relationships, and each
// sheet's r:id.
func (b *sheetBook) sheetPaths() (map[string]string, error) {
	type rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	decode := func(name string, v any) error {
		p, ok := b.pkgPart(name)
		if !ok {
			return &sheetError{Part: name, Reason: "the part is missing"}
		}
		if err := xml.NewDecoder(bytes.NewReader(p)).Decode(v); err != nil {
			return &sheetError{Part: name, Reason: "the part cannot be read: " + err.Error()}
		}
		return nil
	}
	var root rels
	if err := decode("_rels/.rels", &root); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range root.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wbPath == "" {
		return nil, &sheetError{Part: "_rels/.rels", Reason: "no workbook is named"}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decode(wbPath, &wb); err != nil {
		return nil, err
	}
	dir, base := path.Dir(wbPath), path.Base(wbPath)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+base+".rels", "./")
	var wbRels rels
	if err := decode(relsPath, &wbRels); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(wb.Sheets))
	for _, s := range wb.Sheets {
		for _, r := range wbRels.Rels {
			if r.ID != s.ID {
				continue
			}
			// As excelize's getWorksheetPath.
			p := filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(dir+"/"+r.Target), "\\", "/"), "/"))
			if strings.HasPrefix(r.Target, "/") {
				p = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(r.Target), "\\", "/"), "/"))
			}
			out[strings.ToLower(s.Name)] = p
		}
	}
	return out, nil
}

// openPart opens a part: from excelize's memory when it holds it, else
// from the zip, refusing a part that unpacks to more than MaxPartBytes.
// size is the part's size unpacked (as the zip declares it).
func (b *sheetBook) openPart(name string, fold bool) (rc io.ReadCloser, size int64, err error) {
	if p, ok := b.pkgPart(name); ok {
		return io.NopCloser(bytes.NewReader(p)), int64(len(p)), nil
	}
	if b.ra == nil {
		return nil, 0, &sheetError{Part: name, Reason: "the part is missing"}
	}
	zr, err := zip.NewReader(b.ra, b.size)
	if err != nil {
		return nil, 0, fmt.Errorf("open zip for %s: %w", name, err)
	}
	for _, zf := range zr.File {
		zn := strings.ReplaceAll(zf.Name, "\\", "/")
		if zn != name && !(fold && strings.EqualFold(zn, name)) {
			continue
		}
		if zf.UncompressedSize64 > uint64(b.lim.MaxPartBytes) {
			return nil, 0, &sheetError{Part: name, Reason: fmt.Sprintf("the part unpacks to more than %d bytes", b.lim.MaxPartBytes), Limit: "MaxPartBytes"}
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, 0, fmt.Errorf("open %s: %w", name, err)
		}
		// archive/zip fails a part that inflates beyond its declared
		// size; the limit reader is a second fence.
		return struct {
			io.Reader
			io.Closer
		}{io.LimitReader(rc, b.lim.MaxPartBytes+1), rc}, int64(zf.UncompressedSize64), nil
	}
	return nil, 0, &sheetError{Part: name, Reason: "the part is missing"}
}

// sharedStringsPart is where excelize (and so the sheet reader) looks for
// the shared strings.
const sharedStringsPart = "xl/sharedStrings.xml"

// sharedStrings reads xl/sharedStrings.xml once (excelize's fixed path for
// it), bounded by MaxStrings and MaxStringText. A workbook without the
// part has no shared strings.
func (b *sheetBook) sharedStrings() ([]string, error) {
	if b.sstDone {
		return b.sst, b.sstErr
	}
	b.sstDone = true
	const name = sharedStringsPart
	rc, _, err := b.openPart(name, true)
	if err != nil {
		var se *sheetError
		if errors.As(err, &se) && se.Reason == "the part is missing" {
			return nil, nil
		}
		b.sstErr = err
		return nil, err
	}
	defer rc.Close()
	b.sst, b.sstErr = readSharedStrings(rc, name, b.lim)
	return b.sst, b.sstErr
}

// readSharedStrings parses the <si> children of a shared strings part. The
// text of each is read as excelize and Excel read it: its <t>, then the
// <t> of each rich-text run <r>, skipping phonetic runs (<rPh>), with
// _xHHHH_ escapes decoded.
func readSharedStrings(r io.Reader, name string, lim sheetLimits) ([]string, error) {
	s := newXMLScan(r, name, lim)
	var (
		arena []byte
		ends  []int
	)
	// The root element.
	for {
		k, err := s.nextTag()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if k == tagEmpty {
			return nil, nil
		}
		if k == tagStart {
			break
		}
		if k == tagEnd {
			return nil, s.fail("unexpected end tag")
		}
	}
	for {
		k, err := s.nextTag()
		if err == io.EOF {
			return nil, s.fail("the part ends inside its root element")
		}
		if err != nil {
			return nil, err
		}
		switch k {
		case tagEnd:
			out := make([]string, len(ends))
			all := string(arena)
			start := 0
			for i, e := range ends {
				out[i] = all[start:e]
				start = e
			}
			return out, nil
		case tagStart, tagEmpty:
			if !bytes.Equal(s.local, []byte("si")) {
				if k == tagStart {
					if err := s.skip(1); err != nil {
						return nil, err
					}
				}
				break
			}
			if len(ends) >= lim.MaxStrings {
				return nil, s.failLimit("MaxStrings", fmt.Sprintf("more than %d shared strings", lim.MaxStrings))
			}
			if k == tagStart {
				if arena, err = s.richText(arena, "si"); err != nil {
					return nil, err
				}
			}
			if len(arena) > lim.MaxStringText {
				return nil, s.failLimit("MaxStringText", fmt.Sprintf("shared strings hold more than %d bytes of text", lim.MaxStringText))
			}
			ends = append(ends, len(arena))
		}
	}
}

// styleFormats classifies the number format of every cell style (cellXfs
// entry) excelize read from xl/styles.xml.
func styleFormats(f *excelize.File) []uint8 {
	st := f.Styles
	if st == nil || st.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if nf != nil {
				custom[nf.NumFmtID] = nf.FormatCode
			}
		}
	}
	out := make([]uint8, len(st.CellXfs.Xf))
	for i, xf := range st.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		out[i] = numFmtClass(id, custom)
	}
	return out
}

// numFmtClass classifies a number format: a format the workbook defines
// by code is judged by its code (even one reusing a built-in id), else the
// built-in ids 9 and 10 are percent, and 14–22 and 45–47 dates and times.
func numFmtClass(id int, custom map[int]string) uint8 {
	if code, ok := custom[id]; ok {
		return formatCodeClass(code)
	}
	switch {
	case id == 9 || id == 10:
		return sheetFmtPercent
	case 14 <= id && id <= 22, 45 <= id && id <= 47:
		return sheetFmtDate
	}
	return 0
}

// formatCodeClass judges a custom format code: % outside quotes, brackets
// and escapes makes a percent format; d, m, y, h or s there (any case)
// makes a date or time format. "General" is neither.
func formatCodeClass(code string) uint8 {
	if strings.EqualFold(strings.TrimSpace(code), "general") {
		return 0
	}
	var class uint8
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '[':
			if j := strings.IndexByte(code[i+1:], ']'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*': // escaped, padded or fill character
			i++
		case '%':
			class |= sheetFmtPercent
		case 'd', 'D', 'm', 'M', 'y', 'Y', 'h', 'H', 's', 'S':
			class |= sheetFmtDate
		case 'G', 'g':
			if len(code)-i >= 7 && strings.EqualFold(code[i:i+7], "general") {
				i += 6
			}
		}
	}
	return class
}

// percentStyle says cell style style has a percent number format.
func (b *sheetBook) percentStyle(style int) bool {
	return style >= 0 && style < len(b.formats) && b.formats[style]&sheetFmtPercent != 0
}

// dateStyle says cell style style has a date or time number format.
func (b *sheetBook) dateStyle(style int) bool {
	return style >= 0 && style < len(b.formats) && b.formats[style]&sheetFmtDate != 0
}

// sheetReader streams the cells of one worksheet, row by row.
//
// It is written by hand, as a byte scanner over the inflated sheet XML,
// because excelize's row reader (Rows and Columns) decodes every element
// with encoding/xml, which is where nearly all of its time goes: on a
// generated 100,000-row × 7-column sheet (numbers and shared strings, 25
// MB of XML) opening the workbook and reading every cell takes about
// 0.3 s with this reader (of which excelize's OpenReader is about 0.06 s
// and inflating the sheet about 0.06 s) and about 2.0 s with excelize's
// Rows and Columns with RawCellValue: about 6× faster, with 1 allocation
// per row instead of 124 (BenchmarkSheetReader and BenchmarkExcelizeRows
// in sheet_test.go, on a shared 2-core machine; run
//
//	go test ./collector -run '^$' -bench 'SheetReader|ExcelizeRows' -benchmem -count 6
//
// ). It understands exactly what worksheets hold: <sheetData>, <row>, <c>
// with <v>, <f> and <is> (with rich-text runs, and phonetic runs skipped),
// any namespace prefix, attributes in any order and quote style, rows and
// cells without r, entity and character references, CDATA, comments and
// processing instructions. It yields the same values as excelize's
// Columns with RawCellValue (TestSheetReaderDifferential and
// FuzzSheetReader check this), except that it refuses what excelize reads
// quietly in some way of its own: rows or cells out of order or repeated,
// a cell reference outside its row, a shared string index out of range,
// an unknown cell type, an element where none belongs, a document type
// declaration, and a declared encoding other than UTF-8. Text that is not
// well-formed is refused too, where excelize stops reading silently.
//
// Cells with no value and no formula are not yielded; rows with no cells
// are skipped.
type sheetReader struct {
	s     *xmlScan
	rc    io.Closer
	size  int64 // of the part, unpacked
	sst   []string
	sstFn func() ([]string, error)
	lim   sheetLimits

	state int // readBefore, readRows, readDone
	row   int // number of the current row
	cells []sheetCell
	arena []byte // text of the current row
	offs  []int  // arena end of each cell's Raw, or -1 for a shared string
	err   error
}

const (
	readBefore = iota
	readRows
	readDone
)

// openSheetReader opens the named sheet (matched case-insensitively, as
// excelize matches names).
func (b *sheetBook) openSheetReader(sheet string) (*sheetReader, error) {
	name, ok := b.parts[strings.ToLower(sheet)]
	if !ok {
		return nil, fmt.Errorf("sheet %q: %w", sheet, excelize.ErrSheetNotExist{SheetName: sheet})
	}
	rc, size, err := b.openPart(name, false)
	if err != nil {
		return nil, err
	}
	return &sheetReader{
		s:     newXMLScan(rc, name, b.lim),
		rc:    rc,
		size:  size,
		sstFn: b.sharedStrings,
		lim:   b.lim,
	}, nil
}

// Next advances to the next row that has at least one cell with a value
// or a formula. It returns false at the end of the sheet's data or on an
// error (see Err).
func (r *sheetReader) Next() bool {
	if r.err != nil || r.state == readDone {
		return false
	}
	if r.state == readBefore {
		if err := r.s.toSheetData(); err != nil {
			r.state = readDone
			if err != io.EOF {
				r.err = err
			}
			return false
		}
		r.state = readRows
		if r.s.kind == tagEmpty {
			r.state = readDone
			return false
		}
	}
	for {
		k, err := r.s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = r.s.fail("the sheet ends inside <sheetData>")
			}
			return r.stop(err)
		}
		switch k {
		case tagEnd:
			if !bytes.Equal(r.s.local, []byte("sheetData")) {
				return r.stop(r.s.fail(fmt.Sprintf("</%s> closes <sheetData>", r.s.local)))
			}
			r.state = readDone
			return false
		case tagStart, tagEmpty:
			if !bytes.Equal(r.s.local, []byte("row")) {
				return r.stop(r.s.failRow(r.row, fmt.Sprintf("unexpected element <%s> in <sheetData>", r.s.local)))
			}
			n, err := r.rowNumber()
			if err != nil {
				return r.stop(err)
			}
			r.row = n
			r.s.row = n
			r.cells, r.arena, r.offs = r.cells[:0], r.arena[:0], r.offs[:0]
			if k == tagEmpty {
				continue
			}
			if err := r.readRow(); err != nil {
				return r.stop(err)
			}
			if len(r.cells) > 0 {
				r.finishRow()
				return true
			}
		}
	}
}

func (r *sheetReader) stop(err error) bool {
	r.err = err
	r.state = readDone
	r.cells = r.cells[:0]
	return false
}

// rowNumber reads the r attribute of the <row> tag just scanned; a row
// without one follows the previous row. Every attribute whose local name
// is r counts, the last winning, as excelize reads them.
func (r *sheetReader) rowNumber() (int, error) {
	n := 0
	for i := range r.s.attrs {
		a := &r.s.attrs[i]
		if string(xmlLocalName(a.name)) != "r" {
			continue
		}
		v, err := r.s.attrValue(a)
		if err != nil {
			return 0, err
		}
		m, ok := atoiBounded(v, r.lim.MaxRow)
		switch {
		case !ok && m > r.lim.MaxRow:
			return 0, r.s.failRowLimit(r.row, "MaxRow", fmt.Sprintf("row number %.20q is more than %d", v, r.lim.MaxRow))
		case !ok || m == 0:
			return 0, r.s.failRow(r.row, fmt.Sprintf("invalid row number %.20q", v))
		}
		n = m
	}
	if n == 0 {
		n = r.row + 1
		if n > r.lim.MaxRow {
			return 0, r.s.failRowLimit(r.row, "MaxRow", fmt.Sprintf("more than %d rows", r.lim.MaxRow))
		}
	}
	if n <= r.row {
		return 0, r.s.failRow(n, fmt.Sprintf("row %d comes after row %d", n, r.row))
	}
	return n, nil
}

// readRow reads the cells of the current row up to </row>.
func (r *sheetReader) readRow() error {
	col := 0
	for {
		k, err := r.s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = r.s.fail("the sheet ends inside a row")
			}
			return err
		}
		switch k {
		case tagEnd:
			if !bytes.Equal(r.s.local, []byte("row")) {
				return r.s.fail(fmt.Sprintf("</%s> closes <row>", r.s.local))
			}
			return nil
		case tagStart, tagEmpty:
			switch {
			case bytes.Equal(r.s.local, []byte("c")):
				if col, err = r.readCell(col, k == tagEmpty); err != nil {
					return err
				}
			case bytes.Equal(r.s.local, []byte("extLst")):
				if k == tagStart {
					if err := r.s.skip(1); err != nil {
						return err
					}
				}
			default:
				return r.s.fail(fmt.Sprintf("unexpected element <%s> in <row>", r.s.local))
			}
		}
	}
}

// Cell types as stored, interned.
var sheetCellTypes = []string{"", "n", "s", "str", "inlineStr", "b", "e", "d"}

// readCell reads one <c> whose start tag was just scanned; prev is the
// column of the previous cell in the row. It returns the cell's column.
func (r *sheetReader) readCell(prev int, empty bool) (int, error) {
	s := r.s
	var (
		col   = prev + 1
		style int
		typ   string
		ref   string // the r attribute, kept only when beyond MaxCols
	)
	for i := range s.attrs {
		a := &s.attrs[i]
		switch string(xmlLocalName(a.name)) {
		case "r":
			v, err := s.attrValue(a)
			if err != nil {
				return 0, err
			}
			if len(v) == 0 {
				continue // as excelize: an empty reference is none
			}
			c, rw, ok := parseCellRef(v, excelize.MaxColumns)
			if !ok {
				if c > excelize.MaxColumns {
					return 0, s.failLimit("MaxCols", fmt.Sprintf("cell %.20q is beyond column %d", v, excelize.MaxColumns))
				}
				return 0, s.fail(fmt.Sprintf("invalid cell reference %.20q", v))
			}
			if rw != r.row {
				return 0, s.fail(fmt.Sprintf("cell %.20q is not in row %d", v, r.row))
			}
			col = c
			if col > r.lim.MaxCols {
				ref = string(v)
			}
		case "s":
			v, err := s.attrValue(a)
			if err != nil {
				return 0, err
			}
			n, ok := atoiBounded(v, 1<<24)
			if !ok {
				return 0, s.fail(fmt.Sprintf("invalid style index %.20q", v))
			}
			style = n
		case "t":
			v, err := s.attrValue(a)
			if err != nil {
				return 0, err
			}
			known := false
			for _, t := range sheetCellTypes {
				if string(v) == t {
					typ, known = t, true
					break
				}
			}
			if !known {
				return 0, s.fail(fmt.Sprintf("unknown cell type %.20q", v))
			}
		}
	}
	if col > excelize.MaxColumns {
		return 0, s.failLimit("MaxCols", fmt.Sprintf("more than %d columns", excelize.MaxColumns))
	}
	if col <= prev {
		return 0, s.fail(fmt.Sprintf("column %d comes after column %d", col, prev))
	}
	var (
		formula, hasV, hasIS bool
		start                = len(r.arena)
		isStart, isEnd       int
		vStart, vEnd         = start, start
	)
	for !empty {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = s.fail("the sheet ends inside a cell")
			}
			return 0, err
		}
		if k == tagEnd {
			if !bytes.Equal(s.local, []byte("c")) {
				return 0, s.fail(fmt.Sprintf("</%s> closes <c>", s.local))
			}
			break
		}
		if k != tagStart && k != tagEmpty {
			continue
		}
		switch string(s.local) {
		case "v":
			if hasV {
				return 0, s.fail("a cell has two <v> elements")
			}
			hasV = true
			vStart = len(r.arena)
			if k == tagStart {
				if r.arena, err = s.text(r.arena, "v"); err != nil {
					return 0, err
				}
			}
			vEnd = len(r.arena)
		case "f":
			if formula {
				return 0, s.fail("a cell has two <f> elements")
			}
			formula = true
			if k == tagStart {
				if err := s.skip(1); err != nil {
					return 0, err
				}
			}
		case "is":
			if hasIS {
				return 0, s.fail("a cell has two <is> elements")
			}
			hasIS = true
			isStart = len(r.arena)
			if k == tagStart {
				if r.arena, err = s.richText(r.arena, "is"); err != nil {
					return 0, err
				}
			}
			isEnd = len(r.arena)
		case "extLst":
			if k == tagStart {
				if err := s.skip(1); err != nil {
					return 0, err
				}
			}
		default:
			return 0, s.fail(fmt.Sprintf("unexpected element <%s> in <c>", s.local))
		}
		if len(r.arena) > r.lim.MaxRowBytes {
			return 0, s.failLimit("MaxRowBytes", fmt.Sprintf("the row holds more than %d bytes of text", r.lim.MaxRowBytes))
		}
	}
	cell := sheetCell{Col: col, Row: r.row, Type: typ, Style: style, Formula: formula, Cached: hasV}
	off := -1
	switch typ {
	case "s":
		v := r.arena[vStart:vEnd]
		if len(trimXMLSpace(v)) == 0 {
			break
		}
		if r.sst == nil && r.sstFn != nil {
			sst, err := r.sstFn()
			if err != nil {
				return 0, err
			}
			r.sst, r.sstFn = sst, nil
		}
		i, ok := atoiBounded(trimXMLSpace(v), len(r.sst)-1)
		if !ok {
			return 0, s.fail(fmt.Sprintf("cell %s: shared string index %.20q is not one of the %d shared strings",
				sheetColName(col), v, len(r.sst)))
		}
		cell.Raw = r.sst[i]
	case "inlineStr":
		cell.Cached = hasV || hasIS
		if hasIS {
			// Keep the inline string, drop the rest.
			n := copy(r.arena[start:], r.arena[isStart:isEnd])
			r.arena = r.arena[:start+n]
		} else {
			n := copy(r.arena[start:], r.arena[vStart:vEnd])
			r.arena = r.arena[:start+n]
		}
		off = len(r.arena)
	default:
		n := copy(r.arena[start:], r.arena[vStart:vEnd])
		r.arena = r.arena[:start+n]
		off = len(r.arena)
	}
	if typ == "s" {
		r.arena = r.arena[:start]
	}
	if (off >= 0 && len(r.arena) > start) || cell.Raw != "" || formula {
		// Only a cell with a value or a formula is held to MaxCols.
		if col > r.lim.MaxCols {
			if ref != "" {
				return 0, s.failLimit("MaxCols", fmt.Sprintf("cell %.20q is beyond column %d", ref, r.lim.MaxCols))
			}
			return 0, s.failLimit("MaxCols", fmt.Sprintf("more than %d columns", r.lim.MaxCols))
		}
		r.cells = append(r.cells, cell)
		r.offs = append(r.offs, off)
	} else {
		r.arena = r.arena[:start]
	}
	return col, nil
}

// finishRow makes the row's text one string and slices each cell's Raw
// from it: one allocation per row.
func (r *sheetReader) finishRow() {
	all := string(r.arena)
	start := 0
	for i, end := range r.offs {
		if end < 0 {
			continue
		}
		r.cells[i].Raw = all[start:end]
		start = end
	}
}

// Row returns the current row's number and its cells in column order.
// The slice is reused by Next; the strings are not.
func (r *sheetReader) Row() (int, []sheetCell) { return r.row, r.cells }

// Err returns the error that stopped Next, if any.
func (r *sheetReader) Err() error { return r.err }

// Close releases the part.
func (r *sheetReader) Close() error {
	if r.rc == nil {
		return nil
	}
	err := r.rc.Close()
	r.rc = nil
	return err
}

// bytesRead is the XML read so far.
func (r *sheetReader) bytesRead() int64 { return r.s.read }

// progress says how far through its part the reader is: the bytes of XML
// scanned (read and not merely buffered ahead) and the part's size.
func (r *sheetReader) progress() (done, size int64) {
	return r.s.read - int64(r.s.end-r.s.pos), r.size
}

// sheetColName is the column's letters, for messages.
func sheetColName(col int) string {
	n, err := excelize.ColumnNumberToName(col)
	if err != nil {
		return strconv.Itoa(col)
	}
	return n
}

// ---- the scanner ----

type tagKind int

const (
	tagStart tagKind = iota + 1
	tagEnd
	tagEmpty // self-closing
)

type xmlAttr struct{ name, val []byte }

// xmlScan is a minimal XML scanner over a stream: tags with their
// attributes, text with references decoded and checked as encoding/xml
// checks it, and comments, processing instructions and CDATA.
type xmlScan struct {
	rd   io.Reader
	part string
	lim  sheetLimits
	max  int // window limit

	buf      []byte
	pos, end int
	eof      bool
	rerr     error
	read     int64
	started  bool

	kind  tagKind
	local []byte // local name of the last tag (valid until the next read)
	attrs []xmlAttr
	row   int // for messages
}

func newXMLScan(rd io.Reader, part string, lim sheetLimits) *xmlScan {
	return &xmlScan{rd: rd, part: part, lim: lim, max: lim.maxTextWindow(), buf: make([]byte, 64<<10)}
}

func (s *xmlScan) fail(reason string) error {
	return &sheetError{Part: s.part, Row: s.row, Reason: reason}
}

func (s *xmlScan) failRow(row int, reason string) error {
	return &sheetError{Part: s.part, Row: row, Reason: reason}
}

// failLimit is fail for a limit reached, named by its sheetLimits field.
func (s *xmlScan) failLimit(limit, reason string) error {
	return &sheetError{Part: s.part, Row: s.row, Reason: reason, Limit: limit}
}

func (s *xmlScan) failRowLimit(row int, limit, reason string) error {
	return &sheetError{Part: s.part, Row: row, Reason: reason, Limit: limit}
}

var errSheetWindow = errors.New("window full")

// more reads more input, keeping buf[pos:end] (moved to the front). It
// returns io.EOF at the end of input and errSheetWindow when the window would
// exceed its limit.
func (s *xmlScan) more() error {
	if s.eof {
		if s.rerr != nil {
			return s.rerr
		}
		return io.EOF
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			return errSheetWindow
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.rd.Read(s.buf[s.end:])
		s.end += n
		s.read += int64(n)
		if s.read > s.lim.MaxPartBytes {
			s.eof, s.rerr = true, s.failLimit("MaxPartBytes", fmt.Sprintf("the part unpacks to more than %d bytes", s.lim.MaxPartBytes))
			return s.rerr
		}
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = fmt.Errorf("read %s: %w", s.part, err)
			}
			if n > 0 {
				return nil
			}
			if s.rerr != nil {
				return s.rerr
			}
			return io.EOF
		}
		if n > 0 {
			return nil
		}
	}
}

// windowErr turns errSheetWindow and io.EOF met inside a construct into errors
// that say what was too long or unterminated.
func (s *xmlScan) windowErr(err error, what string) error {
	switch err {
	case errSheetWindow:
		return s.failLimit("MaxCellChars", fmt.Sprintf("%s longer than %d bytes", what, s.max))
	case io.EOF:
		return s.fail("the part ends inside " + what)
	}
	return err
}

// ensure makes n bytes from pos available, or fewer at the end of input.
func (s *xmlScan) ensure(n int) error {
	for s.end-s.pos < n {
		if err := s.more(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
	return nil
}

// start checks the beginning of the part: no UTF-16 byte-order mark, and
// an XML declaration naming UTF-8 if any encoding.
func (s *xmlScan) start() error {
	s.started = true
	if err := s.ensure(4); err != nil {
		return err
	}
	b := s.buf[s.pos:s.end]
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return s.fail("the part is UTF-16; only UTF-8 is read")
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return nil
	}
	for {
		b = s.buf[s.pos:s.end]
		if i := bytes.Index(b, []byte("?>")); i >= 0 {
			decl := b[:i]
			if j := bytes.Index(decl, []byte("encoding")); j >= 0 {
				rest := bytes.TrimLeft(decl[j+len("encoding"):], " \t\r\n=")
				if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
					q := rest[0]
					if k := bytes.IndexByte(rest[1:], q); k >= 0 {
						enc := string(rest[1 : 1+k])
						if !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "utf8") {
							return s.fail(fmt.Sprintf("the part is in encoding %.20q; only UTF-8 is read", enc))
						}
					}
				}
			}
			return nil
		}
		if s.end-s.pos > 1024 {
			return nil // not a declaration we need to read
		}
		if err := s.more(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// nextTag skips text and comments, processing instructions and CDATA, and
// scans the next start, end or self-closing tag. It returns io.EOF at the
// end of input.
func (s *xmlScan) nextTag() (tagKind, error) {
	if !s.started {
		if err := s.start(); err != nil {
			return 0, err
		}
	}
	for {
		if i := indexByteShort(s.buf[s.pos:s.end], '<'); i >= 0 {
			s.pos += i
		} else {
			s.pos = s.end
			if err := s.more(); err != nil {
				return 0, err
			}
			continue
		}
		k, err := s.markup(nil)
		if err != nil {
			return 0, err
		}
		if k != 0 {
			return k, nil
		}
	}
}

// markup scans the markup at pos (a '<'). Comments and processing
// instructions are skipped and CDATA appended to cdata when it is not nil
// (skipped otherwise); those return kind 0.
func (s *xmlScan) markup(cdata *[]byte) (tagKind, error) {
	if err := s.ensure(2); err != nil {
		return 0, s.windowErr(err, "a tag")
	}
	b := s.buf[s.pos:s.end]
	if len(b) > 1 && (b[1] == '!' || b[1] == '?') {
		if err := s.ensure(9); err != nil {
			return 0, s.windowErr(err, "a tag")
		}
		b = s.buf[s.pos:s.end]
	}
	switch {
	case len(b) < 2 || b[1] != '!' && b[1] != '?':
		// a tag, below
	case bytes.HasPrefix(b, []byte("<!--")):
		s.pos += 4
		return 0, s.skipPast("-->", "a comment")
	case bytes.HasPrefix(b, []byte("<?")):
		s.pos += 2
		return 0, s.skipPast("?>", "a processing instruction")
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		s.pos += 9
		if cdata == nil {
			return 0, s.skipPast("]]>", "a CDATA section")
		}
		return 0, s.readCDATA(cdata)
	case bytes.HasPrefix(b, []byte("<!")):
		return 0, s.fail("a document type declaration is not allowed")
	}
	// A tag, parsed where it lies; when the window ends inside it, read
	// more and parse it again from its start.
	for {
		k, n, err := s.parseTag(s.buf[s.pos:s.end])
		if err != nil {
			return 0, err
		}
		if n > 0 {
			s.pos += n
			s.kind = k
			return k, nil
		}
		if err := s.more(); err != nil {
			return 0, s.windowErr(err, "a tag")
		}
	}
}

// parseTag parses the start, end or self-closing tag at the start of b
// (a '<'), returning its kind and length, or length 0 when b ends inside
// it. It sets local and attrs; attribute values are found with
// IndexByte, so '>' inside them is no end.
func (s *xmlScan) parseTag(b []byte) (tagKind, int, error) {
	if len(b) < 2 {
		return 0, 0, nil
	}
	if b[1] == '/' {
		j := indexByteShort(b, '>')
		if j < 0 {
			return 0, 0, nil
		}
		name := trimXMLSpace(b[2:j])
		if len(name) == 0 || hasXMLSpaceOrQuote(name) {
			return 0, 0, s.fail("malformed end tag")
		}
		s.local = xmlLocalName(name)
		return tagEnd, j + 1, nil
	}
	i := 1
	for i < len(b) && !isXMLSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	if i == len(b) {
		return 0, 0, nil
	}
	if i == 1 {
		return 0, 0, s.fail("malformed tag")
	}
	s.local = xmlLocalName(b[1:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, 0, nil
		}
		switch b[i] {
		case '>':
			return tagStart, i + 1, nil
		case '/':
			if i+1 == len(b) {
				return 0, 0, nil
			}
			if b[i+1] != '>' {
				return 0, 0, s.fail(fmt.Sprintf("malformed tag <%s>", s.local))
			}
			return tagEmpty, i + 2, nil
		}
		eq := indexByteShort(b[i:], '=')
		if eq < 0 {
			return 0, 0, nil
		}
		name := trimXMLSpace(b[i : i+eq])
		if len(name) == 0 || hasXMLSpaceOrQuote(name) || bytes.IndexByte(name, '>') >= 0 || bytes.IndexByte(name, '<') >= 0 {
			return 0, 0, s.fail(fmt.Sprintf("malformed attribute in <%s>", s.local))
		}
		i += eq + 1
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, 0, nil
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return 0, 0, s.fail(fmt.Sprintf("unquoted attribute value in <%s>", s.local))
		}
		end := indexByteShort(b[i+1:], q)
		if end < 0 {
			return 0, 0, nil
		}
		val := b[i+1 : i+1+end]
		if indexByteShort(val, '<') >= 0 {
			return 0, 0, s.fail(fmt.Sprintf("'<' in an attribute value in <%s>", s.local))
		}
		s.attrs = append(s.attrs, xmlAttr{name: name, val: val})
		i += end + 2
		if i == len(b) {
			return 0, 0, nil
		}
		if c := b[i]; !isXMLSpace(c) && c != '/' && c != '>' {
			return 0, 0, s.fail(fmt.Sprintf("malformed attribute in <%s>", s.local))
		}
	}
}

// indexByteShort is bytes.IndexByte for the short distances between
// markup in a sheet, where a plain loop beats the call.
func indexByteShort(b []byte, c byte) int {
	n := min(len(b), 16)
	for i := 0; i < n; i++ {
		if b[i] == c {
			return i
		}
	}
	if n == len(b) {
		return -1
	}
	if i := bytes.IndexByte(b[n:], c); i >= 0 {
		return n + i
	}
	return -1
}

func hasXMLSpaceOrQuote(b []byte) bool {
	for _, c := range b {
		if isXMLSpace(c) || c == '"' || c == '\'' {
			return true
		}
	}
	return false
}

// attrValue decodes an attribute value's references.
func (s *xmlScan) attrValue(a *xmlAttr) ([]byte, error) {
	if !needsDecode(a.val) {
		return a.val, nil
	}
	v, _, err := appendText(nil, a.val)
	if err != nil {
		return nil, s.fail(err.Error())
	}
	return v, nil
}

// skipPast skips to just after term.
func (s *xmlScan) skipPast(term, what string) error {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], []byte(term)); i >= 0 {
			s.pos += i + len(term)
			return nil
		}
		s.pos = max(s.pos, s.end-len(term)+1)
		if err := s.more(); err != nil {
			return s.windowErr(err, what)
		}
	}
}

// readCDATA appends a CDATA section's content (pos just after
// "<![CDATA[").
func (s *xmlScan) readCDATA(dst *[]byte) error {
	from := 0
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], []byte("]]>")); i >= 0 {
			raw := s.buf[s.pos : s.pos+from+i]
			s.pos += from + i + 3
			out, _, err := appendCDATA(*dst, raw)
			if err != nil {
				return s.fail(err.Error())
			}
			*dst = out
			return nil
		}
		from = max(0, s.end-s.pos-2)
		if err := s.more(); err != nil {
			return s.windowErr(err, "a CDATA section")
		}
	}
}

// text appends the character data of the element whose start tag was
// just scanned, up to its end tag, which must close it. Comments and
// processing instructions inside are skipped; an element inside is an
// error.
func (s *xmlScan) text(dst []byte, elem string) ([]byte, error) {
	chars := 0
	from := 0
	for {
		i := indexByteShort(s.buf[s.pos+from:s.end], '<')
		if i < 0 {
			from = s.end - s.pos
			if err := s.more(); err != nil {
				return dst, s.windowErr(err, "the text of <"+elem+">")
			}
			continue
		}
		raw := s.buf[s.pos : s.pos+from+i]
		s.pos += from + i
		from = 0
		var (
			n   int
			err error
		)
		if dst, n, err = appendText(dst, raw); err != nil {
			return dst, s.fail(err.Error())
		}
		chars += n
		before := len(dst)
		k, err := s.markup(&dst)
		if err != nil {
			return dst, err
		}
		chars += utf8.RuneCount(dst[before:])
		if chars > s.lim.MaxCellChars {
			return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
		}
		switch k {
		case 0:
			continue
		case tagEnd:
			if string(s.local) != elem {
				return dst, s.fail(fmt.Sprintf("</%s> closes <%s>", s.local, elem))
			}
			return dst, nil
		default:
			return dst, s.fail(fmt.Sprintf("unexpected element <%s> in <%s>", s.local, elem))
		}
	}
}

// skip skips the content of elements up to the end tag that brings the
// depth (1 inside the element whose start tag was just scanned) to 0.
func (s *xmlScan) skip(depth int) error {
	for depth > 0 {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				return s.fail("the part ends inside an element")
			}
			return err
		}
		switch k {
		case tagStart:
			depth++
			if depth > s.lim.MaxDepth {
				return s.failLimit("MaxDepth", fmt.Sprintf("elements nested more than %d deep", s.lim.MaxDepth))
			}
		case tagEnd:
			depth--
		}
	}
	return nil
}

// richText appends the text of a string item (<is> in a cell, <si> in the
// shared strings) whose start tag was just scanned, as excelize's
// xlsxSI.String reads it: the item's own <t>, then the <t> of each run
// <r>; phonetic runs and run properties are skipped. _xHHHH_ escapes are
// then decoded.
func (s *xmlScan) richText(dst []byte, elem string) ([]byte, error) {
	start := len(dst)
	var runs []byte
	hasT := false
	for {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = s.fail("the part ends inside <" + elem + ">")
			}
			return dst, err
		}
		if k == tagEnd {
			if string(s.local) != elem {
				return dst, s.fail(fmt.Sprintf("</%s> closes <%s>", s.local, elem))
			}
			break
		}
		switch string(s.local) {
		case "t":
			if hasT {
				return dst, s.fail(fmt.Sprintf("<%s> has two <t> elements", elem))
			}
			hasT = true
			if k == tagStart {
				if dst, err = s.text(dst, "t"); err != nil {
					return dst, err
				}
			}
		case "r":
			if k == tagEmpty {
				continue
			}
			if runs, err = s.run(runs); err != nil {
				return dst, err
			}
		default: // rPh, phoneticPr and anything else
			if k == tagStart {
				if err := s.skip(1); err != nil {
					return dst, err
				}
			}
		}
		if len(dst)-start+len(runs) > 4*s.lim.MaxCellChars {
			return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
		}
	}
	dst = append(dst, runs...)
	if n := utf8.RuneCount(dst[start:]); n > s.lim.MaxCellChars {
		return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
	}
	return bstrDecode(dst, start), nil
}

// run appends the text of one rich-text run.
func (s *xmlScan) run(dst []byte) ([]byte, error) {
	hasT := false
	for {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = s.fail("the part ends inside <r>")
			}
			return dst, err
		}
		if k == tagEnd {
			if string(s.local) != "r" {
				return dst, s.fail(fmt.Sprintf("</%s> closes <r>", s.local))
			}
			return dst, nil
		}
		if string(s.local) == "t" {
			if hasT {
				return dst, s.fail("<r> has two <t> elements")
			}
			hasT = true
			if k == tagStart {
				if dst, err = s.text(dst, "t"); err != nil {
					return dst, err
				}
			}
			continue
		}
		if k == tagStart {
			if err := s.skip(1); err != nil {
				return dst, err
			}
		}
	}
}

// toSheetData scans to the <sheetData> start tag. A row or cell before it
// is an error; io.EOF means the part has none.
func (s *xmlScan) toSheetData() error {
	for {
		k, err := s.nextTag()
		if err != nil {
			return err
		}
		if k == tagEnd {
			continue
		}
		switch string(s.local) {
		case "sheetData":
			return nil
		case "row", "c":
			return s.fail(fmt.Sprintf("<%s> outside <sheetData>", s.local))
		}
	}
}

// ---- text ----

// needsDecode says raw text needs more than copying: a reference, a
// carriage return, a control character or non-ASCII to check.
func needsDecode(raw []byte) bool {
	for _, c := range raw {
		if c < 0x20 && c != '\t' && c != '\n' || c == '&' || c >= 0x80 {
			return true
		}
	}
	return false
}

// appendText appends character data with references decoded, line ends
// normalised and characters checked, exactly as encoding/xml does (which
// excelize uses). It returns the characters appended.
func appendText(dst, raw []byte) ([]byte, int, error) {
	if !needsDecode(raw) {
		return append(dst, raw...), len(raw), nil
	}
	chars := 0
	for i := 0; i < len(raw); chars++ {
		if raw[i] != '&' {
			var err error
			if dst, i, err = appendPlain(dst, raw, i); err != nil {
				return dst, chars, err
			}
			continue
		}
		j := bytes.IndexByte(raw[i:], ';')
		if j < 0 {
			return dst, chars, fmt.Errorf("invalid character entity %.12q", raw[i:])
		}
		r, ok := decodeRef(raw[i+1 : i+j])
		if !ok {
			return dst, chars, fmt.Errorf("invalid character entity %.12q", raw[i:i+j+1])
		}
		if !isXMLChar(r) {
			return dst, chars, fmt.Errorf("illegal character code %U", r)
		}
		dst = utf8.AppendRune(dst, r)
		i += j + 1
	}
	return dst, chars, nil
}

// appendCDATA appends a CDATA section's content: no references, but line
// ends normalised and characters checked.
func appendCDATA(dst, raw []byte) ([]byte, int, error) {
	chars := 0
	for i := 0; i < len(raw); chars++ {
		var err error
		if dst, i, err = appendPlain(dst, raw, i); err != nil {
			return dst, chars, err
		}
	}
	return dst, chars, nil
}

// appendPlain appends the one character at raw[i] that is not a reference,
// with \r\n and \r normalised to \n as XML requires, after checking that XML
// allows it, and returns the index after it.
func appendPlain(dst, raw []byte, i int) ([]byte, int, error) {
	c := raw[i]
	switch {
	case c == '\r':
		dst = append(dst, '\n')
		i++
		if i < len(raw) && raw[i] == '\n' {
			i++
		}
		return dst, i, nil
	case c < 0x80:
		if c < 0x20 && c != '\t' && c != '\n' {
			return dst, i, fmt.Errorf("illegal character code %U", rune(c))
		}
		return append(dst, c), i + 1, nil
	}
	r, n := utf8.DecodeRune(raw[i:])
	if r == utf8.RuneError && n == 1 {
		return dst, i, errors.New("invalid UTF-8")
	}
	if !isXMLChar(r) {
		return dst, i, fmt.Errorf("illegal character code %U", r)
	}
	return append(dst, raw[i:i+n]...), i + n, nil
}

// decodeRef decodes the five predefined entities and character
// references (&#..; and &#x..;, lower-case x only, as encoding/xml).
func decodeRef(ref []byte) (rune, bool) {
	switch string(ref) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = int(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = int(c-'A') + 10
		default:
			return 0, false
		}
		n = n*base + d
		if n > utf8.MaxRune {
			return 0, false
		}
	}
	r := rune(n)
	if 0xD800 <= r && r <= 0xDFFF {
		r = utf8.RuneError // as string(rune(n)) in encoding/xml
	}
	return r, true
}

// isXMLChar is the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// bstrDecode decodes the _xHHHH_ escapes of dst[from:] in place, as
// excelize's bstrUnmarshal: _x005F_ is "_", a surrogate is dropped.
func bstrDecode(dst []byte, from int) []byte {
	if !bytes.Contains(dst[from:], []byte("_x")) {
		return dst
	}
	w := from
	for i := from; i < len(dst); {
		if dst[i] == '_' && i+7 <= len(dst) && dst[i+1] == 'x' && dst[i+6] == '_' && isHex4(dst[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(dst[i+2:i+6]), 16, 32)
			r := rune(v)
			i += 7
			if utf8.ValidRune(r) {
				var tmp [utf8.UTFMax]byte
				n := utf8.EncodeRune(tmp[:], r)
				w += copy(dst[w:], tmp[:n]) // n ≤ 3 < 7: never overtakes i
			}
			continue
		}
		dst[w] = dst[i]
		w++
		i++
	}
	return dst[:w]
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ---- small parsers ----

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimXMLSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimXMLSpace(b []byte) []byte {
	b = trimXMLSpaceLeft(b)
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// xmlLocalName strips a namespace prefix as encoding/xml does: only when
// exactly one colon has text on both sides.
func xmlLocalName(name []byte) []byte {
	i := bytes.IndexByte(name, ':')
	if i <= 0 || i == len(name)-1 || bytes.IndexByte(name[i+1:], ':') >= 0 {
		return name
	}
	return name[i+1:]
}

// atoiBounded parses decimal digits only, no larger than limit. On
// failure n is limit+1 when the digits were valid but too large.
func atoiBounded(b []byte, limit int) (n int, ok bool) {
	if len(b) == 0 || limit < 0 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return limit + 1, false
		}
	}
	return n, true
}

// parseCellRef parses a reference such as "AB12" (letters in either
// case). On failure col is maxCols+1 when the column is too far right.
func parseCellRef(b []byte, maxCols int) (col, row int, ok bool) {
	i := 0
	for ; i < len(b); i++ {
		c := b[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxCols {
			return maxCols + 1, 0, false
		}
	}
	if i == 0 {
		return 0, 0, false
	}
	row, ok = atoiBounded(b[i:], excelize.TotalRows)
	if !ok || row == 0 {
		return 0, 0, false
	}
	return col, row, true
}
