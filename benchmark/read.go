package benchmark

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Kind says what a file holds.
type Kind string

// The kinds of file read.
const (
	KindTidy     Kind = "tidy"     // DfE's tidy statistics
	KindGrouping Kind = "grouping" // statistical-neighbour groupings
)

// TidyColumns are the columns every tidy file has; a file lacking any of
// them is neither a tidy file nor a grouping file.
var tidyColumns = []string{"time_period", "time_identifier", "geographic_level", "region_code", "old_la_code", "la_name"}

// TidyColumns returns the columns that make a file a DfE tidy file.
func TidyColumns() []string { return slices.Clone(tidyColumns) }

// ErrNotDfE is returned (wrapped in a *FormatError) for a file that is
// neither a tidy file nor a grouping file.
var ErrNotDfE = errors.New("not a DfE tidy file or statistical-neighbour grouping")

// FormatError says which columns a file lacks.
type FormatError struct {
	Name    string
	Missing []string // the tidy columns not found
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: %v: no column %s", e.Name, ErrNotDfE, strings.Join(e.Missing, ", "))
}

func (e *FormatError) Unwrap() error { return ErrNotDfE }

// File is one DfE file as read: a tidy table or a grouping.
type File struct {
	Name     string // as given, for messages
	SHA256   string // of the bytes read, hex
	Size     int64
	Kind     Kind
	Table    *Table    // for KindTidy
	Grouping *Grouping // for KindGrouping
}

// maxFileBytes bounds what Read takes in: DfE's largest file is about 3 MB.
const maxFileBytes = 256 << 20

// Read reads one file and recognises it by its header.
func Read(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("read %s: larger than %d bytes", name, maxFileBytes)
	}
	sum := sha256.Sum256(data)
	f := &File{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	records, err := readCSV(data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(records) == 0 {
		return nil, &FormatError{Name: name, Missing: TidyColumns()}
	}
	header := headerIndex(records[0])
	if g, ok, err := readGrouping(header, records[1:]); ok {
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		f.Kind, f.Grouping = KindGrouping, g
		return f, nil
	}
	var missing []string
	for _, c := range tidyColumns {
		if _, ok := header[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &FormatError{Name: name, Missing: missing}
	}
	t, err := newTable(header, records[1:])
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	f.Kind, f.Table = KindTidy, t
	return f, nil
}

// readCSV reads every record, dropping a byte-order mark; quoting and CRLF
// are the csv package's. Rows may have any number of fields.
func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.FieldsPerRecord = -1
	var records [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			return nil, err
		}
		records = append(records, rec)
	}
}

// headerIndex maps each header name (trimmed) to its column, leaving out
// blank names and names that appear more than once.
func headerIndex(header []string) map[string]int {
	idx := make(map[string]int, len(header))
	dup := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, ok := idx[h]; ok {
			dup[h] = true
			continue
		}
		idx[h] = i
	}
	for h := range dup {
		delete(idx, h)
	}
	return idx
}

// field returns the trimmed field at column i of rec, or "" past its end.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}
