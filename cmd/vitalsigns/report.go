package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/reports"
)

func (a *app) reportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "report",
		Short: "Write the committee reports",
	}
	c.AddCommand(a.monthlyReportCommand())
	return c
}

func (a *app) monthlyReportCommand() *cobra.Command {
	var (
		period, team, format, out, chromium string
	)
	c := &cobra.Command{
		Use:   "monthly --period YYYY-MM [--team ID] [--format html|xlsx|pdf] [-o FILE]",
		Short: "Write the monthly Vital Signs report: self-contained HTML (default), PDF, or an XLSX scorecard",
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
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			if _, ok := cat.Team(team); !ok {
				return usageError{fmt.Errorf("--team: no team %q in the configuration", team)}
			}
			chromiumPath := ""
			if format == "pdf" {
				if chromiumPath, err = reports.FindChromium(chromium); err != nil {
					return err
				}
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			figures, err := st.Latest(cmd.Context(), vs.Filter{})
			if err != nil {
				return err
			}
			b := &assess.Builder{Only: func(it *assess.Item) bool { return it.Team.ID == team }}
			snap := b.Build(cat, figures, vs.IngestStats{}, a.now())
			m := reports.BuildMonthly(snap, team, month)
			return a.writeOutput(out, func(w io.Writer) error {
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
		},
	}
	c.Flags().StringVar(&period, "period", "", "the month reported on, YYYY-MM")
	c.Flags().StringVar(&team, "team", vs.AuthorityTeam, "the team (default: the whole authority)")
	c.Flags().StringVar(&format, "format", "html", "html, xlsx or pdf")
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&chromium, "chromium.path", "", "the Chromium to print the PDF with (default: chromium on PATH)")
	return c
}
