package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importCLI is a CLI with Riverside Council, its North team, an admin and
// a practitioner in the team.
func importCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	for _, u := range [][]string{
		{"--email", "ada@riverside.test", "--name", "Ada", "--role", "admin", "--organisation-kind", "council"},
		{"--email", "sam@riverside.test", "--name", "Sam", "--role", "practitioner", "--team", "North"},
	} {
		args := append([]string{"users", "create", "--organisation", "Riverside Council"}, u...)
		if code, _, errs := c.run("", args...); code != 0 {
			t.Fatalf("users create: %d %s", code, errs)
		}
	}
	return c
}

func (c *cli) file(name, text string) string {
	p := filepath.Join(c.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *cli) people() int {
	c.t.Helper()
	db := c.open()
	defer db.Close()
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

const cliGood = "external_id,given_name,family_name,date_of_birth,nhs_number,team,worker_email\n" +
	"M-1,Yusuf,Ahmed,1944-03-09,9434765919,North,sam@riverside.test\n" +
	"M-2,Nia,Jones,1950-11-07,,north,\n"

func TestImportDryRunThenConfirmThenReRun(t *testing.T) {
	c := importCLI(t)
	f := c.file("people.csv", cliGood)
	code, out, errs := c.run("", "import", "--as", "ada@riverside.test", f)
	if code != 0 || !strings.Contains(out, "2 rows: 2 new, 0 already imported, 0 problems") ||
		!strings.Contains(out, "dry run: nothing was written; add --confirm to import") {
		t.Fatalf("dry run: %d %q %q", code, out, errs)
	}
	if n := c.people(); n != 0 {
		t.Fatalf("the dry run wrote %d people", n)
	}
	code, out, errs = c.run("", "import", "--as", "ada@riverside.test", "--confirm", f)
	if code != 0 || !strings.Contains(out, "imported 2 people") {
		t.Fatalf("confirm: %d %q %q", code, out, errs)
	}
	if n := c.people(); n != 2 {
		t.Fatalf("confirm wrote %d people, want 2", n)
	}
	code, out, _ = c.run("", "import", "--as", "ada@riverside.test", "--confirm", f)
	if code != 0 || !strings.Contains(out, "2 rows: 0 new, 2 already imported, 0 problems") {
		t.Errorf("re-run: %d %q", code, out)
	}
	if n := c.people(); n != 2 {
		t.Errorf("the re-run made people: %d, want 2", n)
	}
}

func TestImportListsProblemsByRowAndColumnAndWritesNothing(t *testing.T) {
	c := importCLI(t)
	f := c.file("bad.csv", cliGood+
		"M-3,Bad,Number,1950-01-01,1234567890,North,\n"+
		"M-4,Lost,Team,1950-01-02,,South,\n")
	code, out, _ := c.run("", "import", "--as", "ada@riverside.test", "--confirm", f)
	for _, want := range []string{
		"row 4, column nhs_number: ",
		`row 5, column team: Your organisation has no team called “South”`,
		"4 rows: 4 new, 0 already imported, 2 problems",
		"nothing was written: correct the file and run it again",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	if n := c.people(); n != 0 {
		t.Errorf("a file with problems wrote %d people", n)
	}
	// The same in Welsh.
	_, out, _ = c.run("", "import", "--as", "ada@riverside.test", "--lang", "cy", f)
	if !strings.Contains(out, `rhes 5, colofn team: Nid oes gan eich sefydliad dîm o'r enw “South”`) {
		t.Errorf("Welsh:\n%s", out)
	}
}

func TestImportIsForAdminsAndSavesMappings(t *testing.T) {
	c := importCLI(t)
	f := c.file("people.csv", cliGood)
	code, _, errs := c.run("", "import", "--as", "sam@riverside.test", f)
	if code != 1 || !strings.Contains(errs, "not an admin") {
		t.Errorf("a practitioner importing: %d %q", code, errs)
	}
	code, _, errs = c.run("", "import", "--as", "nobody@riverside.test", f)
	if code != 2 || !strings.Contains(errs, "--as") {
		t.Errorf("an unknown account: %d %q", code, errs)
	}
	code, out, errs := c.run("", "import", "--as", "ada@riverside.test", "--save-mapping", "LAS",
		"--map", "external_id=Client No", "--map", "given_name=Forename", "--map", "family_name=Surname")
	if code != 0 || !strings.Contains(out, `saved mapping "LAS" (3 columns)`) {
		t.Fatalf("save mapping: %d %q %q", code, out, errs)
	}
	own := c.file("las.csv", "Client No,Forename,Surname,team\nC1,Nia,Jones,North\n")
	code, out, errs = c.run("", "import", "--as", "ada@riverside.test", "--mapping", "LAS", "--confirm", own)
	if code != 0 || !strings.Contains(out, "imported 1 person") {
		t.Errorf("import with the saved mapping: %d %q %q", code, out, errs)
	}
	code, _, errs = c.run("", "import", "--as", "ada@riverside.test", "--mapping", "nope", own)
	if code != 1 || !strings.Contains(errs, `no mapping called "nope"`) {
		t.Errorf("unknown mapping: %d %q", code, errs)
	}
}
