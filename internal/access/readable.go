package access

import (
	"whatmatters/internal/account"
	"whatmatters/internal/store"
)

// Readable is Visible narrowed to one part of the record: an SQL condition
// true exactly for the people whose record the subject may see AND whose
// part the subject's grant there lets them read. Searches across many
// records use it, so a search never reaches into a part that opening the
// record would not show.
//
// The grant on a record follows grantFor: the role's grant where a
// recorded relationship lets the subject see the person, the emergency
// grant where only emergency access does. So the condition is
//
//	(relationship AND role may read part) OR
//	(emergency access AND no relationship AND emergency grant may read part)
//
// built from the rule itself (visible with and without emergency access),
// not from a copy of it.
func Readable(s account.Subject, part Part, personCol string, args *store.Args) string {
	if s.Account == nil {
		return "1 = 0"
	}
	byRole := RoleGrant(s.Account.Role).MayRead(part)
	byEmergency := EmergencyGrant.MayRead(part)
	switch {
	case byRole && byEmergency:
		return visible(s, personCol, args, true)
	case byRole:
		return visible(s, personCol, args, false)
	case byEmergency:
		return "(" + visible(s, personCol, args, true) + " AND NOT " + visible(s, personCol, args, false) + ")"
	}
	return "1 = 0"
}
