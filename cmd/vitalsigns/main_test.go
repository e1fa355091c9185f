package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/store"
)

// The test binary doubles as the vitalsigns binary, so that tests run the
// real command in real separate processes (serve in one, ingest in another)
// without a separate build.
const runMainEnv = "VITALSIGNS_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command returns the vitalsigns command line as a subprocess.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	return cmd
}

// vitalsigns runs the command to completion and returns its output and exit
// code.
func vitalsigns(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := command(t, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("vitalsigns %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// server is a running `vitalsigns serve` process.
type server struct {
	url    string
	tmpdir string
	done   chan error
	cmd    *exec.Cmd
	logs   *syncBuffer
}

// syncBuffer collects a subprocess's log lines for failure messages.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe starts `vitalsigns serve` on a free loopback port and stops it
// with SIGTERM when the test ends, checking that it shuts down cleanly.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	tmp := t.TempDir()
	args = append([]string{"serve", "--web.listen-address", "127.0.0.1:0", "--log.format", "json"}, args...)
	cmd := command(t, args...)
	cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	s := &server{tmpdir: tmp, done: make(chan error, 1), cmd: cmd, logs: logs}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n'))
			var line struct{ Msg, Address string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Address
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		s.url = "http://" + a
	case err := <-s.done:
		t.Fatalf("serve exited before listening: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("serve did not start listening within 60s\n%s", logs.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve did not exit cleanly on SIGTERM: %v\n%s", err, s.logs)
		}
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("serve did not stop within 20s of SIGTERM")
	}
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, body
}

// scrape fetches /metrics and parses it.
func scrape(t *testing.T, base string) ([]byte, map[string]*dto.MetricFamily) {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return body, fams
}

// sample returns the value of family name at the given labels.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		return m.GetGauge().GetValue() + m.GetCounter().GetValue() + m.GetUntyped().GetValue(), true
	}
	return 0, false
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"ingest"},
		{"no-such-command"},
		{"export", "--format", "xml"},
		{"serve", "--no-such-flag"},
		{"config", "check"},
		{"history"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, stderr, code := vitalsigns(t, args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
		})
	}
}

func TestConfigShowIsAValidConfig(t *testing.T) {
	out, stderr, code := vitalsigns(t, "config", "show")
	if code != 0 {
		t.Fatalf("config show: exit %d\n%s", code, stderr)
	}
	path := writeFile(t, t.TempDir(), "shown.yaml", out)
	msg, _, code := vitalsigns(t, "config", "check", path)
	if code != 0 || !strings.Contains(msg, "ok:") {
		t.Fatalf("config check of config show's output: exit %d\n%s", code, msg)
	}
	list, _, code := vitalsigns(t, "indicators")
	if code != 0 {
		t.Fatalf("indicators: exit %d", code)
	}
	for _, id := range []string{"agency_rate", "cla_visits_in_timescale", "caseload_avg", "cla_awaiting_health_assessment"} {
		if !strings.Contains(list, id) || !strings.Contains(out, "id: "+id) {
			t.Errorf("indicator %s missing from `indicators` or `config show`", id)
		}
	}

	bad := writeFile(t, t.TempDir(), "bad.yaml", "indicators:\n  - id: agency_rate\n    polarty: lower_is_better\n")
	msg, _, code = vitalsigns(t, "config", "check", bad)
	if code != exitFailed || !strings.Contains(msg, "bad.yaml:3:5:") || !strings.Contains(msg, "polarty") {
		t.Errorf("config check of a bad file: exit %d, want 1 and bad.yaml:3:5 naming the key; got:\n%s", code, msg)
	}
}

// TestServePicksUpCLIIngest runs serve and ingest as separate processes on
// one store, as a performance officer and the service would.
func TestServePicksUpCLIIngest(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data-dir", data, "--store.poll-interval", "100ms")
	_, fams := scrape(t, s.url)
	if _, ok := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "agency_rate", "team": "authority"}); ok {
		t.Fatal("agency_rate has a value before anything was ingested")
	}
	if v, _ := sample(fams, "vitalsigns_indicator_status", map[string]string{"indicator": "agency_rate", "team": "authority", "state": "no_data"}); v != 1 {
		t.Errorf("agency_rate before ingest: status no_data = %v, want 1", v)
	}

	dir := t.TempDir()
	good := writeFile(t, dir, "october.csv", "Period,Indicator,Team,Value,Numerator,Denominator\r\n"+
		"2026-10,% agency SWs,,24.5%,49,200\r\n"+
		"2026-10,Average caseload per social worker,,17.2,,\r\n")
	out, stderr, code := vitalsigns(t, "ingest", "--data-dir", data, good)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "2 new") {
		t.Errorf("ingest report does not say 2 new:\n%s", out)
	}
	waitFor(t, "serve to expose the ingested figure", 15*time.Second, func() bool {
		_, fams := scrape(t, s.url)
		v, ok := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "agency_rate", "team": "authority"})
		return ok && v == 0.245
	})
	_, fams = scrape(t, s.url)
	if v, _ := sample(fams, "vitalsigns_ingest_files_total", map[string]string{"result": "accepted"}); v != 1 {
		t.Errorf("ingest_files_total{result=accepted} = %v, want 1", v)
	}

	// The same file again is a no-op that says so.
	out, _, code = vitalsigns(t, "ingest", "--data-dir", data, good)
	if code != 0 || !strings.Contains(out, "already ingested") {
		t.Errorf("re-ingest: exit %d, want 0 and 'already ingested':\n%s", code, out)
	}

	// A file with one bad cell among good rows changes nothing and is
	// recorded as rejected; the scrape shows the failure.
	before, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "json")
	bad := writeFile(t, dir, "november.csv", "Period,Indicator,Team,Value\n"+
		"2026-10,Agency social worker rate,,30%\n"+
		"2026-10,Average caseload per social worker,,lots\n")
	out, _, code = vitalsigns(t, "ingest", "--data-dir", data, bad)
	if code != exitFailed || !strings.Contains(out, "november.csv:3:") || !strings.Contains(out, "nothing stored") {
		t.Errorf("bad ingest: exit %d, want 1 and a problem at november.csv:3:…:\n%s", code, out)
	}
	after, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "json")
	if before != after {
		t.Errorf("a rejected file changed the stored figures:\nbefore %s\nafter %s", before, after)
	}
	waitFor(t, "serve to count the rejected file", 15*time.Second, func() bool {
		_, fams := scrape(t, s.url)
		v, _ := sample(fams, "vitalsigns_ingest_files_total", map[string]string{"result": "rejected"})
		return v == 1
	})
	srcs, _, _ := vitalsigns(t, "sources", "--data-dir", data)
	if !strings.Contains(srcs, "rejected") || !strings.Contains(srcs, "november.csv") {
		t.Errorf("sources does not list the rejected file:\n%s", srcs)
	}
	exp, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "csv", "--indicator", "agency_rate")
	if want := "2026-10,agency_rate,authority,0.245,49,200,actual,,,1"; !strings.Contains(exp, want) {
		t.Errorf("export csv: want a line %q, got:\n%s", want, exp)
	}

	// A corrected figure becomes revision 2: dry run first, then for real;
	// history shows both with the file each came from, and serve exposes
	// the correction.
	fixed := writeFile(t, dir, "october-corrected.csv", "Period,Indicator,Team,Value,Numerator,Denominator\n"+
		"2026-10,% agency SWs,,25%,50,200\n")
	out, _, code = vitalsigns(t, "ingest", "--data-dir", data, "--dry-run", fixed)
	if code != 0 || !strings.Contains(out, "revised agency_rate / authority / 2026-10: 24.5% → 25%") || !strings.Contains(out, "nothing stored") {
		t.Errorf("dry run of a correction: exit %d:\n%s", code, out)
	}
	if out, _, code = vitalsigns(t, "ingest", "--data-dir", data, "--format", "json", fixed); code != 0 || !strings.Contains(out, `"revised": 1`) {
		t.Errorf("correction: exit %d:\n%s", code, out)
	}
	var reps []struct {
		SourceID int64 `json:"source_id"`
	}
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 || reps[0].SourceID == 0 {
		t.Fatalf("ingest --format json: %v\n%s", err, out)
	}
	corrected := fmt.Sprint(reps[0].SourceID)
	hist, _, _ := vitalsigns(t, "history", "--data-dir", data, "--indicator", "agency_rate")
	if !regexp.MustCompile(`2026-10\s+authority\s+1\s+0\.245\s+actual.*october\.csv`).MatchString(hist) ||
		!regexp.MustCompile(`2026-10\s+authority\s+2\s+0\.25\s+actual.*october-corrected\.csv\s+cli`).MatchString(hist) {
		t.Errorf("history does not show both revisions with their files:\n%s", hist)
	}
	waitFor(t, "serve to expose the correction", 15*time.Second, func() bool {
		_, fams := scrape(t, s.url)
		v, _ := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "agency_rate", "team": "authority"})
		return v == 0.25
	})

	// Withdrawing the correction puts the previous figure back in force,
	// keeps both revisions in history, and says why.
	if _, stderr, code := vitalsigns(t, "sources", "withdraw", "--data-dir", data, corrected); code != exitUsage {
		t.Errorf("withdraw without --reason: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	out, stderr, code = vitalsigns(t, "sources", "withdraw", "--data-dir", data, "--reason", "sent to the wrong council", corrected)
	if code != 0 || !strings.Contains(out, "withdrawn") {
		t.Fatalf("withdraw: exit %d\n%s%s", code, out, stderr)
	}
	waitFor(t, "serve to put the withdrawn figure's predecessor back", 15*time.Second, func() bool {
		_, fams := scrape(t, s.url)
		v, _ := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "agency_rate", "team": "authority"})
		return v == 0.245
	})
	hist, _, _ = vitalsigns(t, "history", "--data-dir", data, "--indicator", "agency_rate")
	if !strings.Contains(hist, "october-corrected.csv (withdrawn)") {
		t.Errorf("history does not mark the withdrawn revision:\n%s", hist)
	}
	show, _, code := vitalsigns(t, "sources", "show", "--data-dir", data, corrected)
	if code != 0 || !strings.Contains(show, "sent to the wrong council") || !strings.Contains(show, "validation report:") {
		t.Errorf("sources show: exit %d\n%s", code, show)
	}
	if !strings.Contains(show, "figures stored: 0 new, 1 revisions") {
		t.Errorf("sources show does not count the source's figures:\n%s", show)
	}
	rejectedShow, _, _ := vitalsigns(t, "sources", "show", "--data-dir", data, "2")
	if !strings.Contains(rejectedShow, "result: rejected") || !strings.Contains(rejectedShow, "november.csv:3:") {
		t.Errorf("sources show of the rejected file does not give its report:\n%s", rejectedShow)
	}
}

// TestServeDemo is the integration test of the walking skeleton: serve
// --demo on a free port, scrape /metrics, check it with promtool, and find
// every built-in indicator for the authority and every demo team, and each
// demo scenario's latest figures with the right labels.
func TestServeDemo(t *testing.T) {
	promtool := testenv.Promtool(t)
	s := startServe(t, "--demo")
	body, fams := scrape(t, s.url)

	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(body)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	teams := []string{"authority"}
	for _, tm := range demo.Teams() {
		teams = append(teams, tm.ID)
	}
	if len(teams) < 7 || len(teams) > 11 {
		t.Errorf("demo has %d teams besides the authority, want 6–10", len(teams)-1)
	}
	for _, ind := range cat.Indicators {
		for _, team := range teams {
			l := map[string]string{"indicator": ind.ID, "team": team}
			if _, ok := sample(fams, "vitalsigns_indicator_value", l); !ok {
				t.Errorf("no vitalsigns_indicator_value for %s, team %s", ind.ID, team)
			}
			if _, ok := sample(fams, "vitalsigns_indicator_period_end_timestamp_seconds", l); !ok {
				t.Errorf("no period end for %s, team %s", ind.ID, team)
			}
		}
		if _, ok := sample(fams, "vitalsigns_indicator_info", map[string]string{"indicator": ind.ID, "name": ind.Name, "unit": string(ind.Unit)}); !ok {
			t.Errorf("no vitalsigns_indicator_info for %s", ind.ID)
		}
	}

	auth := func(id string) map[string]string { return map[string]string{"indicator": id, "team": "authority"} }
	value := func(id, team string) float64 {
		v, ok := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": id, "team": team})
		if !ok {
			t.Fatalf("no value for %s, team %s", id, team)
		}
		return v
	}
	// The seed minutes: about 32 children waiting for health assessments.
	if v := value("cla_awaiting_health_assessment", "authority"); v < 28 || v > 36 {
		t.Errorf("children awaiting a health assessment: %v, want about 32", v)
	}
	// One in four social workers from agencies, higher than England.
	agency := value("agency_rate", "authority")
	england, _ := sample(fams, "vitalsigns_indicator_benchmark", map[string]string{"indicator": "agency_rate", "source": "england"})
	if agency < 0.22 || agency > 0.28 || agency <= england {
		t.Errorf("agency rate %v, want about 0.25 and above England's %v", agency, england)
	}
	// With no la_code configured, the demo shows a real authority's
	// benchmarks, rank and band, and says whose: Bradford's, as DfE
	// published them (region 7.9%, neighbours 9.47%).
	if v, _ := sample(fams, "vitalsigns_indicator_benchmark", map[string]string{"indicator": "agency_rate", "source": "region"}); v != 0.079 {
		t.Errorf("agency rate: region benchmark %v, want Yorkshire and The Humber's 0.079", v)
	}
	if v, _ := sample(fams, "vitalsigns_indicator_benchmark", map[string]string{"indicator": "agency_rate", "source": "statistical_neighbours"}); math.Abs(v-0.0947) > 1e-9 {
		t.Errorf("agency rate: neighbours' benchmark %v, want 0.0947", v)
	}
	if _, ok := sample(fams, "vitalsigns_indicator_benchmark_rank", map[string]string{"indicator": "agency_rate"}); !ok {
		t.Error("agency rate: no rank")
	}
	if _, landing := get(t, s.url+"/"); !bytes.Contains(landing, []byte("Benchmarks: as for Bradford.")) {
		t.Error("the demo's landing page does not say whose benchmarks it shows")
	}
	// Children-in-care visits falling but still above red: amber.
	visits := value("cla_visits_in_timescale", "authority")
	red, _ := sample(fams, "vitalsigns_indicator_threshold", map[string]string{"indicator": "cla_visits_in_timescale", "team": "authority", "level": "red"})
	if rag, _ := sample(fams, "vitalsigns_indicator_rag", auth("cla_visits_in_timescale")); rag != 1 || visits <= red {
		t.Errorf("children-in-care visits: %v (red below %v), rag %v; want amber, above red", visits, red, rag)
	}
	if v, _ := sample(fams, "vitalsigns_indicator_status", map[string]string{"indicator": "cla_visits_in_timescale", "team": "authority", "state": "amber"}); v != 1 {
		t.Errorf("children-in-care visits: status{state=amber} = %v, want 1", v)
	}
	// Caseloads differ sharply between teams.
	lo, hi := 1e9, 0.0
	for _, team := range teams[1:] {
		if _, ok := sample(fams, "vitalsigns_indicator_value", map[string]string{"indicator": "caseload_avg", "team": team}); !ok {
			continue
		}
		v := value("caseload_avg", team)
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 8 {
		t.Errorf("caseloads range from %v to %v across teams; want a sharp difference", lo, hi)
	}
	// A couple of indicators already red.
	reds := 0
	for _, ind := range cat.Indicators {
		if v, ok := sample(fams, "vitalsigns_indicator_rag", auth(ind.ID)); ok && v == 2 {
			reds++
		}
	}
	if reds < 2 {
		t.Errorf("%d indicators red for the authority, want at least 2", reds)
	}
	if v, _ := sample(fams, "vitalsigns_ingest_files_total", map[string]string{"result": "accepted"}); v != 1 {
		t.Errorf("ingest_files_total{result=accepted} = %v, want 1 (the demo data)", v)
	}
	if _, ok := fams["vitalsigns_build_info"]; !ok {
		t.Error("no vitalsigns_build_info")
	}

	// The landing page lists every indicator and links to its page.
	code, page := get(t, s.url+"/")
	if code != 200 {
		t.Fatalf("GET /: %d", code)
	}
	for _, ind := range cat.Indicators {
		if !strings.Contains(string(page), "/indicators/"+ind.ID+"?team=authority") {
			t.Errorf("landing page does not link to %s", ind.ID)
		}
	}
	if code, _ := get(t, s.url+"/indicators/agency_rate?team="+teams[1]); code != 200 {
		t.Errorf("indicator page: %d", code)
	}
	if code, _ := get(t, s.url+"/-/ready"); code != 200 {
		t.Errorf("ready: %d", code)
	}

	// The forecasts come in the background; then the falling visits are a
	// special-cause concern with a projected red breach, and /metrics and
	// the JSON API say the same.
	waitFor(t, "forecasts", 3*time.Minute, func() bool {
		_, fams = scrape(t, s.url)
		v, ok := sample(fams, "vitalsigns_forecasts_pending", nil)
		return ok && v == 0
	})
	visitsAuth := auth("cla_visits_in_timescale")
	if v, _ := sample(fams, "vitalsigns_indicator_spc_point", map[string]string{"indicator": "cla_visits_in_timescale", "team": "authority", "type": "special_cause_concern"}); v != 1 {
		t.Errorf("visits: spc_point{type=special_cause_concern} = %v, want 1", v)
	}
	breach, ok := sample(fams, "vitalsigns_indicator_forecast_breach_timestamp_seconds", map[string]string{"indicator": "cla_visits_in_timescale", "team": "authority", "level": "red"})
	if !ok {
		t.Fatal("visits: no red breach projected")
	}
	point1, _ := sample(fams, "vitalsigns_indicator_forecast", map[string]string{"indicator": "cla_visits_in_timescale", "team": "authority", "horizon": "1", "bound": "point"})
	code, body = get(t, s.url+"/api/v1/indicators/cla_visits_in_timescale/assessment?team=authority")
	if code != 200 {
		t.Fatalf("assessment API: %d", code)
	}
	var api struct {
		Data struct {
			State string `json:"state"`
			SPC   struct {
				Significance string `json:"significance"`
				Points       []struct {
					Type  string   `json:"type"`
					Rules []string `json:"rules"`
				} `json:"points"`
			} `json:"spc"`
			Forecast struct {
				Points []struct {
					Value float64 `json:"value"`
				} `json:"points"`
				Breach map[string]*struct {
					Period string `json:"period"`
				} `json:"breach"`
			} `json:"forecast"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &api); err != nil {
		t.Fatal(err)
	}
	d := api.Data
	lastPt := d.SPC.Points[len(d.SPC.Points)-1]
	if d.State != "amber" || d.SPC.Significance != "significant" || lastPt.Type != "special_cause_concern" || !slices.Contains(lastPt.Rules, "trend") {
		t.Errorf("API: state %s, significance %s, latest point %+v", d.State, d.SPC.Significance, lastPt)
	}
	if len(d.Forecast.Points) == 0 || d.Forecast.Points[0].Value != point1 {
		t.Errorf("API forecast %+v, /metrics horizon 1: %v", d.Forecast.Points, point1)
	}
	if red := d.Forecast.Breach["red"]; red == nil {
		t.Error("API: no red breach")
	} else if p, err := vs.ParsePeriod(vs.Monthly, red.Period); err != nil || float64(p.End().Unix()) != breach {
		t.Errorf("API red breach %s (%v), /metrics %v", red.Period, err, breach)
	}
	if rag, _ := sample(fams, "vitalsigns_indicator_rag", visitsAuth); rag != 1 {
		t.Errorf("visits rag %v after forecasting, want still amber", rag)
	}

	// Stopped, the demo leaves nothing behind.
	s.stop(t)
	left, err := os.ReadDir(s.tmpdir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("serve --demo left %d entries in TMPDIR, e.g. %s", len(left), left[0].Name())
	}
}

// The same bad workbook dropped in the inbox and uploaded through the web
// gets the same report naming sheet, cell and reason, and nothing is stored.
func TestInboxAndUploadGiveTheSameReport(t *testing.T) {
	data, inbox := t.TempDir(), t.TempDir()
	s := startServe(t, "--data-dir", data, "--inbox", inbox, "--web.enable-upload", "--store.poll-interval", "100ms")

	bad := filepath.Join(t.TempDir(), "october.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Vital Signs")
	f.SetSheetRow("Vital Signs", "A1", &[]any{"Period", "Indicator", "Team", "Value"})
	f.SetSheetRow("Vital Signs", "A2", &[]any{"2026-10", "Agency social worker rate", "", 0.25})
	f.SetSheetRow("Vital Signs", "A3", &[]any{"2026-10", "Average caseload per social worker", "", "<b>lots</b>"})
	if err := f.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(bad)
	if err != nil {
		t.Fatal(err)
	}

	// Upload, asking for JSON.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreateFormFile("file", "october.xlsx")
	part.Write(body)
	mw.Close()
	resp, err := http.Post(s.url+"/upload?format=json", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	var uploaded struct {
		Problems []struct{ Sheet, Cell, Reason string }
	}
	json.NewDecoder(resp.Body).Decode(&uploaded)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || len(uploaded.Problems) != 1 {
		t.Fatalf("upload: status %d, problems %+v; want 422 with one problem", resp.StatusCode, uploaded.Problems)
	}

	// Drop the same file in the inbox (written aside, then renamed in).
	tmp := filepath.Join(inbox, ".october.xlsx.part")
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(inbox, "october.xlsx")); err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(inbox, "rejected", "october.xlsx.report.json")
	waitFor(t, "the inbox to reject the file", 20*time.Second, func() bool {
		_, err := os.Stat(reportPath)
		return err == nil
	})
	raw, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	var dropped struct {
		Problems []struct{ Sheet, Cell, Reason string }
	}
	if err := json.Unmarshal(raw, &dropped); err != nil {
		t.Fatal(err)
	}
	if len(dropped.Problems) != 1 || dropped.Problems[0] != uploaded.Problems[0] {
		t.Errorf("inbox report %+v differs from upload report %+v", dropped.Problems, uploaded.Problems)
	}
	if p := uploaded.Problems[0]; p.Sheet != "Vital Signs" || p.Cell != "D3" || !strings.Contains(p.Reason, `"<b>lots</b>"`) {
		t.Errorf("problem %+v: want Vital Signs!D3 quoting the cell", p)
	}
	txt, _ := os.ReadFile(filepath.Join(inbox, "rejected", "october.xlsx.report.txt"))
	if !strings.Contains(string(txt), "october.xlsx: 'Vital Signs'!D3: ") {
		t.Errorf("inbox text report does not name the cell:\n%s", txt)
	}

	// Nothing stored; both attempts recorded as rejected sources.
	exp, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "json")
	if strings.TrimSpace(exp) != "[]" {
		t.Errorf("a rejected file stored figures:\n%s", exp)
	}
	srcs, _, _ := vitalsigns(t, "sources", "--data-dir", data)
	if strings.Count(srcs, "rejected") != 2 || !strings.Contains(srcs, "inbox") || !strings.Contains(srcs, "upload") {
		t.Errorf("sources should list two rejected attempts, by inbox and upload:\n%s", srcs)
	}
}

func TestTemplateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "vital-signs.xlsx")
	if _, stderr, code := vitalsigns(t, "template", "-o", out); code != 0 {
		t.Fatalf("template: exit %d\n%s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("template is not a workbook: %v", err)
	}
	defer f.Close()
	hdr, err := f.GetRows("Data")
	if err != nil || len(hdr) == 0 || strings.Join(hdr[0][:4], ",") != "Period,Indicator,Team,Value" {
		t.Errorf("Data sheet header: %v, %v", hdr, err)
	}
}

// Commentary that a spreadsheet would run as a formula is stored as written,
// exported to JSON as written, and to CSV behind an apostrophe.
func TestExportGuardsFormulas(t *testing.T) {
	data := t.TempDir()
	in := writeFile(t, t.TempDir(), "october.csv", "Period,Indicator,Value,Commentary,Outcome\n"+
		"2026-10,Referrals,410,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",@SUM(A1)\n")
	if out, stderr, code := vitalsigns(t, "ingest", "--data-dir", data, in); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, stderr)
	}
	csvOut, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "csv")
	if !strings.Contains(csvOut, `"'=HYPERLINK(""http://evil"",""x"")",'@SUM(A1)`) {
		t.Errorf("csv export does not guard formula-like text:\n%s", csvOut)
	}
	jsonOut, _, _ := vitalsigns(t, "export", "--data-dir", data, "--format", "json")
	if !strings.Contains(jsonOut, `"commentary": "=HYPERLINK(\"http://evil\",\"x\")"`) {
		t.Errorf("json export should give the text as stored:\n%s", jsonOut)
	}
}

// serve keeps the forecasts it shows, so that they can be scored when the
// actual figures arrive.
func TestServeRecordsForecasts(t *testing.T) {
	data := t.TempDir()
	var csv strings.Builder
	csv.WriteString("Period,Indicator,Team,Value\r\n")
	p := vs.Month(2025, time.November)
	for i := range 12 {
		fmt.Fprintf(&csv, "%s,agency_rate,,%.1f%%\r\n", p, 20+0.5*float64(i%4))
		p = p.Next()
	}
	file := writeFile(t, t.TempDir(), "year.csv", csv.String())
	if out, stderr, code := vitalsigns(t, "ingest", "--data-dir", data, file); code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	s := startServe(t, "--data-dir", data, "--store.poll-interval", "100ms")
	waitFor(t, "forecasts", 2*time.Minute, func() bool {
		_, fams := scrape(t, s.url)
		v, ok := sample(fams, "vitalsigns_forecasts_pending", nil)
		return ok && v == 0
	})
	_, fams := scrape(t, s.url)
	point2, ok := sample(fams, "vitalsigns_indicator_forecast", map[string]string{"indicator": "agency_rate", "team": "authority", "horizon": "2", "bound": "point"})
	if !ok {
		t.Fatal("no forecast for agency_rate")
	}
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The backtests follow in the background: a year of origins.
	var made, backtests []vs.ForecastRecord
	waitFor(t, "backtests", 2*time.Minute, func() bool {
		recs, err := st.Forecasts(context.Background(), vs.Filter{Indicator: "agency_rate", Team: "authority"})
		if err != nil {
			t.Fatal(err)
		}
		made, backtests = nil, nil
		for _, r := range recs {
			if r.Kind == vs.ForecastMade {
				made = append(made, r)
			} else {
				backtests = append(backtests, r)
			}
		}
		return len(backtests) > 0
	})
	// The API scores them: every backtest's month has its figure; none of
	// the forecasts made has arrived yet.
	code, body := get(t, s.url+"/api/v1/indicators/agency_rate/forecast-accuracy?team=authority")
	type scored struct {
		Accuracy struct {
			N          int      `json:"n"`
			MAE        *float64 `json:"mae"`
			Coverage95 *float64 `json:"coverage_95"`
		} `json:"accuracy"`
		Records []struct {
			Actual *float64 `json:"actual"`
		} `json:"records"`
	}
	var acc struct {
		Data struct {
			Made     scored `json:"made"`
			Backtest scored `json:"backtest"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &acc); code != 200 || err != nil {
		t.Fatalf("forecast accuracy: %d %v\n%s", code, err, body)
	}
	if bt := acc.Data.Backtest; bt.Accuracy.N != 27 || bt.Accuracy.MAE == nil || bt.Accuracy.Coverage95 == nil || len(bt.Records) != 27 {
		t.Errorf("backtest accuracy %+v over %d records", bt.Accuracy, len(bt.Records))
	}
	if m := acc.Data.Made; m.Accuracy.N != 0 || m.Accuracy.MAE != nil || len(m.Records) != 3 || m.Records[0].Actual != nil {
		t.Errorf("made: %+v, %d records; want 3 unscored (their months are to come)", m.Accuracy, len(m.Records))
	}
	s.stop(t)
	if len(made) != 3 {
		t.Fatalf("%d forecasts made, want 3 (October 2026 + 1 to 3 months)", len(made))
	}
	if r := made[1]; r.Origin.String() != "2026-10" || r.Target.String() != "2026-12" || r.Horizon != 2 || r.Value != point2 {
		t.Errorf("second record %+v; /metrics horizon 2: %v", r, point2)
	}
	// Origins from the 2nd to the 11th month (a forecast from one figure
	// has no interval), each up to 3 months ahead within the year.
	if len(backtests) != 27 {
		t.Errorf("%d backtest records, want 27", len(backtests))
	}
	for _, r := range backtests {
		if !r.Origin.Before(r.Target) || r.Target.Last.Compare(vs.Month(2026, time.October).Last) > 0 {
			t.Errorf("backtest %s → %s outside the history", r.Origin, r.Target)
		}
	}
}

// `vitalsigns rules -o FILE` writes rules that promtool accepts, with the
// configured link.
func TestRulesCommand(t *testing.T) {
	promtool := testenv.Promtool(t)
	out := filepath.Join(t.TempDir(), "vitalsigns.rules.yml")
	if stdout, stderr, code := vitalsigns(t, "rules", "--web.external-url", "https://vs.example.org/vs", "-o", out); code != 0 {
		t.Fatalf("rules: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "https://vs.example.org/vs/indicators/{{ $labels.indicator }}") {
		t.Errorf("rules do not link to the external URL:\n%.400s", b)
	}
	if out, err := exec.Command(promtool, "check", "rules", out).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
}
