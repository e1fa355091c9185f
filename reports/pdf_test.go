package reports_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/vitalsigns/vitalsigns/internal/testenv"
	"github.com/vitalsigns/vitalsigns/reports"
)

func TestPrintPDF(t *testing.T) {
	chromium := testenv.Chromium(t)
	m, _ := hostileReport(t)
	var page, pdf bytes.Buffer
	if err := reports.WriteHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	if err := reports.PrintPDF(context.Background(), chromium, page.Bytes(), &pdf); err != nil {
		t.Fatal(err)
	}
	// A4 pages (595 × 842 points), several of them: the cover, the
	// scorecard and the indicators each start a page.
	boxes := regexp.MustCompile(`/MediaBox \[0 0 (\d+)(?:\.\d+)? (\d+)(?:\.\d+)?\]`).FindAllSubmatch(pdf.Bytes(), -1)
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || len(boxes) == 0 {
		t.Fatalf("not a PDF with pages: %.100q", pdf.Bytes())
	}
	for _, b := range boxes {
		if string(b[1]) != "594" || string(b[2]) != "841" {
			t.Errorf("page of %s × %s points, want A4 (594.96 × 841.92)", b[1], b[2])
		}
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Bytes(), -1)); pages < 3 {
		t.Errorf("%d pages, want at least 3 (cover, scorecard, indicators)", pages)
	}
}

func TestFindChromiumMissing(t *testing.T) {
	if _, err := reports.FindChromium("/nonexistent/chromium"); !errors.Is(err, reports.ErrNoChromium) {
		t.Errorf("err %v, want ErrNoChromium", err)
	}
}
