package metrics_test

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// uniform returns a snapshot where every team's agency rate is v.
func uniform(v float64) *assess.Snapshot {
	cat := &vs.Catalogue{Indicators: []vs.Indicator{{ID: "agency_rate", Name: "Agency", Unit: vs.UnitPercent,
		Polarity: vs.LowerIsBetter, Frequency: vs.Monthly}}}
	var obs []vs.Observation
	for i := range 50 {
		id := "t" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		cat.Teams = append(cat.Teams, vs.Team{ID: id, Name: id})
		obs = append(obs, vs.Observation{Key: vs.Key{Indicator: "agency_rate", Team: id, Period: vs.Month(2026, time.October)},
			Value: sql.NullFloat64{Float64: v, Valid: true}, Status: vs.StatusActual})
	}
	return assess.Build(cat, obs, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
}

// A scrape reads one snapshot: never half of a new file and half of the old.
func TestScrapeIsConsistentWhileSnapshotsSwap(t *testing.T) {
	c := metrics.NewCollector()
	a, b := uniform(0.25), uniform(0.5)
	if err := c.Set(a); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(metrics.Handler(c, nil))
	defer srv.Close()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s := a
			if i%2 == 1 {
				s = b
			}
			if err := c.Set(s); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 40 {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		quarter, half := 0, 0
		for _, line := range strings.Split(string(body), "\n") {
			if !strings.HasPrefix(line, `vitalsigns_indicator_value{indicator="agency_rate",team="`) {
				continue
			}
			switch {
			case strings.HasSuffix(line, "} 0.25"):
				quarter++
			case strings.HasSuffix(line, "} 0.5"):
				half++
			}
		}
		if !(quarter == 50 && half == 0 || quarter == 0 && half == 50) {
			t.Fatalf("a scrape mixed two snapshots: %d values of 0.25 and %d of 0.5", quarter, half)
		}
		if !strings.Contains(string(body), "vitalsigns_build_info{") || !strings.Contains(string(body), "go_goroutines ") {
			t.Fatal("build info or Go metrics missing from the scrape")
		}
	}
	close(stop)
	wg.Wait()
}
