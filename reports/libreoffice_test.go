package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/reports"
)

// The scorecard opens in LibreOffice Calc, a spreadsheet application users
// have, and holds the same numbers: converted to CSV (the first sheet, as
// shown), the values and formats are those the report writes.
func TestScorecardInLibreOffice(t *testing.T) {
	bin := testenv.Tool(t, "soffice")
	cat := testCatalogue()
	refs := series("rereferrals_12m", "authority", 0.21, 0.26)
	refs[1].Commentary = `=1+1 "onmouseover=alert(1)`
	s := assess.Build(cat, append(refs, series("referrals", "authority", 1234, 1301)...), vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	b := calcShows(t, bin, reports.BuildMonthly(s, "authority", vs.Month(2026, time.September)))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Indicator" {
		t.Fatalf("first sheet as CSV: %q", rows)
	}
	// Re-referrals: 26.0% latest, 21.0% previous, target 22.0%, red; the
	// commentary as text (no formula evaluated: not "2").
	want := map[int]string{0: "Re-referrals within 12 months", 2: "26.0%", 3: "21.0%", 5: "22.0%", 6: "Red", 7: "22.6%",
		12: `'=1+1 "onmouseover=alert(1)`}
	for col, v := range want {
		if rows[1][col] != v {
			t.Errorf("re-referrals column %d: %q, want %q", col, rows[1][col], v)
		}
	}
	if rows[2][0] != "Referrals" || rows[2][2] != "1,301" {
		t.Errorf("referrals: %q", rows[2])
	}
}

// A spreadsheet application shows a row's figures to the places its
// direction of travel is worked out to: 4.047% against a 4% target shows
// as 4.05% (not 4.0% against 4.0%), and the change from 4.151% (4.15%) is
// 0.1 points. (At an exact half, 4.155%, LibreOffice may round down where
// the report and Excel round up; these figures avoid one.)
func TestScorecardRoundingInLibreOffice(t *testing.T) {
	bin := testenv.Tool(t, "soffice")
	s := assess.Build(roundingCatalogue(), series("sickness", "authority", 0.04151, 0.04047), vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	b := calcShows(t, bin, reports.BuildMonthly(s, "authority", vs.Month(2026, time.September)))
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) < 2 || rows[1][0] != sicknessName {
		t.Fatalf("first sheet as CSV: %q, %v", rows, err)
	}
	want := map[int]string{0: sicknessName, 2: "4.05%", 3: "4.15%", 4: "improving (down 0.1 percentage points)", 5: "4.00%"}
	for col, v := range want {
		if rows[1][col] != v {
			t.Errorf("column %d: %q, want %q", col, rows[1][col], v)
		}
	}
	if narrative := rows[1][14]; !strings.Contains(narrative, "fell to 4.05% in September 2026, above the target of 4%") {
		t.Errorf("narrative %q", narrative)
	}
}

// calcShows writes m's scorecard, has LibreOffice Calc convert its first
// sheet to CSV as shown (comma, double quote, UTF-8, and "save cell
// contents as shown" on: the ninth token), and returns the CSV.
func calcShows(t *testing.T, bin string, m *reports.Monthly) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.WriteScorecard(&buf, m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "scorecard.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--convert-to",
		"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false", "--outdir", out, path)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, "scorecard.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
