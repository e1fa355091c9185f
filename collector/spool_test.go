package collector

import (
	"archive/zip"
	"bytes"
	"context"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"
)

// spoolPad is how much a padded worksheet part unpacks to beyond its
// table: past unzipXMLSizeLimit, so that excelize spools it to disk when
// opening the workbook, yet deflated to a few KiB.
const spoolPad = unzipXMLSizeLimit + 1<<20

// spoolWorkbook returns a small workbook of two sheets, Data (a table of
// one row) and Notes, whose worksheet parts named in pad are padded, after
// the worksheet's end, with an XML comment of that many bytes. The parts
// are written in zip order with the padded ones last but for the parts
// tail writes after them; drop leaves parts out.
func spoolWorkbook(t *testing.T, pad map[string]int, drop []string, tail func(zw *zip.Writer) error) []byte {
	t.Helper()
	base := xlsxBytes(t, func(f *excelize.File, w *sheetWriter) {
		w.row(1, "Period", "Indicator", "Team", "Value")
		w.row(2, "2025-09", "referrals", "north", 10)
		if _, err := f.NewSheet("Notes"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellValue("Notes", "A1", "Nothing to see"); err != nil {
			t.Fatal(err)
		}
	})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := map[string][]byte{}
	for _, f := range zr.File {
		if _, ok := pad[f.Name]; ok {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			parts[f.Name] = b
			continue
		}
		if !strings.Contains(strings.Join(drop, "\n"), f.Name) {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		n, ok := pad[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(parts[name])
		w.Write([]byte("<!--"))
		chunk := bytes.Repeat([]byte("x"), 1<<16)
		for left := n; left > 0; left -= len(chunk) {
			w.Write(chunk[:min(left, len(chunk))])
		}
		if _, err := w.Write([]byte("-->")); err != nil {
			t.Fatal(err)
		}
	}
	if tail != nil {
		if err := tail(zw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawPart writes a part as stored bytes with the header given, whatever
// its method and declared size.
func rawPart(zw *zip.Writer, fh *zip.FileHeader, data []byte) error {
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// filesIn lists the regular files under dir (none if it does not exist),
// with their sizes.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path == dir {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel+" ("+sizeWords(fi.Size())+")")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// watchedReaderAt calls seen before each read: the sheet reader reads
// the padded part from the file after excelize has opened the workbook,
// while excelize's spooled copy of it is on disk.
type watchedReaderAt struct {
	r    io.ReaderAt
	seen func()
}

func (w watchedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	w.seen()
	return w.r.ReadAt(p, off)
}

// TestXLSXSpoolRemoved checks that what excelize spools to disk while
// opening a workbook goes to a directory of the read's own under TmpDir,
// never to $TMPDIR, and is gone when Read returns, however the workbook
// fails (issue 12.1). Before the fix, each failing case left a 17 MiB
// excelize-NNN file in $TMPDIR.
func TestXLSXSpoolRemoved(t *testing.T) {
	sheet1 := map[string]int{"xl/worksheets/sheet1.xml": spoolPad}
	tests := []struct {
		name string
		b    []byte
		want string // the problem, "" for none
	}{
		{"good", spoolWorkbook(t, sheet1, nil, nil), ""},
		{"a later part with an unknown compression method",
			spoolWorkbook(t, sheet1, nil, func(zw *zip.Writer) error {
				data := []byte("abcd")
				return rawPart(zw, &zip.FileHeader{Name: "xl/media/image1.bin", Method: 99,
					CRC32: crc32.ChecksumIEEE(data), CompressedSize64: 4, UncompressedSize64: 4}, data)
			}),
			"big.xlsx: the workbook cannot be opened: zip: unsupported compression algorithm (save it again as an Excel Workbook (.xlsx))"},
		{"a later part past the unpacked size limit",
			spoolWorkbook(t, sheet1, nil, func(zw *zip.Writer) error {
				return rawPart(zw, &zip.FileHeader{Name: "xl/media/image1.bin", Method: zip.Store,
					CompressedSize64: 4, UncompressedSize64: unzipSizeLimit}, []byte("abcd"))
			}),
			"big.xlsx: the workbook unpacks to more than 1024 MiB (split it into smaller files)"},
		{"a later styles part that is not XML",
			spoolWorkbook(t, sheet1, []string{"xl/styles.xml"}, func(zw *zip.Writer) error {
				w, err := zw.Create("xl/styles.xml")
				if err != nil {
					return err
				}
				_, err = w.Write([]byte(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><</styleSheet>`))
				return err
			}),
			"big.xlsx: the workbook cannot be opened: XML syntax error on line 1: expected element name after < (save it again as an Excel Workbook (.xlsx))"},
		{"a worksheet part twice",
			spoolWorkbook(t, map[string]int{"xl/worksheets/sheet2.xml": spoolPad}, nil, func(zw *zip.Writer) error {
				w, err := zw.Create("xl/worksheets/sheet2.xml")
				if err != nil {
					return err
				}
				_, err = w.Write(bytes.Repeat([]byte(" "), spoolPad))
				return err
			}),
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sysTmp := t.TempDir()
			t.Setenv("TMPDIR", sysTmp)
			base := filepath.Join(t.TempDir(), "tmp") // made by Read
			var during []string
			ra := watchedReaderAt{bytes.NewReader(tt.b), func() {
				if fs := filesIn(t, base); len(fs) > len(during) {
					during = fs
				}
			}}
			res, err := Read(context.Background(), "big.xlsx", ra, int64(len(tt.b)), testCatalogue(), Options{TmpDir: base})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if diff := cmp.Diff(want, problemLines(res.Problems), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tt.want == "" && len(res.Observations()) != 1 {
				t.Errorf("got %d observations, want 1", len(res.Observations()))
			}
			if left := filesIn(t, base); len(left) > 0 {
				t.Errorf("left in TmpDir: %v", left)
			}
			if left := filesIn(t, sysTmp); len(left) > 0 {
				t.Errorf("left in $TMPDIR: %v", left)
			}
			if tt.want == "" {
				// Proof the test spools at all, and into a directory
				// of the read's own.
				if len(during) == 0 || !strings.HasPrefix(during[0], "xlsx-") {
					t.Errorf("while reading, TmpDir held %v; want a spooled part in xlsx-*/", during)
				}
			}
		})
	}
}

// TestXLSXSpoolLimit checks that a workbook whose large parts would spool
// more than MaxSpoolBytes to disk is refused, naming the part, before
// anything is unpacked (issue 12.1).
func TestXLSXSpoolLimit(t *testing.T) {
	both := map[string]int{"xl/worksheets/sheet1.xml": spoolPad, "xl/worksheets/sheet2.xml": spoolPad}
	tests := []struct {
		name  string
		pad   map[string]int
		limit int64
		want  []string
	}{
		{"one part over", map[string]int{"xl/worksheets/sheet1.xml": spoolPad}, 16 << 20, []string{
			`big.xlsx: the part "xl/worksheets/sheet1.xml" unpacks to 17 MiB, more than the limit of 16 MiB a workbook may spool to disk while it is read (--ingest.max-spool-bytes) (split it into smaller files)`}},
		{"two parts over in all", both, 30 << 20, []string{
			`big.xlsx: the parts larger than 16 MiB unpack to more than the limit of 30 MiB a workbook may spool to disk while it is read (--ingest.max-spool-bytes): "xl/worksheets/sheet2.xml" takes them to 34 MiB (split it into smaller files)`}},
		{"two parts within", both, 40 << 20, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := spoolWorkbook(t, tt.pad, nil, nil)
			base := filepath.Join(t.TempDir(), "tmp")
			res := readXLSXBytes(t, "big.xlsx", b, Options{TmpDir: base, MaxSpoolBytes: tt.limit})
			if diff := cmp.Diff(tt.want, problemLines(res.Problems), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				if _, err := os.Stat(base); !os.IsNotExist(err) {
					t.Errorf("TmpDir was made (stat: %v); a refused workbook should not get that far", err)
				}
			}
			if left := filesIn(t, base); len(left) > 0 {
				t.Errorf("left in TmpDir: %v", left)
			}
		})
	}
}
