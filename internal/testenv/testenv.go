// Package testenv finds the external programs that integration tests use
// (promtool, prometheus, chromium, soffice). A missing program skips the
// test on a developer's machine; with VITALSIGNS_REQUIRE_TOOLS=1, as CI sets
// it, it fails the test instead, so CI cannot pass by skipping.
//
// It imports the standard library only.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the environment variable that turns skips into failures.
const RequireEnv = "VITALSIGNS_REQUIRE_TOOLS"

// Required reports whether missing tools must fail tests.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// Tool returns the path of the first of names found on PATH, or skips (or,
// when required, fails) t.
func Tool(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if Required() {
		t.Fatalf("%v not found on PATH, and %s=1 requires it (install Debian's package)", names, RequireEnv)
	}
	t.Skipf("%v not found on PATH; skipping (set %s=1 to fail instead)", names, RequireEnv)
	return ""
}

// Promtool returns the path of promtool.
func Promtool(t testing.TB) string { return Tool(t, "promtool") }

// Prometheus returns the path of the prometheus server.
func Prometheus(t testing.TB) string { return Tool(t, "prometheus") }

// Chromium returns the path of a headless-capable Chromium.
func Chromium(t testing.TB) string { return Tool(t, "chromium", "chromium-browser", "google-chrome") }

// Amtool returns the path of Alertmanager's amtool.
func Amtool(t testing.TB) string { return Tool(t, "amtool") }
