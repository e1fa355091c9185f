package reports

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

// Colours of the charts: the RAG bands are pale so the lines read over
// them; lines differ by dash as well as colour, for print.
const (
	colourValue    = "#1f3a93"
	colourLastYear = "#8c8c8c"
	colourSPC      = "#555555"
	colourTarget   = "#2e7d32"
	colourRed      = "#c62828"
	colourEngland  = "#6a1b9a"
	colourForecast = "#1f3a93"
)

// chartScale is what a value is multiplied by on a chart: percentages are
// drawn as 87.5, not 0.875 (the axis says %).
func chartScale(ind *vs.Indicator) float64 {
	if ind.Unit == vs.UnitPercent {
		return 100
	}
	return 1
}

// trendOptions builds the ECharts options of an item's trend chart with
// go-echarts: the series with its SPC mean and process limits, the same
// period last year, target, red boundary and England lines, RAG bands, the
// forecast with its 80% interval, and special-cause points marked. The
// options are returned as data for html/template, which writes them into
// the page as JSON (escaped for a script): go-echarts' own page renderer,
// which writes options without escaping and turns text between __f__
// markers into live JavaScript, is never used, so spreadsheet text in a
// name or label stays text.
func trendOptions(it assess.Item) (map[string]any, error) {
	ind := it.Indicator
	k := chartScale(ind)
	c := it.Control
	periods := append([]vs.Period(nil), c.Periods...)
	var fc []float64
	var lo80, hi80 []float64
	if o := it.Outlook; o != nil {
		for i := range o.Shown {
			periods = append(periods, o.Periods[i])
			p := o.Forecast.Points[i]
			fc, lo80, hi80 = append(fc, p.Value), append(lo80, p.Lo80), append(hi80, p.Hi80)
		}
	}
	x := make([]string, len(periods))
	for i, p := range periods {
		x[i] = shortPeriod(p)
	}
	n := len(c.Periods)
	value := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return round(v * k)
	}
	line := func(get func(i int) float64, upto int) []opts.LineData {
		out := make([]opts.LineData, len(periods))
		for i := range out {
			if i < upto {
				out[i] = opts.LineData{Value: value(get(i))}
			}
		}
		return out
	}
	pts := c.Chart.Points
	hasSPC := c.Err == nil && len(pts) == n && !c.Chart.TooFew

	chart := charts.NewLine()
	chart.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithInitializationOpts(opts.Initialization{Renderer: "svg"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "16", Bottom: "64"}),
		charts.WithYAxisOpts(opts.YAxis{Name: unitName(ind), Scale: opts.Bool(true)}),
	)
	chart.SetXAxis(x)

	valueSeries := []charts.SeriesOpts{
		charts.WithLineStyleOpts(opts.LineStyle{Color: colourValue, Width: 2}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourValue}),
	}
	if hasSPC {
		var marks []opts.MarkPointNameCoordItem
		for i, p := range pts {
			if p.Missing || !p.Type.Special() || p.Type == spc.TypeNeutral {
				continue
			}
			colour, label := colourTarget, "better"
			if p.Type == spc.TypeConcern {
				colour, label = colourRed, "concern"
			}
			marks = append(marks, opts.MarkPointNameCoordItem{Name: label, Coordinate: []any{x[i], value(p.Value)},
				Symbol: "circle", SymbolSize: 14, ItemStyle: &opts.ItemStyle{Color: colour}, Label: &opts.Label{Show: opts.Bool(false)}})
		}
		if len(marks) > 0 {
			valueSeries = append(valueSeries, charts.WithMarkPointNameCoordItemOpts(marks...))
		}
	}
	chart.AddSeries("Value", line(func(i int) float64 { return chartValue(c, it, i) }, n), valueSeries...)

	// The same period a year before, shifted to line up.
	year := yearSteps(ind.Frequency)
	if year > 0 && n > year {
		chart.AddSeries("Same period last year", line(func(i int) float64 {
			if i < year {
				return math.NaN()
			}
			return chartValue(c, it, i-year)
		}, n), charts.WithLineStyleOpts(opts.LineStyle{Color: colourLastYear, Type: "dotted", Width: 1}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colourLastYear}))
	}
	if hasSPC {
		dash := func(colour string) charts.SeriesOpts {
			return charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Type: "dashed", Width: 1})
		}
		noSymbol := charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})
		chart.AddSeries("Mean", line(func(i int) float64 { return pts[i].Mean }, n), dash(colourSPC), noSymbol)
		chart.AddSeries("Upper process limit", line(func(i int) float64 { return pts[i].Upper }, n), dash(colourSPC), noSymbol)
		chart.AddSeries("Lower process limit", line(func(i int) float64 { return pts[i].Lower }, n), dash(colourSPC), noSymbol)
	}
	constant := func(name, colour, style string, v *float64) {
		if v == nil {
			return
		}
		chart.AddSeries(name, line(func(int) float64 { return *v }, len(periods)),
			charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Type: style, Width: 1}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	constant("Target", colourTarget, "solid", it.Threshold.Target)
	constant("Red boundary", colourRed, "dashed", it.Threshold.Red)
	for _, b := range ind.Benchmarks {
		if b.Source == vs.BenchmarkEngland {
			v := b.Value
			constant("England", colourEngland, "dotted", &v)
		}
	}
	if len(fc) > 0 {
		// The forecast joins the latest value, so the line continues.
		join := func(get func(j int) float64) []opts.LineData {
			out := make([]opts.LineData, len(periods))
			out[n-1] = opts.LineData{Value: value(chartValue(c, it, n-1))}
			for j := range fc {
				out[n+j] = opts.LineData{Value: value(get(j))}
			}
			return out
		}
		style := func(t string) charts.SeriesOpts {
			return charts.WithLineStyleOpts(opts.LineStyle{Color: colourForecast, Type: t, Width: 1})
		}
		chart.AddSeries("Forecast", join(func(j int) float64 { return fc[j] }), style("dashed"),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colourForecast}))
		chart.AddSeries("80% interval (upper)", join(func(j int) float64 { return hi80[j] }), style("dotted"),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
		chart.AddSeries("80% interval (lower)", join(func(j int) float64 { return lo80[j] }), style("dotted"),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	}
	chart.Validate()
	// Through JSON and back, to a plain map: html/template then writes it
	// as data, and the RAG bands are added as ECharts expects them
	// (go-echarts v2.6.7 writes a mark area's y coordinate as "YAxis").
	out, err := plain(chart.JSON())
	if err != nil {
		return nil, fmt.Errorf("chart of %s: %w", ind.ID, err)
	}
	if bands := ragBands(it, k); len(bands) > 0 {
		if series, ok := out["series"].([]any); ok && len(series) > 0 {
			if first, ok := series[0].(map[string]any); ok {
				first["markArea"] = map[string]any{"silent": true, "itemStyle": map[string]any{"opacity": 0.12}, "data": bands}
			}
		}
	}
	return out, nil
}

// chartValue is the value drawn for chart point i: the figure, or NaN for
// a gap (not reported, missing or suppressed: never drawn as zero).
func chartValue(c assess.Control, it assess.Item, i int) float64 {
	if i < len(c.Chart.Points) {
		return c.Chart.Points[i].Value
	}
	return math.NaN()
}

// ragBands shades the red and amber ranges of the latest threshold, as
// ECharts mark-area data: pairs of {yAxis} corners.
func ragBands(it assess.Item, k float64) [][]map[string]any {
	ind, t := it.Indicator, it.Threshold
	if ind.Polarity == vs.Neutral || t.Amber == nil || t.Red == nil {
		return nil
	}
	amber, red := *t.Amber*k, *t.Red*k
	// Far enough to cover any value on the chart.
	far := 1e9
	if ind.Unit == vs.UnitPercent {
		far = 100
	}
	var redBand, amberBand [2]float64
	if ind.Polarity == vs.HigherIsBetter {
		redBand, amberBand = [2]float64{math.Min(0, red), red}, [2]float64{red, amber}
	} else {
		redBand, amberBand = [2]float64{red, far}, [2]float64{amber, red}
	}
	band := func(name, colour string, r [2]float64) []map[string]any {
		return []map[string]any{
			{"name": name, "yAxis": round(r[0]), "itemStyle": map[string]any{"color": colour}},
			{"yAxis": round(r[1])},
		}
	}
	return [][]map[string]any{band("red", colourRed, redBand), band("amber", "#f9a825", amberBand)}
}

func unitName(ind *vs.Indicator) string {
	switch ind.Unit {
	case vs.UnitPercent:
		return "%"
	case vs.UnitRatePer10k:
		return "per 10,000"
	case vs.UnitCurrency:
		return "£"
	case vs.UnitDays:
		return "days"
	}
	return ""
}

// shortPeriod labels a chart's x axis: "Sep 26", "2026-27 Q2", "12 Oct 26".
func shortPeriod(p vs.Period) string {
	switch p.Freq {
	case vs.Monthly:
		return p.Last.Time().Format("Jan 06")
	case vs.Weekly, vs.Biweekly:
		return p.Last.Time().Format("2 Jan 06")
	}
	return p.String()
}

// yearSteps is the number of periods in a year of frequency f.
func yearSteps(f vs.Frequency) int {
	switch f {
	case vs.Monthly:
		return 12
	case vs.Quarterly:
		return 4
	case vs.Weekly:
		return 52
	case vs.Biweekly:
		return 26
	case vs.Annual:
		return 1
	}
	return 0
}

func round(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// plain turns go-echarts options into plain data (through JSON), for
// html/template to write into the page as JSON.
func plain(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("chart options: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("chart options: %w", err)
	}
	return out, nil
}

// teamOptions charts the month's figure for each team below the report's,
// as bars coloured by their RAG (and labelled, so colour is not the only
// cue), with the target as a line.
func teamOptions(r Row) (map[string]any, error) {
	ind := r.Indicator
	k := chartScale(ind)
	var names []string
	var bars []opts.BarData
	for _, it := range r.Teams {
		names = append(names, it.Team.Name)
		colour := map[assess.State]string{assess.Green: colourTarget, assess.Amber: "#f9a825", assess.Red: colourRed}[it.Verdict]
		if colour == "" {
			colour = colourLastYear
		}
		d := opts.BarData{ItemStyle: &opts.ItemStyle{Color: colour}}
		if it.Latest.Value.Valid && it.Latest.Status != vs.StatusSuppressed && it.Latest.Status != vs.StatusMissing {
			d.Value = shown(ind, it.Latest.Value.Float64)
		}
		bars = append(bars, d)
	}
	c := charts.NewBar()
	c.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "24", Bottom: "16", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Rotate: 30, Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{Name: unitName(ind)}),
	)
	c.SetXAxis(names)
	c.AddSeries(ind.Name, bars, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}))
	c.Validate()
	out, err := plain(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("team chart of %s: %w", ind.ID, err)
	}
	if t := r.Threshold.Target; t != nil {
		if series, ok := out["series"].([]any); ok && len(series) > 0 {
			if first, ok := series[0].(map[string]any); ok {
				first["markLine"] = map[string]any{"silent": true, "symbol": "none",
					"lineStyle": map[string]any{"color": colourTarget, "type": "solid"},
					"data":      []any{map[string]any{"name": "Target", "yAxis": round(*t * k)}}}
			}
		}
	}
	return out, nil
}

// shown is a value as a chart labels it: scaled (percentages as 87.5) and
// rounded as the report writes it (one decimal; whole numbers for counts).
func shown(ind *vs.Indicator, v float64) float64 {
	v *= chartScale(ind)
	if ind.Unit == vs.UnitCount {
		return math.Round(v)
	}
	return math.Round(v*10) / 10
}
