package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/vitalsigns/vitalsigns/store"
)

// Imported DfE files are kept once per content, with their figures'
// history: re-importing the same bytes is a no-op, and a release that
// restates a year adds a revision of each figure it changed, naming the
// file it came from.
func TestImportBenchmarks(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	fig := func(code string, v float64) store.BenchmarkFigure {
		return store.BenchmarkFigure{Indicator: "agency_rate", Year: 2025, YearLabel: "2025", Level: "Local authority", Code: code,
			Name: "Area " + code, Status: "published", Raw: fmt.Sprint(v * 100), Value: sql.NullFloat64{Float64: v, Valid: true}}
	}
	first := store.BenchmarkImport{Name: "csww_2025.csv", SHA256: "aaa", Kind: "tidy", Content: []byte("time_period,…\n2025,…\n"),
		Figures: []store.BenchmarkFigure{fig("380", 0.222), fig("381", 0.1)}}
	seq0, _ := st.ChangeSeq(ctx)
	res, err := st.ImportBenchmarks(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicate || res.New != 2 || res.Revised != 0 || res.FileID == 0 {
		t.Errorf("first import: %+v, want 2 new", res)
	}
	seq1, _ := st.ChangeSeq(ctx)
	if seq1 <= seq0 {
		t.Errorf("change counter %d after an import, was %d", seq1, seq0)
	}
	// The same bytes again, under another name: nothing is written.
	again := first
	again.Name = "copy.csv"
	if res, err := st.ImportBenchmarks(ctx, again); err != nil || !res.Duplicate || res.New != 0 {
		t.Errorf("re-import: %+v %v, want a duplicate", res, err)
	}
	if seq, _ := st.ChangeSeq(ctx); seq != seq1 {
		t.Errorf("change counter %d after a re-import, want %d", seq, seq1)
	}
	// Next year's release restates 2025 for 380 (suppressed now) and
	// keeps 381.
	restated := fig("380", 0)
	restated.Status, restated.Raw, restated.Value = "suppressed", "c", sql.NullFloat64{}
	second := store.BenchmarkImport{Name: "csww_2026.csv", SHA256: "bbb", Kind: "tidy", Content: []byte("second"),
		Figures: []store.BenchmarkFigure{restated, fig("381", 0.1)}}
	if res, err := st.ImportBenchmarks(ctx, second); err != nil || res.Duplicate || res.New != 0 || res.Revised != 1 {
		t.Errorf("restating import: %+v %v, want 1 revised", res, err)
	}
	hist, err := st.BenchmarkHistory(ctx, "agency_rate", "Local authority", "380")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, fmt.Sprintf("%d r%d %s %s %v %s", h.Year, h.Revision, h.Status, h.Raw, h.Value.Float64, h.File.Name))
	}
	want := "2025 r1 published 22.2 0.222 csww_2025.csv\n2025 r2 suppressed c 0 csww_2026.csv"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("history:\n%s\nwant:\n%s", g, want)
	}
	if all, _ := st.BenchmarkHistory(ctx, "agency_rate", "", ""); len(all) != 3 {
		t.Errorf("%d revisions in all, want 3", len(all))
	}
	files, err := st.BenchmarkFiles(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "csww_2025.csv" || !bytes.Equal(files[0].Content, first.Content) || files[1].SHA256 != "bbb" ||
		files[0].ImportedAt.IsZero() || files[0].Size != int64(len(first.Content)) {
		t.Errorf("files %+v", files)
	}
	if files, _ := st.BenchmarkFiles(ctx, false); len(files) != 2 || files[0].Content != nil {
		t.Errorf("files without content: %+v", files)
	}
}
