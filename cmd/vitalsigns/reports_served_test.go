package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
)

// The reports serve reads the same as the assessment API for the same
// period, fact by fact; and in real Chromium, loaded from loopback with
// every other address unreachable, they fetch nothing else, raise no
// error, draw every chart, screenshot and print to PDF.
func TestServedReports(t *testing.T) {
	bin := testenv.Chromium(t)
	s := startServe(t, "--demo")
	waitFor(t, "forecasts", 3*time.Minute, func() bool {
		_, fams := scrape(t, s.url)
		v, ok := sample(fams, "vitalsigns_forecasts_pending", nil)
		return ok && v == 0
	})
	_, landing := get(t, s.url+"/")
	m := regexp.MustCompile(`/reports/monthly/(\d{4}-\d{2})\?team=authority`).FindSubmatch(landing)
	if m == nil || !strings.Contains(string(landing), "/reports/biweekly/") {
		t.Fatal("the landing page does not link to the reports")
	}
	month := string(m[1])
	code, page := get(t, s.url+"/reports/monthly/"+month)
	if code != 200 {
		t.Fatalf("monthly report: %d", code)
	}
	if !strings.Contains(string(page), "Benchmarks: as for Bradford.") {
		t.Error("the demo's monthly report does not say whose benchmarks it shows")
	}

	// Facts: each scorecard row against the API for the same period.
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?s)<tr>\s*<th scope="row"><a href="#([a-z0-9_-]+)">.*?</th>\s*<td class="num">(.*?)</td><td class="num">(.*?)</td>\s*<td>[^<]*?\s?([^<]*)</td><td class="num">[^<]*</td>\s*<td><span class="rag [^"]*">([^<]*)</span>`).FindAllSubmatch(page, -1)
	if len(rows) != len(cat.Indicators) {
		t.Fatalf("%d scorecard rows parsed, want %d", len(rows), len(cat.Indicators))
	}
	green, notGreen := 0, 0
	for _, r := range rows {
		id, latest, previous, rag := string(r[1]), html.UnescapeString(string(r[2])), html.UnescapeString(string(r[3])), string(r[5])
		direction := strings.TrimSpace(strings.TrimLeft(html.UnescapeString(string(r[4])), "↑↓→ "))
		ind, _ := cat.Indicator(id)
		// The same period: for an indicator reported weekly or quarterly,
		// the one that contains the month's last day, as the report takes.
		period := vs.PeriodContaining(ind.Frequency, mustMonth(t, month).Last).String()
		_, body := get(t, fmt.Sprintf("%s/api/v1/indicators/%s/assessment?team=authority&period=%s", s.url, id, url.QueryEscape(period)))
		var api struct {
			Data struct {
				State  string `json:"state"`
				Latest *struct {
					Value  *float64 `json:"value"`
					Status string   `json:"status"`
				} `json:"latest"`
				Direction map[string]struct {
					Words string `json:"words"`
				} `json:"direction"`
				Verdict string `json:"verdict"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &api); err != nil {
			t.Fatal(err)
		}
		d := api.Data
		// The same figure: the report may print it to more places than
		// the API's words, where that tells it from a figure it is
		// compared with (4.047% against a 4% target: 4.05%).
		want := []string{"no data"}
		switch {
		case d.Latest != nil && d.Latest.Value != nil:
			want = nil
			for n := ind.Unit.Decimals(); n <= ind.Unit.Decimals()+3; n++ {
				w := ind.FormatPlaces(*d.Latest.Value, n)
				if d.Latest.Status == "provisional" {
					w += " (provisional)"
				}
				want = append(want, w)
			}
		case d.Latest != nil:
			want = []string{d.Latest.Status}
		}
		if !slices.Contains(want, latest) {
			t.Errorf("%s: the report shows %q, the API %q", id, latest, want[0])
		}
		// The same judgement; and the change the report prints is the
		// difference of the two figures it prints (issue 11, item 6),
		// where the API's words give the change unrounded.
		if words := d.Direction["previous_period"].Words; d.Latest != nil && judgement(direction) != judgement(words) {
			t.Errorf("%s: direction %q in the report, %q in the API", id, direction, words)
		}
		if by, ok := changeIn(direction); ok {
			l, okL := figureIn(latest)
			p, okP := figureIn(previous)
			if !okL || !okP || math.Abs(math.Abs(l-p)-by) > 1e-9 {
				t.Errorf("%s: %q from %q to %q", id, direction, previous, latest)
			}
		}
		wantRAG := map[string]string{"green": "● Green", "amber": "◆ Amber", "red": "▲ Red", "stale": "Late",
			"suppressed": "Suppressed", "no_data": "No data"}[d.State]
		if wantRAG == "" {
			wantRAG = "Not rated"
		}
		if rag != wantRAG {
			t.Errorf("%s: RAG %q in the report, state %q in the API", id, rag, d.State)
		}
		switch d.Verdict {
		case "green":
			green++
		case "amber", "red":
			notGreen++
		}
	}
	if cover := fmt.Sprintf("<strong>%d on target, %d not</strong>", green, notGreen); !bytes.Contains(page, []byte(cover)) {
		t.Errorf("the cover does not say %q", cover)
	}
	// The demo's scenario, as it was built: visits falling, worsening, a
	// special cause, and (in the forecasting report) heading for red.
	for _, want := range []string{"Children in care visited within timescales fell to", "statistical process control shows a real change for the worse"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the monthly report lacks %q", want)
		}
	}

	// In Chromium, from loopback only.
	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1200, 900),
		// Anything but loopback goes to a dead proxy.
		chromedp.ProxyServer("127.0.0.1:9"), chromedp.Flag("proxy-bypass-list", "127.0.0.1;localhost"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		case *network.EventRequestWillBeSent:
			if u := e.Request.URL; !strings.HasPrefix(u, s.url) && !strings.HasPrefix(u, "data:") {
				problems = append(problems, "fetched "+u)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/reports/monthly/" + month, "/reports/biweekly/" + time.Now().Format(time.DateOnly)} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+path), chromedp.WaitReady("footer")); err != nil {
			t.Fatal(err)
		}
		charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.vitalsignsCharts`))
		if err != nil {
			t.Fatal(err)
		}
		drawn, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('.chart')).filter(c => c.querySelector('svg path')).length`))
		if err != nil {
			t.Fatal(err)
		}
		if charts == 0 || drawn != charts {
			t.Errorf("%s: %d charts set up, %d drawn", path, charts, drawn)
		}
		shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil || img.Bounds().Dx() < 800 {
			t.Errorf("%s: screenshot %v, %v", path, err, img)
		}
	}
	mu.Lock()
	for _, p := range problems {
		t.Errorf("in the browser: %s", p)
	}
	mu.Unlock()

	// Downloads: PDF (a sane number of A4 pages) and XLSX.
	code, pdf := get(t, s.url+"/reports/monthly/"+month+"?format=pdf")
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if code != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages < 5 || pages > 200 {
		t.Errorf("PDF: %d, %d pages", code, pages)
	}
	if code, x := get(t, s.url+"/reports/monthly/"+month+"?format=xlsx"); code != 200 || !bytes.HasPrefix(x, []byte("PK")) {
		t.Errorf("XLSX: %d", code)
	}
	if code, _ := get(t, s.url+"/reports/monthly/Octember"); code != 400 {
		t.Errorf("a bad period: %d, want 400", code)
	}
}

// judgement is the judgement of a direction of travel's words:
// "improving" of "improving (up 2.1 percentage points)". A report's
// "little changed" (figures the API judges unchanged that print a digit
// apart) is "unchanged".
func judgement(words string) string {
	j, _, _ := strings.Cut(words, " (")
	if j == "little changed" {
		return "unchanged"
	}
	if strings.HasPrefix(j, "up ") || strings.HasPrefix(j, "down ") {
		j, _, _ = strings.Cut(j, " ")
	}
	return j
}

// changeIn is the size of the change in a direction of travel's words:
// 2.1 of "improving (up 2.1 percentage points)", 12 of "up 12".
func changeIn(words string) (float64, bool) {
	m := regexp.MustCompile(`(?:up|down) ([£0-9.,]+)`).FindStringSubmatch(words)
	if m == nil {
		return 0, false
	}
	return figureIn(m[1])
}

// figureIn reads a figure as a report prints it: 4.05%, £1,250.00, 1,234.
func figureIn(s string) (float64, bool) {
	s = strings.TrimSuffix(s, " (provisional)")
	s = strings.NewReplacer("£", "", ",", "", "%", "").Replace(s)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

func mustMonth(t *testing.T, s string) vs.Period {
	t.Helper()
	p, err := vs.ParsePeriod(vs.Monthly, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
