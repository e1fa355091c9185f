package collector

import (
	"fmt"
	"slices"

	vs "github.com/vitalsigns/vitalsigns"
)

// An analyst's data sheet turns the long layout on its side: a Period
// column (and optionally a Team column), then one column per indicator,
// headed by its id, name or alias; each row is one period (and team).

// minIndicatorCols is how many headings of a row must name indicators,
// beside a Period heading, for the row to head a transposed table.
const minIndicatorCols = 2

// transCol is a column of a transposed table, headed by an indicator, with
// the percent rule's state for its plain numbers (as the long layout's
// Value column has it).
type transCol struct {
	col int
	ind *vs.Indicator
	idx uint32
	pctRule
}

// transposedHeader tries cells as the header of a transposed table: a
// Period column and at least minIndicatorCols headings naming indicators.
// A heading naming an indicator already named is a problem, and its column
// is not read; so is a heading that nearly names an indicator, since its
// figures would otherwise be passed over unseen.
func (r *reader) transposedHeader(t *table, cols [numFields]int, cells []string, pos func(int) where) bool {
	if cols[fPeriod] < 0 {
		return false
	}
	var tcs []transCol
	var unknown []int
	for i, c := range cells {
		if trimCell(c) == "" {
			continue
		}
		if _, ok := r.names.field(c); ok {
			continue
		}
		if im, ok := r.m.indicator(c); ok {
			tcs = append(tcs, transCol{col: i, ind: im.ind, idx: im.idx, pctRule: newPctRule()})
			continue
		}
		unknown = append(unknown, i)
	}
	if len(tcs) < minIndicatorCols {
		return false
	}
	seen := map[string]int{}
	kept := tcs[:0]
	for _, tc := range tcs {
		if j, dup := seen[tc.ind.ID]; dup {
			r.problem(pos(tc.col), fieldNames[fIndicator], fmt.Sprintf("the columns headed %s (%s) and %s both name indicator %s",
				vs.Quote(trimCell(cells[kept[j].col])), place(pos(kept[j].col)), vs.Quote(trimCell(cells[tc.col])), tc.ind.ID),
				"remove one of the two columns; this one is not read")
			continue
		}
		seen[tc.ind.ID] = len(kept)
		kept = append(kept, tc)
	}
	for _, i := range unknown {
		text := trimCell(cells[i])
		if h := r.m.indicatorHint(text); len(h) > 4 && h[:4] == "did " {
			r.problem(pos(i), fieldNames[fIndicator], fmt.Sprintf("the column heading %s is not a known indicator, so its figures would not be read", vs.Quote(text)), h)
		}
	}
	tcols := [numFields]int{}
	for i := range tcols {
		tcols[i] = -1
	}
	tcols[fPeriod], tcols[fTeam] = cols[fPeriod], cols[fTeam]
	t.found, t.cols, t.trans = true, tcols, kept
	r.layouts |= 1 << layoutTransposedBit
	return true
}

// transposedData reads one row of a transposed table: each cell under an
// indicator heading that is not blank is a figure for that indicator, the
// row's period and the row's team. A row with no such cell (a note, a
// month still to come) is not read.
func (r *reader) transposedData(t *table, cells []string, pos func(int) where) {
	cell := func(i int) string { return cellAt(cells, i) }
	if !slices.ContainsFunc(t.trans, func(tc transCol) bool { return trimCell(cellAt(cells, tc.col)) != "" }) {
		return
	}
	r.rows++
	before := r.total
	rc := rowCtx{r: r, t: t, cells: cells, pos: pos}
	team, teamIdx := rc.team()
	perText, perAt := rc.get(fPeriod)
	l, err := r.periodLabel(perText, t.cols[fPeriod])
	if err != nil {
		rc.bad(fPeriod, perAt, err.Error(), "")
	}
	for k := range t.trans {
		tc := &t.trans[k]
		text := cell(tc.col)
		if trimCell(text) == "" || err != nil || team == "" {
			continue
		}
		at := pos(tc.col)
		ind := tc.ind
		period, perr := l.resolveText(ind.Frequency, func() string {
			if l.kind == labelDay {
				return l.date.String()
			}
			return trimCell(perText)
		})
		if perr != nil {
			rc.bad(fPeriod, at, fmt.Sprintf("the row's period (%s): %s", place(perAt), perr), "")
			continue
		}
		fig := wideFigure{at: at, text: trimCell(text)}
		val, verr := parseValue(text)
		if verr != nil {
			rc.bad(fValue, at, verr.Error(), "")
			continue
		}
		if val.kind == valueNumber && r.cellFormat(tc.col)&sheetFmtPercent != 0 {
			val, fig.text = percentFormatted(val)
			fig.hint = percentFormatHint
		}
		key := seenKey{ind: tc.idx, team: teamIdx, day: dayNumber(period.Last)}
		if first, dup := r.seen.first(key, t.compact(at)); dup {
			rc.bad(fValue, at, fmt.Sprintf("a second figure for indicator %s, team %s, period %s: the first is at %s",
				ind.ID, team, period, place(r.where(first))), "keep one of the two")
			continue
		}
		fig.o = vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team, Period: period}, Status: vs.StatusActual}
		if !r.figure(&rc, ind, val, &fig) {
			continue
		}
		if fig.plain {
			i := r.obs.Len()
			if w := i / 64; w >= len(r.pct) {
				r.pct = append(r.pct, make([]uint64, w+1-len(r.pct))...)
			}
			r.pct[i/64] |= 1 << (i % 64)
			tc.see(i, fig.o.Value.Float64, at)
		}
		r.obs.grow(r.want)
		r.obs.add(fig.o, ind)
	}
	if r.total > before {
		r.skipped++
	}
}

// endTransposed applies the percent rule to each indicator's column once
// the table is read: its plain numbers are all fractions or all
// percentages, as in a long table's Value column.
func (r *reader) endTransposed(t *table) {
	col := map[*vs.Indicator]int{}
	for k, tc := range t.trans {
		col[tc.ind] = k
		if tc.frac >= 0 && tc.over >= 0 {
			later := tc.fracAt
			if tc.over > tc.frac {
				later = tc.overAt
			}
			r.problem(later, fieldNames[fValue], fmt.Sprintf(
				"the column for indicator %s mixes fractions (%s is %s) and percentages (%s is %s)",
				tc.ind.ID, place(tc.fracAt), formatNum(r.obs.value(tc.frac)), place(tc.overAt), formatNum(r.obs.value(tc.over))),
				"write every percentage one way: 0.875, 87.5 or 87.5%")
		}
	}
	for i := t.start; i < r.obs.Len() && i/64 < len(r.pct); i++ {
		if r.pct[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		tc := &t.trans[col[r.obs.indicator(i)]]
		if tc.over < 0 || tc.frac >= 0 {
			continue // fractions throughout, or mixed (reported)
		}
		v := r.obs.value(i)
		if v/100 > 1 {
			if len(tc.big) > 0 && tc.big[0].obs == i {
				r.problem(tc.big[0].at, fieldNames[fValue], fmt.Sprintf("%s is more than 100%%", vs.Quote(formatNum(v))), "")
				tc.big = tc.big[1:]
			}
			continue
		}
		r.obs.setValue(i, v/100)
	}
	for k := range t.trans {
		r.dropped += t.trans[k].bigMore
		t.trans[k].big, t.trans[k].bigMore = nil, 0
	}
}
