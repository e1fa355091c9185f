package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
)

func (a *app) ingestCommand() *cobra.Command {
	var (
		dryRun bool
		format string
		opt    collector.IngestOptions
	)
	c := &cobra.Command{
		Use:   "ingest [--dry-run] [--format text|json] FILE...",
		Short: "Validate and store performance workbooks (.xlsx) and .csv files",
		Long: `ingest validates each file against the indicator catalogue and stores it in one
transaction: a file with any problem stores nothing and is recorded as a
rejected source with its report. Every problem is listed, each with the sheet
and cell (or CSV line and column) it was found at. Exit status 1 when any file
is rejected.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("ingest needs at least one FILE")}
			}
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format: want text or json, got %q", format)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			opt.DryRun, opt.Via = dryRun, vs.ViaCLI
			rejected := 0
			var reports []*collector.Report
			for _, path := range args {
				rep, err := collector.Ingest(cmd.Context(), st, path, cat, opt)
				if err != nil {
					return err
				}
				if len(rep.Problems) > 0 {
					rejected++
				}
				a.log.Info("ingest", "file", path, "accepted", rep.Accepted, "problems", len(rep.Problems),
					"new", rep.New, "revised", rep.Revised, "duplicate", rep.Duplicate, "dry_run", dryRun)
				if format == "text" {
					fmt.Fprint(a.stdout, rep.Text())
				}
				reports = append(reports, rep)
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(reports); err != nil {
					return err
				}
			}
			if rejected > 0 {
				return errRejected
			}
			return nil
		},
	}
	c.Flags().BoolVar(&dryRun, "dry-run", false, "validate and list what would be stored or revised; store nothing")
	c.Flags().StringVar(&format, "format", "text", "report format: text or json")
	return c
}

func (a *app) sourcesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "sources",
		Short: "List the files that arrived, accepted or rejected",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			srcs, err := st.Sources(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tRECEIVED\tVIA\tRESULT\tROWS\tNAME\tSHA256")
			for _, s := range srcs {
				result := "rejected"
				switch {
				case s.Withdrawn:
					result = "withdrawn"
				case s.Accepted:
					result = "accepted"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%.12s\n", s.ID, s.ReceivedAt.In(vs.London()).Format("2006-01-02 15:04"), s.Via, result, s.Rows, s.Name, s.SHA256)
			}
			return tw.Flush()
		},
	}
}
