package collector

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func TestSniffNonText(t *testing.T) {
	const ods = "application/vnd.oasis.opendocument.spreadsheet"
	tests := []struct {
		name, head string
		what       string // "" for not recognised
	}{
		{"pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "a PDF document"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"},
		{"jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", "a JPEG image"},
		{"gif", "GIF89a\x01\x00\x01\x00", "a GIF image"},
		{"xls", string(oleMagic) + "\x00\x00", whatOLE},
		{"gzip", "\x1F\x8B\x08\x00", whatGzip},
		{"rtf", `{\rtf1\ansi\deff0`, "a Rich Text document (.rtf)"},
		{"ods", zipOf(t, true, "mimetype", ods, "content.xml", "<x/>"), whatODS},
		{"ods, data descriptor", zipOf(t, false, "mimetype", ods, "content.xml", "<x/>"), whatODS},
		{"odt", zipOf(t, true, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>"), "an OpenDocument text document (.odt)"},
		{"docx", zipOf(t, false, "[Content_Types].xml", "<Types/>", "_rels/.rels", "<r/>", "word/document.xml", "<w/>"), "a Word document (.docx)"},
		{"pptx", zipOf(t, false, "[Content_Types].xml", "<Types/>", "ppt/presentation.xml", "<p/>"), "a PowerPoint presentation (.pptx)"},
		{"xlsx", zipOf(t, false, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<w/>"), ""},
		{"xlsx embedding a docx", zipOf(t, false, "xl/workbook.xml", "<w/>", "word/document.xml", "<w/>"), ""},
		{"zip, other", zipOf(t, false, "readme.txt", "hello"), ""},
		{"zip, cut short", "PK\x03\x04\x14\x00", ""},
		{"html", "\xEF\xBB\xBF\r\n<!DOCTYPE html>\n<html><body><table>", whatHTML},
		{"html table", "<table border=1><tr><td>Period</td>", whatHTML},
		{"excel html", `<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">`, whatHTML},
		{"excel 2003 xml", `<?xml version="1.0"?>` + "\n" + `<?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`, whatXML2003},
		{"binary", "Period,Value\n\x00\x01\x02", whatBinary},
		{"nul after 8 KiB", strings.Repeat("a,b\n", 2049) + "\x00", ""},
		{"csv", "Period,Indicator,Value\r\n2025-09,referrals,1\r\n", ""},
		{"csv with bom", "\xEF\xBB\xBFPeriod;Indicator;Value\n", ""},
		{"windows-1252 csv", "Team,Value\n\xA3north,1\n", ""},
		{"csv starting with a quote", "\"Period\",\"Value\"\n", ""},
		{"utf-16le", encUTF16(t, unicode.LittleEndian, unicode.UseBOM, "Period\tValue\r\n"), ""},
		{"utf-16be", encUTF16(t, unicode.BigEndian, unicode.UseBOM, "Period\tValue\r\n"), ""},
		{"utf-16le no bom", encUTF16(t, unicode.LittleEndian, unicode.IgnoreBOM, "Period\tValue\r\n"), ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			what, ok := sniffNonText([]byte(tt.head))
			if what != tt.what || ok != (tt.what != "") {
				t.Errorf("sniffNonText = %q, %v; want %q", what, ok, tt.what)
			}
		})
	}
}

// TestSniffNonTextFixtures: no csv or xlsx fixture is taken for something
// else, and the flat ODS sources are recognised.
func TestSniffNonTextFixtures(t *testing.T) {
	names, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		what, ok := sniffNonText(b[:min(len(b), sniffLen)])
		switch filepath.Ext(name) {
		case ".csv", ".xlsx":
			if ok {
				t.Errorf("%s: taken for %s", name, what)
			}
		case ".fods":
			if what != whatFODS {
				t.Errorf("%s: %q, %v", name, what, ok)
			}
		}
	}
}

// zipOf builds a zip of name, content pairs; stored entries with their sizes
// in the local header (as LibreOffice writes an ODS's mimetype) when raw,
// else deflated with data descriptors, as archive/zip writes them.
func zipOf(t *testing.T, raw bool, pairs ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(pairs); i += 2 {
		name, content := pairs[i], pairs[i+1]
		var err error
		if raw {
			var w interface{ Write([]byte) (int, error) }
			w, err = zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store,
				CRC32:            crc32.ChecksumIEEE([]byte(content)),
				CompressedSize64: uint64(len(content)), UncompressedSize64: uint64(len(content))})
			if err == nil {
				_, err = w.Write([]byte(content))
			}
		} else {
			method := zip.Deflate
			if name == "mimetype" {
				method = zip.Store
			}
			var w interface{ Write([]byte) (int, error) }
			w, err = zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
			if err == nil {
				_, err = w.Write([]byte(content))
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestNonTextProblem(t *testing.T) {
	tests := []struct {
		head, want string
	}{
		{"%PDF-1.4", "f.xlsx: this file is a PDF document, not an Excel workbook (.xlsx) or CSV file (send the performance return itself, as an Excel Workbook (.xlsx) or a CSV file)"},
		{string(oleMagic), "f.xlsx: this is an old-style .xls workbook or a password-protected one, which cannot be read (remove any password and save it as an Excel Workbook (.xlsx))"},
		{zipOf(t, true, "mimetype", "application/vnd.oasis.opendocument.spreadsheet"), "f.xlsx: this file is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx) or CSV file (save it as an Excel Workbook (.xlsx): in LibreOffice, File > Save As, file type Excel 2007-365)"},
		{"<html><table>", "f.xlsx: this file is a web page (HTML), as some systems export under an .xls name, not an Excel workbook (.xlsx) or CSV file (open it in Excel and save it as an Excel Workbook (.xlsx))"},
		{"\x1F\x8B\x08", "f.xlsx: this file is a gzip-compressed file, not an Excel workbook (.xlsx) or CSV file (unpack it and send the file inside)"},
	}
	for _, tt := range tests {
		p, ok := nonTextProblem("f.xlsx", []byte(tt.head))
		if got := p.String(); !ok || got != tt.want {
			t.Errorf("nonTextProblem(%.12q) = %q, %v\nwant %q", tt.head, got, ok, tt.want)
		}
	}
	if p, ok := nonTextProblem("f.csv", []byte("Period,Value\n")); ok {
		t.Errorf("csv text: got %v", p)
	}
}
