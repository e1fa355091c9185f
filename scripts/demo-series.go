//go:build ignore

// Demo-series prints every series of the demo data as the forecasting
// engine sees it, as JSON on standard output, for
// scripts/forecast-damped-reference.py (which runs it). For each indicator
// and team of the demo catalogue (config.Default with the demo teams) it
// builds the snapshot as serve does (assess.Builder, forecasts deferred),
// takes the item's values by period as assess hands them to
// forecast.Forecast (the SPC chart's values, NaN for a gap) and keeps their
// last contiguous run of finite values, which is what Forecast fits.
//
//	go run scripts/demo-series.go -seed 1 -now 2026-12-08
//
// It is deterministic: demo.Generate is a pure function of the catalogue,
// the date and the seed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
)

type series struct {
	Indicator string    `json:"indicator"`
	Team      string    `json:"team"`
	Frequency string    `json:"frequency"`
	Values    []float64 `json:"values"` // the last run of finite values
}

func main() {
	seed := flag.Uint64("seed", 1, "seed of the demo data generator (serve's -demo.seed)")
	day := flag.String("now", "2026-12-08", "the date the demo is generated as of (YYYY-MM-DD)")
	flag.Parse()
	now, err := time.Parse(time.DateOnly, *day)
	if err != nil {
		log.Fatalf("demo-series: -now: %v", err)
	}
	base, err := config.Default()
	if err != nil {
		log.Fatalf("demo-series: default catalogue: %v", err)
	}
	cat := demo.Catalogue(base)
	s := (&assess.Builder{Defer: true}).Build(cat, demo.Generate(cat, now, *seed), vs.IngestStats{}, now)
	var out []series
	for i := range s.Items {
		it := &s.Items[i]
		if !it.Has || len(it.Control.Periods) == 0 {
			continue
		}
		out = append(out, series{
			Indicator: it.Indicator.ID,
			Team:      it.Team.ID,
			Frequency: fmt.Sprint(it.Indicator.Frequency),
			Values:    lastRun(values(it)),
		})
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		log.Fatalf("demo-series: %v", err)
	}
}

// values are the item's values by period, NaN for a gap: assess's
// controlValues, which is not exported.
func values(it *assess.Item) []float64 {
	if pts := it.Control.Chart.Points; len(pts) == len(it.Control.Periods) {
		out := make([]float64, len(pts))
		for i, p := range pts {
			out[i] = p.Value
		}
		return out
	}
	byPeriod := map[vs.Period]assess.Point{}
	for _, p := range it.History {
		byPeriod[p.Period] = p
	}
	out := make([]float64, len(it.Control.Periods))
	for i, per := range it.Control.Periods {
		out[i] = math.NaN()
		if p, ok := byPeriod[per]; ok && p.HasValue() {
			out[i] = p.Value.Float64
		}
	}
	return out
}

// lastRun is the last contiguous run of finite values (forecast's lastRun).
func lastRun(v []float64) []float64 {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	end := len(v)
	for end > 0 && !finite(v[end-1]) {
		end--
	}
	start := end
	for start > 0 && finite(v[start-1]) {
		start--
	}
	return v[start:end]
}
