package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/testworld"
)

// importFile sends a CSV file to the import form as the signed-in admin.
func (b *browser) importFile(data, mapping string) (*http.Response, string) {
	b.t.Helper()
	return b.sendFile("/admin/import", "people.csv", []byte(data), "mapping", mapping)
}

var confirmAction = regexp.MustCompile(`action="(/admin/import/[0-9a-f-]+/confirm)"`)

func TestAdminImportsPeopleInTheBrowser(t *testing.T) {
	w, srv := setup(t)
	ctx := context.Background()
	ada := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ada@riverside.test", DisplayName: "Ada Admin", Role: account.RoleAdmin}
	hal := &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "hal@hillside.test", DisplayName: "Hal Admin", Role: account.RoleAdmin}
	for _, a := range []*account.Account{ada, hal} {
		if err := account.CreateAccount(ctx, w.DB, audit.System, a, testworld.Password); err != nil {
			t.Fatal(err)
		}
	}
	peopleNow := func() int {
		var n int
		if err := w.DB.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := peopleNow()
	b := newBrowser(t, srv)
	b.signIn(ada)
	_, page := b.get("/admin/import")
	wants(t, "the import form", page, "Import people", "The file is checked first and nothing is written", "CSV file",
		"Up to 64 MB and 100,000 rows.", "Mosaic export (PERSON_ID, FIRST_NAMES, LAST_NAME, DATE_OF_BIRTH)", "Check the file",
		`href="/admin/import"`)

	// A file with problems: each named by row and column, nothing to confirm.
	bad := "external_id,given_name,family_name,nhs_number,team\n" +
		"M-1,Yusuf,Ahmed,,North Community Team\n" +
		"M-2,Bad,Number,1234567890,North Community Team\n" +
		"M-3,Lost,Team,,Nowhere\n"
	resp, page := b.importFile(bad, "template")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("checking a bad file: %d\n%s", resp.StatusCode, page)
	}
	wants(t, "the check of a bad file", page, "What the check found", "2 problems", "Nothing has been imported",
		"Problems by row and column", `<td class="govuk-table__cell govuk-table__cell--numeric">3</td>`, "<code>nhs_number</code>",
		`<td class="govuk-table__cell govuk-table__cell--numeric">4</td>`, "Your organisation has no team called “Nowhere”")
	if confirmAction.MatchString(page) {
		t.Error("a file with problems can be confirmed")
	}

	// A good file: checked, nothing written until confirmed.
	good := "external_id,given_name,family_name,date_of_birth,team,worker_email\n" +
		"M-1,Yusuf,Ahmed,1944-03-09,North Community Team,sam@riverside.test\n" +
		"M-2,Nia,Jones,07/11/1950,North Community Team,\n"
	_, page = b.importFile(good, "template")
	wants(t, "the check of a good file", page, "People to import", "Nothing has been imported yet.", "Import 2 people")
	m := confirmAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no confirm button:\n%s", page)
	}
	if n := peopleNow(); n != before {
		t.Fatalf("the check wrote %d people", n-before)
	}
	// Someone else's upload is not found, even by an admin.
	other := newBrowser(t, srv)
	other.signIn(hal)
	if resp, _ := other.post(m[1], nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another council's admin confirming: %d", resp.StatusCode)
	}
	resp, page = b.post(m[1], nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", resp.StatusCode, page)
	}
	wants(t, "the finished import", page, "Import complete", "2 people imported",
		"The people imported are allocated to the teams the file named")
	if strings.Contains(page, "had been imported before") {
		t.Error("the finished import speaks of people imported before, when there were none")
	}
	if n := peopleNow(); n != before+2 {
		t.Errorf("confirm wrote %d people, want 2", n-before)
	}
	// The upload is used up; the same file again has no one new.
	if resp, _ := b.post(m[1], nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("confirming twice: %d", resp.StatusCode)
	}
	_, page = b.importFile(good, "template")
	wants(t, "the same file again", page, "Everyone in this file has been imported before")
	if confirmAction.MatchString(page) {
		t.Error("a file with no one new offers to import")
	}

	// Sam, in the team, sees them; Alys, at another council, does not.
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	if _, page := sam.get("/search?q=Ahmed"); !strings.Contains(page, "Yusuf") {
		t.Error("Sam cannot find the imported Yusuf Ahmed")
	}
	alys := newBrowser(t, srv)
	alys.signIn(w.Alys)
	if _, page := alys.get("/search?q=Ahmed"); strings.Contains(page, "Yusuf") {
		t.Error("Alys, at another council, finds Yusuf Ahmed")
	}
	if resp, _ := sam.get("/admin/import"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a practitioner on the import page: %d", resp.StatusCode)
	}
}

func TestAdminSavesAMappingInTheBrowser(t *testing.T) {
	w, srv := setup(t)
	ada := &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ada@riverside.test", DisplayName: "Ada Admin", Role: account.RoleAdmin}
	if err := account.CreateAccount(context.Background(), w.DB, audit.System, ada, testworld.Password); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.signIn(ada)
	_, page := b.get("/admin/import/mappings/new")
	wants(t, "the mapping form", page, "Save your export&#39;s column names", "<code>external_id</code>", "Save the column names")
	// A built-in name is refused, naming the field; what was typed stays.
	resp, page := b.post("/admin/import/mappings", url.Values{"name": {"mosaic"}, "col-external_id": {"Client No"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a built-in name: %d", resp.StatusCode)
	}
	wants(t, "the refused mapping", page, "There is a problem", "That name is taken by a built-in mapping", `value="Client No"`)
	resp, _ = b.post("/admin/import/mappings", url.Values{"name": {"Riverside LAS"}, "col-external_id": {"Client No"},
		"col-given_name": {"Forename"}, "col-family_name": {"Surname"}, "col-team": {"Team Name"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/import?mapping=Riverside+LAS" {
		t.Fatalf("save: %d to %q", resp.StatusCode, loc)
	}
	_, page = b.get("/admin/import?mapping=Riverside+LAS")
	if !regexp.MustCompile(`value="Riverside LAS" checked`).MatchString(page) {
		t.Error("the saved mapping is not offered, chosen, on the import form")
	}
	_, page = b.importFile("Client No,Forename,Surname,Team Name\nC1,Nia,Jones,North Community Team\n", "Riverside LAS")
	wants(t, "a file checked with the saved mapping", page, "Import 1 person")
}
