package vitalsigns_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowed is the import policy of house-style.md: which of the module's own
// packages each package may import. Imports point down; nothing imports cmd,
// and only cmd imports web.
var allowed = map[string][]string{
	"cmd/vitalsigns":                 {"*"},
	"web":                            {"metrics", "reports", "collector", "assess", "assess/spc", "assess/forecast", "config", ""},
	"metrics":                        {"assess", "assess/spc", "assess/forecast", "config", ""},
	"reports":                        {"assess", "assess/spc", "assess/forecast", "config", ""},
	"assess":                         {"", "assess/spc", "assess/forecast"},
	"assess/spc":                     {""},
	"assess/forecast":                {""},
	"collector":                      {"config", ""},
	"store":                          {""},
	"config":                         {""},
	"benchmark":                      {""},
	"benchmark/gen":                  {"benchmark", "config"},
	"demo":                           {"config", ""},
	"":                               {},
	"internal/testenv":               {},
	"internal/benchgen":              {},
	"internal/benchgen/cmd/benchgen": {"internal/benchgen"},
}

func TestImportPolicy(t *testing.T) {
	const module = "github.com/vitalsigns/vitalsigns"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		rules, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %q is not in the import policy: add it to house-style.md and this table", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !slices.Contains(rules, "*") && !slices.Contains(rules, dep) {
				t.Errorf("%s imports %s, which the import policy forbids", fields[0], imp)
			}
		}
	}
}

// The heavy test-only modules stay out of the binary: the Prometheus rule
// and PromQL parsers (tests check generated rules and dashboards with them)
// and chromedp (tests drive Chromium with it; PDF printing runs the
// chromium binary instead).
func TestBinaryLeavesOutTestOnlyModules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./cmd/vitalsigns").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Split(string(out), "\n") {
		for _, banned := range []string{"github.com/prometheus/prometheus/", "github.com/chromedp/"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("the binary imports %s", dep)
			}
		}
	}
}
