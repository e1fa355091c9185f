package collector

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
)

// teamCatalogue is testCatalogue with an alias for each team.
func teamCatalogue() *vs.Catalogue {
	cat := testCatalogue()
	cat.Teams[0].Aliases = []string{"Team N"}
	cat.Teams[1].Aliases = []string{"Southern"}
	return cat
}

// buildTeamSheets is a workbook with a sheet per team, named by the team's
// name, id and alias, beside a contents sheet and a notes sheet; one team
// sheet is a scorecard, and one has a Team column of its own.
func buildTeamSheets(f *excelize.File) error {
	if err := f.SetSheetName("Sheet1", "Contents"); err != nil {
		return err
	}
	c := &sheetWriter{f: f, sheet: "Contents"}
	c.row(1, "Children's services performance, September 2025")
	c.row(3, "One sheet per team; the whole authority's on Authority.")
	n := newSheet(f, "North Locality")
	n.row(1, "North Locality")
	n.row(2, "Period", "Indicator", "Value")
	n.row(3, "2025-09", "Referrals", 120)
	n.row(4, "2025-09", "Agency social worker rate", 0.25)
	n.style("C4", &excelize.Style{NumFmt: wideFmtPercent})
	s := newSheet(f, "Southern")
	s.row(1, "Indicator", day(2025, time.August, 1), day(2025, time.September, 1))
	s.style("B1", &excelize.Style{NumFmt: wideFmtMonth})
	s.style("C1", &excelize.Style{NumFmt: wideFmtMonth})
	s.row(2, "Referrals", 80, 95)
	a := newSheet(f, "Authority")
	a.row(1, "Period", "Indicator", "Value")
	a.row(2, "2025-09", "referrals", 215)
	// A Team column wins over the sheet's name.
	m := newSheet(f, "north")
	m.row(1, "Period", "Indicator", "Team", "Value")
	m.row(2, "2025-08", "referrals", "Team N", 110)
	m.row(3, "2025-08", "referrals", nil, 190)
	for _, w := range []*sheetWriter{c, n, s, a, m} {
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

func teamSheetsWant() []vs.Observation {
	return []vs.Observation{
		obs("referrals", "north", mon(2025, 9), num(120), vs.StatusActual),
		obs("agency_rate", "north", mon(2025, 9), num(0.25), vs.StatusActual),
		obs("referrals", "south", mon(2025, 8), num(80), vs.StatusActual),
		obs("referrals", "south", mon(2025, 9), num(95), vs.StatusActual),
		obs("referrals", "authority", mon(2025, 9), num(215), vs.StatusActual),
		obs("referrals", "north", mon(2025, 8), num(110), vs.StatusActual),
		obs("referrals", "authority", mon(2025, 8), num(190), vs.StatusActual),
	}
}

func TestTeamSheets(t *testing.T) {
	got := readBytes(t, "teams.xlsx", buildBook(t, buildTeamSheets), teamCatalogue(), Options{})
	if len(got.Problems) > 0 || len(got.Warnings) > 0 {
		t.Fatalf("problems %v, warnings %v", got.Problems, got.Warnings)
	}
	if got.Layout != "long and wide (sheet per team)" {
		t.Errorf("layout %q, want %q", got.Layout, "long and wide (sheet per team)")
	}
	if diff := cmp.Diff(teamSheetsWant(), got.Observations()); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
}

// A workbook with a sheet per team, saved by a spreadsheet application.
func TestTeamSheetsLibreOffice(t *testing.T) {
	path := calcResave(t, "teams.xlsx", buildTeamSheets)
	got, err := ReadFile(context.Background(), path, teamCatalogue(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) > 0 {
		t.Fatalf("problems: %v", got.Problems)
	}
	if diff := cmp.Diff(teamSheetsWant(), got.Observations()); diff != "" {
		t.Errorf("observations (-want +got):\n%s", diff)
	}
}

// A sheet whose name nearly names a team: a problem among team sheets, a
// warning otherwise.
func TestTeamSheetNearMiss(t *testing.T) {
	long := func(f *excelize.File, name string, v int) error {
		s := newSheet(f, name)
		s.row(1, "Period", "Indicator", "Value")
		s.row(2, "2025-09", "referrals", v)
		return s.err
	}
	t.Run("among team sheets", func(t *testing.T) {
		b := buildBook(t, func(f *excelize.File) error {
			if err := f.SetSheetName("Sheet1", "North Locality"); err != nil {
				return err
			}
			return cmpErr(long(f, "North Locality", 1), long(f, "Sooth Locality", 2))
		})
		got := readBytes(t, "t.xlsx", b, teamCatalogue(), Options{})
		want := []string{`t.xlsx: 'Sooth Locality': the sheet's name "Sooth Locality" is not a team, so its figures are read as the whole authority's (rename the sheet after the team (did you mean "South Locality" (south)?), or add a Team column)`}
		if diff := cmp.Diff(want, problemLines(got.Problems)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("alone", func(t *testing.T) {
		b := buildBook(t, func(f *excelize.File) error {
			if err := f.SetSheetName("Sheet1", "Nrth"); err != nil {
				return err
			}
			return long(f, "Nrth", 1)
		})
		got := readBytes(t, "t.xlsx", b, teamCatalogue(), Options{})
		want := []string{`t.xlsx: Nrth: the sheet's name "Nrth" is not a team, so its figures are read as the whole authority's (rename the sheet after the team (did you mean "north"?), or add a Team column)`}
		if len(got.Problems) > 0 || got.Layout != LayoutLong {
			t.Errorf("problems %v, layout %q", got.Problems, got.Layout)
		}
		if diff := cmp.Diff(want, problemLines(got.Warnings)); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
}
