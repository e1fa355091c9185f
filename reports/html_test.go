package reports_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// hostile is spreadsheet text that would run as script if written raw into
// the page or into go-echarts' options.
const hostile = `</script><script>alert("x")</script> __f__function(){alert(1)}__f__ <img src=x onerror=alert(2)> "onmouseover=alert(3)`

func hostileReport(t *testing.T) (*reports.Monthly, string) {
	t.Helper()
	cat := testCatalogue()
	cat.Indicators[0].Name = "Re-referrals " + hostile
	// DfE's figures for the authority: England, region and neighbours
	// with their year, and its rank and band.
	ref := cat.Indicators[0]
	ref.Benchmarks = []vs.Benchmark{
		{Source: vs.BenchmarkEngland, Value: 0.226, Year: "2025", Reference: "year to 31 March 2025"},
		{Source: vs.BenchmarkRegion, Value: 0.21, Year: "2025", Reference: "year to 31 March 2025"},
		{Source: vs.BenchmarkStatisticalNeighbours, Value: 0.245, Year: "2025", Reference: "year to 31 March 2025"},
	}
	ref.Standing = &vs.Standing{Authority: "Test " + hostile, Year: "2025", Value: 0.231, HasValue: true, Rank: 75, Ranked: 148, Band: "C",
		NeighboursUsed: 9, Neighbours: make([]vs.NeighbourValue, 10)}
	cat.Indicators[0] = ref
	var figs []vs.Observation
	refs := series("rereferrals_12m", "authority",
		0.232, 0.236, 0.231, 0.235, 0.233, 0.237, 0.232, 0.234, 0.236, 0.233, 0.235, 0.232, 0.234, 0.241)
	refs[len(refs)-1].Commentary = "Commentary " + hostile
	refs[len(refs)-1].Outcome = "Outcome " + hostile
	figs = append(figs, refs...)
	figs = append(figs, series("cla_visits_in_timescale", "authority",
		0.97, 0.971, 0.969, 0.97, 0.972, 0.968, 0.97, 0.971, 0.969, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.90, 0.88)...)
	s := assess.Build(cat, figs, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	m := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September))
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	return m, buf.String()
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	_, page := hostileReport(t)
	// No network: no external script, stylesheet, font or image.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page fetches from the network: %s", m)
	}
	if !strings.Contains(page, "echarts") || strings.Count(page, "Apache License") > 1 {
		t.Error("ECharts is not embedded exactly once")
	}
	// The hostile text never appears raw: only the two scripts the page
	// itself has, and no live __f__ function.
	if n := strings.Count(strings.ToLower(page), "<script>"); n != 2 {
		t.Errorf("%d <script> tags, want the page's own 2", n)
	}
	for _, raw := range []string{`<img src=x`, `</script><script>alert`, `"onmouseover=`} {
		if strings.Contains(page, raw) {
			t.Errorf("raw %q in the page", raw)
		}
	}
	if !strings.Contains(page, "Commentary &lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the commentary is not shown as escaped text")
	}
	// The chart options are JSON data with the text as strings.
	re := regexp.MustCompile(`var charts = (\{.*\});`)
	mm := re.FindStringSubmatch(page)
	if mm == nil {
		t.Fatal("no chart options in the page")
	}
	var charts map[string]map[string]any
	if err := json.Unmarshal([]byte(mm[1]), &charts); err != nil {
		t.Fatalf("chart options are not JSON: %v", err)
	}
	if len(charts) != 2 {
		t.Errorf("%d charts, want 2", len(charts))
	}
	// Outside the JSON data, the page's script is its own code only.
	if code := strings.Replace(page[strings.LastIndex(page, "<script>"):], mm[1], "{}", 1); strings.Contains(code, "alert") || strings.Contains(code, "__f__") {
		t.Errorf("spreadsheet text reached the page's script outside its data:\n%s", code)
	}
}

func TestHTMLFacts(t *testing.T) {
	m, page := hostileReport(t)
	for _, want := range []string{
		"Vital Signs: Test Council", "September 2026",
		"0 on target, 2 not",
		"▲ Red", "◆ Amber", // RAG as shape and word
		"rose to 24.1% in September 2026", // narrative
		"22.6%", "year to 31 March 2025",  // England with its reference date
		"@page", "thead { display: table-header-group; }", // print stylesheet
		`<p class="list-head"><strong>Significantly worse (statistical process control):</strong></p><ul class="names"><li><a href="#cla_visits_in_timescale">Children in care visited within timescales</a></li></ul>`,
		`<th scope="col">Statistical neighbours</th>`, "24.5%",
		// Every source with its year under it, the neighbours' count, the band.
		`<td class="num">22.6%<br><span class="small">2025</span></td>`,
		`<th scope="col">Region</th>`, `<td class="num">21%<br><span class="small">2025</span></td>`,
		`<td class="num">24.5%<br><span class="small">2025</span><br><span class="small">mean of 9 of 10</span></td>`,
		`<th scope="col">Quartile band among English authorities</th>`, `<td>C<br><span class="small">75th of 148, 2025</span></td>`,
		"higher than England (22.6%) and our region (21%), and in line with our statistical neighbours (24.5%) in the year to 31 March 2025",
		"Among the 148 English authorities with a published figure for 2025, Test",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if m.Cover.NotOnTarget != 2 {
		t.Errorf("cover: %d not on target", m.Cover.NotOnTarget)
	}
	// Every chart has its data as a table: 14 and 17 periods.
	if n := strings.Count(page, "The chart's figures as a table"); n != 2 {
		t.Errorf("%d chart tables, want 2", n)
	}
}

// A demo's report says whose published benchmarks it shows; a report of
// the authority's own does not.
func TestHTMLBenchmarksAs(t *testing.T) {
	m, page := hostileReport(t)
	if strings.Contains(page, "Benchmarks: as for") {
		t.Error("the authority's own benchmarks are labelled as another's")
	}
	m.BenchmarksAs = "Bradford"
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<p class=\"meta\">Benchmarks: as for Bradford.") {
		t.Error("a demo's report does not say its benchmarks are Bradford's")
	}
	cat := testCatalogue()
	cat.Authority.BenchmarksAs = "Bradford"
	s := assess.Build(cat, nil, vs.IngestStats{}, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	if got := reports.BuildMonthly(s, "authority", vs.Month(2026, time.September)).BenchmarksAs; got != "Bradford" {
		t.Errorf("BuildMonthly: BenchmarksAs %q, want Bradford", got)
	}
}
