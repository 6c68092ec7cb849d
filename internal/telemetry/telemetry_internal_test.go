package telemetry

import (
	"bufio"
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"whatmatters/internal/httpx"
)

// The histogram's buckets are cumulative, counted here by hand: 3 ms falls
// in every bucket, 30 ms from 0.05 up, 2 s from 2.5 up.
func TestHistogramBucketsAreCumulative(t *testing.T) {
	route := "GET /test/{id}"
	observe(route, 200, 3*time.Millisecond)
	observe(route, 200, 30*time.Millisecond)
	observe(route, 500, 2*time.Second)
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	writeRequests(bw)
	bw.Flush()
	out := buf.String()
	for _, want := range []string{
		`whatmatters_http_requests_total{route="GET /test/{id}",status="200"} 2`,
		`whatmatters_http_requests_total{route="GET /test/{id}",status="500"} 1`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="0.005"} 1`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="0.025"} 1`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="0.05"} 2`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="1"} 2`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="2.5"} 3`,
		`whatmatters_http_request_duration_seconds_bucket{route="GET /test/{id}",le="+Inf"} 3`,
		`whatmatters_http_request_duration_seconds_sum{route="GET /test/{id}"} 2.033`,
		`whatmatters_http_request_duration_seconds_count{route="GET /test/{id}"} 3`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
}

func TestLabelValuesEscaped(t *testing.T) {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	expo{bw}.sample("m", []string{"l", "a\"b\\c\nd"}, 1)
	bw.Flush()
	if got, want := buf.String(), `m{l="a\"b\\c\nd"} 1`+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Observe labels a request with the innermost pattern matched, logs it
// with the request id, and logs no path.
func TestObserveUsesInnermostPatternAndRequestID(t *testing.T) {
	inner := http.NewServeMux()
	var logged string
	var logs bytes.Buffer
	log := Logger(slog.New(slog.NewJSONHandler(&logs, nil)))
	inner.HandleFunc("GET /people/{id}", func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "inside")
		w.WriteHeader(http.StatusTeapot)
	})
	outer := http.NewServeMux()
	outer.Handle("/", Routed(inner))
	h := httpx.RequestID(Observe(log, Routed(outer)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/people/abc-123?q=Helen", nil))
	id := rec.Header().Get("X-Request-ID")
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), logs.String())
	}
	for _, l := range lines {
		if !strings.Contains(l, `"request_id":"`+id+`"`) {
			t.Errorf("line without the request id %s: %s", id, l)
		}
		if strings.Contains(l, "abc-123") || strings.Contains(l, "Helen") {
			t.Errorf("line with the path or query: %s", l)
		}
	}
	logged = lines[1]
	if !strings.Contains(logged, `"route":"GET /people/{id}"`) || !strings.Contains(logged, `"status":418`) {
		t.Errorf("access line %s", logged)
	}
}
