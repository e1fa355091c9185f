package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

// deliver writes a rendered report as HTML, or prints it to PDF, or offers
// a download, by ?format=.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, name string, html func(*bytes.Buffer) error, xlsx func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	format := r.URL.Query().Get("format")
	switch format {
	case "", "html":
		if err := html(&buf); err != nil {
			s.internal(w, "render report", err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	case "pdf":
		if s.Chromium == "" {
			http.Error(w, "PDF is not available: this server has no Chromium (install Debian's chromium package, or start serve with --chromium.path).", http.StatusServiceUnavailable)
			return
		}
		var page bytes.Buffer
		if err := html(&page); err != nil {
			s.internal(w, "render report", err)
			return
		}
		if err := reports.PrintPDF(r.Context(), s.Chromium, page.Bytes(), &buf); err != nil {
			s.internal(w, "print report", err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".pdf"))
	case "xlsx":
		if xlsx == nil {
			http.Error(w, "this report has no spreadsheet form", http.StatusNotFound)
			return
		}
		if err := xlsx(&buf); err != nil {
			s.internal(w, "render scorecard", err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".xlsx"))
	default:
		http.Error(w, "format: want html, pdf or xlsx", http.StatusBadRequest)
		return
	}
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}

func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.Logger.Error(what, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// monthlyReport serves GET /reports/monthly/{YYYY-MM}?team=&format=.
func (s *Server) monthlyReport(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot(w)
	if snap == nil {
		return
	}
	month, err := vs.ParsePeriod(vs.Monthly, r.PathValue("period"))
	if err != nil {
		http.Error(w, "period: "+err.Error(), http.StatusBadRequest)
		return
	}
	team := teamParam(r)
	if _, ok := snap.Catalogue.Team(team); !ok {
		http.Error(w, "unknown team", http.StatusNotFound)
		return
	}
	m, err := s.monthly.get(r.Context(), snap, team, month)
	if err != nil {
		if r.Context().Err() != nil {
			s.Logger.Debug("monthly report abandoned: the client went away", "period", month.String(), "team", team)
			return
		}
		s.internal(w, "build report", err)
		return
	}
	name := fmt.Sprintf("vital-signs-%s-%s", team, month)
	s.deliver(w, r, name, func(b *bytes.Buffer) error { return reports.WriteHTML(b, m) },
		func(b *bytes.Buffer) error { return reports.WriteScorecard(b, m) })
}

// biweeklyReport serves GET /reports/biweekly/{YYYY-MM-DD}?team=&format=:
// as the current snapshot has it for today (or later), else from the
// figures as they stood at the end of that day.
func (s *Server) biweeklyReport(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot(w)
	if snap == nil {
		return
	}
	d, err := vs.ParseDate(r.PathValue("date"))
	if err != nil {
		http.Error(w, "date: "+err.Error(), http.StatusBadRequest)
		return
	}
	team := teamParam(r)
	if _, ok := snap.Catalogue.Team(team); !ok {
		http.Error(w, "unknown team", http.StatusNotFound)
		return
	}
	at := vs.Period{Freq: vs.Monthly, Last: d}.End().Add(-time.Nanosecond)
	if at.Before(snap.Built) {
		if s.Reports == nil {
			http.Error(w, "this server keeps no history to report on a past date", http.StatusNotFound)
			return
		}
		figs, err := s.Reports.LatestAsOf(r.Context(), vs.Filter{}, at)
		if err != nil {
			s.internal(w, "read figures", err)
			return
		}
		snap = (&assess.Builder{Only: func(it *assess.Item) bool { return it.Team.ID == team }}).Build(snap.Catalogue, figs, snap.Ingest, at)
	}
	var recs []vs.ForecastRecord
	if s.Forecasts != nil {
		all, err := s.Forecasts.Forecasts(r.Context(), vs.Filter{Team: team})
		if err != nil {
			s.internal(w, "read forecasts", err)
			return
		}
		for _, rec := range all {
			if !rec.MadeAt.After(snap.Built) {
				recs = append(recs, rec)
			}
		}
	}
	b := reports.BuildBiweekly(snap, team, recs)
	name := fmt.Sprintf("forecasting-%s-%s", team, d)
	s.deliver(w, r, name, func(buf *bytes.Buffer) error { return reports.WriteBiweeklyHTML(buf, b) }, nil)
}
