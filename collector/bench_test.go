package collector

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// Benchmark sizes: 10 indicators × 100 teams × 100 months = 100,000 rows,
// every one a distinct key.
const (
	benchIndicators = 10
	benchTeams      = 100
	benchPeriods    = 100
	benchRows       = benchIndicators * benchTeams * benchPeriods
)

// benchCatalogue has enough teams for distinct keys; half the indicators
// are percentages, so the percent column rule is exercised.
func benchCatalogue() *vs.Catalogue {
	cat := &vs.Catalogue{}
	for i := range benchIndicators {
		unit := vs.UnitCount
		if i%2 == 1 {
			unit = vs.UnitPercent
		}
		cat.Indicators = append(cat.Indicators, vs.Indicator{
			ID: fmt.Sprintf("indicator_%02d", i), Name: fmt.Sprintf("Indicator number %d", i),
			Unit: unit, Frequency: vs.Monthly,
		})
	}
	for i := range benchTeams {
		cat.Teams = append(cat.Teams, vs.Team{ID: fmt.Sprintf("team_%03d", i), Name: fmt.Sprintf("Team %d", i)})
	}
	return cat
}

// benchRow returns row n of the generated long-layout table.
func benchRow(n int) []any {
	ind, team, p := n%benchIndicators, n/benchIndicators%benchTeams, n/(benchIndicators*benchTeams)
	period := vs.Month(2017, time.Month(1+p))
	value := float64(n%997) + 0.5
	if ind%2 == 1 {
		value = float64(n%1000) / 1000 // fractions
	}
	return []any{period.String(), fmt.Sprintf("Indicator number %d", ind), fmt.Sprintf("team_%03d", team),
		value, 40, 50, "Commentary for this row"}
}

var benchHeader = []any{"Period", "Indicator", "Team", "Value", "Numerator", "Denominator", "Commentary"}

func writeBenchCSV(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	write := func(vals []any) {
		for i, v := range vals {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprint(w, v)
		}
		w.WriteString("\r\n")
	}
	write(benchHeader)
	for n := range benchRows {
		write(benchRow(n))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

func writeBenchXLSX(b *testing.B, path string) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", benchHeader); err != nil {
		b.Fatal(err)
	}
	for n := range benchRows {
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, benchRow(n)); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

func benchRead(b *testing.B, path string) {
	cat := benchCatalogue()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(st.Size())
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		res, err := ReadFile(context.Background(), path, cat, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Problems) > 0 || len(res.Observations) != benchRows {
			b.Fatalf("got %d observations and problems %v", len(res.Observations), res.Problems)
		}
	}
	b.ReportMetric(float64(benchRows*b.N)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkReadCSV reads a generated 100,000-row long-layout csv file:
//
//	go test -run '^$' -bench ReadCSV -benchmem ./collector
func BenchmarkReadCSV(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.csv")
	writeBenchCSV(b, path)
	benchRead(b, path)
}

// BenchmarkReadXLSX reads the same table as a generated xlsx workbook:
//
//	go test -run '^$' -bench ReadXLSX -benchmem ./collector
func BenchmarkReadXLSX(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	writeBenchXLSX(b, path)
	benchRead(b, path)
}
