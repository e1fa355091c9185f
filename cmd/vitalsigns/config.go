package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/config"
)

func (a *app) configCommand() *cobra.Command {
	c := &cobra.Command{Use: "config", Short: "Show or check the configuration", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("config needs a subcommand: show or check")}
		}}
	c.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print the configuration in force (built-in catalogue plus --config) as a valid config file",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// As written: the benchmarks drawn from DfE's data are not
			// configuration.
			cat, err := a.configuration()
			if err != nil {
				return err
			}
			out, err := config.Marshal(cat)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(out)
			return err
		},
	}, &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a configuration file without starting anything",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := config.Load(args[0])
			if err != nil {
				var ps vs.Problems
				if errors.As(err, &ps) {
					for _, p := range ps {
						fmt.Fprintln(a.stdout, p.String())
					}
					fmt.Fprintf(a.stdout, "%s: %d problem(s)\n", args[0], len(ps))
					return errRejected
				}
				return err
			}
			fmt.Fprintf(a.stdout, "%s: ok: %d indicators, %d teams\n", args[0], len(cat.Indicators), len(cat.Teams))
			return nil
		},
	})
	return c
}

func (a *app) indicatorsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "indicators",
		Short: "List the indicator catalogue in force",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tGROUP\tUNIT\tPOLARITY\tFREQUENCY\tTARGET\tENGLAND")
			for i := range cat.Indicators {
				ind := &cat.Indicators[i]
				target, england := "-", "-"
				for _, t := range ind.Thresholds { // the authority's latest
					if t.Team == "" && t.Target != nil {
						target = ind.Format(*t.Target)
					}
				}
				if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok {
					england = ind.Format(b.Value) + " (" + b.Year + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ind.ID, ind.Name, ind.Group, ind.Unit, ind.Polarity, ind.Frequency, target, england)
			}
			return tw.Flush()
		},
	}
}

func (a *app) templateCommand() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "template [-o FILE]",
		Short: "Write the blank input workbook, with dropdowns for indicators and teams",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			if err := a.writeOutput(out, func(w io.Writer) error { return collector.Template(w, cat, a.now()) }); err != nil {
				return err
			}
			if out == "" || out == "-" {
				return nil
			}
			fmt.Fprintf(a.stderr, "wrote %s: %d indicators, %d teams\n", out, len(cat.Indicators), len(cat.Teams))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	return c
}
