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

// readCSV reads a csv file, long or wide layout: UTF-8 with or without a byte-order
// mark, comma- or semicolon-delimited (whichever the first lines use more),
// CRLF or LF, quoted fields spanning lines.
func (r *reader) readCSV(ctx context.Context, ra io.ReaderAt, size int64, opt Options) error {
	br := bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if sample, _ := br.Peek(br.Size()); sniffSemicolon(sample) {
		cr.Comma = ';'
	}
	t := r.newTable("")
	var rec []string
	pos := func(i int) where {
		if i < len(rec) {
			line, col := cr.FieldPos(i)
			return where{row: line, col: col}
		}
		line, _ := cr.FieldPos(0)
		return where{row: line}
	}
	warnedUTF8 := false
	for n := 1; ; n++ {
		var err error
		rec, err = cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
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
		if !warnedUTF8 {
			for i, f := range rec {
				if !utf8.ValidString(f) {
					r.problem(pos(i), "", "the text is not UTF-8", `save the file as "CSV UTF-8 (Comma delimited)"`)
					warnedUTF8 = true
					break
				}
			}
		}
		if !t.found {
			if !r.header(t, n, rec, pos) {
				break
			}
			if t.found {
				r.expect(min(countCSVRows(io.NewSectionReader(ra, 0, size), cr.Comma), opt.MaxRows))
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

// sniffSemicolon reports whether the first lines of sample hold more
// semicolons than commas outside quotes.
func sniffSemicolon(sample []byte) bool {
	commas, semis, lines := 0, 0, 0
	quoted := false
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
		case '\n':
			if !quoted {
				if lines++; lines >= headerLimit {
					return semis > commas
				}
			}
		}
	}
	return semis > commas
}
