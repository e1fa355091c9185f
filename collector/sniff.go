package collector

import (
	"bytes"
	"encoding/binary"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// What sniffNonText finds, when it needs a hint of its own.
const (
	whatOLE     = "an old-style .xls workbook or a password-protected one"
	whatGzip    = "a gzip-compressed file"
	whatODS     = "an OpenDocument spreadsheet (.ods)"
	whatFODS    = "a flat OpenDocument spreadsheet (.fods)"
	whatXML2003 = "an Excel 2003 XML spreadsheet"
	whatHTML    = "a web page (HTML), as some systems export under an .xls name"
	whatBinary  = "binary data"
)

// nonTextProblem is the problem with a file whose head sniffNonText
// recognises, ready for Read to return alone. An old .xls keeps the
// wording Read has always used for it.
func nonTextProblem(file string, head []byte) (vs.Problem, bool) {
	what, ok := sniffNonText(head)
	if !ok {
		return vs.Problem{}, false
	}
	p := vs.Problem{File: file, Reason: "this file is " + what + ", not an Excel workbook (.xlsx) or CSV file",
		Hint: "send the performance return itself, as an Excel Workbook (.xlsx) or a CSV file"}
	switch what {
	case whatOLE:
		p.Reason = "this is " + whatOLE + ", which cannot be read"
		p.Hint = "remove any password and save it as an Excel Workbook (.xlsx)"
	case whatGzip:
		p.Hint = "unpack it and send the file inside"
	case whatODS, whatFODS:
		p.Hint = "save it as an Excel Workbook (.xlsx): in LibreOffice, File > Save As, file type Excel 2007-365"
	case whatXML2003, whatHTML:
		p.Hint = "open it in Excel and save it as an Excel Workbook (.xlsx)"
	}
	return p, true
}

// sniffNonText recognises, from head, the first bytes of a file (up to
// sniffLen; 8 KiB is enough for all but a .docx or .pptx), content that is
// neither csv text nor an xlsx workbook, and describes it for the problem
// "this file is <what>, not an Excel workbook (.xlsx) or CSV file" (see
// nonTextProblem, which adds a hint). It recognises documents and images
// sent by mistake, workbooks in other formats, and binary data (a NUL byte
// in the first 8 KiB, unless the text is UTF-16). It never claims a file is an xlsx workbook, and a zip
// it cannot tell apart from one is not recognised: the xlsx reader says
// what is wrong with it.
func sniffNonText(head []byte) (what string, ok bool) {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			return m.what, true
		}
	}
	if bytes.HasPrefix(head, zipMagic) {
		return sniffZip(head)
	}
	if what, ok := sniffMarkup(head); ok {
		return what, true
	}
	switch detectEncoding(head) {
	case EncodingUTF16LE, EncodingUTF16BE:
		return "", false
	}
	if bytes.IndexByte(head[:min(len(head), 8<<10)], 0) >= 0 {
		return whatBinary, true
	}
	return "", false
}

var magics = []struct {
	magic []byte
	what  string
}{
	{[]byte("%PDF-"), "a PDF document"},
	{[]byte("\x89PNG\r\n\x1a\n"), "a PNG image"},
	{[]byte{0xFF, 0xD8, 0xFF}, "a JPEG image"},
	{[]byte("GIF87a"), "a GIF image"},
	{[]byte("GIF89a"), "a GIF image"},
	{oleMagic, whatOLE},
	{[]byte{0x1F, 0x8B}, whatGzip},
	{[]byte("{\\rtf"), "a Rich Text document (.rtf)"},
}

// sniffZip recognises an OpenDocument file by its first entry, which the
// format requires to be "mimetype", stored uncompressed and holding the
// media type; and a Word or PowerPoint file by an entry under word/ or
// ppt/ whose local header lies within head (entries are usually written
// [Content_Types].xml, _rels/.rels, then the document's own), unless an
// entry under xl/ shows it is a workbook.
func sniffZip(head []byte) (string, bool) {
	const local = 30 // the fixed part of a zip local file header
	if len(head) >= local {
		method := binary.LittleEndian.Uint16(head[8:])
		size := int(binary.LittleEndian.Uint32(head[18:]))
		nameLen := int(binary.LittleEndian.Uint16(head[26:]))
		extraLen := int(binary.LittleEndian.Uint16(head[28:]))
		start := local + nameLen + extraLen
		if method == 0 && len(head) >= start && string(head[local:local+nameLen]) == "mimetype" {
			// The size is 0 when a data descriptor follows the data.
			mt := head[start:min(len(head), start+100)]
			if size > 0 && size < len(mt) {
				mt = mt[:size]
			}
			switch {
			case bytes.HasPrefix(mt, []byte("application/vnd.oasis.opendocument.spreadsheet")):
				return whatODS, true
			case bytes.HasPrefix(mt, []byte("application/vnd.oasis.opendocument.text")):
				return "an OpenDocument text document (.odt)", true
			case bytes.HasPrefix(mt, []byte("application/vnd.oasis.opendocument.")):
				return "an OpenDocument file", true
			}
		}
	}
	var what string
	for rest := head; ; {
		i := bytes.Index(rest, zipMagic)
		if i < 0 || len(rest) < i+local {
			break
		}
		h := rest[i:]
		rest = rest[i+len(zipMagic):]
		nameLen := int(binary.LittleEndian.Uint16(h[26:]))
		if len(h) < local+nameLen {
			break
		}
		switch name := string(h[local : local+nameLen]); {
		case strings.HasPrefix(name, "xl/"):
			return "", false
		case what == "" && strings.HasPrefix(name, "word/"):
			what = "a Word document (.docx)"
		case what == "" && strings.HasPrefix(name, "ppt/"):
			what = "a PowerPoint presentation (.pptx)"
		}
	}
	return what, what != ""
}

// sniffMarkup recognises the text formats that spreadsheet users meet
// under an .xls name: a web page (what many case-management systems
// export as "Excel"), an Excel 2003 XML spreadsheet and a flat OpenDocument
// spreadsheet (.fods). The text must begin, after any byte-order mark and
// white space, with "<", which no csv file does.
func sniffMarkup(head []byte) (string, bool) {
	text := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
	if len(text) == 0 || text[0] != '<' {
		return "", false
	}
	lower := bytes.ToLower(text[:min(len(text), 8<<10)])
	switch {
	case bytes.Contains(lower, []byte("urn:schemas-microsoft-com:office:spreadsheet")) &&
		!bytes.Contains(lower, []byte("<html")):
		return whatXML2003, true
	case bytes.Contains(lower, []byte("application/vnd.oasis.opendocument.spreadsheet")):
		return whatFODS, true
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<table")) ||
		bytes.Contains(lower, []byte("<html")):
		return whatHTML, true
	}
	return "", false
}
