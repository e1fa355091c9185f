package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), store.FileName)
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s, err := store.Open(context.Background(), path, store.WithClock(func() time.Time {
		clock = clock.Add(time.Minute)
		return clock
	}))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func num(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }

func obs(ind, team string, month time.Month, v float64) vs.Observation {
	return vs.Observation{
		Key:    vs.Key{Indicator: ind, Team: team, Period: vs.Month(2026, month)},
		Value:  num(v),
		Status: vs.StatusActual,
	}
}

// row is what a test compares: a stored figure without its timestamps.
type row struct {
	Key      string
	Value    float64
	Status   vs.Status
	Revision int
	Source   int64
}

func rows(t *testing.T, s *store.Store, latest bool) []row {
	t.Helper()
	ctx := context.Background()
	var (
		got []vs.Observation
		err error
	)
	if latest {
		got, err = s.Latest(ctx, vs.Filter{})
	} else {
		got, err = s.History(ctx, vs.Filter{})
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for _, o := range got {
		out = append(out, row{o.Indicator + "/" + o.Team + "/" + o.Period.String(), o.Value.Float64, o.Status, o.Revision, o.SourceID})
	}
	return out
}

func TestIngestRevisions(t *testing.T) {
	ctx := context.Background()
	s := open(t)

	first := []vs.Observation{obs("agency_rate", "authority", 9, 0.25), obs("agency_rate", "north", 9, 0.3), obs("referrals", "authority", 9, 410)}
	res, err := s.Ingest(ctx, vs.Source{Name: "sept.csv", SHA256: "aaa", Via: vs.ViaCLI}, vs.ObservationSlice(first))
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 3 || res.Revised != 0 || res.Unchanged != 0 || res.Duplicate {
		t.Fatalf("first ingest: got %+v, want 3 new", res)
	}

	// The same content again is a no-op that says so.
	res, err = s.Ingest(ctx, vs.Source{Name: "sept-copy.csv", SHA256: "aaa", Via: vs.ViaCLI}, vs.ObservationSlice(first))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || res.DuplicateOf.Name != "sept.csv" {
		t.Fatalf("re-ingest: got %+v, want duplicate of sept.csv", res)
	}

	// A corrected figure becomes revision 2; an unchanged one makes nothing;
	// a changed status alone is a revision too.
	second := []vs.Observation{obs("agency_rate", "authority", 9, 0.26), obs("agency_rate", "north", 9, 0.3), obs("referrals", "authority", 9, 410)}
	second[2].Status = vs.StatusProvisional
	plan, err := s.Plan(ctx, vs.Source{Name: "sept-v2.csv", SHA256: "bbb"}, vs.ObservationSlice(second))
	if err != nil {
		t.Fatal(err)
	}
	res, err = s.Ingest(ctx, vs.Source{Name: "sept-v2.csv", SHA256: "bbb", Via: vs.ViaCLI}, vs.ObservationSlice(second))
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 0 || res.Revised != 2 || res.Unchanged != 1 {
		t.Fatalf("second ingest: got new=%d revised=%d unchanged=%d, want 0/2/1", res.New, res.Revised, res.Unchanged)
	}
	if plan.Revised != res.Revised || plan.Unchanged != res.Unchanged || len(plan.Changes) != 2 {
		t.Errorf("plan %+v disagrees with ingest %+v", plan, res)
	}
	if c := res.Changes[0]; c.Old.Value.Float64 != 0.25 || c.New.Value.Float64 != 0.26 || c.New.Revision != 2 {
		t.Errorf("change: got %+v, want 0.25 → 0.26 as revision 2", c)
	}

	want := []row{
		{"agency_rate/authority/2026-09", 0.26, vs.StatusActual, 2, 2},
		{"agency_rate/north/2026-09", 0.3, vs.StatusActual, 1, 1},
		{"referrals/authority/2026-09", 410, vs.StatusProvisional, 2, 2},
	}
	if diff := cmp.Diff(want, rows(t, s, true)); diff != "" {
		t.Errorf("latest (-want +got):\n%s", diff)
	}
	if got := len(rows(t, s, false)); got != 5 {
		t.Errorf("history holds %d revisions, want 5", got)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[0].Name != "sept-v2.csv" || !srcs[0].Accepted {
		t.Errorf("sources: got %+v, want sept-v2.csv then sept.csv, accepted", srcs)
	}
}

func TestRejectChangesNoObservation(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.Ingest(ctx, vs.Source{Name: "a.csv", SHA256: "a"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)}); err != nil {
		t.Fatal(err)
	}
	before, beforeHist := rows(t, s, true), rows(t, s, false)
	seq0, _ := s.ChangeSeq(ctx)

	id, err := s.Reject(ctx, vs.Source{Name: "bad.xlsx", SHA256: "b", Rows: 12, Report: `{"problems":1}`, Via: vs.ViaCLI})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, rows(t, s, true)); diff != "" {
		t.Errorf("observations changed by a rejected file (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(beforeHist, rows(t, s, false)); diff != "" {
		t.Errorf("revisions changed by a rejected file (-before +after):\n%s", diff)
	}
	srcs, _ := s.Sources(ctx)
	if srcs[0].ID != id || srcs[0].Accepted || srcs[0].Report != `{"problems":1}` || srcs[0].Rows != 12 {
		t.Errorf("rejected source: got %+v", srcs[0])
	}
	if seq, _ := s.ChangeSeq(ctx); seq != seq0+1 {
		t.Errorf("change counter %d after a rejection, want %d", seq, seq0+1)
	}
	st, err := s.IngestStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accepted != 1 || st.Rejected != 1 || st.LastSuccess.IsZero() || !st.LastFailure.After(st.LastSuccess) {
		t.Errorf("stats: got %+v", st)
	}

	// A once-rejected file is validated again: its sha256 does not make a
	// later good ingest a duplicate.
	res, err := s.Ingest(ctx, vs.Source{Name: "bad.xlsx", SHA256: "b"}, vs.ObservationSlice{obs("referrals", "authority", 9, 420)})
	if err != nil || res.Duplicate || res.New != 1 {
		t.Errorf("ingest after rejection: got %+v, %v; want 1 new", res, err)
	}
}

// A failed ingest half-way leaves nothing: the whole file is one transaction.
func TestIngestIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	good := obs("referrals", "authority", 8, 400)
	bad := obs("referrals", "authority", 9, 1)
	bad.Status = "nonsense" // refused by the schema's CHECK constraint
	if _, err := s.Ingest(ctx, vs.Source{Name: "x.csv", SHA256: "x"}, vs.ObservationSlice{good, bad}); err == nil {
		t.Fatal("ingest with an invalid status succeeded")
	}
	if got := rows(t, s, false); len(got) != 0 {
		t.Errorf("a failed ingest stored %v", got)
	}
	if srcs, _ := s.Sources(ctx); len(srcs) != 0 {
		t.Errorf("a failed ingest recorded sources %v", srcs)
	}
}

// Two handles on one file stand for serve and a CLI ingest: the reader sees
// the writer's commit through the change counter.
func TestChangeSeqAcrossHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), store.FileName)
	w, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seq0, err := r.ChangeSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Ingest(ctx, vs.Source{Name: "a", SHA256: "a"}, vs.ObservationSlice{obs("referrals", "authority", 8, 400)}); err != nil {
		t.Fatal(err)
	}
	seq1, _ := r.ChangeSeq(ctx)
	if seq1 <= seq0 {
		t.Fatalf("change counter did not move: %d then %d", seq0, seq1)
	}
	got, err := r.Latest(ctx, vs.Filter{Indicator: "referrals"})
	if err != nil || len(got) != 1 || got[0].Value.Float64 != 400 {
		t.Fatalf("reader sees %v, %v", got, err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", store.FileName)
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	o := obs("caseload_avg", "south", 7, 17.5)
	o.Commentary = "Two vacancies filled"
	o.Numerator, o.Denominator = num(350), num(20)
	if _, err := s.Ingest(ctx, vs.Source{Name: "a", SHA256: "a"}, vs.ObservationSlice{o}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = store.Open(ctx, path) // migrations run again: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Latest(ctx, vs.Filter{Team: "south"})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	g := got[0]
	if g.Key != o.Key || g.Value != o.Value || g.Numerator != o.Numerator || g.Denominator != o.Denominator || g.Commentary != o.Commentary || g.Revision != 1 {
		t.Errorf("read back %+v, want %+v", g, o)
	}
}

func TestWithdraw(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a, err := s.Ingest(ctx, vs.Source{Name: "sept.csv", SHA256: "a"}, vs.ObservationSlice{obs("agency_rate", "authority", 9, 0.25), obs("referrals", "authority", 9, 400)})
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := s.Ingest(ctx, vs.Source{Name: "sept-wrong.csv", SHA256: "b"}, vs.ObservationSlice{obs("agency_rate", "authority", 9, 0.52), obs("agency_rate", "authority", 10, 0.5)})
	if err != nil || wrong.Revised != 1 || wrong.New != 1 {
		t.Fatalf("second file: %+v, %v", wrong, err)
	}
	seq0, _ := s.ChangeSeq(ctx)

	src, err := s.Withdraw(ctx, wrong.SourceID, "decimal point in the wrong place")
	if err != nil {
		t.Fatal(err)
	}
	if !src.Withdrawn || src.WithdrawnReason != "decimal point in the wrong place" || src.WithdrawnAt.IsZero() {
		t.Errorf("withdrawn source: %+v", src)
	}
	want := []row{
		{"agency_rate/authority/2026-09", 0.25, vs.StatusActual, 1, a.SourceID},
		{"referrals/authority/2026-09", 400, vs.StatusActual, 1, a.SourceID},
	}
	if diff := cmp.Diff(want, rows(t, s, true)); diff != "" {
		t.Errorf("after withdrawal the previous figures must be in force (-want +got):\n%s", diff)
	}
	if got := len(rows(t, s, false)); got != 4 {
		t.Errorf("history holds %d revisions after withdrawal, want all 4 kept for the audit trail", got)
	}
	if seq, _ := s.ChangeSeq(ctx); seq != seq0+1 {
		t.Errorf("change counter %d after a withdrawal, want %d", seq, seq0+1)
	}
	got, err := s.Source(ctx, wrong.SourceID)
	if err != nil || !got.Withdrawn || got.WithdrawnReason == "" {
		t.Errorf("Source after withdrawal: %+v, %v", got, err)
	}

	if _, err := s.Withdraw(ctx, wrong.SourceID, "again"); !errors.Is(err, store.ErrNotWithdrawable) {
		t.Errorf("withdrawing twice: %v, want ErrNotWithdrawable", err)
	}
	rej, _ := s.Reject(ctx, vs.Source{Name: "bad.csv", SHA256: "c"})
	if _, err := s.Withdraw(ctx, rej, "x"); !errors.Is(err, store.ErrNotWithdrawable) {
		t.Errorf("withdrawing a rejected source: %v, want ErrNotWithdrawable", err)
	}
	if _, err := s.Withdraw(ctx, 999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("withdrawing an unknown source: %v, want ErrNotFound", err)
	}

	// The withdrawn content sent again is a new source, not a duplicate,
	// and its figures take new revision numbers (never reused).
	again, err := s.Ingest(ctx, vs.Source{Name: "sept-wrong.csv", SHA256: "b"}, vs.ObservationSlice{obs("agency_rate", "authority", 9, 0.52)})
	if err != nil || again.Duplicate || again.Revised != 1 {
		t.Fatalf("re-ingest of withdrawn content: %+v, %v", again, err)
	}
	latest, _ := s.Latest(ctx, vs.Filter{Indicator: "agency_rate"})
	if len(latest) != 1 || latest[0].Revision != 3 || latest[0].Value.Float64 != 0.52 {
		t.Errorf("after re-ingest: %+v, want revision 3 of 0.52", latest)
	}
}
