package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/store"
)

// demoStore ingests the demo's figures into a store in data, and returns a
// config file with the demo's teams.
func demoStore(t *testing.T, data string) string {
	t.Helper()
	base, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := demo.Catalogue(base)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if _, err := st.Ingest(ctx, vs.Source{Name: "demo", SHA256: "demo", Via: vs.ViaCLI}, vs.ObservationSlice(demo.Generate(cat, now, 1))); err != nil {
		t.Fatal(err)
	}
	teams := "authority:\n  name: Demo Council\nteams:\n"
	for _, tm := range demo.Teams() {
		teams += fmt.Sprintf("  - {id: %s, name: %q, parent: %q}\n", tm.ID, tm.Name, tm.Parent)
	}
	return writeFile(t, data, "teams.yaml", teams)
}

func TestReportMonthly(t *testing.T) {
	data := t.TempDir()
	cfg := demoStore(t, data)
	dir := t.TempDir()
	html := filepath.Join(dir, "vital-signs.html")
	if out, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "monthly", "--period", "2026-10", "-o", html); code != 0 {
		t.Fatalf("report: exit %d\n%s\n%s", code, out, stderr)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Vital Signs: Demo Council", "October 2026", "on target,",
		"Children in care visited within timescales fell to", "statistical process control shows a real change for the worse",
		// Caseloads across all teams, as a chart and a table.
		`id="teams-caseload_avg"`, `<th scope="row">Assessment Team East</th>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	xlsx := filepath.Join(dir, "scorecard.xlsx")
	if _, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "monthly", "--period", "2026-10", "--format", "xlsx", "-o", xlsx); code != 0 {
		t.Fatalf("xlsx: %s", stderr)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	f.Close()
	if len(sheets) < 4 || sheets[len(sheets)-1] != "Data" {
		t.Errorf("scorecard sheets %v", sheets)
	}

	for _, args := range [][]string{
		{"report", "monthly"},
		{"report", "monthly", "--period", "2026-10", "--format", "docx"},
		{"report", "monthly", "--period", "Octember"},
		{"report", "monthly", "--period", "2026-10", "--team", "nowhere"},
	} {
		if _, stderr, code := vitalsigns(t, append([]string{"--config", cfg, "--data-dir", data}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestReportMonthlyPDF(t *testing.T) {
	testenv.Chromium(t)
	data := t.TempDir()
	cfg := demoStore(t, data)
	pdf := filepath.Join(t.TempDir(), "vital-signs.pdf")
	if _, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "monthly", "--period", "2026-10", "--format", "pdf", "-o", pdf); code != 0 {
		t.Fatalf("pdf: %s", stderr)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("not a PDF: %v %.20q", err, b)
	}
	// Without Chromium: a clear error, nothing written.
	missing := filepath.Join(t.TempDir(), "none.pdf")
	_, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "monthly", "--period", "2026-10", "--format", "pdf",
		"--chromium.path", "/nonexistent/chromium", "-o", missing)
	if code == 0 || !strings.Contains(stderr, "no Chromium found") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a PDF file was written without Chromium")
	}
}

// A report lists the figures revised since the last one was issued, and
// --as-of reproduces a report from the figures as they stood.
func TestReportRevisionsAndAsOf(t *testing.T) {
	data := t.TempDir()
	cfg := demoStore(t, data)
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out := filepath.Join(dir, fmt.Sprintf("r%d.html", time.Now().UnixNano()))
		if _, stderr, code := vitalsigns(t, append([]string{"--config", cfg, "--data-dir", data, "report", "monthly", "--period", "2026-10", "-o", out}, args...)...); code != 0 {
			t.Fatalf("report %v: %s", args, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	first := run()
	if strings.Contains(first, "Revised since the last report") {
		t.Error("the first report lists revisions")
	}
	time.Sleep(20 * time.Millisecond)
	before := time.Now().UTC()
	time.Sleep(20 * time.Millisecond)
	fix := writeFile(t, dir, "correction.csv", "Period,Indicator,Team,Value\n2026-10,cla_visits_in_timescale,,81.5%\n")
	if out, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "ingest", fix); code != 0 {
		t.Fatalf("ingest: %s %s", out, stderr)
	}
	second := run()
	if !strings.Contains(second, "Revised since the last report") || !strings.Contains(second, "correction.csv") ||
		!strings.Contains(second, ">81.5%</td>") {
		t.Errorf("the second report does not list the correction:\n%.2000s", second[strings.Index(second, "Data quality")+0:])
	}
	// As it stood before the correction: the old figure, and nothing was
	// revised relative to the first report.
	old := run("--as-of", before.Format(time.RFC3339Nano))
	if strings.Contains(old, "81.5%") || !strings.Contains(old, "No figure has changed since the report issued on") {
		t.Error("--as-of did not reproduce the report from the figures before the correction")
	}
	// The reproduction was not recorded: a new report still compares with
	// the second.
	third := run()
	if !strings.Contains(third, "No figure has changed since the report issued on") {
		t.Error("the third report should find nothing revised since the second")
	}
}

func TestReportBiweekly(t *testing.T) {
	data := t.TempDir()
	cfg := demoStore(t, data)
	out := filepath.Join(t.TempDir(), "forecast.html")
	if _, stderr, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "biweekly", "-o", out); code != 0 {
		t.Fatalf("biweekly: %s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	// The demo's falling visits come first: the most likely to turn red.
	first := strings.Index(page, `<th scope="row"><a href="#`)
	if first < 0 || !strings.HasPrefix(page[first:], `<th scope="row"><a href="#cla_visits_in_timescale"`) {
		t.Errorf("the first row is not the falling visits: %.120s", page[max(first, 0):])
	}
	if !strings.Contains(page, "Forecast to turn red in") {
		t.Error("no breach forecast in the report")
	}
	if _, _, code := vitalsigns(t, "--config", cfg, "--data-dir", data, "report", "biweekly", "--format", "xlsx"); code != 2 {
		t.Errorf("--format xlsx: exit %d, want 2", code)
	}
}
