package collector

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"

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
// headerKey folds them: the names of the template, and those that
// case-management exports and performance trackers use. A configuration's
// columns: key adds more (see headerNames).
var fieldAliases = [numFields][]string{
	fPeriod: {"period", "month", "date", "reportingperiod", "reportingmonth", "reportmonth", "monthending",
		"monthend", "periodending", "periodend", "reportingdate"},
	fIndicator: {"indicator", "measure", "kpi", "indicatorid", "indicatorname", "indicatordescription",
		"kpiname", "kpidescription", "kpiid", "kpiref", "measurename", "measuredescription", "measureid",
		"performanceindicator", "metric"},
	fTeam: {"team", "area", "locality", "service", "teamid", "teamname", "servicearea", "servicename",
		"areaname", "localityname"},
	fValue: {"value", "actual", "result", "performance", "percentage", "percent", "figure", "rate", "score",
		"count", "number"},
	fNumerator:   {"numerator"},
	fDenominator: {"denominator"},
	fStatus:      {"status", "datastatus"},
	fCommentary:  {"commentary", "comment", "comments", "notes", "narrative"},
	fOutcome:     {"outcome", "outcomes", "impact"},
}

// headerLimit is how many rows from the top the header row may be.
const headerLimit = 20

// maxText caps Commentary and Outcome, in characters.
const maxText = 4000

// maxProblems caps the problems kept per file; the rest are counted.
const maxProblems = 1000

// headerKey folds a header: case, space and punctuation do not matter, and
// "%" is the word "percent".
func headerKey(s string) string { return config.ColumnKey(s) }

// fieldOf returns the field a header names among the built-in names.
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

// headerNames maps folded headers to fields: the built-in names, and the
// catalogue's own column names, which win where the two disagree (the
// authority named them so on purpose).
type headerNames map[string]field

func newHeaderNames(c vs.ColumnNames) headerNames {
	h := headerNames{}
	for f, names := range fieldAliases {
		for _, n := range names {
			h[n] = field(f)
		}
	}
	for f, names := range c.Lists() {
		for _, n := range names {
			if k := headerKey(n); k != "" {
				h[k] = field(f)
			}
		}
	}
	return h
}

// field returns the field header names.
func (h headerNames) field(header string) (field, bool) {
	k := headerKey(header)
	if k == "" {
		return 0, false
	}
	f, ok := h[k]
	return f, ok
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

// matcher finds indicators and teams by id, name or alias. Each indicator
// and team also has a small index, for compact duplicate keys.
type matcher struct {
	cat   *vs.Catalogue
	inds  map[string]indMatch
	teams map[string]teamMatch
	// Cell text as written, looked up before: rows repeat the same few
	// texts, so most lookups skip normalising. Bounded by cacheMax.
	indCache  map[string]indMatch
	teamCache map[string]teamMatch
	authority uint32 // the index of the whole authority
}

// indMatch is a known indicator and its index; ind is nil for unknown text.
type indMatch struct {
	ind *vs.Indicator
	idx uint32
}

// teamMatch is a known team's id, the catalogue's own string, and its
// index; ok is false for unknown text.
type teamMatch struct {
	id  string
	idx uint32
	ok  bool
}

// cacheMax bounds each cache of cell text kept by a reader.
const cacheMax = 4096

func newMatcher(cat *vs.Catalogue) *matcher {
	m := &matcher{cat: cat, inds: map[string]indMatch{}, teams: map[string]teamMatch{},
		indCache: map[string]indMatch{}, teamCache: map[string]teamMatch{}}
	indIdx := map[string]uint32{}
	add := func(name string, ind *vs.Indicator) {
		if k := config.NormaliseName(name); k != "" {
			if _, dup := m.inds[k]; !dup {
				idx, ok := indIdx[ind.ID]
				if !ok {
					idx = uint32(len(indIdx))
					indIdx[ind.ID] = idx
				}
				m.inds[k] = indMatch{ind, idx}
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
	teamIdx := map[string]uint32{}
	addTeam := func(name, id string) {
		if k := config.NormaliseName(name); k != "" {
			if _, dup := m.teams[k]; !dup {
				idx, ok := teamIdx[id]
				if !ok {
					idx = uint32(len(teamIdx))
					teamIdx[id] = idx
				}
				m.teams[k] = teamMatch{id, idx, true}
			}
		}
	}
	auth, _ := cat.Team(vs.AuthorityTeam)
	addTeam(auth.ID, auth.ID)
	addTeam(auth.Name, auth.ID)
	for _, t := range cat.Teams {
		addTeam(t.ID, t.ID)
		addTeam(t.Name, t.ID)
		for _, a := range t.Aliases {
			addTeam(a, t.ID)
		}
	}
	idx, ok := teamIdx[vs.AuthorityTeam]
	if !ok {
		idx = uint32(len(teamIdx))
	}
	m.authority = idx
	return m
}

func (m *matcher) indicator(s string) (indMatch, bool) {
	if im, ok := m.indCache[s]; ok {
		return im, im.ind != nil
	}
	im := m.inds[config.NormaliseName(s)]
	if len(m.indCache) < cacheMax {
		m.indCache[strings.Clone(s)] = im
	}
	return im, im.ind != nil
}

func (m *matcher) team(s string) (teamMatch, bool) {
	if tm, ok := m.teamCache[s]; ok {
		return tm, tm.ok
	}
	tm := m.teams[config.NormaliseName(s)]
	if len(m.teamCache) < cacheMax {
		m.teamCache[strings.Clone(s)] = tm
	}
	return tm, tm.ok
}

// listHint names the known ids when there are few enough to read.
func listHint(what string, ids []string, more string) string {
	const show = 12
	if len(ids) > show {
		return fmt.Sprintf("%d %s are known: %s", len(ids), what, more)
	}
	return "known " + what + ": " + strings.Join(ids, ", ")
}

// nearest returns the known name closest to text by edit distance over the
// normalised forms, if it is close enough to be a likely typo or variant:
// within a quarter of the longer name's length (at least 2 edits), so
// "Referals" finds "Referrals" but "Dental" finds nothing. The distance is
// github.com/agnivade/levenshtein's, over runes.
func nearest(text string, names []string) (string, bool) {
	k := config.NormaliseName(text)
	if k == "" {
		return "", false
	}
	best, bestD := "", -1
	for _, n := range names {
		d := levenshtein.ComputeDistance(k, config.NormaliseName(n))
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	limit := max(2, max(len([]rune(k)), len([]rune(config.NormaliseName(best))))/4)
	return best, bestD >= 0 && bestD <= limit
}

func (m *matcher) indicatorHint(text string) string {
	var names []string
	byName := map[string]string{}
	for _, ind := range m.cat.Indicators {
		for _, n := range append([]string{ind.ID, ind.Name}, ind.Aliases...) {
			names = append(names, n)
			byName[n] = ind.ID
		}
	}
	if n, ok := nearest(text, names); ok {
		if byName[n] == n {
			return fmt.Sprintf("did you mean %s?", vs.Quote(n))
		}
		return fmt.Sprintf("did you mean %s (%s)?", vs.Quote(n), byName[n])
	}
	ids := make([]string, len(m.cat.Indicators))
	for i, ind := range m.cat.Indicators {
		ids[i] = ind.ID
	}
	return listHint("indicators", ids, "vitalsigns indicators lists them")
}

func (m *matcher) teamHint(text string) string {
	if h, ok := m.nearTeam(text, true); ok {
		return h
	}
	return listHint("teams", m.cat.TeamIDs(), "vitalsigns config show lists them")
}

// nearTeam returns "did you mean …?" naming the team whose id, name or
// alias is nearest text, if one is near enough; the whole authority is
// among them when authority is set.
func (m *matcher) nearTeam(text string, authority bool) (string, bool) {
	var names []string
	byName := map[string]string{}
	teams := m.cat.Teams
	if authority {
		auth, _ := m.cat.Team(vs.AuthorityTeam)
		teams = append([]vs.Team{auth}, teams...)
	}
	for _, t := range teams {
		for _, n := range append([]string{t.ID, t.Name}, t.Aliases...) {
			if _, dup := byName[n]; !dup {
				names = append(names, n)
				byName[n] = t.ID
			}
		}
	}
	n, ok := nearest(text, names)
	if !ok {
		return "", false
	}
	if byName[n] == n {
		return fmt.Sprintf("did you mean %s?", vs.Quote(n)), true
	}
	return fmt.Sprintf("did you mean %s (%s)?", vs.Quote(n), byName[n]), true
}

// table is one header and the rows under it: a csv file or one sheet.
type table struct {
	sheet string
	xlsx  bool
	found bool
	cols  [numFields]int // -1 when the column is absent
	// wide is set for a scorecard: one column per period, listed in
	// periods; only the Indicator, Team, Commentary and Outcome columns of
	// cols are read.
	wide    bool
	periods []periodCol
	idx     uint32 // index of sheet in reader.sheets
	// team is the team the sheet is named by, if any: the team of every
	// row when the table has no Team column. near is a "did you mean"
	// for a sheet name that nearly names a team.
	team teamMatch
	near string
	// years are the year headings over a scorecard's bare months.
	years yearRows
	// target is a scorecard's own Target column, -1 if none.
	target int
	// trans is set for a transposed table: one column per indicator.
	trans []transCol

	// best is the header-like row with the most fields, for the message
	// when no row qualifies.
	best       where
	bestFields []field

	// Plain numbers of percent indicators, decided when the table ends:
	// which they are is marked in reader.pct, from observation start on.
	start int
	pctRule
}

// pctRule is the percent rule's state for a column of plain numbers of
// percent indicators (the long layout's Value column, a transposed table's
// indicator column), decided when the table ends.
type pctRule struct {
	// frac and over index (into reader.obs) the first plain value strictly
	// between 0 and 1, and the first above 1; -1 when there is none.
	frac, over     int
	fracAt, overAt where
	// big lists the first plain values that are more than 100% if the
	// column holds percentages, with where they are; bigMore counts the
	// rest, which could only be counted as dropped problems.
	big     []pctCell
	bigMore int
}

func newPctRule() pctRule { return pctRule{frac: -1, over: -1} }

// see notes plain value v of observation i, found at at.
func (p *pctRule) see(i int, v float64, at where) {
	if v > 0 && v < 1 && p.frac < 0 {
		p.frac, p.fracAt = i, at
	}
	if v > 1 && p.over < 0 {
		p.over, p.overAt = i, at
	}
	// More than 100% if the column holds percentages, as it does when a
	// value is above 1: the table's end reports these, in order.
	if v/100 > 1 {
		if len(p.big) < maxProblems {
			p.big = append(p.big, pctCell{obs: i, at: at})
		} else {
			p.bigMore++
		}
	}
}

// pctCell is a plain number given for a percent indicator.
type pctCell struct {
	obs int // index into reader.obs
	at  where
}

func newTable(sheet string, xlsx bool) *table {
	return &table{sheet: sheet, xlsx: xlsx, pctRule: newPctRule()}
}

// seenKey identifies an observation compactly: indicator and team by their
// matcher indexes, the period by its last day (an indicator has one
// frequency, so the day decides the period).
type seenKey struct {
	ind, team uint32
	day       int32
}

// loc is a compact where: a table index, for the sheet, a row and a column.
type loc struct {
	row, col, table uint32
}

// reader holds the state of reading one file.
type reader struct {
	file     string
	m        *matcher
	xlsx     bool
	serials  bool // bare numbers in Period cells are date serials
	date1904 bool
	obs      *figures
	// want is the capacity obs should grow to at once when it fills: an
	// estimate, from a scan of the file, of the observations to come.
	want    int
	pct     []uint64 // bit i: obs[i] is a plain number of a percent indicator
	probs   vs.Problems
	dropped int
	seen    seenIndex
	sheets  []string // the sheet of each table, by table.idx
	labels  map[string]label
	texts   map[string]string // interned Commentary and Outcome text
	// total counts every problem, rowLevel those confined to one row (which
	// lenient mode skips), skipped the rows they were in.
	total, rowLevel, skipped int
	// Warnings, and the privacy patterns with the texts already checked.
	warns   vs.Problems
	privacy []privacyCheck
	private map[string]struct{}
	rows    int // data rows read
	// layouts has a bit per layout detected (layoutLongBit, layoutWideBit).
	layouts uint8
	// stopped is set when a limit ended reading early, so that the absence
	// of a table is not reported as well.
	stopped bool
	// fmts is, for the xlsx row being read, the number format class
	// (sheetFmtPercent, sheetFmtDate) of each cell holding a number, by
	// column; nil for csv. See cellFormat.
	fmts []uint8
	// tables are the file's tables, one a sheet.
	tables []*table
	// names are the headers known for each field; configured lists the
	// catalogue's own, by field, for messages.
	names      headerNames
	configured [numFields][]string
}

func newReader(file string, cat *vs.Catalogue) *reader {
	return &reader{file: file, m: newMatcher(cat), seen: newSeenIndex(), obs: newFigures(), names: newHeaderNames(cat.Columns),
		labels: map[string]label{}, texts: map[string]string{},
		privacy: compilePrivacy(cat.Privacy), private: map[string]struct{}{}, configured: [numFields][]string(cat.Columns.Lists())}
}

// newTable starts a table of the file and records its sheet, and the team
// the sheet is named by.
func (r *reader) newTable(sheet string) *table {
	t := newTable(sheet, r.xlsx)
	t.idx, t.start = uint32(len(r.sheets)), r.obs.Len()
	r.sheets = append(r.sheets, sheet)
	r.tables = append(r.tables, t)
	if r.xlsx && trimCell(sheet) != "" {
		if tm, ok := r.m.team(sheet); ok {
			t.team = tm
		} else {
			t.near, _ = r.m.nearTeam(sheet, false)
		}
	}
	return t
}

// teamSheets notes the sheets read as one team's (each with a table but no
// Team column, named by a team other than the whole authority) and reports
// a sheet whose name nearly names a team: its figures would be read as the
// whole authority's. That is a problem where other sheets are named by
// teams (a sheet per team, one misnamed), a warning otherwise.
func (r *reader) teamSheets() {
	perTeam := false
	for _, t := range r.tables {
		if t.found && t.cols[fTeam] < 0 && t.team.ok && t.team.id != vs.AuthorityTeam {
			perTeam = true
		}
	}
	if perTeam {
		r.layouts |= 1 << layoutTeamSheetsBit
	}
	for _, t := range r.tables {
		if !t.found || t.cols[fTeam] >= 0 || t.team.ok || t.near == "" {
			continue
		}
		at := where{sheet: t.sheet, xlsx: true}
		reason := fmt.Sprintf("the sheet's name %s is not a team, so its figures are read as the whole authority's", vs.Quote(t.sheet))
		hint := "rename the sheet after the team (" + t.near + "), or add a Team column"
		if perTeam {
			r.problem(at, fieldNames[fTeam], reason, hint)
			continue
		}
		r.warns = append(r.warns, r.located(at, fieldNames[fTeam], reason, hint))
	}
}

// compact returns the loc of w, a cell of table t.
func (t *table) compact(w where) loc {
	return loc{row: uint32(w.row), col: uint32(w.col), table: t.idx}
}

// where expands l back into the cell it names.
func (r *reader) where(l loc) where {
	w := where{row: int(l.row), col: int(l.col), xlsx: r.xlsx}
	if r.xlsx {
		w.sheet = r.sheets[l.table]
	}
	return w
}

// expect notes that about n more observations are coming.
func (r *reader) expect(n int) {
	if n > 0 {
		r.want = r.obs.Len() + n
	}
}

// label parses a period cell, remembering labels already read.
func (r *reader) label(s string) (label, error) {
	if l, ok := r.labels[s]; ok {
		return l, nil
	}
	l, err := parseLabel(s, r.serials, r.date1904)
	if err == nil && len(r.labels) < cacheMax {
		r.labels[strings.Clone(s)] = l
	}
	return l, err
}

// cellFormat is the number format class (sheetFmtPercent, sheetFmtDate)
// of column i of the xlsx row being read when the cell holds a number; 0
// for text, a blank cell, a number in any other format, and csv.
func (r *reader) cellFormat(i int) uint8 {
	if i < 0 || i >= len(r.fmts) {
		return 0
	}
	return r.fmts[i]
}

// periodLabel reads s, the text of a Period cell or a period heading in
// column i. A number is a date serial: in a date-formatted cell for
// certain, and in an unformatted one too (as parseLabel reads xlsx), since
// some programs write dates without a format; only a date-formatted one
// is told, when implausible, that it is a date out of range rather than to
// format the cell as a date.
func (r *reader) periodLabel(s string, i int) (label, error) {
	l, err := r.label(s)
	if err != nil && r.cellFormat(i)&sheetFmtDate != 0 {
		if f, ok := serial(trimCell(s)); ok {
			if f >= 1 && f < 2_900_000 { // up to the year 9000
				return label{}, fmt.Errorf("the date %s is not a plausible period: dates from 1990 to 2099 are read", serialDate(f, r.date1904))
			}
			return label{}, fmt.Errorf("the number %s, in a cell formatted as a date, is not a plausible date", vs.Quote(trimCell(s)))
		}
	}
	return l, err
}

// percentFormatted reads a number in a percent-formatted cell, which is a
// fraction (0.875 shown as 87.5%) as surely as text written with "%":
// the value is marked percent, and the text returned is the percentage
// as shown, for messages.
func percentFormatted(v value) (value, string) {
	v.percent = true
	p := v.num * 100
	if math.Abs(p) < 1e12 {
		p = math.Round(p*1e9) / 1e9
	}
	return v, strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// percentFormatHint is the hint for a percent-formatted number given for
// an indicator that is not a percentage.
const percentFormatHint = "the cell is formatted as a percentage: format it as a number"

// intern returns s as a string of its own, never a slice of a larger
// buffer such as a csv record, shared with earlier cells of the same text
// while there are few enough distinct texts to remember.
func (r *reader) intern(s string) string {
	if s == "" {
		return ""
	}
	if t, ok := r.texts[s]; ok {
		return t
	}
	t := strings.Clone(s)
	if len(r.texts) < cacheMax && len(s) <= 256 {
		r.texts[t] = t
	}
	return t
}

// problem records a problem at w; with w zero, for the whole file.
func (r *reader) problem(w where, f string, reason, hint string) {
	r.total++
	if len(r.probs) >= maxProblems {
		r.dropped++
		return
	}
	r.probs = append(r.probs, r.located(w, f, reason, hint))
}

// located builds a problem (or warning) at w.
func (r *reader) located(w where, f string, reason, hint string) vs.Problem {
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
	return p
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
	cols := r.rowFields(cells)
	var got []field
	for f, i := range cols {
		if i >= 0 {
			got = append(got, field(f))
		}
	}
	slices.SortFunc(got, func(a, b field) int { return cols[a] - cols[b] })
	if cols[fPeriod] >= 0 && cols[fIndicator] >= 0 && (cols[fValue] >= 0 || cols[fNumerator] >= 0 && cols[fDenominator] >= 0) {
		t.found, t.cols = true, cols
		r.layouts |= 1 << layoutLongBit
		return true
	}
	if r.wideHeader(t, cols, cells, pos) {
		r.layouts |= 1 << layoutWideBit
		return true
	}
	if r.transposedHeader(t, cols, cells, pos) {
		return true
	}
	if len(got) >= 2 && len(got) > len(t.bestFields) {
		t.bestFields = got
		t.best = pos(0)
	}
	r.noteYears(t, cells)
	return n < headerLimit
}

// rowFields returns the column of each field a row names (the leftmost,
// where two name the same), -1 for those it does not.
func (r *reader) rowFields(cells []string) [numFields]int {
	var cols [numFields]int
	for i := range cols {
		cols[i] = -1
	}
	for i, c := range cells {
		if f, ok := r.names.field(c); ok && cols[f] < 0 {
			cols[f] = i
		}
	}
	return cols
}

// noHeader reports that no table was found, naming the likeliest row.
func (r *reader) noHeader(tables []*table) {
	if r.stopped {
		return
	}
	want := "a header row within the first 20 rows naming the columns Period, Indicator and Value " +
		"(or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), " +
		"or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, " +
		"or a Period column and one column per indicator"
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
		if !have[f] && (f != fValue || !have[fNumerator] || !have[fDenominator]) {
			missing = append(missing, fmt.Sprintf("%s (or %s)", f, r.aliasList(f)))
		}
	}
	r.problem(best.best, "", fmt.Sprintf("this row looks like the header (%s) but lacks %s",
		strings.Join(names, ", "), strings.Join(missing, " and ")), "expected "+want)
}

// aliasList names the other headers field f is known by, for a message:
// the usual built-in ones and every configured one.
func (r *reader) aliasList(f field) string {
	var names []string
	switch f {
	case fPeriod:
		names = []string{"Month", "Date", "Reporting period", "Reporting month", "Month ending", "Period ending"}
	case fIndicator:
		names = []string{"Measure", "KPI", "Indicator ID", "Indicator name", "KPI name", "KPI description", "Measure name"}
	default:
		names = []string{"Actual", "Result", "Performance", "Percentage", "%", "Figure", "Rate", "Score", "Count", "Number"}
	}
	names = append(names, r.configured[f]...)
	s := strings.Join(names, ", ")
	if f == fValue {
		s += "; or Numerator and Denominator"
	}
	return s
}

// data reads one row under the header.
func (r *reader) data(t *table, cells []string, pos func(int) where) {
	if t.wide {
		r.wideData(t, cells, pos)
		return
	}
	if t.trans != nil {
		r.transposedData(t, cells, pos)
		return
	}
	r.longData(t, cells, pos)
}

// longData reads one row of a long table.
func (r *reader) longData(t *table, cells []string, pos func(int) where) {
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

	ind, indIdx, indAt := rc.indicator()
	team, teamIdx := rc.team()

	// Period.
	perText, perAt := get(fPeriod)
	var period vs.Period
	if l, err := r.periodLabel(perText, t.cols[fPeriod]); err != nil {
		bad(fPeriod, perAt, err.Error(), "")
	} else if ind != nil {
		shown := func() string {
			if l.kind == labelDay {
				return l.date.String()
			}
			return trimCell(perText)
		}
		if p, err := l.resolveText(ind.Frequency, shown); err != nil {
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
	pctHint := ""
	if val.kind == valueNumber && r.cellFormat(t.cols[fValue])&sheetFmtPercent != 0 {
		val, valText = percentFormatted(val)
		pctHint = percentFormatHint
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
		key := seenKey{ind: indIdx, team: teamIdx, day: dayNumber(period.Last)}
		if first, dup := r.seen.first(key, t.compact(indAt)); dup {
			bad(fIndicator, indAt, fmt.Sprintf("a second row for indicator %s, team %s, period %s: the first is at %s",
				ind.ID, team, period, r.where(first)), "keep one of the two rows")
		}
	}
	if len(r.probs)+r.dropped > before {
		r.skipped++
		return
	}
	if ind == nil {
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
		ratio := percent || ind.Unit == vs.UnitRatePer10k
		if t.cols[fValue] < 0 && !ratio && (hasNum || hasDen) {
			_, at := get(fIndicator)
			bad(fValue, at, fmt.Sprintf("the table has no Value column, and indicator %s is %s: only a percentage or a rate is worked out from the numerator and denominator",
				ind.ID, unitWords(ind.Unit)), "add a Value column with the figure")
			return
		}
		if !hasNum || !hasDen || !ratio {
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
				vs.Quote(trimCell(valText)), ind.ID, unitWords(ind.Unit)), pctHint)
			return
		case hasNum && hasDen && den > 0 && !ratioAgrees(ind, val, valText, num/den):
			bad(fValue, valAt, fmt.Sprintf("the value %s disagrees with the numerator and denominator: %s / %s is %s",
				vs.Quote(trimCell(valText)), formatNum(num), formatNum(den), ratioWords(ind, num/den)),
				"correct the value, the numerator or the denominator")
			return
		case percent && v < 0:
			bad(fValue, valAt, fmt.Sprintf("%s is negative: a percentage is between 0%% and 100%%", vs.Quote(trimCell(valText))), "")
			return
		case val.percent && v > 1:
			bad(fValue, valAt, fmt.Sprintf("%s is more than 100%%", vs.Quote(trimCell(valText))), "")
			return
		case percent && !val.percent:
			i := r.obs.Len()
			if w := i / 64; w >= len(r.pct) {
				r.pct = append(r.pct, make([]uint64, w+1-len(r.pct))...)
			}
			r.pct[i/64] |= 1 << (i % 64)
			t.see(i, v, valAt)
		}
		o.Value = sql.NullFloat64{Float64: v, Valid: true}
	}
	r.obs.grow(r.want)
	r.obs.add(o, ind)
}

// dayNumber numbers the days of the proleptic Gregorian calendar, from
// 1970-01-01 as 0.
func dayNumber(d vs.Date) int32 {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
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

// ratioAgrees reports whether the value given for a percentage or a rate
// per 10,000 agrees with the ratio of its numerator and denominator, to
// within the rounding of the value as written (half a unit of its last
// decimal place: 88% for 35/40 agrees, 80% does not). A plain number of a
// percent indicator agrees when it does as a fraction or as a percentage:
// which it is, the column decides (a column cannot mix the two). Other
// indicators have no ratio to check.
func ratioAgrees(ind *vs.Indicator, val value, text string, ratio float64) bool {
	half := 0.5 * math.Pow(10, -float64(writtenDecimals(text)))
	near := func(v, want, tol float64) bool {
		return math.Abs(v-want) <= tol+1e-9*max(1, math.Abs(want))
	}
	switch ind.Unit {
	case vs.UnitPercent:
		if val.percent {
			return near(val.num, ratio, half/100)
		}
		return near(val.num, ratio, half) || near(val.num/100, ratio, half/100)
	case vs.UnitRatePer10k:
		return near(val.num, ratio*10000, half)
	}
	return true
}

// ratioWords renders a numerator over a denominator as the indicator's
// value: 87.5% or a rate of 41.3 per 10,000.
func ratioWords(ind *vs.Indicator, ratio float64) string {
	if ind.Unit == vs.UnitPercent {
		return formatNum(math.Round(ratio*1e4)/100) + "%"
	}
	return formatNum(math.Round(ratio*1e6)/100) + " per 10,000"
}

// writtenDecimals counts the digits after the decimal point of the number
// written in s ("87.5%" has 1, "1,234" none); a number in exponent form
// counts as precise.
func writtenDecimals(s string) int {
	s = trimCell(s)
	if strings.ContainsAny(s, "eE") {
		return 15
	}
	_, frac, ok := strings.Cut(s, ".")
	if !ok {
		return 0
	}
	n := 0
	for n < len(frac) && frac[n] >= '0' && frac[n] <= '9' {
		n++
	}
	return n
}

// end applies the percent column rule once the table is read: the plain
// numbers of percent indicators in one Value column are all fractions or
// all percentages.
func (r *reader) end(t *table) {
	if t.trans != nil {
		r.endTransposed(t)
		return
	}
	if t.frac >= 0 && t.over >= 0 {
		later := t.fracAt
		if t.over > t.frac {
			later = t.overAt
		}
		r.problem(later, fieldNames[fValue], fmt.Sprintf(
			"the Value column mixes fractions (%s is %s) and percentages (%s is %s) for percent indicators",
			t.fracAt, formatNum(r.obs.value(t.frac)),
			t.overAt, formatNum(r.obs.value(t.over))),
			"write every percentage one way: 0.875, 87.5 or 87.5%")
		return
	}
	if t.over < 0 {
		// Fractions throughout: nothing is more than 1, nothing to scale.
		t.big, t.bigMore = nil, 0
		return
	}
	const scale = 100
	big := t.big
	for i := t.start; i < r.obs.Len(); i++ {
		if i/64 >= len(r.pct) {
			break
		}
		if r.pct[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		v := r.obs.value(i)
		if v/scale > 1 {
			if len(big) > 0 && big[0].obs == i {
				r.problem(big[0].at, fieldNames[fValue], fmt.Sprintf("%s is more than 100%%", vs.Quote(formatNum(v))), "")
				big = big[1:]
			}
			continue
		}
		r.obs.setValue(i, v/scale)
	}
	// Those not listed came after the first maxProblems, by when the list
	// of problems is full.
	r.dropped += t.bigMore
	t.big, t.bigMore = nil, 0
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

// indicator reads the row's Indicator cell; ind is nil when it is blank
// or unknown, which is reported.
func (rc *rowCtx) indicator() (ind *vs.Indicator, idx uint32, at where) {
	text, at := rc.get(fIndicator)
	if trimCell(text) == "" {
		rc.bad(fIndicator, at, "the indicator is blank", "")
	} else if im, ok := rc.r.m.indicator(text); ok {
		return im.ind, im.idx, at
	} else {
		rc.bad(fIndicator, at, "unknown indicator "+vs.Quote(text), rc.r.m.indicatorHint(text))
	}
	return nil, 0, at
}

// team reads the row's Team cell: an absent column or a blank cell is the
// whole authority, except that a sheet named by a team and having no Team
// column is that team's. team is "" when the text is unknown, which is reported.
func (rc *rowCtx) team() (team string, idx uint32) {
	if rc.t.cols[fTeam] < 0 && rc.t.team.ok {
		return rc.t.team.id, rc.t.team.idx // a sheet per team
	}
	text, at := rc.get(fTeam)
	if trimCell(text) == "" {
		return vs.AuthorityTeam, rc.r.m.authority
	}
	if tm, ok := rc.r.m.team(text); ok {
		return tm.id, tm.idx
	}
	rc.bad(fTeam, at, "unknown team "+vs.Quote(text), rc.r.m.teamHint(text))
	return "", 0
}

func (rc *rowCtx) bad(f field, at where, reason, hint string) {
	rc.r.rowLevel++
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
	rc.r.checkPrivacy(f, at, s)
	return rc.r.intern(s)
}

// cellAt is the row's cell i, or "" past its last cell.
func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}
