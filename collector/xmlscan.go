package collector

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// This file holds the byte scanner under the sheet reader (sheet.go): a
// minimal streaming XML tokenizer, bounded by sheetLimits, written by hand
// for the reason sheetReader's doc gives (encoding/xml is where nearly all
// of excelize's row-reading time goes).

// tagKind is the kind of the last tag scanned.
type tagKind int

const (
	tagStart tagKind = iota + 1
	tagEnd
	tagEmpty // self-closing
)

type xmlAttr struct{ name, val []byte }

// xmlScan is a minimal XML scanner over a stream: tags with their
// attributes, text with references decoded and checked as encoding/xml
// checks it, and comments, processing instructions and CDATA.
type xmlScan struct {
	rd   io.Reader
	part string
	lim  sheetLimits
	max  int // window limit

	buf      []byte
	pos, end int
	eof      bool
	rerr     error
	read     int64
	started  bool

	kind  tagKind
	local []byte // local name of the last tag (valid until the next read)
	attrs []xmlAttr
	row   int // for messages
}

func newXMLScan(rd io.Reader, part string, lim sheetLimits) *xmlScan {
	return &xmlScan{rd: rd, part: part, lim: lim, max: lim.maxTextWindow(), buf: make([]byte, 64<<10)}
}

func (s *xmlScan) fail(reason string) error {
	return &sheetError{Part: s.part, Row: s.row, Reason: reason}
}

func (s *xmlScan) failRow(row int, reason string) error {
	return &sheetError{Part: s.part, Row: row, Reason: reason}
}

// failLimit is fail for a limit reached, named by its sheetLimits field.
func (s *xmlScan) failLimit(limit, reason string) error {
	return &sheetError{Part: s.part, Row: s.row, Reason: reason, Limit: limit}
}

func (s *xmlScan) failRowLimit(row int, limit, reason string) error {
	return &sheetError{Part: s.part, Row: row, Reason: reason, Limit: limit}
}

var errSheetWindow = errors.New("window full")

// more reads more input, keeping buf[pos:end] (moved to the front). It
// returns io.EOF at the end of input and errSheetWindow when the window would
// exceed its limit.
func (s *xmlScan) more() error {
	if s.eof {
		if s.rerr != nil {
			return s.rerr
		}
		return io.EOF
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			return errSheetWindow
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.rd.Read(s.buf[s.end:])
		s.end += n
		s.read += int64(n)
		if s.read > s.lim.MaxPartBytes {
			s.eof, s.rerr = true, s.failLimit("MaxPartBytes", fmt.Sprintf("the part unpacks to more than %d bytes", s.lim.MaxPartBytes))
			return s.rerr
		}
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = fmt.Errorf("read %s: %w", s.part, err)
			}
			if n > 0 {
				return nil
			}
			if s.rerr != nil {
				return s.rerr
			}
			return io.EOF
		}
		if n > 0 {
			return nil
		}
	}
}

// windowErr turns errSheetWindow and io.EOF met inside a construct into errors
// that say what was too long or unterminated.
func (s *xmlScan) windowErr(err error, what string) error {
	switch err {
	case errSheetWindow:
		return s.failLimit("MaxCellChars", fmt.Sprintf("%s longer than %d bytes", what, s.max))
	case io.EOF:
		return s.fail("the part ends inside " + what)
	}
	return err
}

// ensure makes n bytes from pos available, or fewer at the end of input.
func (s *xmlScan) ensure(n int) error {
	for s.end-s.pos < n {
		if err := s.more(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
	return nil
}

// start checks the beginning of the part: no UTF-16 byte-order mark, and
// an XML declaration naming UTF-8 if any encoding.
func (s *xmlScan) start() error {
	s.started = true
	if err := s.ensure(4); err != nil {
		return err
	}
	b := s.buf[s.pos:s.end]
	if bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) {
		return s.fail("the part is UTF-16; only UTF-8 is read")
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return nil
	}
	for {
		b = s.buf[s.pos:s.end]
		if i := bytes.Index(b, []byte("?>")); i >= 0 {
			decl := b[:i]
			if j := bytes.Index(decl, []byte("encoding")); j >= 0 {
				rest := bytes.TrimLeft(decl[j+len("encoding"):], " \t\r\n=")
				if len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') {
					q := rest[0]
					if k := bytes.IndexByte(rest[1:], q); k >= 0 {
						enc := string(rest[1 : 1+k])
						if !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "utf8") {
							return s.fail(fmt.Sprintf("the part is in encoding %.20q; only UTF-8 is read", enc))
						}
					}
				}
			}
			return nil
		}
		if s.end-s.pos > 1024 {
			return nil // not a declaration we need to read
		}
		if err := s.more(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// nextTag skips text and comments, processing instructions and CDATA, and
// scans the next start, end or self-closing tag. It returns io.EOF at the
// end of input.
func (s *xmlScan) nextTag() (tagKind, error) {
	if !s.started {
		if err := s.start(); err != nil {
			return 0, err
		}
	}
	for {
		if i := indexByteShort(s.buf[s.pos:s.end], '<'); i >= 0 {
			s.pos += i
		} else {
			s.pos = s.end
			if err := s.more(); err != nil {
				return 0, err
			}
			continue
		}
		k, err := s.markup(nil)
		if err != nil {
			return 0, err
		}
		if k != 0 {
			return k, nil
		}
	}
}

// markup scans the markup at pos (a '<'). Comments and processing
// instructions are skipped and CDATA appended to cdata when it is not nil
// (skipped otherwise); those return kind 0.
func (s *xmlScan) markup(cdata *[]byte) (tagKind, error) {
	if err := s.ensure(2); err != nil {
		return 0, s.windowErr(err, "a tag")
	}
	b := s.buf[s.pos:s.end]
	if len(b) > 1 && (b[1] == '!' || b[1] == '?') {
		if err := s.ensure(9); err != nil {
			return 0, s.windowErr(err, "a tag")
		}
		b = s.buf[s.pos:s.end]
	}
	switch {
	case len(b) < 2 || b[1] != '!' && b[1] != '?':
		// a tag, below
	case bytes.HasPrefix(b, []byte("<!--")):
		s.pos += 4
		return 0, s.skipPast("-->", "a comment")
	case bytes.HasPrefix(b, []byte("<?")):
		s.pos += 2
		return 0, s.skipPast("?>", "a processing instruction")
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		s.pos += 9
		if cdata == nil {
			return 0, s.skipPast("]]>", "a CDATA section")
		}
		return 0, s.readCDATA(cdata)
	case bytes.HasPrefix(b, []byte("<!")):
		return 0, s.fail("a document type declaration is not allowed")
	}
	// A tag, parsed where it lies; when the window ends inside it, read
	// more and parse it again from its start.
	for {
		k, n, err := s.parseTag(s.buf[s.pos:s.end])
		if err != nil {
			return 0, err
		}
		if n > 0 {
			s.pos += n
			s.kind = k
			return k, nil
		}
		if err := s.more(); err != nil {
			return 0, s.windowErr(err, "a tag")
		}
	}
}

// parseTag parses the start, end or self-closing tag at the start of b
// (a '<'), returning its kind and length, or length 0 when b ends inside
// it. It sets local and attrs; attribute values are found with
// IndexByte, so '>' inside them is no end.
func (s *xmlScan) parseTag(b []byte) (tagKind, int, error) {
	if len(b) < 2 {
		return 0, 0, nil
	}
	if b[1] == '/' {
		j := indexByteShort(b, '>')
		if j < 0 {
			return 0, 0, nil
		}
		name := trimXMLSpace(b[2:j])
		if len(name) == 0 || hasXMLSpaceOrQuote(name) {
			return 0, 0, s.fail("malformed end tag")
		}
		s.local = xmlLocalName(name)
		return tagEnd, j + 1, nil
	}
	i := 1
	for i < len(b) && !isXMLSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++
	}
	if i == len(b) {
		return 0, 0, nil
	}
	if i == 1 {
		return 0, 0, s.fail("malformed tag")
	}
	s.local = xmlLocalName(b[1:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, 0, nil
		}
		switch b[i] {
		case '>':
			return tagStart, i + 1, nil
		case '/':
			if i+1 == len(b) {
				return 0, 0, nil
			}
			if b[i+1] != '>' {
				return 0, 0, s.fail(fmt.Sprintf("malformed tag <%s>", s.local))
			}
			return tagEmpty, i + 2, nil
		}
		eq := indexByteShort(b[i:], '=')
		if eq < 0 {
			return 0, 0, nil
		}
		name := trimXMLSpace(b[i : i+eq])
		if len(name) == 0 || hasXMLSpaceOrQuote(name) || bytes.IndexByte(name, '>') >= 0 || bytes.IndexByte(name, '<') >= 0 {
			return 0, 0, s.fail(fmt.Sprintf("malformed attribute in <%s>", s.local))
		}
		i += eq + 1
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, 0, nil
		}
		q := b[i]
		if q != '"' && q != '\'' {
			return 0, 0, s.fail(fmt.Sprintf("unquoted attribute value in <%s>", s.local))
		}
		end := indexByteShort(b[i+1:], q)
		if end < 0 {
			return 0, 0, nil
		}
		val := b[i+1 : i+1+end]
		if indexByteShort(val, '<') >= 0 {
			return 0, 0, s.fail(fmt.Sprintf("'<' in an attribute value in <%s>", s.local))
		}
		s.attrs = append(s.attrs, xmlAttr{name: name, val: val})
		i += end + 2
		if i == len(b) {
			return 0, 0, nil
		}
		if c := b[i]; !isXMLSpace(c) && c != '/' && c != '>' {
			return 0, 0, s.fail(fmt.Sprintf("malformed attribute in <%s>", s.local))
		}
	}
}

// indexByteShort is bytes.IndexByte for the short distances between
// markup in a sheet, where a plain loop beats the call.
func indexByteShort(b []byte, c byte) int {
	n := min(len(b), 16)
	for i := 0; i < n; i++ {
		if b[i] == c {
			return i
		}
	}
	if n == len(b) {
		return -1
	}
	if i := bytes.IndexByte(b[n:], c); i >= 0 {
		return n + i
	}
	return -1
}

func hasXMLSpaceOrQuote(b []byte) bool {
	for _, c := range b {
		if isXMLSpace(c) || c == '"' || c == '\'' {
			return true
		}
	}
	return false
}

// attrValue decodes an attribute value's references.
func (s *xmlScan) attrValue(a *xmlAttr) ([]byte, error) {
	if !needsDecode(a.val) {
		return a.val, nil
	}
	v, _, err := appendText(nil, a.val)
	if err != nil {
		return nil, s.fail(err.Error())
	}
	return v, nil
}

// skipPast skips to just after term.
func (s *xmlScan) skipPast(term, what string) error {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], []byte(term)); i >= 0 {
			s.pos += i + len(term)
			return nil
		}
		s.pos = max(s.pos, s.end-len(term)+1)
		if err := s.more(); err != nil {
			return s.windowErr(err, what)
		}
	}
}

// readCDATA appends a CDATA section's content (pos just after
// "<![CDATA[").
func (s *xmlScan) readCDATA(dst *[]byte) error {
	from := 0
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], []byte("]]>")); i >= 0 {
			raw := s.buf[s.pos : s.pos+from+i]
			s.pos += from + i + 3
			out, _, err := appendCDATA(*dst, raw)
			if err != nil {
				return s.fail(err.Error())
			}
			*dst = out
			return nil
		}
		from = max(0, s.end-s.pos-2)
		if err := s.more(); err != nil {
			return s.windowErr(err, "a CDATA section")
		}
	}
}

// text appends the character data of the element whose start tag was
// just scanned, up to its end tag, which must close it. Comments and
// processing instructions inside are skipped; an element inside is an
// error.
func (s *xmlScan) text(dst []byte, elem string) ([]byte, error) {
	chars := 0
	from := 0
	for {
		i := indexByteShort(s.buf[s.pos+from:s.end], '<')
		if i < 0 {
			from = s.end - s.pos
			if err := s.more(); err != nil {
				return dst, s.windowErr(err, "the text of <"+elem+">")
			}
			continue
		}
		raw := s.buf[s.pos : s.pos+from+i]
		s.pos += from + i
		from = 0
		var (
			n   int
			err error
		)
		if dst, n, err = appendText(dst, raw); err != nil {
			return dst, s.fail(err.Error())
		}
		chars += n
		before := len(dst)
		k, err := s.markup(&dst)
		if err != nil {
			return dst, err
		}
		chars += utf8.RuneCount(dst[before:])
		if chars > s.lim.MaxCellChars {
			return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
		}
		switch k {
		case 0:
			continue
		case tagEnd:
			if string(s.local) != elem {
				return dst, s.fail(fmt.Sprintf("</%s> closes <%s>", s.local, elem))
			}
			return dst, nil
		default:
			return dst, s.fail(fmt.Sprintf("unexpected element <%s> in <%s>", s.local, elem))
		}
	}
}

// skip skips the content of elements up to the end tag that brings the
// depth (1 inside the element whose start tag was just scanned) to 0.
func (s *xmlScan) skip(depth int) error {
	for depth > 0 {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				return s.fail("the part ends inside an element")
			}
			return err
		}
		switch k {
		case tagStart:
			depth++
			if depth > s.lim.MaxDepth {
				return s.failLimit("MaxDepth", fmt.Sprintf("elements nested more than %d deep", s.lim.MaxDepth))
			}
		case tagEnd:
			depth--
		}
	}
	return nil
}

// richText appends the text of a string item (<is> in a cell, <si> in the
// shared strings) whose start tag was just scanned, as excelize's
// xlsxSI.String reads it: the item's own <t>, then the <t> of each run
// <r>; phonetic runs and run properties are skipped. _xHHHH_ escapes are
// then decoded.
func (s *xmlScan) richText(dst []byte, elem string) ([]byte, error) {
	start := len(dst)
	var runs []byte
	hasT := false
	for {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = s.fail("the part ends inside <" + elem + ">")
			}
			return dst, err
		}
		if k == tagEnd {
			if string(s.local) != elem {
				return dst, s.fail(fmt.Sprintf("</%s> closes <%s>", s.local, elem))
			}
			break
		}
		switch string(s.local) {
		case "t":
			if hasT {
				return dst, s.fail(fmt.Sprintf("<%s> has two <t> elements", elem))
			}
			hasT = true
			if k == tagStart {
				if dst, err = s.text(dst, "t"); err != nil {
					return dst, err
				}
			}
		case "r":
			if k == tagEmpty {
				continue
			}
			if runs, err = s.run(runs); err != nil {
				return dst, err
			}
		default: // rPh, phoneticPr and anything else
			if k == tagStart {
				if err := s.skip(1); err != nil {
					return dst, err
				}
			}
		}
		if len(dst)-start+len(runs) > 4*s.lim.MaxCellChars {
			return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
		}
	}
	dst = append(dst, runs...)
	if n := utf8.RuneCount(dst[start:]); n > s.lim.MaxCellChars {
		return dst, s.failLimit("MaxCellChars", fmt.Sprintf("text of more than %d characters", s.lim.MaxCellChars))
	}
	return bstrDecode(dst, start), nil
}

// run appends the text of one rich-text run.
func (s *xmlScan) run(dst []byte) ([]byte, error) {
	hasT := false
	for {
		k, err := s.nextTag()
		if err != nil {
			if err == io.EOF {
				err = s.fail("the part ends inside <r>")
			}
			return dst, err
		}
		if k == tagEnd {
			if string(s.local) != "r" {
				return dst, s.fail(fmt.Sprintf("</%s> closes <r>", s.local))
			}
			return dst, nil
		}
		if string(s.local) == "t" {
			if hasT {
				return dst, s.fail("<r> has two <t> elements")
			}
			hasT = true
			if k == tagStart {
				if dst, err = s.text(dst, "t"); err != nil {
					return dst, err
				}
			}
			continue
		}
		if k == tagStart {
			if err := s.skip(1); err != nil {
				return dst, err
			}
		}
	}
}

// toSheetData scans to the <sheetData> start tag. A row or cell before it
// is an error; io.EOF means the part has none.
func (s *xmlScan) toSheetData() error {
	for {
		k, err := s.nextTag()
		if err != nil {
			return err
		}
		if k == tagEnd {
			continue
		}
		switch string(s.local) {
		case "sheetData":
			return nil
		case "row", "c":
			return s.fail(fmt.Sprintf("<%s> outside <sheetData>", s.local))
		}
	}
}

// ---- text ----

// needsDecode says raw text needs more than copying: a reference, a
// carriage return, a control character or non-ASCII to check.
func needsDecode(raw []byte) bool {
	for _, c := range raw {
		if c < 0x20 && c != '\t' && c != '\n' || c == '&' || c >= 0x80 {
			return true
		}
	}
	return false
}

// appendText appends character data with references decoded, line ends
// normalised and characters checked, exactly as encoding/xml does (which
// excelize uses). It returns the characters appended.
func appendText(dst, raw []byte) ([]byte, int, error) {
	if !needsDecode(raw) {
		return append(dst, raw...), len(raw), nil
	}
	chars := 0
	for i := 0; i < len(raw); chars++ {
		if raw[i] != '&' {
			var err error
			if dst, i, err = appendPlain(dst, raw, i); err != nil {
				return dst, chars, err
			}
			continue
		}
		j := bytes.IndexByte(raw[i:], ';')
		if j < 0 {
			return dst, chars, fmt.Errorf("invalid character entity %.12q", raw[i:])
		}
		r, ok := decodeRef(raw[i+1 : i+j])
		if !ok {
			return dst, chars, fmt.Errorf("invalid character entity %.12q", raw[i:i+j+1])
		}
		if !isXMLChar(r) {
			return dst, chars, fmt.Errorf("illegal character code %U", r)
		}
		dst = utf8.AppendRune(dst, r)
		i += j + 1
	}
	return dst, chars, nil
}

// appendCDATA appends a CDATA section's content: no references, but line
// ends normalised and characters checked.
func appendCDATA(dst, raw []byte) ([]byte, int, error) {
	chars := 0
	for i := 0; i < len(raw); chars++ {
		var err error
		if dst, i, err = appendPlain(dst, raw, i); err != nil {
			return dst, chars, err
		}
	}
	return dst, chars, nil
}

// appendPlain appends the one character at raw[i] that is not a reference,
// with \r\n and \r normalised to \n as XML requires, after checking that XML
// allows it, and returns the index after it.
func appendPlain(dst, raw []byte, i int) ([]byte, int, error) {
	c := raw[i]
	switch {
	case c == '\r':
		dst = append(dst, '\n')
		i++
		if i < len(raw) && raw[i] == '\n' {
			i++
		}
		return dst, i, nil
	case c < 0x80:
		if c < 0x20 && c != '\t' && c != '\n' {
			return dst, i, fmt.Errorf("illegal character code %U", rune(c))
		}
		return append(dst, c), i + 1, nil
	}
	r, n := utf8.DecodeRune(raw[i:])
	if r == utf8.RuneError && n == 1 {
		return dst, i, errors.New("invalid UTF-8")
	}
	if !isXMLChar(r) {
		return dst, i, fmt.Errorf("illegal character code %U", r)
	}
	return append(dst, raw[i:i+n]...), i + n, nil
}

// decodeRef decodes the five predefined entities and character
// references (&#..; and &#x..;, lower-case x only, as encoding/xml).
func decodeRef(ref []byte) (rune, bool) {
	switch string(ref) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = int(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = int(c-'A') + 10
		default:
			return 0, false
		}
		n = n*base + d
		if n > utf8.MaxRune {
			return 0, false
		}
	}
	r := rune(n)
	if 0xD800 <= r && r <= 0xDFFF {
		r = utf8.RuneError // as string(rune(n)) in encoding/xml
	}
	return r, true
}

// isXMLChar is the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// bstrDecode decodes the _xHHHH_ escapes of dst[from:] in place, as
// excelize's bstrUnmarshal: _x005F_ is "_", a surrogate is dropped.
func bstrDecode(dst []byte, from int) []byte {
	if !bytes.Contains(dst[from:], []byte("_x")) {
		return dst
	}
	w := from
	for i := from; i < len(dst); {
		if dst[i] == '_' && i+7 <= len(dst) && dst[i+1] == 'x' && dst[i+6] == '_' && isHex4(dst[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(dst[i+2:i+6]), 16, 32)
			r := rune(v)
			i += 7
			if utf8.ValidRune(r) {
				var tmp [utf8.UTFMax]byte
				n := utf8.EncodeRune(tmp[:], r)
				w += copy(dst[w:], tmp[:n]) // n ≤ 3 < 7: never overtakes i
			}
			continue
		}
		dst[w] = dst[i]
		w++
		i++
	}
	return dst[:w]
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ---- small parsers ----

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimXMLSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimXMLSpace(b []byte) []byte {
	b = trimXMLSpaceLeft(b)
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// xmlLocalName strips a namespace prefix as encoding/xml does: only when
// exactly one colon has text on both sides.
func xmlLocalName(name []byte) []byte {
	i := bytes.IndexByte(name, ':')
	if i <= 0 || i == len(name)-1 || bytes.IndexByte(name[i+1:], ':') >= 0 {
		return name
	}
	return name[i+1:]
}

// atoiBounded parses decimal digits only, no larger than limit. On
// failure n is limit+1 when the digits were valid but too large.
func atoiBounded(b []byte, limit int) (n int, ok bool) {
	if len(b) == 0 || limit < 0 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return limit + 1, false
		}
	}
	return n, true
}

// parseCellRef parses a reference such as "AB12" (letters in either
// case). On failure col is maxCols+1 when the column is too far right.
func parseCellRef(b []byte, maxCols int) (col, row int, ok bool) {
	i := 0
	for ; i < len(b); i++ {
		c := b[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxCols {
			return maxCols + 1, 0, false
		}
	}
	if i == 0 {
		return 0, 0, false
	}
	row, ok = atoiBounded(b[i:], excelize.TotalRows)
	if !ok || row == 0 {
		return 0, 0, false
	}
	return col, row, true
}
