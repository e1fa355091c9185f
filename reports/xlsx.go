package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// scorecardColumns are the columns of each area's sheet.
var scorecardColumns = []string{"Indicator", "Period", "Latest", "Previous", "Direction of travel", "Target", "RAG",
	"England", "England reference", "Statistical neighbours", "SPC variation", "SPC assurance", "Commentary",
	"Outcome", "Narrative", "Indicator id", "Region", "Benchmark year", "Quartile band", "Rank among English authorities"}

// ragText is the RAG as words, so that it reads without colour (in print,
// and for colour-blind readers) and the conditional formatting can key on it.
func ragText(s assess.State) string {
	switch s {
	case assess.Green:
		return "Green"
	case assess.Amber:
		return "Amber"
	case assess.Red:
		return "Red"
	case assess.Stale:
		return "Late"
	case assess.Suppressed:
		return "Suppressed"
	case assess.NoData:
		return "No data"
	}
	return "Not rated"
}

// numberFormat is the Excel number format of an indicator's unit to
// places decimal places (see placesApart): values stay numbers, at full
// precision, shown to the places the report shows them to. A spreadsheet
// format cannot drop trailing zeros from a percentage, so a row that needs
// two places shows its target as 4.00% where the page shows 4%.
func numberFormat(u vs.Unit, places int) string {
	frac := ""
	if places > 0 {
		frac = "." + strings.Repeat("0", places)
	}
	switch u {
	case vs.UnitPercent:
		return "0" + frac + "%"
	case vs.UnitCount:
		return "#,##0" + frac
	case vs.UnitCurrency:
		return `"£"#,##0` + frac
	}
	return "0" + frac
}

// sheetName makes a priority area's name a valid, unique sheet name
// (at most 31 characters, none of []:*?/\).
func sheetName(group string, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, group)
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Other"
	}
	if r := []rune(name); len(r) > 28 {
		name = string(r[:28])
	}
	base := name
	for i := 2; used[strings.ToLower(name)] || strings.EqualFold(name, "Data"); i++ {
		name = fmt.Sprintf("%s %d", base, i)
	}
	used[strings.ToLower(name)] = true
	return name
}

// WriteScorecard writes the monthly report as a workbook analysts can take
// further: a sheet per priority area (the scorecard, RAG as conditional
// formatting and as words, frozen header, autofilter) and a Data sheet with
// every period's figure. Spreadsheet text (commentary, outcomes) is written
// as text, never as a formula.
func WriteScorecard(w io.Writer, m *Monthly) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f}
	header := x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	wrap := x.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	type format struct {
		unit   vs.Unit
		places int
	}
	formats := map[format]int{}
	numStyle := func(u vs.Unit, places int) int {
		if id, ok := formats[format{u, places}]; ok {
			return id
		}
		code := numberFormat(u, places)
		id := x.style(&excelize.Style{CustomNumFmt: &code, Alignment: &excelize.Alignment{Vertical: "top"}})
		formats[format{u, places}] = id
		return id
	}
	fills := map[string]int{}
	for name, colour := range map[string]string{"Green": "C6EFCE", "Amber": "FFEB9C", "Red": "FFC7CE"} {
		id, err := f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}})
		x.keep(err)
		fills[name] = id
	}

	used := map[string]bool{}
	first := ""
	for _, sec := range m.Sections {
		sheet := sheetName(sec.Group, used)
		if first == "" {
			first = sheet
			x.keep(f.SetSheetName("Sheet1", sheet))
		} else {
			_, err := f.NewSheet(sheet)
			x.keep(err)
		}
		x.row(sheet, 1, header, toAny(scorecardColumns)...)
		for i, r := range sec.Rows {
			row := i + 2
			it := r.Item
			ind := it.Indicator
			var latest, previous, target, england any = "", "", "", ""
			engRef, sn, region, year := "", any(""), any(""), ""
			if it.Has {
				if v := it.Latest; v.Value.Valid && v.Status != vs.StatusSuppressed && v.Status != vs.StatusMissing {
					latest = v.Value.Float64
				} else {
					latest = string(v.Status)
				}
			}
			if it.HasPrevious && it.Previous.Value.Valid {
				previous = it.Previous.Value.Float64
			}
			if it.Threshold.Target != nil {
				target = *it.Threshold.Target
			}
			for _, b := range ind.Benchmarks {
				switch b.Source {
				case vs.BenchmarkEngland:
					england, engRef = b.Value, b.Reference
				case vs.BenchmarkRegion:
					region = b.Value
				case vs.BenchmarkStatisticalNeighbours:
					sn = b.Value
				}
				if year == "" {
					year = b.Year
				}
			}
			band, rank := "", ""
			if st := ind.Standing; st != nil && st.Rank > 0 {
				band, rank = st.Band, fmt.Sprintf("%d of %d", st.Rank, st.Ranked)
			}
			period := ""
			if it.Has {
				period = periodName(it.Latest.Period)
			}
			variation, assurance := "", ""
			if it.Control.Err == nil && len(it.Control.Chart.Points) > 0 && !it.Control.Chart.TooFew {
				variation = strings.ReplaceAll(string(it.Control.Chart.Variation), "_", " ")
				assurance = strings.ReplaceAll(string(it.Control.Chart.Assurance), "_", " ")
			}
			// The row's figures show to the places its narrative prints
			// them to, and its direction of travel agrees with them.
			places := itemPlaces(it)
			x.row(sheet, row, wrap, ind.Name, period, latest, previous, directionWords(it, places), target,
				ragText(it.State), england, engRef, sn, variation, assurance, it.Latest.Commentary, it.Latest.Outcome,
				r.Narrative, ind.ID, region, year, band, rank)
			for _, col := range []string{"C", "D", "F", "H", "J", "Q"} {
				x.keep(f.SetCellStyle(sheet, fmt.Sprintf("%s%d", col, row), fmt.Sprintf("%s%d", col, row), numStyle(ind.Unit, places)))
			}
		}
		last := len(sec.Rows) + 1
		end, _ := excelize.ColumnNumberToName(len(scorecardColumns))
		x.keep(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
		x.keep(f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", end, last), nil))
		if last > 1 {
			var cf []excelize.ConditionalFormatOptions
			for _, name := range []string{"Red", "Amber", "Green"} {
				id := fills[name]
				cf = append(cf, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Value: `"` + name + `"`, Format: &id})
			}
			x.keep(f.SetConditionalFormat(sheet, fmt.Sprintf("G2:G%d", last), cf))
		}
		for col, width := range map[string]float64{"A": 40, "B": 16, "E": 30, "I": 22, "M": 50, "N": 50, "O": 70} {
			x.keep(f.SetColWidth(sheet, col, col, width))
		}
	}
	if first == "" {
		first = "Scorecard"
		x.keep(f.SetSheetName("Sheet1", first))
		x.row(first, 1, header, toAny(scorecardColumns)...)
	}
	x.data(m, header, numStyle)
	if x.err != nil {
		return fmt.Errorf("write scorecard: %w", x.err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write scorecard: %w", err)
	}
	return nil
}

// data writes the Data sheet: every period of every indicator reported.
func (x *xlsxWriter) data(m *Monthly, header int, numStyle func(vs.Unit, int) int) {
	const sheet = "Data"
	_, err := x.f.NewSheet(sheet)
	x.keep(err)
	cols := []string{"Indicator id", "Indicator", "Team", "Period", "Period end", "Value", "Numerator", "Denominator", "Status", "RAG", "Derived total"}
	x.row(sheet, 1, header, toAny(cols)...)
	date := x.style(&excelize.Style{NumFmt: 14})
	row := 2
	for _, sec := range m.Sections {
		for _, r := range sec.Rows {
			ind := r.Indicator
			for _, p := range r.History {
				var value, num, den any = "", "", ""
				if p.HasValue() {
					value = p.Value.Float64
				}
				if p.Numerator.Valid {
					num = p.Numerator.Float64
				}
				if p.Denominator.Valid {
					den = p.Denominator.Float64
				}
				derived := ""
				if p.Derived {
					derived = "yes"
				}
				x.row(sheet, row, 0, ind.ID, ind.Name, r.Team.Name, periodName(p.Period), p.Period.Last.Time(), value, num, den,
					string(p.Status), ragText(p.Verdict), derived)
				x.keep(x.f.SetCellStyle(sheet, fmt.Sprintf("E%d", row), fmt.Sprintf("E%d", row), date))
				// One figure a row, compared with none: the default places.
				x.keep(x.f.SetCellStyle(sheet, fmt.Sprintf("F%d", row), fmt.Sprintf("F%d", row), numStyle(ind.Unit, ind.Unit.Decimals())))
				row++
			}
		}
	}
	end, _ := excelize.ColumnNumberToName(len(cols))
	x.keep(x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	x.keep(x.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", end, max(row-1, 1)), nil))
}

// xlsxWriter keeps the first error of a run of excelize calls.
type xlsxWriter struct {
	f   *excelize.File
	err error
}

func (x *xlsxWriter) keep(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *xlsxWriter) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.keep(err)
	return id
}

// row writes values from column A; strings are always text cells, and
// guarded (vitalsigns.FormulaSafe) so that no text from a workbook becomes
// a formula when the cell is edited or the sheet saved as CSV.
func (x *xlsxWriter) row(sheet string, row, style int, values ...any) {
	for i, v := range values {
		cell, err := excelize.CoordinatesToCellName(i+1, row)
		x.keep(err)
		if s, ok := v.(string); ok {
			x.keep(x.f.SetCellStr(sheet, cell, vs.FormulaSafe(s)))
		} else {
			x.keep(x.f.SetCellValue(sheet, cell, v))
		}
		if style != 0 {
			x.keep(x.f.SetCellStyle(sheet, cell, cell, style))
		}
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
