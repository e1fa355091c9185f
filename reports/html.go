package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/spc"
)

// echartsJS is Apache ECharts 5.6.0 (dist/echarts.min.js of the npm
// package), embedded so that a report opens with no network: see
// assets/README.md for its licence and checksum.
//
//go:embed assets/echarts.min.js
var echartsJS string

//go:embed templates/monthly.html
var monthlyHTML string

//go:embed templates/style.css
var styleCSS string

// chartsHTML is the script both reports end with: ECharts, then each
// chart drawn from its options.
//
//go:embed templates/charts.html
var chartsHTML string

// htmlRow is a scorecard row as the page shows it.
type htmlRow struct {
	Anchor, Name, Period, Latest, Previous, Arrow, Direction, Target string
	RAGClass, RAGText, England, EnglandRef, Variation, Assurance     string
	Commentary, Outcome                                              string
	HasChart                                                         bool
	Points                                                           []htmlPoint
	Teams                                                            []htmlTeam
	// The region's and the statistical neighbours' figures, each with its
	// year (or reference date) beneath; NeighboursOf is "10 of 10".
	Region, RegionRef, Neighbours, NeighboursRef, NeighboursOf string
	// Band is the authority's quartile band among English authorities,
	// Rank "116th of 148", BandYear the year they are for.
	Band, Rank, BandYear string
}

type htmlTeam struct{ Name, Value, RAG string }

type htmlPoint struct{ Period, Value, RAG, SPC string }

var anchorUnsafe = regexp.MustCompile(`[^a-z0-9_-]`)

// ragLabel is the RAG as a shape and a word, so that it reads in black and
// white and for colour-blind readers.
func ragLabel(s assess.State) (class, text string) {
	switch s {
	case assess.Green:
		return "rag-green", "● Green"
	case assess.Amber:
		return "rag-amber", "◆ Amber"
	case assess.Red:
		return "rag-red", "▲ Red"
	}
	return "rag-other", ragText(s)
}

func arrow(d assess.Direction) string {
	switch d.Arrow {
	case assess.Up:
		return "↑"
	case assess.Down:
		return "↓"
	}
	if d.Judgement == assess.Unchanged {
		return "→"
	}
	return ""
}

// figure formats an observation's value for a cell, to places decimal
// places (see placesApart): suppressed and missing figures say so (never
// zero).
func figure(ind *vs.Indicator, o vs.Observation, places int) string {
	switch {
	case o.Status == vs.StatusSuppressed:
		return "suppressed"
	case o.Status == vs.StatusMissing || !o.Value.Valid:
		return "missing"
	}
	s := ind.FormatPlaces(o.Value.Float64, places)
	if o.Status == vs.StatusProvisional {
		s += " (provisional)"
	}
	return s
}

// anchor is the id of an indicator's section of the page.
func anchor(ind *vs.Indicator) string {
	return anchorUnsafe.ReplaceAllString(strings.ToLower(ind.ID), "-")
}

// toRow is an item as the scorecard shows it. The figures the row sets
// against each other (latest, previous, target, benchmarks) print to the
// item's places, as in its narrative; the teams' and the chart's figures,
// each alone in its row, to the unit's default.
func toRow(r Row) htmlRow {
	it, ind := r.Item, r.Indicator
	places, def := itemPlaces(it), ind.Unit.Decimals()
	h := htmlRow{Anchor: anchor(ind), Name: ind.Name,
		Arrow: arrow(it.SincePrevious), Direction: directionWords(it, places),
		Commentary: it.Latest.Commentary, Outcome: it.Latest.Outcome}
	h.RAGClass, h.RAGText = ragLabel(it.State)
	if it.Has {
		h.Period, h.Latest = periodName(it.Latest.Period), figure(ind, it.Latest, places)
	} else {
		h.Latest = "no data"
	}
	if it.HasPrevious {
		h.Previous = figure(ind, it.Previous, places)
	}
	if it.Threshold.Target != nil {
		h.Target = ind.FormatPlaces(*it.Threshold.Target, places)
	}
	for _, b := range ind.Benchmarks {
		fig, when := ind.FormatPlaces(b.Value, places), b.Year
		if when == "" {
			when = b.Reference
		}
		switch b.Source {
		case vs.BenchmarkEngland:
			h.England, h.EnglandRef = fig, when
		case vs.BenchmarkRegion:
			h.Region, h.RegionRef = fig, when
		case vs.BenchmarkStatisticalNeighbours:
			h.Neighbours, h.NeighboursRef = fig, when
			if st := ind.Standing; st != nil && len(st.Neighbours) > 0 {
				h.NeighboursOf = fmt.Sprintf("mean of %d of %d", st.NeighboursUsed, len(st.Neighbours))
			}
		}
	}
	if st := ind.Standing; st != nil && st.Rank > 0 && it.Team.ID == vs.AuthorityTeam {
		h.Band, h.Rank, h.BandYear = st.Band, fmt.Sprintf("%s of %d", ordinal(st.Rank), st.Ranked), st.Year
	}
	if c := it.Control; c.Err == nil && len(c.Chart.Points) > 0 && c.Chart.Flat {
		h.Variation = "not judged: the figures barely vary, so there are no process limits"
		if c.Chart.Assurance != spc.AssuranceNone {
			h.Assurance = "not judged"
		}
	} else if c.Err == nil && len(c.Chart.Points) > 0 && !c.Chart.TooFew {
		h.Variation = words(string(c.Chart.Variation))
		if c.Chart.Assurance != spc.AssuranceNone {
			h.Assurance = words(string(c.Chart.Assurance))
		}
	} else if it.Has {
		h.Variation = "too few points to judge"
	}
	h.HasChart = len(it.Control.Periods) > 1
	if len(r.Teams) > 1 {
		for _, ti := range r.Teams {
			_, rag := ragLabel(ti.State)
			h.Teams = append(h.Teams, htmlTeam{ti.Team.Name, figure(ind, ti.Latest, def), rag})
		}
	}
	byPeriod := map[vs.Period]assess.Point{}
	for _, p := range it.History {
		byPeriod[p.Period] = p
	}
	for i, p := range it.Control.Periods {
		pt := htmlPoint{Period: periodName(p), Value: "not reported"}
		if hp, ok := byPeriod[p]; ok {
			pt.Value = figure(ind, hp.Observation, def)
			if hp.Verdict != assess.Unrated {
				_, pt.RAG = ragLabel(hp.Verdict)
			}
		}
		if i < len(it.Control.Chart.Points) {
			if t := it.Control.Chart.Points[i].Type; t.Special() {
				pt.SPC = words(string(t))
			}
		}
		h.Points = append(h.Points, pt)
	}
	return h
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// WriteHTML renders the monthly report as one self-contained HTML page:
// styles inline, ECharts embedded once, no font, script or image fetched
// from anywhere, a print stylesheet for A4. Every string from a workbook or
// the configuration is escaped by html/template, in the page and in the
// chart options (which are written as JSON data into the script).
func WriteHTML(w io.Writer, m *Monthly) error {
	chartsByID := map[string]any{}
	ruleSet := ""
	for _, sec := range m.Sections {
		for _, r := range sec.Rows {
			h := toRow(r)
			if !h.HasChart {
				continue
			}
			opts, err := trendOptions(r.Item)
			if err != nil {
				return fmt.Errorf("render report: %w", err)
			}
			chartsByID["chart-"+h.Anchor] = opts
			if len(h.Teams) > 0 {
				teams, err := teamOptions(r)
				if err != nil {
					return fmt.Errorf("render report: %w", err)
				}
				chartsByID["teams-"+h.Anchor] = teams
			}
			if rs := r.Control.Chart.RuleSet; rs != "" {
				ruleSet = rs
			}
		}
	}
	if ruleSet == "" {
		ruleSet = spc.RuleSetMDC
	}
	t, err := template.New("monthly").Funcs(template.FuncMap{
		"row":    toRow,
		"period": periodName,
		"issued": func(r *vs.IssuedReport) string {
			return r.GeneratedAt.In(vs.London()).Format("2 January 2006 at 15:04")
		},
		"anchor": anchor,
	}).Parse(monthlyHTML + chartsHTML)
	if err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	region, neighbours, bands := false, false, false
	for _, sec := range m.Sections {
		for _, r := range sec.Rows {
			for _, b := range r.Indicator.Benchmarks {
				region = region || b.Source == vs.BenchmarkRegion
				neighbours = neighbours || b.Source == vs.BenchmarkStatisticalNeighbours
			}
			bands = bands || (r.Indicator.Standing != nil && r.Indicator.Standing.Rank > 0)
		}
	}
	data := map[string]any{
		"Region":     region,
		"Neighbours": neighbours,
		"Bands":      bands,
		"M":          m,
		"PeriodName": periodName(m.Period),
		"AsAt":       m.AsAt.In(vs.London()).Format("2 January 2006 15:04"),
		"RuleSet":    ruleSet,
		"Style":      template.CSS(styleCSS), //nolint:gosec // embedded at build time
		"Charts":     chartsByID,
		// The library is trusted, embedded content, not data.
		"ECharts": template.JS(echartsJS), //nolint:gosec // embedded at build time from assets/
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
