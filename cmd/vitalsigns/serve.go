package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	toolkit "github.com/prometheus/exporter-toolkit/web"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/benchmark"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/demo"
	"github.com/vitalsigns/vitalsigns/metrics"
	"github.com/vitalsigns/vitalsigns/reports"
	"github.com/vitalsigns/vitalsigns/store"
	"github.com/vitalsigns/vitalsigns/web"
)

func (a *app) serveCommand() *cobra.Command {
	var (
		addr, externalURL string
		withDemo          bool
		poll              time.Duration
		seed              uint64
		inboxDir          string
		enableUpload      bool
		webConfig         string
		chromium          string
		uploadMax         int64
		reportSlots       int
		limits            collector.Options
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve /metrics, the indicator pages and the health endpoints",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			base := ""
			if externalURL != "" {
				u, err := url.Parse(externalURL)
				if err != nil || u.Scheme == "" || u.Host == "" {
					return usageError{fmt.Errorf("--web.external-url: want an absolute URL, got %q", externalURL)}
				}
				base = strings.TrimRight(u.Path, "/")
			}
			if webConfig != "" {
				if err := toolkit.Validate(webConfig); err != nil {
					return usageError{fmt.Errorf("--web.config.file %s: %w", webConfig, err)}
				}
			}
			plain, err := a.configuration()
			if err != nil {
				return err
			}
			asFor := false
			if withDemo {
				plain, asFor = demoAuthority(plain)
			}
			// draw gives the catalogue with the benchmarks drawn from the
			// data built in and the files imported into the store.
			draw := func(base *vs.Catalogue, imported []*benchmark.File) (*vs.Catalogue, error) {
				c, err := a.withBenchmarks(base, imported)
				if err == nil && asFor {
					labelBenchmarksAs(c)
				}
				return c, err
			}
			var st *store.Store
			var cat *vs.Catalogue
			if withDemo {
				if cat, err = draw(plain, nil); err != nil {
					return err
				}
				var dir string
				if st, cat, dir, err = a.openDemo(ctx, cat, seed); err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				plain = demo.Catalogue(plain)
			} else if st, err = a.openStore(ctx); err != nil {
				return err
			}
			defer st.Close()
			imported, err := storedBenchmarks(ctx, st)
			if err != nil {
				return err
			}
			if cat, err = draw(plain, imported); err != nil {
				return err
			}
			// Files imported while serving are drawn at the next rebuild
			// (an import bumps the store's change counter).
			var (
				drawnMu sync.Mutex
				drawn   = cat
				nFiles  = len(imported)
			)
			reload := func(ctx context.Context) (*vs.Catalogue, error) {
				drawnMu.Lock()
				defer drawnMu.Unlock()
				files, err := st.BenchmarkFiles(ctx, false)
				if err != nil || len(files) == nFiles {
					return drawn, err
				}
				imported, err := storedBenchmarks(ctx, st)
				if err != nil {
					return nil, err
				}
				c, err := draw(plain, imported)
				if err != nil {
					return nil, err
				}
				a.log.Info("benchmarks imported", "files", len(imported))
				drawn, nFiles = c, len(files)
				return c, nil
			}
			limitTmpDir(&limits, st.Path())

			col := metrics.NewCollector()
			// The first snapshot with every forecast done starts the
			// backtests that let accuracy be shown from the first day.
			forecasted := make(chan *assess.Snapshot, 1)
			watcher := &assess.Watcher{Reader: st, Catalogue: cat, Reload: reload, Poll: poll, Now: a.now, Logger: a.log.With("component", "watcher"), Builder: &assess.Builder{Defer: true},
				Publish: func(s *assess.Snapshot) {
					if err := col.Set(s); err != nil {
						a.log.Error("publish snapshot", "err", err)
					}
					// Keep the forecasts as made, to score them when the
					// actual figures arrive (the first record of each wins).
					if s.PendingForecasts == 0 {
						select {
						case forecasted <- s:
						default:
						}
						if n, err := st.RecordForecasts(ctx, s.ForecastRecords()); err != nil {
							a.log.Error("record forecasts", "err", err)
						} else if n > 0 {
							a.log.Info("recorded forecasts", "new", n)
						}
					}
				}}
			// The first snapshot is in place before the port opens, so the
			// first scrape already sees every indicator.
			first, err := watcher.Load(ctx)
			if err != nil {
				return err
			}
			watcher.Publish(first)
			// PDF downloads of the reports when a Chromium is at hand.
			chromiumPath, err := reports.FindChromium(chromium)
			if err != nil {
				if chromium != "" {
					return usageError{fmt.Errorf("--chromium.path: %w", err)}
				}
				a.log.Info("no chromium: reports are served as HTML and XLSX, not PDF")
			}
			srv := &web.Server{Snapshot: col.Snapshot, Reader: st, Forecasts: st, Reports: st, Chromium: chromiumPath, Base: base, Logger: a.log.With("component", "web"), ReportSlots: reportSlots,
				Metrics: metrics.Handler(col, slogAdapter{a})}
			if enableUpload {
				if webConfig == "" {
					a.log.Warn("WEB UPLOAD IS ON WITHOUT AUTHENTICATION: anyone who can reach " + addr +
						" can submit figures. Give --web.config.file with basic_auth_users (and TLS), or expose it only on a trusted network.")
				}
				// Uploads are spooled where workbooks are read (--ingest.tmp-dir),
				// on the data directory's disk rather than a small /tmp.
				srv.Upload = &web.Upload{Ledger: st, Catalogue: cat, MaxBytes: uploadMax, Options: limits, TempDir: limits.TmpDir}
			}
			h, err := srv.Handler()
			if err != nil {
				return err
			}
			if base != "" {
				h = http.StripPrefix(base, h)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			hs := &http.Server{Handler: h, ReadHeaderTimeout: web.ReadHeaderTimeout}
			a.log.Info("listening", "address", ln.Addr().String(), "store", st.Path(), "indicators", len(cat.Indicators), "teams", len(cat.Teams), "demo", withDemo)

			g, gctx := errgroup.WithContext(ctx)
			g.Go(func() error { return watcher.Run(gctx, first) })
			g.Go(func() error {
				select {
				case <-gctx.Done():
				case s := <-forecasted:
					n, err := assess.Backfill(gctx, st, s)
					if err != nil && gctx.Err() == nil {
						a.log.Error("backtest forecasts", "err", err)
					} else if n > 0 {
						a.log.Info("recorded backtests", "records", n)
					}
				}
				return nil
			})
			g.Go(func() error {
				// Cut the store's write-ahead log back once a minute: an
				// ingest's own checkpoint can be kept from it by this
				// process's reads at that moment.
				t := time.NewTicker(time.Minute)
				defer t.Stop()
				for {
					select {
					case <-gctx.Done():
						return nil
					case <-t.C:
						if err := st.Checkpoint(gctx); err != nil && gctx.Err() == nil {
							a.log.Debug("checkpoint the store", "err", err)
						}
					}
				}
			})
			if inboxDir != "" {
				in := &collector.Inbox{Dir: inboxDir, Ledger: st, Catalogue: func() *vs.Catalogue { return cat },
					Options: limits, Logger: a.log}
				a.log.Info("watching inbox", "dir", inboxDir)
				g.Go(func() error { return in.Run(gctx) })
			}
			g.Go(func() error {
				// TLS and basic auth from --web.config.file, as Prometheus
				// and its exporters do; plain HTTP without one.
				if err := toolkit.Serve(ln, hs, &toolkit.FlagConfig{WebConfigFile: &webConfig}, a.log.With("component", "web")); !errors.Is(err, http.ErrServerClosed) {
					return fmt.Errorf("serve: %w", err)
				}
				return nil
			})
			g.Go(func() error {
				<-gctx.Done()
				a.log.Info("shutting down")
				sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
				defer cancel()
				return hs.Shutdown(sctx)
			})
			return g.Wait()
		},
	}
	f := c.Flags()
	f.StringVar(&addr, "web.listen-address", defaultAddr, "address to listen on for the web interface and /metrics")
	f.StringVar(&externalURL, "web.external-url", "", "the URL under which vitalsigns is reached, for links in alerts and reports")
	f.BoolVar(&withDemo, "demo", false, "load generated demo data into a throw-away store (nothing is left behind)")
	f.Uint64Var(&seed, "demo.seed", 1, "seed of the demo data generator")
	f.DurationVar(&poll, "store.poll-interval", 2*time.Second, "how often to look for data committed by other processes")
	f.StringVar(&inboxDir, "inbox", "", "watch this folder for workbooks to ingest; they move to processed/ or rejected/ with a report beside them")
	f.BoolVar(&enableUpload, "web.enable-upload", false, "accept workbooks uploaded through /upload (off by default; protect it with --web.config.file)")
	f.StringVar(&chromium, "chromium.path", "", "the Chromium that prints reports to PDF (default: chromium on PATH, if any)")
	f.StringVar(&webConfig, "web.config.file", "", "TLS and basic-auth configuration (Prometheus' web configuration file format; check it with `promtool check web-config`)")
	f.Int64Var(&uploadMax, "upload.max-bytes", web.DefaultUploadMaxBytes, "refuse uploads larger than this many bytes")
	f.IntVar(&reportSlots, "web.max-report-builds", 0, "how many monthly reports may be assembled at once (a past month's forecasts every row); 0: one per CPU")
	limitFlags(c, &limits)
	return c
}

// openDemo creates a throw-away store in a temporary directory (which the
// caller removes) and fills it with generated demo data.
func (a *app) openDemo(ctx context.Context, cat *vs.Catalogue, seed uint64) (*store.Store, *vs.Catalogue, string, error) {
	dir, err := os.MkdirTemp("", "vitalsigns-demo-")
	if err != nil {
		return nil, nil, "", fmt.Errorf("demo store: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, store.FileName), store.WithClock(a.now))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, "", err
	}
	cat = demo.Catalogue(cat)
	obs := demo.Generate(cat, a.now(), seed)
	if _, err := st.Ingest(ctx, vs.Source{Name: "demo data", Via: vs.ViaDemo, Rows: len(obs)}, vs.ObservationSlice(obs)); err != nil {
		st.Close()
		os.RemoveAll(dir)
		return nil, nil, "", fmt.Errorf("demo store: %w", err)
	}
	a.log.Info("demo data loaded", "observations", len(obs), "teams", len(cat.Teams), "dir", dir)
	return st, cat, dir, nil
}

// slogAdapter lets promhttp log its errors through slog.
type slogAdapter struct{ a *app }

func (l slogAdapter) Println(v ...any) { l.a.log.Error("serve metrics", "err", fmt.Sprint(v...)) }
