package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/assess/forecast"
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
	// Team is set when the threshold is the team's own.
	Team   string   `json:"team,omitempty"`
	From   string   `json:"from,omitempty"`
	Target *float64 `json:"target"`
	Amber  *float64 `json:"amber"`
	Red    *float64 `json:"red"`
}

type apiBenchmark struct {
	Source      string  `json:"source"`
	Value       float64 `json:"value"`
	Year        string  `json:"year"`
	Reference   string  `json:"reference"`
	Publication string  `json:"publication"`
	Difference  float64 `json:"difference"`
	Comparison  string  `json:"comparison"`
}

// apiStanding is where the authority stands among English authorities on
// the indicator's DfE measure, with the neighbours the mean is taken over.
type apiStanding struct {
	Authority   string   `json:"authority"`
	Year        string   `json:"year"`
	Reference   string   `json:"reference"`
	Publication string   `json:"publication"`
	Dataset     string   `json:"dataset"`
	Value       *float64 `json:"value"`
	// Combined names the row the authority shares with another.
	Combined       string         `json:"combined,omitempty"`
	Rank           int            `json:"rank,omitempty"`
	Ranked         int            `json:"ranked,omitempty"`
	Band           string         `json:"band,omitempty"`
	Model          string         `json:"neighbour_model"`
	Neighbours     []apiNeighbour `json:"neighbours"`
	NeighboursUsed int            `json:"neighbours_used"`
}

type apiNeighbour struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Value  *float64 `json:"value"`
	Status string   `json:"status"`
}

type apiAssessment struct {
	Indicator           apiIndicator            `json:"indicator"`
	Team                apiTeam                 `json:"team"`
	AsAt                time.Time               `json:"as_at"`
	State               string                  `json:"state"`
	Verdict             string                  `json:"verdict"`
	UnratedReason       string                  `json:"unrated_reason,omitempty"`
	PreviousVerdict     string                  `json:"previous_verdict"`
	Latest              *apiFigure              `json:"latest"`
	Previous            *apiFigure              `json:"previous"`
	LastYear            *apiFigure              `json:"same_period_last_year"`
	Direction           map[string]apiDirection `json:"direction"`
	Threshold           *apiThreshold           `json:"threshold"`
	Benchmarks          []apiBenchmark          `json:"benchmarks"`
	Standing            *apiStanding            `json:"standing"`
	Windows             map[string]int          `json:"windows"`
	BelowMinDenominator bool                    `json:"below_min_denominator"`
	PeriodEnd           *time.Time              `json:"period_end"`
	DueBy               *time.Time              `json:"due_by"`
	Notes               []string                `json:"notes"`
	History             []apiFigure             `json:"history"`
	SPC                 *apiSPC                 `json:"spc"`
	Forecast            *apiForecast            `json:"forecast"`
}

// num is a number that may be absent: NaN (a limit not drawn) is null.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

type apiSPC struct {
	RuleSet      string `json:"rule_set"`
	TooFew       bool   `json:"too_few_points"`
	MinPoints    int    `json:"min_points"`
	Significance string `json:"significance"`
	Variation    string `json:"variation"`
	Assurance    string `json:"assurance"`
	// Reason says why variation and assurance are "not_judged".
	Reason   string       `json:"reason,omitempty"`
	Segments []apiSegment `json:"segments"`
	Points   []apiSPCPt   `json:"points"`
}

type apiSegment struct {
	From         string `json:"from"`
	To           string `json:"to"`
	Mean         num    `json:"mean"`
	Upper        num    `json:"upper"`
	Lower        num    `json:"lower"`
	Fixed        bool   `json:"fixed_baseline"`
	TooFew       bool   `json:"too_few_points"`
	NoWidth      bool   `json:"no_width"`
	ChangeDate   string `json:"change_date,omitempty"`
	ChangeReason string `json:"change_reason,omitempty"`
}

type apiSPCPt struct {
	Period        string   `json:"period"`
	Value         num      `json:"value"`
	Mean          num      `json:"mean"`
	Upper         num      `json:"upper"`
	Lower         num      `json:"lower"`
	UpperTwoSigma num      `json:"upper_two_sigma"`
	LowerTwoSigma num      `json:"lower_two_sigma"`
	Rules         []string `json:"rules"`
	Type          string   `json:"type"`
	Small         bool     `json:"below_min_denominator,omitempty"`
}

type apiForecast struct {
	Model              string          `json:"model"`
	Reason             string          `json:"reason"`
	Points             []apiForecastPt `json:"points"`
	Breach             map[string]any  `json:"breach"`
	NextCommittee      map[string]any  `json:"next_committee"`
	RedBeforeCommittee bool            `json:"red_before_committee"`
}

type apiForecastPt struct {
	Period  string `json:"period"`
	Horizon int    `json:"horizon"`
	Value   num    `json:"value"`
	Lo80    num    `json:"lower_80"`
	Hi80    num    `json:"upper_80"`
	Lo95    num    `json:"lower_95"`
	Hi95    num    `json:"upper_95"`
}

func spcJSON(it assess.Item) *apiSPC {
	c := it.Control
	if c.Err != nil || len(c.Chart.Points) == 0 {
		return nil
	}
	out := &apiSPC{RuleSet: c.Chart.RuleSet, TooFew: c.Chart.TooFew, MinPoints: c.Chart.MinPoints,
		Significance: string(it.Significance), Variation: string(c.Chart.Variation), Assurance: string(c.Chart.Assurance),
		Reason: c.Chart.NotJudgedReason(), Segments: []apiSegment{}, Points: []apiSPCPt{}}
	for _, sg := range c.Chart.Segments {
		a := apiSegment{From: c.Periods[sg.Start].String(), To: c.Periods[sg.End-1].String(), Mean: num(sg.Mean),
			Upper: num(sg.Upper), Lower: num(sg.Lower), Fixed: sg.Fixed, TooFew: sg.TooFew, NoWidth: sg.Flat}
		if sg.Change != nil {
			a.ChangeDate, a.ChangeReason = sg.Change.Date, sg.Change.Reason
		}
		out.Segments = append(out.Segments, a)
	}
	for i, p := range c.Chart.Points {
		rules := p.Rules.Names()
		if rules == nil {
			rules = []string{}
		}
		out.Points = append(out.Points, apiSPCPt{Period: c.Periods[i].String(), Value: num(p.Value), Mean: num(p.Mean),
			Upper: num(p.Upper), Lower: num(p.Lower), UpperTwoSigma: num(p.UpperTwoSigma), LowerTwoSigma: num(p.LowerTwoSigma),
			Rules: rules, Type: string(p.Type), Small: p.Small})
	}
	return out
}

func forecastJSON(it assess.Item) *apiForecast {
	o := it.Outlook
	if o == nil {
		return nil
	}
	out := &apiForecast{Model: string(o.Forecast.Model), Reason: o.Forecast.Reason, Points: []apiForecastPt{},
		Breach: map[string]any{}, RedBeforeCommittee: o.RedBeforeCommittee}
	for i, p := range o.Forecast.Points[:o.Shown] {
		out.Points = append(out.Points, apiForecastPt{o.Periods[i].String(), p.H, num(p.Value), num(p.Lo80), num(p.Hi80), num(p.Lo95), num(p.Hi95)})
	}
	for level, b := range map[string]assess.Breach{"amber": o.Amber, "red": o.Red} {
		if b.Period.IsZero() {
			out.Breach[level] = nil
			continue
		}
		out.Breach[level] = map[string]any{"period": b.Period.String(), "probability": num(b.Prob)}
	}
	if c := o.NextCommittee; c != nil {
		out.NextCommittee = map[string]any{"name": c.Committee, "date": c.Date.String()}
	}
	return out
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
		UnratedReason: it.UnratedReason,
		Direction:     map[string]apiDirection{}, Benchmarks: []apiBenchmark{}, Notes: it.Notes, History: []apiFigure{},
		Windows:             map[string]int{"red_of_last_3": it.Windows.RedOfLast3, "amber_run": it.Windows.AmberRun, "red_run": it.Windows.RedRun},
		BelowMinDenominator: it.BelowMinDenominator,
	}
	if a.Notes == nil {
		a.Notes = []string{}
	}
	a.Standing = standingJSON(ind.Standing)
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
		a.Threshold = &apiThreshold{Team: t.Team, Target: t.Target, Amber: t.Amber, Red: t.Red}
		if !t.From.IsZero() {
			a.Threshold.From = t.From.String()
		}
	}
	for _, b := range it.Benchmarks {
		a.Benchmarks = append(a.Benchmarks, apiBenchmark{string(b.Benchmark.Source), b.Benchmark.Value, b.Benchmark.Year,
			b.Benchmark.Reference, b.Benchmark.Publication, b.Difference, string(b.Comparison)})
	}
	end, due := it.PeriodEnd.UTC(), it.DueBy.UTC()
	a.PeriodEnd, a.DueBy = &end, &due
	a.SPC, a.Forecast = spcJSON(it), forecastJSON(it)
	return a
}

// standingJSON renders the authority's standing; nil for none.
func standingJSON(st *vs.Standing) *apiStanding {
	if st == nil {
		return nil
	}
	out := &apiStanding{Authority: st.Authority, Year: st.Year, Reference: st.Reference, Publication: st.Publication,
		Dataset: st.Dataset, Combined: st.Combined, Rank: st.Rank, Ranked: st.Ranked, Band: st.Band, Model: st.Model,
		Neighbours: []apiNeighbour{}, NeighboursUsed: st.NeighboursUsed}
	if st.HasValue {
		v := st.Value
		out.Value = &v
	}
	for _, n := range st.Neighbours {
		an := apiNeighbour{Code: n.Code, Name: n.Name, Status: n.Status}
		if n.Status == "published" {
			v := n.Value
			an.Value = &v
		}
		out.Neighbours = append(out.Neighbours, an)
	}
	return out
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

type apiAccuracy struct {
	N          int            `json:"n"`
	MAE        num            `json:"mae"`
	MAPE       num            `json:"mape_percent"`
	MASE       num            `json:"mase"`
	Coverage80 num            `json:"coverage_80"`
	Coverage95 num            `json:"coverage_95"`
	Notes      []string       `json:"notes"`
	ByHorizon  map[string]any `json:"by_horizon,omitempty"`
}

type apiScored struct {
	Origin  string `json:"origin"`
	Target  string `json:"target"`
	Horizon int    `json:"horizon"`
	MadeAt  string `json:"made_at"`
	Model   string `json:"model"`
	Value   num    `json:"value"`
	Lo80    num    `json:"lower_80"`
	Hi80    num    `json:"upper_80"`
	Lo95    num    `json:"lower_95"`
	Hi95    num    `json:"upper_95"`
	Actual  num    `json:"actual"`
}

func accuracyJSON(a forecast.Accuracy) apiAccuracy {
	notes := a.Notes
	if notes == nil {
		notes = []string{}
	}
	return apiAccuracy{N: a.N, MAE: num(a.MAE), MAPE: num(a.MAPE), MASE: num(a.MASE), Coverage80: num(a.Coverage80),
		Coverage95: num(a.Coverage95), Notes: notes}
}

// forecastAccuracy serves GET /api/v1/indicators/{id}/forecast-accuracy?team=:
// the forecasts kept for the series, as made and as backtested, each scored
// against the figures that have arrived.
func (s *Server) forecastAccuracy(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	if snap == nil {
		apiError(w, http.StatusServiceUnavailable, "no snapshot yet")
		return
	}
	if s.Forecasts == nil {
		apiError(w, http.StatusNotFound, "no forecast log")
		return
	}
	ind, ok := snap.Catalogue.Indicator(r.PathValue("id"))
	if !ok {
		apiError(w, http.StatusNotFound, "unknown indicator")
		return
	}
	it, ok := snap.Item(ind.ID, teamParam(r))
	if !ok {
		apiError(w, http.StatusNotFound, "unknown team")
		return
	}
	recs, err := s.Forecasts.Forecasts(r.Context(), vs.Filter{Indicator: it.Indicator.ID, Team: it.Team.ID})
	if err != nil {
		s.Logger.Error("read forecasts", "err", err)
		apiError(w, http.StatusInternalServerError, "internal error")
		return
	}
	data := map[string]any{"indicator": ind.ID, "team": it.Team.ID}
	for _, kind := range []vs.ForecastKind{vs.ForecastMade, vs.ForecastBacktest} {
		acc := assess.ScoreForecasts(it, recs, kind)
		a := accuracyJSON(acc.All)
		a.ByHorizon = map[string]any{}
		for h, ha := range acc.ByHorizon {
			a.ByHorizon[strconv.Itoa(h)] = accuracyJSON(ha)
		}
		scored := []apiScored{}
		for _, sr := range acc.Records {
			scored = append(scored, apiScored{sr.Origin.String(), sr.Target.String(), sr.Horizon, sr.MadeAt.UTC().Format(time.RFC3339),
				sr.Model, num(sr.Value), num(sr.Lo80), num(sr.Hi80), num(sr.Lo95), num(sr.Hi95), num(sr.Actual)})
		}
		data[string(kind)] = map[string]any{"accuracy": a, "records": scored}
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"status": "success", "data": data}); err != nil {
		s.Logger.Debug("write forecast accuracy", "err", err)
	}
}
