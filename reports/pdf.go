package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrNoChromium is returned by PrintPDF when no Chromium is installed.
var ErrNoChromium = errors.New("no Chromium found to print the PDF with: install Debian's chromium package, or give its path with --chromium.path")

// FindChromium returns the path of a headless-capable Chromium: path if
// given, else the first of chromium, chromium-browser, google-chrome on
// PATH.
func FindChromium(path string) (string, error) {
	if path != "" {
		if _, err := exec.LookPath(path); err != nil {
			return "", fmt.Errorf("%w (%s: %v)", ErrNoChromium, path, err)
		}
		return path, nil
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// PrintPDF prints a rendered HTML report to PDF with headless Chromium, as
// the report's print stylesheet lays it out (A4, page breaks between
// sections, table headers repeated). Chromium runs with a fresh profile in
// a temporary directory, no network beyond the local file, and a deadline.
func PrintPDF(ctx context.Context, chromium string, html []byte, w io.Writer) error {
	dir, err := os.MkdirTemp("", "vitalsigns-pdf-*")
	if err != nil {
		return fmt.Errorf("print pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	page, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return fmt.Errorf("print pdf: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--no-first-run", "--disable-extensions",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		// Let the charts draw before printing (they are SVG, no animation).
		"--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw",
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+page)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("print pdf with %s: %w: %s", chromium, err, lastLines(stderr.String(), 5))
	}
	pdf, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return fmt.Errorf("print pdf with %s: no PDF written: %s", chromium, lastLines(stderr.String(), 5))
	}
	if _, err := w.Write(pdf); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
