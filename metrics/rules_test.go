package metrics_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// rulesCatalogue is the built-in catalogue with the overrides that
// testdata/rules_test.yml assumes.
func rulesCatalogue(t *testing.T) *vs.Catalogue {
	t.Helper()
	cat, err := config.Parse("overrides.yaml", []byte(`
indicators:
  - id: cla_visits_in_timescale
    alerts:
      amber_periods: 2
  - id: contacts
    alerts:
      disabled: [special_cause, forecast_breach]
`))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestRulesWithPromtool checks the generated rules with the real promtool:
// `check rules`, and `test rules` on the hand-written unit tests in
// testdata/rules_test.yml (fires, stays quiet, resolves, exact text).
func TestRulesWithPromtool(t *testing.T) {
	promtool := testenv.Promtool(t)
	b, err := metrics.Rules(rulesCatalogue(t), metrics.RulesOptions{ExternalURL: "https://vitalsigns.example.gov.uk/"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join("testdata", "rules_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rules_test.yml"), tests, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yml"}, {"test", "rules", "rules_test.yml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Every alert the rules define has a promtool unit test, and the
// overrides reach the expressions.
func TestRulesCoverage(t *testing.T) {
	b, err := metrics.Rules(rulesCatalogue(t), metrics.RulesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join("testdata", "rules_test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	rules := string(b)
	n := 0
	for _, line := range strings.Split(rules, "\n") {
		name, ok := strings.CutPrefix(strings.TrimSpace(line), "- alert: ")
		if !ok {
			continue
		}
		n++
		if !strings.Contains(string(tests), "alertname: "+name+"\n") {
			t.Errorf("alert %s has no promtool unit test", name)
		}
	}
	if n != 8 {
		t.Errorf("%d alerts, want 8", n)
	}
	for _, want := range []string{
		`vitalsigns_indicator_amber_run_periods{indicator!~"cla_visits_in_timescale"}[10m]) >= 3`,
		`vitalsigns_indicator_amber_run_periods{indicator=~"cla_visits_in_timescale"}[10m]) >= 2`,
		`vitalsigns_indicator_spc_point{type="special_cause_concern",indicator!~"contacts"}`,
		`vitalsigns_indicator_forecast_breach_timestamp_seconds{level="red",indicator!~"contacts"}`,
		"http://localhost:9781/indicators/",
	} {
		if !strings.Contains(rules, want) {
			t.Errorf("rules lack %s", want)
		}
	}
}
