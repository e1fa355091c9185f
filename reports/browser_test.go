package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vitalsigns/vitalsigns/internal/testenv"
)

// The report in a real headless Chromium: no script error, no dialog (the
// hostile cells' alert() never runs), every chart drawn as SVG, and the
// hostile text on the page as text.
func TestReportInChromium(t *testing.T) {
	bin := testenv.Chromium(t)
	_, html := hostileReport(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.Flag("disable-background-networking", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	dialogs := make(chan struct{}, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, fmt.Sprintf("exception: %s (line %d)", e.ExceptionDetails.Text, e.ExceptionDetails.LineNumber))
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "dialog: "+e.Message)
			select {
			case dialogs <- struct{}{}:
			default:
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	// A dialog would block the page: dismiss any, so the test reports it
	// rather than hanging.
	go func() {
		for range dialogs {
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady("footer")); err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.vitalsignsCharts`))
	if err != nil {
		t.Fatal(err)
	}
	svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.chart svg').length`))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for _, p := range problems {
		t.Errorf("in the browser: %s", p)
	}
	problems = nil
	mu.Unlock()

	// The detector works: a page that does run an alert is caught.
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!doctype html><title>x</title><script>alert("caught")</script><footer></footer>`), 0o644)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+bad), chromedp.WaitReady("footer")); err != nil {
		t.Fatal(err)
	}
	close(dialogs)
	mu.Lock()
	defer mu.Unlock()
	if len(problems) == 0 || !strings.Contains(problems[0], "caught") {
		t.Errorf("a page calling alert() went unnoticed: %v", problems)
	}
	if charts != 2 || svgs != 2 {
		t.Errorf("%d charts set up, %d drawn as SVG; want 2 and 2", charts, svgs)
	}
	if !strings.Contains(text, `Commentary </script><script>alert("x")</script> __f__function(){alert(1)}__f__ <img src=x onerror=alert(2)> "onmouseover=alert(3)`) {
		t.Error("the hostile commentary is not shown as text")
	}
	// The cover's lists read one indicator to a line (issue 11, item 9).
	if !regexp.MustCompile(`Worse than the previous period:\n+Re-referrals [^\n]*alert\(3\)\nChildren in care visited within timescales\n`).MatchString(text) {
		t.Errorf("the cover does not list the indicators worse than the previous period one to a line:\n%s", text[:min(len(text), 1500)])
	}
}

// Both reports meet WCAG 2.2 AA as axe-core (testdata/axe.min.js, 4.14.1)
// checks it in a real browser: DfE withdrew its benchmarking tool for
// failing accessibility checks, and councillors read these on tablets.
func TestReportsAccessible(t *testing.T) {
	bin := testenv.Chromium(t)
	axe, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	_, monthly := hostileReport(t)
	dir := t.TempDir()
	// 640 CSS pixels wide: a 1280-pixel screen at 200% zoom.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(640, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	// The last is a control: a page that fails (an image without a text
	// alternative, a table header with no text) must be caught.
	control := `<!doctype html><html lang="en"><head><title>x</title></head><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><footer></footer></body></html>`
	pages := []struct{ name, page string }{{"monthly", monthly}, {"biweekly", biweeklyPage(t)}, {"control", control}}
	for _, p := range pages {
		name, page := p.name, p.page
		file := filepath.Join(dir, name+".html")
		if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file), chromedp.WaitReady("footer")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
			t.Fatal(err)
		}
		type violation struct {
			ID, Impact, Help string
			Nodes            []struct{ Target []string }
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](
			`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		// Headings in order (no level skipped): axe's best-practice rule,
		// which the WCAG tags leave out.
		order, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](
			`axe.run(document, {runOnly: {type: 'rule', values: ['heading-order', 'page-has-heading-one', 'landmark-one-main']}}).then(r => r.violations)`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if name != "control" {
			got = append(got, order...)
		}
		// Reflow (WCAG 1.4.10): at 200% zoom the page does not scroll
		// sideways; wide tables scroll inside their own region.
		if name != "control" {
			sideways, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if err != nil {
				t.Fatal(err)
			}
			if sideways {
				t.Errorf("%s: the page scrolls sideways at 640 pixels wide (200%% zoom)", name)
			}
			// Keyboard order is the reading order: no positive tabindex.
			jumps, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('[tabindex]')).filter(e => e.tabIndex > 0).length`))
			if err != nil {
				t.Fatal(err)
			}
			if jumps > 0 {
				t.Errorf("%s: %d elements take the keyboard out of reading order", name, jumps)
			}
		}
		if name == "control" {
			if len(got) == 0 || got[0].ID != "image-alt" {
				t.Errorf("axe missed the control's image without alt text: %+v", got)
			}
			continue
		}
		for _, v := range got {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, strings.Join(n.Target, " "))
			}
			t.Errorf("%s: %s (%s): %s at %v", name, v.ID, v.Impact, v.Help, where)
		}
	}
}
