package collector

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
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
	num, den := 40, 50
	if ind%2 == 1 {
		// Fractions that agree with their numerator and denominator, as
		// the collector checks.
		value, num, den = float64(n%1000)/1000, n%1000, 1000
	}
	return []any{period.String(), fmt.Sprintf("Indicator number %d", ind), fmt.Sprintf("team_%03d", team),
		value, num, den, "Commentary for this row"}
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
	defer f.Close() // removes the stream writer's temporary file
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

// peakHeap runs f while sampling the live heap every 2 ms and returns the
// highest figure seen, in bytes: the memory an ingest holds at once, which
// B/op (the total allocated) does not show.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak.Load()
}

// benchIngest reports the two halves of an ingest separately, then whole:
// parse+validate (Read), store (one transaction into a fresh SQLite file),
// and total (Ingest: hash, read, validate, store).
func benchIngest(b *testing.B, path string) {
	ctx := context.Background()
	cat := benchCatalogue()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	read := func() *Result {
		res, err := ReadFile(ctx, path, cat, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Problems) > 0 || res.Figures().Len() != benchRows {
			b.Fatalf("got %d observations and problems %v", res.Figures().Len(), res.Problems)
		}
		return res
	}
	rowsPerSec := func(b *testing.B) {
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("parse+validate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(st.Size())
		peak := peakHeap(func() { read() })
		for b.Loop() {
			read()
		}
		rowsPerSec(b)
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
	obs := read().Figures()
	dir := b.TempDir()
	n := 0
	fresh := func(b *testing.B) *store.Store {
		n++
		s, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("s%d.db", n)))
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			s := fresh(b)
			b.StartTimer()
			if _, err := s.Ingest(ctx, vs.Source{Name: "bench", SHA256: "x"}, obs); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
		rowsPerSec(b)
	})
	b.Run("total", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(st.Size())
		for b.Loop() {
			b.StopTimer()
			s := fresh(b)
			b.StartTimer()
			rep, err := Ingest(ctx, s, path, cat, IngestOptions{Via: vs.ViaCLI})
			if err != nil || rep.New != benchRows {
				b.Fatalf("ingest: %d new, %v", rep.New, err)
			}
			b.StopTimer()
			s.Close()
			b.StartTimer()
		}
		rowsPerSec(b)
	})
}

// BenchmarkIngestCSV ingests a generated 100,000-row long-layout csv file:
//
//	go test -run '^$' -bench IngestCSV -benchmem -count 6 ./collector
func BenchmarkIngestCSV(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.csv")
	writeBenchCSV(b, path)
	benchIngest(b, path)
}

// BenchmarkIngestXLSX ingests the same table as a generated xlsx workbook:
//
//	go test -run '^$' -bench IngestXLSX -benchmem -count 6 ./collector
func BenchmarkIngestXLSX(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	writeBenchXLSX(b, path)
	benchIngest(b, path)
}
