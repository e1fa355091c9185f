package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

// observations returns n distinct figures: 10 indicators × n/1000 teams ×
// 100 months.
func observations(n int) []vs.Observation {
	out := make([]vs.Observation, 0, n)
	for i := 0; len(out) < n; i++ {
		ind, team, month := i%10, (i/10)%(n/1000), i/(10*(n/1000))
		o := obs(fmt.Sprintf("indicator_%d", ind), fmt.Sprintf("team_%03d", team), time.January, float64(i%97)/100)
		o.Period = vs.Month(2016, time.January+time.Month(month))
		o.Numerator, o.Denominator = num(float64(i%97)), num(100)
		out = append(out, o)
	}
	return out
}

// BenchmarkIngestStore measures storing 100,000 new figures from one file
// in one transaction (the store half of an ingest; the parse half is
// collector's BenchmarkReadCSV/XLSX):
//
//	go test -run '^$' -bench IngestStore -benchmem -count 6 ./store
func BenchmarkIngestStore(b *testing.B) {
	ctx := context.Background()
	obs := observations(100_000)
	dir := b.TempDir()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		i++
		s, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("b%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.Ingest(ctx, vs.Source{Name: "bench.csv", SHA256: "x"}, vs.ObservationSlice(obs))
		if err != nil || res.New != len(obs) {
			b.Fatalf("ingest: %+v, %v", res.New, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(obs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRevise measures re-ingesting 100,000 figures of which every tenth
// changed: the lookups of the figures in force dominate.
//
//	go test -run '^$' -bench Revise -benchmem -count 6 ./store
func BenchmarkRevise(b *testing.B) {
	ctx := context.Background()
	obs := observations(100_000)
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "r.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Ingest(ctx, vs.Source{Name: "a", SHA256: "a"}, vs.ObservationSlice(obs)); err != nil {
		b.Fatal(err)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		for j := range obs {
			if j%10 == 0 {
				obs[j].Value.Float64 += 0.001
			}
		}
		res, err := s.Ingest(ctx, vs.Source{Name: "b", SHA256: fmt.Sprint("rev", i)}, vs.ObservationSlice(obs))
		if err != nil || res.Revised != len(obs)/10 {
			b.Fatalf("revise: %+v, %v", res.Revised, err)
		}
	}
	b.ReportMetric(float64(len(obs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
