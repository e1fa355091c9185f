// Package benchgen writes the generated long-layout workbooks that the
// ingest benchmarks and scripts/compare-pandas.sh read: N rows of distinct
// (indicator, team, month) keys, 10 indicators (half of them percentages
// given as fractions), as many teams as N needs, with a config declaring
// them. Large fixtures are generated, never committed.
//
// It imports the standard library and excelize only.
package benchgen

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Indicators is the number of indicators in a generated file.
const Indicators = 10

// Shape is the size of a generated file: Rows = Indicators × Teams × Months.
type Shape struct{ Teams, Months int }

// ShapeFor returns a shape of at least rows rows: 1,000 teams for a million,
// 100 for 100,000, and the months to fill the rest.
func ShapeFor(rows int) Shape {
	teams := 100
	if rows >= 1_000_000 {
		teams = 1000
	}
	months := (rows + Indicators*teams - 1) / (Indicators * teams)
	return Shape{Teams: teams, Months: months}
}

// Rows is the number of data rows.
func (s Shape) Rows() int { return Indicators * s.Teams * s.Months }

// Header is the long layout's header row.
var Header = []string{"Period", "Indicator", "Team", "Value", "Numerator", "Denominator", "Commentary"}

// Row returns data row n.
func (s Shape) Row(n int) []string {
	ind, team, m := n%Indicators, n/Indicators%s.Teams, n/(Indicators*s.Teams)
	period := time.Date(1990, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	value := strconv.FormatFloat(float64(n%997)+0.5, 'f', -1, 64)
	num, den := "40", "50"
	if ind%2 == 1 {
		// A percentage agrees with its numerator and denominator, as the
		// collector checks (a value that disagrees is a problem).
		value = strconv.FormatFloat(float64(n%1000)/1000, 'f', -1, 64)
		num, den = strconv.Itoa(n%1000), "1000"
	}
	return []string{period, fmt.Sprintf("Bench indicator %d", ind), fmt.Sprintf("team_%04d", team), value, num, den, "Commentary for this row"}
}

// WriteConfig writes the configuration declaring the teams and indicators.
func (s Shape) WriteConfig(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "teams:")
	for t := range s.Teams {
		fmt.Fprintf(w, "  - id: team_%04d\n", t)
	}
	fmt.Fprintln(w, "indicators:")
	for i := range Indicators {
		unit := "count"
		if i%2 == 1 {
			unit = "percent"
		}
		fmt.Fprintf(w, "  - id: bench_%02d\n    name: Bench indicator %d\n    unit: %s\n    polarity: neutral\n    frequency: monthly\n", i, i, unit)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteCSV writes the file as CSV (CRLF, as Excel saves it).
func (s Shape) WriteCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(c)
		}
		w.WriteString("\r\n")
	}
	line(Header)
	for n := range s.Rows() {
		line(s.Row(n))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteXLSX writes the file as a workbook with excelize's stream writer:
// numbers as numbers, text as shared strings.
func (s Shape) WriteXLSX(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	row := make([]any, len(Header))
	for i, h := range Header {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for n := range s.Rows() {
		cells := s.Row(n)
		for i, c := range cells {
			if v, err := strconv.ParseFloat(c, 64); err == nil && i >= 3 && i <= 5 {
				row[i] = v
			} else {
				row[i] = c
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(ref, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
