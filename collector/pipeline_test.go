package collector_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/store"
)

func pipelineCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Teams: []vs.Team{{ID: "north", Name: "North"}, {ID: "south", Name: "South"}},
		Indicators: []vs.Indicator{
			{ID: "agency_rate", Name: "Agency social worker rate", Aliases: []string{"% agency SWs"}, Unit: vs.UnitPercent,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly},
			{ID: "caseload_avg", Name: "Average caseload per social worker", Unit: vs.UnitNumber,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly},
		},
	}
}

// workbook writes a long-layout workbook with the given data rows under a
// title row and the header.
func workbook(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Vital Signs")
	f.SetSheetRow("Vital Signs", "A1", &[]any{"Vital Signs return, Children's Services"})
	f.SetSheetRow("Vital Signs", "A3", &[]any{"Period", "Indicator", "Team", "Value", "Commentary"})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		f.SetSheetRow("Vital Signs", cell, &r)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

type tables struct {
	Latest, History []vs.Observation
	Sources         int
}

func read(t *testing.T, s *store.Store) tables {
	t.Helper()
	ctx := context.Background()
	l, err := s.Latest(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return tables{l, h, len(src)}
}

// A workbook with one bad cell among good rows stores nothing: observations
// and revisions are exactly as they were, and the attempt is recorded as a
// rejected source with its report.
func TestIngestBadCellChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	cat := pipelineCatalogue()

	good := filepath.Join(dir, "september.xlsx")
	workbook(t, good, [][]any{
		{"2026-09", "% agency SWs", "", 0.25, "One in four"},
		{"2026-09", "Average caseload per social worker", "North", 17.5, ""},
		{"2026-09", "Average caseload per social worker", "South", 21, ""},
	})
	rep, err := collector.Ingest(ctx, s, good, cat, collector.IngestOptions{Via: vs.ViaCLI})
	if err != nil || !rep.Accepted || rep.New != 3 {
		t.Fatalf("good workbook: %+v, %v", rep, err)
	}
	before := read(t, s)

	bad := filepath.Join(dir, "october.xlsx")
	workbook(t, bad, [][]any{
		{"2026-10", "% agency SWs", "", 0.24, ""},
		{"2026-10", "Average caseload per social worker", "North", 17.1, ""},
		{"2026-10", "Average caseload per social worker", "South", "twenty", ""},
		{"2026-09", "Average caseload per social worker", "North", 18, "a revision that must not land"},
	})
	rep, err = collector.Ingest(ctx, s, bad, cat, collector.IngestOptions{Via: vs.ViaCLI})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted || len(rep.Problems) != 1 {
		t.Fatalf("bad workbook: accepted=%v problems=%v, want one problem", rep.Accepted, rep.Problems)
	}
	if got := rep.Problems[0].String(); !strings.HasPrefix(got, "october.xlsx: 'Vital Signs'!D6: ") || !strings.Contains(got, `"twenty"`) {
		t.Errorf("problem %q: want it at october.xlsx: 'Vital Signs'!D6 quoting the cell", got)
	}

	after := read(t, s)
	if diff := cmp.Diff(before.Latest, after.Latest); diff != "" {
		t.Errorf("figures in force changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(before.History, after.History); diff != "" {
		t.Errorf("revisions changed (-before +after):\n%s", diff)
	}
	srcs, _ := s.Sources(ctx)
	if len(srcs) != before.Sources+1 || srcs[0].Accepted || srcs[0].Name != "october.xlsx" || srcs[0].ID != rep.SourceID {
		t.Fatalf("rejected source not recorded: %+v", srcs[0])
	}
	var stored collector.Report
	if err := json.Unmarshal([]byte(srcs[0].Report), &stored); err != nil {
		t.Fatalf("stored report is not JSON: %v", err)
	}
	if len(stored.Problems) != 1 || stored.Problems[0].Cell != "D6" || stored.SHA256 != rep.SHA256 {
		t.Errorf("stored report: %+v", stored)
	}

	// Fixed and sent again, it is validated afresh and accepted, revising
	// September's North caseload.
	workbook(t, bad, [][]any{
		{"2026-10", "% agency SWs", "", 0.24, ""},
		{"2026-10", "Average caseload per social worker", "North", 17.1, ""},
		{"2026-10", "Average caseload per social worker", "South", 20, ""},
		{"2026-09", "Average caseload per social worker", "North", 18, "corrected"},
	})
	dry, err := collector.Ingest(ctx, s, bad, cat, collector.IngestOptions{Via: vs.ViaCLI, DryRun: true})
	if err != nil || dry.New != 3 || dry.Revised != 1 || len(dry.Changes) != 1 {
		t.Fatalf("dry run: %+v, %v", dry, err)
	}
	if c := dry.Changes[0]; c.Old != "17.5" || c.New != "18" || c.Period != "2026-09" || c.Team != "north" {
		t.Errorf("dry-run change: %+v, want north 2026-09 17.5 → 18", c)
	}
	if diff := cmp.Diff(after.History, read(t, s).History); diff != "" {
		t.Errorf("a dry run stored something:\n%s", diff)
	}
	rep, err = collector.Ingest(ctx, s, bad, cat, collector.IngestOptions{Via: vs.ViaCLI})
	if err != nil || !rep.Accepted || rep.New != 3 || rep.Revised != 1 {
		t.Fatalf("fixed workbook: %+v, %v", rep, err)
	}
	got, _ := s.Latest(ctx, vs.Filter{Indicator: "caseload_avg", Team: "north"})
	want := sql.NullFloat64{Float64: 18, Valid: true}
	if len(got) != 2 || got[0].Value != want || got[0].Revision != 2 || got[0].Commentary != "corrected" {
		t.Errorf("north caseloads: %+v", got)
	}
}

// Lenient mode stores the valid rows and lists exactly which rows were
// skipped and why; a problem with the file as a whole still rejects it.
func TestIngestLenient(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	cat := pipelineCatalogue()
	path := filepath.Join(dir, "october.xlsx")
	workbook(t, path, [][]any{
		{"2026-10", "% agency SWs", "", 0.24, ""},
		{"2026-10", "Average caseload per social worker", "North", "seventeen", ""},
		{"2026-10", "Average caseload per social worker", "Westt", 19, ""},
		{"2026-10", "Average caseload per social worker", "South", 20, ""},
	})
	rep, err := collector.Ingest(ctx, s, path, cat, collector.IngestOptions{Via: vs.ViaCLI, Options: collector.Options{Lenient: true}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted || rep.New != 2 || rep.SkippedRows != 2 || len(rep.Problems) != 0 {
		t.Fatalf("lenient ingest: accepted=%v new=%d skipped=%d problems=%v", rep.Accepted, rep.New, rep.SkippedRows, rep.Problems)
	}
	var skipped []string
	for _, p := range rep.Skipped {
		skipped = append(skipped, p.Where())
	}
	if diff := cmp.Diff([]string{"october.xlsx: 'Vital Signs'!D5", "october.xlsx: 'Vital Signs'!C6"}, skipped); diff != "" {
		t.Errorf("skipped rows (-want +got):\n%s", diff)
	}
	if !strings.Contains(rep.Text(), "2 row(s) skipped (lenient)") {
		t.Errorf("report text does not list the skipped rows:\n%s", rep.Text())
	}
	got, _ := s.Latest(ctx, vs.Filter{})
	if len(got) != 2 || got[0].Indicator != "agency_rate" || got[1].Team != "south" {
		t.Errorf("stored: %+v, want agency_rate/authority and caseload_avg/south", got)
	}

	// No table at all is not a row's problem: rejected even when lenient.
	empty := filepath.Join(dir, "notes.csv")
	if err := os.WriteFile(empty, []byte("Some notes\nwith no table\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = collector.Ingest(ctx, s, empty, cat, collector.IngestOptions{Via: vs.ViaCLI, Options: collector.Options{Lenient: true}})
	if err != nil || rep.Accepted || len(rep.Problems) == 0 {
		t.Errorf("a file with no table, lenient: accepted=%v problems=%v err=%v; want rejected", rep.Accepted, rep.Problems, err)
	}
}

// A file whose name carries a bidi override (through the CLI or the inbox)
// is recorded under its name without it, with a warning (issue 12.7).
func TestIngestCleansFileName(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	path := filepath.Join(dir, "oct\u202eober.xlsx")
	workbook(t, path, [][]any{{"2026-09", "% agency SWs", "", 0.25, ""}})
	rep, err := collector.Ingest(ctx, s, path, pipelineCatalogue(), collector.IngestOptions{Via: vs.ViaInbox})
	if err != nil || !rep.Accepted {
		t.Fatalf("%+v, %v", rep, err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.File != "october.xlsx" || len(srcs) != 1 || srcs[0].Name != "october.xlsx" {
		t.Errorf("recorded as %q (report %q), want october.xlsx", srcs[0].Name, rep.File)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "right-to-left override") {
		t.Errorf("warnings %v, want one about the name", rep.Warnings)
	}
}

// testStore opens a store in a new directory, closed when the test ends,
// and returns it with the directory (for the test's files).
func testStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}
