package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// Failed ingests are counted and time-stamped by reason, every reason
// exposed from 0, and the last failure is the latest of any reason: a full
// disk moves it as a rejected file does.
func TestIngestErrorMetrics(t *testing.T) {
	rejected, store := time.Unix(1793000100, 0), time.Unix(1793000200, 0)
	stats := vs.IngestStats{
		Accepted: 3, Rejected: 2, LastSuccess: time.Unix(1793000000, 0), LastFailure: store,
		Errors: map[vs.IngestErrorReason]vs.IngestErrorCount{
			vs.ReasonRejected: {Count: 2, Last: rejected},
			vs.ReasonStore:    {Count: 1, Last: store},
		},
	}
	c := metrics.NewCollector()
	if err := c.Set(assess.Build(&vs.Catalogue{}, nil, stats, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP vitalsigns_ingest_errors_total Failed ingests by reason: rejected (the file's fault: its problems are in its report), store (the store busy past its lock timeout, full, read-only or damaged), io (the file or a temporary file could not be read or written); all ways in, all processes.
# TYPE vitalsigns_ingest_errors_total counter
vitalsigns_ingest_errors_total{reason="io"} 0
vitalsigns_ingest_errors_total{reason="rejected"} 2
vitalsigns_ingest_errors_total{reason="store"} 1
# HELP vitalsigns_ingest_last_error_timestamp_seconds When an ingest last failed for the reason; 0 if never.
# TYPE vitalsigns_ingest_last_error_timestamp_seconds gauge
vitalsigns_ingest_last_error_timestamp_seconds{reason="io"} 0
vitalsigns_ingest_last_error_timestamp_seconds{reason="rejected"} 1.7930001e+09
vitalsigns_ingest_last_error_timestamp_seconds{reason="store"} 1.7930002e+09
# HELP vitalsigns_ingest_last_failure_timestamp_seconds When an ingest last failed, for any reason (see vitalsigns_ingest_last_error_timestamp_seconds); 0 if never.
# TYPE vitalsigns_ingest_last_failure_timestamp_seconds gauge
vitalsigns_ingest_last_failure_timestamp_seconds 1.7930002e+09
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "vitalsigns_ingest_errors_total",
		"vitalsigns_ingest_last_error_timestamp_seconds", "vitalsigns_ingest_last_failure_timestamp_seconds"); err != nil {
		t.Error(err)
	}
	if problems, err := testutil.CollectAndLint(c, "vitalsigns_ingest_errors_total", "vitalsigns_ingest_last_error_timestamp_seconds"); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}
