package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/web"
)

// fakeReader serves fixed figures; the store's own tests cover the SQLite side.
type fakeReader struct{ obs []vs.Observation }

func (f fakeReader) Latest(_ context.Context, flt vs.Filter) ([]vs.Observation, error) {
	var out []vs.Observation
	for _, o := range f.obs {
		if (flt.Indicator == "" || o.Indicator == flt.Indicator) && (flt.Team == "" || o.Team == flt.Team) {
			out = append(out, o)
		}
	}
	return out, nil
}
func (f fakeReader) History(ctx context.Context, flt vs.Filter) ([]vs.Observation, error) {
	return f.Latest(ctx, flt)
}
func (fakeReader) Sources(context.Context) ([]vs.Source, error)        { return nil, nil }
func (fakeReader) ChangeSeq(context.Context) (int64, error)            { return 0, nil }
func (fakeReader) IngestStats(context.Context) (vs.IngestStats, error) { return vs.IngestStats{}, nil }

func f(v float64) *float64 { return &v }

func newServer(t *testing.T, withSnapshot bool) (*httptest.Server, fakeReader) {
	t.Helper()
	cat := &vs.Catalogue{
		Authority: vs.Authority{Name: "Test Council"},
		Teams:     []vs.Team{{ID: "north", Name: "North <Team>"}},
		Indicators: []vs.Indicator{{ID: "cla_visits_in_timescale", Name: "Children in care visited within timescales",
			Description: "Visits within Regulation 28 timescales.", Group: "Children in Care",
			Unit: vs.UnitPercent, Polarity: vs.HigherIsBetter, Frequency: vs.Monthly,
			Thresholds: []vs.Threshold{{Target: f(0.9), Amber: f(0.9), Red: f(0.8)}}}},
	}
	n := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	r := fakeReader{obs: []vs.Observation{
		{Key: vs.Key{Indicator: "cla_visits_in_timescale", Team: "authority", Period: vs.Month(2026, time.September)}, Value: n(0.91), Status: vs.StatusActual, Revision: 1},
		{Key: vs.Key{Indicator: "cla_visits_in_timescale", Team: "authority", Period: vs.Month(2026, time.October)}, Value: n(0.875), Status: vs.StatusActual, Revision: 2,
			Commentary: `<script>alert("x")</script> capacity issues`},
	}}
	var snap *assess.Snapshot
	if withSnapshot {
		snap = assess.Build(cat, r.obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	}
	s := &web.Server{Snapshot: func() *assess.Snapshot { return snap }, Reader: r}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, r
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPages(t *testing.T) {
	ts, _ := newServer(t, true)
	code, body := get(t, ts.URL+"/")
	if code != 200 {
		t.Fatalf("GET /: %d", code)
	}
	for _, want := range []string{"Children in care visited within timescales", "87.5%", "91%", "90%", `class="badge amber"`, "/indicators/cla_visits_in_timescale?team=authority"} {
		if !strings.Contains(body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	if strings.Contains(body, "North <Team>") {
		t.Error("team name not escaped on the landing page")
	}

	code, body = get(t, ts.URL+"/indicators/cla_visits_in_timescale")
	if code != 200 {
		t.Fatalf("GET indicator: %d", code)
	}
	for _, want := range []string{"Visits within Regulation 28 timescales.", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; capacity issues", "2026-10", "80%"} {
		if !strings.Contains(body, want) {
			t.Errorf("indicator page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("spreadsheet text reached the page unescaped")
	}
	if code, _ := get(t, ts.URL+"/indicators/nope"); code != 404 {
		t.Errorf("unknown indicator: %d, want 404", code)
	}
	if code, _ := get(t, ts.URL+"/?team=nope"); code != 404 {
		t.Errorf("unknown team: %d, want 404", code)
	}
}

func TestHealthAndReady(t *testing.T) {
	ts, _ := newServer(t, false)
	if code, _ := get(t, ts.URL+"/-/healthy"); code != 200 {
		t.Errorf("healthy: %d", code)
	}
	if code, _ := get(t, ts.URL+"/-/ready"); code != 503 {
		t.Errorf("ready without a snapshot: %d, want 503", code)
	}
	ts, _ = newServer(t, true)
	if code, _ := get(t, ts.URL+"/-/ready"); code != 200 {
		t.Errorf("ready with a snapshot: %d, want 200", code)
	}
}
