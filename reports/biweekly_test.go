package reports_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

func TestBiweekly(t *testing.T) {
	cat := testCatalogue()
	cat.Committees = []vs.Committee{{ID: "overview_scrutiny", Name: "Overview and Scrutiny Committee",
		Dates: []vs.Date{{Year: 2027, Month: time.February, Day: 10}}}}
	var figs []vs.Observation
	// Re-referrals steady, well inside green-to-amber; visits falling
	// towards red.
	figs = append(figs, series("rereferrals_12m", "authority",
		0.20, 0.205, 0.2, 0.198, 0.202, 0.2, 0.201, 0.199, 0.2, 0.202, 0.2, 0.198, 0.201, 0.2, 0.2, 0.201)...)
	figs = append(figs, series("cla_visits_in_timescale", "authority",
		0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.971, 0.969, 0.97, 0.971, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.88)...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	visits, _ := s.Item("cla_visits_in_timescale", "authority")
	recs := assess.Backtests(visits, 12, s.Built)
	if len(recs) == 0 {
		t.Fatal("no backtests")
	}
	b := reports.BuildBiweekly(s, "authority", recs)
	if len(b.Rows) != 2 || b.Rows[0].Indicator.ID != "cla_visits_in_timescale" || !(b.Rows[0].RedChance > b.Rows[1].RedChance) {
		t.Fatalf("rows not sorted by the chance of red: %v (%v), %v (%v)", b.Rows[0].Indicator.ID, b.Rows[0].RedChance, b.Rows[1].Indicator.ID, b.Rows[1].RedChance)
	}
	if b.Rows[0].Backtest.All.N != len(recs) || b.NextCommittee == nil || b.NextCommittee.Committee != "Overview and Scrutiny Committee" {
		t.Errorf("backtest N %d (want %d), committee %+v", b.Rows[0].Backtest.All.N, len(recs), b.NextCommittee)
	}
	var buf bytes.Buffer
	if err := reports.WriteBiweeklyHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	o := visits.Outlook
	for _, want := range []string{
		"Forecasting report: Test Council",
		"The next committee: Overview and Scrutiny Committee on 10 February 2027",
		"Forecast to turn red in " + o.Red.Period.Last.Time().Format("January 2006"),
		"Forecast by the <strong>" + string(o.Forecast.Model) + "</strong> model",
		"Backtested over the last year</th><td class=\"num\">" + strconv.Itoa(len(recs)) + "</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Index(page, `href="#cla_visits_in_timescale"`) > strings.Index(page, `href="#rereferrals_12m"`) {
		t.Error("the outlook table does not put visits first")
	}
	if !strings.Contains(page, "The forecasts a period ahead and what came to pass, as a table") {
		t.Error("the accuracy chart has no table of its figures")
	}
	if n := strings.Count(page, `class="chart"`); n != 3 {
		t.Errorf("%d charts, want 2 trends and 1 accuracy chart", n)
	}
}

// biweeklyPage renders a forecasting report for tests.
func biweeklyPage(t *testing.T) string {
	t.Helper()
	cat := testCatalogue()
	figs := series("cla_visits_in_timescale", "authority",
		0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.971, 0.969, 0.97, 0.971, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.88)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	visits, _ := s.Item("cla_visits_in_timescale", "authority")
	var buf bytes.Buffer
	if err := reports.WriteBiweeklyHTML(&buf, reports.BuildBiweekly(s, "authority", assess.Backtests(visits, 12, s.Built))); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
