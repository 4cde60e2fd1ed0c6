package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/contactpoint/contactpoint/internal/api"
	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/lifecycle"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/web"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("serve", &c)
	addr := fs.String("addr", m.env("CONTACTPOINT_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT (env CONTACTPOINT_ADDR)")
	drain := fs.Duration("shutdown-timeout", 15*time.Second, "how long to let requests in flight finish on shutdown")
	nightly := fs.Bool("nightly", true, "run the nightly job (archive, purge, monthly reports) at start and then daily")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("serve: unexpected argument %q", pos[0]))
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usageError(fmt.Sprintf("--addr %q: use HOST:PORT", *addr))
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	defer m.tuneServerGC()()
	{
		jobs, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); m.calibrateDaily(jobs) }()
		defer func() { stop(); <-done }()
	}
	if *nightly {
		jobs, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); m.nightly(jobs) }()
		// Stop the job after the server has drained, before Close shuts
		// the database.
		defer func() { stop(); <-done }()
	}
	return m.listenAndServe(ctx, *addr, *drain)
}

// searchService returns the search service the API and the pages share.
func (m *Main) searchService() *search.Service {
	if m.search == nil {
		m.search = search.New(m.db)
	}
	return m.search
}

// calibrateDaily reads the search index into memory
// (store.WarmSearchIndex), then calibrates search (the directory's size and
// name frequencies: search.Service.Calibrate) at start and then daily,
// until ctx is done. Searches run uncalibrated until the first pass ends.
func (m *Main) calibrateDaily(ctx context.Context) {
	svc := m.searchService()
	start := time.Now()
	if keys, children, err := m.db.WarmSearchIndex(ctx); err != nil && ctx.Err() == nil {
		m.logger.Error("read the search index into memory", "err", err)
	} else if err == nil {
		m.logger.Info("search index read into memory", "keys", keys, "children", children, "took", time.Since(start).Round(time.Millisecond).String())
	}
	for {
		start := time.Now()
		if err := svc.Calibrate(ctx); err != nil && ctx.Err() == nil {
			m.logger.Error("calibrate search", "err", err)
		} else if err == nil {
			prior, n := svc.Calibrated()
			m.logger.Info("calibrated search", "children", n, "prior", prior, "took", time.Since(start).Round(time.Millisecond).String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

// nightly runs the record's-life job for today at start, then once a day,
// until ctx is done. The job is idempotent for a date, so a restart repeats
// nothing.
func (m *Main) nightly(ctx context.Context) {
	svc := lifecycle.New(m.db)
	for {
		on := domain.DateOf(m.Now())
		run, err := svc.Run(ctx, on)
		if err != nil && ctx.Err() == nil {
			m.logger.Error("nightly job", "on", on.String(), "err", err)
		} else if err == nil {
			m.logger.Info("nightly job", "on", on.String(), "archived", run.Archived, "purged", run.Purged, "reports", run.Reports)
		}
		// Sessions past their absolute expiry are useless; keep a day of
		// them for support questions, then drop them (the audit stays).
		if n, err := m.db.DeleteExpiredSessions(ctx, 24*time.Hour); err != nil && ctx.Err() == nil {
			m.logger.Error("nightly job: sweep sessions", "err", err)
		} else if n > 0 {
			m.logger.Info("nightly job: swept expired sessions", "sessions", n)
		}
		// Next run: tomorrow at 02:00 UTC, a quiet hour.
		now := m.Now()
		next := domain.DateOf(now).AddDays(1).Time().Add(2 * time.Hour)
		select {
		case <-ctx.Done():
			return
		case <-time.After(next.Sub(now)):
		}
	}
}

// listenAndServe serves the web service and the API on addr until ctx is
// done, then shuts down gracefully, letting requests in flight finish for up
// to drain.
func (m *Main) listenAndServe(ctx context.Context, addr string, drain time.Duration) error {
	srv := &http.Server{
		Handler:           m.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	m.logger.Info("serving", "addr", ln.Addr().String(), "db", m.db.Dialect())
	if m.Ready != nil {
		m.Ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, drain requests in flight with a deadline; the
	// database is closed last, by Close.
	m.logger.Info("shutting down", "drain", drain.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	m.logger.Info("stopped")
	return nil
}

// handler is the whole service: health checks, the API and the pages.
func (m *Main) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.db.Ping(pctx); err != nil {
			m.logger.Error("readiness: database does not answer", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	authSvc := auth.New(m.db, auth.Config{})
	searchSvc := m.searchService()
	recordSvc := record.New(m.db)
	mux.Handle("/api/", api.New(api.Config{Auth: authSvc, Search: searchSvc, Record: recordSvc, Logger: m.logger, Feeds: m.db}))
	mux.Handle("/", web.New(web.Config{Auth: authSvc, Search: searchSvc, Record: recordSvc, DB: m.db, Logger: m.logger}))
	return mux
}
