// Command gen writes the DfE data built into vitalsigns: for each of DfE's
// tidy files in -src, the latest year's rows of every measure the built-in
// catalogue maps, with only the columns those measures need; and both
// statistical-neighbour groupings in their own layouts. Run by go generate
// in package benchmark; its output is committed, and CI checks that
// running it again changes nothing.
//
// It imports benchmark and config (for the built-in mappings).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vitalsigns/vitalsigns/benchmark"
	"github.com/vitalsigns/vitalsigns/config"
)

func main() {
	src := flag.String("src", filepath.Join("..", "..", "shared", "data", "dfe"), "directory of DfE's files")
	out := flag.String("out", "data", "directory to write")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	cat, err := config.Default()
	if err != nil {
		return fmt.Errorf("built-in catalogue: %w", err)
	}
	paths, err := filepath.Glob(filepath.Join(src, "*.csv"))
	if err != nil || len(paths) == 0 {
		return fmt.Errorf("no DfE files in %s (%v)", src, err)
	}
	slices.Sort(paths)
	old, err := filepath.Glob(filepath.Join(out, "*.csv"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	for _, p := range paths {
		f, err := readPath(p)
		if err != nil {
			return err
		}
		name := filepath.Base(p)
		var w func(io.Writer) error
		switch {
		case f.Grouping != nil:
			w = func(wr io.Writer) error { return benchmark.WriteGrouping(wr, f.Grouping) }
		default:
			var ms []benchmark.Measure
			for _, ind := range cat.Indicators {
				if m := ind.DfE; m != nil {
					bm := benchmark.Measure{Column: m.Measure, Where: m.Where, Scale: m.Scale}
					if f.Table.Holds(bm) {
						ms = append(ms, bm)
					}
				}
			}
			if len(ms) == 0 {
				continue // b1: counts only
			}
			w = func(wr io.Writer) error { return benchmark.WriteLatest(wr, f.Table, ms) }
		}
		if err := write(filepath.Join(out, name), w); err != nil {
			return err
		}
	}
	return nil
}

func readPath(p string) (*benchmark.File, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return benchmark.Read(filepath.Base(p), fh)
}

func write(path string, w func(io.Writer) error) error {
	var b strings.Builder
	if err := w(&b); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
