package collector

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

func TestTransposed(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []vs.Observation
	}{
		{"months down, indicators across",
			"Data sheet,,,\nMonth,Referrals,agency_rate,CIC visits in timescale\nApr-25,310,25,0.875\nApril 2025,,,\nMay 2025,295,24.5,0.9\nJun-25,,,\nSource: CMS,,,\n",
			[]vs.Observation{
				obs("referrals", "authority", mon(2025, 4), num(310), vs.StatusActual),
				obs("agency_rate", "authority", mon(2025, 4), num(0.25), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 4), num(0.875), vs.StatusActual),
				obs("referrals", "authority", mon(2025, 5), num(295), vs.StatusActual),
				obs("agency_rate", "authority", mon(2025, 5), num(0.245), vs.StatusActual),
				obs("cla_visits_in_timescale", "authority", mon(2025, 5), num(0.9), vs.StatusActual),
			}},
		{"with a team column and markers",
			"Date,Team,Referrals,Target,% agency SWs\n30/04/2025,north,12,,c\n30/04/2025,,40,,-\n",
			[]vs.Observation{
				obs("referrals", "north", mon(2025, 4), num(12), vs.StatusActual),
				obs("agency_rate", "north", mon(2025, 4), none, vs.StatusSuppressed),
				obs("referrals", "authority", mon(2025, 4), num(40), vs.StatusActual),
				obs("agency_rate", "authority", mon(2025, 4), none, vs.StatusMissing),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if got.Layout != LayoutTransposed {
				t.Errorf("layout %q, want %q", got.Layout, LayoutTransposed)
			}
			if diff := cmp.Diff(tt.want, got.Observations(), approx); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTransposedProblems(t *testing.T) {
	tests := []struct {
		name, csv string
		probs     []string
	}{
		{"a heading near an indicator", "Month,Referrals,Referals,Agency social worker rate\n2025-04,1,2,0.2\n", []string{
			`x.csv:1:17: the column heading "Referals" is not a known indicator, so its figures would not be read (did you mean "referrals"?)`,
		}},
		{"two columns for one indicator", "Month,Referrals,referrals,agency_rate\n2025-04,1,2,0.2\n", []string{
			`x.csv:1:17: the columns headed "Referrals" (line 1, column 7) and "referrals" both name indicator referrals (remove one of the two columns; this one is not read)`,
		}},
		{"a column mixing fractions and percentages", "Month,Referrals,agency_rate\n2025-04,1,0.2\n2025-05,1,25\n", []string{
			`x.csv:3:11: the column for indicator agency_rate mixes fractions (line 2, column 11 is 0.2) and percentages (line 3, column 11 is 25) (write every percentage one way: 0.875, 87.5 or 87.5%)`,
		}},
		{"bad cells", "Month,Referrals,agency_rate,care_leavers_eet\nsoon,1,2,\n2025-04,ten,120,\n2025-05,1,,0.5\n2025-06,2,,0.6\n", []string{
			`x.csv:2:1: "soon" is not a period: write a month such as 2025-09 or Sep-25, a date such as 30/09/2025, or a quarter such as 2025-26 Q1`,
			`x.csv:3:9: "ten" is not a number`,
			`x.csv:5:12: a second figure for indicator care_leavers_eet, team authority, period 2025-26 Q1: the first is at line 4, column 12 (keep one of the two)`,
			`x.csv:3:13: "120" is more than 100%`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readString(t, "x.csv", tt.csv, Options{})
			if diff := cmp.Diff(tt.probs, problemLines(got.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// buildTransposed is an analyst's data sheet: date cells formatted as
// months down the rows, an indicator per column by id, name and alias,
// percent-formatted cells, a team column.
func buildTransposed(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		return err
	}
	s := &sheetWriter{f: f, sheet: "Data"}
	s.row(1, "Monthly data – analyst's sheet")
	s.row(3, "Period", "Team", "Referrals", "agency_rate", "CIC visits in timescale")
	s.row(4, day(2025, time.April, 1), "North Locality", 101, 0.25, 0.875)
	s.row(5, day(2025, time.May, 1), "North Locality", 99, 0.245, 0.8)
	s.row(6, day(2025, time.April, 1), nil, 210, 0.2, 0.9)
	for _, c := range []string{"A4", "A5", "A6"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtMonth})
	}
	for _, c := range []string{"D4", "D5", "D6", "E4", "E5", "E6"} {
		s.style(c, &excelize.Style{NumFmt: wideFmtPercent})
	}
	return s.err
}

func transposedWant() []vs.Observation {
	var want []vs.Observation
	for _, r := range []struct {
		team     string
		m        time.Month
		ref      float64
		ag, cicv float64
	}{{"north", 4, 101, 0.25, 0.875}, {"north", 5, 99, 0.245, 0.8}, {"authority", 4, 210, 0.2, 0.9}} {
		want = append(want, obs("referrals", r.team, mon(2025, r.m), num(r.ref), vs.StatusActual),
			obs("agency_rate", r.team, mon(2025, r.m), num(r.ag), vs.StatusActual),
			obs("cla_visits_in_timescale", r.team, mon(2025, r.m), num(r.cicv), vs.StatusActual))
	}
	return want
}

func TestTransposedLibreOffice(t *testing.T) {
	for name, read := range map[string]func(t *testing.T) *Result{
		"excelize": func(t *testing.T) *Result {
			return readBytes(t, "data.xlsx", buildBook(t, buildTransposed), testCatalogue(), Options{})
		},
		"calc": func(t *testing.T) *Result {
			got, err := ReadFile(context.Background(), calcResave(t, "data.xlsx", buildTransposed), testCatalogue(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			return got
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := read(t)
			if len(got.Problems) > 0 {
				t.Fatalf("problems: %v", got.Problems)
			}
			if got.Layout != LayoutTransposed {
				t.Errorf("layout %q", got.Layout)
			}
			if diff := cmp.Diff(transposedWant(), got.Observations()); diff != "" {
				t.Errorf("observations (-want +got):\n%s", diff)
			}
		})
	}
}
