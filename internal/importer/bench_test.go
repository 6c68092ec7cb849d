package importer_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"whatmatters/internal/audit"
	"whatmatters/internal/importer"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

// TestImportFigures imports WHATMATTERS_IMPORT_N (50,000 unless set)
// generated people, each with an address, a relationship and an
// allocation, and reports the time of the dry run and of the confirmed
// import, the peak Go heap while they ran and the process's peak resident
// memory. It is a measurement, not a timed test: it fails only if the
// import does, and runs only when WHATMATTERS_IMPORT_BENCH=1 (it takes
// minutes). On PostgreSQL: scripts/with-postgres.sh with the same variable.
func TestImportFigures(t *testing.T) {
	if os.Getenv("WHATMATTERS_IMPORT_BENCH") != "1" {
		t.Skip("set WHATMATTERS_IMPORT_BENCH=1 to measure an import of 50,000 people")
	}
	n := 50_000
	if v, err := strconv.Atoi(os.Getenv("WHATMATTERS_IMPORT_N")); err == nil && v > 0 {
		n = v
	}
	f := setUp(t)
	file := generated(n, f.NorthTeam.Name)
	runtime.GC()
	peak, stop := heapPeak()
	s := testworld.Subject(f.Admin)

	start := time.Now()
	res, err := importer.Run(f.ctx, f.DB, s, strings.NewReader(file), importer.Template, "generated.csv", false)
	must(t, err)
	dry := time.Since(start)
	if res.New != n || len(res.Problems) != 0 {
		t.Fatalf("dry run: %d new, %d problems (first %+v)", res.New, len(res.Problems), res.Problems[:min(1, len(res.Problems))])
	}
	start = time.Now()
	res, err = importer.Run(f.ctx, f.DB, s, strings.NewReader(file), importer.Template, "generated.csv", true)
	must(t, err)
	confirm := time.Since(start)
	if !res.Written || res.New != n {
		t.Fatalf("confirm: %+v", res)
	}
	start = time.Now()
	res, err = importer.Run(f.ctx, f.DB, s, strings.NewReader(file), importer.Template, "generated.csv", true)
	must(t, err)
	rerun := time.Since(start)
	if res.New != 0 || res.Skipped != n {
		t.Fatalf("re-run: %d new, %d skipped", res.New, res.Skipped)
	}
	stop()
	if _, err := audit.Verify(f.ctx, f.DB.Read()); err != nil {
		t.Errorf("the audit chain after the import: %v", err)
	}
	var ru syscall.Rusage
	must(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	t.Logf("engine %s: %d people (file %.1f MB): dry run %s, confirmed import %s (%.0f people/s), re-run %s; "+
		"peak Go heap %.0f MB; peak RSS %.0f MB",
		storetest.Engine(), n, float64(len(file))/1e6, dry.Round(time.Millisecond), confirm.Round(time.Millisecond),
		float64(n)/confirm.Seconds(), rerun.Round(time.Millisecond), float64(peak.Load())/1e6, float64(ru.Maxrss)/1e3)
}

// heapPeak samples the Go heap in use until stop is called.
func heapPeak() (*atomic.Uint64, func()) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return &peak, func() { close(done); <-finished }
}
