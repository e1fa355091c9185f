package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathErrorNamesThePathOnce: "write: mkdir X: …", not "write X: mkdir
// X: …" (issue 12.7).
func TestPathErrorNamesThePathOnce(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(blocker, "grafana")
	err := pathError("write", dir, os.MkdirAll(dir, 0o755))
	if n := strings.Count(err.Error(), dir); n != 1 {
		t.Errorf("%q names %s %d times, want once", err, dir, n)
	}
	err = pathError("write", "out.html", os.ErrPermission)
	if err.Error() != "write out.html: permission denied" {
		t.Errorf("an error without the path: %q", err)
	}
}
