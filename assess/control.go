package assess

import (
	"math"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

// Control is an item's statistical process control chart: one chart point
// per period from the first figure to the latest, a period with no usable
// figure (not reported, missing or suppressed) being a gap.
type Control struct {
	Chart   spc.Chart
	Periods []vs.Period // the period of each chart point
	// Err is set when the chart could not be drawn (say, a p-chart of
	// figures without denominators); Chart is then empty.
	Err error
}

// control draws the chart of a history by the indicator's SPC settings:
// an XmR chart (without moving-range screening for Excel parity), or a
// p-chart of numerators and denominators, with team's target in force at
// the latest period and the recorded process changes.
func control(ind *vs.Indicator, team string, history []Point, excelParity bool) Control {
	var c Control
	if len(history) == 0 {
		return c
	}
	last := history[len(history)-1].Period
	for p := history[0].Period; !last.Before(p); p = p.Next() {
		c.Periods = append(c.Periods, p)
	}
	// The history point of each chart period, or nil for a gap.
	byPeriod := make([]*Point, len(c.Periods))
	for i, j := 0, 0; i < len(c.Periods); i++ {
		for j < len(history) && history[j].Period.Before(c.Periods[i]) {
			j++
		}
		if j < len(history) && history[j].Period == c.Periods[i] {
			byPeriod[i] = &history[j]
		}
	}
	opt := spc.Options{Polarity: ind.Polarity, Baseline: ind.SPC.Baseline, MinDenominator: ind.MinDenominator,
		ExcelParity: excelParity}
	if ind.Polarity == "" {
		opt.Polarity = vs.Neutral
	}
	if t, ok := ind.ThresholdFor(team, last); ok && ind.Polarity != vs.Neutral {
		opt.Target = t.Target
	}
	for _, ch := range ind.SPC.Changes {
		i := 0
		for i < len(c.Periods) && c.Periods[i].Last.Before(ch.From) {
			i++
		}
		if i == 0 || i >= len(c.Periods) {
			continue // before the first figure, or after the latest: nothing to rebase
		}
		if k := len(opt.Changes); k > 0 && opt.Changes[k-1].Index == i {
			opt.Changes = opt.Changes[:k-1] // two changes in one period: the later stands
		}
		opt.Changes = append(opt.Changes, spc.Change{Index: i, Reason: ch.Reason, Date: ch.From.String()})
	}
	if ind.SPC.Chart == vs.ChartP {
		num, den := make([]float64, len(c.Periods)), make([]float64, len(c.Periods))
		for i := range c.Periods {
			num[i], den[i] = math.NaN(), math.NaN()
			if p := byPeriod[i]; p != nil && p.HasValue() && p.Numerator.Valid && p.Denominator.Valid {
				num[i], den[i] = p.Numerator.Float64, p.Denominator.Float64
			}
		}
		c.Chart, c.Err = spc.PChart(num, den, opt)
		return c
	}
	values := make([]float64, len(c.Periods))
	for i := range c.Periods {
		values[i] = math.NaN()
		if p := byPeriod[i]; p != nil && p.HasValue() {
			values[i] = p.Value.Float64
		}
	}
	c.Chart, c.Err = spc.XmR(values, opt)
	return c
}

// significance judges the latest change from the chart: a special cause at
// the latest point is significant; with too few points, a denominator
// under the minimum, or limits of no width (Chart.Flat), there is no
// verdict.
func significance(c Control, latest Point) Significance {
	if !latest.HasValue() || c.Err != nil || len(c.Chart.Points) == 0 {
		return NotJudged
	}
	last := c.Chart.Points[len(c.Chart.Points)-1]
	switch {
	case latest.Small || last.Small:
		return SmallDenominator
	case c.Chart.Flat:
		return NotJudged
	case c.Chart.TooFew || last.Type == spc.TypeNone:
		return TooFewPoints
	case last.Type.Special():
		return Significant
	}
	return NormalVariation
}
