// Package demo seeds a fictional locality, Riverside, for trying
// whatmatters out: its council teams, a care home, a GP surgery, the
// district nurses, about fifty people and the demo sign-ins.
//
// Everyone in it is invented. Some are modelled on the stories in the
// documents whatmatters grew from (Mr Y after his stroke, Mrs X going home,
// Hugh who conducts to Radio 3, Helen and the heron, David and his cat
// Cassie), so that a newcomer sees the product doing its real work.
package demo

// Password is the password of every demo account. It is printed on the
// sign-in page in demo mode, and demo mode refuses to listen beyond this
// machine unless told to.
const Password = "demo-password-only"

// Login is one demo sign-in, as listed on the sign-in page.
type Login struct {
	Email string
	Name  string
	Role  string // account.Role value
	Where string // organisation and team, for the sign-in page
}

// Logins are the demo sign-ins, in the order the sign-in page lists them.
var Logins = []Login{
	{"sam@riverside.example", "Sam Okafor", "practitioner", "Riverside Council, North Community Team"},
	{"priya@riverside.example", "Priya Shah", "practitioner", "Riverside Council, Hospital Social Care Team"},
	{"manager@riverside.example", "Morgan Hughes", "manager", "Riverside Council"},
	{"jo@oakfield.example", "Jo Evans", "care_home_staff", "Oakfield House care home"},
	{"nurse@riversidehealth.example", "Nia Roberts", "nhs_clinician", "Riverside Community Health, District Nursing"},
	{"planner@riverside.example", "Pat Lewis", "planner", "Riverside Council"},
	{"admin@riverside.example", "Alex Morgan", "admin", "Riverside Council"},
	{"dpo@riverside.example", "Dana Price", "dpo", "Riverside Council"},
}
