package collector

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Bounds on what a workbook may unpack to: in all, and per part held in
// memory (larger sheets are spooled to a temporary file by excelize).
const (
	unzipSizeLimit    = 200 << 20
	unzipXMLSizeLimit = 16 << 20
)

// maxUncached caps the formula cells without a cached value listed per
// sheet.
const maxUncached = 20

// ioRecorder remembers the first I/O error of the underlying reader, so that
// a failing disk is an error and a corrupt file a problem.
type ioRecorder struct {
	r   io.ReaderAt
	err error
}

func (rec *ioRecorder) ReadAt(p []byte, off int64) (int, error) {
	n, err := rec.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) && rec.err == nil {
		rec.err = err
	}
	return n, err
}

// readXLSX reads every visible sheet of a workbook that has a long- or
// wide-layout header, streaming rows with raw cell values.
func (r *reader) readXLSX(ctx context.Context, ra io.ReaderAt, size int64, opt Options) error {
	rec := &ioRecorder{r: ra}
	f, err := excelize.OpenReader(io.NewSectionReader(rec, 0, size), excelize.Options{
		UnzipSizeLimit:    unzipSizeLimit,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
		RawCellValue:      true,
	})
	if rec.err != nil {
		return fmt.Errorf("read %s: %w", r.file, rec.err)
	}
	if err != nil {
		reason := "the workbook cannot be opened: " + err.Error()
		if strings.Contains(err.Error(), "unzip size") {
			reason = fmt.Sprintf("the workbook unpacks to more than %s", sizeWords(unzipSizeLimit))
		}
		r.problem(where{}, "", reason, "save it again as an Excel Workbook (.xlsx)")
		return nil
	}
	defer f.Close()
	r.xlsx, r.serials = true, true
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	parts := sheetParts(ra, size)

	var tables []*table
	hidden := 0
	total := 0
	for _, sheet := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(sheet); err != nil || !visible {
			hidden++
			continue
		}
		t := r.newTable(sheet)
		tables = append(tables, t)
		part, hasPart := parts[sheet]
		// Once the header is found, one byte scan of the sheet's part
		// counts its rows and looks for formulas.
		formulas := false
		scan := func() {
			if !hasPart {
				return
			}
			rows, f, ok := scanPart(ra, size, part)
			if ok {
				r.expect(min(rows, opt.MaxRows))
				formulas = f
			}
		}
		stop, err := r.readSheet(ctx, f, t, &total, opt, scan)
		if err != nil {
			return err
		}
		if t.found {
			r.end(t)
			if formulas {
				r.uncached(ra, size, part, sheet)
			}
		}
		if stop {
			break
		}
	}
	for _, t := range tables {
		if t.found {
			return nil
		}
	}
	r.noHeader(tables)
	if hidden > 0 && len(r.probs) > 0 {
		r.probs[len(r.probs)-1].Hint = strings.TrimPrefix(r.probs[len(r.probs)-1].Hint+"; hidden sheets are not read", "; ")
	}
	return nil
}

// readSheet streams one sheet. total counts rows across the workbook; stop
// says the file's row limit was reached.
// found is called when the header is found.
func (r *reader) readSheet(ctx context.Context, f *excelize.File, t *table, total *int, opt Options, found func()) (stop bool, err error) {
	rows, err := f.Rows(t.sheet)
	if err != nil {
		r.problem(where{sheet: t.sheet, xlsx: true}, "", "the sheet cannot be read: "+err.Error(), "")
		return false, nil
	}
	defer rows.Close()
	raw := excelize.Options{RawCellValue: true}
	n := 0
	pos := func(i int) where { return where{sheet: t.sheet, row: n, col: i, xlsx: true} }
	for rows.Next() {
		n++
		if *total++; *total > opt.MaxRows {
			r.problem(pos(0), "", fmt.Sprintf("the workbook has more than %d rows", opt.MaxRows), "split it into smaller files")
			r.stopped = true
			return true, nil
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return true, fmt.Errorf("read %s: %w", r.file, err)
			}
		}
		cells, err := rows.Columns(raw)
		if err != nil {
			r.problem(pos(0), "", "this row cannot be read: "+err.Error(), "")
			return false, nil
		}
		if len(cells) > opt.MaxCols {
			r.problem(pos(0), "", fmt.Sprintf("this row has %d columns, more than the limit of %d", len(cells), opt.MaxCols), "")
			r.stopped = true
			return false, nil
		}
		if !t.found {
			if !r.header(t, n, cells, pos) {
				return false, nil
			}
			if t.found {
				found()
			}
			continue
		}
		r.data(t, cells, pos)
	}
	if err := rows.Error(); err != nil {
		r.problem(pos(0), "", "the sheet cannot be read past this row: "+err.Error(), "")
	}
	return false, nil
}

// sheetParts maps sheet names to their parts in the package, read from the
// workbook and its relationships. A workbook it cannot read gives an empty
// map: excelize has already judged the package.
func sheetParts(ra io.ReaderAt, size int64) map[string]string {
	out := map[string]string{}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return out
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if readPart(zr, "xl/workbook.xml", &wb) != nil || readPart(zr, "xl/_rels/workbook.xml.rels", &rels) != nil {
		return out
	}
	for _, s := range wb.Sheets {
		for _, rel := range rels.Rels {
			if rel.ID == s.ID {
				target := rel.Target
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else {
					target = path.Join("xl", target)
				}
				out[s.Name] = target
			}
		}
	}
	return out
}

// readPart decodes a small part of the package.
func readPart(zr *zip.Reader, name string, v any) error {
	for _, zf := range zr.File {
		if !strings.EqualFold(zf.Name, name) {
			continue
		}
		if zf.UncompressedSize64 > unzipXMLSizeLimit {
			return fmt.Errorf("part %s too large", name)
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, unzipXMLSizeLimit)).Decode(v)
	}
	return fmt.Errorf("no part %s", name)
}

// openPart finds a part of the package no larger than unzipSizeLimit.
func openPart(ra io.ReaderAt, size int64, part string) (*zip.File, bool) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, false
	}
	var zf *zip.File
	for _, f := range zr.File {
		if f.Name == part {
			zf = f
		}
	}
	if zf == nil || zf.UncompressedSize64 > unzipSizeLimit {
		return nil, false
	}
	return zf, true
}

// uncached reports the formula cells of a sheet that have no cached value:
// the streaming reader would see them as blank. Only a sheet that scanPart
// found formulas in is tokenised.
func (r *reader) uncached(ra io.ReaderAt, size int64, part, sheet string) {
	zf, ok := openPart(ra, size, part)
	if !ok {
		return
	}
	rc, err := zf.Open()
	if err != nil {
		return
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, unzipSizeLimit))
	var (
		ref        string
		inC, f, v  bool
		found, all int
		first      string
	)
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "c":
				inC, f, v, ref = true, false, false, ""
				for _, a := range e.Attr {
					if a.Name.Local == "r" {
						ref = a.Value
					}
				}
			case "f":
				f = inC
			case "v":
				v = inC
			}
		case xml.EndElement:
			if e.Name.Local == "c" {
				if f && !v && ref != "" {
					all++
					if found < maxUncached {
						found++
						r.problemCell(sheet, ref, "this formula has no saved result",
							"open and save the file in Excel or Calc, so that formulas are calculated")
					}
					if first == "" {
						first = ref
					}
				}
				inC = false
			}
		}
	}
	if all > found {
		r.problemCell(sheet, first, fmt.Sprintf("%d more formulas on this sheet have no saved result", all-found),
			"open and save the file in Excel or Calc, so that formulas are calculated")
	}
}

func (r *reader) problemCell(sheet, ref, reason, hint string) {
	if len(r.probs) >= maxProblems {
		r.dropped++
		return
	}
	r.probs = append(r.probs, vsProblem(r.file, sheet, ref, reason, hint))
}

// scanPart scans a sheet's part by bytes, as a bound on the observations
// to come: it counts the rows with at least two cells holding a value (as
// every observation has), and says whether any cell holds a formula. ok is
// false when the part cannot be read.
func scanPart(ra io.ReaderAt, size int64, part string) (rows int, formula, ok bool) {
	zf, ok := openPart(ra, size, part)
	if !ok {
		return 0, false, false
	}
	rc, err := zf.Open()
	if err != nil {
		return 0, false, false
	}
	defer rc.Close()
	const look = 6 // bytes needed after '<' to tell the tags apart
	buf := make([]byte, 64<<10)
	keep, values := 0, 0
	for {
		n, err := rc.Read(buf[keep:])
		chunk := buf[:keep+n]
		eof := err != nil
		i := 0
		for {
			j := bytes.IndexByte(chunk[i:], '<')
			if j < 0 {
				i = len(chunk)
				break
			}
			i += j
			if len(chunk)-i < look && !eof {
				break // read more before deciding
			}
			tag := chunk[i+1:]
			switch {
			case bytes.HasPrefix(tag, []byte("row ")) || bytes.HasPrefix(tag, []byte("row>")):
				values = 0
			case bytes.HasPrefix(tag, []byte("/row>")):
				if values >= 2 {
					rows++
				}
				values = 0
			case bytes.HasPrefix(tag, []byte("v>")) || bytes.HasPrefix(tag, []byte("v ")) ||
				bytes.HasPrefix(tag, []byte("is>")) || bytes.HasPrefix(tag, []byte("is ")):
				values++
			case bytes.HasPrefix(tag, []byte("f>")) || bytes.HasPrefix(tag, []byte("f ")):
				formula = true
			}
			i++
		}
		keep = copy(buf, chunk[i:])
		if eof {
			return rows, formula, true
		}
	}
}
