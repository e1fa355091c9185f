package reports_test

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// The cover lists indicators one to an item: a name with a comma in it
// ("Care leavers aged 19–21 in education, employment or training") does
// not run into the next.
func TestCoverListsNamesWithCommas(t *testing.T) {
	cat := &vs.Catalogue{Authority: vs.Authority{Name: "Test Council"}}
	names := []string{"Care leavers aged 19–21 in education, employment or training",
		"Children adopted, or leaving care under a special guardianship order"}
	var figs []vs.Observation
	for i, name := range names {
		id := fmt.Sprintf("better_%d", i)
		cat.Indicators = append(cat.Indicators, vs.Indicator{ID: id, Name: name, Group: "Care Leavers", Unit: vs.UnitPercent,
			Polarity: vs.HigherIsBetter, Frequency: vs.Monthly, Aggregation: vs.AggregateNone})
		// Steady about 55% for 16 months, then 70%: better, beyond the
		// process limits.
		figs = append(figs, series(id, "authority",
			0.55, 0.551, 0.549, 0.55, 0.552, 0.548, 0.55, 0.551, 0.549, 0.55, 0.551, 0.549, 0.55, 0.552, 0.548, 0.55, 0.70)...)
	}
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September))
	if len(m.Cover.SignificantlyBetter) != 2 {
		t.Fatalf("significantly better: %d indicators, want 2", len(m.Cover.SignificantlyBetter))
	}
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	cover := page[strings.Index(page, `<section class="cover"`):strings.Index(page, `<section aria-labelledby="scorecard"`)]
	list := regexp.MustCompile(`(?s)Significantly better:.*?<ul[^>]*>(.*?)</ul>`).FindStringSubmatch(cover)
	if list == nil {
		t.Fatalf("the significantly better indicators are not a list:\n%s", cover)
	}
	items := regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllStringSubmatch(list[1], -1)
	if len(items) != len(names) {
		t.Fatalf("%d list items, want %d:\n%s", len(items), len(names), list[1])
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	for i, it := range items {
		if got := html.UnescapeString(tag.ReplaceAllString(it[1], "")); got != names[i] {
			t.Errorf("item %d: %q, want %q", i, got, names[i])
		}
	}
}
