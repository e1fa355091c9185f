package reports

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/forecast"
)

//go:embed templates/biweekly.html
var biweeklyHTML string

// Biweekly is the content of the bi-weekly forecasting report: where each
// indicator is heading, which will breach before the next committee, and
// how good past forecasts were.
type Biweekly struct {
	Authority     string
	Team          vs.Team
	AsAt          time.Time
	NextCommittee *assess.CommitteeDate
	Rows          []ForecastRow // those most likely to turn red first, then those red already
}

// ForecastRow is one indicator's outlook.
type ForecastRow struct {
	assess.Item
	// RedChance is the highest probability, over the forecast, of the
	// value being worse than red (0 without a red boundary or forecast);
	// AmberChance likewise for amber. Rows are sorted by them.
	RedChance, AmberChance float64
	// Made and Backtest score the forecasts kept for the series.
	Made, Backtest assess.Accuracy
}

// BuildBiweekly assembles the forecasting report for team from the
// snapshot and the forecast records kept for it.
func BuildBiweekly(s *assess.Snapshot, team string, recs []vs.ForecastRecord) *Biweekly {
	t, _ := s.Catalogue.Team(team)
	b := &Biweekly{Authority: s.Catalogue.Authority.Name, Team: t, AsAt: s.Built}
	for _, it := range s.ForTeam(team) {
		if !it.Has {
			continue
		}
		r := ForecastRow{Item: it, Made: assess.ScoreForecasts(it, recs, vs.ForecastMade),
			Backtest: assess.ScoreForecasts(it, recs, vs.ForecastBacktest)}
		if o := it.Outlook; o != nil {
			if b.NextCommittee == nil {
				b.NextCommittee = o.NextCommittee
			}
			if p := o.Projection; p != nil {
				r.RedChance, r.AmberChance = maxProb(p.Red), maxProb(p.Amber)
			}
		}
		b.Rows = append(b.Rows, r)
	}
	// Those heading for red first (by their chance of it), then those red
	// already, then the rest by their chance of amber.
	group := func(r ForecastRow) int {
		switch {
		case r.Verdict == assess.Red:
			return 1
		case r.RedChance > 0:
			return 0
		}
		return 2
	}
	slices.SortStableFunc(b.Rows, func(x, y ForecastRow) int {
		switch {
		case group(x) != group(y):
			return group(x) - group(y)
		case x.RedChance != y.RedChance:
			return cmp.Compare(y.RedChance, x.RedChance)
		case x.AmberChance != y.AmberChance:
			return cmp.Compare(y.AmberChance, x.AmberChance)
		}
		return 0
	})
	return b
}

// maxProb is the highest probability of a breach over the forecast.
func maxProb(bp *forecast.BoundProjection) float64 {
	best := 0.0
	if bp == nil {
		return best
	}
	for _, p := range bp.Prob {
		if !math.IsNaN(p) && p > best {
			best = p
		}
	}
	return best
}

// accuracyOptions charts the one-period-ahead backtest forecasts against
// what came to pass, with the 80% interval.
func accuracyOptions(it assess.Item, acc assess.Accuracy) (map[string]any, bool, error) {
	k := chartScale(it.Indicator)
	var x []string
	var fc, actual, lo, hi []opts.LineData
	for _, r := range acc.Records {
		if r.Horizon != 1 || math.IsNaN(r.Actual) {
			continue
		}
		x = append(x, shortPeriod(r.Target))
		fc = append(fc, opts.LineData{Value: round(r.Value * k)})
		actual = append(actual, opts.LineData{Value: round(r.Actual * k)})
		lo, hi = append(lo, opts.LineData{Value: round(r.Lo80 * k)}), append(hi, opts.LineData{Value: round(r.Hi80 * k)})
	}
	if len(x) < 2 {
		return nil, false, nil
	}
	c := charts.NewLine()
	c.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "16", Bottom: "56"}),
		charts.WithYAxisOpts(opts.YAxis{Name: unitName(it.Indicator), Scale: opts.Bool(true)}),
	)
	c.SetXAxis(x)
	c.AddSeries("Actual", actual, charts.WithLineStyleOpts(opts.LineStyle{Color: colourValue, Width: 2}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourValue}))
	c.AddSeries("Forecast a period ahead", fc, charts.WithLineStyleOpts(opts.LineStyle{Color: colourForecast, Type: "dashed", Width: 1}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourForecast}))
	for name, d := range map[string][]opts.LineData{"80% interval (upper)": hi, "80% interval (lower)": lo} {
		c.AddSeries(name, d, charts.WithLineStyleOpts(opts.LineStyle{Color: colourForecast, Type: "dotted", Width: 1}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	c.Validate()
	out, err := plain(c.JSON())
	return out, true, err
}

type htmlAccuracy struct {
	N                                       int
	MAE, MAPE, MASE, Coverage80, Coverage95 string
	Notes                                   []string
}

func accuracyText(ind *vs.Indicator, a assess.Accuracy) htmlAccuracy {
	h := htmlAccuracy{N: a.All.N, Notes: a.All.Notes}
	num := func(v float64, f func(float64) string) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "–"
		}
		return f(v)
	}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }
	h.MAE = num(a.All.MAE, func(v float64) string {
		if ind.Unit == vs.UnitPercent {
			return trimPoints(v * 100)
		}
		return ind.Format(v)
	})
	h.MAPE = num(a.All.MAPE, func(v float64) string { return fmt.Sprintf("%.1f%%", v) })
	h.MASE = num(a.All.MASE, func(v float64) string { return fmt.Sprintf("%.2f", v) })
	h.Coverage80, h.Coverage95 = num(a.All.Coverage80, pct), num(a.All.Coverage95, pct)
	return h
}

// trimPoints writes percentage points: "1.2 points".
func trimPoints(v float64) string {
	return fmt.Sprintf("%s points", trimZeroF(math.Round(v*10)/10))
}

func trimZeroF(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

// htmlForecast is an indicator's section of the page.
type htmlForecast struct {
	htmlRow
	Narrative          string
	Model, Reason      string
	Points             []htmlForecastPoint
	Red, Amber         string // "January 2027 (probability 62%)", or ""
	RedBeforeCommittee bool
	RedChance          string
	Made, Backtest     htmlAccuracy
	HasAccuracyChart   bool
	// AccuracyPoints are the accuracy chart's figures, as a table.
	AccuracyPoints []htmlAccuracyPoint
}

type htmlAccuracyPoint struct{ Period, Forecast, Interval, Actual string }

type htmlForecastPoint struct{ Period, Value, Lo80, Hi80, Lo95, Hi95 string }

// WriteBiweeklyHTML renders the forecasting report as one self-contained
// HTML page, as WriteHTML does the monthly one.
func WriteBiweeklyHTML(w io.Writer, b *Biweekly) error {
	chartsByID := map[string]any{}
	var sections []htmlForecast
	for _, r := range b.Rows {
		ind := r.Indicator
		h := htmlForecast{htmlRow: toRow(Row{Item: r.Item}), Narrative: Narrative(r.Item),
			Made: accuracyText(ind, r.Made), Backtest: accuracyText(ind, r.Backtest)}
		if o := r.Outlook; o != nil {
			h.Model, h.Reason = string(o.Forecast.Model), o.Forecast.Reason
			for i, p := range o.Forecast.Points[:o.Shown] {
				// A forecast and its intervals are read against each other.
				n := placesApart(ind, allPairs(p.Value, p.Lo80, p.Hi80, p.Lo95, p.Hi95)...)
				h.Points = append(h.Points, htmlForecastPoint{periodName(o.Periods[i]), ind.FormatPlaces(p.Value, n),
					ind.FormatPlaces(p.Lo80, n), ind.FormatPlaces(p.Hi80, n), ind.FormatPlaces(p.Lo95, n), ind.FormatPlaces(p.Hi95, n)})
			}
			breach := func(br assess.Breach) string {
				if br.Period.IsZero() {
					return ""
				}
				return fmt.Sprintf("%s (probability %.0f%%)", periodName(br.Period), br.Prob*100)
			}
			h.Red, h.Amber, h.RedBeforeCommittee = breach(o.Red), breach(o.Amber), o.RedBeforeCommittee
		}
		if r.RedChance > 0 {
			h.RedChance = fmt.Sprintf("%.0f%%", r.RedChance*100)
		}
		if h.HasChart {
			opts, err := trendOptions(r.Item)
			if err != nil {
				return fmt.Errorf("render forecasting report: %w", err)
			}
			chartsByID["chart-"+h.Anchor] = opts
		}
		acc, ok, err := accuracyOptions(r.Item, r.Backtest)
		if err != nil {
			return fmt.Errorf("render forecasting report: %w", err)
		}
		if ok {
			chartsByID["accuracy-"+h.Anchor] = acc
			h.HasAccuracyChart = true
			for _, rec := range r.Backtest.Records {
				if rec.Horizon == 1 && !math.IsNaN(rec.Actual) {
					// The forecast, its interval and what came to pass.
					n := placesApart(ind, allPairs(rec.Value, rec.Lo80, rec.Hi80, rec.Actual)...)
					h.AccuracyPoints = append(h.AccuracyPoints, htmlAccuracyPoint{periodName(rec.Target), ind.FormatPlaces(rec.Value, n),
						ind.FormatPlaces(rec.Lo80, n) + " to " + ind.FormatPlaces(rec.Hi80, n), ind.FormatPlaces(rec.Actual, n)})
				}
			}
		}
		sections = append(sections, h)
	}
	t, err := template.New("biweekly").Parse(biweeklyHTML + chartsHTML)
	if err != nil {
		return fmt.Errorf("render forecasting report: %w", err)
	}
	committee := ""
	if c := b.NextCommittee; c != nil {
		committee = fmt.Sprintf("%s on %s", c.Committee, c.Date.Time().Format("2 January 2006"))
	}
	data := map[string]any{
		"B":         b,
		"AsAt":      b.AsAt.In(vs.London()).Format("2 January 2006"),
		"Committee": committee,
		"Sections":  sections,
		"Charts":    chartsByID,
		"Style":     template.CSS(styleCSS), //nolint:gosec // embedded at build time
		"ECharts":   template.JS(echartsJS), //nolint:gosec // embedded at build time from assets/
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render forecasting report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write forecasting report: %w", err)
	}
	return nil
}
