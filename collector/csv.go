package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// readCSV reads a csv file, long or wide layout, as councils produce them:
// in UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's
// "Unicode Text") or Windows-1252 (Excel's plain "CSV"), detected from the
// first 64 KiB by detectEncoding and decoded as a stream; comma-,
// semicolon- or tab-delimited (whichever the first lines use most, outside
// quotes; commas on a tie); CRLF or LF; quoted fields spanning lines.
//
// Locations are line and column. Lines are the file's. Columns count bytes
// in a UTF-8 file, as before, and characters in the others, which for
// Windows-1252 is the byte column in the file; the column of a csv syntax
// error counts bytes of the text as decoded to UTF-8.
//
// A line, or a row of quoted text spanning lines, longer than
// opt.MaxLineBytes ends the reading with a problem at its first line.
func (r *reader) readCSV(ctx context.Context, ra io.ReaderAt, size int64, opt Options) error {
	head := make([]byte, min(max(size, 0), sniffLen))
	n, err := ra.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", r.file, err)
	}
	enc := detectEncoding(head[:n])
	br := bufio.NewReaderSize(newRowLimiter(decodedReader(ra, size, enc), opt.MaxLineBytes), 64<<10)
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if sample, _ := br.Peek(br.Size()); len(sample) > 0 {
		cr.Comma = sniffDelimiter(sample)
	}
	t := r.newTable("")
	var rec []string
	// Columns of the current record, in characters when enc is not UTF-8:
	// worked out for the whole record at its first pos call.
	var lines, cols []int
	recNo, colsOf := 0, -1
	pos := func(i int) where {
		if i >= len(rec) {
			line, _ := cr.FieldPos(0)
			return where{row: line}
		}
		if enc == EncodingUTF8 {
			line, col := cr.FieldPos(i)
			return where{row: line, col: col}
		}
		if colsOf != recNo {
			lines, cols = lines[:0], cols[:0]
			for j := range rec {
				line, col := cr.FieldPos(j)
				lines, cols = append(lines, line), append(cols, col)
			}
			charColumns(rec, lines, cols)
			colsOf = recNo
		}
		return where{row: lines[i], col: cols[i]}
	}
	warnedText := false
	for n := 1; ; n++ {
		var err error
		rec, err = cr.Read()
		recNo++
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			var long *rowTooLongError
			if errors.As(err, &long) {
				r.problem(where{row: long.start}, "", long.reason(), long.hint())
				r.stopped = true
				break
			}
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				r.problem(where{row: perr.Line, col: perr.Column}, "", "the file is not valid CSV: "+perr.Err.Error(),
					`a field holding commas, quotes or line breaks must be in double quotes, with quotes inside doubled ("")`)
				break
			}
			return fmt.Errorf("read %s: %w", r.file, err)
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("read %s: %w", r.file, err)
			}
		}
		if n > opt.MaxRows {
			r.problem(pos(0), "", fmt.Sprintf("the file has more than %d rows", opt.MaxRows), "split it into smaller files")
			r.stopped = true
			break
		}
		if len(rec) > opt.MaxCols {
			r.problem(pos(0), "", fmt.Sprintf("this row has %d columns, more than the limit of %d", len(rec), opt.MaxCols), "")
			r.stopped = true
			break
		}
		if !warnedText && enc != EncodingUTF16LE && enc != EncodingUTF16BE {
			for i, f := range rec {
				if c, bad := checkText(enc, f); bad {
					r.problem(pos(i), "", c.reason, c.hint)
					warnedText = true
					break
				}
			}
		}
		if !t.found {
			if !r.header(t, n, rec, pos) {
				break
			}
			if t.found {
				r.expect(min(countCSVRows(decodedReader(ra, size, enc), cr.Comma), opt.MaxRows))
			}
			continue
		}
		r.data(t, rec, pos)
	}
	if !t.found {
		r.noHeader([]*table{t})
		return nil
	}
	r.end(t)
	return nil
}

// rowLimiter passes the text of a csv file to the csv reader, failing with
// a *rowTooLongError once a line, or a row whose quoted fields span lines,
// holds more than max bytes, line breaks included. encoding/csv has no
// bound of its own: it holds a whole row in memory, as read, as fields and
// as strings, with room to grow, so that a 50 MB line took 580 MB at once
// (1.2 GB allocated) before. Quotes are followed as encoding/csv follows
// them: a '"' opens or closes a quoted field, and a doubled one does both.
// A quote out of place is a csv error where the reader meets it, before
// the bytes past the bound that follow it.
type rowLimiter struct {
	r      io.Reader
	max    int
	line   int  // the line being read, from 1
	start  int  // the line the row being read began on
	n      int  // bytes of the row so far
	quoted bool // inside a quoted field
	err    error
}

func newRowLimiter(r io.Reader, max int) *rowLimiter {
	return &rowLimiter{r: r, max: max, line: 1, start: 1}
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for done := 0; done < n; {
		// seg runs to the next byte that matters, included: a quote, or
		// outside quotes a line break.
		b := p[done:n]
		var end int
		if l.quoted {
			end = bytes.IndexByte(b, '"')
		} else {
			end = bytes.IndexByte(b, '\n')
			line := b
			if end >= 0 {
				line = b[:end]
			}
			if q := bytes.IndexByte(line, '"'); q >= 0 {
				end = q
			}
		}
		seg := b
		if end >= 0 {
			seg = b[:end+1]
		}
		if room := l.max - l.n; len(seg) > room {
			// Pass on the bytes within the bound: the csv reader
			// reports any error it meets there first.
			if l.quoted {
				l.line += bytes.Count(seg[:room], []byte{'\n'})
			}
			l.err = &rowTooLongError{start: l.start, line: l.line, max: l.max}
			return done + room, l.err
		}
		l.n += len(seg)
		done += len(seg)
		if l.quoted {
			l.line += bytes.Count(seg, []byte{'\n'})
		}
		if end < 0 {
			break
		}
		switch seg[end] {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.line++
			l.start, l.n = l.line, 0
		}
	}
	return n, err
}

// rowTooLongError is a csv line, or a row spanning lines from start to
// line, longer than max bytes.
type rowTooLongError struct {
	start, line, max int
}

func (e *rowTooLongError) Error() string {
	if e.line == e.start {
		return fmt.Sprintf("line %d is longer than %d bytes", e.start, e.max)
	}
	return fmt.Sprintf("the row from line %d to line %d is longer than %d bytes", e.start, e.line, e.max)
}

// reason says what is wrong for a problem at the row's first line.
func (e *rowTooLongError) reason() string {
	limit := sizeWords(int64(e.max))
	if e.line == e.start {
		return fmt.Sprintf("the line is longer than the limit of %s (--ingest.max-line-bytes)", limit)
	}
	return fmt.Sprintf("the row, whose quoted text runs on to line %d, is longer than the limit of %s (--ingest.max-line-bytes)", e.line, limit)
}

func (e *rowTooLongError) hint() string {
	if e.line == e.start {
		return "a row of figures takes a few hundred bytes: check that this is the file meant, saved as CSV"
	}
	return `a quotation mark may be missing: a field that starts with " runs on until the next one`
}

// countCSVRows counts the records of a csv file holding at least two
// fields that are not blank, as every observation does: a bound on the
// observations to come, from a byte scan far cheaper than parsing. Quotes
// are followed, so line breaks within a field do not count.
func countCSVRows(src io.Reader, comma rune) int {
	sep := byte(comma)
	if comma >= utf8.RuneSelf {
		return 0
	}
	buf := make([]byte, 64<<10)
	rows, fields := 0, 0
	quoted, text := false, false
	for {
		n, err := src.Read(buf)
		for _, c := range buf[:n] {
			if quoted {
				if c == '"' {
					quoted = false
				} else {
					text = true
				}
				continue
			}
			switch c {
			case '"':
				quoted = true
			case sep, '\n':
				if text {
					fields++
				}
				text = false
				if c == '\n' {
					if fields >= 2 {
						rows++
					}
					fields = 0
				}
			case ' ', '\t', '\r':
			default:
				text = true
			}
		}
		if err != nil {
			break
		}
	}
	if text {
		fields++
	}
	if fields >= 2 {
		rows++
	}
	return rows
}

// sniffDelimiter returns the delimiter of the first lines of sample: the
// most frequent outside quotes of comma, semicolon and tab, a comma on a
// tie. Semicolons come from Excel where the decimal separator is a comma;
// tabs from Excel's "Unicode Text" and "Text (Tab delimited)" saves.
func sniffDelimiter(sample []byte) rune {
	commas, semis, tabs, lines := 0, 0, 0, 0
	quoted := false
scan:
	for _, c := range sample {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		case '\n':
			if !quoted {
				if lines++; lines >= headerLimit {
					break scan
				}
			}
		}
	}
	switch {
	case tabs > commas && tabs > semis:
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}
