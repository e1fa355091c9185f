package collector

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
)

// field is a column of the long layout.
type field int

const (
	fPeriod field = iota
	fIndicator
	fTeam
	fValue
	fNumerator
	fDenominator
	fStatus
	fCommentary
	fOutcome
	numFields
)

var fieldNames = [numFields]string{
	"Period", "Indicator", "Team", "Value", "Numerator", "Denominator", "Status", "Commentary", "Outcome",
}

func (f field) String() string { return fieldNames[f] }

// fieldAliases lists the headers each field is known by, folded as
// headerKey folds them.
var fieldAliases = [numFields][]string{
	fPeriod:      {"period", "month", "date", "reportingperiod"},
	fIndicator:   {"indicator", "measure", "kpi", "indicatorid", "indicatorname"},
	fTeam:        {"team", "area", "locality", "service", "teamid", "teamname"},
	fValue:       {"value", "actual", "result", "performance"},
	fNumerator:   {"numerator"},
	fDenominator: {"denominator"},
	fStatus:      {"status"},
	fCommentary:  {"commentary", "comment", "comments", "notes"},
	fOutcome:     {"outcome", "outcomes", "impact"},
}

// headerLimit is how many rows from the top the header row may be.
const headerLimit = 20

// maxText caps Commentary and Outcome, in characters.
const maxText = 4000

// maxProblems caps the problems kept per file; the rest are counted.
const maxProblems = 1000

// headerKey folds a header: case, space and punctuation do not matter.
func headerKey(s string) string {
	return strings.ReplaceAll(config.NormaliseName(s), " ", "")
}

func fieldOf(header string) (field, bool) {
	k := headerKey(header)
	if k == "" {
		return 0, false
	}
	for f, names := range fieldAliases {
		for _, n := range names {
			if n == k {
				return field(f), true
			}
		}
	}
	return 0, false
}

// where locates a cell: a sheet and cell for xlsx, a line and byte column
// for csv.
type where struct {
	sheet string // "" for csv
	row   int    // xlsx: 1-based sheet row; csv: line
	col   int    // xlsx: 0-based column; csv: 1-based byte column, 0 if unknown
	xlsx  bool
}

func (w where) cell() string {
	return columnName(w.col) + strconv.Itoa(w.row)
}

// columnName returns the letters of a 0-based column: 0 is A, 26 is AA.
func columnName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// String names the cell for a message: Data!B5 or line 5.
func (w where) String() string {
	if w.xlsx {
		return vs.Problem{Sheet: w.sheet, Cell: w.cell()}.Where()
	}
	return "line " + strconv.Itoa(w.row)
}

// matcher finds indicators and teams by id, name or alias.
type matcher struct {
	cat   *vs.Catalogue
	inds  map[string]*vs.Indicator
	teams map[string]string
}

func newMatcher(cat *vs.Catalogue) *matcher {
	m := &matcher{cat: cat, inds: map[string]*vs.Indicator{}, teams: map[string]string{}}
	add := func(name string, ind *vs.Indicator) {
		if k := config.NormaliseName(name); k != "" {
			if _, dup := m.inds[k]; !dup {
				m.inds[k] = ind
			}
		}
	}
	for i := range cat.Indicators {
		ind := &cat.Indicators[i]
		add(ind.ID, ind)
		add(ind.Name, ind)
		for _, a := range ind.Aliases {
			add(a, ind)
		}
	}
	addTeam := func(name, id string) {
		if k := config.NormaliseName(name); k != "" {
			if _, dup := m.teams[k]; !dup {
				m.teams[k] = id
			}
		}
	}
	auth, _ := cat.Team(vs.AuthorityTeam)
	addTeam(auth.ID, auth.ID)
	addTeam(auth.Name, auth.ID)
	for _, t := range cat.Teams {
		addTeam(t.ID, t.ID)
		addTeam(t.Name, t.ID)
	}
	return m
}

func (m *matcher) indicator(s string) (*vs.Indicator, bool) {
	ind, ok := m.inds[config.NormaliseName(s)]
	return ind, ok
}

func (m *matcher) team(s string) (string, bool) {
	id, ok := m.teams[config.NormaliseName(s)]
	return id, ok
}

// listHint names the known ids when there are few enough to read.
func listHint(what string, ids []string, more string) string {
	const show = 12
	if len(ids) > show {
		return fmt.Sprintf("%d %s are known: %s", len(ids), what, more)
	}
	return "known " + what + ": " + strings.Join(ids, ", ")
}

func (m *matcher) indicatorHint() string {
	ids := make([]string, len(m.cat.Indicators))
	for i, ind := range m.cat.Indicators {
		ids[i] = ind.ID
	}
	return listHint("indicators", ids, "vitalsigns indicators lists them")
}

func (m *matcher) teamHint() string {
	return listHint("teams", m.cat.TeamIDs(), "vitalsigns config show lists them")
}

// table is one header and the rows under it: a csv file or one sheet.
type table struct {
	sheet string
	xlsx  bool
	found bool
	cols  [numFields]int // -1 when the column is absent

	// best is the header-like row with the most fields, for the message
	// when no row qualifies.
	best       where
	bestFields []field

	// Plain numbers of percent indicators, decided when the table ends.
	pct []pctCell
	// frac and over index the first plain value strictly between 0 and 1,
	// and the first above 1; -1 when there is none.
	frac, over int
}

// pctCell is a plain number given for a percent indicator.
type pctCell struct {
	obs int // index into reader.obs
	at  where
}

func newTable(sheet string, xlsx bool) *table {
	return &table{sheet: sheet, xlsx: xlsx, frac: -1, over: -1}
}

// reader holds the state of reading one file.
type reader struct {
	file     string
	m        *matcher
	serials  bool // bare numbers in Period cells are date serials
	date1904 bool
	obs      []vs.Observation
	probs    vs.Problems
	dropped  int
	seen     map[vs.Key]where
	rows     int // data rows read
	// stopped is set when a limit ended reading early, so that the absence
	// of a table is not reported as well.
	stopped bool
}

func newReader(file string, cat *vs.Catalogue) *reader {
	return &reader{file: file, m: newMatcher(cat), seen: map[vs.Key]where{}}
}

// problem records a problem at w; with w zero, for the whole file.
func (r *reader) problem(w where, f string, reason, hint string) {
	if len(r.probs) >= maxProblems {
		r.dropped++
		return
	}
	p := vs.Problem{File: r.file, Field: f, Reason: reason, Hint: hint}
	switch {
	case w.xlsx:
		p.Sheet = w.sheet
		if w.row > 0 {
			p.Cell = w.cell()
		}
	default:
		p.Line, p.Column = w.row, w.col
	}
	r.probs = append(r.probs, p)
}

// finish closes the file's problem list.
func (r *reader) finish() {
	if r.dropped > 0 {
		r.probs = append(r.probs, vs.Problem{File: r.file,
			Reason: fmt.Sprintf("%d more problems not listed: fix those above and try again", r.dropped)})
	}
}

// header tries cells as the header row; n is the row's number from the top.
// It reports whether the caller should keep feeding rows.
func (r *reader) header(t *table, n int, cells []string, pos func(int) where) bool {
	var cols [numFields]int
	for i := range cols {
		cols[i] = -1
	}
	var got []field
	for i, c := range cells {
		if f, ok := fieldOf(c); ok && cols[f] < 0 {
			cols[f] = i
			got = append(got, f)
		}
	}
	if cols[fPeriod] >= 0 && cols[fIndicator] >= 0 && cols[fValue] >= 0 {
		t.found, t.cols = true, cols
		return true
	}
	if len(got) >= 2 && len(got) > len(t.bestFields) {
		t.bestFields = got
		t.best = pos(0)
	}
	return n < headerLimit
}

// noHeader reports that no table was found, naming the likeliest row.
func (r *reader) noHeader(tables []*table) {
	if r.stopped {
		return
	}
	want := "a header row within the first 20 rows naming the columns Period, Indicator and Value " +
		"(and optionally Team, Numerator, Denominator, Status, Commentary, Outcome)"
	var best *table
	for _, t := range tables {
		if len(t.bestFields) > 0 && (best == nil || len(t.bestFields) > len(best.bestFields)) {
			best = t
		}
	}
	if best == nil {
		r.problem(where{}, "", "no table found: expected "+want, "")
		return
	}
	have := map[field]bool{}
	var names []string
	for _, f := range best.bestFields {
		have[f] = true
		names = append(names, f.String())
	}
	var missing []string
	for _, f := range []field{fPeriod, fIndicator, fValue} {
		if !have[f] {
			missing = append(missing, fmt.Sprintf("%s (or %s)", f, aliasList(f)))
		}
	}
	r.problem(best.best, "", fmt.Sprintf("this row looks like the header (%s) but lacks %s",
		strings.Join(names, ", "), strings.Join(missing, " and ")), "expected "+want)
}

func aliasList(f field) string {
	switch f {
	case fPeriod:
		return "Month, Date, Reporting period"
	case fIndicator:
		return "Measure, KPI, Indicator ID, Indicator name"
	}
	return "Actual, Result, Performance"
}

// data reads one row under the header.
func (r *reader) data(t *table, cells []string, pos func(int) where) {
	blank, onlyFirst := true, true
	for i, c := range cells {
		if trimCell(c) != "" {
			blank = false
			if i > 0 {
				onlyFirst = false
				break
			}
		}
	}
	if blank || onlyFirst {
		return // a blank row, a note or a section heading
	}
	r.rows++
	before := len(r.probs) + r.dropped
	rc := rowCtx{r: r, t: t, cells: cells, pos: pos}
	get, bad := rc.get, rc.bad

	// Indicator.
	indText, indAt := get(fIndicator)
	var ind *vs.Indicator
	if trimCell(indText) == "" {
		bad(fIndicator, indAt, "the indicator is blank", "")
	} else if i, ok := r.m.indicator(indText); ok {
		ind = i
	} else {
		bad(fIndicator, indAt, "unknown indicator "+vs.Quote(indText), r.m.indicatorHint())
	}

	// Team: an absent column or a blank cell is the whole authority.
	team := vs.AuthorityTeam
	if teamText, teamAt := get(fTeam); trimCell(teamText) != "" {
		if id, ok := r.m.team(teamText); ok {
			team = id
		} else {
			team = ""
			bad(fTeam, teamAt, "unknown team "+vs.Quote(teamText), r.m.teamHint())
		}
	}

	// Period.
	perText, perAt := get(fPeriod)
	var period vs.Period
	if l, err := parseLabel(perText, r.serials, r.date1904); err != nil {
		bad(fPeriod, perAt, err.Error(), "")
	} else if ind != nil {
		shown := trimCell(perText)
		if l.kind == labelDay {
			shown = l.date.String()
		}
		if p, err := l.resolve(ind.Frequency, shown); err != nil {
			bad(fPeriod, perAt, err.Error(), "")
		} else {
			period = p
		}
	}

	// Value, numerator, denominator, status.
	valText, valAt := get(fValue)
	val, err := parseValue(valText)
	if err != nil {
		bad(fValue, valAt, err.Error(), "")
	}
	num, hasNum := rc.count(fNumerator)
	den, hasDen := rc.count(fDenominator)
	statText, statAt := get(fStatus)
	status, ok := parseStatus(statText)
	if !ok {
		bad(fStatus, statAt, fmt.Sprintf("%s is not a status", vs.Quote(statText)),
			"write actual (or final, confirmed), provisional (or prov, p), or leave it blank")
	}

	// Commentary and outcome, kept as written.
	commentary, outcome := rc.text(fCommentary), rc.text(fOutcome)

	// Two rows for the same indicator, team and period.
	if ind != nil && team != "" && !period.IsZero() {
		key := vs.Key{Indicator: ind.ID, Team: team, Period: period}
		if first, dup := r.seen[key]; dup {
			bad(fIndicator, indAt, fmt.Sprintf("a second row for indicator %s, team %s, period %s: the first is at %s",
				ind.ID, team, period, first), "keep one of the two rows")
		} else {
			r.seen[key] = indAt
		}
	}
	if len(r.probs)+r.dropped > before || ind == nil {
		return
	}

	o := vs.Observation{Key: vs.Key{Indicator: ind.ID, Team: team, Period: period},
		Status: status, Commentary: commentary, Outcome: outcome}
	if hasNum {
		o.Numerator = sql.NullFloat64{Float64: num, Valid: true}
	}
	if hasDen {
		o.Denominator = sql.NullFloat64{Float64: den, Valid: true}
	}
	if o.Status == "" {
		o.Status = vs.StatusActual
	}
	percent := ind.Unit == vs.UnitPercent
	switch val.kind {
	case valueMissing:
		o.Status = vs.StatusMissing
	case valueSuppressed:
		o.Status = vs.StatusSuppressed
	case valueBlank:
		if !hasNum || !hasDen || (!percent && ind.Unit != vs.UnitRatePer10k) {
			o.Status = vs.StatusMissing
			break
		}
		if den == 0 {
			_, at := get(fDenominator)
			bad(fDenominator, at, "the denominator is 0, so the value cannot be worked out", "give the value, or n/a")
			return
		}
		v := num / den
		if percent && v > 1 {
			_, at := get(fNumerator)
			bad(fNumerator, at, fmt.Sprintf("the numerator %s is larger than the denominator %s: more than 100%%",
				formatNum(num), formatNum(den)), "")
			return
		}
		if !percent {
			v *= 10000
		}
		o.Value = sql.NullFloat64{Float64: v, Valid: true}
	case valueNumber:
		v := val.num
		switch {
		case val.percent && !percent:
			bad(fValue, valAt, fmt.Sprintf("%s is a percentage, but indicator %s is %s",
				vs.Quote(trimCell(valText)), ind.ID, unitWords(ind.Unit)), "")
			return
		case percent && v < 0:
			bad(fValue, valAt, fmt.Sprintf("%s is negative: a percentage is between 0%% and 100%%", vs.Quote(trimCell(valText))), "")
			return
		case val.percent && v > 1:
			bad(fValue, valAt, fmt.Sprintf("%s is more than 100%%", vs.Quote(trimCell(valText))), "")
			return
		case percent && !val.percent:
			t.pct = append(t.pct, pctCell{obs: len(r.obs), at: valAt})
			if v > 0 && v < 1 && t.frac < 0 {
				t.frac = len(t.pct) - 1
			}
			if v > 1 && t.over < 0 {
				t.over = len(t.pct) - 1
			}
		}
		o.Value = sql.NullFloat64{Float64: v, Valid: true}
	}
	r.obs = append(r.obs, o)
}

func unitWords(u vs.Unit) string {
	switch u {
	case vs.UnitRatePer10k:
		return "a rate per 10,000"
	case vs.UnitCount:
		return "a count"
	case vs.UnitDays:
		return "a number of days"
	case vs.UnitCurrency:
		return "an amount of money"
	}
	return "a number"
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// end applies the percent column rule once the table is read: the plain
// numbers of percent indicators in one Value column are all fractions or
// all percentages.
func (r *reader) end(t *table) {
	if t.frac >= 0 && t.over >= 0 {
		frac, over := t.pct[t.frac], t.pct[t.over]
		later := max(t.frac, t.over)
		r.problem(t.pct[later].at, fieldNames[fValue], fmt.Sprintf(
			"the Value column mixes fractions (%s is %s) and percentages (%s is %s) for percent indicators",
			frac.at, formatNum(r.obs[frac.obs].Value.Float64),
			over.at, formatNum(r.obs[over.obs].Value.Float64)),
			"write every percentage one way: 0.875, 87.5 or 87.5%")
		return
	}
	scale := 1.0
	if t.over >= 0 {
		scale = 100
	}
	for _, c := range t.pct {
		v := &r.obs[c.obs].Value.Float64
		if *v/scale > 1 {
			r.problem(c.at, fieldNames[fValue], fmt.Sprintf("%s is more than 100%%", vs.Quote(formatNum(*v))), "")
			continue
		}
		*v /= scale
	}
	t.pct = nil
}

func vsProblem(file, sheet, cell, reason, hint string) vs.Problem {
	return vs.Problem{File: file, Sheet: sheet, Cell: cell, Reason: reason, Hint: hint}
}

// rowCtx is one data row being read.
type rowCtx struct {
	r     *reader
	t     *table
	cells []string
	pos   func(int) where
}

// get returns the text of field f's cell and where it is.
func (rc *rowCtx) get(f field) (string, where) {
	i := rc.t.cols[f]
	if i < 0 {
		return "", where{}
	}
	var s string
	if i < len(rc.cells) {
		s = rc.cells[i]
	}
	return s, rc.pos(i)
}

func (rc *rowCtx) bad(f field, at where, reason, hint string) {
	rc.r.problem(at, fieldNames[f], reason, hint)
}

// count reads a Numerator or Denominator cell: a number that is not
// negative, or a marker (no number).
func (rc *rowCtx) count(f field) (float64, bool) {
	s, at := rc.get(f)
	v, err := parseValue(s)
	switch {
	case err != nil:
		rc.bad(f, at, err.Error(), "")
	case v.kind != valueNumber:
		return 0, false
	case v.percent:
		rc.bad(f, at, fmt.Sprintf("%s is a percentage: the %s is a count", vs.Quote(s), strings.ToLower(f.String())), "")
	case v.num < 0:
		rc.bad(f, at, fmt.Sprintf("%s is negative: the %s is a count", vs.Quote(s), strings.ToLower(f.String())), "")
	default:
		return v.num, true
	}
	return 0, false
}

// text reads a Commentary or Outcome cell, as written.
func (rc *rowCtx) text(f field) string {
	s, at := rc.get(f)
	s = trimCell(s)
	if n := utf8.RuneCountInString(s); n > maxText {
		rc.bad(f, at, fmt.Sprintf("the %s is %d characters long; at most %d are kept", strings.ToLower(f.String()), n, maxText),
			"shorten it, or link to a longer document")
	}
	return s
}
