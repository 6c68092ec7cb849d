package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/coach"
	"whatmatters/internal/demo"
	"whatmatters/internal/httpx"
	"whatmatters/internal/server"
	"whatmatters/internal/sso"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
)

func init() {
	register("serve", "run the web server and API", runServe)
}

type serveConfig struct {
	db            dbFlags
	addr          string
	metricsAddr   string
	demo          bool
	demoPublic    bool
	secureCookies bool
	trustProxy    bool
	twoFactor     string
	oidc          sso.Config
	checkpoints   checkpointFlags
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", stderr)
	var c serveConfig
	c.db.register(fs)
	fs.StringVar(&c.addr, "addr", env("ADDR", "127.0.0.1:8080"), "address to listen on (env WHATMATTERS_ADDR)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", env("METRICS_ADDR", ""), "serve Prometheus /metrics on this address, apart from the site (default off; env WHATMATTERS_METRICS_ADDR)")
	fs.BoolVar(&c.demo, "demo", envBool("DEMO"), "seed the fictional Riverside locality and list its demo sign-ins (env WHATMATTERS_DEMO)")
	fs.BoolVar(&c.demoPublic, "demo-public", envBool("DEMO_PUBLIC"), "allow --demo to listen beyond this machine; its passwords are public")
	fs.BoolVar(&c.secureCookies, "secure-cookies", envBool("SECURE_COOKIES"), "send the session cookie only over HTTPS (set this behind TLS; env WHATMATTERS_SECURE_COOKIES)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", envBool("TRUST_PROXY"), "take the client address from X-Forwarded-For (only behind your own proxy; env WHATMATTERS_TRUST_PROXY)")
	fs.StringVar(&c.twoFactor, "two-factor", env("TWO_FACTOR", string(account.TwoFactorAdmins)), "who must sign in with a code from an authenticator app as well as a password: admins or everyone (env WHATMATTERS_TWO_FACTOR)")
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", env("OIDC_ISSUER", ""), "single sign-on: the OpenID Connect provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0 (env WHATMATTERS_OIDC_ISSUER; the client secret only from WHATMATTERS_OIDC_CLIENT_SECRET or _FILE)")
	fs.StringVar(&c.oidc.ClientID, "oidc-client-id", env("OIDC_CLIENT_ID", ""), "single sign-on: this site's client id at the provider (env WHATMATTERS_OIDC_CLIENT_ID)")
	fs.StringVar(&c.oidc.Name, "oidc-name", env("OIDC_NAME", ""), "single sign-on: the provider's name on the sign-in button, e.g. \"Riverside Council account\" (env WHATMATTERS_OIDC_NAME)")
	fs.StringVar(&c.oidc.PublicURL, "public-url", env("PUBLIC_URL", ""), "this site's address as people reach it, e.g. https://care.riverside.gov.uk (env WHATMATTERS_PUBLIC_URL)")
	c.checkpoints.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// The secret never comes from a flag: flags show in the process list.
	c.oidc.ClientSecret = env("OIDC_CLIENT_SECRET", "")
	if c.oidc.Issuer != "" || c.oidc.ClientID != "" {
		if err := c.oidc.Validate(); err != nil {
			fmt.Fprintf(stderr, "whatmatters: single sign-on is half set up: %v. Set --oidc-issuer, --oidc-client-id, --public-url and WHATMATTERS_OIDC_CLIENT_SECRET (or _FILE), or none of them.\n", err)
			return 2
		}
	}
	if !account.TwoFactorPolicy(c.twoFactor).Valid() {
		fmt.Fprintf(stderr, "whatmatters: --two-factor %q: say admins (only admins must use a code) or everyone.\n", c.twoFactor)
		return 2
	}
	if c.demo && !c.demoPublic && !loopback(c.addr) {
		fmt.Fprintf(stderr, "whatmatters: --addr %s: demo mode's passwords are public, so it listens only on this machine (127.0.0.1 or localhost). Add --demo-public if you really mean to expose it.\n", c.addr)
		return 2
	}
	log := telemetry.Logger(slog.New(slog.NewJSONHandler(stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, c, log, stdout); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// loopback reports whether addr listens only on this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func serve(ctx context.Context, c serveConfig, log *slog.Logger, stdout io.Writer) error {
	c.db.note = func(s string) { log.Warn(s) }
	db, err := c.db.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "engine", db.Dialect) // never the DSN: it may hold a password
	if err := coach.LoadDefaults(ctx, db); err != nil {
		return err
	}
	if c.demo {
		start := time.Now()
		if err := demo.Seed(ctx, db); err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
		log.Info("demo locality ready", "took", time.Since(start).Round(time.Millisecond).String())
	}
	// Expired sessions and old sign-in failures are removed as the server
	// runs; every server may do it, the deletes are idempotent.
	pruneCtx, stopPruning := context.WithCancel(ctx)
	defer stopPruning()
	go account.PruneEvery(pruneCtx, db, 10*time.Minute, log.Info)
	// Signed checkpoints of the audit trail, now, every few minutes and
	// at shutdown (the deferred stop runs after requests have finished).
	stopCheckpoints, err := c.checkpoints.start(ctx, db, c.db.dataDir, log)
	if err != nil {
		return err
	}
	defer stopCheckpoints()
	httpx.TrustProxy = c.trustProxy
	var provider *sso.Provider
	if c.oidc.Issuer != "" {
		provider = sso.New(c.oidc, nil)
		log.Info("single sign-on", "issuer", c.oidc.Issuer) // never the secret
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: server.New(db, server.Options{Demo: c.demo, SecureCookies: c.secureCookies, Logger: log,
			TwoFactor: account.TwoFactorPolicy(c.twoFactor), SSO: provider}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	if c.metricsAddr != "" {
		msrv, err := serveMetrics(c.metricsAddr, db, log, stdout, errc)
		if err != nil {
			ln.Close()
			return err
		}
		defer msrv.Close()
	}
	fmt.Fprintf(stdout, "whatmatters is serving on http://%s\n", ln.Addr())
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let requests in flight finish, so no one's save is cut off.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("server stopped cleanly")
	return nil
}

// serveMetrics serves /metrics, and nothing else, on its own listener, so
// that the public site never answers it: put it on an address only the
// monitoring system can reach. Its errors go to errc.
func serveMetrics(addr string, db *store.DB, log *slog.Logger, stdout io.Writer, errc chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", telemetry.Handler(db))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	fmt.Fprintf(stdout, "metrics are served on http://%s/metrics\n", ln.Addr())
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv, nil
}
