// Package account holds organisations, teams and accounts, how people sign
// in (passwords, throttling, sessions) and API tokens. The rule deciding
// which people an account may see is in package access.
package account

import "slices"

// Role is what an account may do. Which people it may see is decided by the
// access rule (rule.go) from recorded relationships, never by role alone.
type Role string

const (
	RoleAdmin         Role = "admin"
	RoleManager       Role = "manager"
	RolePractitioner  Role = "practitioner"
	RoleCareHomeStaff Role = "care_home_staff"
	RoleNHSClinician  Role = "nhs_clinician"
	RolePlanner       Role = "planner"
	RoleCircleMember  Role = "circle_member"
	RolePerson        Role = "person" // someone reading their own record
	// RoleDPO is the data protection officer: reads who looked at the
	// records their organisation holds, never the records themselves.
	RoleDPO Role = "dpo"
)

// Roles lists every role, in the order forms offer them.
var Roles = []Role{RolePractitioner, RoleManager, RoleCareHomeStaff, RoleNHSClinician,
	RolePlanner, RoleCircleMember, RolePerson, RoleAdmin, RoleDPO}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// MayBreakGlass reports whether the role may open a record it has no
// relationship with, in an emergency, with a written reason.
func (r Role) MayBreakGlass() bool {
	switch r {
	case RolePractitioner, RoleManager, RoleCareHomeStaff, RoleNHSClinician:
		return true
	}
	return false
}

// OrgKind is the kind of an organisation.
type OrgKind string

const (
	OrgCouncil        OrgKind = "council"
	OrgNHSTrust       OrgKind = "nhs_trust"
	OrgNHSCommunity   OrgKind = "nhs_community" // an NHS community service: district nurses, therapists
	OrgGPPractice     OrgKind = "gp_practice"
	OrgCareHome       OrgKind = "care_home"
	OrgHomeCareAgency OrgKind = "home_care_agency"
	OrgVoluntaryGroup OrgKind = "voluntary_group"
	OrgOther          OrgKind = "other"
)

// OrgKinds lists every organisation kind.
var OrgKinds = []OrgKind{OrgCouncil, OrgNHSTrust, OrgNHSCommunity, OrgGPPractice, OrgCareHome, OrgHomeCareAgency, OrgVoluntaryGroup, OrgOther}

// Valid reports whether k is a known organisation kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }
