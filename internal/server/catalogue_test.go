package server_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"whatmatters/internal/conversations"
	"whatmatters/internal/directory"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
)

// Every message a page uses must be in both catalogues, so no page shows a
// raw key or falls back to English under Welsh.
func TestEveryPageStringIsTranslated(t *testing.T) {
	keys := map[string]bool{}
	tmpl := regexp.MustCompile(`(?:\(?\b[tn]\s+|\(field \. "[a-z_]+" )"([^"]+)"(?: "([^"]+)")?`)
	// Keys in Go code: any dotted lower-case string whose first part is a
	// catalogue's prefix (audit action names look the same and are told
	// apart below).
	prefixes := map[string]bool{}
	for _, k := range i18n.Keys(i18n.English) {
		if p, _, ok := strings.Cut(k, "."); ok && !strings.Contains(p, " ") {
			prefixes[p] = true
		}
	}
	goKey := regexp.MustCompile(`"([a-z]+\.[a-z_.0-9]+)"`)
	files := pageFiles(t)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := tmpl
		if filepath.Ext(f) == ".go" {
			re = goKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if p, _, _ := strings.Cut(k, "."); k != "" && (re == tmpl || prefixes[p]) {
					keys[k] = true
				}
			}
		}
	}
	actions := auditActions(t)
	// Keys built from a value: each value they can take.
	families := map[string][]string{
		"outcome.kind": strs(people.OutcomeKinds), "outcome.status": strs(people.OutcomeStatuses),
		"outcome.expressed_by": strs(people.Expressers), "progress.movement": strs(people.Movements),
		"risk.likelihood": strs(people.Levels), "risk.impact": strs(people.Levels), "risk.level": strs(people.Levels),
		"story.kind": strs(people.EntryKinds), "coach": {"long", "third_person"}, "address.kind": strs(people.AddressKinds), "coachadmin.lang": {"en", "cy"}, "coachadmin.done": {"added", "removed"},
		"role":               {"admin", "manager", "practitioner", "care_home_staff", "nhs_clinician", "planner", "circle_member", "person", "dpo"},
		"conversation.title": strs(conversations.Kinds), "conversation.ended": strs(conversations.Endings),
		"conversation.close.ended": strs(conversations.CrisisEndings), "conversation.connection_kind": strs(conversations.ConnectionKinds),
		"action.status": strs(conversations.ActionStatuses), "directory.category": strs(directory.Categories),
		"oversight.kind": {"any", "reads", "changes", "emergency", "searches", "signins"}, "oversight.filter.outcome": {"any", "ok", "denied", "failed"},
		"planning.compare": {"headline", "resources", "payers", "mix"},
		"planning.option":  {"bed", "staff_hours", "visits", "sessions", "informal", "other", "home", "institution", "hospital"},
		"planning.scenario": {"move_category", "move_from", "move_to", "cost_resource", "move_share", "move_count", "grow", "cost_value",
			"move_category_required", "move_from_required", "move_to_required"},
		"planning.field": {"id", "name", "unit", "unit_cost", "payer", "kind", "capacity", "occupancy", "hours_per_wte", "visits_per_wte", "remove",
			"setting", "max_shift", "category", "currency", "weeks_per_year", "options", "current", "contents", "steps"},
		"planning.what":     {"model", "category", "options", "numbers", "resource", "cost", "package", "scenario"},
		"planning.optimise": {"headline", "allocation", "objective", "budget", "perspective", "max_shift", "scenario"},
	}
	for prefix, values := range families {
		for _, v := range values {
			keys[prefix+"."+v] = true
		}
	}
	for m := 1; m <= 12; m++ {
		keys[fmt.Sprintf("month.%d", m)] = true
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{i18n.English, i18n.Welsh} {
			// A count's message has its plural forms: key.one, key.other…
			if !i18n.Has(lang, k) && !i18n.Has(lang, k+".other") && !actions[k] && filepath.Ext(k) != ".html" {
				t.Errorf("%s.json has no %q", lang, k)
			}
		}
	}
	for _, k := range i18n.Keys(i18n.English) {
		if !i18n.Has(i18n.Welsh, k) {
			t.Errorf("cy.json has no %q", k)
		}
	}
}

// strs lists a domain's typed values as the strings templates print.
func strs[T ~string](l []T) []string {
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = string(v)
	}
	return out
}

// pageFiles are the templates and Go files of the shell and every
// domain's pages.
func pageFiles(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../web/templates/*.html", "../web/*.go", "../*/pages/templates/*.html",
		"../*/pages/templates/*/*.html", "../*/pages/*.go"} {
		fs, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if !strings.HasSuffix(f, "_test.go") {
				out = append(out, f)
			}
		}
	}
	if len(out) < 30 {
		t.Fatalf("found only %d page files: the scan is broken", len(out))
	}
	return out
}

// auditActions are the audit action names (person.read…) written anywhere,
// which look like message keys but are not.
func auditActions(t *testing.T) map[string]bool {
	out := map[string]bool{}
	files, _ := filepath.Glob("../*/*.go")
	more, _ := filepath.Glob("../*/pages/*.go")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`Action: "([a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
		for _, m := range regexp.MustCompile(`"([a-z_.]+)":\s+"access\.action`).FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
	}
	return out
}

// codePattern is what a message code looks like: dotted lower-case words,
// never a sentence.
var codePattern = regexp.MustCompile(`^[a-z_]+(\.[a-z_0-9]+)+$`)

// Every validation problem made anywhere (valid.New, Problems.Add, a
// FieldError or Problems literal) names its message by a code that both
// catalogues have, with as many arguments as the message has verbs.
func TestEveryProblemCodeIsInBothCatalogues(t *testing.T) {
	loadCommandCatalogue(t)
	uses := problemCodes(t, "../../internal", "../../cmd")
	if len(uses) < 80 {
		t.Fatalf("found only %d problem codes: the scan is broken", len(uses))
	}
	for _, u := range uses {
		switch {
		case u.code == "":
			t.Errorf("%s: the code is not a string literal; write the code itself (numbers go in the arguments), so it can be checked here", u.pos)
			continue
		case !codePattern.MatchString(u.code):
			t.Errorf("%s: %q is not a code like person.given_name.required: the words belong in the catalogues", u.pos, u.code)
			continue
		}
		for _, lang := range []string{i18n.English, i18n.Welsh} {
			if !i18n.Has(lang, u.code) {
				t.Errorf("%s: %s.json has no %q", u.pos, lang, u.code)
				continue
			}
			if n := len(verbs(i18n.T(lang, u.code))); u.args >= 0 && n != u.args {
				t.Errorf("%s: %q is given %d arguments, but its %s message has %d: %q", u.pos, u.code, u.args, lang, n, i18n.T(lang, u.code))
			}
		}
	}
}

// Every key in every catalogue is a code, and its Welsh message takes the
// same arguments as its English one: the same verbs for the same places.
// A Welsh plural form English lacks (zero, two, few, many) is held to
// English's "other".
func TestCataloguesAgreeOnArguments(t *testing.T) {
	loadCommandCatalogue(t)
	en := map[string]bool{}
	for _, k := range i18n.Keys(i18n.English) {
		en[k] = true
	}
	checked := 0
	for _, lang := range []string{i18n.English, i18n.Welsh} {
		for _, k := range i18n.Keys(lang) {
			if !codePattern.MatchString(k) {
				t.Errorf("%s.json: %q is not a code: key messages by a code, like person.given_name.required", lang, k)
			}
		}
	}
	for _, k := range i18n.Keys(i18n.Welsh) {
		ek := k
		if !en[k] {
			base := k[:strings.LastIndex(k, ".")]
			if !en[base+".other"] {
				t.Errorf("cy.json has %q, which English does not", k)
				continue
			}
			ek = base + ".other"
		}
		if a, b := verbs(i18n.T(i18n.English, ek)), verbs(i18n.T(i18n.Welsh, k)); !slices.Equal(a, b) {
			t.Errorf("%q: English takes %v, Welsh %v:\n  %s\n  %s", k, a, b, i18n.T(i18n.English, ek), i18n.T(i18n.Welsh, k))
		}
		checked++
	}
	if checked < 300 {
		t.Fatalf("checked only %d Welsh messages: the catalogues did not load", checked)
	}
}

// The check itself: a sentence as a code, a code Welsh lacks, and a
// message whose verbs do not match its arguments are each caught.
func TestCodeScanCatchesMistakes(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import "whatmatters/internal/valid"

func f(name string) error {
	var ps valid.Problems
	ps.Add("name", "Enter the team's name")
	ps.Add("name", "person.given_name.required", 3)
	ps.Add("name", fmtSprintf("Names must be %d characters", 100))
	_ = valid.Problems{{Field: "x", Code: "valid.date.real"}}
	return valid.New("x", "no.such.code")
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	uses := problemCodes(t, dir)
	got := map[string]int{}
	for _, u := range uses {
		got[u.code] = u.args
	}
	want := map[string]int{"Enter the team's name": 0, "person.given_name.required": 1, "": 0, "valid.date.real": 0, "no.such.code": 0}
	if len(got) != len(want) {
		t.Fatalf("found %v; want %v", got, want)
	}
	for code, args := range want {
		if a, ok := got[code]; !ok || a != args {
			t.Errorf("code %q: found with %d arguments (%v); want %d", code, a, ok, args)
		}
	}
	if codePattern.MatchString("Enter the team's name") || !codePattern.MatchString("valid.date.missing_day") {
		t.Error("the code pattern takes a sentence, or refuses a code")
	}
	if i18n.Has(i18n.Welsh, "no.such.code") || len(verbs(i18n.T(i18n.English, "person.given_name.required"))) == 1 {
		t.Error("the catalogues answer for a code they do not have")
	}
	if v := verbs("%[2]s has %d of %[1]d, 100%% sure"); !slices.Equal(v, []string{"1:d", "2:s", "3:d"}) {
		t.Errorf("verbs = %v", v)
	}
}

var commandCatalogue sync.Once

// loadCommandCatalogue adds the command's catalogue, which only the
// command links in, so its codes are checked like the rest.
func loadCommandCatalogue(t *testing.T) {
	commandCatalogue.Do(func() { i18n.Add(os.DirFS("../../cmd/whatmatters"), "messages") })
}

// codeUse is one place a problem is made: the code ("" if it is not a
// string literal) and how many arguments it is given (-1 if that cannot
// be told from the source, as with args...).
type codeUse struct {
	pos, code string
	args      int
}

// problemCodes finds every problem made in the Go source under the
// directories (tests aside): calls of valid.New, Add on a valid.Problems,
// and FieldError or Problems literals.
func problemCodes(t *testing.T, dirs ...string) []codeUse {
	t.Helper()
	var out []codeUse
	fset := token.NewFileSet()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			out = append(out, fileCodes(fset, f)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func fileCodes(fset *token.FileSet, f *ast.File) []codeUse {
	inValid := f.Name.Name == "valid"
	// isValid reports whether e names valid.<name> (or <name> inside
	// package valid).
	var isValid func(e ast.Expr, name string) bool
	isValid = func(e ast.Expr, name string) bool {
		switch x := e.(type) {
		case *ast.SelectorExpr:
			pkg, ok := x.X.(*ast.Ident)
			return ok && pkg.Name == "valid" && x.Sel.Name == name
		case *ast.Ident:
			return inValid && x.Name == name
		case *ast.StarExpr:
			return isValid(x.X, name)
		case *ast.UnaryExpr:
			return isValid(x.X, name)
		}
		return false
	}
	literal := func(e ast.Expr) string {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, err := strconv.Unquote(b.Value)
			if err == nil {
				return s
			}
		}
		return ""
	}
	var out []codeUse
	use := func(n ast.Node, code ast.Expr, args int) {
		out = append(out, codeUse{fset.Position(n.Pos()).String(), literal(code), args})
	}
	callArgs := func(c *ast.CallExpr, before int) int {
		if c.Ellipsis.IsValid() {
			return -1
		}
		return len(c.Args) - before
	}
	fieldError := func(lit *ast.CompositeLit) {
		var code ast.Expr
		args := 0
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch k, _ := kv.Key.(*ast.Ident); {
			case k == nil:
			case k.Name == "Code":
				code = kv.Value
			case k.Name == "Args":
				args = -1
				if l, ok := kv.Value.(*ast.CompositeLit); ok {
					args = len(l.Elts)
				}
			}
		}
		if code != nil {
			use(lit, code, args)
		}
	}
	for _, decl := range f.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && inValid && (fn.Name.Name == "New" || fn.Name.Name == "Add") {
			continue // the constructors, which pass a code through
		}
		ast.Inspect(decl, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				if isValid(x.Fun, "New") && len(x.Args) >= 2 {
					use(x, x.Args[1], callArgs(x, 2))
				}
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Add" && len(x.Args) >= 2 && problemsVar(sel.X, isValid) {
					use(x, x.Args[1], callArgs(x, 2))
				}
			case *ast.CompositeLit:
				switch {
				case isValid(x.Type, "FieldError"):
					fieldError(x)
				case isValid(x.Type, "Problems"):
					for _, e := range x.Elts {
						if u, ok := e.(*ast.UnaryExpr); ok {
							e = u.X
						}
						if l, ok := e.(*ast.CompositeLit); ok && l.Type == nil {
							fieldError(l)
						}
					}
				}
			}
			return true
		})
	}
	return out
}

// problemsVar reports whether e is a variable declared as a
// valid.Problems.
func problemsVar(e ast.Expr, isValid func(ast.Expr, string) bool) bool {
	id, ok := e.(*ast.Ident)
	if !ok || id.Obj == nil {
		return false
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec:
		if d.Type != nil {
			return isValid(d.Type, "Problems")
		}
		for _, v := range d.Values {
			if l, ok := v.(*ast.CompositeLit); ok && isValid(l.Type, "Problems") {
				return true
			}
		}
	case *ast.AssignStmt:
		for _, v := range d.Rhs {
			if l, ok := v.(*ast.CompositeLit); ok && isValid(l.Type, "Problems") {
				return true
			}
		}
	case *ast.Field:
		return isValid(d.Type, "Problems")
	}
	return false
}

// verbs lists a format's verbs as "argument:verb", in argument order,
// following explicit indexes like %[2]s.
func verbs(format string) []string {
	var out []string
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				break
			}
			arg, _ = strconv.Atoi(format[i+1 : i+end])
			i += end + 1
		}
		if i >= len(format) || format[i] == '%' {
			continue
		}
		out = append(out, fmt.Sprintf("%d:%c", arg, format[i]))
		arg++
	}
	slices.Sort(out)
	return slices.Compact(out)
}
