package collector

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/internal/testenv"
)

// buildBook builds a workbook with build and returns it as bytes.
func buildBook(t testing.TB, build func(*excelize.File) error) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := build(f); err != nil {
		t.Fatalf("build workbook: %v", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

// calcResave writes the workbook built by build as name, has LibreOffice
// Calc open it and save it again as .xlsx, and returns the path of Calc's
// file: a fixture written by a real spreadsheet application (its own
// styles, shared strings, merged cells and cached values). A missing
// soffice skips the test, or fails it where VITALSIGNS_REQUIRE_TOOLS=1.
func calcResave(t *testing.T, name string, build func(*excelize.File) error) string {
	t.Helper()
	bin := testenv.Tool(t, "soffice")
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, buildBook(t, build), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, src)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to xlsx: %v\n%s", err, b)
	}
	path := filepath.Join(out, name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("soffice wrote no %s: %v", name, err)
	}
	return path
}

// readBytes reads b as a file named name against cat.
func readBytes(t testing.TB, name string, b []byte, cat *vs.Catalogue, opt Options) *Result {
	t.Helper()
	got, err := Read(context.Background(), name, bytes.NewReader(b), int64(len(b)), cat, opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}
