package reports_test

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// The figures of issue 11, item 6: a report must not say a figure is above
// a target it prints as equal to it, nor print a change that the figures
// beside it contradict.

const sicknessName = "Social worker sickness absence rate"

// roundingCatalogue has an indicator of each unit with a target, lower
// being better, and one without a target.
func roundingCatalogue() *vs.Catalogue {
	ind := func(id, name string, u vs.Unit, target, red float64) vs.Indicator {
		return vs.Indicator{ID: id, Name: name, Group: "Workforce", Unit: u, Polarity: vs.LowerIsBetter,
			Frequency: vs.Monthly, Aggregation: vs.AggregateNone,
			Thresholds: []vs.Threshold{{Target: f(target), Amber: f(target), Red: f(red)}}}
	}
	untargeted := ind("sickness_untargeted", "Sickness absence rate without a target", vs.UnitPercent, 0, 0)
	untargeted.Thresholds = nil
	return &vs.Catalogue{
		Authority: vs.Authority{Name: "Test Council"},
		Indicators: []vs.Indicator{
			ind("sickness", sicknessName, vs.UnitPercent, 0.04, 0.05),
			ind("cp_plans", "Children subject to a child protection plan", vs.UnitCount, 100, 120),
			ind("days_to_adoption", "Average days from entering care to adoption", vs.UnitDays, 426, 480),
			ind("placement_cost", "Average weekly cost of a residential placement", vs.UnitCurrency, 5000, 6000),
			untargeted,
		},
	}
}

// twoMonths assesses one indicator's August and September figures.
func twoMonths(t *testing.T, id string, previous, latest float64) assess.Item {
	t.Helper()
	s := assess.Build(roundingCatalogue(), series(id, "authority", previous, latest), vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	it, ok := s.Item(id, "authority")
	if !ok || !it.Has || !it.HasPrevious {
		t.Fatalf("%s: no item with two figures", id)
	}
	return it
}

func TestNarrativeRoundingAgreesWithItsComparisons(t *testing.T) {
	for _, tt := range []struct {
		id               string
		previous, latest float64
		want             string
	}{
		// 4.047% against 4%: one decimal would print "4%, above the
		// target of 4%".
		{"sickness", 0.04213, 0.04047, sicknessName + " fell to 4.05% in September 2026, above the target of 4%"},
		// Equal figures keep the default precision.
		{"sickness", 0.042, 0.04, sicknessName + " fell to 4% in September 2026, meeting the target of 4%"},
		// Below the target never prints at or above it.
		{"sickness", 0.042, 0.0396, sicknessName + " fell to 3.96% in September 2026, meeting the target of 4%"},
		// Far enough apart at one decimal: nothing added.
		{"sickness", 0.042, 0.0412, sicknessName + " fell to 4.1% in September 2026, above the target of 4%"},
		// A tie rounds as it is typed: 4.05% is 4.1%, not 4%.
		{"sickness", 0.042, 0.0405, sicknessName + " fell to 4.1% in September 2026, above the target of 4%"},
		{"cp_plans", 110, 100.4, "Children subject to a child protection plan fell to 100.4 in September 2026, above the target of 100"},
		{"cp_plans", 110, 100, "Children subject to a child protection plan fell to 100 in September 2026, meeting the target of 100"},
		{"days_to_adoption", 430, 426.04, "Average days from entering care to adoption fell to 426.04 in September 2026, above the target of 426"},
		{"placement_cost", 5100, 5000.004, "Average weekly cost of a residential placement fell to £5,000.004 in September 2026, above the target of £5,000.00"},
		{"placement_cost", 5100, 5000.5, "Average weekly cost of a residential placement fell to £5,000.50 in September 2026, above the target of £5,000.00"},
	} {
		it := twoMonths(t, tt.id, tt.previous, tt.latest)
		if got := reports.Narrative(it); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s %v:\n got %s\nwant %s…", tt.id, tt.latest, got, tt.want)
		}
	}
}

// Over a sweep of figures about the 4% target, the figure and the target
// in the sentence print in the order they stand, and equal only when they
// are equal.
func TestNarrativeNeverContradictsItsTarget(t *testing.T) {
	re := regexp.MustCompile(`(?:fell|rose) to ([0-9.]+)% in September 2026, (?:above|meeting) the target of ([0-9.]+)%`)
	for i := -100; i <= 100; i++ {
		v := 0.04 + float64(i)*0.00001
		it := twoMonths(t, "sickness", 0.05, v)
		got := reports.Narrative(it)
		m := re.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("%v: %s", v, got)
		}
		figure, _ := strconv.ParseFloat(m[1], 64)
		target, _ := strconv.ParseFloat(m[2], 64)
		want := cmpFloat(v, 0.04)
		if i == 0 {
			want = 0
		}
		if c := cmpFloat(figure, target); c != want {
			t.Errorf("%.5f against 0.04 prints as %s%% against %s%%: %s", v, m[1], m[2], got)
		}
		if i == 0 && m[1] != "4" {
			t.Errorf("4%% exactly printed as %s%%", m[1])
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scorecardRow returns the cells of the indicator's scorecard row:
// latest, previous, direction of travel and target, as text.
func scorecardRow(t *testing.T, page, id string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<th scope="row"><a href="#` + regexp.QuoteMeta(id) + `">.*?</th>\s*<td class="num">(.*?)</td><td class="num">(.*?)</td>\s*<td>(.*?)</td><td class="num">(.*?)</td>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no scorecard row for %s", id)
	}
	out := m[1:]
	for i := range out {
		out[i] = strings.TrimSpace(html.UnescapeString(out[i]))
	}
	return out
}

func roundingPage(t *testing.T, figs []vs.Observation) (*reports.Monthly, string) {
	t.Helper()
	s := assess.Build(roundingCatalogue(), figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September))
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	return m, buf.String()
}

func TestScorecardChangeAgreesWithItsFigures(t *testing.T) {
	for _, tt := range []struct {
		name             string
		id               string
		previous, latest float64
		want             []string // latest, previous, direction, target
	}{
		// The row: "4% | 4.2% | down 0.1 percentage points"
		// against a target of 4%.
		{"target printed equal", "sickness", 0.04151, 0.04047, []string{"4.05%", "4.15%", "↓ improving (down 0.1 percentage points)", "4%"}},
		// Without a target the default precision does, and the change is
		// the difference of the figures printed.
		{"no target", "sickness_untargeted", 0.04151, 0.04047, []string{"4%", "4.2%", "↓ improving (down 0.2 percentage points)", ""}},
		// Unchanged (less than half a unit of the last digit apart) yet
		// printed a digit apart.
		{"unchanged across a rounding edge", "sickness_untargeted", 0.04049, 0.04051, []string{"4.1%", "4%", "→ little changed (up 0.1 percentage points)", ""}},
		{"unchanged", "sickness_untargeted", 0.04051, 0.04052, []string{"4.1%", "4.1%", "→ unchanged", ""}},
		// A rise that one decimal would print as no change at all.
		{"rise printed equal", "sickness_untargeted", 0.040501, 0.041001, []string{"4.1%", "4.05%", "↑ worsening (up 0.05 percentage points)", ""}},
		{"counts", "cp_plans", 97.6, 100.4, []string{"100.4", "97.6", "↑ worsening (up 2.8)", "100"}},
		{"days", "days_to_adoption", 430.46, 426.04, []string{"426.04", "430.46", "↓ improving (down 4.42)", "426"}},
		{"currency", "placement_cost", 5100.004, 5000.004, []string{"£5,000.004", "£5,100.004", "↓ improving (down £100.00)", "£5,000.00"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, page := roundingPage(t, series(tt.id, "authority", tt.previous, tt.latest))
			got := scorecardRow(t, page, tt.id)
			if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
				t.Errorf("row\n got %s\nwant %s", strings.Join(got, " | "), strings.Join(tt.want, " | "))
			}
		})
	}
}

// The scorecard's figures and its paragraph print the latest figure alike.
func TestScorecardAndNarrativeAgree(t *testing.T) {
	m, page := roundingPage(t, series("sickness", "authority", 0.04151, 0.04047))
	row := scorecardRow(t, page, "sickness")
	if n := m.Sections[0].Rows[0].Narrative; !strings.Contains(n, "to "+row[0]+" in") {
		t.Errorf("scorecard %s, narrative %s", row[0], n)
	}
}

func TestScorecardWorkbookRounding(t *testing.T) {
	figs := series("sickness", "authority", 0.04151, 0.04047)
	figs = append(figs, series("cp_plans", "authority", 97.6, 100.4)...)
	figs = append(figs, series("sickness_untargeted", "authority", 0.04151, 0.04047)...)
	m, _ := roundingPage(t, figs)
	var buf bytes.Buffer
	if err := reports.WriteScorecard(&buf, m); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Workforce")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[0]] = r
	}
	for _, tt := range []struct {
		name string
		want []string // latest, previous, direction, target
	}{
		{sicknessName, []string{"4.05%", "4.15%", "improving (down 0.1 percentage points)", "4.00%"}},
		{"Children subject to a child protection plan", []string{"100.4", "97.6", "worsening (up 2.8)", "100.0"}},
		{"Sickness absence rate without a target", []string{"4.0%", "4.2%", "improving (down 0.2 percentage points)", ""}},
	} {
		r := byName[tt.name]
		if len(r) < 6 {
			t.Fatalf("%s: row %q", tt.name, r)
		}
		if got := []string{r[2], r[3], r[4], r[5]}; strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, strings.Join(got, " | "), strings.Join(tt.want, " | "))
		}
	}
	// The cells stay numbers at full precision.
	if v, _ := f.GetCellValue("Workforce", "C2", excelize.Options{RawCellValue: true}); v != "0.04047" {
		t.Errorf("latest stored as %q, want 0.04047", v)
	}
}

// The forecasting report follows the same rule: an interval whose ends
// differ never prints as "4% to 4%", and the latest figure prints as in the
// monthly report.
func TestBiweeklyIntervalsPrintApart(t *testing.T) {
	figs := series("sickness", "authority",
		0.0402, 0.0401, 0.0403, 0.0402, 0.0401, 0.0402, 0.0403, 0.0402, 0.0401, 0.0402, 0.0403, 0.0402, 0.0401, 0.0402, 0.0403, 0.04047)
	s := assess.Build(roundingCatalogue(), figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	it, _ := s.Item("sickness", "authority")
	var buf bytes.Buffer
	if err := reports.WriteBiweeklyHTML(&buf, reports.BuildBiweekly(s, "authority", assess.Backtests(it, 12, s.Built))); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	intervals := regexp.MustCompile(`<td class="num">([^<]*) to ([^<]*)</td>`).FindAllStringSubmatch(page, -1)
	if len(intervals) == 0 {
		t.Fatal("no forecast intervals in the page")
	}
	for _, m := range intervals {
		if m[1] == m[2] {
			t.Errorf("an interval prints as %s to %s", m[1], m[2])
		}
	}
	if !regexp.MustCompile(`(?:to|at) 4\.05% in September 2026, above the target of 4%`).MatchString(page) {
		t.Errorf("the narrative does not print 4.047%% against the 4%% target as 4.05%%")
	}
	if !strings.Contains(page, `<td class="num">4.05%</td>`) {
		t.Errorf("the outlook does not print the latest figure as 4.05%%")
	}
}

// A revised figure is set against the one it replaced ("was 4.04%, now
// 4.02%"): the two never print alike when they differ.
func TestRevisionsPrintApart(t *testing.T) {
	cat := roundingCatalogue()
	then := series("sickness", "authority", 0.05, 0.0404)
	then = append(then, series("cp_plans", "authority", 110, 100)...)
	now := series("sickness", "authority", 0.05, 0.0402)
	now = append(now, series("cp_plans", "authority", 110, 112)...)
	got := map[string][2]string{}
	for _, r := range reports.Revisions(cat, "authority", then, now, nil) {
		got[r.Indicator.ID] = [2]string{r.Old, r.New}
	}
	for id, want := range map[string][2]string{"sickness": {"4.04%", "4.02%"}, "cp_plans": {"100", "112"}} {
		if got[id] != want {
			t.Errorf("%s: was %q, now %q; want %q, %q", id, got[id][0], got[id][1], want[0], want[1])
		}
	}
}
