package collector

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// The sheets of the template workbook, in tab order.
const (
	TemplateInstructions = "Instructions"
	TemplateData         = "Data"
	TemplateDefinitions  = "Definitions"
	// TemplateLists is hidden: it holds the dropdown lists of the Data
	// sheet. The collector never reads hidden sheets.
	TemplateLists = "Lists"
)

// TemplateRows is the last row of the Data sheet that the dropdowns and
// input messages cover (the header is row 1).
const TemplateRows = 5000

// Limits Excel puts on data validation text, in UTF-16 code units.
const (
	dvTitleMax  = 32
	dvPromptMax = 255
	dvErrorMax  = 225
	cellTextMax = 32767
)

// Template writes the blank input workbook for cat to w: the long layout
// the collector reads, with dropdowns for indicators, teams and status.
// now dates the workbook and picks the targets shown, which are those in
// force for the period containing now.
//
// The workbook has four sheets:
//
//   - Instructions: what the workbook is for, how to fill it in and submit
//     it, for which authority and when it was made.
//   - Data (the one that opens): the header row Period, Indicator, Team,
//     Value, Numerator, Denominator, Status, Commentary, Outcome and
//     nothing else: a blank workbook, because an example row would be
//     ingested as a figure. Period, Indicator, Team, Status, Commentary
//     and Outcome are text-formatted columns, so Excel keeps 2025-09 as
//     written rather than turning it into a date, and never turns typed
//     text starting with = into a formula. Value, Numerator and Denominator
//     stay General, so numbers are numbers and 87.5% is stored as 0.875.
//     Every column has an input message; Indicator, Team and Status have
//     dropdowns for rows 2 to TemplateRows, Indicator and Team taken from a
//     range of the hidden Lists sheet (an inline list is limited to 255
//     characters). The dropdowns warn rather than refuse, because the
//     collector also accepts ids, aliases and other spellings of a status.
//   - Definitions: one row per indicator, in catalogue order.
//   - Lists (hidden): indicator names, team names (the whole authority
//     first), statuses.
//
// Only Data has a row the collector takes for a long-layout header, so
// the filled-in workbook can be ingested as it is. Every text from the
// catalogue is written as a string cell, never as a formula, whatever it
// starts with.
func Template(w io.Writer, cat *vs.Catalogue, now time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	t := &templater{f: f, cat: cat, now: now.In(vs.London())}
	if err := t.build(); err != nil {
		return fmt.Errorf("build template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}

// templater builds one template workbook; err keeps the first error of a
// run of cell writes.
type templater struct {
	f   *excelize.File
	cat *vs.Catalogue
	now time.Time
	err error

	header, text, wrapText, wrap, title, label int // style ids
}

func (t *templater) keep(err error) {
	if t.err == nil && err != nil {
		t.err = err
	}
}

func (t *templater) build() error {
	f := t.f
	if err := f.SetSheetName("Sheet1", TemplateInstructions); err != nil {
		return err
	}
	for _, s := range []string{TemplateData, TemplateDefinitions, TemplateLists} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	if err := t.styles(); err != nil {
		return err
	}
	t.instructions()
	t.lists()
	t.data()
	t.definitions()
	if t.err != nil {
		return t.err
	}
	data, err := f.GetSheetIndex(TemplateData)
	if err != nil {
		return err
	}
	f.SetActiveSheet(data)
	if err := f.SetSheetVisible(TemplateLists, false); err != nil {
		return err
	}
	return f.SetDocProps(&excelize.DocProperties{
		Title:       "Vital Signs input workbook: " + t.authorityName(),
		Subject:     "Children's services performance figures",
		Creator:     "vitalsigns",
		Description: "Fill in the Data sheet and submit it with vitalsigns ingest, the inbox folder or the web upload.",
		Created:     t.now.UTC().Format(time.RFC3339),
		Modified:    t.now.UTC().Format(time.RFC3339),
		Language:    "en-GB",
	})
}

func (t *templater) styles() error {
	var err error
	add := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = t.f.NewStyle(s)
		return id
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	t.header = add(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "1F4E79", Style: 2}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		NumFmt:    49,
	})
	t.text = add(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top"}})
	t.wrapText = add(&excelize.Style{NumFmt: 49, Alignment: top})
	t.wrap = add(&excelize.Style{Alignment: top})
	t.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	t.label = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top})
	return err
}

// str writes s as a string cell: never a formula, whatever it starts with.
func (t *templater) str(sheet string, col, row int, s string) {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.keep(err)
		return
	}
	t.keep(t.f.SetCellStr(sheet, cell, capUTF16(s, cellTextMax)))
}

// style applies style id to the cells from (c1, r1) to (c2, r2).
func (t *templater) style(sheet string, c1, r1, c2, r2, id int) {
	a, err := excelize.CoordinatesToCellName(c1, r1)
	t.keep(err)
	b, err := excelize.CoordinatesToCellName(c2, r2)
	t.keep(err)
	if t.err == nil {
		t.keep(t.f.SetCellStyle(sheet, a, b, id))
	}
}

// widths sets the widths of the columns from A on.
func (t *templater) widths(sheet string, w ...float64) {
	for i, v := range w {
		col, err := excelize.ColumnNumberToName(i + 1)
		t.keep(err)
		if err == nil {
			t.keep(t.f.SetColWidth(sheet, col, col, v))
		}
	}
}

// freeze keeps the header row in view.
func (t *templater) freeze(sheet string) {
	t.keep(t.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}))
}

func (t *templater) authorityName() string {
	a, _ := t.cat.Team(vs.AuthorityTeam)
	return a.Name
}

// TemplateHeader is the header row of the template's Data sheet: the long
// layout's fields, in order.
func TemplateHeader() []string { return slices.Clone(fieldNames[:]) }

// teamNames lists the Team dropdown: the whole authority, then every team.
func (t *templater) teamNames() []string {
	names := []string{t.authorityName()}
	for _, tm := range t.cat.Teams {
		names = append(names, tm.Name)
	}
	return names
}

// The columns of the Lists sheet.
const (
	listIndicators = 1
	listTeams      = 2
	listStatuses   = 3
)

func (t *templater) lists() {
	const s = TemplateLists
	t.str(s, listIndicators, 1, "Indicator")
	t.str(s, listTeams, 1, "Team")
	t.str(s, listStatuses, 1, "Status")
	for i, ind := range t.cat.Indicators {
		t.str(s, listIndicators, i+2, ind.Name)
	}
	for i, n := range t.teamNames() {
		t.str(s, listTeams, i+2, n)
	}
	for i, st := range []vs.Status{vs.StatusActual, vs.StatusProvisional} {
		t.str(s, listStatuses, i+2, string(st))
	}
	t.style(s, 1, 1, 3, 1, t.header)
	t.widths(s, 50, 30, 14)
}

// listRange is the absolute reference to n items of a column of the Lists
// sheet, below its header.
func listRange(col, n int) string {
	n = max(n, 1)
	name, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("%s!$%s$2:$%s$%d", TemplateLists, name, name, n+1)
}

// column describes one column of the Data sheet.
type column struct {
	width  float64
	text   bool // text-formatted
	wrap   bool
	prompt string
	list   string // a range of the Lists sheet, or "" for none
	inline []string
	errMsg string
}

func (t *templater) columns() [numFields]column {
	auth := t.authorityName()
	return [numFields]column{
		fPeriod: {width: 13, text: true, prompt: "A month such as 2025-09, or a date such as 30/09/2025 (day first). " +
			"Weekly and fortnightly figures: the date the period ends. The column is text, so 2025-09 stays as written."},
		fIndicator: {width: 48, text: true, list: listRange(listIndicators, len(t.cat.Indicators)),
			prompt: "Choose the indicator from the list; the Definitions sheet explains each one. " +
				"Its id or a known alias is accepted too.",
			errMsg: "This is not an indicator name from the list. An indicator id or alias is accepted too; " +
				"anything else is rejected when the file is submitted."},
		fTeam: {width: 28, text: true, list: listRange(listTeams, len(t.cat.Teams)+1),
			prompt: "Choose the team, or leave blank for the whole authority (" + auth + ").",
			errMsg: "This is not a team from the list. A team id is accepted too; " +
				"anything else is rejected when the file is submitted."},
		fValue: {width: 12, prompt: "The figure. Percentages as 87.5% or 0.875, the same way throughout. " +
			"No figure: blank, - or n/a. Small number withheld: c, x, * or <5. Never write 0 for a missing figure."},
		fNumerator: {width: 12, prompt: "Optional: the count above the line (35 of 40 for 87.5%). " +
			"If Value is blank, a percentage or rate is worked out from Numerator and Denominator."},
		fDenominator: {width: 13, prompt: "Optional: the count below the line (40 for 35 of 40). " +
			"If Value is blank, a percentage or rate is worked out from Numerator and Denominator."},
		fStatus: {width: 13, text: true, inline: []string{string(vs.StatusActual), string(vs.StatusProvisional)},
			prompt: "actual, or provisional if the figure may still change. Blank means actual.",
			errMsg: "Write actual or provisional (final, confirmed, prov and p are understood too)."},
		fCommentary: {width: 60, text: true, wrap: true, prompt: "What the figure shows and why. " +
			"This goes into public committee papers: never name or identify a child or family."},
		fOutcome: {width: 60, text: true, wrap: true, prompt: "What is being done and what has changed as a result. " +
			"This goes into public committee papers: never name or identify a child or family."},
	}
}

func (t *templater) data() {
	const s = TemplateData
	cols := t.columns()
	var widths []float64
	for i, c := range cols {
		widths = append(widths, c.width)
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			t.keep(err)
			return
		}
		switch {
		case c.wrap:
			t.keep(t.f.SetColStyle(s, name, t.wrapText))
		case c.text:
			t.keep(t.f.SetColStyle(s, name, t.text))
		}
		t.str(s, i+1, 1, field(i).String())

		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, TemplateRows)
		dv.SetInput(capUTF16(field(i).String(), dvTitleMax), capUTF16(c.prompt, dvPromptMax))
		switch {
		case c.list != "":
			dv.SetSqrefDropList(c.list)
		case c.inline != nil:
			t.keep(dv.SetDropList(c.inline))
		}
		if c.errMsg != "" {
			dv.SetError(excelize.DataValidationErrorStyleWarning, capUTF16("Not in the list", dvTitleMax),
				capUTF16(c.errMsg, dvErrorMax))
		}
		t.keep(t.f.AddDataValidation(s, dv))
	}
	t.style(s, 1, 1, int(numFields), 1, t.header)
	t.widths(s, widths...)
	t.freeze(s)
}

// definitionHeader is the header row of the Definitions sheet. None of it
// is a long-layout header, so the collector skips the sheet.
var definitionHeader = []string{
	"ID", "Name", "Group", "Definition", "Unit (how to enter it)", "Better when", "Frequency",
	"How to write the period", "Target", "Amber when worse than", "Red when worse than",
	"Targets in force from", "England", "England reference", "England publication", "Also known as",
}

func (t *templater) definitions() {
	const s = TemplateDefinitions
	for i, h := range definitionHeader {
		t.str(s, i+1, 1, h)
	}
	today := vs.DateOf(t.now)
	for r, ind := range t.cat.Indicators {
		row := r + 2
		cells := []string{ind.ID, ind.Name, ind.Group, ind.Description, unitHow(ind.Unit),
			betterWhen(ind.Polarity), frequencyWords(ind.Frequency), periodHow(ind.Frequency)}
		var target, amber, red, from string
		if th, ok := ind.ThresholdAt(vs.PeriodContaining(ind.Frequency, today)); ok {
			target, amber, red = formatPtr(&ind, th.Target), formatPtr(&ind, th.Amber), formatPtr(&ind, th.Red)
			if !th.From.IsZero() {
				from = ukDate(th.From)
			}
		}
		cells = append(cells, target, amber, red, from)
		var eng, ref, pub string
		if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok {
			eng, ref, pub = ind.Format(b.Value), b.Reference, b.Publication
		}
		cells = append(cells, eng, ref, pub, strings.Join(ind.Aliases, "; "))
		for c, v := range cells {
			t.str(s, c+1, row, v)
		}
	}
	last := len(t.cat.Indicators) + 1
	t.style(s, 1, 2, len(definitionHeader), max(last, 2), t.wrap)
	t.style(s, 1, 1, len(definitionHeader), 1, t.header)
	t.widths(s, 26, 36, 18, 70, 26, 12, 11, 26, 10, 12, 12, 14, 10, 22, 30, 50)
	t.freeze(s)
	end, err := excelize.CoordinatesToCellName(len(definitionHeader), max(last, 2))
	t.keep(err)
	if err == nil {
		t.keep(t.f.AutoFilter(s, "A1:"+end, nil))
	}
}

func formatPtr(ind *vs.Indicator, v *float64) string {
	if v == nil {
		return ""
	}
	return ind.Format(*v)
}

// unitHow says in words what an indicator is measured in and how to write
// it.
func unitHow(u vs.Unit) string {
	switch u {
	case vs.UnitPercent:
		return "percentage (enter 87.5% or 0.875)"
	case vs.UnitCount:
		return "count (a whole number, such as 32)"
	case vs.UnitRatePer10k:
		return "rate per 10,000 children (such as 412.5)"
	case vs.UnitDays:
		return "number of days (such as 21.5)"
	case vs.UnitNumber:
		return "number (such as 17.5)"
	case vs.UnitCurrency:
		return "amount in pounds (such as 1,234.56)"
	}
	return string(u)
}

func betterWhen(p vs.Polarity) string {
	switch p {
	case vs.HigherIsBetter:
		return "higher"
	case vs.LowerIsBetter:
		return "lower"
	}
	return "neither"
}

func frequencyWords(f vs.Frequency) string {
	if f == vs.Biweekly {
		return "fortnightly"
	}
	return string(f)
}

// periodHow says how to write the Period of an indicator of frequency f.
func periodHow(f vs.Frequency) string {
	switch f {
	case vs.Weekly:
		return "the date the week ends, such as 28/09/2025"
	case vs.Biweekly:
		return "the date the fortnight ends, such as 28/09/2025"
	case vs.Monthly:
		return "the month, such as 2025-09"
	case vs.Quarterly:
		return "the quarter, such as 2025-26 Q2, or a month in it"
	}
	return "the financial year, such as 2025-26"
}

// ukDate renders d for people in the UK: 5 November 2026.
func ukDate(d vs.Date) string {
	return strconv.Itoa(d.Day) + " " + d.Month.String() + " " + strconv.Itoa(d.Year)
}

func (t *templater) instructions() {
	const s = TemplateInstructions
	auth := t.authorityName()
	teams := "no teams are configured, so every figure is for the whole authority"
	if n := len(t.cat.Teams); n > 0 {
		teams = fmt.Sprintf("%d teams (listed in the Team dropdown)", n)
	}
	rows := [][2]string{
		{"Vital Signs input workbook", ""},
		{"Authority", auth},
		{"Generated", ukDate(vs.DateOf(t.now)) + " by vitalsigns, from the indicator catalogue in force that day: " +
			fmt.Sprintf("%d indicators, %s.", len(t.cat.Indicators), teams)},
		{"", ""},
		{"What it is for", "This workbook carries the authority's children's services performance figures into Vital Signs, " +
			"which rates each indicator against its target, draws the trends and forecasts, and writes the monthly " +
			"Vital Signs report for the Overview and Scrutiny Committee."},
		{"How to fill it in", "Fill in the " + TemplateData + " sheet: one row per figure, that is one indicator for " +
			"one team and one period. Leave the header row as it is. Columns you add are ignored, and so are blank rows. " +
			"Two rows for the same indicator, team and period are rejected. The dropdowns cover rows 2 to " +
			strconv.Itoa(TemplateRows) + "."},
		{"Period", "A month such as 2025-09, or a date. Dates are read day first, as in the UK: 01/04/2025 is 1 April 2025. " +
			"Weekly and fortnightly indicators take the date the week or fortnight ends. The Period column is formatted " +
			"as text, so that Excel keeps 2025-09 as written instead of turning it into a date; real dates pasted in are read too. " +
			"The " + TemplateDefinitions + " sheet says which period each indicator takes."},
		{"Indicator", "Choose the indicator's name from the dropdown. The " + TemplateDefinitions + " sheet gives each " +
			"indicator's definition, unit, target and England figure. An indicator's id or a known alias is accepted too."},
		{"Team", "Choose the team from the dropdown, or leave it blank for the whole authority (" + auth + ")."},
		{"Value", "The figure itself. Percentages as 87.5% or 0.875; write every percentage the same way " +
			"(do not mix 87.5 without a % sign with 0.875). Thousands may be written 1,234."},
		{"No figure", "Leave Value blank, or write - or n/a. A figure that does not exist is never 0."},
		{"Small numbers", "Where a figure is withheld to protect children's privacy, write c, x, * or <5 in Value: " +
			"it is recorded as suppressed, never as 0."},
		{"Numerator, Denominator", "Optional counts behind a percentage or rate: 35 and 40 for 87.5%. " +
			"Give them where you have them, so that team figures add up correctly. If Value is blank and both are given, " +
			"the value is worked out from them."},
		{"Status", "actual, or provisional for a figure that may still change. Blank means actual. " +
			"A later file with a corrected figure is kept as a revision, with an audit trail."},
		{"Commentary, Outcome", "Commentary says what the figure shows and why; Outcome says what is being done and what has " +
			"changed as a result. Both are printed in public committee papers: never name a child or family, and never " +
			"give details that could identify one."},
		{"Other column names", t.columnNames()},
		{"Other layouts", "A scorecard (one row per indicator, one column per month, such as Apr-25, or bare months Apr … Mar " +
			"under a year such as 2025/26 in the row above), a data sheet with months down the rows and one column per indicator, " +
			"and a workbook with a sheet per team, named after the team, are read too. The validation report names the layout it found."},
		{"", ""},
		{"How to submit it", "Save the workbook as .xlsx and submit it in one of three ways. " +
			"Whichever you use, the whole file is checked first: if any cell has a problem, nothing is stored, " +
			"and the report names the sheet, cell and reason for each one. Fix them and submit the file again."},
		{"Command line", "vitalsigns ingest FILE (add --dry-run to check the file and see what would change, storing nothing)."},
		{"Inbox folder", "Save or copy the file into the inbox folder that Vital Signs watches (ask your system administrator where it is)."},
		{"Web upload", "Upload the file on the Vital Signs web pages, where upload is switched on."},
		{"", ""},
		{"Sheets", "Data: your figures. Definitions: every indicator, its unit, target and England benchmark. " +
			"A hidden sheet, Lists, holds the dropdown lists: leave it as it is."},
	}
	for i, r := range rows {
		t.str(s, 1, i+1, r[0])
		if r[1] != "" {
			t.str(s, 2, i+1, r[1])
		}
	}
	t.style(s, 1, 2, 1, len(rows), t.label)
	t.style(s, 2, 2, 2, len(rows), t.wrap)
	t.style(s, 1, 1, 1, 1, t.title)
	t.widths(s, 24, 110)
}

// columnNames tells that files made otherwise than from this template are
// read too, with the other headers each column is known by, the
// configuration's own names among them.
func (t *templater) columnNames() string {
	var b strings.Builder
	b.WriteString("Files made otherwise, such as a case management system's export, are read too, with their columns headed in other words: " +
		"Period as Month, Date, Reporting month, Month ending or Period ending; Indicator as Measure, KPI, KPI name, KPI description or Measure name; " +
		"Team as Area, Locality, Service, Team name or Service area; Value as Actual, Result, Percentage, %, Figure, Rate, Score, Count or Number. " +
		"Without a Value column, a percentage or rate is worked out from Numerator and Denominator; where both are given, a value that disagrees with them is rejected.")
	var own []string
	for i, names := range t.cat.Columns.Lists() {
		if len(names) > 0 {
			own = append(own, fieldNames[i]+" as "+strings.Join(names, ", "))
		}
	}
	if len(own) > 0 {
		b.WriteString(" This authority's own names are read too: " + strings.Join(own, "; ") + ".")
	}
	return b.String()
}

// capUTF16 shortens s to at most n UTF-16 code units, as Excel counts,
// ending it with an ellipsis when it cuts.
func capUTF16(s string, n int) string {
	if len(utf16.Encode([]rune(s))) <= n {
		return s
	}
	units := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if units+w > n-1 {
			return s[:i] + "…"
		}
		units += w
	}
	return s
}
