package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	if !strings.Contains(text, `Commentary </script><script>alert("x")</script> __f__function(){alert(1)}__f__ <img src=x onerror=alert(2)>`) {
		t.Error("the hostile commentary is not shown as text")
	}
}
