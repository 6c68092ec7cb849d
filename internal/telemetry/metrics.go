package telemetry

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/store"
)

// Handler serves /metrics for db in the Prometheus text exposition format
// (version 0.0.4). It is not for the public: serve it only on the
// separate --metrics-addr listener.
func Handler(db *store.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		var auditRows int64
		auditErr := db.Read().QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&auditRows)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		bw := bufio.NewWriter(w)
		writeRequests(bw)
		writePools(bw, db.PoolStats())
		e := expo{bw}
		e.help("whatmatters_audit_rows_total", "counter", "Rows in the audit trail (written by every server on this database), read at scrape.")
		if auditErr == nil {
			e.sample("whatmatters_audit_rows_total", nil, float64(auditRows))
		}
		e.help("whatmatters_audit_scrape_ok", "gauge", "1 if the audit trail's length could be read for this scrape, 0 if not.")
		e.sample("whatmatters_audit_scrape_ok", nil, boolValue(auditErr == nil))
		e.help("whatmatters_signin_failures_total", "counter", "Failed sign-ins seen by this server, by kind.")
		failures.Lock()
		for _, kind := range []string{FailPassword, FailSecondFactor, FailThrottled, FailAPIToken} {
			e.sample("whatmatters_signin_failures_total", []string{"kind", kind}, float64(failures.n[kind]))
		}
		failures.Unlock()
		_ = bw.Flush()
	})
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func writeRequests(bw *bufio.Writer) {
	e := expo{bw}
	requests.Lock()
	defer requests.Unlock()
	keys := make([]requestKey, 0, len(requests.counts))
	for k := range requests.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	e.help("whatmatters_http_requests_total", "counter", "Requests answered, by route pattern and status.")
	for _, k := range keys {
		e.sample("whatmatters_http_requests_total", []string{"route", k.route, "status", strconv.Itoa(k.status)}, float64(requests.counts[k]))
	}
	routes := make([]string, 0, len(requests.latency))
	for r := range requests.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	const name = "whatmatters_http_request_duration_seconds"
	e.help(name, "histogram", "Time to answer a request, by route pattern.")
	for _, route := range routes {
		h := requests.latency[route]
		var cum uint64
		for i, c := range h.counts {
			cum += c
			le := "+Inf"
			if i < len(buckets) {
				le = strconv.FormatFloat(buckets[i], 'g', -1, 64)
			}
			e.sample(name+"_bucket", []string{"route", route, "le", le}, float64(cum))
		}
		e.sample(name+"_sum", []string{"route", route}, h.sum)
		e.sample(name+"_count", []string{"route", route}, float64(h.n))
	}
}

func writePools(bw *bufio.Writer, pools map[string]sql.DBStats) {
	e := expo{bw}
	names := make([]string, 0, len(pools))
	for n := range pools {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, m := range []struct {
		name, kind, help string
		value            func(sql.DBStats) float64
	}{
		{"whatmatters_db_max_open_connections", "gauge", "Most connections the pool may open.", func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }},
		{"whatmatters_db_open_connections", "gauge", "Connections open, in use or idle.", func(s sql.DBStats) float64 { return float64(s.OpenConnections) }},
		{"whatmatters_db_in_use_connections", "gauge", "Connections in use.", func(s sql.DBStats) float64 { return float64(s.InUse) }},
		{"whatmatters_db_idle_connections", "gauge", "Connections idle.", func(s sql.DBStats) float64 { return float64(s.Idle) }},
		{"whatmatters_db_wait_count_total", "counter", "Times a request waited for a connection.", func(s sql.DBStats) float64 { return float64(s.WaitCount) }},
		{"whatmatters_db_wait_seconds_total", "counter", "Time spent waiting for a connection.", func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
		{"whatmatters_db_max_idle_closed_total", "counter", "Connections closed because too many were idle.", func(s sql.DBStats) float64 { return float64(s.MaxIdleClosed) }},
		{"whatmatters_db_max_idle_time_closed_total", "counter", "Connections closed for being idle too long.", func(s sql.DBStats) float64 { return float64(s.MaxIdleTimeClosed) }},
		{"whatmatters_db_max_lifetime_closed_total", "counter", "Connections closed for reaching their lifetime.", func(s sql.DBStats) float64 { return float64(s.MaxLifetimeClosed) }},
	} {
		e.help(m.name, m.kind, m.help+" By pool: on SQLite \"write\" (one connection) and \"read\"; on PostgreSQL \"shared\" (pgx's pool; it never closes connections for being too many idle, so max_idle_closed stays 0).")
		for _, n := range names {
			e.sample(m.name, []string{"pool", n}, m.value(pools[n]))
		}
	}
}

// expo writes the text format.
type expo struct{ w *bufio.Writer }

func (e expo) help(name, kind, help string) {
	fmt.Fprintf(e.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

// sample writes one line; labels are name, value pairs.
func (e expo) sample(name string, labels []string, v float64) {
	e.w.WriteString(name)
	if len(labels) > 0 {
		e.w.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				e.w.WriteByte(',')
			}
			fmt.Fprintf(e.w, "%s=\"%s\"", labels[i], labelEscaper.Replace(labels[i+1]))
		}
		e.w.WriteByte('}')
	}
	e.w.WriteByte(' ')
	e.w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	e.w.WriteByte('\n')
}

// labelEscaper escapes a label value as the format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
