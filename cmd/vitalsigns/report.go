package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
	"github.com/vitalsigns/vitalsigns/store"
)

func (a *app) reportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "Write the committee reports",
	}
	c.AddCommand(a.monthlyReportCommand(), a.biweeklyReportCommand())
	return c
}

func (a *app) biweeklyReportCommand() *cobra.Command {
	var team, format, out, chromium, asOf string
	c := &cobra.Command{
		Use:   "biweekly [--as-of DATE] [--team ID] [--format html|pdf] [-o FILE]",
		Short: "Write the bi-weekly forecasting report: where each indicator is heading, and which will breach before the next committee",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := noArgs(cmd, args); err != nil {
				return err
			}
			if format != "html" && format != "pdf" {
				return usageError{fmt.Errorf("--format: want html or pdf, got %q", format)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			rc, err := a.reportSetup(cmd.Context(), asOf, team, format, chromium)
			if err != nil {
				return err
			}
			defer rc.st.Close()
			ctx, st, cat, now, figures, chromiumPath := cmd.Context(), rc.st, rc.cat, rc.now, rc.figures, rc.chromium
			recs, err := st.Forecasts(ctx, vs.Filter{Team: team})
			if err != nil {
				return err
			}
			// Only the forecasts that had been made by then.
			kept := recs[:0]
			for _, r := range recs {
				if !r.MadeAt.After(now) {
					kept = append(kept, r)
				}
			}
			b := &assess.Builder{Only: func(it *assess.Item) bool { return it.Team.ID == team }}
			snap := b.Build(cat, figures, vs.IngestStats{}, now)
			report := reports.BuildBiweekly(snap, team, kept)
			return a.writeOutput(out, func(w io.Writer) error {
				if format == "pdf" {
					var page bytes.Buffer
					if err := reports.WriteBiweeklyHTML(&page, report); err != nil {
						return err
					}
					return reports.PrintPDF(ctx, chromiumPath, page.Bytes(), w)
				}
				return reports.WriteBiweeklyHTML(w, report)
			})
		},
	}
	c.Flags().StringVar(&team, "team", vs.AuthorityTeam, "the team (default: the whole authority)")
	c.Flags().StringVar(&format, "format", "html", "html or pdf")
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&chromium, "chromium.path", "", "the Chromium to print the PDF with (default: chromium on PATH)")
	c.Flags().StringVar(&asOf, "as-of", "", "the date (or instant) of the report: the figures and forecasts as they stood then (default: now)")
	return c
}

func (a *app) monthlyReportCommand() *cobra.Command {
	var (
		period, team, format, out, chromium, asOf string
	)
	c := &cobra.Command{
		Use:   "monthly --period YYYY-MM [--team ID] [--as-of DATE] [--format html|xlsx|pdf] [-o FILE]",
		Short: "Write the monthly Vital Signs report: self-contained HTML (default), PDF, or an XLSX scorecard",
		Long: "Write the monthly Vital Signs report: self-contained HTML (default), PDF, or an XLSX scorecard.\n" +
			"Each report written is recorded, so the next one lists the figures revised since it. --as-of DATE\n" +
			"(YYYY-MM-DD, or an RFC 3339 instant) reproduces the report from the figures as they stood then, and is\n" +
			"not recorded.",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := noArgs(cmd, args); err != nil {
				return err
			}
			if format != "html" && format != "xlsx" && format != "pdf" {
				return usageError{fmt.Errorf("--format: want html, xlsx or pdf, got %q", format)}
			}
			if period == "" {
				return usageError{fmt.Errorf("report monthly needs --period YYYY-MM")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			month, err := vs.ParsePeriod(vs.Monthly, period)
			if err != nil {
				return usageError{fmt.Errorf("--period: %w", err)}
			}
			reproduce := asOf != ""
			rc, err := a.reportSetup(cmd.Context(), asOf, team, format, chromium)
			if err != nil {
				return err
			}
			defer rc.st.Close()
			ctx, st, cat, now, figures, chromiumPath := cmd.Context(), rc.st, rc.cat, rc.now, rc.figures, rc.chromium
			seq, err := st.ChangeSeq(ctx)
			if err != nil {
				return err
			}
			b := &assess.Builder{Only: func(it *assess.Item) bool { return it.Team.ID == team }}
			snap := b.Build(cat, figures, vs.IngestStats{}, now)
			m, err := reports.BuildMonthlyContext(ctx, snap, team, month)
			if err != nil {
				return err
			}
			// What the committee saw last time, and what has changed since.
			last, ok, err := st.LastReport(ctx, "monthly", team, now)
			if err != nil {
				return err
			}
			if ok {
				then, err := st.LatestAsOf(ctx, vs.Filter{Team: team}, last.DataAsAt)
				if err != nil {
					return err
				}
				srcs, err := st.Sources(ctx)
				if err != nil {
					return err
				}
				names := map[int64]string{}
				for _, s := range srcs {
					names[s.ID] = s.Name
				}
				m.LastIssued, m.Revisions = &last, reports.Revisions(cat, team, then, figures, names)
			}
			err = a.writeOutput(out, func(w io.Writer) error {
				switch format {
				case "xlsx":
					return reports.WriteScorecard(w, m)
				case "pdf":
					var page bytes.Buffer
					if err := reports.WriteHTML(&page, m); err != nil {
						return err
					}
					return reports.PrintPDF(cmd.Context(), chromiumPath, page.Bytes(), w)
				}
				return reports.WriteHTML(w, m)
			})
			if err != nil || reproduce {
				return err
			}
			_, err = st.RecordReport(ctx, vs.IssuedReport{Kind: "monthly", Team: team, Period: month.String(), Format: format,
				GeneratedAt: a.now(), DataAsAt: now, ChangeSeq: seq})
			return err
		},
	}
	c.Flags().StringVar(&period, "period", "", "the month reported on, YYYY-MM")
	c.Flags().StringVar(&team, "team", vs.AuthorityTeam, "the team (default: the whole authority)")
	c.Flags().StringVar(&format, "format", "html", "html, xlsx or pdf")
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&chromium, "chromium.path", "", "the Chromium to print the PDF with (default: chromium on PATH)")
	c.Flags().StringVar(&asOf, "as-of", "", "reproduce the report from the figures as they stood at this date (end of the day, London) or instant")
	return c
}

// parseInstant reads a date (the end of that day in London: everything
// recorded on it counts) or an RFC 3339 instant.
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := vs.ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a date (YYYY-MM-DD) or an instant (2026-10-05T09:00:00Z), got %q", s)
	}
	return vs.Period{Freq: vs.Monthly, Last: d}.End().Add(-time.Nanosecond), nil
}

// reportContext is what writing a report needs.
type reportContext struct {
	st       *store.Store
	cat      *vs.Catalogue
	now      time.Time // the instant reported as of
	figures  []vs.Observation
	chromium string // for a PDF
}

// reportSetup checks a report's flags, finds Chromium for a PDF, and reads
// the figures as they stood at --as-of (now if ""). The caller closes the
// store.
func (a *app) reportSetup(ctx context.Context, asOf, team, format, chromium string) (*reportContext, error) {
	rc := &reportContext{now: a.now()}
	var err error
	if asOf != "" {
		if rc.now, err = parseInstant(asOf); err != nil {
			return nil, usageError{fmt.Errorf("--as-of: %w", err)}
		}
	}
	if rc.cat, err = a.catalogue(); err != nil {
		return nil, err
	}
	if _, ok := rc.cat.Team(team); !ok {
		return nil, usageError{fmt.Errorf("--team: no team %q in the configuration", team)}
	}
	if format == "pdf" {
		if rc.chromium, err = reports.FindChromium(chromium); err != nil {
			return nil, err
		}
	}
	if rc.st, err = a.openExisting(ctx); err != nil {
		return nil, err
	}
	if rc.figures, err = rc.st.LatestAsOf(ctx, vs.Filter{}, rc.now); err != nil {
		rc.st.Close()
		return nil, err
	}
	return rc, nil
}
