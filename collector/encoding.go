package collector

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The text encodings of csv files, as detectEncoding names them.
const (
	EncodingUTF8        = "UTF-8"
	EncodingUTF16LE     = "UTF-16LE"
	EncodingUTF16BE     = "UTF-16BE"
	EncodingWindows1252 = "Windows-1252"
)

// sniffLen is how much of the start of a csv file decides its encoding.
const sniffLen = 64 << 10

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// detectEncoding names the text encoding of a csv file from head, its first
// sniffLen bytes (or all of it, if shorter), as councils' files come:
//
//   - a byte-order mark decides: UTF-8 (Excel's "CSV UTF-8"), UTF-16LE
//     (Excel's "Unicode Text", tab-separated) or UTF-16BE;
//   - with no mark, text in which most odd (or even) bytes are NUL and
//     hardly any others is UTF-16 without one, little- (big-) endian;
//   - else head that is valid UTF-8 is UTF-8 (plain ASCII is UTF-8), and
//     so is head that is not but also holds UTF-8 characters of two bytes
//     or more: the file mixes two encodings, and the csv reader reports
//     the first line that is not UTF-8 rather than decoding any of it
//     wrongly;
//   - else it is Windows-1252, the encoding of Excel's plain "CSV" save on
//     a UK machine (£ is 0xA3, ’ 0x92, – 0x96).
//
// Only the head is sniffed, since the file is read as a stream: a file
// whose first 64 KiB are plain ASCII is read as UTF-8, and a Windows-1252
// character after them is reported as a problem at its line, never
// decoded wrongly; likewise a UTF-8 character after a Windows-1252 head
// (see checkText). A character cut in two at the end of head does not
// count against UTF-8 (a file cut short there is reported at its last
// line). readCSV sniffs the first min(size, sniffLen) bytes: pass the same
// to name the encoding it used, for Result.
func detectEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return EncodingUTF8
	case bytes.HasPrefix(head, bomUTF16LE):
		return EncodingUTF16LE
	case bytes.HasPrefix(head, bomUTF16BE):
		return EncodingUTF16BE
	}
	if enc := sniffUTF16(head); enc != "" {
		return enc
	}
	multi, invalid := 0, 0
	for i := 0; i < len(head); {
		if head[i] < utf8.RuneSelf {
			i++
			continue
		}
		if !utf8.FullRune(head[i:]) {
			break // a character cut at the end of head
		}
		r, n := utf8.DecodeRune(head[i:])
		if n > 1 || r != utf8.RuneError {
			multi++
		} else {
			invalid++
		}
		i += n
	}
	if invalid > 0 && multi == 0 {
		return EncodingWindows1252
	}
	return EncodingUTF8
}

// sniffUTF16 recognises UTF-16 text without a byte-order mark: in its first
// 1 KiB, most characters of one byte order have a NUL high byte and almost
// none a NUL low byte, as ASCII and Latin text written as UTF-16 does.
func sniffUTF16(head []byte) string {
	head = head[:min(len(head), 1024)&^1]
	pairs := len(head) / 2
	if pairs < 2 {
		return ""
	}
	even, odd := 0, 0
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	switch {
	case odd*10 >= pairs*7 && even*10 <= pairs:
		return EncodingUTF16LE
	case even*10 >= pairs*7 && odd*10 <= pairs:
		return EncodingUTF16BE
	}
	return ""
}

// decodedReader streams the size bytes of ra as UTF-8 text without its
// byte-order mark, decoding them from enc (a name detectEncoding returns).
// Memory is bounded: the decoder holds a few KiB. UTF-8 passes through
// unchanged, invalid bytes and all, for the csv reader to report.
// Windows-1252 maps each byte to one character; its five unassigned
// bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD, which checkText
// reports. UTF-16 that is not well formed becomes U+FFFD too.
func decodedReader(ra io.ReaderAt, size int64, enc string) io.Reader {
	src := io.NewSectionReader(ra, 0, size)
	switch enc {
	case EncodingWindows1252:
		return transform.NewReader(src, charmap.Windows1252.NewDecoder())
	case EncodingUTF16LE:
		return transform.NewReader(src, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case EncodingUTF16BE:
		return transform.NewReader(src, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	}
	var bom [3]byte
	if n, _ := ra.ReadAt(bom[:], 0); n == 3 && bytes.Equal(bom[:], bomUTF8) {
		return io.NewSectionReader(ra, 3, size-3)
	}
	return src
}

// textCheck is what checkText finds wrong with the text of a field.
type textCheck struct {
	reason, hint string
}

const saveUTF8 = `save the file as "CSV UTF-8 (Comma delimited)"`

var (
	notUTF8 = textCheck{"the text here is not UTF-8, unlike the rest of the file",
		"the file mixes two encodings, or was cut short: " + saveUTF8}
	not1252    = textCheck{"the text here is neither UTF-8 nor Windows-1252", saveUTF8}
	utf8In1252 = textCheck{"the text here is UTF-8, unlike the rest of the file, read as Windows-1252",
		"the file mixes two encodings: " + saveUTF8}
)

// checkText reports whether the text of a field, decoded from enc, cannot
// be right, and why: in UTF-8 bytes that are not UTF-8; in Windows-1252 an
// unassigned byte, or bytes that read as a UTF-8 character of two bytes or
// more (é, saved as UTF-8, reads as "Ã©"), which a file in one encoding
// hardly ever holds. UTF-16 is always taken as it comes.
func checkText(enc, s string) (textCheck, bool) {
	switch enc {
	case EncodingUTF8:
		if !utf8.ValidString(s) {
			return notUTF8, true
		}
	case EncodingWindows1252:
		if isASCII(s) {
			return textCheck{}, false
		}
		if strings.ContainsRune(s, utf8.RuneError) {
			return not1252, true
		}
		var raw []byte
		for _, r := range s {
			b, _ := charmap.Windows1252.EncodeRune(r)
			raw = append(raw, b)
		}
		for i := 0; i < len(raw); {
			r, n := utf8.DecodeRune(raw[i:])
			if n > 1 && r != utf8.RuneError {
				return utf8In1252, true
			}
			i += n
		}
	}
	return textCheck{}, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// charColumns converts the columns of a record's fields from bytes of the
// decoded UTF-8 text, as encoding/csv's FieldPos gives them, to
// characters: the column a text editor shows, and for Windows-1252 the
// byte column in the file. lines and cols hold FieldPos of each field and
// are converted in place. Text between fields (quotes, doubled quotes,
// delimiters) is ASCII, so only the fields' own text counts: the fields
// before on the same line, and the part on that line of the last field
// that began on an earlier line. Invalid UTF-8 counts one column a byte.
func charColumns(rec []string, lines, cols []int) {
	extra := 0 // bytes beyond one a character, so far on the line
	for i := range rec {
		if i > 0 && lines[i] != lines[i-1] {
			// Field i-1 spanned lines: only its last line's part precedes.
			prev := rec[i-1]
			extra = multiByteExtra(prev[strings.LastIndexByte(prev, '\n')+1:])
		}
		cols[i] -= extra
		extra += multiByteExtra(rec[i])
	}
}

// multiByteExtra is how many more bytes than characters s holds.
func multiByteExtra(s string) int {
	if isASCII(s) {
		return 0
	}
	return len(s) - utf8.RuneCountInString(s)
}
