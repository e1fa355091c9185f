package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/store"
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
			// A file's figures are held until its one transaction: collect
			// garbage at half the default heap growth, which cuts the peak
			// memory of a million-row file by a sixth at no cost in time
			// (BENCHMARKS.md). GOGC, if set, still wins.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(50)
			}
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			limitTmpDir(&opt.Options, st.Path())
			opt.DryRun, opt.Via = dryRun, vs.ViaCLI
			rejected := 0
			var reports []*collector.Report
			for _, path := range args {
				rep, err := collector.Ingest(cmd.Context(), st, path, cat, opt)
				if err != nil {
					return a.ingestFailed(err)
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
	c.Flags().BoolVar(&opt.Lenient, "lenient", false, "store the valid rows of a file whose problems are confined to single rows, and list the rows skipped")
	limitFlags(c, &opt.Options)
	return c
}

// ingestFailed says of a failure that is not the file's fault that it is
// not (a missing file is just reported).
func (a *app) ingestFailed(err error) error {
	var ie *vs.IngestError
	if !errors.As(err, &ie) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	hint := "try again later"
	if errors.Is(err, store.ErrBusy) {
		hint = fmt.Sprintf("try again, or give a --store.lock-timeout longer than %v", a.lockTimeout)
	}
	return fmt.Errorf("nothing stored, through no fault of the file (%s; %s): %w", ie.Reason, hint, err)
}

// limitFlags registers the ingest limits, shared by ingest and serve.
func limitFlags(c *cobra.Command, o *collector.Options) {
	c.Flags().Int64Var(&o.MaxBytes, "ingest.max-bytes", collector.DefaultMaxBytes, "refuse files larger than this many bytes")
	c.Flags().IntVar(&o.MaxRows, "ingest.max-rows", collector.DefaultMaxRows, "refuse files with more rows than this")
	c.Flags().IntVar(&o.MaxCols, "ingest.max-columns", collector.DefaultMaxCols, "refuse rows with more columns than this")
	c.Flags().IntVar(&o.MaxCells, "ingest.max-cells", collector.DefaultMaxCells, "refuse sheets with more cells holding a value than this")
	c.Flags().BoolVar(&o.HiddenSheets, "ingest.hidden-sheets", false, "read hidden sheets too (by default they are skipped)")
	c.Flags().StringVar(&o.TmpDir, "ingest.tmp-dir", "", "directory for the temporary files of reading workbooks, each read's removed when it ends (default: tmp/ in the directory holding the database)")
	c.Flags().Int64Var(&o.MaxSpoolBytes, "ingest.max-spool-bytes", collector.DefaultMaxSpoolBytes, "refuse workbooks whose large sheets would take more than this many bytes of temporary files")
	c.Flags().IntVar(&o.MaxLineBytes, "ingest.max-line-bytes", collector.DefaultMaxLineBytes, "refuse csv files with a line (or a row of quoted fields spanning lines) longer than this many bytes")
}

// limitTmpDir defaults --ingest.tmp-dir to tmp/ in the directory of the
// store (--data-dir), where the disk is provisioned for data rather than
// a /tmp that may be small or held in memory.
func limitTmpDir(o *collector.Options, storePath string) {
	if o.TmpDir == "" {
		o.TmpDir = filepath.Join(filepath.Dir(storePath), "tmp")
	}
}

func (a *app) sourcesCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "sources",
		Short: "List the files that arrived, accepted, rejected or withdrawn",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openExisting(cmd.Context())
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
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%.12s\n", s.ID, s.ReceivedAt.In(vs.London()).Format("2006-01-02 15:04"), s.Via, result(s), s.Rows, s.Name, s.SHA256)
			}
			return tw.Flush()
		},
	}
	var reason string
	withdraw := &cobra.Command{
		Use:   "withdraw ID",
		Short: "Withdraw a wrong file: its revisions stop counting and the previous figures are in force again",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("source ID: want a number, got %q", args[0])}
			}
			if strings.TrimSpace(reason) == "" {
				return usageError{errors.New("withdraw needs --reason: it is kept in the audit trail")}
			}
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			src, err := st.Withdraw(cmd.Context(), id, reason)
			if err != nil {
				return err
			}
			a.log.Info("source withdrawn", "source", id, "file", src.Name, "reason", reason)
			fmt.Fprintf(a.stdout, "source %d (%s) withdrawn: its revisions no longer count\n", id, src.Name)
			return nil
		},
	}
	withdraw.Flags().StringVar(&reason, "reason", "", "why the file is withdrawn (kept in the audit trail)")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a source and its validation report",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("source ID: want a number, got %q", args[0])}
			}
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			src, err := st.Source(cmd.Context(), id)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "source %d: %s\nreceived %s via %s%s\nsha256 %s, %d bytes, %d rows\nresult: %s\n",
				src.ID, src.Name, src.ReceivedAt.In(vs.London()).Format("2 January 2006 15:04"), src.Via, submitter(src),
				src.SHA256, src.Size, src.Rows, result(src))
			if src.Withdrawn {
				fmt.Fprintf(a.stdout, "withdrawn %s: %s\n", src.WithdrawnAt.In(vs.London()).Format("2 January 2006 15:04"), src.WithdrawnReason)
			}
			if src.Accepted {
				n, r, err := st.SourceCounts(cmd.Context(), id)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "figures stored: %d new, %d revisions\n", n, r)
			}
			var rep collector.Report
			if err := json.Unmarshal([]byte(src.Report), &rep); err == nil && rep.File != "" {
				fmt.Fprintf(a.stdout, "\nvalidation report: %s, %s layout, %d problem(s), %d warning(s)\n", rep.Format, rep.Layout, len(rep.Problems), len(rep.Warnings))
				for _, p := range rep.Problems {
					fmt.Fprintln(a.stdout, "  "+p.String())
				}
				for _, p := range rep.Warnings {
					fmt.Fprintln(a.stdout, "  warning: "+p.String())
				}
			}
			return nil
		},
	}
	c.AddCommand(withdraw, show)
	return c
}

func result(s vs.Source) string {
	switch {
	case s.Withdrawn:
		return "withdrawn"
	case s.Accepted:
		return "accepted"
	}
	return "rejected"
}

func submitter(s vs.Source) string {
	if s.Submitter == "" {
		return ""
	}
	return " by " + s.Submitter
}
