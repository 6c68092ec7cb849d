package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/demo"
	"whatmatters/internal/server"
	"whatmatters/internal/store/storetest"
)

// lockedBuffer collects log lines from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// The log carries no personal data. A server seeded with the demo serves
// a realistic morning: staff sign in (one mistyping), open every page they
// can reach from their home page, search for people by name, mistype an
// edit, use emergency access by NHS number, call the API; then the log is
// searched for every demo person's names and NHS number, and every staff
// name and email address. None may appear, and every line written while
// serving a request names its request id.
func TestLogsHoldNoPersonalData(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	srv := httptest.NewServer(server.New(db, server.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}))
	t.Cleanup(srv.Close)

	// What must not appear, read from the database, not from the seed code.
	var secrets []string
	rows, err := db.Read().QueryContext(ctx, `SELECT given_name, family_name, preferred_name, COALESCE(nhs_number, '') FROM people`)
	if err != nil {
		t.Fatal(err)
	}
	type person struct{ given, family, preferred, nhs string }
	var people []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.given, &p.family, &p.preferred, &p.nhs); err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
		secrets = append(secrets, p.given, p.family, p.preferred, p.nhs)
		if len(p.nhs) == 10 {
			secrets = append(secrets, p.nhs[:3]+" "+p.nhs[3:6]+" "+p.nhs[6:])
		}
	}
	rows.Close()
	if len(people) < 40 {
		t.Fatalf("the demo has %d people; expected about fifty", len(people))
	}
	accts, err := db.Read().QueryContext(ctx, `SELECT display_name, email FROM accounts`)
	if err != nil {
		t.Fatal(err)
	}
	for accts.Next() {
		var name, email string
		if err := accts.Scan(&name, &email); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, name, email)
	}
	accts.Close()

	// The morning's requests.
	requests := 0
	for _, l := range demo.Logins {
		if l.Role == string(account.RoleAdmin) {
			continue // admins need a second factor; their pages hold no records
		}
		b := newBrowser(t, srv)
		if resp, _ := b.post("/sign-in", url.Values{"email": {l.Email}, "password": {"a mistyped password"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s, wrong password: %d", l.Email, resp.StatusCode)
		}
		if resp, body := b.post("/sign-in", url.Values{"email": {l.Email}, "password": {demo.Password}, "next": {"/"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d\n%s", l.Email, resp.StatusCode, body)
		}
		requests += 2 + crawl(t, b, "/", 60)
		for _, p := range people[:5] {
			b.get("/?q=" + url.QueryEscape(p.family))
			b.get("/people?q=" + url.QueryEscape(p.given+" "+p.family))
			requests += 2
		}
	}
	// Sam mistypes a date in an edit of someone on his caseload, whose
	// names and NHS number travel in the form.
	sam := newBrowser(t, srv)
	sam.post("/sign-in", url.Values{"email": {"sam@riverside.example"}, "password": {demo.Password}, "next": {"/"}})
	_, home := sam.get("/")
	id := regexp.MustCompile(`href="/people/([0-9a-f-]{36})"`).FindStringSubmatch(home)
	if id == nil {
		t.Fatalf("Sam's home page links to no one:\n%s", home)
	}
	var p person
	if err := db.Read().QueryRowContext(ctx, `SELECT given_name, family_name, preferred_name, nhs_number FROM people WHERE id = $1`, id[1]).
		Scan(&p.given, &p.family, &p.preferred, &p.nhs); err != nil {
		t.Fatal(err)
	}
	resp, body := sam.post("/people/"+id[1]+"/edit", url.Values{"given_name": {p.given}, "family_name": {p.family},
		"preferred_name": {p.preferred}, "nhs_number": {p.nhs}, "date_of_birth-day": {"31"}, "date_of_birth-month": {"2"},
		"date_of_birth-year": {"1938"}, "version": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, p.family) {
		t.Errorf("a bad date in an edit: %d (want 422 with the form kept)", resp.StatusCode)
	}
	// Emergency access by NHS number, to someone linked to no one.
	var zac string
	if err := db.Read().QueryRowContext(ctx, `SELECT nhs_number FROM people WHERE given_name = 'Zachary'`).Scan(&zac); err != nil {
		t.Fatal(err)
	}
	if resp, _ := sam.post("/break-glass", url.Values{"nhs_number": {zac}, "reason": {"Found at the bus station, no one can reach his family"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("emergency access: %d", resp.StatusCode)
	}
	// Addresses a client typed: a name and an NHS number in the path.
	sam.get("/people/" + url.PathEscape(p.given+" "+p.family))
	sam.get("/people/" + p.nhs + "/edit")
	// The API, with a token, reading a person and searching by name.
	var samID string
	if err := db.Read().QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = 'sam@riverside.example'`).Scan(&samID); err != nil {
		t.Fatal(err)
	}
	_, secret, err := account.CreateToken(ctx, db, audit.System, samID, "log test")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/people/" + id[1], "/api/v1/people?q=" + url.QueryEscape(p.family), "/api/v1/people/" + p.nhs} {
		sam.send("GET", path, nil, "Authorization", "Bearer "+secret)
	}
	sam.send("GET", "/api/v1/people/"+id[1], nil, "Authorization", "Bearer wm_not-a-token-"+p.family)
	requests += 10

	logs.mu.Lock()
	text := logs.b.String()
	logs.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) < requests {
		t.Fatalf("%d log lines for at least %d requests: is every request logged?", len(lines), requests)
	}
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("a log line that is not JSON: %q", l)
		}
		if id, _ := rec["request_id"].(string); !hexID.MatchString(id) {
			t.Errorf("a line without a request id: %s", l)
		}
	}
	for _, s := range secrets {
		if len(s) < 2 {
			continue
		}
		// Whole words, case as written: "Jo" must not match "json".
		if re := regexp.MustCompile(`\b` + regexp.QuoteMeta(s) + `\b`); re.MatchString(text) {
			t.Errorf("the log holds %q: %s", s, re.FindString(text))
		}
	}
	t.Logf("%d requests, %d log lines, %d names, numbers and emails searched for", requests, len(lines), len(secrets))
}

// crawl opens every page reachable from start by links, up to limit
// pages, as a person clicking through would, and returns how many it
// opened. It stays away from signing out and switching language.
func crawl(t *testing.T, b *browser, start string, limit int) int {
	t.Helper()
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	seen := map[string]bool{start: true}
	queue := []string{start}
	n := 0
	for len(queue) > 0 && n < limit {
		path := queue[0]
		queue = queue[1:]
		_, body := b.get(path)
		n++
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			next := strings.ReplaceAll(m[1], "&amp;", "&")
			if seen[next] || strings.HasPrefix(next, "/static/") || strings.HasPrefix(next, "/assets/") ||
				strings.HasPrefix(next, "/language/") || strings.HasPrefix(next, "/sign-") {
				continue
			}
			seen[next] = true
			queue = append(queue, next)
		}
	}
	return n
}
