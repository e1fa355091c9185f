package collector

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// minPeriodCols is how many cells of a row must read as periods, beside an
// Indicator cell, for the row to be the header of a wide table.
const minPeriodCols = 2

// periodCol is a column of a wide table headed by a period.
type periodCol struct {
	col int
	l   label
	// shown is the header as a message shows it: the text quoted, or for
	// a date cell the date.
	shown string
	at    where
}

// labelKey identifies the period a header names, whatever its spelling.
type labelKey struct {
	kind       labelKind
	date       vs.Date
	commencing bool
}

// place names a cell for the text of a message: Data!C5, or for csv a line
// and column.
func place(w where) string {
	if !w.xlsx && w.col > 0 {
		return "line " + strconv.Itoa(w.row) + ", column " + strconv.Itoa(w.col)
	}
	return w.String()
}

// shownLabel renders a period header for a message.
func shownLabel(l label, text string) string {
	if _, ok := serial(trimCell(text)); ok && l.kind == labelDay {
		return l.date.String()
	}
	return vs.Quote(trimCell(text))
}

// wideHeader tries cells as the header of a wide (scorecard) table: an
// Indicator column and at least minPeriodCols cells that are period
// labels. cols holds the fields the row names. Two columns naming the same
// period are reported, and the second is not read.
func (r *reader) wideHeader(t *table, cols [numFields]int, cells []string, pos func(int) where) bool {
	var pcs []periodCol
	var bares []bareCol
	for i, c := range cells {
		if trimCell(c) == "" {
			continue
		}
		if _, ok := r.names.field(c); ok {
			continue
		}
		l, err := r.periodLabel(c, i)
		if err != nil {
			if b, ok := parseBare(c); ok {
				bares = append(bares, bareCol{col: i, l: b, text: trimCell(c)})
			}
			continue // Target, RAG, England, Trend…: not read
		}
		pcs = append(pcs, periodCol{col: i, l: l, shown: shownLabel(l, c)})
	}
	if len(pcs)+len(bares) < minPeriodCols {
		return false
	}
	if cols[fIndicator] < 0 {
		// Many scorecards leave the heading over the indicator names
		// blank. Take the blank column just left of the table's first
		// heading as the names, when the row is plainly a row of period
		// headings (at least minBlankNamePeriods of them). A wrong guess
		// cannot pass silently: every name is checked against the
		// catalogue.
		first := slices.IndexFunc(cells, func(c string) bool { return trimCell(c) != "" })
		firstPeriod := len(cells)
		if len(pcs) > 0 {
			firstPeriod = pcs[0].col
		}
		if len(bares) > 0 {
			firstPeriod = min(firstPeriod, bares[0].col)
		}
		if len(pcs)+len(bares) < minBlankNamePeriods || first < 1 || first > firstPeriod {
			return false
		}
		cols[fIndicator] = first - 1
	}
	if len(bares) > 0 {
		// Months or quarters with no year of their own: a year row above.
		pcs = append(pcs, r.barePeriods(t, bares, pos)...)
		slices.SortFunc(pcs, func(a, b periodCol) int { return a.col - b.col })
		r.layouts |= 1 << layoutYearRowBit
	}
	seen := map[labelKey]int{}
	kept := pcs[:0]
	for _, pc := range pcs {
		pc.at = pos(pc.col)
		k := labelKey{pc.l.kind, pc.l.date, pc.l.commencing}
		if j, dup := seen[k]; dup {
			first := kept[j]
			r.problem(pc.at, fieldNames[fPeriod], fmt.Sprintf("the columns headed %s (%s) and %s (%s) are the same period",
				first.shown, place(first.at), pc.shown, place(pc.at)),
				"remove one of the two columns, or correct its heading; this one is not read")
			continue
		}
		seen[k] = len(kept)
		kept = append(kept, pc)
	}
	// Only these fields are read from a scorecard; a Status column there
	// is usually a RAG rating, and Period, Value, Numerator and
	// Denominator have no place in it.
	wideCols := [numFields]int{}
	for i := range wideCols {
		wideCols[i] = -1
	}
	for _, f := range []field{fIndicator, fTeam, fCommentary, fOutcome} {
		wideCols[f] = cols[f]
	}
	first := !t.found
	t.found, t.wide, t.cols, t.periods = true, true, wideCols, kept
	// The scorecard's own Target and RAG columns are not read; a target
	// is checked against the configured one, and the report says that
	// the RAG ratings were not used.
	t.target = -1
	for i, c := range cells {
		switch headerKey(c) {
		case "target":
			if t.target < 0 {
				t.target = i
			}
		case "rag", "ragrating", "ragstatus":
			if first {
				r.warns = append(r.warns, r.located(pos(i), "", "the file's RAG ratings (this column) were not used: "+
					"Vital Signs rates each figure against the configured thresholds", ""))
				first = false
			}
		}
	}
	return true
}

// checkTarget warns when a scorecard row's own Target differs, beyond the
// rounding of the cell as written, from the configured target for the
// row's indicator, team and latest period: the committee would otherwise
// see two targets.
func (r *reader) checkTarget(ind *vs.Indicator, team string, p vs.Period, text string, i int, at where) {
	val, err := parseValue(text)
	if err != nil || val.kind != valueNumber {
		return
	}
	th, ok := ind.ThresholdFor(team, p)
	if !ok || th.Target == nil {
		return
	}
	v, half := val.num, 0.5*math.Pow(10, -float64(writtenDecimals(text)))
	if r.cellFormat(i)&sheetFmtPercent != 0 {
		val.percent = true
	}
	switch {
	case ind.Unit != vs.UnitPercent:
	case val.percent && strings.Contains(text, "%"):
		half /= 100
	case val.percent:
	case v > 1:
		v, half = v/100, half/100
	}
	if math.Abs(v-*th.Target) <= half+1e-9*max(1, math.Abs(v)) {
		return
	}
	r.warns = append(r.warns, r.located(at, "Target", fmt.Sprintf("the file's target %s for indicator %s differs from the configured target (%s for %s): the configured one is used",
		vs.Quote(trimCell(text)), ind.ID, ind.Format(*th.Target), p), "change the target in the configuration, or leave the Target column out"))
}

// minBlankNamePeriods is how many period headings a row needs to be taken
// as a scorecard's header when the indicator names' column has no heading.
const minBlankNamePeriods = 3

// wideFigure is a cell of a wide row being read.
type wideFigure struct {
	o     vs.Observation
	at    where
	text  string
	plain bool   // a plain number of a percent indicator
	drop  bool   // a problem was found with it
	hint  string // for a percentage given for another unit
}

// wideData reads one row of a wide table: each cell under a period heading
// that is not blank is one observation. A row with no such cell (a section
// heading, a note, an indicator with no figures yet) is not read.
func (r *reader) wideData(t *table, cells []string, pos func(int) where) {
	if t.years.used && r.yearBlock(t, cells, pos) {
		return // the year row or header of the next block
	}
	cell := func(i int) string { return cellAt(cells, i) }
	if !slices.ContainsFunc(t.periods, func(pc periodCol) bool { return trimCell(cellAt(cells, pc.col)) != "" }) {
		return
	}
	r.rows++
	before := r.total
	rc := rowCtx{r: r, t: t, cells: cells, pos: pos}
	ind, indIdx, _ := rc.indicator()
	team, teamIdx := rc.team()
	commentary, outcome := rc.text(fCommentary), rc.text(fOutcome)
	rowBad := r.total > before

	var figs []wideFigure
	for _, pc := range t.periods {
		text := cell(pc.col)
		if trimCell(text) == "" {
			continue // no figure: a month to come, say
		}
		at := pos(pc.col)
		fig := wideFigure{at: at, text: trimCell(text)}
		val, err := parseValue(text)
		if err != nil {
			rc.bad(fValue, at, err.Error(), "")
			fig.drop = true
		}
		if val.kind == valueNumber && r.cellFormat(pc.col)&sheetFmtPercent != 0 {
			val, fig.text = percentFormatted(val)
			fig.hint = percentFormatHint
		}
		if ind == nil || team == "" {
			continue
		}
		period, ok := pc.l.resolveWide(ind.Frequency)
		if !ok {
			rc.bad(fPeriod, at, fmt.Sprintf("the column is headed %s (%s), %s, but indicator %s is reported %s: put its figures in a column headed by %s",
				pc.shown, place(pc.at), pc.l.kind, ind.ID, ind.Frequency, wantFor(ind.Frequency)), "")
			continue
		}
		key := seenKey{ind: indIdx, team: teamIdx, day: dayNumber(period.Last)}
		if first, dup := r.seen.first(key, t.compact(at)); dup {
			rc.bad(fValue, at, fmt.Sprintf("a second figure for indicator %s, team %s, period %s: the first is at %s",
				ind.ID, team, period, place(r.where(first))), "keep one of the two")
			continue
		}
		if fig.drop {
			continue
		}
		fig.o = vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team, Period: period}, Status: vs.StatusActual}
		if !r.figure(&rc, ind, val, &fig) {
			fig.drop = true
		}
		figs = append(figs, fig)
	}
	r.percentRow(&rc, ind, figs)

	if r.total > before {
		r.skipped++
	}
	if rowBad {
		return
	}
	// Commentary and Outcome belong to the latest period of the row.
	latest := -1
	for i, f := range figs {
		if latest < 0 || f.o.Period.Last.Time().After(figs[latest].o.Period.Last.Time()) {
			latest = i
		}
	}
	if latest >= 0 {
		figs[latest].o.Commentary, figs[latest].o.Outcome = commentary, outcome
		if t.target >= 0 && trimCell(cell(t.target)) != "" {
			r.checkTarget(ind, team, figs[latest].o.Period, cell(t.target), t.target, pos(t.target))
		}
	}
	for _, f := range figs {
		if !f.drop {
			r.obs.add(f.o, ind)
		}
	}
}

// figure sets the value and status of fig.o from val, as the long layout
// reads a Value cell; false means a problem was reported.
func (r *reader) figure(rc *rowCtx, ind *vs.Indicator, val value, fig *wideFigure) bool {
	percent := ind.Unit == vs.UnitPercent
	switch val.kind {
	case valueMissing:
		fig.o.Status = vs.StatusMissing
	case valueSuppressed:
		fig.o.Status = vs.StatusSuppressed
	case valueNumber:
		v := val.num
		switch {
		case val.percent && !percent:
			rc.bad(fValue, fig.at, fmt.Sprintf("%s is a percentage, but indicator %s is %s",
				vs.Quote(fig.text), ind.ID, unitWords(ind.Unit)), fig.hint)
			return false
		case percent && v < 0:
			rc.bad(fValue, fig.at, fmt.Sprintf("%s is negative: a percentage is between 0%% and 100%%", vs.Quote(fig.text)), "")
			return false
		case val.percent && v > 1:
			rc.bad(fValue, fig.at, fmt.Sprintf("%s is more than 100%%", vs.Quote(fig.text)), "")
			return false
		case percent && !val.percent:
			fig.plain = true
		}
		fig.o.Value.Float64, fig.o.Value.Valid = v, true
	}
	return true
}

// percentRow applies the percent rule to one row of a wide table, which
// holds one indicator: its plain numbers are all fractions when none is
// above 1, else all percentages; a row holding both values strictly
// between 0 and 1 and values above 1 is a problem naming a cell of each.
func (r *reader) percentRow(rc *rowCtx, ind *vs.Indicator, figs []wideFigure) {
	frac, over := -1, -1
	for i, f := range figs {
		if !f.plain || f.drop {
			continue
		}
		v := f.o.Value.Float64
		if v > 0 && v < 1 && frac < 0 {
			frac = i
		}
		if v > 1 && over < 0 {
			over = i
		}
	}
	if over < 0 {
		return // fractions throughout, or no plain numbers
	}
	if frac >= 0 {
		later := max(frac, over)
		rc.bad(fValue, figs[later].at, fmt.Sprintf(
			"the row for indicator %s mixes fractions (%s is %s) and percentages (%s is %s)",
			ind.ID, place(figs[frac].at), formatNum(figs[frac].o.Value.Float64),
			place(figs[over].at), formatNum(figs[over].o.Value.Float64)),
			"write every percentage one way: 0.875, 87.5 or 87.5%")
		for i := range figs {
			if figs[i].plain {
				figs[i].drop = true
			}
		}
		return
	}
	for i := range figs {
		f := &figs[i]
		if !f.plain || f.drop {
			continue
		}
		if f.o.Value.Float64/100 > 1 {
			rc.bad(fValue, f.at, fmt.Sprintf("%s is more than 100%%", vs.Quote(f.text)), "")
			f.drop = true
			continue
		}
		f.o.Value.Float64 /= 100
	}
}
