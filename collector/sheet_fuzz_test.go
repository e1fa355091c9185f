package collector

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// sheetWellFormed says encoding/xml (which excelize uses) reads b to its end
// without error. Where it does not, excelize's row reader stops silently,
// so there is nothing to compare.
func sheetWellFormed(b []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// FuzzSheetReader wraps random bytes as the sheet XML of a minimal
// workbook (with sheetMinimalSST's five shared strings). The reader must not
// panic and must finish fast; where it reads the sheet without error and
// the XML is well-formed, excelize's Rows must give the same cells.
//
//	go test ./collector -run '^$' -fuzz FuzzSheetReader -fuzztime 5m
func FuzzSheetReader(f *testing.F) {
	for _, s := range sheetHandSheets {
		f.Add([]byte(s))
	}
	names, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			continue // a deliberately broken fixture
		}
		for _, zf := range zr.File {
			if !strings.HasPrefix(zf.Name, "xl/worksheets/sheet") || zf.UncompressedSize64 > 1<<20 {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				f.Fatal(err)
			}
			sheet, _ := io.ReadAll(rc)
			rc.Close()
			f.Add(sheet)
		}
	}
	lim := sheetLimits{MaxCols: 200, MaxCellChars: 1000, MaxRowBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, sheet []byte) {
		b := buildSheetWorkbook(t, sheet, sheetMinimalSST)
		xf, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLSizeLimit})
		if err != nil {
			t.Fatalf("excelize cannot open the wrapper: %v", err)
		}
		defer xf.Close()
		book, err := newSheetBook(xf, bytes.NewReader(b), int64(len(b)), lim)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got, _, err := sheetReaderRows(book, "Sheet1")
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v for %d bytes", d, len(sheet))
		}
		if err != nil {
			var se *sheetError
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// extLst is skipped by the reader, but excelize looks for
		// cells and rows inside it.
		if !sheetWellFormed(sheet) || bytes.Contains(sheet, []byte("extLst")) {
			return
		}
		want, err := excelizeSheetRows(xf, "Sheet1")
		if err != nil {
			t.Fatalf("excelize: %v; the sheet reader read it as %v", err, got)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cells differ from excelize (-excelize +reader):\n%s", diff)
		}
	})
}
