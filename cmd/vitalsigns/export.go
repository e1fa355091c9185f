package main

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/metrics"
)

// exported is one stored figure as export writes it: values exactly as
// stored (percentages as fractions).
type exported struct {
	Period      string   `json:"period"`
	Indicator   string   `json:"indicator"`
	Team        string   `json:"team"`
	Value       *float64 `json:"value"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Status      string   `json:"status"`
	Commentary  string   `json:"commentary"`
	Outcome     string   `json:"outcome"`
	Revision    int      `json:"revision"`
}

func ptr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	return &n.Float64
}

func cell(n sql.NullFloat64) string {
	if !n.Valid {
		return ""
	}
	return strconv.FormatFloat(n.Float64, 'f', -1, 64)
}

func (a *app) exportCommand() *cobra.Command {
	var (
		format string
		filter vs.Filter
	)
	c := &cobra.Command{
		Use:   "export --format csv|json|openmetrics [--indicator ID] [--team ID]",
		Short: "Write the stored figures in force (latest revision of each)",
		Long: "Write the stored figures in force (latest revision of each). --format openmetrics writes the whole\n" +
			"history as timestamped samples (with the totals derived for teams above others, and each period's RAG)\n" +
			"for `promtool tsdb create-blocks-from openmetrics` to backfill Prometheus: see docs/deploy.md.",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := noArgs(cmd, args); err != nil {
				return err
			}
			if format != "csv" && format != "json" && format != "openmetrics" {
				return usageError{fmt.Errorf("--format: want csv, json or openmetrics, got %q", format)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if format == "openmetrics" {
				cat, err := a.catalogue()
				if err != nil {
					return err
				}
				// Totals need every team's figures, so the whole store is
				// assessed and the filter applied to what is written.
				obs, err := st.Latest(cmd.Context(), vs.Filter{})
				if err != nil {
					return err
				}
				unknown := 0
				for _, o := range obs {
					_, okI := cat.Indicator(o.Indicator)
					_, okT := cat.Team(o.Team)
					if !okI || !okT {
						unknown++
					}
				}
				if unknown > 0 {
					fmt.Fprintf(a.stderr, "warning: %d stored figures are for indicators or teams not in the configuration in force, and are left out (give --config)\n", unknown)
				}
				snap := (&assess.Builder{Defer: true}).Build(cat, obs, vs.IngestStats{}, a.now())
				return metrics.WriteHistory(a.stdout, snap, metrics.HistoryFilter(filter))
			}
			obs, err := st.Latest(cmd.Context(), filter)
			if err != nil {
				return err
			}
			if format == "json" {
				out := make([]exported, 0, len(obs))
				for _, o := range obs {
					out = append(out, exported{o.Period.String(), o.Indicator, o.Team, ptr(o.Value), ptr(o.Numerator),
						ptr(o.Denominator), string(o.Status), o.Commentary, o.Outcome, o.Revision})
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			w := csv.NewWriter(a.stdout)
			w.Write([]string{"period", "indicator", "team", "value", "numerator", "denominator", "status", "commentary", "outcome", "revision"})
			for _, o := range obs {
				w.Write([]string{o.Period.String(), o.Indicator, o.Team, cell(o.Value), cell(o.Numerator), cell(o.Denominator),
					string(o.Status), vs.FormulaSafe(o.Commentary), vs.FormulaSafe(o.Outcome), strconv.Itoa(o.Revision)})
			}
			w.Flush()
			return w.Error()
		},
	}
	c.Flags().StringVar(&format, "format", "csv", "csv, json or openmetrics")
	c.Flags().StringVar(&filter.Indicator, "indicator", "", "only this indicator id")
	c.Flags().StringVar(&filter.Team, "team", "", "only this team id (authority for the whole authority)")
	return c
}

func (a *app) historyCommand() *cobra.Command {
	var filter vs.Filter
	c := &cobra.Command{
		Use:   "history --indicator ID [--team ID]",
		Short: "Show every revision of an indicator's figures",
		Args: func(cmd *cobra.Command, args []string) error {
			if err := noArgs(cmd, args); err != nil {
				return err
			}
			if filter.Indicator == "" {
				return usageError{errors.New("history needs --indicator ID")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			obs, err := st.History(cmd.Context(), filter)
			if err != nil {
				return err
			}
			srcs, err := st.Sources(cmd.Context())
			if err != nil {
				return err
			}
			byID := map[int64]vs.Source{}
			for _, s := range srcs {
				byID[s.ID] = s
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PERIOD\tTEAM\tREVISION\tVALUE\tSTATUS\tRECORDED\tSOURCE\tVIA")
			for _, o := range obs {
				s := byID[o.SourceID]
				name := s.Name
				if s.Withdrawn {
					name += " (withdrawn)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d %s\t%s\n", o.Period, o.Team, o.Revision, cell(o.Value), o.Status,
					o.RecordedAt.In(vs.London()).Format("2006-01-02 15:04"), o.SourceID, name, s.Via)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&filter.Indicator, "indicator", "", "indicator id")
	c.Flags().StringVar(&filter.Team, "team", "", "team id")
	return c
}
