package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// Options bound what Read accepts. The zero value of each field means its
// default.
type Options struct {
	MaxBytes int64 // refuse larger files; default 256 MiB
	// MaxRows bounds the rows per file: csv records, or in a workbook the
	// last row number of each sheet read, summed; default 1,100,000.
	MaxRows int
	// MaxCols bounds the columns per row: in a workbook, the column of any
	// cell holding a value or a formula; default 200.
	MaxCols int
	// MaxCells is the most cells holding a value (or a formula) a sheet
	// may have; default 12,000,000, enough for a full sheet of the long
	// layout (1,048,576 rows × 10 columns) and more. Csv files are bound
	// by MaxRows and MaxCols only.
	MaxCells int
	// Now is the clock; unused by the long layout, kept for callers that
	// inject one.
	Now func() time.Time
	// Lenient keeps the valid rows of a file whose problems are each
	// confined to one row, and lists the rows left out (Result.Skipped); in
	// the wide layout a problem confined to one figure leaves out that
	// figure only. A problem with the file as a whole (no table, a limit, a
	// long-layout column mixing fractions and percentages, two scorecard
	// columns for the same period) still rejects it.
	Lenient bool
	// HiddenSheets reads hidden sheets too; by default they are skipped, as
	// workbooks keep lookup tables and old months there.
	HiddenSheets bool
	// TmpDir is the directory in which each workbook read makes a
	// directory of its own for the parts excelize spools to disk (see
	// MaxSpoolBytes), removed when the read ends, whatever happened. It is
	// created if missing; default os.TempDir(). The commands set it to
	// tmp/ beside the store unless --ingest.tmp-dir is given.
	TmpDir string
	// MaxSpoolBytes bounds what a workbook read may write to disk: excelize
	// spools each worksheet part (and the shared strings part) that
	// unpacks to more than 16 MiB to a temporary file while opening the
	// workbook. A workbook whose spooled parts would unpack to more is
	// refused before anything is unpacked. Default 512 MiB.
	MaxSpoolBytes int64
	// MaxLineBytes bounds a csv line, and a csv row whose quoted fields
	// span lines, in bytes of text (as UTF-8, line breaks included):
	// encoding/csv holds a whole row in memory several times over,
	// however long. Default 1 MiB.
	MaxLineBytes int
}

// The defaults of Options.
const (
	DefaultMaxBytes = 256 << 20 // a full sheet's rows as CSV, with commentary
	DefaultMaxRows  = 1_100_000
	DefaultMaxCols  = 200
	DefaultMaxCells = 12_000_000
	// DefaultMaxSpoolBytes holds the worksheets of a workbook at the row
	// limit: 1,048,576 rows of the long layout unpack to 250-370 MB of
	// XML (370 with inline strings, as the benchmark's table, written by
	// excelize's stream writer, takes 352 bytes a row), leaving room for
	// the shared strings or longer text. A hostile upload can take no
	// more of the disk than this, and only while it is read.
	DefaultMaxSpoolBytes = 512 << 20
	// DefaultMaxLineBytes is far beyond any row of figures, which,
	// commentary and all, takes a few KiB: it holds 32 cells of Excel's
	// longest text (32,767 characters). The csv reader holds a few times
	// this at most.
	DefaultMaxLineBytes = 1 << 20
)

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxCols <= 0 {
		o.MaxCols = DefaultMaxCols
	}
	if o.MaxCells <= 0 {
		o.MaxCells = DefaultMaxCells
	}
	if o.MaxSpoolBytes <= 0 {
		o.MaxSpoolBytes = DefaultMaxSpoolBytes
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Result is what reading one file found.
type Result struct {
	Name   string
	Format string // "csv" or "xlsx"
	// Encoding is the text encoding a csv file was read in: UTF-8,
	// UTF-16LE, UTF-16BE or Windows-1252.
	Encoding string
	// Layout is the layout of the tables read: "long", "wide", or "long
	// and wide" for a workbook with sheets of both; "long" when no table
	// was found. Variants follow in brackets: "wide (sheet per team)".
	Layout string
	// Rows counts the data rows read: blank rows, notes and headers
	// excluded, and in the wide layout rows with no figure too.
	Rows int
	// figures are the observations, in file order; none when Problems is
	// not empty. Figures and Observations read them.
	figures  *figures
	Problems vs.Problems
	// Warnings do not stop the file: text that looks as if it identifies a
	// child, for one.
	Warnings vs.Problems
	// Skipped lists, in lenient mode, the problems of the rows left out, and
	// SkippedRows counts those rows.
	Skipped     vs.Problems
	SkippedRows int
}

// Figures returns the observations, in file order, held compactly and
// expanded one at a time: what the store reads.
func (r *Result) Figures() vs.Observations {
	if r.figures == nil {
		return vs.ObservationSlice(nil)
	}
	return r.figures
}

// Observations returns the observations, in file order, as a slice: handy
// for small files and tests; a large file is better read through Figures.
func (r *Result) Observations() []vs.Observation {
	if r.figures == nil {
		return nil
	}
	return r.figures.slice()
}

// The formats Read detects.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	LayoutLong = "long"
	LayoutWide = "wide"
	// LayoutTransposed has a row per period and a column per indicator.
	LayoutTransposed = "transposed"
	// LayoutBoth is a workbook with long sheets and wide ones.
	LayoutBoth = "long and wide"
)

// Bits of reader.layouts: the layouts of the tables, and the variants
// noted beside them.
const (
	layoutLongBit = iota
	layoutWideBit
	layoutTeamSheetsBit // a sheet per team
	layoutYearRowBit    // bare months under a year row
	layoutTransposedBit
)

// The variants noted in Result.Layout: sheets named by teams, and a
// scorecard's bare months (or quarters) under a year heading.
const (
	LayoutTeamSheets = "sheet per team"
	LayoutYearRow    = "year row above months"
)

// layoutName names the layouts detected, as Result.Layout does: the
// layouts of the tables ("long", "wide", "long and wide"), then in
// brackets any variants: "long (sheet per team)".
func layoutName(bits uint8) string {
	var names []string
	for _, l := range []struct {
		bit  uint8
		name string
	}{{layoutLongBit, LayoutLong}, {layoutWideBit, LayoutWide}, {layoutTransposedBit, LayoutTransposed}} {
		if bits&(1<<l.bit) != 0 {
			names = append(names, l.name)
		}
	}
	name := LayoutLong
	switch n := len(names); {
	case n == 1:
		name = names[0]
	case n > 1:
		name = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	var variants []string
	if bits&(1<<layoutYearRowBit) != 0 {
		variants = append(variants, LayoutYearRow)
	}
	if bits&(1<<layoutTeamSheetsBit) != 0 {
		variants = append(variants, LayoutTeamSheets)
	}
	if len(variants) > 0 {
		name += " (" + strings.Join(variants, ", ") + ")"
	}
	return name
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Read parses and validates one file of size bytes against the catalogue.
// The format is detected from the content: a zip archive is read as xlsx,
// anything else as csv. Bad input is never an error: every problem found is
// in Result.Problems. The error is for I/O failures and cancellation only.
func Read(ctx context.Context, name string, r io.ReaderAt, size int64, cat *vs.Catalogue, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	res := &Result{Name: name, Format: FormatCSV, Layout: LayoutLong}
	head := make([]byte, min(max(size, 0), sniffLen))
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	head = head[:n]
	if bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic) {
		res.Format = FormatXLSX // an .xls is a workbook too, if one we cannot read
	}
	if size > opt.MaxBytes {
		res.Problems = vs.Problems{{File: name, Reason: fmt.Sprintf(
			"the file is %s, more than the limit of %s", sizeWords(size), sizeWords(opt.MaxBytes)),
			Hint: "split it into smaller files"}}
		return res, nil
	}
	// A PDF, an image, an old .xls, an .ods... named as a workbook or CSV:
	// say what it is rather than listing CSV syntax errors.
	if p, ok := nonTextProblem(name, head); ok {
		res.Problems = vs.Problems{p}
		return res, nil
	}
	if res.Format == FormatCSV {
		res.Encoding = detectEncoding(head)
	}
	rd := newReader(name, cat)
	switch res.Format {
	case FormatXLSX:
		err = rd.readXLSX(ctx, r, size, opt)
	default:
		err = rd.readCSV(ctx, r, size, opt)
	}
	if err != nil {
		return nil, err
	}
	rd.teamSheets()
	rd.finish()
	res.Rows = rd.rows
	res.Layout = layoutName(rd.layouts)
	res.Problems = rd.probs
	res.Warnings = rd.warns
	switch {
	case len(res.Problems) == 0:
		res.figures = rd.obs
	case opt.Lenient && rd.total == rd.rowLevel:
		// Every problem is confined to its row: keep the good rows.
		res.figures, res.Skipped, res.SkippedRows, res.Problems = rd.obs, res.Problems, rd.skipped, nil
	}
	return res, nil
}

// ReadFile reads the file at path with Read. Problems name the file by its
// base name, as the performance officer knows it.
func ReadFile(ctx context.Context, path string, cat *vs.Catalogue, opt Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat input: %w", err)
	}
	return Read(ctx, filepath.Base(path), f, st.Size(), cat, opt)
}

// sizeWords renders a byte count for people: 50 MiB, 12 KiB.
func sizeWords(n int64) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
	return strings.Replace(s, ".0 ", " ", 1)
}
