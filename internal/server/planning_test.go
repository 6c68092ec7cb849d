package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/testworld"
)

// The figures these tests read on the pages are the fixtures' answers,
// worked out independently of the product (internal/planning/testdata,
// from /work/shared/fixtures/planning): riverside.expected.json for the
// baseline and scenario B, riverside-lp.expected.json for the optimum
// and its shadow price of (980 − 786) / 21 = £9.238 an hour.

// upload imports a model file as the signed-in planner and returns where
// the answer points.
func (b *browser) upload(name string, data []byte) (*http.Response, string) {
	b.t.Helper()
	return b.sendFile("/planning/new", name, data)
}

// sendFile posts a form carrying a file (field "file") and other fields,
// given as name, value pairs.
func (b *browser) sendFile(path, name string, data []byte, fields ...string) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../planning/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importModel imports a fixture and returns the model's address.
func importModel(t *testing.T, b *browser, name string) string {
	t.Helper()
	resp, body := b.upload(name, fixture(t, name))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/planning/models/") {
		t.Fatalf("import %s: %d to %q\n%s", name, resp.StatusCode, loc, body)
	}
	return strings.TrimSuffix(loc, "?saved=created")
}

func wantAll(t *testing.T, what, page string, want ...string) {
	t.Helper()
	page = html.UnescapeString(page) // as a person reads it: "+£1", not "&#43;£1"
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// cellError is the message shown at one cell of an editing table.
func cellError(page, name string) string {
	m := regexp.MustCompile(`<p id="` + regexp.QuoteMeta(name) + `-error" class="govuk-error-message"><span class="govuk-visually-hidden">[^<]*</span> ([^<]*)</p>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestPlannerImportsRiversideAndComparesAScenario(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	if resp, _ := pat.get("/"); resp.Header.Get("Location") != "/planning" {
		t.Fatalf("the planner's home: %d to %q, want /planning", resp.StatusCode, resp.Header.Get("Location"))
	}
	model := importModel(t, pat, "riverside.json")
	_, page := pat.get(model)
	wantAll(t, "the overview", page, "Riverside (synthetic worked example)", "Owned by Riverside Council",
		"1,420", "1,060", "£753,960.00", "£39,205,920.00", "£681,060.00", "£72,900.00",
		"Twenty per cent more people, same mix", "Move 50% of C2 from Residential home to Home, intensive")

	// A scenario from the form: 20% more people, same mix, is the
	// fixture's scenario B.
	resp, body := pat.post(model+"/scenarios/new", url.Values{"version": {"1"}, "name": {"A fifth more people"}, "grow": {"20"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding a scenario: %d\n%s", resp.StatusCode, body)
	}
	_, page = pat.get(resp.Header.Get("Location"))
	wantAll(t, "the comparison", page, "The scenario is added", "A fifth more people", "1,704", "1,272",
		"£904,752.00", "£47,047,104.00", "£817,272.00", "£87,480.00", "+£150,792.00", "+20.0%", "<svg", "Cost per week by payer",
		"Setting mix by category")
	// The comparison of one chosen scenario: the baseline and it alone.
	_, page = pat.get(model + "/compare?scenario=C")
	wantAll(t, "the comparison of C", page, "£732,660.00", "-£21,300.00", "-2.8%")
	if strings.Contains(page, "£904,752.00") {
		t.Error("a scenario not chosen is compared")
	}
	// A scenario written against version 1, now that there is a version 2.
	resp, page = pat.post(model+"/scenarios/new", url.Values{"version": {"1"}, "name": {"Written earlier"}, "grow": {"10"}})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("a scenario from a stale version: %d", resp.StatusCode)
	}
	wantAll(t, "the stale scenario", page, "Someone else saved the model while you were writing this scenario", `value="Written earlier"`, `name="version" value="2"`)
	// A move of more people than there are: the engine's message at the
	// number, what was typed kept, nothing saved.
	resp, page = pat.post(model+"/scenarios/new", url.Values{"version": {"2"}, "name": {"Too many"}, "move_category": {"C4"},
		"move_from": {"RH"}, "move_to": {"HS"}, "move_count": {"400"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("moving 400 of 40: %d", resp.StatusCode)
	}
	wantAll(t, "the refused scenario", page, "There is a problem", `id="move_count-error"`, `value="400"`, `value="Too many"`)
}

func TestEditingTableShowsTheEnginesMessageAtTheCellAndKeepsVersions(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	model := importModel(t, pat, "riverside.json")
	_, page := pat.get(model + "/resources")
	if !strings.Contains(page, `id="resources[2].unit_cost"`) || !strings.Contains(page, `value="25"`) {
		t.Fatalf("the resources table:\n%s", page)
	}
	form := resourceForm(t, page)
	form.Set("resources[2].unit_cost", "-5")
	resp, page := pat.post(model+"/resources", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a negative cost: %d", resp.StatusCode)
	}
	if got := cellError(page, "resources[2].unit_cost"); got != "Unit cost, Home care hour: must be 0 or more, not -5" {
		t.Errorf("the message at the cell: %q", got)
	}
	wantAll(t, "the refused table", page, `value="-5"`, `href="#resources%5b2%5d.unit_cost"`)
	// The field is named as a sentence names it, not by its heading; in
	// Welsh as a Welsh sentence names it: mutated after "Rhowch" (cost →
	// gost), not capitalised.
	for _, c := range []struct{ lang, typed, want string }{
		{"en", "twenty", "Enter the unit cost as a number, like 25 or 12.50"},
		{"en", "", "Enter the unit cost"},
		{"cy", "", "Rhowch gost yr uned"},
		{"cy", "twenty", "Rhowch gost yr uned fel rhif, fel 25 neu 12.50"},
	} {
		pat.get("/language/" + c.lang + "?next=/")
		form.Set("resources[2].unit_cost", c.typed)
		_, page = pat.post(model+"/resources", form)
		if got := cellError(page, "resources[2].unit_cost"); got != c.want {
			t.Errorf("a cost of %q in %s: %q, want %q", c.typed, c.lang, got, c.want)
		}
	}
	pat.get("/language/en?next=/")

	form.Set("resources[2].unit_cost", "27")
	form.Set("note", "home care fee uplift")
	resp, page = pat.post(model+"/resources", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?saved=2") {
		t.Fatalf("a good cost: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), regexp.MustCompile(`(?s)govuk-error-summary__list">.*?</ul>`).FindString(page))
	}
	// 11,340 home care hours a week at £2 more: £22,680 a week more.
	_, page = pat.get(resp.Header.Get("Location"))
	wantAll(t, "the overview after the save", page, "Saved as version 2", "£776,640.00")

	// Someone saving from version 1 now meets a conflict, keeps what they
	// typed, and sees what changed.
	form.Set("resources[2].unit_cost", "30")
	resp, page = pat.post(model+"/resources", form) // form still says version 1
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("a stale save: %d", resp.StatusCode)
	}
	wantAll(t, "the conflict", page, "Pat Lewis saved version 2", `value="30"`, `name="version" value="2"`, "<td class=\"govuk-table__cell\">25</td><td class=\"govuk-table__cell\">27</td>")

	_, page = pat.get(model + "/versions?from=1&to=2")
	wantAll(t, "the versions", page, "home care fee uplift", "Imported from riverside.json", "What changed from version 1 to version 2",
		"home_care_hour", "Unit cost")

	// Export: the model as it is now, in JSON and YAML.
	resp, body := pat.get(model + "/export")
	var doc struct {
		Resources []struct {
			ID       string  `json:"id"`
			UnitCost float64 `json:"unit_cost"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.Resources[2].UnitCost != 27 {
		t.Errorf("export: %s %v %+v", resp.Header.Get("Content-Type"), err, doc)
	}
	_, body = pat.get(model + "/export?format=yaml&version=1")
	if !strings.Contains(body, "unit_cost: 25\n") || !strings.HasPrefix(body, "format: planning-model/v1\n") {
		t.Errorf("YAML export of version 1:\n%s", body)
	}
}

// resourceForm is the resources table's form as a browser would send it.
func resourceForm(t *testing.T, page string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)"[^>]*? value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`<select class="govuk-select[^"]*" id="[^"]+" name="([^"]+)"[^>]*>.*?<option value="([^"]+)" selected>`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	if form.Get("version") != "1" || form.Get("resources[0].kind") != "bed" {
		t.Fatalf("the form read from the page: %v", form)
	}
	return form
}

func TestOptimiserFromThePage(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	model := importModel(t, pat, "riverside-lp.json")
	resp, page := pat.get(model + "/optimise?run=1&objective=min_cost&perspective=public")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("optimise: %d\n%s", resp.StatusCode, page)
	}
	wantAll(t, "the optimum", page, "The best balance of care", "One more home care hour a week would save £9.24.",
		"Home care hour is at its capacity of 3,000 (hour) a week", "£399,285.71", "57.1", "142.9")
	// A budget below the least possible cost: the limits that conflict.
	_, page = pat.get(model + "/optimise?run=1&objective=min_cost&budget=100000")
	wantAll(t, "the infeasible request", page, "No balance of care meets every limit", "The budget of £100,000.00 a week")
	resp, page = pat.get(model + "/optimise?run=1&budget=lots")
	if resp.StatusCode != http.StatusUnprocessableEntity || cellError(page, "budget") == "" {
		t.Errorf("a budget in words: %d", resp.StatusCode)
	}
	resp, page = pat.get(model + "/optimise?run=1&max_shift=150")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "between 0% and 100%") {
		t.Errorf("a share over 100%%: %d", resp.StatusCode)
	}
}

// Only the organisations a model is shared with see it; others are told
// it does not exist, and those it is shared with cannot change it.
func TestPlanningModelSharing(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	model := importModel(t, pat, "riverside.json")
	hal := &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "hal@hillside.test", DisplayName: "Hal Rees", Role: account.RolePlanner}
	if err := account.CreateAccount(context.Background(), w.DB, audit.System, hal, testworld.Password); err != nil {
		t.Fatal(err)
	}
	other := newBrowser(t, srv)
	other.signIn(hal)
	if resp, _ := other.get(model); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("Hillside before sharing: %d, want 404", resp.StatusCode)
	}
	if _, page := other.get("/planning"); strings.Contains(page, "Riverside (synthetic") {
		t.Error("Hillside lists a model not shared with it")
	}
	if resp, _ := pat.post(model+"/share", url.Values{"organisation": {w.Alys.OrganisationID}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d", resp.StatusCode)
	}
	// A second form opened before that share (shared with no one) is
	// refused, and shows the model shared as it is now.
	resp, page := pat.post(model+"/share", url.Values{"organisation": {w.Jo.OrganisationID}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a share from a stale form: %d, want 409", resp.StatusCode)
	}
	wantAll(t, "the refused share", page, "Another planner changed who this model is shared with while you were choosing",
		`name="was" value="`+w.Alys.OrganisationID+`"`)
	_, page = other.get(model)
	wantAll(t, "the shared model", page, "Riverside (synthetic worked example)", "Only its owner's planners can change it", "£753,960.00")
	if strings.Contains(page, "/resources\"") {
		t.Error("a reader is offered the editing tables")
	}
	if resp, _ := other.post(model+"/resources", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("Hillside saving a shared model: %d, want 403", resp.StatusCode)
	}
	// In Welsh, the model's words and the engine's figures.
	other.get("/language/cy?next=/")
	_, page = other.get(model)
	wantAll(t, "the model in Welsh", page, "Nawr (y llinell sylfaen)", "Pobl a gefnogir gartref", "£753,960.00")
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if resp, _ := sam.get("/planning"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a practitioner opening planning: %d, want 403", resp.StatusCode)
	}
}

// A blank model: its first resource, package and category from a form,
// a bad number said at its field with everything typed kept.
func TestBlankModel(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	form := url.Values{"name": {"Hillview reablement"}, "resource_name": {"Reablement hour"}, "resource_unit": {"hour"},
		"resource_cost": {"£thirty"}, "resource_payer": {"LA"}, "package_name": {"Reablement"}, "package_setting": {"home"},
		"package_units": {"10"}, "category_name": {"After a hospital stay"}, "category_people": {"40"}}
	resp, page := pat.post("/planning/new", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || cellError(page, "resource_cost") != "Enter the unit cost in pounds as a number, like 25 or 12.50" {
		t.Fatalf("a cost in words: %d %q", resp.StatusCode, cellError(page, "resource_cost"))
	}
	wantAll(t, "the refused blank model", page, `value="Hillview reablement"`, `value="£thirty"`)
	form.Set("resource_cost", "£30.50")
	resp, _ = pat.post("/planning/new", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good blank model: %d", resp.StatusCode)
	}
	// 40 people × 10 hours × £30.50 = £12,200 a week.
	_, page = pat.get(resp.Header.Get("Location"))
	wantAll(t, "the blank model's overview", page, "Hillview reablement", "The model is saved as version 1.", "£12,200.00", "£634,400.00")
}

// Text typed into the planning pages, and a model file, are bounded before
// anything is stored or parsed: what is too long is refused at its field
// with a message naming it and the fix, and nothing is saved.
func TestPlanningInputIsBounded(t *testing.T) {
	w, srv := setup(t)
	pat := newBrowser(t, srv)
	pat.signIn(w.Planner)
	// 2 MB (2,097,152 bytes) is the largest model kept; one byte more is
	// refused before it is parsed.
	big := bytes.Repeat([]byte(" "), 2<<20+1)
	resp, page := pat.upload("big.json", big)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a file one byte over the limit: %d", resp.StatusCode)
	}
	wantAll(t, "the refused file", page, "The file must be smaller than 2048 KB: remove rows the model does not need, or split it into two models")

	model := importModel(t, pat, "riverside.json")
	_, page = pat.get(model + "/resources")
	form := resourceForm(t, page)
	long := strings.Repeat("ŵ", 201) // 201 letters, each two bytes
	form.Set("resources[0].name", long)
	resp, page = pat.post(model+"/resources", form)
	if got := cellError(page, "resources[0].name"); resp.StatusCode != http.StatusUnprocessableEntity || got != "Shorten the name to 200 characters or fewer" {
		t.Errorf("a name of 201 letters: %d %q", resp.StatusCode, got)
	}
	form.Set("resources[0].name", strings.Repeat("ŵ", 200))
	form.Set("note", long)
	_, page = pat.post(model+"/resources", form)
	if got := cellError(page, "note"); got != "Shorten what you changed to 200 characters or fewer" {
		t.Errorf("a note of 201 letters: %q", got)
	}
	resp, page = pat.post(model+"/scenarios/new", url.Values{"version": {"1"}, "name": {long}, "grow": {"10"}})
	if got := cellError(page, "name"); resp.StatusCode != http.StatusUnprocessableEntity || got != "Shorten the scenario name to 200 characters or fewer" {
		t.Errorf("a scenario name of 201 letters: %d %q", resp.StatusCode, got)
	}
	pat.get("/language/cy?next=/")
	_, page = pat.post(model+"/scenarios/new", url.Values{"version": {"1"}, "name": {long}, "grow": {"10"}})
	if got := html.UnescapeString(cellError(page, "name")); got != "Byrhewch enw'r senario i 200 nod neu lai" {
		t.Errorf("a scenario name of 201 letters, in Welsh: %q", got)
	}
	pat.get("/language/en?next=/")
	resp, page = pat.post("/planning/new", url.Values{"name": {long}, "resource_name": {"Reablement hour"}, "resource_unit": {"hour"},
		"resource_cost": {"30"}, "resource_payer": {"LA"}, "package_name": {"Reablement"}, "package_setting": {"home"},
		"package_units": {"10"}, "category_name": {"After a hospital stay"}, "category_people": {"40"}})
	if got := cellError(page, "name"); resp.StatusCode != http.StatusUnprocessableEntity || got != "Shorten a name for the model to 200 characters or fewer" {
		t.Errorf("a blank model's name of 201 letters: %d %q", resp.StatusCode, got)
	}
	// Nothing was saved: the model is still at version 1, and only it exists.
	_, page = pat.get(model + "/versions")
	if !strings.Contains(page, `govuk-table__cell--numeric">1</td>`) || strings.Contains(page, `govuk-table__cell--numeric">2</td>`) {
		t.Errorf("a refused change was saved:\n%s", page)
	}
	_, page = pat.get("/planning")
	if n := strings.Count(page, `href="/planning/models/`); n != 1 {
		t.Errorf("%d models listed, want only the imported one", n)
	}
}
