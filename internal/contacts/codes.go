package contacts

import (
	"bufio"
	_ "embed"
	"slices"
	"strings"
)

// Method is how someone asked for help.
type Method string

const (
	MethodPhone      Method = "phone"
	MethodEmail      Method = "email"
	MethodLetter     Method = "letter"
	MethodInPerson   Method = "in_person"
	MethodOnlineForm Method = "online_form"
	MethodReferral   Method = "referral" // passed on by another service
)

// Methods lists the methods in the order the form offers them.
var Methods = []Method{MethodPhone, MethodEmail, MethodLetter, MethodInPerson, MethodOnlineForm, MethodReferral}

// Asker is who asked for help.
type Asker string

const (
	AskerPerson            Asker = "person"
	AskerFamilyFriend      Asker = "family_friend"
	AskerGP                Asker = "gp"
	AskerHospitalWard      Asker = "hospital_ward"
	AskerOtherCouncil      Asker = "other_council"
	AskerOtherProfessional Asker = "other_professional"
	AskerSelfReferral      Asker = "self_referral"
)

// Askers lists who may ask, in the order the form offers them.
var Askers = []Asker{AskerPerson, AskerFamilyFriend, AskerGP, AskerHospitalWard, AskerOtherCouncil,
	AskerOtherProfessional, AskerSelfReferral}

// Priority is how soon an allocated team should act.
type Priority string

const (
	PriorityUrgent  Priority = "urgent"
	PriorityHigh    Priority = "high"
	PriorityRoutine Priority = "routine"
)

// Priorities lists the priorities, most pressing first.
var Priorities = []Priority{PriorityUrgent, PriorityHigh, PriorityRoutine}

// Outcome is how a contact was closed. Until conversations exist, a
// contact closed with any outcome is no longer waiting.
type Outcome string

const (
	OutcomeInformation        Outcome = "information_advice"
	OutcomeSignposted         Outcome = "signposted"
	OutcomeConversationBooked Outcome = "conversation_booked"
	OutcomeConversationHeld   Outcome = "conversation_held"
	OutcomeNoFurtherAction    Outcome = "no_further_action"
)

// Outcomes lists the outcomes in the order the form offers them.
var Outcomes = []Outcome{OutcomeInformation, OutcomeSignposted, OutcomeConversationBooked, OutcomeConversationHeld,
	OutcomeNoFurtherAction}

// Route is one route of access: our key for it, and the value England's
// Client Level Data return spells (Request_Route_of_Access). The list is
// data, kept in codes/, as the published list changes between releases.
type Route struct{ Key, CLD string }

//go:embed codes/request_route_of_access.txt
var routeFile string

// Routes are the routes of access in the published order.
var Routes = readRoutes(routeFile)

func readRoutes(text string) []Route {
	var out []Route
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, cld, ok := strings.Cut(line, "|")
		if !ok {
			panic("contacts: a route of access line without its CLD value: " + line)
		}
		out = append(out, Route{Key: key, CLD: cld})
	}
	return out
}

// RouteCLD is the CLD value of a route's key, or "" if the key is unknown.
func RouteCLD(key string) string {
	i := slices.IndexFunc(Routes, func(r Route) bool { return r.Key == key })
	if i < 0 {
		return ""
	}
	return Routes[i].CLD
}
