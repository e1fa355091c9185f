package metrics_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// alertmanagerConfig is the documented example configuration.
var alertmanagerConfig = filepath.Join("..", "docs", "alertmanager.yml")

// The example Alertmanager configuration is valid for the real amtool and
// routes vitalsigns' alerts as its comments say.
func TestAlertmanagerExample(t *testing.T) {
	amtool := testenv.Amtool(t)
	if out, err := exec.Command(amtool, "check-config", alertmanagerConfig).CombinedOutput(); err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
	tests := []struct {
		labels []string
		want   string
	}{
		{[]string{"alertname=VitalSignsIndicatorRed", "severity=critical", "group=Children in Care"}, "heads-of-service,team-chat"},
		{[]string{"alertname=VitalSignsIndicatorAmberPersisting", "severity=warning", "group=Workforce"}, "workforce-lead"},
		{[]string{"alertname=VitalSignsIndicatorDataOverdue", "severity=warning", "group=Front Door"}, "performance-team"},
		{[]string{"alertname=VitalSignsDown", "severity=critical"}, "service-owner"},
		{[]string{"alertname=VitalSignsIngestFailing", "severity=warning"}, "service-owner"},
	}
	for _, tt := range tests {
		args := append([]string{"config", "routes", "test", "--config.file=" + alertmanagerConfig}, tt.labels...)
		out, err := exec.Command(amtool, args...).Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != tt.want {
			t.Errorf("%v: routed to %q (%v), want %q", tt.labels, got, err, tt.want)
		}
	}
}

// Every alert the example names exists in the generated rules, so a
// renamed alert cannot silently break routing or inhibition.
func TestAlertmanagerExampleNamesRealAlerts(t *testing.T) {
	cfg, err := os.ReadFile(alertmanagerConfig)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := metrics.Rules(rulesCatalogue(t), metrics.RulesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`VitalSigns[A-Za-z]+`).FindAllString(string(cfg), -1)
	if len(names) < 6 {
		t.Fatalf("found only %d alert names in the example", len(names))
	}
	for _, n := range names {
		if !strings.Contains(string(rules), "alert: "+n+"\n") {
			t.Errorf("the example names %s, which the rules do not define", n)
		}
	}
}
