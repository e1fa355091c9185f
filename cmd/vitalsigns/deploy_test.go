package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vitalsigns/vitalsigns/internal/testenv"
)

func docsFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docs/prometheus.yml, with the rules it names generated beside it, passes
// promtool check config (which checks the rules too).
func TestDeployPrometheusConfig(t *testing.T) {
	promtool := testenv.Promtool(t)
	dir := t.TempDir()
	writeFile(t, dir, "prometheus.yml", docsFile(t, "prometheus.yml"))
	if out, stderr, code := vitalsigns(t, "rules", "-o", filepath.Join(dir, "vitalsigns.rules.yml")); code != 0 {
		t.Fatalf("rules: %s %s", out, stderr)
	}
	out, err := exec.Command(promtool, "check", "config", filepath.Join(dir, "prometheus.yml")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rules found") {
		t.Errorf("promtool check config: %v\n%s", err, out)
	}
	if !strings.Contains(docsFile(t, "prometheus.yml"), "job_name: vitalsigns") {
		t.Error("the scrape job is not named vitalsigns, which VitalSignsDown looks for")
	}
}

// docs/vitalsigns.service passes systemd-analyze verify without a warning
// (it prints, and still exits 0, for unknown keys and bad values: so any
// output fails), and runs serve with the flags it has.
func TestDeploySystemdUnit(t *testing.T) {
	analyze := testenv.Tool(t, "systemd-analyze")
	unit := docsFile(t, "vitalsigns.service")
	dir := t.TempDir()
	// verify wants the binary to exist.
	path := writeFile(t, dir, "vitalsigns.service", strings.ReplaceAll(unit, "/usr/local/bin/vitalsigns", "/bin/true"))
	out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// The check can fail: a typo is reported.
	bad := writeFile(t, dir, "bad.service", strings.Replace(strings.ReplaceAll(unit, "/usr/local/bin/vitalsigns", "/bin/true"), "ProtectSystem=strict", "ProtectSystem=strickt", 1))
	if out, _ := exec.Command(analyze, "verify", "--man=no", bad).CombinedOutput(); len(out) == 0 {
		t.Error("systemd-analyze verify said nothing about ProtectSystem=strickt")
	}
	// Every flag of its command line is one serve has.
	var execStart string
	for _, line := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			execStart = v
		}
	}
	fields := strings.Fields(execStart)
	if len(fields) < 2 {
		t.Fatalf("ExecStart %q", execStart)
	}
	help, _, _ := vitalsigns(t, "serve", "--help")
	for _, f := range fields[1:] {
		if strings.HasPrefix(f, "--") && !strings.Contains(help, f+" ") {
			t.Errorf("ExecStart uses %s, which serve does not have", f)
		}
	}
}
