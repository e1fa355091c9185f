package collector

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestDetectEncoding(t *testing.T) {
	ascii := strings.Repeat("Period,Indicator,Value\n", 10)
	tests := []struct {
		name, head, want string
	}{
		{"empty", "", EncodingUTF8},
		{"ascii", ascii, EncodingUTF8},
		{"utf-8", "Commentary\nCafé – £5\n", EncodingUTF8},
		{"utf-8 bom", "\xEF\xBB\xBFPeriod,Value\n", EncodingUTF8},
		{"utf-8 bom, then invalid", "\xEF\xBB\xBFPeriod,\xA3\n", EncodingUTF8},
		{"character cut at the end", "Value\n\xE2\x80", EncodingUTF8},
		{"windows-1252 £", "Team\n\xA3north\n", EncodingWindows1252},
		{"windows-1252 é ’ –", "Caf\xE9\x92s \x96 up\n", EncodingWindows1252},
		{"invalid before a cut character", "\xA3 \xE2\x80", EncodingWindows1252},
		{"mixed: utf-8 é and a 1252 £", "Caf\xC3\xA9,\xA3north\n", EncodingUTF8},
		{"utf-16le bom", "\xFF\xFEP\x00e\x00", EncodingUTF16LE},
		{"utf-16be bom", "\xFE\xFF\x00P\x00e", EncodingUTF16BE},
		{"utf-16le no bom", encUTF16(t, unicode.LittleEndian, unicode.IgnoreBOM, ascii), EncodingUTF16LE},
		{"utf-16be no bom", encUTF16(t, unicode.BigEndian, unicode.IgnoreBOM, ascii), EncodingUTF16BE},
		{"nul bytes, not utf-16", "a\x00\x00\x00b,c\x00d\x00\x00\x00", EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectEncoding([]byte(tt.head)); got != tt.want {
				t.Errorf("detectEncoding(%q) = %s, want %s", tt.head, got, tt.want)
			}
		})
	}
}

// encUTF16 encodes s as UTF-16, with a byte-order mark when bom is
// unicode.UseBOM.
func encUTF16(t *testing.T, e unicode.Endianness, bom unicode.BOMPolicy, s string) string {
	t.Helper()
	b, err := unicode.UTF16(e, bom).NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func windows1252(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadEncodings reads the same rows saved by Excel in each encoding:
// commentary holding £, é, ’ (0x92 in Windows-1252) and – (0x96) comes out
// as exactly that Unicode text.
func TestReadEncodings(t *testing.T) {
	const text = "Period,Indicator,Team,Value,Commentary\r\n" +
		"2025-09,referrals,north,\"£1,234\",\"Café’s caseload – up on August\"\r\n" +
		"2025-09,referrals,south,12,\"Two lines,\r\nthe second – naïve\"\r\n"
	const tabs = "Period\tIndicator\tTeam\tValue\tCommentary\r\n" +
		"2025-09\treferrals\tnorth\t\"£1,234\"\t\"Café’s caseload – up on August\"\r\n" +
		"2025-09\treferrals\tsouth\t12\t\"Two lines\t\r\nthe second – naïve\"\r\n"
	want := []vs.Observation{
		with(obs("referrals", "north", mon(2025, 9), num(1234), vs.StatusActual), func(o *vs.Observation) {
			o.Commentary = "Café’s caseload – up on August"
		}),
		with(obs("referrals", "south", mon(2025, 9), num(12), vs.StatusActual), func(o *vs.Observation) {
			o.Commentary = "Two lines,\nthe second – naïve"
		}),
	}
	wantTabs := []vs.Observation{want[0], with(want[1], func(o *vs.Observation) {
		o.Commentary = "Two lines\t\nthe second – naïve"
	})}
	tests := []struct {
		name, file string
		want       []vs.Observation
	}{
		{"utf-8", text, want},
		{"utf-8 bom", "\xEF\xBB\xBF" + text, want},
		{"windows-1252", windows1252(t, text), want},
		{"windows-1252 semicolons", windows1252(t, "Period;Indicator;Team;Value;Commentary\r\n"+
			"2025-09;referrals;north;\"£1,234\";\"Café’s caseload – up on August\"\r\n"+
			"2025-09;referrals;south;12;\"Two lines,\r\nthe second – naïve\"\r\n"), want},
		{"utf-16le bom, tabs", encUTF16(t, unicode.LittleEndian, unicode.UseBOM, tabs), wantTabs},
		{"utf-16be bom, tabs", encUTF16(t, unicode.BigEndian, unicode.UseBOM, tabs), wantTabs},
		{"utf-16le no bom, tabs", encUTF16(t, unicode.LittleEndian, unicode.IgnoreBOM, tabs), wantTabs},
		{"utf-8 tabs", tabs, wantTabs},
		{"windows-1252 tabs", windows1252(t, tabs), wantTabs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "enc.csv", tt.file, Options{})
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEncodingFixtures reads the fixtures saved as Excel would: see
// enc_windows1252.csv (Excel's "CSV (Comma delimited)" on a UK machine)
// and enc_utf16le.csv (its "Unicode Text": UTF-16LE with a byte-order
// mark, tab-separated, quoting fields with tabs or line breaks).
func TestEncodingFixtures(t *testing.T) {
	for file, want := range map[string][]string{
		"enc_windows1252.csv": {"Café’s caseload – up on August", "Two lines,\nthe second – naïve"},
		"enc_utf16le.csv":     {"Café’s caseload – up, £5", "Two lines\nthe second\tone"},
	} {
		got, err := ReadFile(context.Background(), "testdata/"+file, testCatalogue(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Problems) > 0 || len(got.Observations()) != 2 {
			t.Fatalf("%s: %d observations, problems %v", file, len(got.Observations()), got.Problems)
		}
		for i, o := range got.Observations() {
			if o.Commentary != want[i] {
				t.Errorf("%s: commentary %q, want %q", file, o.Commentary, want[i])
			}
		}
		if v := got.Observations()[0].Value.Float64; v != 1234 {
			t.Errorf("%s: value %v, want 1234", file, v)
		}
	}
}

// TestEncodingLocations pins line and column in each encoding: columns
// count bytes in UTF-8, as ever, and characters in the others, also after
// a field spanning lines.
func TestEncodingLocations(t *testing.T) {
	const text = "Period,Indicator,Commentary,Value\r\n" +
		"2025-09,referrals,£5 – café,ten\r\n" +
		"2025-10,referrals,\"£ line one\r\n– é two\",eleven\r\n"
	tests := []struct {
		name, file string
		want       []string
	}{
		{"utf-8", text, []string{
			`enc.csv:2:33: "ten" is not a number`,
			`enc.csv:4:13: "eleven" is not a number`,
		}},
		{"windows-1252", windows1252(t, text), []string{
			`enc.csv:2:29: "ten" is not a number`,
			`enc.csv:4:10: "eleven" is not a number`,
		}},
		{"utf-16le", encUTF16(t, unicode.LittleEndian, unicode.UseBOM, text), []string{
			`enc.csv:2:29: "ten" is not a number`,
			`enc.csv:4:10: "eleven" is not a number`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "enc.csv", tt.file, Options{})
			if diff := cmp.Diff(tt.want, encProblems(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func encProblems(ps vs.Problems) []string {
	var lines []string
	for _, p := range ps {
		s := p.String()
		// Keep the location and reason: hints are pinned elsewhere.
		if i := strings.Index(s, " ("); i >= 0 && !strings.Contains(s, "did you mean") {
			s = s[:i]
		}
		lines = append(lines, s)
	}
	return lines
}

// TestMixedEncodings: the encoding is decided from the first 64 KiB, and
// text after it in another encoding is reported at its line, once, never
// decoded wrongly in silence.
func TestMixedEncodings(t *testing.T) {
	const header = "Period,Indicator,Team,Value\n"
	// filler is more than sniffLen of plain ASCII notes.
	filler := strings.Repeat("A note under the table,,,\n", sniffLen/26+1)
	fillerLines := strings.Count(filler, "\n")
	line := func(n int) string { return "enc.csv:" + itoa(n) }
	tests := []struct {
		name, file string
		want       []string
	}{
		{
			// The whole head is not UTF-8 and holds no UTF-8 character:
			// Windows-1252, and £north is just an unknown team.
			name: "windows-1252 head",
			file: header + "2025-09,referrals,\xA3north,1\n",
			want: []string{`enc.csv:2:19: unknown team "£north" (did you mean "north"?)`},
		},
		{
			name: "windows-1252 after a utf-8 head",
			file: header + filler + "2025-10,referrals,\xA3north,1\n",
			want: []string{
				line(fillerLines+2) + ":19: the text here is not UTF-8, unlike the rest of the file",
				line(fillerLines+2) + `:19: unknown team "\xa3north" (did you mean "north"?)`,
			},
		},
		{
			name: "utf-8 and windows-1252 in the head",
			file: header + "2025-09,referrals,north,1\n2025-10,referrals,south,1,Caf\xC3\xA9\n2025-11,referrals,\xA3north,1\n",
			want: []string{
				"enc.csv:4:19: the text here is not UTF-8, unlike the rest of the file",
				`enc.csv:4:19: unknown team "\xa3north" (did you mean "north"?)`,
			},
		},
		{
			name: "utf-8 after a windows-1252 head",
			file: header + "2025-09,referrals,north,1,\xA3\n" + filler + "2025-10,referrals,north,1,Caf\xC3\xA9\n",
			want: []string{
				line(fillerLines+3) + ":27: the text here is UTF-8, unlike the rest of the file, read as Windows-1252",
			},
		},
		{
			name: "a byte windows-1252 lacks",
			file: header + "2025-09,referrals,north\x81,1\n",
			want: []string{
				"enc.csv:2:19: the text here is neither UTF-8 nor Windows-1252",
				"enc.csv:2:19: unknown team \"north\ufffd\" (did you mean \"north\"?)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "enc.csv", tt.file, Options{})
			if diff := cmp.Diff(tt.want, encProblems(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

func TestCharColumns(t *testing.T) {
	rec := []string{"a", "£é", "x\nyé", "z", "—"}
	lines := []int{1, 1, 1, 2, 2}
	// Byte columns of: a,£é,"x\nyé",z,— (the quoted field's column is its quote).
	cols := []int{1, 3, 9, 6, 8}
	charColumns(rec, lines, cols)
	if want := []int{1, 3, 7, 5, 7}; !cmp.Equal(cols, want) {
		t.Errorf("columns %v, want %v", cols, want)
	}
}

func TestSniffDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"":                               ',',
		"a,b,c\n":                        ',',
		"a;b;c\n1,5;2,5;3\n":             ';',
		"a\tb\tc\n1\t\"x, y, z\"\t3\n":   '\t',
		"a,b\tc\n":                       ',',
		"\"a\tb\tc\",d\n":                ',',
		"Title, with, commas\na\tb\tc\n": ',',
	} {
		if got := sniffDelimiter([]byte(in)); got != want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDecodedReaderStreams checks that decoding does not load the file:
// a reader that fails past the first MiB is read up to there.
func TestDecodedReaderStreams(t *testing.T) {
	big := bytes.Repeat([]byte("2025-09,referrals,\xA3north,1\n"), 1<<17) // 3.4 MiB
	ra := &limitedReaderAt{b: big, limit: 1 << 20}
	r := decodedReader(ra, int64(len(big)), EncodingWindows1252)
	buf := make([]byte, 64<<10)
	n, err := r.Read(buf)
	if err != nil || n == 0 {
		t.Fatalf("Read = %d, %v", n, err)
	}
	if !strings.HasPrefix(string(buf[:n]), "2025-09,referrals,£north,1\n") {
		t.Errorf("decoded %q", buf[:min(n, 40)])
	}
	if ra.maxOff > 1<<20 {
		t.Errorf("read up to offset %d for the first 64 KiB", ra.maxOff)
	}
}

type limitedReaderAt struct {
	b      []byte
	limit  int64
	maxOff int64
}

func (l *limitedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > l.limit {
		p = p[:max(0, l.limit-off)]
	}
	l.maxOff = max(l.maxOff, off+int64(len(p)))
	return bytes.NewReader(l.b).ReadAt(p, off)
}
