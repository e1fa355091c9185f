// Package web serves vitalsigns over HTTP: the landing page, indicator
// pages, health endpoints, the /metrics handler it is given and, when
// enabled, web upload (upload.go). Pages are server-rendered with
// html/template (so spreadsheet text is escaped) and use no external assets.
//
// It may import metrics, reports, collector, assess, config and the domain;
// only cmd imports it.
package web

import (
	"bytes"
	"database/sql"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

//go:embed templates/*.html
var templateFS embed.FS

// Server holds what the handlers read. Snapshot returns the snapshot in
// force (nil until the first is built).
type Server struct {
	Snapshot func() *assess.Snapshot
	Reader   vs.Reader
	// Forecasts is the log of forecasts made and backtested, scored by
	// /api/v1/indicators/{id}/forecast-accuracy and the forecasting
	// report; nil answers 404 there.
	Forecasts vs.ForecastLog
	// Reports reads figures as they stood, for reports of a past date;
	// nil serves only the current snapshot's.
	Reports vs.ReportLog
	// Chromium prints reports to PDF (?format=pdf); "" answers 503.
	Chromium string
	Metrics  http.Handler
	Logger   *slog.Logger
	// Base is the path prefix of --web.external-url ("" for none).
	Base string
	// Upload enables web upload (GET and POST /upload); nil disables it:
	// the routes answer 404 and no page links to them.
	Upload *Upload
	// ReportSlots bounds how many monthly reports are assembled at once
	// (each past month's makes a forecast per row); 0 means one per CPU.
	ReportSlots int

	monthly  *monthlyCache
	pages    map[string]*template.Template
	uploadMu sync.Mutex // one upload ingests at a time
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() (http.Handler, error) {
	funcs := template.FuncMap{
		"stateText": stateText,
		"polarity": func(p vs.Polarity) string {
			return map[vs.Polarity]string{vs.HigherIsBetter: "higher", vs.LowerIsBetter: "lower", vs.Neutral: "neither (not rated)"}[p]
		},
		"join": strings.Join,
	}
	slots := s.ReportSlots
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	s.monthly = newMonthlyCache(slots)
	s.pages = map[string]*template.Template{}
	for _, name := range []string{"index", "indicator"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		s.pages[name] = t
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /indicators/{id}", s.indicator)
	mux.HandleFunc("GET /api/v1/indicators/{id}/assessment", s.assessment)
	mux.HandleFunc("GET /api/v1/indicators/{id}/forecast-accuracy", s.forecastAccuracy)
	mux.HandleFunc("GET /reports/monthly/{period}", s.monthlyReport)
	mux.HandleFunc("GET /reports/biweekly/{date}", s.biweeklyReport)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("vitalsigns is healthy.\n"))
	})
	mux.HandleFunc("GET /-/ready", func(w http.ResponseWriter, _ *http.Request) {
		if s.Snapshot() == nil {
			http.Error(w, "vitalsigns is not ready: no snapshot yet.", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("vitalsigns is ready.\n"))
	})
	if s.Metrics != nil {
		mux.Handle("GET /metrics", s.Metrics)
	}
	if s.Upload != nil {
		if err := s.routeUpload(mux, funcs); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

func stateText(s assess.State) string {
	switch s {
	case assess.NoData:
		return "no data"
	case assess.Unrated:
		return "not rated"
	}
	return string(s)
}

type page struct {
	Title, Base, Authority, Built string
	// BenchmarksAs names the real authority whose DfE benchmarks a demo
	// shows; empty when they are the authority's own.
	BenchmarksAs   string
	Team, TeamName string
	// ReportMonth and ReportDate are the latest monthly and forecasting
	// reports, for the links to them.
	ReportMonth, ReportDate string
	Teams                   []vs.Team
	Upload                  bool // link to the upload form
}

func (s *Server) newPage(snap *assess.Snapshot, title, team string) (page, bool) {
	t, ok := snap.Catalogue.Team(team)
	auth, _ := snap.Catalogue.Team(vs.AuthorityTeam)
	return page{
		Title: title, Base: s.Base, Authority: snap.Catalogue.Authority.Name, BenchmarksAs: snap.Catalogue.Authority.BenchmarksAs,
		Built: snap.Built.In(vs.London()).Format("2 January 2006 15:04 MST"),
		Team:  t.ID, TeamName: t.Name, Teams: append([]vs.Team{auth}, snap.Catalogue.Teams...),
		ReportMonth: vs.LastComplete(vs.Monthly, snap.Built, time.Sunday).String(),
		ReportDate:  snap.Built.In(vs.London()).Format(time.DateOnly),
		Upload:      s.Upload != nil,
	}, ok
}

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, name+".html", data); err != nil {
		s.Logger.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func (s *Server) snapshot(w http.ResponseWriter) *assess.Snapshot {
	snap := s.Snapshot()
	if snap == nil {
		http.Error(w, "vitalsigns is starting: no snapshot yet.", http.StatusServiceUnavailable)
	}
	return snap
}

func teamParam(r *http.Request) string {
	if t := r.URL.Query().Get("team"); t != "" {
		return t
	}
	return vs.AuthorityTeam
}

type row struct {
	ID, Name, Period, Latest, Previous, Target, England string
	State                                               assess.State
	Small                                               bool
}

func format(ind *vs.Indicator, v sql.NullFloat64) string {
	if !v.Valid {
		return "–"
	}
	return ind.Format(v.Float64)
}

func formatPtr(ind *vs.Indicator, v *float64) string {
	if v == nil {
		return "–"
	}
	return ind.Format(*v)
}

func rowOf(it assess.Item) row {
	ind := it.Indicator
	r := row{ID: ind.ID, Name: ind.Name, Period: "–", Latest: "–", Previous: "–", Target: formatPtr(ind, it.Threshold.Target),
		England: "–", State: it.State, Small: it.BelowMinDenominator}
	if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok {
		r.England = ind.Format(b.Value) + " (" + b.Year + ")"
	}
	if it.Has {
		r.Period = it.Latest.Period.String()
		r.Latest = statusOr(it.Latest, format(ind, it.Latest.Value))
	}
	if it.HasPrevious {
		r.Previous = statusOr(it.Previous, format(ind, it.Previous.Value))
	}
	if it.State == assess.Unrated && !it.Has {
		r.State = assess.NoData
	}
	return r
}

func statusOr(o vs.Observation, s string) string {
	switch o.Status {
	case vs.StatusSuppressed:
		return "suppressed"
	case vs.StatusMissing:
		return "missing"
	case vs.StatusProvisional:
		return s + " (provisional)"
	}
	return s
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot(w)
	if snap == nil {
		return
	}
	p, ok := s.newPage(snap, "Vital Signs", teamParam(r))
	if !ok {
		http.Error(w, "unknown team", http.StatusNotFound)
		return
	}
	type group struct {
		Name string
		Rows []row
	}
	type count struct {
		State assess.State
		N     int
	}
	var groups []group
	items := snap.ForTeam(p.Team)
	for _, it := range items {
		g := it.Indicator.Group
		if len(groups) == 0 || groups[len(groups)-1].Name != g {
			if i := slices.IndexFunc(groups, func(x group) bool { return x.Name == g }); i >= 0 {
				groups[i].Rows = append(groups[i].Rows, rowOf(it))
				continue
			}
			groups = append(groups, group{Name: g})
		}
		groups[len(groups)-1].Rows = append(groups[len(groups)-1].Rows, rowOf(it))
	}
	var counts []count
	c := assess.Counts(items)
	for _, st := range append(assess.States(), assess.Unrated) {
		if c[st] > 0 {
			counts = append(counts, count{st, c[st]})
		}
	}
	s.render(w, "index", struct {
		page
		Groups []group
		Counts []count
	}{p, groups, counts})
}

func (s *Server) indicator(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot(w)
	if snap == nil {
		return
	}
	ind, ok := snap.Catalogue.Indicator(r.PathValue("id"))
	if !ok {
		http.Error(w, "unknown indicator", http.StatusNotFound)
		return
	}
	p, ok := s.newPage(snap, ind.Name, teamParam(r))
	if !ok {
		http.Error(w, "unknown team", http.StatusNotFound)
		return
	}
	type threshold struct{ Team, From, Target, Amber, Red string }
	type benchmark struct{ Source, Value, Year, Reference, Publication string }
	type teamRow struct {
		ID, Name, Period, Latest, Target string
		State                            assess.State
	}
	type hist struct {
		Period, Value, Numerator, Denominator, Status, Commentary, Outcome string
		Revision                                                           int
	}
	var (
		ths    []threshold
		bms    []benchmark
		byTeam []teamRow
		hs     []hist
	)
	for _, t := range ind.Thresholds {
		from := "always"
		if !t.From.IsZero() {
			from = t.From.Time().Format("2 January 2006")
		}
		team := "Whole authority"
		if t.Team != "" {
			team = t.Team
			if tm, ok := snap.Catalogue.Team(t.Team); ok {
				team = tm.Name
			}
		}
		ths = append(ths, threshold{team, from, formatPtr(ind, t.Target), formatPtr(ind, t.Amber), formatPtr(ind, t.Red)})
	}
	for _, b := range ind.Benchmarks {
		bms = append(bms, benchmark{sourceName(b.Source, ind.Standing), ind.Format(b.Value), b.Year, b.Reference, b.Publication})
	}
	for _, tid := range snap.Catalogue.TeamIDs() {
		it, _ := snap.Item(ind.ID, tid)
		rr := rowOf(it)
		byTeam = append(byTeam, teamRow{tid, it.Team.Name, rr.Period, rr.Latest, rr.Target, rr.State})
	}
	obs, err := s.Reader.Latest(r.Context(), vs.Filter{Indicator: ind.ID, Team: p.Team})
	if err != nil {
		s.Logger.Error("read history", "indicator", ind.ID, "team", p.Team, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	slices.Reverse(obs) // newest first
	for _, o := range obs {
		hs = append(hs, hist{o.Period.String(), statusOr(o, format(ind, o.Value)), format(&vs.Indicator{Unit: vs.UnitNumber}, o.Numerator),
			format(&vs.Indicator{Unit: vs.UnitNumber}, o.Denominator), string(o.Status), o.Commentary, o.Outcome, o.Revision})
	}
	s.render(w, "indicator", struct {
		page
		Ind        *vs.Indicator
		Thresholds []threshold
		// ThresholdRule says how the thresholds judge the teams.
		ThresholdRule string
		Benchmarks    []benchmark
		Standing      *standing
		ByTeam        []teamRow
		History       []hist
	}{p, ind, ths, thresholdRule(ind), bms, standingOf(ind), byTeam, hs})
}

// sourceName names a benchmark source for people; the neighbours' mean
// says how many of them it is over.
func sourceName(src vs.BenchmarkSource, st *vs.Standing) string {
	switch src {
	case vs.BenchmarkEngland:
		return "England"
	case vs.BenchmarkRegion:
		return "Region"
	case vs.BenchmarkStatisticalNeighbours:
		if st != nil && len(st.Neighbours) > 0 {
			return fmt.Sprintf("Statistical neighbours (mean of %d of %d)", st.NeighboursUsed, len(st.Neighbours))
		}
		return "Statistical neighbours"
	}
	return string(src)
}

// standing is the authority's standing among English authorities as the
// indicator page shows it.
type standing struct {
	Authority, Year, Reference, Publication, Dataset string
	Value, Combined, Band, Model                     string
	Rank, Ranked                                     int
	Neighbours                                       []neighbour
}

type neighbour struct{ Name, Code, Value, Note string }

func standingOf(ind *vs.Indicator) *standing {
	st := ind.Standing
	if st == nil {
		return nil
	}
	out := &standing{Authority: st.Authority, Year: st.Year, Reference: st.Reference, Publication: st.Publication,
		Dataset: st.Dataset, Value: "not published", Combined: st.Combined, Band: st.Band, Model: st.Model,
		Rank: st.Rank, Ranked: st.Ranked}
	if st.HasValue {
		out.Value = ind.Format(st.Value)
	}
	for _, n := range st.Neighbours {
		nb := neighbour{Name: n.Name, Code: n.Code, Value: n.Status, Note: "left out of the mean"}
		if n.Status == "published" {
			nb.Value, nb.Note = ind.Format(n.Value), ""
		}
		out.Neighbours = append(out.Neighbours, nb)
	}
	return out
}

// thresholdRule says in words how an indicator's thresholds judge teams.
func thresholdRule(ind *vs.Indicator) string {
	if ind.Aggregation == vs.AggregateSum {
		return "A team with thresholds of its own is judged by those. Other teams are not rated: this is a total for the whole authority, and its boundaries mean nothing for one team's share."
	}
	return "A team with thresholds of its own is judged by those; every other team by the whole authority's."
}

// ReadHeaderTimeout bounds how long a client may take to send its headers.
const ReadHeaderTimeout = 10 * time.Second
