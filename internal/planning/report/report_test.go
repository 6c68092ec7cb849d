package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"whatmatters/internal/planning"
	"whatmatters/internal/planning/report"
)

// A scenario that only changes a price moves nobody, and says so; the
// resource's line splits its change into volume (none) and price.
func TestExplanationOfAPriceOnly(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "riverside.json"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), `{"scale": 1.2}`, `{"unit_cost": {"resource": "home_care_hour", "factor": 1.1}}`, 1)
	m, err := planning.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.Explain("B")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := report.WriteExplanation(&out, e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Who moved (people per week in each package):\n  nobody: the scenario changes costs or contents only\n",
		"What the steps changed besides people:\n  Home care hour: £25.00 → £27.50 per hour\n",
		"  Home care hour: unit cost £25.00 → £27.50, volume 0 hour a week (£0.00 from the volume, +£28,350.00 from the price): +£28,350.00 (paid by LA); staff 403.2 → 403.2 WTE\n",
		"  Total: +£28,350.00 a week, +£1,474,200.00 a year.\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}
