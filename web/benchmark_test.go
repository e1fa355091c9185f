package web_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/benchmark"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/web"
)

// bradfordServer serves the built-in catalogue with the benchmarks built
// into the binary drawn for Bradford (380), and an agency rate of 25%.
func bradfordServer(t *testing.T, as string) *httptest.Server {
	t.Helper()
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat.Authority.LACode, cat.Authority.BenchmarksAs = "380", as
	files, err := benchmark.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err = benchmark.NewSet(files).Apply(cat)
	if err != nil {
		t.Fatal(err)
	}
	r := fakeReader{obs: []vs.Observation{{Key: vs.Key{Indicator: "agency_rate", Team: "authority", Period: vs.Month(2026, time.October)},
		Value: sql.NullFloat64{Float64: 0.25, Valid: true}, Status: vs.StatusActual, Revision: 1}}}
	snap := assess.Build(cat, r.obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	s := &web.Server{Snapshot: func() *assess.Snapshot { return snap }, Reader: r}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// The assessment gives every source with its year, and the authority's
// standing: its own figure, rank of n, band and the neighbours the mean is
// over, by name, as DfE published them (Bradford's agency rate 22.2%,
// England 13%, Yorkshire and The Humber 7.9%, neighbours 9.47% of 10).
func TestAssessmentBenchmarks(t *testing.T) {
	ts := bradfordServer(t, "")
	resp, err := http.Get(ts.URL + "/api/v1/indicators/agency_rate/assessment")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Benchmarks []struct {
				Source, Year, Reference, Comparison string
				Value                               float64
			}
			Standing *struct {
				Authority, Year, Band string
				Value                 *float64
				Rank, Ranked          int
				NeighboursUsed        int `json:"neighbours_used"`
				Neighbours            []struct {
					Code, Name, Status string
					Value              *float64
				}
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	d := body.Data
	var got []string
	for _, b := range d.Benchmarks {
		got = append(got, fmt.Sprintf("%s %.4g %s %s %s", b.Source, b.Value, b.Year, b.Reference, b.Comparison))
	}
	want := []string{
		"england 0.13 2025 at 30 September 2025 worse",
		"region 0.079 2025 at 30 September 2025 worse",
		"statistical_neighbours 0.0947 2025 at 30 September 2025 worse",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("benchmarks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	st := d.Standing
	if st == nil {
		t.Fatal("no standing")
	}
	if st.Authority != "Bradford" || st.Year != "2025" || st.Value == nil || *st.Value != 0.222 || st.Rank < 1 || st.Rank > st.Ranked ||
		st.Ranked < 140 || st.Band != benchmark.Band(st.Rank, st.Ranked) || st.NeighboursUsed != 10 || len(st.Neighbours) != 10 {
		t.Errorf("standing %+v", st)
	}
	var sum float64
	for _, n := range st.Neighbours {
		if n.Value == nil || n.Name == "" || n.Status != "published" {
			t.Errorf("neighbour %+v", n)
			continue
		}
		sum += *n.Value
	}
	if mean := sum / 10; mean < 0.09465 || mean > 0.09475 {
		t.Errorf("mean of the neighbours given is %v, want 9.47%%", mean)
	}
	if st.Neighbours[0].Name != "Blackburn with Darwen" {
		t.Errorf("closest neighbour %q, want Blackburn with Darwen", st.Neighbours[0].Name)
	}
}

// The indicator page shows the same: every source with its year, rank of
// n, band and the neighbours by name.
func TestIndicatorPageBenchmarks(t *testing.T) {
	ts := bradfordServer(t, "")
	code, body := get(t, ts.URL+"/indicators/agency_rate")
	if code != 200 {
		t.Fatalf("GET: %d", code)
	}
	for _, want := range []string{
		`<th scope="row">England</th><td class="num">13%</td><td>2025</td><td>at 30 September 2025</td>`,
		`<th scope="row">Region</th><td class="num">7.9%</td><td>2025</td>`,
		`<th scope="row">Statistical neighbours (mean of 10 of 10)</th><td class="num">9.5%</td><td>2025</td>`,
		"Among English authorities, 2025", "Bradford: 22.2% at 30 September 2025",
		`<th scope="row">Blackburn with Darwen</th>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("indicator page lacks %q", want)
		}
	}
	m := regexp.MustCompile(`Rank (\d+) of (\d+) \(1 is the best\), quartile band ([A-D])`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("indicator page gives no rank of n and band")
	}
	rank, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	if n < 140 || rank > n || benchmark.Band(rank, n) != m[3] {
		t.Errorf("rank %d of %d band %s", rank, n, m[3])
	}
}

// A demo's benchmarks are a real authority's, and every page says so; an
// authority's own are not labelled.
func TestBenchmarksAs(t *testing.T) {
	for _, as := range []string{"Bradford", ""} {
		ts := bradfordServer(t, as)
		for _, path := range []string{"/", "/indicators/agency_rate"} {
			_, body := get(t, ts.URL+path)
			if got := strings.Contains(body, "Benchmarks: as for Bradford."); got != (as != "") {
				t.Errorf("BenchmarksAs %q: %s labelled %v, want %v", as, path, got, as != "")
			}
		}
	}
}
