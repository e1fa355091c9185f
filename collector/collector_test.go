package collector

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
)

func num(f float64) sql.NullFloat64 { return sql.NullFloat64{Float64: f, Valid: true} }

func mon(y int, m time.Month) vs.Period { return vs.Month(y, m) }

// obs builds an expected observation.
func obs(ind, team string, p vs.Period, v sql.NullFloat64, st vs.Status) vs.Observation {
	return vs.Observation{Key: vs.Key{Indicator: ind, Team: team, Period: p}, Value: v, Status: st}
}

func with(o vs.Observation, fn func(*vs.Observation)) vs.Observation {
	fn(&o)
	return o
}

var none sql.NullFloat64

// approx compares floats to 1e-12, as percentages divided by 100 are not
// exact.
var approx = cmp.Comparer(func(a, b float64) bool {
	d := a - b
	return d < 1e-12 && d > -1e-12
})

func TestReadGood(t *testing.T) {
	cat := testCatalogue()
	tests := []struct {
		file   string
		format string
		rows   int
		want   []vs.Observation
	}{
		{
			file: "long.good.csv", format: FormatCSV, rows: 10,
			want: []vs.Observation{
				with(obs("referrals", "north", mon(2025, 9), num(1234), vs.StatusActual), func(o *vs.Observation) {
					o.Commentary = "Up on August,\nas expected" // encoding/csv folds CRLF in quotes
					o.Outcome = "Triage hub opened"
				}),
				obs("referrals", "south", mon(2025, 9), none, vs.StatusMissing),
				obs("referrals", "authority", mon(2025, 4), none, vs.StatusSuppressed),
				obs("agency_rate", "north", mon(2025, 9), num(0.875), vs.StatusProvisional),
				with(obs("agency_rate", "south", mon(2025, 9), num(0.25), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(12), num(48)
				}),
				obs("agency_rate", "authority", mon(2025, 9), none, vs.StatusMissing),
				obs("agency_rate", "north", mon(2025, 8), none, vs.StatusSuppressed),
				obs("cla_awaiting_health_assessment", "authority", vs.WeekEnding(vs.Weekly, vs.Date{Year: 2025, Month: 9, Day: 28}), num(32), vs.StatusActual),
				obs("care_leavers_eet", "authority", vs.Quarter(2025, 1), num(0.54), vs.StatusActual),
				with(obs("cla_rate_per_10k", "authority", mon(2025, 9), num(67), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(134), num(20000)
				}),
			},
		},
		{
			file: "semicolon.good.csv", format: FormatCSV, rows: 2,
			want: []vs.Observation{
				obs("referrals", "north", mon(2025, 9), num(1234), vs.StatusActual),
				obs("referrals", "north", mon(2025, 10), num(1300), vs.StatusActual),
			},
		},
		{
			file: "percentages.good.csv", format: FormatCSV, rows: 4,
			want: []vs.Observation{
				obs("cla_visits_in_timescale", "authority", mon(2025, 7), num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 8), num(1), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 9), num(0), vs.StatusActual),
				obs("agency_rate", "authority", mon(2025, 9), num(0.25), vs.StatusActual),
			},
		},
		{
			file: "fractions.good.csv", format: FormatCSV, rows: 3,
			want: []vs.Observation{
				obs("cla_visits_in_timescale", "authority", mon(2025, 7), num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 8), num(1), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 9), num(0), vs.StatusActual),
			},
		},
		{
			file: "long.good.xlsx", format: FormatXLSX, rows: 4,
			want: []vs.Observation{
				with(obs("referrals", "north", mon(2025, 9), num(1234), vs.StatusActual), func(o *vs.Observation) {
					o.Commentary = "Up on August"
				}),
				obs("cla_visits_in_timescale", "north", mon(2025, 9), num(0.875), vs.StatusActual),
				obs("cla_visits_in_timescale", "south", mon(2025, 9), num(1), vs.StatusActual),
				obs("referrals", "authority", mon(2025, 9), none, vs.StatusSuppressed),
			},
		},
		{
			// Saved by LibreOffice Calc: date-formatted periods, percent-formatted
			// values, a formula with its cached result. See testdata/README.md.
			file: "libreoffice.good.xlsx", format: FormatXLSX, rows: 4,
			want: []vs.Observation{
				with(obs("cla_visits_in_timescale", "north", mon(2025, 9), num(0.875), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(35), num(40)
					o.Commentary = "Two visits were late"
				}),
				with(obs("cla_visits_in_timescale", "south", mon(2025, 4), num(0.9), vs.StatusActual), func(o *vs.Observation) {
					o.Numerator, o.Denominator = num(18), num(20)
				}),
				obs("referrals", "authority", mon(2025, 9), num(1234), vs.StatusActual),
				obs("referrals", "south", mon(2025, 9), none, vs.StatusSuppressed),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(context.Background(), filepath.Join("testdata", tt.file), cat, Options{})
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(got.Problems) > 0 {
				t.Fatalf("got problems, want none:\n%v", got.Problems)
			}
			if got.Format != tt.format || got.Layout != LayoutLong || got.Rows != tt.rows || got.Name != tt.file {
				t.Errorf("got name %q format %q layout %q rows %d, want %q %q long %d",
					got.Name, got.Format, got.Layout, got.Rows, tt.file, tt.format, tt.rows)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadBad(t *testing.T) {
	cat := testCatalogue()
	tests := []struct {
		file string
		want []string
	}{
		{"problems.bad.csv", []string{
			"problems.bad.csv:2:9: unknown indicator \"referals\" (did you mean \"referrals\"?)",
			"problems.bad.csv:3:19: unknown team \"East\" (known teams: authority, north, south)",
			"problems.bad.csv:4:1: \"13/13/2025\" is not a period: write a month such as 2025-09 or Sep-25, a date such as 30/09/2025, or a quarter such as 2025-26 Q1",
			"problems.bad.csv:5:25: \"ten\" is not a number",
			"problems.bad.csv:6:30: \"maybe\" is not a status (write actual (or final, confirmed), provisional (or prov, p), or leave it blank)",
			"problems.bad.csv:6:9: a second row for indicator referrals, team south, period 2025-09: the first is at line 5 (keep one of the two rows)",
			"problems.bad.csv:8:12: a second row for indicator referrals, team north, period 2025-09: the first is at line 7 (keep one of the two rows)",
			"problems.bad.csv:9:1: \"2025-09\" is a month, but the indicator is reported weekly: give the date the week ends, such as 28/09/2025",
			"problems.bad.csv:10:1: \"2025-26 Q2\" is a quarter, but the indicator is reported monthly: give a month such as 2025-09",
			"problems.bad.csv:11:22: \"120%\" is more than 100%",
			"problems.bad.csv:12:20: \"87%\" is a percentage, but indicator referrals is a count",
			"problems.bad.csv:13:30: the denominator is 0, so the value cannot be worked out (give the value, or n/a)",
			"problems.bad.csv:14:27: \"-3%\" is negative: a percentage is between 0% and 100%",
		}},
		{"mixed.bad.csv", []string{
			"mixed.bad.csv:4:39: the Value column mixes fractions (line 2 is 0.875) and percentages (line 4 is 92) for percent indicators (write every percentage one way: 0.875, 87.5 or 87.5%)",
		}},
		{"noheader.bad.csv", []string{
			"noheader.bad.csv:2:1: this row looks like the header (Period, Indicator, Team, Commentary) but lacks Value (or Actual, Result, Performance, Percentage, %, Figure, Rate, Score, Count, Number; or Numerator and Denominator) (expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator)",
		}},
		{"quoting.bad.csv", []string{
			"quoting.bad.csv:3:19: the file is not valid CSV: extraneous or missing \" in quoted-field (a field holding commas, quotes or line breaks must be in double quotes, with quotes inside doubled (\"\"))",
		}},
		{"problems.bad.xlsx", []string{
			"problems.bad.xlsx: Data!B3: a second row for indicator referrals, team north, period 2025-09: the first is at Data!B2 (keep one of the two rows)",
			"problems.bad.xlsx: Data!A4: the number \"12345\" is not a plausible date: format the cell as a date, or write a month such as 2025-09",
			"problems.bad.xlsx: Data!B8: unknown indicator \"Caseloads\" (known indicators: referrals, agency_rate, cla_visits_in_timescale, cla_awaiting_health_assessment, care_leavers_eet, cla_rate_per_10k)",
			"problems.bad.xlsx: Data!E8: \"draft\" is not a status (write actual (or final, confirmed), provisional (or prov, p), or leave it blank)",
			"problems.bad.xlsx: Data!D6: the Value column mixes fractions (Data!D5 is 0.5) and percentages (Data!D6 is 50) for percent indicators (write every percentage one way: 0.875, 87.5 or 87.5%)",
			"problems.bad.xlsx: Data!D7: this formula has no saved result (open and save the file in Excel or Calc, so that formulas are calculated)",
			"problems.bad.xlsx: 'Team B'!A3: \"2025-26 Q1\" is a quarter, but the indicator is reported monthly: give a month such as 2025-09",
		}},
		{"noheader.bad.xlsx", []string{
			"noheader.bad.xlsx: Sheet1!A2: this row looks like the header (Period, Indicator, Team) but lacks Value (or Actual, Result, Performance, Percentage, %, Figure, Rate, Score, Count, Number; or Numerator and Denominator) (expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator)",
		}},
		{"hiddenonly.bad.xlsx", []string{
			"hiddenonly.bad.xlsx: no table found: expected a header row within the first 20 rows naming the columns Period, Indicator and Value (or Numerator and Denominator; and optionally Team, Status, Commentary, Outcome), or, for a scorecard, an Indicator column and one column per period headed like Apr-24 or 2024-25 Q1, or a Period column and one column per indicator (hidden sheets are not read unless --ingest.hidden-sheets is given)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(context.Background(), filepath.Join("testdata", tt.file), cat, Options{})
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(got.Observations()) != 0 {
				t.Errorf("got %d observations with problems, want none", len(got.Observations()))
			}
			lines := make([]string, len(got.Problems))
			for i, p := range got.Problems {
				lines[i] = p.String()
			}
			if diff := cmp.Diff(tt.want, lines); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// readString reads s as a file named name.
func readString(t *testing.T, name, s string, opt Options) *Result {
	t.Helper()
	got, err := Read(context.Background(), name, strings.NewReader(s), int64(len(s)), testCatalogue(), opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

// TestFixturesExist guards against a fixture going missing unnoticed.
func TestFixturesExist(t *testing.T) {
	names, err := filepath.Glob("testdata/*.*.*")
	if err != nil || len(names) < 10 {
		t.Fatalf("got %d fixtures (%v), want at least 10", len(names), err)
	}
	if _, err := os.Stat("testdata/README.md"); err != nil {
		t.Errorf("testdata/README.md: %v", err)
	}
}
