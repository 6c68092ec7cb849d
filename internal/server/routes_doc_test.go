package server_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/server"
	"whatmatters/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the generated sections of docs/web.md and docs/api.md")

// The lists of pages and endpoints in the docs are drawn from the routers,
// so they cannot leave a route out or keep one that has gone: this test
// fails when a doc's section differs from what the routers register, and
// `go test ./internal/server -run RoutesDoc -update` rewrites it.
func TestRoutesDoc(t *testing.T) {
	s := server.New(storetest.Open(t), server.Options{})
	var pages, endpoints [][2]string
	for _, r := range s.Web.Routes() {
		pages = append(pages, [2]string{r.Pattern, who(r.Access, r.Roles, r.Need)})
	}
	for _, r := range s.API.Routes() {
		endpoints = append(endpoints, [2]string{r.Pattern, who(r.Access, "", r.Need)})
	}
	docSection(t, "../../docs/web.md", "routes", routeTable(pages))
	docSection(t, "../../docs/web.md", "grants", grantTable())
	docSection(t, "../../docs/api.md", "routes", routeTable(endpoints))
}

// who says who may use a route, from how it was registered.
func who(door, roles string, need access.Need) string {
	switch door {
	case "role":
		return roles
	case "person":
		if need.Change {
			return "person: changes " + need.Part.String()
		}
		return "person: reads " + need.Part.String()
	}
	return door // public, signed in, token
}

func routeTable(rows [][2]string) string {
	var b strings.Builder
	b.WriteString("| Route | Who may use it |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r[0], r[1])
	}
	return b.String()
}

// grantTable is what each role may do with the record of someone it sees
// through a recorded relationship, and with one seen through emergency
// access alone.
func grantTable() string {
	var b strings.Builder
	b.WriteString("| Account | Reads | Changes |\n|---|---|---|\n")
	for _, role := range account.Roles {
		g := access.RoleGrant(role)
		label := fmt.Sprintf("`%s` (%s)", role, i18n.T(i18n.English, "role."+string(role)))
		if g == (access.Grant{}) {
			fmt.Fprintf(&b, "| %s | sees no one's record | |\n", label)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", label, g.Read, g.Change)
	}
	g := access.EmergencyGrant
	fmt.Fprintf(&b, "| anyone, through emergency access alone | %s | %s |\n", g.Read, g.Change)
	return b.String()
}

// docSection checks that the doc holds want between its name's markers,
// or with -update writes it there.
func docSection(t *testing.T, file, name, want string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q section", file, strings.TrimSpace(begin), end)
	}
	got := doc[i+len(begin) : j]
	if got == want {
		return
	}
	if !*update {
		t.Errorf("%s's %s section is not what the routers register; run go test ./internal/server -run RoutesDoc -update\nwant:\n%s", file, name, want)
		return
	}
	if err := os.WriteFile(file, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote the %s section of %s", name, file)
}
