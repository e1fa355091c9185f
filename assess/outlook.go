package assess

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess/forecast"
)

// Outlook is where an item's series is heading: a forecast of the next
// periods with its intervals, and when it is projected to breach its
// amber and red boundaries, against the next committee.
type Outlook struct {
	// Forecast runs twice the shown horizon ahead, so that a breach soon
	// after it can be projected; Shown is how many of its points are
	// shown as the forecast (Horizon).
	Forecast forecast.Result
	Shown    int
	Periods  []vs.Period // the period of each forecast point
	// Projection is the outlook against the boundaries in force at the
	// latest period (a threshold that changes later is not foreseen).
	// Absent for a neutral indicator or one without boundaries.
	Projection *forecast.Projection
	// Amber and Red are the first forecast periods whose point forecast
	// is worse than each boundary (zero Period when none), with the
	// probability of being worse then.
	Amber, Red         Breach
	NextCommittee      *CommitteeDate
	RedBeforeCommittee bool // Red falls in a period whose last day is before the next committee meets
}

// Breach is a projected breach of one boundary.
type Breach struct {
	Period vs.Period
	Prob   float64
}

// CommitteeDate is a committee meeting.
type CommitteeDate struct {
	Committee string // its name
	Date      vs.Date
}

// Horizon is how many periods ahead an indicator of frequency f is
// forecast: three months, six fortnights or weeks, two quarters, a year.
// Breaches are projected twice as far (forecastOptions).
func Horizon(f vs.Frequency) int {
	switch f {
	case vs.Biweekly, vs.Weekly:
		return 6
	case vs.Quarterly:
		return 2
	case vs.Annual:
		return 1
	}
	return 3
}

// season is the number of periods in a year, for seasonal models; weekly
// series are not given a seasonal model (52 seasonal states make a fit
// slow and need years of weekly data).
func season(f vs.Frequency) int {
	switch f {
	case vs.Monthly:
		return 12
	case vs.Biweekly:
		return 26
	case vs.Quarterly:
		return 4
	}
	return 0
}

// Builder builds snapshots and remembers each series' forecast between
// builds, so that a snapshot rebuilt after an ingest forecasts only the
// series whose figures changed. The zero value is ready to use.
//
// Choosing and fitting a forecast model takes tens of milliseconds a
// series (BENCHMARKS.md), seconds for a whole authority. With Defer set,
// Build leaves the series it has no forecast for to Forecast, counting them
// in Snapshot.PendingForecasts, so that a snapshot (and the first scrape)
// never waits for them; Watcher runs Forecast in the background and
// republishes.
type Builder struct {
	Defer bool
	// Only, when set, limits forecasting to the items it returns true for
	// (a report for one team need not forecast every team's series).
	Only func(*Item) bool

	mu    sync.Mutex
	cache map[[2]string]cachedForecast
}

type cachedForecast struct {
	sum uint64
	res forecast.Result
}

// forecastJob is one series to forecast.
type forecastJob struct {
	key    [2]string
	values []float64
	opt    forecast.Options
	sum    uint64
}

// seriesSum fingerprints what a forecast depends on.
func seriesSum(values []float64, opt forecast.Options) uint64 {
	f := fnv.New64a()
	var b [8]byte
	for _, v := range append(slices.Clone(values), float64(opt.Horizon), float64(opt.Season), float64(opt.Steps)) {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		f.Write(b[:])
	}
	return f.Sum64()
}

// jobFor says what forecasting item needs.
func jobFor(it *Item) (forecastJob, bool) {
	if !it.Has || len(it.Control.Periods) == 0 {
		return forecastJob{}, false
	}
	values := controlValues(it)
	opt := forecastOptions(it.Indicator.Frequency)
	return forecastJob{key: [2]string{it.Indicator.ID, it.Team.ID}, values: values, opt: opt, sum: seriesSum(values, opt)}, true
}

// forecasts returns the forecast of every item with figures that the cache
// has (or, unless the builder defers, computes), and the jobs left undone.
// The cache keeps only the series of this build.
func (b *Builder) forecasts(items []Item) ([]forecast.Result, []forecastJob) {
	b.mu.Lock()
	out := make([]forecast.Result, len(items))
	var (
		jobs []forecastJob
		idx  []int
	)
	fresh := map[[2]string]cachedForecast{}
	for i := range items {
		if b.Only != nil && !b.Only(&items[i]) {
			continue
		}
		j, ok := jobFor(&items[i])
		if !ok {
			continue
		}
		if c, ok := b.cache[j.key]; ok && c.sum == j.sum {
			out[i] = c.res
			fresh[j.key] = c
			continue
		}
		jobs, idx = append(jobs, j), append(idx, i)
	}
	b.cache = fresh
	b.mu.Unlock()
	if b.Defer || len(jobs) == 0 {
		return out, jobs
	}
	res := b.run(context.Background(), jobs)
	for k, i := range idx {
		out[i] = res[k]
	}
	return out, nil
}

// run forecasts jobs on every processor, caching each result, until done
// or ctx is cancelled.
func (b *Builder) run(ctx context.Context, jobs []forecastJob) []forecast.Result {
	out := make([]forecast.Result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(jobs), 1)) {
		wg.Go(func() {
			for k := range next {
				j := jobs[k]
				out[k] = forecast.Forecast(j.values, j.opt)
				b.mu.Lock()
				if b.cache == nil {
					b.cache = map[[2]string]cachedForecast{}
				}
				b.cache[j.key] = cachedForecast{j.sum, out[k]}
				b.mu.Unlock()
			}
		})
	}
feed:
	for k := range jobs {
		select {
		case next <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return out
}

// Forecast computes the forecasts s is waiting for (its pending series),
// so that the next Build finds them. It returns early, with ctx's error,
// when ctx is cancelled.
func (b *Builder) Forecast(ctx context.Context, s *Snapshot) error {
	b.run(ctx, s.pending)
	return ctx.Err()
}

// forecastOptions forecasts twice the horizon ahead (for breaches), and
// chooses the model by its forecasts over the horizon itself.
func forecastOptions(f vs.Frequency) forecast.Options {
	return forecast.Options{Season: season(f), Horizon: 2 * Horizon(f), Steps: Horizon(f)}
}

// controlValues are the item's values by period, NaN for a gap, as the
// SPC chart has them.
func controlValues(it *Item) []float64 {
	if pts := it.Control.Chart.Points; len(pts) == len(it.Control.Periods) {
		out := make([]float64, len(pts))
		for i, p := range pts {
			out[i] = p.Value
		}
		return out
	}
	byPeriod := map[vs.Period]Point{}
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

// outlook completes an item's forecast with its periods, breaches and the
// next committee.
func outlook(it *Item, res forecast.Result, committees []vs.Committee, now time.Time) *Outlook {
	o := &Outlook{Forecast: res, Shown: min(Horizon(it.Indicator.Frequency), len(res.Points))}
	p := it.Control.Periods[len(it.Control.Periods)-1]
	for range res.Points {
		p = p.Next()
		o.Periods = append(o.Periods, p)
	}
	o.NextCommittee = nextCommittee(committees, now)
	ind := it.Indicator
	th, ok := ind.ThresholdFor(it.Team.ID, it.Latest.Period)
	if !ok || ind.Polarity == vs.Neutral || (th.Amber == nil && th.Red == nil) {
		return o
	}
	proj, err := forecast.Breach(res, ind.Polarity, th.Amber, th.Red)
	if err != nil {
		return o
	}
	o.Projection = &proj
	at := func(bp *forecast.BoundProjection) Breach {
		if bp == nil || bp.FirstH == 0 || bp.FirstH > len(o.Periods) {
			return Breach{}
		}
		return Breach{Period: o.Periods[bp.FirstH-1], Prob: bp.FirstProb}
	}
	o.Amber, o.Red = at(proj.Amber), at(proj.Red)
	if o.NextCommittee != nil && !o.Red.Period.IsZero() {
		o.RedBeforeCommittee = o.Red.Period.Last.Before(o.NextCommittee.Date)
	}
	return o
}

// nextCommittee is the first committee meeting on or after the day of now
// (in London).
func nextCommittee(committees []vs.Committee, now time.Time) *CommitteeDate {
	today := vs.DateOf(now.In(vs.London()))
	var best *CommitteeDate
	for _, c := range committees {
		for _, d := range c.Dates {
			if d.Before(today) {
				continue
			}
			if best == nil || d.Before(best.Date) {
				name := c.Name
				if name == "" {
					name = c.ID
				}
				best = &CommitteeDate{Committee: name, Date: d}
			}
		}
	}
	return best
}

// ForecastRecords are the forecasts of the snapshot as they are shown
// (the first Shown points of each outlook), to be kept and scored when the
// actual figures arrive. Points without a finite value or interval (a
// naive forecast from a single figure) are left out.
func (s *Snapshot) ForecastRecords() []vs.ForecastRecord {
	var out []vs.ForecastRecord
	for i := range s.Items {
		it := &s.Items[i]
		o := it.Outlook
		if o == nil || len(it.Control.Periods) == 0 {
			continue
		}
		origin := it.Control.Periods[len(it.Control.Periods)-1]
		for k, p := range o.Forecast.Points[:o.Shown] {
			finite := true
			for _, v := range []float64{p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95} {
				finite = finite && !math.IsNaN(v) && !math.IsInf(v, 0)
			}
			if !finite {
				continue
			}
			out = append(out, vs.ForecastRecord{Indicator: it.Indicator.ID, Team: it.Team.ID, Origin: origin,
				Target: o.Periods[k], Horizon: p.H, Kind: vs.ForecastMade, MadeAt: s.Built, Model: string(o.Forecast.Model),
				Value: p.Value, Lo80: p.Lo80, Hi80: p.Hi80, Lo95: p.Lo95, Hi95: p.Hi95})
		}
	}
	return out
}
