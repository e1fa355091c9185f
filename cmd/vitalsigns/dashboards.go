package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/vitalsigns/vitalsigns/metrics"
)

func (a *app) dashboardsCommand() *cobra.Command {
	var (
		out string
		opt metrics.DashboardOptions
	)
	c := &cobra.Command{
		Use:   "dashboards [-o DIR]",
		Short: "Write the Grafana dashboards and provisioning files for the indicators in force",
		Long: "Write the Grafana dashboards (overview, indicator drill-down, team comparison, data freshness) and " +
			"the provisioning files for a Prometheus datasource and a dashboard provider under DIR: " +
			"DIR/provisioning/datasources, DIR/provisioning/dashboards and DIR/dashboards. Copy or mount the " +
			"provisioning directories into Grafana's provisioning directory; the dashboard provider reads the " +
			"dashboards from --grafana.dashboards-path.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{fmt.Errorf("--output: a directory is needed")}
			}
			if opt.Path == "" {
				abs, err := filepath.Abs(filepath.Join(out, "dashboards"))
				if err != nil {
					return fmt.Errorf("resolve %s: %w", out, err)
				}
				opt.Path = abs
			}
			cat, err := a.catalogue()
			if err != nil {
				return err
			}
			files, err := metrics.Dashboards(cat, opt)
			if err != nil {
				return err
			}
			if err := writeTree(out, files); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "wrote %d files under %s: dashboards for %d indicators\n", len(files), out, len(cat.Indicators))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "./grafana", "directory to write the dashboards and provisioning files under")
	c.Flags().StringVar(&opt.DatasourceUID, "grafana.datasource-uid", "vitalsigns-prometheus", "uid of the provisioned Prometheus datasource that every panel queries")
	c.Flags().StringVar(&opt.PrometheusURL, "grafana.prometheus-url", "http://localhost:9090", "where Grafana reaches the Prometheus that scrapes vitalsigns")
	c.Flags().StringVar(&opt.Path, "grafana.dashboards-path", "", "directory Grafana reads the dashboards from (default: DIR/dashboards, made absolute)")
	c.Flags().DurationVar(&opt.ScrapeInterval, "grafana.scrape-interval", time.Minute, "the scrape interval of that Prometheus")
	c.Flags().StringVar(&opt.Job, "rules.job", "vitalsigns", "the Prometheus scrape job that scrapes vitalsigns")
	return c
}

// writeTree writes files (slash-separated names relative to dir) under
// dir, creating it and the directories between. Nothing is written outside
// dir: names must be local, and the writes go through an os.Root, which
// also refuses symbolic links that lead out. Each file is written beside
// its target and renamed over it, so a failure leaves no half-written file.
func writeTree(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return fmt.Errorf("write %s: refusing to write outside %s", name, dir)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pathError("write", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return pathError("write", dir, err)
	}
	defer root.Close()
	for _, name := range names {
		if d := path.Dir(name); d != "." {
			if err := root.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
				return pathError("write", filepath.Join(dir, name), err)
			}
		}
		target := filepath.FromSlash(name)
		tmp := filepath.Join(filepath.Dir(target), ".vitalsigns-"+filepath.Base(target)+".tmp")
		if err := root.WriteFile(tmp, files[name], 0o644); err != nil {
			root.Remove(tmp)
			return pathError("write", filepath.Join(dir, name), err)
		}
		if err := root.Rename(tmp, target); err != nil {
			root.Remove(tmp)
			return pathError("write", filepath.Join(dir, name), err)
		}
	}
	return nil
}
