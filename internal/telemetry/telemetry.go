// Package telemetry is what an operator watches: counters and a latency
// histogram of requests by route pattern, the database pools, the audit
// trail's length and sign-in failures, exposed in Prometheus' text format
// (written here with the standard library: the format is a few lines of
// text, not worth a module); and the request-id log handler, so every log
// line written while serving a request names it.
//
// Nothing here records personal data: requests are labelled by the route
// pattern they matched ("GET /people/{id}"), never by the path, which can
// hold ids or whatever a client typed.
package telemetry

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"whatmatters/internal/httpx"
)

// buckets are the latency histogram's upper bounds, in seconds.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type requestKey struct {
	route  string
	status int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// requests holds this process's request counts and latencies.
var requests = struct {
	sync.Mutex
	counts  map[requestKey]uint64
	latency map[string]*histogram
}{counts: map[requestKey]uint64{}, latency: map[string]*histogram{}}

func observe(route string, status int, d time.Duration) {
	secs := d.Seconds()
	requests.Lock()
	defer requests.Unlock()
	requests.counts[requestKey{route, status}]++
	h := requests.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets)+1)}
		requests.latency[route] = h
	}
	i := 0
	for i < len(buckets) && secs > buckets[i] {
		i++
	}
	h.counts[i]++
	h.sum += secs
	h.n++
}

// Sign-in failure kinds, the label of whatmatters_signin_failures_total.
const (
	FailPassword     = "password"      // wrong email or password
	FailSecondFactor = "second_factor" // wrong two-factor code
	FailThrottled    = "throttled"     // refused while paused after too many failures
	FailAPIToken     = "api_token"     // an API token that is not valid
)

var failures = struct {
	sync.Mutex
	n map[string]uint64
}{n: map[string]uint64{}}

// SignInFailed counts one failed sign-in of a kind (Fail…).
func SignInFailed(kind string) {
	failures.Lock()
	failures.n[kind]++
	failures.Unlock()
}

// routeKey holds the route pattern the innermost router matched.
type routeKey struct{}

type routeHolder struct{ pattern string }

// Routed wraps a ServeMux so the pattern it matched is known to Observe.
// Muxes nest (the site's, then the pages' or the API's); the innermost
// pattern is the one kept, since it runs, and so records, first.
func Routed(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok && h.pattern == "" {
				h.pattern = r.Pattern // set by the mux on this very request
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing a
// long CSV download).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe counts and times every request by route and status, and logs
// one line for it: request id, method, route pattern, status and time.
// Never the path or query (a search for a name is in the query), the
// client's address or anything about who is signed in. It goes inside
// httpx.RequestID.
func Observe(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		holder := &routeHolder{}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			route := holder.pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			observe(route, status, d)
			log.InfoContext(r.Context(), "request", "method", r.Method, "route", route, "status", status,
				"ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, holder)))
	})
}

// Logger returns log with the request id added to every line logged with
// a request's context (the …Context methods).
func Logger(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(requestIDHandler); ok {
		return log
	}
	return slog.New(requestIDHandler{log.Handler()})
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := httpx.RequestIDFrom(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
