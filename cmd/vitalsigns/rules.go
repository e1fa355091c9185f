package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitalsigns/vitalsigns/metrics"
)

func (a *app) rulesCommand() *cobra.Command {
	var (
		out string
		opt metrics.RulesOptions
	)
	c := &cobra.Command{
		Use:   "rules [-o FILE]",
		Short: "Write the Prometheus recording and alerting rules for the indicators in force",
		Long: "Write the Prometheus recording and alerting rules for the indicators in force. Check them with " +
			"`promtool check rules FILE` and load them with rule_files in prometheus.yml.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			b, err := metrics.Rules(cat, opt)
			if err != nil {
				return err
			}
			if err := a.writeOutput(out, func(w io.Writer) error {
				_, err := w.Write(b)
				return err
			}); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(a.stderr, "wrote %s: rules for %d indicators\n", out, len(cat.Indicators))
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&opt.ExternalURL, "web.external-url", "", "the URL under which vitalsigns is reached, for the link in each alert")
	c.Flags().StringVar(&opt.Job, "rules.job", "vitalsigns", "the Prometheus scrape job that scrapes vitalsigns")
	c.Flags().DurationVar(&opt.Interval, "rules.interval", time.Minute, "how often Prometheus evaluates the rules")
	return c
}
