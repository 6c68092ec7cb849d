package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// syncBuffer is a buffer serve can write to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs serve on loopback ports the system picks, with metrics
// on their own listener if metrics is true, until the test ends. It
// returns the site's and the metrics' base addresses.
func startServe(t *testing.T, metrics bool, logs io.Writer) (site, metricsURL string, dsn string) {
	t.Helper()
	dir := t.TempDir()
	dsn = storetest.DSN(t)
	c := serveConfig{db: dbFlags{dsn: dsn, dataDir: dir}, addr: "127.0.0.1:0"}
	if metrics {
		c.metricsAddr = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, c, slog.New(slog.NewJSONHandler(logs, nil)), out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	siteRe := regexp.MustCompile(`serving on (http://\S+)`)
	metricsRe := regexp.MustCompile(`metrics are served on (http://\S+)/metrics`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s := out.String()
		if m := siteRe.FindStringSubmatch(s); m != nil {
			site = m[1]
			if mm := metricsRe.FindStringSubmatch(s); mm != nil {
				metricsURL = mm[1]
			}
			if metricsURL != "" || !metrics {
				return site, metricsURL, dsn
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, s)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", out.String())
	return
}

func fetch(t *testing.T, method, u string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", u[:strings.Index(u[len("http://"):], "/")+len("http://")])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// sample finds one sample's value in an exposition; -1 if absent.
func sample(text, line string) float64 {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, line+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// /metrics is served only on --metrics-addr, and counts what happened
// between two scrapes: requests by route pattern (never the path with its
// id), failed sign-ins, the audit trail's length and the pools.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	site, metrics, dsn := startServe(t, true, io.Discard)
	if code, _ := fetch(t, "GET", site+"/metrics", nil); code != http.StatusNotFound {
		t.Errorf("the public site answers /metrics with %d, want 404", code)
	}
	code, before := fetch(t, "GET", metrics+"/metrics", nil)
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	fetch(t, "GET", site+"/healthz", nil)
	fetch(t, "GET", site+"/healthz", nil)
	const personID = "0f5e3c1a-5b1d-4c5e-9a27-2d1f7a9c4b11"
	if code, _ := fetch(t, "GET", site+"/people/"+personID, nil); code != http.StatusSeeOther {
		t.Errorf("a person's page, not signed in: %d, want 303 to sign in", code)
	}
	if code, _ := fetch(t, "POST", site+"/sign-in", url.Values{"email": {"nobody@riverside.test"}, "password": {"wrong password"}}); code != http.StatusUnauthorized {
		t.Errorf("a wrong password: %d, want 401", code)
	}
	_, after := fetch(t, "GET", metrics+"/metrics", nil)

	for _, c := range []struct {
		line string
		want float64
	}{
		{`whatmatters_http_requests_total{route="GET /healthz",status="200"}`, 2},
		{`whatmatters_http_request_duration_seconds_count{route="GET /healthz"}`, 2},
		{`whatmatters_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"}`, 2},
		{`whatmatters_http_requests_total{route="GET /people/{id}",status="303"}`, 1},
		{`whatmatters_http_requests_total{route="POST /sign-in",status="401"}`, 1},
		{`whatmatters_signin_failures_total{kind="password"}`, 1},
	} {
		b, a := max(sample(before, c.line), 0), sample(after, c.line)
		if a-b != c.want {
			t.Errorf("%s went from %v to %v, want up by %v", c.line, b, a, c.want)
		}
	}
	if strings.Contains(after, personID) {
		t.Errorf("the metrics hold a person's id from a path")
	}
	// The trail's length, against a count made here.
	db, err := store.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows float64
	if err := db.Read().QueryRowContext(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if got := sample(after, "whatmatters_audit_rows_total"); got != rows || rows == 0 {
		t.Errorf("whatmatters_audit_rows_total %v, want the %v rows in the trail", got, rows)
	}
	pools := []string{`pool="write"`, `pool="read"`}
	if storetest.Engine() == "postgres" {
		pools = []string{`pool="shared"`}
	}
	for _, p := range pools {
		if sample(after, `whatmatters_db_max_open_connections{`+p+`}`) < 1 {
			t.Errorf("no pool statistics for %s:\n%s", p, after)
		}
	}
	if !strings.Contains(after, "# TYPE whatmatters_http_request_duration_seconds histogram") {
		t.Errorf("the latency histogram has no TYPE line")
	}
}

// Without --metrics-addr there is no metrics listener at all.
func TestMetricsOffByDefault(t *testing.T) {
	var logs syncBuffer
	site, metrics, _ := startServe(t, false, &logs)
	if metrics != "" {
		t.Errorf("metrics served without --metrics-addr at %s", metrics)
	}
	if code, _ := fetch(t, "GET", site+"/metrics", nil); code != http.StatusNotFound {
		t.Errorf("/metrics on the site: %d, want 404", code)
	}
}
