package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// synthCSV is a csv file made up as it is read, so that a test of a long
// line does not hold it: head, then n bytes of body repeated, then tail.
type synthCSV struct {
	head, body, tail string
	n                int64
}

func (s synthCSV) size() int64 { return int64(len(s.head)) + s.n + int64(len(s.tail)) }

func (s synthCSV) ReadAt(p []byte, off int64) (int, error) {
	head, body := int64(len(s.head)), int64(len(s.body))
	size := s.size()
	n := 0
	for n < len(p) && off < size {
		var c int
		switch {
		case off < head:
			c = copy(p[n:], s.head[off:])
		case off < head+s.n:
			i := off - head
			c = copy(p[n:min(len(p), n+int(s.n-i))], s.body[i%body:])
		default:
			c = copy(p[n:], s.tail[off-head-s.n:])
		}
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestSynthCSV checks the made-up file against the same file in memory.
func TestSynthCSV(t *testing.T) {
	s := synthCSV{head: "ab\n", body: "xyz", n: 10, tail: "\"\n"}
	want := "ab\nxyzxyzxyzx\"\n"
	got, err := io.ReadAll(io.NewSectionReader(s, 0, s.size()))
	if err != nil || string(got) != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	for off := range len(want) + 1 {
		p := make([]byte, 4)
		n, _ := s.ReadAt(p, int64(off))
		if w := want[off:min(len(want), off+4)]; string(p[:n]) != w {
			t.Errorf("ReadAt(%d): got %q, want %q", off, p[:n], w)
		}
	}
}

// TestCSVLongLine checks that a csv line, or a row of quoted text running
// over lines, longer than MaxLineBytes is refused at its first line, and
// that reading it takes memory of the order of the limit, not of the line
// (issue 12.4). Before the fix, the 50 MB line took 1.2 GB of allocations
// (a peak of 570 MB) and was read whole; the limit did not exist.
func TestCSVLongLine(t *testing.T) {
	const limit = DefaultMaxLineBytes
	const header = "Period,Indicator,Team,Value,Commentary\n"
	const quoted = `2025-09,referrals,north,3,"`
	words := "some words here\n"
	lineHint := " (a row of figures takes a few hundred bytes: check that this is the file meant, saved as CSV)"
	tests := []struct {
		name string
		file synthCSV
		want string
	}{
		{"a 50 MB line and nothing else", synthCSV{body: "x", n: 50 << 20, tail: "\n"},
			"f.csv:1: the line is longer than the limit of 1 MiB (--ingest.max-line-bytes)" + lineHint},
		{"a 50 MB value", synthCSV{head: header + "2025-09,referrals,north,", body: "1", n: 50 << 20, tail: ",\n"},
			"f.csv:2: the line is longer than the limit of 1 MiB (--ingest.max-line-bytes)" + lineHint},
		{"a 20 MB quoted comment on one line", synthCSV{head: header + "2025-09,referrals,south,3,\n" + quoted, body: "words ", n: 20 << 20, tail: "\"\n"},
			"f.csv:3: the line is longer than the limit of 1 MiB (--ingest.max-line-bytes)" + lineHint},
		{"a 20 MB quoted comment over many lines", synthCSV{head: header + quoted, body: words, n: 20 << 20, tail: "\"\n"},
			fmt.Sprintf("f.csv:2: the row, whose quoted text runs on to line %d, is longer than the limit of 1 MiB (--ingest.max-line-bytes)", 2+(limit-len(quoted))/len(words)) +
				` (a quotation mark may be missing: a field that starts with " runs on until the next one)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res *Result
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			peak := peakHeap(func() {
				var err error
				res, err = Read(context.Background(), "f.csv", tt.file, tt.file.size(), testCatalogue(), Options{})
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
			})
			runtime.ReadMemStats(&after)
			if diff := cmp.Diff([]string{tt.want}, problemLines(res.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			// The csv reader holds the line read so far (grown by
			// doubling), its fields and their strings: a few times the
			// limit. The constant is the 64 KiB buffers and the rest of
			// the reader.
			const bound = 8*limit + 4<<20
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %s, peak heap %s", sizeWords(int64(alloc)), sizeWords(int64(peak)))
			if alloc > bound {
				t.Errorf("allocated %s reading a %s file; want at most %s", sizeWords(int64(alloc)), sizeWords(tt.file.size()), sizeWords(bound))
			}
			if peak > before.HeapAlloc+bound {
				t.Errorf("peak heap %s, from %s before; want at most %s more", sizeWords(int64(peak)), sizeWords(int64(before.HeapAlloc)), sizeWords(bound))
			}
		})
	}
}

// TestCSVMaxLineBytes checks the bound at its edge, line breaks counted,
// and that rows within it, a quoted one over lines among them, are read.
func TestCSVMaxLineBytes(t *testing.T) {
	const (
		header = "Period,Indicator,Team,Value,Commentary\n"
		row2   = "2025-09,referrals,north,3,\"Two\nlines\"\n"
		row3   = "2025-09,referrals,south,4,\n"
		file   = header + row2 + row3
	)
	longest := max(len(header), len(row2), len(row3))
	tests := []struct {
		name  string
		file  string
		limit int
		want  []string
	}{
		{"within", file, longest, nil},
		{"a byte over", file, longest - 1, []string{fmt.Sprintf("f.csv:1: the line is longer than the limit of %d bytes (--ingest.max-line-bytes) (a row of figures takes a few hundred bytes: check that this is the file meant, saved as CSV)", longest-1)}},
		{"a quoted row over lines", strings.Replace(file, "lines", strings.Repeat("long ", 10), 1), 60, []string{`f.csv:2: the row, whose quoted text runs on to line 3, is longer than the limit of 60 bytes (--ingest.max-line-bytes) (a quotation mark may be missing: a field that starts with " runs on until the next one)`}},
		{"a quote never closed", strings.Replace(file, "lines\"", "lines", 1) + strings.Repeat("2025-10,referrals,north,5,\n", 10), 100, []string{`f.csv:2: the row, whose quoted text runs on to line 6, is longer than the limit of 100 bytes (--ingest.max-line-bytes) (a quotation mark may be missing: a field that starts with " runs on until the next one)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "f.csv", tt.file, Options{MaxLineBytes: tt.limit})
			if diff := cmp.Diff(tt.want, problemLines(got.Problems), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tt.want == nil && len(got.Observations()) != 2 {
				t.Errorf("got %d observations, want 2", len(got.Observations()))
			}
		})
	}
}

// refRowLimiter is rowLimiter one byte at a time: the model it is checked
// against.
type refRowLimiter struct {
	rowLimiter
}

func (l *refRowLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if l.n++; l.n > l.max {
			l.err = &rowTooLongError{start: l.start, line: l.line, max: l.max}
			return i, l.err
		}
		switch c {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.line++
			if !l.quoted {
				l.start, l.n = l.line, 0
			}
		}
	}
	return n, err
}

// TestRowLimiterModel checks rowLimiter against the byte-at-a-time model
// on random text of quotes, line breaks and letters, read in random
// chunks: the same bytes passed, and the same error.
func TestRowLimiterModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 4))
	for range 20000 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = "ab,\"\n\n"[rng.IntN(6)]
		}
		limit := 1 + rng.IntN(40)
		read := func(r io.Reader) (string, error) {
			var out []byte
			buf := make([]byte, 64)
			for {
				n, err := r.Read(buf[:1+rng.IntN(len(buf))])
				out = append(out, buf[:n]...)
				if err != nil {
					return string(out), err
				}
			}
		}
		// One chunking for both, so that the model sees the same reads.
		seed := rng.Uint64()
		rng = rand.New(rand.NewPCG(seed, 1))
		got, gotErr := read(newRowLimiter(bytes.NewReader(b), limit))
		rng = rand.New(rand.NewPCG(seed, 1))
		want, wantErr := read(&refRowLimiter{*newRowLimiter(bytes.NewReader(b), limit)})
		if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%q, limit %d: got %q, %v; want %q, %v", b, limit, got, gotErr, want, wantErr)
		}
	}
}

// BenchmarkRowLimiter measures what bounding the rows costs the csv
// reader: a pass over the text, next to encoding/csv's parse of it.
//
//	go test -run '^$' -bench RowLimiter -benchmem -count 6 ./collector
func BenchmarkRowLimiter(b *testing.B) {
	text := []byte(strings.Repeat("2025-09,Indicator number 3,team_042,0.125,40,50,\"Commentary, for this row\"\n", 100_000))
	buf := make([]byte, 64<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		l := newRowLimiter(bytes.NewReader(text), DefaultMaxLineBytes)
		for {
			if _, err := l.Read(buf); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
