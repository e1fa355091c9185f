package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestAssessmentAPI(t *testing.T) {
	srv, _ := newServer(t, true)
	get := func(path string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: content type %q", path, ct)
		}
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return resp.StatusCode, body
	}
	code, body := get("/api/v1/indicators/cla_visits_in_timescale/assessment")
	if code != http.StatusOK || body["status"] != "success" {
		t.Fatalf("status %d, body %v", code, body)
	}
	data := body["data"].(map[string]any)
	latest := data["latest"].(map[string]any)
	dir := data["direction"].(map[string]any)["previous_period"].(map[string]any)
	// October 87.5% after September's 91%: amber (target 90%), worsening
	// by 3.5 points; the commentary comes back as the text it was.
	if data["state"] != "amber" || data["previous_verdict"] != "green" || latest["period"] != "2026-10" || latest["value"] != 0.875 ||
		dir["judgement"] != "worsening" || dir["words"] != "worsening (down 3.5 percentage points)" ||
		latest["commentary"] != `<script>alert("x")</script> capacity issues` {
		t.Errorf("assessment: state %v previous %v latest %v direction %v", data["state"], data["previous_verdict"], latest, dir)
	}
	if h := data["history"].([]any); len(h) != 2 {
		t.Errorf("history has %d periods, want 2", len(h))
	}
	if th := data["threshold"].(map[string]any); th["target"] != 0.9 || th["red"] != 0.8 {
		t.Errorf("threshold %v", th)
	}

	// As at September: green, one period of history.
	_, body = get("/api/v1/indicators/cla_visits_in_timescale/assessment?period=2026-09")
	data = body["data"].(map[string]any)
	if data["state"] != "green" || len(data["history"].([]any)) != 1 {
		t.Errorf("as at September: state %v, %d periods", data["state"], len(data["history"].([]any)))
	}

	for _, tt := range []struct {
		path string
		code int
	}{
		{"/api/v1/indicators/nope/assessment", http.StatusNotFound},
		{"/api/v1/indicators/cla_visits_in_timescale/assessment?team=nope", http.StatusNotFound},
		{"/api/v1/indicators/cla_visits_in_timescale/assessment?period=Octember", http.StatusBadRequest},
	} {
		if code, body := get(tt.path); code != tt.code || body["status"] != "error" || body["error"] == "" {
			t.Errorf("%s: %d %v, want %d with an error", tt.path, code, body, tt.code)
		}
	}
	// A team with nothing reported: no data, empty history, no latest.
	_, body = get("/api/v1/indicators/cla_visits_in_timescale/assessment?team=north")
	data = body["data"].(map[string]any)
	if data["state"] != "no_data" || data["latest"] != nil || len(data["history"].([]any)) != 0 {
		t.Errorf("north: %v", data)
	}
}

func TestAssessmentAPIBeforeSnapshot(t *testing.T) {
	srv, _ := newServer(t, false)
	resp, err := http.Get(srv.URL + "/api/v1/indicators/cla_visits_in_timescale/assessment")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
}

func TestForecastAccuracyWithoutALog(t *testing.T) {
	srv, _ := newServer(t, true)
	resp, err := http.Get(srv.URL + "/api/v1/indicators/cla_visits_in_timescale/forecast-accuracy")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404 when the server has no forecast log", resp.StatusCode)
	}
}
