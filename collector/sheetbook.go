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
	"strings"

	"github.com/xuri/excelize/v2"
)

// This file holds what the sheet reader (sheet.go) needs of the workbook
// around a worksheet: its limits, the zip parts (found through the
// workbook's relationships), the shared strings and the cell styles'
// number formats.

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
	MaxPartBytes  int64 // decompressed bytes of a part read from the zip; default unzipSizeLimit (1 GiB)
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
