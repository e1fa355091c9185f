package web

import (
	"encoding/json"
	"net/http"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// The JSON API (/api/v1): the same assessment the metrics and reports read,
// field names in snake_case, values in the indicator's unit (percentages as
// fractions), instants in RFC 3339, periods as vitalsigns writes them
// ("2026-10", "2026-27 Q1", a week's ending date).

type apiIndicator struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Group     string `json:"group"`
	Unit      string `json:"unit"`
	Polarity  string `json:"polarity"`
	Frequency string `json:"frequency"`
}

type apiTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type apiFigure struct {
	Period      string   `json:"period"`
	Value       *float64 `json:"value"`
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	Status      string   `json:"status"`
	Derived     bool     `json:"derived,omitempty"`
	Verdict     string   `json:"verdict,omitempty"`
	Small       bool     `json:"below_min_denominator,omitempty"`
	Commentary  string   `json:"commentary,omitempty"`
	Outcome     string   `json:"outcome,omitempty"`
}

type apiDirection struct {
	From      string  `json:"from"`
	Change    float64 `json:"change"`
	Arrow     string  `json:"arrow"`
	Judgement string  `json:"judgement"`
	Words     string  `json:"words"`
}

type apiThreshold struct {
	From   string   `json:"from,omitempty"`
	Target *float64 `json:"target"`
	Amber  *float64 `json:"amber"`
	Red    *float64 `json:"red"`
}

type apiBenchmark struct {
	Source      string  `json:"source"`
	Value       float64 `json:"value"`
	Reference   string  `json:"reference"`
	Publication string  `json:"publication"`
	Difference  float64 `json:"difference"`
	Comparison  string  `json:"comparison"`
}

type apiAssessment struct {
	Indicator           apiIndicator            `json:"indicator"`
	Team                apiTeam                 `json:"team"`
	AsAt                time.Time               `json:"as_at"`
	State               string                  `json:"state"`
	Verdict             string                  `json:"verdict"`
	PreviousVerdict     string                  `json:"previous_verdict"`
	Latest              *apiFigure              `json:"latest"`
	Previous            *apiFigure              `json:"previous"`
	LastYear            *apiFigure              `json:"same_period_last_year"`
	Direction           map[string]apiDirection `json:"direction"`
	Threshold           *apiThreshold           `json:"threshold"`
	Benchmarks          []apiBenchmark          `json:"benchmarks"`
	Windows             map[string]int          `json:"windows"`
	BelowMinDenominator bool                    `json:"below_min_denominator"`
	PeriodEnd           *time.Time              `json:"period_end"`
	DueBy               *time.Time              `json:"due_by"`
	Notes               []string                `json:"notes"`
	History             []apiFigure             `json:"history"`
}

func ptr(v float64) *float64 { return &v }

func figureJSON(p assess.Point) apiFigure {
	f := apiFigure{Period: p.Period.String(), Status: string(p.Status), Derived: p.Derived, Small: p.Small,
		Commentary: p.Commentary, Outcome: p.Outcome}
	if p.Verdict != assess.Unrated {
		f.Verdict = string(p.Verdict)
	}
	if p.HasValue() {
		f.Value = ptr(p.Value.Float64)
	}
	if p.Numerator.Valid {
		f.Numerator = ptr(p.Numerator.Float64)
	}
	if p.Denominator.Valid {
		f.Denominator = ptr(p.Denominator.Float64)
	}
	return f
}

// assessmentJSON renders one item of the assessment.
func assessmentJSON(snap *assess.Snapshot, it assess.Item) apiAssessment {
	ind := it.Indicator
	a := apiAssessment{
		Indicator: apiIndicator{ind.ID, ind.Name, ind.Group, string(ind.Unit), string(ind.Polarity), string(ind.Frequency)},
		Team:      apiTeam{it.Team.ID, it.Team.Name},
		AsAt:      snap.Built.UTC(), State: string(it.State), Verdict: string(it.Verdict), PreviousVerdict: string(it.PreviousVerdict),
		Direction: map[string]apiDirection{}, Benchmarks: []apiBenchmark{}, Notes: it.Notes, History: []apiFigure{},
		Windows:             map[string]int{"red_of_last_3": it.Windows.RedOfLast3, "amber_run": it.Windows.AmberRun, "red_run": it.Windows.RedRun},
		BelowMinDenominator: it.BelowMinDenominator,
	}
	if a.Notes == nil {
		a.Notes = []string{}
	}
	for _, p := range it.History {
		a.History = append(a.History, figureJSON(p))
	}
	if !it.Has {
		return a
	}
	latest := a.History[len(a.History)-1]
	a.Latest = &latest
	find := func(o vs.Observation) *apiFigure {
		for i := range a.History {
			if a.History[i].Period == o.Period.String() {
				return &a.History[i]
			}
		}
		return nil
	}
	if it.HasPrevious {
		a.Previous = find(it.Previous)
	}
	if it.HasLastYear {
		a.LastYear = find(it.LastYear)
	}
	for name, d := range map[string]assess.Direction{"previous_period": it.SincePrevious, "same_period_last_year": it.SinceLastYear} {
		a.Direction[name] = apiDirection{d.From.String(), d.Change, string(d.Arrow), string(d.Judgement), d.Words(ind)}
	}
	if t := it.Threshold; t.Target != nil || t.Amber != nil || t.Red != nil {
		a.Threshold = &apiThreshold{Target: t.Target, Amber: t.Amber, Red: t.Red}
		if !t.From.IsZero() {
			a.Threshold.From = t.From.String()
		}
	}
	for _, b := range it.Benchmarks {
		a.Benchmarks = append(a.Benchmarks, apiBenchmark{string(b.Benchmark.Source), b.Benchmark.Value, b.Benchmark.Reference,
			b.Benchmark.Publication, b.Difference, string(b.Comparison)})
	}
	end, due := it.PeriodEnd.UTC(), it.DueBy.UTC()
	a.PeriodEnd, a.DueBy = &end, &due
	return a
}

// apiError writes a JSON error body with the status.
func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"status": "error", "error": msg}) //nolint:errcheck // the client went away
}

// assessment serves GET /api/v1/indicators/{id}/assessment?team=&period=.
func (s *Server) assessment(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	if snap == nil {
		apiError(w, http.StatusServiceUnavailable, "no snapshot yet")
		return
	}
	ind, ok := snap.Catalogue.Indicator(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "unknown indicator")
		return
	}
	team := teamParam(r)
	it, ok := snap.Item(ind.ID, team)
	if !ok {
		apiError(w, http.StatusNotFound, "unknown team")
		return
	}
	if q := r.URL.Query().Get("period"); q != "" {
		p, err := vs.ParsePeriod(ind.Frequency, q)
		if err != nil {
			apiError(w, http.StatusBadRequest, "period: "+err.Error())
			return
		}
		it, _ = snap.ItemAt(ind.ID, team, p)
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"status": "success", "data": assessmentJSON(snap, it)}); err != nil {
		s.Logger.Debug("write assessment", "err", err)
	}
}
