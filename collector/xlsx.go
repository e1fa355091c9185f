package collector

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// Bounds on what a workbook may unpack to: in all, and per part held in
// memory (larger sheets are spooled to a temporary file by excelize, within
// Options.MaxSpoolBytes). A full 1,048,576-row long-layout sheet unpacks to
// about 250 MB of XML; 1 GiB leaves room for wide text and refuses a zip
// bomb before it is inflated.
const (
	unzipSizeLimit    = 1 << 30
	unzipXMLSizeLimit = 16 << 20
)

// Why each workbook read has a temporary directory of its own, removed
// whatever happens, rather than leaving excelize to remove its files:
//
// Upstream bug, excelize v2.11.1 (to be reported; qax-os/excelize#1680,
// fixed in 2023, covered only a failure of unzipToTemp itself): OpenReader
// → openReaderAt → (*File).ReadZipReader (lib.go) spools each worksheet
// part, and the shared strings part, that unpacks to more than
// UnzipXMLSizeLimit to a file in TmpDir (unzipToTemp) as it meets it in the
// zip. When a later part then fails (the running UnzipSizeLimit check in
// checkFileSize, or readFile on a part archive/zip cannot open, such as one
// with an unknown compression method), ReadZipReader returns the error and
// openReaderAt returns a nil *File with it: nothing can Close the files
// already written, and they stay in TmpDir for good. A 1 MB workbook can
// leave 1 GiB that way on every attempt. Related, in the same version: when
// a part read after ReadZipReader is bad (calcChain, workbook, styles),
// openReaderAt returns the *File beside the error, and it must be closed;
// unzipToTemp leaves its file open when the copy fails; and two zip entries
// with the same worksheet name are both spooled but only the second is
// recorded for Close to remove.
//
// The sheet reader (sheet.go) never reads those spooled files: it reads
// large parts from the zip itself. So the spool is only a cost, which
// unpackFits bounds before excelize is called.

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
// wide-layout header. excelize opens the package (its zip limits, the sheet
// list and visibility, the workbook's date system, the styles); the sheets
// are streamed by the sheet reader (sheet.go), which gives each cell's
// style as well as its value.
//
// Whatever excelize spools to disk goes to a directory of this read's own
// in opt.TmpDir, removed before readXLSX returns, on every path.
func (r *reader) readXLSX(ctx context.Context, ra io.ReaderAt, size int64, opt Options) (err error) {
	rec := &ioRecorder{r: ra}
	fits := r.unpackFits(rec, size, opt)
	if rec.err != nil {
		return fmt.Errorf("read %s: %w", r.file, rec.err)
	}
	if !fits {
		return nil
	}
	tmp, err := spoolDir(opt.TmpDir)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.file, err)
	}
	defer func() {
		if rmErr := os.RemoveAll(tmp); rmErr != nil && err == nil {
			err = fmt.Errorf("read %s: remove temporary files: %w", r.file, rmErr)
		}
	}()
	f, err := excelize.OpenReader(io.NewSectionReader(rec, 0, size), excelize.Options{
		UnzipSizeLimit:    unzipSizeLimit,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
		TmpDir:            tmp,
		RawCellValue:      true,
	})
	if f != nil {
		// Also beside an error: see the upstream bug above.
		defer f.Close()
	}
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
	r.xlsx, r.serials = true, true
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	book, err := newSheetBook(f, rec, size, sheetLimits{MaxRow: opt.MaxRows, MaxCols: opt.MaxCols})
	if rec.err != nil {
		return fmt.Errorf("read %s: %w", r.file, rec.err)
	}
	if err != nil {
		r.problem(where{}, "", "the workbook cannot be opened: "+err.Error(), "save it again as an Excel Workbook (.xlsx)")
		return nil
	}

	var tables []*table
	hidden := 0
	rows := 0 // rows of the sheets before, as their last row numbers
	for _, sheet := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(sheet); !opt.HiddenSheets && (err != nil || !visible) {
			hidden++
			continue
		}
		t := r.newTable(sheet)
		tables = append(tables, t)
		last, unc, stop, err := r.readSheet(ctx, book, rec, t, rows, opt)
		if err != nil {
			return err
		}
		rows += last
		if t.found {
			r.end(t)
			r.uncached(sheet, unc)
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
		r.probs[len(r.probs)-1].Hint = strings.TrimPrefix(r.probs[len(r.probs)-1].Hint+"; hidden sheets are not read unless --ingest.hidden-sheets is given", "; ")
	}
	return nil
}

// spoolDir makes the directory of one workbook read's temporary files in
// base (os.TempDir() when empty), creating base if need be.
func spoolDir(base string) (string, error) {
	if base == "" {
		base = os.TempDir()
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	dir, err := os.MkdirTemp(base, "xlsx-*")
	if err != nil {
		return "", fmt.Errorf("temporary directory: %w", err)
	}
	return dir, nil
}

// unpackFits reports whether the workbook unpacks to no more than
// unzipSizeLimit in all, and whether the parts excelize would spool to disk
// on opening it fit in opt.MaxSpoolBytes; when not, it reports a problem,
// naming the part that passes the spool limit. Both are worked out from
// the sizes the zip's central directory declares, before anything is
// unpacked: archive/zip fails a part that unpacks to more than its declared
// size, so excelize can unpack, and write, no more than that. The parts
// spooled are those excelize's ReadZipReader spools: xl/sharedStrings.xml
// and xl/worksheets/sheet*, in any case, unpacking to more than
// unzipXMLSizeLimit. A zip that cannot be read is left for excelize to
// report.
func (r *reader) unpackFits(ra io.ReaderAt, size int64, opt Options) bool {
	zr, _ := zip.NewReader(ra, size) // a reader beside zip.ErrInsecurePath is still good
	if zr == nil {
		return true
	}
	const huge = 1 << 62 // no sum of sizes up to this overflows
	limit := uint64(opt.MaxSpoolBytes)
	var all, spool uint64
	var over string // why the spool limit is passed
	for _, zf := range zr.File {
		n := min(zf.UncompressedSize64, huge)
		all = min(all+n, huge)
		if n <= unzipXMLSizeLimit || over != "" {
			continue
		}
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		lower := strings.ToLower(name)
		if lower != "xl/sharedstrings.xml" && (!strings.HasPrefix(lower, "xl/worksheets/sheet") || zf.FileInfo().IsDir()) {
			continue
		}
		switch spool += n; {
		case spool <= limit:
		case spool == n:
			over = fmt.Sprintf("the part %s unpacks to %s, more than the limit of %s a workbook may spool to disk while it is read (--ingest.max-spool-bytes)",
				vs.Quote(name), sizeWords(int64(n)), sizeWords(opt.MaxSpoolBytes))
		default:
			over = fmt.Sprintf("the parts larger than %s unpack to more than the limit of %s a workbook may spool to disk while it is read (--ingest.max-spool-bytes): %s takes them to %s",
				sizeWords(unzipXMLSizeLimit), sizeWords(opt.MaxSpoolBytes), vs.Quote(name), sizeWords(int64(spool)))
		}
	}
	switch {
	case all > unzipSizeLimit:
		r.problem(where{}, "", fmt.Sprintf("the workbook unpacks to more than %s", sizeWords(unzipSizeLimit)), "split it into smaller files")
		return false
	case over != "":
		r.problem(where{}, "", over, "split it into smaller files")
		return false
	}
	return true
}

// uncachedCells lists the formula cells of a sheet that have no cached
// value, which read as blank: the first maxUncached, and how many in all.
type uncachedCells struct {
	refs []string
	all  int
}

// readSheet streams one sheet. before counts the rows of the sheets read
// before it, for the workbook's row limit; last is this sheet's last row
// number. stop says a limit ended reading the workbook. The error is for
// I/O failures and cancellation only: bad content is a problem.
func (r *reader) readSheet(ctx context.Context, book *sheetBook, rec *ioRecorder, t *table, before int, opt Options) (
	last int, unc uncachedCells, stop bool, err error) {
	sr, err := book.openSheetReader(t.sheet)
	if err != nil {
		stop, err := r.sheetFailed(t, rec, err, 0, opt)
		return 0, unc, stop, err
	}
	defer sr.Close()
	var (
		n      int      // the row's number
		cells  []string // the row's values by column, from A
		fmts   []uint8  // the number format class of each numeric cell
		filled int      // cells with a value or formula so far
		read   int      // rows read
		obs0   int      // observations before the first data row
		at0    int64    // bytes of XML scanned by then
		guess  bool     // the observations to come have been estimated
	)
	styled := len(book.formats) > 0
	pos := func(i int) where { return where{sheet: t.sheet, row: n, col: i, xlsx: true} }
	defer func() { r.fmts = nil }()
	for sr.Next() {
		var row []sheetCell
		n, row = sr.Row()
		last = n
		if before+n > opt.MaxRows {
			r.problem(pos(0), "", fmt.Sprintf("the workbook has more than %d rows", opt.MaxRows), "split it into smaller files")
			r.stopped = true
			return last, unc, true, nil
		}
		if filled += len(row); filled > opt.MaxCells {
			r.problem(pos(0), "", fmt.Sprintf("the sheet has more than %d cells holding a value", opt.MaxCells), "split it into smaller files")
			r.stopped = true
			return last, unc, true, nil
		}
		if read++; read%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return last, unc, true, fmt.Errorf("read %s: %w", r.file, err)
			}
		}
		cells, fmts = cells[:0], fmts[:0]
		for _, c := range row {
			for len(cells) < c.Col-1 {
				cells, fmts = append(cells, ""), append(fmts, 0)
			}
			var class uint8
			if styled && c.Style > 0 && (c.Type == "" || c.Type == "n") && c.Style < len(book.formats) {
				class = book.formats[c.Style]
			}
			cells, fmts = append(cells, c.Raw), append(fmts, class)
			if c.Formula && !c.Cached {
				if unc.all++; len(unc.refs) < maxUncached {
					unc.refs = append(unc.refs, columnName(c.Col-1)+strconv.Itoa(c.Row))
				}
			}
		}
		r.fmts = fmts
		if !t.found {
			if !r.header(t, n, cells, pos) {
				return last, unc, false, nil
			}
			if t.found {
				obs0 = r.obs.Len()
				at0, _ = sr.progress()
			}
			continue
		}
		r.data(t, cells, pos)
		// Once a sample of observations is read, estimate those to come
		// from the bytes they took, so that the observations grow at
		// once to about their final size rather than by doubling.
		if got := r.obs.Len() - obs0; !guess && got >= 2048 {
			guess = true
			done, size := sr.progress()
			if per := float64(done-at0) / float64(got); per > 0 && size > done {
				more := float64(size-done) / per
				r.expect(int(min(more*1.0625+64, float64(opt.MaxCells))))
			}
		}
	}
	if err := sr.Err(); err != nil {
		stop, err := r.sheetFailed(t, rec, err, n, opt)
		return last, unc, stop, err
	}
	return last, unc, false, nil
}

// sheetFailed reports an error of the sheet reader, met after row n (0
// before the first), as a problem naming the sheet and row; stop says the
// workbook's row limit is reached. Bad content is never an error; an I/O
// failure of the file is.
func (r *reader) sheetFailed(t *table, rec *ioRecorder, err error, n int, opt Options) (stop bool, _ error) {
	if rec.err != nil {
		return true, fmt.Errorf("read %s: %w", r.file, rec.err)
	}
	r.stopped = true
	const hint = "open it in Excel or Calc and save it again as an Excel Workbook (.xlsx)"
	at := where{sheet: t.sheet, xlsx: true}
	var se *sheetError
	if !errors.As(err, &se) {
		// A part that cannot be inflated, say: the zip is corrupt.
		at.row = n
		reason := "the sheet cannot be read: " + err.Error()
		if n > 0 {
			reason = fmt.Sprintf("the sheet cannot be read past row %d: %s", n, err)
		}
		r.problem(at, "", reason, hint)
		return false, nil
	}
	at.row = se.Row
	if at.row == 0 {
		at.row = n // shared strings are read at the first row that needs them
	}
	reason := se.Reason
	if se.Part == sharedStringsPart {
		reason = "the workbook's shared strings cannot be read: " + reason
	}
	switch {
	case se.Limit == "MaxRow":
		// A row numbered beyond the limit, after row se.Row.
		at.row = opt.MaxRows + 1
		r.problem(at, "", fmt.Sprintf("the workbook has more than %d rows", opt.MaxRows), "split it into smaller files")
		return true, nil
	case se.Limit == "MaxCols":
		r.problem(at, "", fmt.Sprintf("row %d has a value beyond column %s: at most %d columns are read",
			at.row, columnName(opt.MaxCols-1), opt.MaxCols), "delete the columns on the right that are not needed")
		return false, nil
	case se.Limit == "MaxPartBytes":
		what := "the sheet"
		if se.Part == sharedStringsPart {
			what = "the workbook's shared strings part"
		}
		r.problem(at, "", fmt.Sprintf("%s unpacks to more than %s", what, sizeWords(unzipSizeLimit)), "split it into smaller files")
		return false, nil
	case at.row > 0:
		reason = fmt.Sprintf("row %d cannot be read: %s", at.row, reason)
	default:
		reason = "the sheet cannot be read: " + reason
	}
	r.problem(at, "", reason, hint)
	return false, nil
}

// uncached reports the formula cells of a sheet that have no cached value:
// the sheet reader sees them as blank.
func (r *reader) uncached(sheet string, unc uncachedCells) {
	const hint = "open and save the file in Excel or Calc, so that formulas are calculated"
	for _, ref := range unc.refs {
		r.problemCell(sheet, ref, "this formula has no saved result", hint)
	}
	if unc.all > len(unc.refs) {
		r.problemCell(sheet, unc.refs[0], fmt.Sprintf("%d more formulas on this sheet have no saved result", unc.all-len(unc.refs)), hint)
	}
}

func (r *reader) problemCell(sheet, ref, reason, hint string) {
	if len(r.probs) >= maxProblems {
		r.dropped++
		return
	}
	r.probs = append(r.probs, vsProblem(r.file, sheet, ref, reason, hint))
}
