package collector

import (
	"archive/zip"
	"hash/crc32"
	"testing"
)

// Test helpers for package collector_test.

// LeakyWorkbook is a small workbook whose first sheet excelize spools to
// disk on opening it, followed by a part with an unknown compression
// method, which fails the opening: before issue 12.1 was fixed, excelize
// left the spooled sheet, 17 MiB, in $TMPDIR on every read.
func LeakyWorkbook(t *testing.T) []byte {
	return spoolWorkbook(t, map[string]int{"xl/worksheets/sheet1.xml": spoolPad}, nil, func(zw *zip.Writer) error {
		data := []byte("abcd")
		return rawPart(zw, &zip.FileHeader{Name: "xl/media/image1.bin", Method: 99,
			CRC32: crc32.ChecksumIEEE(data), CompressedSize64: 4, UncompressedSize64: 4}, data)
	})
}

// FilesIn lists the files under dir, with their sizes.
var FilesIn = filesIn
