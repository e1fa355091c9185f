// Command vitalsigns turns a children's services department's performance
// spreadsheets into Prometheus metrics, alerts and reports. This package only
// wires: flags, logging, exit codes; the work is in the packages it calls.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/benchmark"
	"github.com/vitalsigns/vitalsigns/config"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/store"
)

// Exit codes, as the design fixes them.
const (
	exitOK       = 0
	exitFailed   = 1 // rejected input or a failed command
	exitUsage    = 2
	defaultAddr  = ":9781"
	defaultDir   = "vitalsigns-data"
	programName  = "vitalsigns"
	shutdownWait = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, time.Now)
	stop()
	os.Exit(code)
}

// usageError marks a mistake in the command line (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errRejected marks input that was refused (exit 1) after its report was
// printed.
var errRejected = errors.New("input rejected")

// app is what every subcommand shares.
type app struct {
	stdout, stderr io.Writer
	now            func() time.Time
	configPath     string
	dataDir        string
	dbURL          string
	lockTimeout    time.Duration
	logLevel       string
	logFormat      string
	log            *slog.Logger
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, now func() time.Time) int {
	a := &app{stdout: stdout, stderr: stderr, now: now}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", programName, err, programName)
		return exitUsage
	case errors.Is(err, errRejected):
		return exitFailed
	default:
		fmt.Fprintf(stderr, "%s: %v\n", programName, err)
		return exitFailed
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   programName,
		Short: "Children's services performance indicators as Prometheus metrics, alerts and reports",
		Long: `vitalsigns ingests a children's services department's monthly performance
spreadsheets, keeps their history with revisions, and exposes the indicators,
their targets, thresholds, benchmarks and RAG status as Prometheus metrics.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unknown command %q", args[0])}
			}
			cmd.SetOut(a.stderr)
			cmd.Help()
			return usageError{errors.New("a command is needed")}
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.setupLogging()
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	f := root.PersistentFlags()
	f.StringVar(&a.configPath, "config", "", "configuration file (default: the built-in catalogue)")
	f.StringVar(&a.dataDir, "data-dir", defaultDir, "directory holding the embedded database")
	f.StringVar(&a.dbURL, "db", "", "database URL, overriding --data-dir: sqlite:PATH")
	f.DurationVar(&a.lockTimeout, "store.lock-timeout", store.DefaultLockTimeout,
		"how long a write waits for the store's write lock while another process (an ingest, serve) holds it")
	f.StringVar(&a.logLevel, "log.level", "info", "log level: debug, info, warn, error")
	f.StringVar(&a.logFormat, "log.format", "logfmt", "log format: logfmt or json")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.serveCommand(), a.ingestCommand(), a.exportCommand(), a.indicatorsCommand(), a.rulesCommand(),
		a.configCommand(), a.sourcesCommand(), a.historyCommand(), a.templateCommand(), a.dashboardsCommand(), a.reportCommand(), a.benchmarksCommand())
	return root
}

func (a *app) setupLogging() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return usageError{fmt.Errorf("--log.level: %w", err)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch a.logFormat {
	case "logfmt", "text":
		a.log = slog.New(slog.NewTextHandler(a.stderr, opts))
	case "json":
		a.log = slog.New(slog.NewJSONHandler(a.stderr, opts))
	default:
		return usageError{fmt.Errorf("--log.format: want logfmt or json, got %q", a.logFormat)}
	}
	return nil
}

// exactArgs is cobra.ExactArgs that reports a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}

// catalogue loads the configuration in force with the benchmarks drawn
// from DfE's data: the England, region and statistical-neighbour figures,
// rank and band of every mapped indicator, for the configured authority.
// Files imported into the store (if there is one) are the top layer over
// the data built into the binary.
func (a *app) catalogue() (*vs.Catalogue, error) {
	cat, err := a.configuration()
	if err != nil {
		return nil, err
	}
	imported, err := a.importedBenchmarks(context.Background())
	if err != nil {
		return nil, err
	}
	return a.withBenchmarks(cat, imported)
}

// demoAuthority returns cat for a demo: without authority.la_code
// configured, the benchmarks are to be those of a real authority
// (demo.LACode); asFor reports that they are, so that withBenchmarks's
// result is labelled (see labelBenchmarksAs).
func demoAuthority(cat *vs.Catalogue) (out *vs.Catalogue, asFor bool) {
	if cat.Authority.LACode != "" {
		return cat, false
	}
	c := *cat
	c.Authority.LACode = demo.LACode
	return &c, true
}

// labelBenchmarksAs names in Authority.BenchmarksAs the authority whose
// benchmarks cat shows, so that every page says so.
func labelBenchmarksAs(cat *vs.Catalogue) {
	for _, ind := range cat.Indicators {
		if ind.Standing != nil && ind.Standing.Authority != "" {
			cat.Authority.BenchmarksAs = ind.Standing.Authority
			return
		}
	}
}

// withBenchmarks returns cat with the benchmarks drawn from DfE's data:
// the data built into the binary, then each imported file as a layer of
// its own, in the order imported.
func (a *app) withBenchmarks(cat *vs.Catalogue, imported []*benchmark.File) (*vs.Catalogue, error) {
	files, err := benchmark.Embedded()
	if err != nil {
		return nil, err
	}
	layers := [][]*benchmark.File{files}
	for _, f := range imported {
		layers = append(layers, []*benchmark.File{f})
	}
	out, warnings, err := benchmark.NewSet(layers...).Apply(cat)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	for _, w := range warnings {
		a.log.Warn("benchmark not drawn", "err", w)
	}
	return out, nil
}

// importedBenchmarks reads the DfE files imported into the store; none
// when there is no store yet.
func (a *app) importedBenchmarks(ctx context.Context) ([]*benchmark.File, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	st, err := a.openExisting(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return storedBenchmarks(ctx, st)
}

// storedBenchmarks reads the DfE files imported into st.
func storedBenchmarks(ctx context.Context, st *store.Store) ([]*benchmark.File, error) {
	stored, err := st.BenchmarkFiles(ctx, true)
	if err != nil {
		return nil, err
	}
	var files []*benchmark.File
	for _, sf := range stored {
		f, err := benchmark.Read(sf.Name, bytes.NewReader(sf.Content))
		if err != nil {
			return nil, fmt.Errorf("imported benchmarks: %w", err)
		}
		files = append(files, f)
	}
	return files, nil
}

// configuration loads the configuration file over the built-in catalogue,
// as written: without the benchmarks drawn from DfE's data.
func (a *app) configuration() (*vs.Catalogue, error) {
	cat, err := config.Load(a.configPath)
	if err != nil {
		var ps vs.Problems
		if errors.As(err, &ps) {
			fmt.Fprintln(a.stderr, ps.Error())
			return nil, fmt.Errorf("configuration has %d problem(s)", len(ps))
		}
		return nil, err
	}
	return cat, nil
}

// dbPath resolves --db and --data-dir to the SQLite file.
func (a *app) dbPath() (string, error) {
	if a.dbURL == "" {
		return filepath.Join(a.dataDir, store.FileName), nil
	}
	if p, ok := strings.CutPrefix(a.dbURL, "sqlite:"); ok && p != "" {
		return p, nil
	}
	if strings.HasPrefix(a.dbURL, "postgres://") || strings.HasPrefix(a.dbURL, "postgresql://") {
		return "", usageError{errors.New("--db: PostgreSQL is not supported yet; use sqlite:PATH")}
	}
	return "", usageError{fmt.Errorf("--db: want sqlite:PATH, got %q", a.dbURL)}
}

// openStore opens the store, creating it if need be: for the commands
// that bring data in (ingest, serve).
func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	return a.open(ctx)
}

// openExisting opens the store and refuses one that does not exist: for
// the commands that read it, where a mistyped --data-dir would otherwise
// create an empty store and report nothing.
func (a *app) openExisting(ctx context.Context) (*store.Store, error) {
	return a.open(ctx, store.MustExist())
}

func (a *app) open(ctx context.Context, opts ...store.Option) (*store.Store, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if a.lockTimeout < 0 {
		return nil, usageError{fmt.Errorf("--store.lock-timeout: want a duration of 0 or more, got %v", a.lockTimeout)}
	}
	opts = append([]store.Option{store.WithClock(a.now), store.WithLockTimeout(a.lockTimeout),
		store.WithLogger(a.log.With("component", "store"))}, opts...)
	st, err := store.Open(ctx, path, opts...)
	if errors.Is(err, store.ErrNoStore) {
		flag := "--data-dir"
		if a.dbURL != "" {
			flag = "--db"
		}
		return nil, fmt.Errorf("no store at %s (check %s; ingest or serve creates one)", path, flag)
	}
	return st, err
}
