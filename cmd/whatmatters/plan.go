package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/optimize"
	"whatmatters/internal/planning"
	"whatmatters/internal/planning/report"
)

func init() {
	register("plan", "Balance of Care planning: run, optimise, project, sensitivity", runPlan)
}

// solveTimeLimit bounds every optimiser call.
const solveTimeLimit = 60 * time.Second

func runPlan(args []string, stdout, stderr io.Writer) int {
	sub := map[string]func([]string, io.Writer, io.Writer) int{
		"run": planRun, "optimise": planOptimise, "optimize": planOptimise, "project": planProject, "sensitivity": planSensitivity,
		"generate": planGenerate,
	}
	if len(args) == 0 || sub[args[0]] == nil {
		fmt.Fprintln(stderr, "Usage: whatmatters plan run|optimise|project|sensitivity MODEL [options], or plan generate [options]; see docs/planning.md")
		return 2
	}
	return sub[args[0]](args[1:], stdout, stderr)
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseWithModel parses flags that may come before or after the MODEL
// argument, and returns MODEL.
func parseWithModel(fs *flag.FlagSet, args []string, stderr io.Writer) (string, bool) {
	var model string
	for {
		if err := fs.Parse(args); err != nil {
			return "", false
		}
		if fs.NArg() == 0 {
			break
		}
		if model != "" {
			fmt.Fprintf(stderr, "whatmatters: one model at a time: %q and %q\n", model, fs.Arg(0))
			return "", false
		}
		model, args = fs.Arg(0), fs.Args()[1:]
	}
	if model == "" {
		fmt.Fprintf(stderr, "whatmatters: name the model file (or - for standard input)\n")
		return "", false
	}
	return model, true
}

// loadModel reads and validates a model; a model that does not validate
// prints every problem to stderr and gives exit status 2.
func loadModel(path string, stderr io.Writer) (*planning.Model, int) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "whatmatters: %v\n", err)
		return nil, 1
	}
	m, err := planning.Parse(data)
	if err != nil {
		return nil, problems(stderr, err)
	}
	return m, 0
}

// problems prints a model's problems, one per line, and returns 2; any
// other error is 1.
func problems(stderr io.Writer, err error) int {
	var ps planning.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(stderr, problemLine(p))
		}
		return 2
	}
	fmt.Fprintf(stderr, "whatmatters: %v\n", err)
	return 1
}

// problemLine is a problem as the command line words it: a problem with
// what was asked names the flag that asked it (the option max_shift is
// --max-shift), any other its path in the model.
func problemLine(p planning.Problem) string {
	if p.Option != "" {
		return "--" + strings.ReplaceAll(p.Option, "_", "-") + ": " + p.Message
	}
	return p.String()
}

func checkFormat(format string, stderr io.Writer, allowed ...string) bool {
	for _, a := range allowed {
		if format == a {
			return true
		}
	}
	fmt.Fprintf(stderr, "whatmatters: --format must be one of %s\n", strings.Join(allowed, ", "))
	return false
}

// writeJSON prints v, indented for reading when it is small; a large
// plan's answer (tens of megabytes of allocations) is printed compact,
// since indenting it would take longer than working it out.
func writeJSON(w, stderr io.Writer, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(stderr, "whatmatters: %v\n", err)
		return 1
	}
	if len(b) < 1<<20 {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			b = out.Bytes()
		}
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return 1
	}
	return 0
}

func planRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan run", stderr)
	var scenarios listFlag
	fs.Var(&scenarios, "scenario", "evaluate only this scenario (repeat for more); the baseline is always included")
	format := fs.String("format", "table", "json, table or csv")
	explain := fs.Bool("explain", false, "explain how one scenario's figures were built (needs exactly one --scenario)")
	path, ok := parseWithModel(fs, args, stderr)
	if !ok || !checkFormat(*format, stderr, "json", "table", "csv") {
		return 2
	}
	m, code := loadModel(path, stderr)
	if m == nil {
		return code
	}
	if *explain {
		if len(scenarios) != 1 {
			fmt.Fprintln(stderr, "whatmatters: --explain needs exactly one --scenario")
			return 2
		}
		e, err := m.Explain(scenarios[0])
		if err != nil {
			return problems(stderr, err)
		}
		if report.WriteExplanation(stdout, e) != nil {
			return 1
		}
		return 0
	}
	results, err := m.Run(scenarios)
	if err != nil {
		return problems(stderr, err)
	}
	switch *format {
	case "json":
		return writeJSON(stdout, stderr, map[string]any{"model": m.Name, "results": results})
	case "csv":
		err = report.WriteCSV(stdout, m, results)
	default:
		err = report.WriteTable(stdout, m, results)
	}
	if err != nil {
		return problems(stderr, err)
	}
	return 0
}

func optionalFloat(fs *flag.FlagSet, name, usage string) *string {
	return fs.String(name, "", usage)
}

func parseOptionalFloat(name, v string, stderr io.Writer) (*float64, bool) {
	if v == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		fmt.Fprintf(stderr, "whatmatters: --%s must be a number, not %q\n", name, v)
		return nil, false
	}
	return &f, true
}

func planOptimise(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan optimise", stderr)
	objective := fs.String("objective", planning.MinCost, "min_cost or max_at_home")
	budget := optionalFloat(fs, "budget", "weekly budget, on the perspective's cost")
	perspective := fs.String("perspective", planning.Public, "public (payers other than person and carer) or comprehensive (everyone)")
	maxShift := optionalFloat(fs, "max-shift", "at most this share (0 to 1) of each current cell may move; a category's max_shift overrides it")
	scenario := fs.String("scenario", "", "start from this scenario's people, costs and contents")
	format := fs.String("format", "json", "json or table")
	path, ok := parseWithModel(fs, args, stderr)
	if !ok || !checkFormat(*format, stderr, "json", "table") {
		return 2
	}
	b, ok1 := parseOptionalFloat("budget", *budget, stderr)
	s, ok2 := parseOptionalFloat("max-shift", *maxShift, stderr)
	if !ok1 || !ok2 {
		return 2
	}
	m, code := loadModel(path, stderr)
	if m == nil {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), solveTimeLimit)
	defer cancel()
	ans, err := m.Optimise(ctx, optimize.Clp{}, planning.OptimiseOptions{Objective: *objective, Budget: b,
		Perspective: *perspective, MaxShift: s, Scenario: *scenario})
	if err != nil {
		var ps planning.Problems
		if errors.As(err, &ps) {
			return problems(stderr, err)
		}
		fmt.Fprintf(stderr, "whatmatters: %v\n", err)
		return 1
	}
	if *format == "table" {
		if report.WriteOptimum(stdout, m, ans) != nil {
			return 1
		}
		return 0
	}
	return writeJSON(stdout, stderr, ans)
}

func planProject(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan project", stderr)
	years := fs.String("years", "", "the years, like 2026..2040")
	format := fs.String("format", "table", "json or table")
	path, ok := parseWithModel(fs, args, stderr)
	if !ok || !checkFormat(*format, stderr, "json", "table") {
		return 2
	}
	first, last, err := parseYears(*years)
	if err != nil {
		fmt.Fprintf(stderr, "whatmatters: --years: %v\n", err)
		return 2
	}
	m, code := loadModel(path, stderr)
	if m == nil {
		return code
	}
	out, err := m.Project(first, last)
	if err != nil {
		return problems(stderr, err)
	}
	if *format == "json" {
		return writeJSON(stdout, stderr, map[string]any{"model": m.Name, "years": out})
	}
	if report.WriteProjection(stdout, m, out) != nil {
		return 1
	}
	return 0
}

func parseYears(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		a, b = s, s
	}
	first, err1 := strconv.Atoi(strings.TrimSpace(a))
	last, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || last < first || last-first > 200 {
		return 0, 0, fmt.Errorf("write a year or a range, like 2026..2040 (got %q)", s)
	}
	return first, last, nil
}

func planSensitivity(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan sensitivity", stderr)
	scenario := fs.String("scenario", "", "the scenario to test (required)")
	var varies listFlag
	fs.Var(&varies, "vary", "unit_cost=±20% or contents=±10% (repeat)")
	format := fs.String("format", "table", "json, table or csv")
	path, ok := parseWithModel(fs, args, stderr)
	if !ok || !checkFormat(*format, stderr, "json", "table", "csv") {
		return 2
	}
	if *scenario == "" || len(varies) == 0 {
		fmt.Fprintln(stderr, "whatmatters: give --scenario ID and at least one --vary, like --vary unit_cost=±20%")
		return 2
	}
	var vs []planning.Vary
	for _, v := range varies {
		pv, err := parseVary(v)
		if err != nil {
			fmt.Fprintf(stderr, "whatmatters: %v\n", err)
			return 2
		}
		vs = append(vs, pv)
	}
	m, code := loadModel(path, stderr)
	if m == nil {
		return code
	}
	swings, err := m.Sensitivity(*scenario, vs)
	if err != nil {
		return problems(stderr, err)
	}
	switch *format {
	case "json":
		return writeJSON(stdout, stderr, map[string]any{"model": m.Name, "scenario": *scenario, "swings": swings})
	case "csv":
		err = report.WriteSensitivityCSV(stdout, swings)
	default:
		err = report.WriteSensitivity(stdout, m, *scenario, swings)
	}
	if err != nil {
		return 1
	}
	return 0
}

// parseVary reads --vary's "unit_cost=±20%" (also "+-20%", "+/-20%" or
// "20%").
func parseVary(s string) (planning.Vary, error) {
	what, amount, ok := strings.Cut(s, "=")
	if !ok || (what != planning.VaryUnitCost && what != planning.VaryContents) {
		return planning.Vary{}, fmt.Errorf("--vary %q: write unit_cost=±20%% or contents=±10%%", s)
	}
	amount = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(amount, "±"), "+-"), "+/-"), "%")
	pct, err := strconv.ParseFloat(amount, 64)
	if err != nil || pct <= 0 || pct >= 100 {
		return planning.Vary{}, fmt.Errorf("--vary %q: the amount must be a percentage above 0 and below 100, like ±20%%", s)
	}
	return planning.Vary{What: what, Share: pct / 100}, nil
}

// planGenerate writes a synthetic model (planning.Generate), the kind the
// benchmarks run on, so anyone can time the commands on the same models.
func planGenerate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan generate", stderr)
	var g planning.GenerateSpec
	fs.IntVar(&g.Categories, "categories", 100, "client categories (per locality)")
	fs.IntVar(&g.Options, "options", 20, "options per category, drawn from twice as many packages")
	fs.IntVar(&g.Resources, "resources", 30, "resources")
	fs.IntVar(&g.Scenarios, "scenarios", 0, "scenarios")
	fs.IntVar(&g.Localities, "localities", 1, "localities: each category is written once per locality")
	fs.BoolVar(&g.Capacities, "capacities", false, "give every resource a capacity 5% above the baseline's use")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same model")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	if g.Categories < 1 || g.Options < 2 || g.Resources < 1 || g.Scenarios < 0 || g.Localities < 1 {
		fmt.Fprintln(stderr, "whatmatters: a model needs at least 1 category, 2 options, 1 resource and 1 locality")
		return 2
	}
	g.Seed = *seed
	return writeJSON(stdout, stderr, planning.Generate(g))
}
