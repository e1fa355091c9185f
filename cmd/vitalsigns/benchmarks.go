package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/benchmark"
	"github.com/vitalsigns/vitalsigns/store"
)

func (a *app) benchmarksCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "benchmarks",
		Short: "Import DfE's published statistics and show the benchmarks in force",
	}
	imp := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import DfE's tidy CSV files and statistical-neighbour groupings, recognised by their header",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("benchmarks import needs at least one FILE")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := a.configuration()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			var refused []string
			for _, path := range args {
				if err := a.importBenchmarks(cmd, st, cat, path); err != nil {
					var fe *benchmark.FormatError
					if !errors.As(err, &fe) && !errors.Is(err, os.ErrNotExist) {
						return err
					}
					fmt.Fprintf(a.stderr, "%s: refused: %v\n", path, err)
					refused = append(refused, path)
				}
			}
			if len(refused) > 0 {
				return fmt.Errorf("%d of %d file(s) refused", len(refused), len(args))
			}
			return nil
		},
	}
	var id string
	show := &cobra.Command{
		Use:   "show --indicator ID",
		Short: "Show an indicator's benchmarks in force: the year, the figures and the file they come from",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" {
				return usageError{errors.New("benchmarks show needs --indicator")}
			}
			return a.showBenchmarks(cmd, id)
		},
	}
	show.Flags().StringVar(&id, "indicator", "", "the indicator's id")
	c.AddCommand(imp, show)
	return c
}

// importBenchmarks imports one file: its bytes, and the figures of every
// indicator the catalogue maps to a measure it holds.
func (a *app) importBenchmarks(cmd *cobra.Command, st *store.Store, cat *vs.Catalogue, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("import benchmarks: %w", err)
	}
	name := filepath.Base(path)
	f, err := benchmark.Read(name, bytes.NewReader(data))
	if err != nil {
		return err
	}
	imp := store.BenchmarkImport{Name: name, SHA256: f.SHA256, Kind: string(f.Kind), Content: data}
	var mapped []string
	if f.Table != nil {
		for _, ind := range cat.Indicators {
			if ind.DfE == nil {
				continue
			}
			m := benchmark.Measure{Column: ind.DfE.Measure, Where: ind.DfE.Where, Scale: ind.DfE.Scale}
			if !f.Table.Holds(m) {
				continue
			}
			figs, err := f.Table.Figures(m)
			if err != nil {
				return fmt.Errorf("import benchmarks %s: indicator %s: %w", name, ind.ID, err)
			}
			mapped = append(mapped, ind.ID)
			for _, g := range figs {
				imp.Figures = append(imp.Figures, store.BenchmarkFigure{Indicator: ind.ID, Year: g.Year.End, YearLabel: g.Year.Label,
					Level: string(g.Level), Code: g.Code, Name: g.Name, Status: string(g.Status), Raw: g.Raw,
					Value: sql.NullFloat64{Float64: g.Value, Valid: g.Status == benchmark.Published}})
			}
		}
	}
	res, err := st.ImportBenchmarks(cmd.Context(), imp)
	if err != nil {
		return err
	}
	switch {
	case res.Duplicate:
		fmt.Fprintf(a.stdout, "%s: already imported (sha256 %.12s): nothing changed\n", name, f.SHA256)
		return nil
	case f.Grouping != nil:
		fmt.Fprintf(a.stdout, "%s: statistical-neighbour grouping, %s model, %d authorities\n", name, f.Grouping.Model, len(f.Grouping.Authorities))
	case len(mapped) == 0:
		fmt.Fprintf(a.stdout, "%s: stored\n", name)
		fmt.Fprintf(a.stderr, "warning: %s holds no measure the catalogue maps: stored, not used\n", name)
	default:
		fmt.Fprintf(a.stdout, "%s: %s: %d new figures, %d revised\n", name, strings.Join(mapped, ", "), res.New, res.Revised)
	}
	a.log.Info("benchmarks imported", "file", name, "kind", f.Kind, "new", res.New, "revised", res.Revised)
	return nil
}

// showBenchmarks prints an indicator's benchmarks in force.
func (a *app) showBenchmarks(cmd *cobra.Command, id string) error {
	cat, err := a.catalogue()
	if err != nil {
		return err
	}
	ind, ok := cat.Indicator(id)
	if !ok {
		return usageError{fmt.Errorf("--indicator: no indicator %s", vs.Quote(id))}
	}
	if ind.DfE == nil && len(ind.Benchmarks) == 0 {
		fmt.Fprintf(a.stdout, "%s: no benchmark (not mapped to a DfE measure)\n", ind.ID)
		return nil
	}
	var imported []store.BenchmarkFile
	if path, err := a.dbPath(); err == nil {
		if _, err := os.Stat(path); err == nil {
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if imported, err = st.BenchmarkFiles(cmd.Context(), false); err != nil {
				return err
			}
		}
	}
	from := func(dataset string) string {
		if dataset == "" {
			return "the configuration"
		}
		file, _, _ := strings.Cut(dataset, ": ")
		for i := len(imported) - 1; i >= 0; i-- {
			if f := imported[i]; f.Name == file {
				return fmt.Sprintf("%s (imported %s, sha256 %.12s)", dataset, f.ImportedAt.In(vs.London()).Format("2 January 2006 15:04"), f.SHA256)
			}
		}
		return dataset + " (built into vitalsigns)"
	}
	fmt.Fprintf(a.stdout, "%s: %s\n", ind.ID, ind.Name)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tVALUE\tYEAR\tREFERS TO\tFROM")
	for _, b := range ind.Benchmarks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Source, ind.Format(b.Value), b.Year, b.Reference, from(b.Dataset))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if st := ind.Standing; st != nil {
		own := "not published"
		if st.HasValue {
			own = ind.Format(st.Value)
		}
		fmt.Fprintf(a.stdout, "%s: %s in %s", st.Authority, own, st.Year)
		if st.Rank > 0 {
			fmt.Fprintf(a.stdout, ", rank %d of %d, band %s", st.Rank, st.Ranked, st.Band)
		}
		fmt.Fprintf(a.stdout, "; statistical neighbours (%s model): mean of %d of %d\n", st.Model, st.NeighboursUsed, len(st.Neighbours))
	}
	return nil
}
