package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// The organisations and teams of Riverside.
const (
	Council      = "Riverside Council"
	NorthTeam    = "North Community Team"
	HospitalTeam = "Hospital Social Care Team"
	Oakfield     = "Oakfield House"
	Surgery      = "Elm Street Surgery"
	Health       = "Riverside Community Health"
	Nursing      = "District Nursing"
)

// Who a person is linked to, in the table of residents below.
const (
	bySam      = "sam"      // allocated to Sam
	byNorth    = "north"    // allocated to the North Community Team
	byPriya    = "priya"    // allocated to Priya
	byHospital = "hospital" // allocated to the Hospital Social Care Team
	atOakfield = "oakfield" // lives at Oakfield House
	byNurses   = "nurses"   // the district nurses are involved
)

// Resident is one fictional person in the demo.
type Resident struct {
	Given, Family, Preferred, DOB string
	Links                         []string
}

// Has reports whether the resident has the link.
func (r Resident) Has(link string) bool {
	for _, l := range r.Links {
		if l == link {
			return true
		}
	}
	return false
}

// Residents are the people of the demo, in the order they are seeded.
// The first seven are modelled on the source stories; their records are
// filled in by story.go.
var Residents = []Resident{
	{"Helen", "Marsh", "", "1951-06-12", []string{bySam, byNurses}},
	{"Rhodri", "Price", "", "1979-03-02", []string{byNorth}},
	{"Hugh", "Ellis", "", "1934-10-21", []string{atOakfield, byNorth}},
	{"David", "Britton", "", "1946-01-30", []string{byNorth, byNurses}},
	{"Francis", "Doyle", "Fran", "1962-08-15", []string{bySam}},
	{"Geoffrey", "Young", "", "1948-04-09", []string{byPriya, byHospital}},
	{"Margaret", "Exton", "Peggy", "1939-12-01", []string{byHospital, byNurses}},
	{"Alice", "Barker", "", "1940-02-17", []string{byNorth}},
	{"Bronwen", "Hughes", "", "1937-07-04", []string{byNorth, byNurses}},
	{"Cyril", "Adams", "", "1942-05-23", []string{bySam}},
	{"Doreen", "Fletcher", "", "1935-09-08", []string{byNorth}},
	{"Edward", "Lloyd", "Ted", "1944-11-19", []string{byNorth}},
	{"Florence", "Ward", "Flo", "1931-03-27", []string{atOakfield}},
	{"George", "Pritchard", "", "1938-06-30", []string{atOakfield}},
	{"Hilda", "Morgan", "", "1929-01-14", []string{atOakfield, byNurses}},
	{"Ivor", "Jenkins", "", "1936-04-02", []string{atOakfield}},
	{"Joan", "Thomas", "", "1933-08-25", []string{atOakfield, byNorth}},
	{"Kenneth", "Owen", "Ken", "1941-12-12", []string{atOakfield}},
	{"Lilian", "Bowen", "", "1930-10-05", []string{atOakfield}},
	{"Mervyn", "Rees", "", "1945-02-28", []string{byHospital}},
	{"Nora", "Griffiths", "", "1943-05-16", []string{byHospital, byNurses}},
	{"Owain", "Parry", "", "1950-09-09", []string{byPriya}},
	{"Patricia", "Evans", "Pat", "1947-03-13", []string{byHospital}},
	{"Reginald", "Bevan", "Reg", "1939-07-07", []string{byHospital}},
	{"Sylvia", "Powell", "", "1936-11-11", []string{byPriya, byNurses}},
	{"Thomas", "Davies", "Tom", "1952-01-22", []string{byHospital}},
	{"Una", "Harris", "", "1940-04-18", []string{byNorth}},
	{"Vernon", "Phillips", "", "1944-08-03", []string{byNorth, byNurses}},
	{"Winifred", "James", "Winnie", "1932-12-24", []string{byNorth}},
	{"Arthur", "Collins", "", "1946-06-06", []string{bySam}},
	{"Beryl", "Watkins", "", "1938-02-09", []string{byNorth}},
	{"Clive", "Roberts", "", "1955-10-10", []string{byNorth}},
	{"Dilys", "Howells", "", "1941-09-29", []string{byNorth, byNurses}},
	{"Eric", "Mason", "", "1949-03-31", []string{byHospital}},
	{"Gwen", "Lewis", "", "1937-05-05", []string{byHospital}},
	{"Harold", "Baker", "", "1935-08-14", []string{byPriya}},
	{"Iris", "Turner", "", "1943-01-01", []string{byHospital, byNurses}},
	{"Jack", "Hopkins", "", "1951-07-19", []string{byNorth}},
	{"Kathleen", "Moore", "Kath", "1934-04-27", []string{byNorth}},
	{"Leonard", "Walsh", "Len", "1942-10-15", []string{byHospital}},
	{"Mary", "Kelly", "", "1947-12-03", []string{byNurses}},
	{"Neville", "Foster", "", "1953-06-18", []string{byNurses}},
	{"Olwen", "Pugh", "", "1939-09-21", []string{byNorth}},
	{"Percy", "Vaughan", "", "1936-03-06", []string{byHospital}},
	{"Rita", "Stephens", "", "1944-11-30", []string{byNorth}},
	{"Stanley", "Cross", "Stan", "1940-08-08", []string{byHospital}},
	{"Thelma", "Rowlands", "", "1933-02-02", []string{byNorth}},
	{"Wilfred", "Nash", "Wilf", "1948-05-12", []string{byHospital}},
	{"Yvonne", "Bell", "", "1958-09-17", []string{byNorth}},
	{"Zachary", "Hale", "Zac", "1986-12-20", nil}, // linked to no one yet: found only through emergency access
}

// NHSNumber returns the i-th demo NHS number: 10 digits starting 999, the
// range set aside for testing, with a valid modulus 11 check digit.
// Candidates whose check digit would be 10 are skipped.
func NHSNumber(i int) string {
	n := -1
	for base := 0; ; base++ {
		digits := fmt.Sprintf("999%06d", base*7+1)
		check := checkDigit(digits)
		if check < 0 {
			continue
		}
		n++
		if n == i {
			return fmt.Sprintf("%s%d", digits, check)
		}
	}
}

func checkDigit(nine string) int {
	sum := 0
	for i, c := range nine {
		sum += int(c-'0') * (10 - i)
	}
	d := 11 - sum%11
	switch d {
	case 11:
		return 0
	case 10:
		return -1
	}
	return d
}

// world is what the seed has made so far.
type world struct {
	orgs     map[string]*account.Organisation
	teams    map[string]*account.Team
	accounts map[string]*account.Account // by email
	entries  map[string]string           // directory entries' ids by name
}

// Seed creates the Riverside locality. It can run on every start: each
// organisation, team, account, person and link is created only if it is
// not there yet, and a person's record is filled in only while it is
// still empty, so nothing anyone has since written is touched.
func Seed(ctx context.Context, db *store.DB) error {
	w := &world{orgs: map[string]*account.Organisation{}, teams: map[string]*account.Team{}, accounts: map[string]*account.Account{}}
	for _, o := range []account.Organisation{
		{Name: Council, Kind: account.OrgCouncil}, {Name: Oakfield, Kind: account.OrgCareHome},
		{Name: Surgery, Kind: account.OrgGPPractice, ODSCode: "W99001"}, {Name: Health, Kind: account.OrgNHSTrust},
	} {
		if err := w.organisation(ctx, db, o); err != nil {
			return err
		}
	}
	for _, t := range [][2]string{{Council, NorthTeam}, {Council, HospitalTeam}, {Health, Nursing}} {
		if err := w.team(ctx, db, t[0], t[1]); err != nil {
			return err
		}
	}
	for _, l := range Logins {
		if err := w.account(ctx, db, l); err != nil {
			return err
		}
	}
	if err := w.directory(ctx, db); err != nil {
		return err
	}
	for i, r := range Residents {
		if err := w.resident(ctx, db, i, r); err != nil {
			return fmt.Errorf("demo: %s %s: %w", r.Given, r.Family, err)
		}
	}
	if err := seedContacts(ctx, db, w); err != nil {
		return err
	}
	if err := w.conversations(ctx, db); err != nil {
		return err
	}
	return w.seedPlanning(ctx, db)
}

func (w *world) organisation(ctx context.Context, db *store.DB, o account.Organisation) error {
	found, err := account.OrganisationByName(ctx, db.Read(), o.Name)
	if errors.Is(err, store.ErrNotFound) {
		found = &o
		err = account.CreateOrganisation(ctx, db, audit.System, found)
	}
	w.orgs[o.Name] = found
	return err
}

func (w *world) team(ctx context.Context, db *store.DB, org, name string) error {
	found, err := account.TeamByName(ctx, db.Read(), w.orgs[org].ID, name)
	if errors.Is(err, store.ErrNotFound) {
		found = &account.Team{OrganisationID: w.orgs[org].ID, Name: name}
		err = account.CreateTeam(ctx, db, audit.System, found)
	}
	w.teams[name] = found
	return err
}

// where maps a login's description to its organisation and team.
func where(l Login) (org, team string) {
	for _, name := range []string{Council, Oakfield, Health} {
		if strings.HasPrefix(l.Where, name) {
			org = name
		}
	}
	for _, name := range []string{NorthTeam, HospitalTeam, Nursing} {
		if strings.Contains(l.Where, name) {
			team = name
		}
	}
	return org, team
}

func (w *world) account(ctx context.Context, db *store.DB, l Login) error {
	found, err := account.AccountByEmail(ctx, db.Read(), l.Email)
	if errors.Is(err, store.ErrNotFound) {
		org, team := where(l)
		found = &account.Account{OrganisationID: w.orgs[org].ID, Email: l.Email, DisplayName: l.Name, Role: account.Role(l.Role)}
		if team != "" {
			found.TeamID = w.teams[team].ID
		}
		err = account.CreateAccount(ctx, db, audit.System, found, Password)
	}
	w.accounts[l.Email] = found
	return err
}

func (w *world) subject(email string) account.Subject {
	return account.NewSubject(w.accounts[email], "127.0.0.1", "demo-seed")
}

// resident creates the i-th person and their links if they are new.
func (w *world) resident(ctx context.Context, db *store.DB, i int, r Resident) error {
	nhs := NHSNumber(i)
	id, err := people.IDByNHSNumber(ctx, db.Read(), nhs)
	isNew := errors.Is(err, store.ErrNotFound)
	switch {
	case isNew:
		p := &people.Person{GivenName: r.Given, FamilyName: r.Family, PreferredName: r.Preferred, DateOfBirth: valid.MustDate(r.DOB), NHSNumber: nhs}
		if err := people.Create(ctx, db, audit.System, p); err != nil {
			return err
		}
		id = p.ID
	case err != nil:
		return err
	}
	for _, code := range r.Links {
		if err := w.link(ctx, db, id, code); err != nil {
			return err
		}
	}
	if !isNew {
		// The record is filled in only while it is empty: About me is its
		// first write, so nothing anyone has since written is touched, and
		// a seed stopped part way, or an older seed's bare records, are
		// filled in on the next start.
		written, err := hasAboutMe(ctx, db.Read(), id)
		if err != nil {
			return err
		}
		isNew = !written
	}
	if isNew {
		if story := stories[r.Given+" "+r.Family]; story != nil {
			return story(ctx, db, w, id)
		}
		return dayToDayRecord(ctx, db, w, r, id)
	}
	return nil
}

// hasAboutMe reports whether anyone has written the person's About me.
// The seed asks the table rather than opening the record: it runs on every
// start, and opening each record as a demo worker would put a read nobody
// made in each person's access log every time. The records it goes on to
// fill in are opened, by the worker who writes them (record.as).
func hasAboutMe(ctx context.Context, r store.Reader, personID string) (bool, error) {
	var n int
	err := r.QueryRowContext(ctx, `SELECT COUNT(*) FROM about_me_versions WHERE person_id = $1`, personID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("demo: about me written: %w", err)
	}
	return n > 0, nil
}

func (w *world) link(ctx context.Context, db *store.DB, personID, code string) error {
	l := access.Link{PersonID: personID}
	switch code {
	case bySam:
		l.Kind, l.AccountID = access.LinkAllocatedWorker, w.accounts["sam@riverside.example"].ID
	case byPriya:
		l.Kind, l.AccountID = access.LinkAllocatedWorker, w.accounts["priya@riverside.example"].ID
	case byNorth:
		l.Kind, l.TeamID = access.LinkAllocatedTeam, w.teams[NorthTeam].ID
	case byHospital:
		l.Kind, l.TeamID = access.LinkAllocatedTeam, w.teams[HospitalTeam].ID
	case atOakfield:
		l.Kind, l.OrganisationID = access.LinkCareHome, w.orgs[Oakfield].ID
	case byNurses:
		l.Kind, l.TeamID = access.LinkNHSTeam, w.teams[Nursing].ID
	default:
		return fmt.Errorf("unknown link %q", code)
	}
	has, err := access.HasLink(ctx, db.Read(), l)
	if err != nil || has {
		return err
	}
	return access.AddLink(ctx, db, audit.System, &l)
}
