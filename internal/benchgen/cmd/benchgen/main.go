// Command benchgen writes a generated long-layout csv, xlsx and config for
// the ingest comparison: benchgen ROWS DIR.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vitalsigns/vitalsigns/internal/benchgen"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchgen ROWS DIR")
		os.Exit(2)
	}
	rows, err := strconv.Atoi(os.Args[1])
	if err != nil || rows < 1 {
		fmt.Fprintln(os.Stderr, "benchgen: ROWS must be a positive number")
		os.Exit(2)
	}
	dir := os.Args[2]
	s := benchgen.ShapeFor(rows)
	for _, step := range []struct {
		name  string
		write func(string) error
	}{{"config.yaml", s.WriteConfig}, {"bench.csv", s.WriteCSV}, {"bench.xlsx", s.WriteXLSX}} {
		if err := step.write(filepath.Join(dir, step.name)); err != nil {
			fmt.Fprintf(os.Stderr, "benchgen: %s: %v\n", step.name, err)
			os.Exit(1)
		}
	}
	fmt.Printf("%d rows (%d teams × %d months × %d indicators) in %s\n", s.Rows(), s.Teams, s.Months, benchgen.Indicators, dir)
}
