package collector_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
)

// busyLedger fails every Ingest as a store whose write lock stayed taken.
type busyLedger struct{ vs.Ledger }

func (busyLedger) Ingest(context.Context, vs.Source, vs.Observations) (vs.IngestResult, error) {
	return vs.IngestResult{}, errors.New("begin ingest: store busy")
}

// A failure that is not the file's fault is returned as such, with its
// reason, and recorded for the health metrics; the message names the file
// once. A missing file is only reported (a mistyped name is no ingest
// failure), and nothing is recorded as a rejected source.
func TestIngestFailureNotTheFilesFault(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	cat := inboxCatalogue()
	good := filepath.Join(dir, "returns.csv")
	if err := os.WriteFile(good, []byte(goodCSV(2, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "folder.csv") // a directory: opens, then fails to read
	if err := os.Mkdir(unreadable, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		ledger vs.Ledger
		path   string
		reason vs.IngestErrorReason
		counts map[vs.IngestErrorReason]int // recorded so far
	}{
		{"missing", s, filepath.Join(dir, "octobr.csv"), vs.ReasonIO, map[vs.IngestErrorReason]int{}},
		{"unreadable", s, unreadable, vs.ReasonIO, map[vs.IngestErrorReason]int{vs.ReasonIO: 1}},
		{"store busy", busyLedger{s}, good, vs.ReasonStore, map[vs.IngestErrorReason]int{vs.ReasonIO: 1, vs.ReasonStore: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := collector.Ingest(ctx, tt.ledger, tt.path, cat, collector.IngestOptions{Via: vs.ViaCLI})
			var ie *vs.IngestError
			if !errors.As(err, &ie) || ie.Reason != tt.reason {
				t.Fatalf("got %+v, %v; want an IngestError for reason %s", rep, err, tt.reason)
			}
			name := tt.path
			if tt.reason == vs.ReasonStore {
				name = filepath.Base(tt.path)
			}
			if n := strings.Count(err.Error(), name); n != 1 {
				t.Errorf("error names %s %d times, want once: %v", name, n, err)
			}
			st, err := s.IngestStats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []vs.IngestErrorReason{vs.ReasonStore, vs.ReasonIO} {
				if got := st.Errors[r].Count; got != tt.counts[r] {
					t.Errorf("%s errors recorded: %d, want %d", r, got, tt.counts[r])
				}
			}
			if st.Rejected != 0 || st.Accepted != 0 {
				t.Errorf("sources: %d accepted, %d rejected; want none", st.Accepted, st.Rejected)
			}
		})
	}
}
