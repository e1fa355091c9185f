package benchmark

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
)

//go:generate go run ./gen -src ../../shared/data/dfe -out data

// embedded is the DfE data built into the binary: the latest year of every
// mapped measure for England, every region and every authority, and both
// statistical-neighbour groupings, as written by ./gen.
//
//go:embed data/*.csv
var embedded embed.FS

// Embedded returns the DfE data built into the binary, read as files.
func Embedded() ([]*File, error) {
	names, err := fs.Glob(embedded, "data/*.csv")
	if err != nil {
		return nil, fmt.Errorf("embedded DfE data: %w", err)
	}
	slices.Sort(names)
	var files []*File
	for _, n := range names {
		fh, err := embedded.Open(n)
		if err != nil {
			return nil, fmt.Errorf("embedded DfE data: %w", err)
		}
		f, err := Read(path.Base(n), fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("embedded DfE data: %w", err)
		}
		files = append(files, f)
	}
	return files, nil
}
