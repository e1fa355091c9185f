package collector

import (
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

// TestReportTextBounded: a report of 100,000 revisions lists the first
// TextListLimit and says how many more there are; the JSON keeps them all
// (issue 12.2). Small lists are shown whole.
func TestReportTextBounded(t *testing.T) {
	r := revisedReport(100_000)
	text := r.Text()
	if got := strings.Count(text, "  revised "); got != TextListLimit {
		t.Errorf("%d revisions listed, want %d", got, TextListLimit)
	}
	if !strings.Contains(text, "… and 99,900 more (the JSON report lists them all)") {
		t.Errorf("no summary of the rest in %q", text[len(text)-200:])
	}
	if got := strings.Count(r.TextLimit(0), "  revised "); got != 100_000 {
		t.Errorf("TextLimit(0) lists %d revisions, want all 100,000", got)
	}
	if got := strings.Count(r.JSON(), `"indicator":"caseload_avg"`); got != 100_000 {
		t.Errorf("JSON has %d revisions, want 100,000", got)
	}

	small := revisedReport(3)
	small.Problems = nil
	small.Warnings = vs.Problems{{File: "october.xlsx", Sheet: "Data", Cell: "H4", Reason: "looks like an NHS number"}}
	text = small.Text()
	if strings.Count(text, "  revised ") != 3 || strings.Contains(text, "more") || !strings.Contains(text, "  warning: ") {
		t.Errorf("small report:\n%s", text)
	}

	rejected := &Report{File: "bad.csv", Rows: 500}
	for i := range 250 {
		rejected.Problems = append(rejected.Problems, vs.Problem{File: "bad.csv", Line: i + 2, Reason: "not a number"})
	}
	text = rejected.Text()
	if !strings.HasPrefix(text, "bad.csv: rejected: 250 problem(s) in 500 rows; nothing stored\n") ||
		strings.Count(text, "not a number") != TextListLimit || !strings.Contains(text, "… and 150 more") {
		t.Errorf("rejected report:\n%s", text)
	}
}
