// Package pages is the person's record in the browser: the home page's
// list of people, the record, its parts and their forms, the story, search,
// attachments and who has looked at the record. Every route that names a
// person passes the shell's gate (web.Router.Person), which hands the
// handler an opened record.
package pages

import (
	"embed"

	"whatmatters/internal/access"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Pages serves the record's pages.
type Pages struct{ web.Pages }

// New makes the record's pages.
func New(shell *web.Shell) *Pages {
	return &Pages{shell.Pages(templates)}
}

// maxUploadBody is the story form's limit. It is well above the
// attachment limit, so a file a little too big gets a plain message with
// the form kept, rather than a bare refusal.
const maxUploadBody = 3 * people.MaxAttachment

// Routes adds the record's pages.
func (s *Pages) Routes(rt *web.Router) {
	rt.Menu(web.MenuItem{Href: "/", Key: "layout.nav.people", Order: 10})
	rt.Menu(web.MenuItem{Href: "/search", Key: "layout.nav.search", Order: 20})
	rt.SignedIn("GET /{$}", s.home)
	rt.SignedIn("GET /search", s.search)
	rd, ch := access.Reads, access.Changes
	rt.Person("GET /people/{id}", rd(access.PartIdentity), s.person)
	rt.Person("GET /people/{id}/access-log", rd(access.PartAccessLog), s.accessLog)
	rt.Person("GET /people/{id}/access-log/{who}", rd(access.PartAccessLog), s.accessVisitor)
	rt.Person("GET /people/{id}/access-report.csv", rd(access.PartAccessLog), s.accessReport)
	rt.Person("GET /people/{id}/access-report.pdf", rd(access.PartAccessLog), s.accessReportPDF)
	rt.Person("GET /people/{id}/edit", ch(access.PartIdentity), s.editPerson)
	rt.Person("POST /people/{id}/edit", ch(access.PartIdentity), s.savePerson)
	rt.Person("GET /people/{id}/about-me", ch(access.PartAboutMe), s.aboutMePage)
	rt.Person("POST /people/{id}/about-me", ch(access.PartAboutMe), s.saveAboutMe)
	rt.Person("GET /people/{id}/about-me/history", rd(access.PartAboutMe), s.aboutMeHistory)
	rt.Person("GET /people/{id}/profile", ch(access.PartProfile), s.profilePage)
	rt.Person("POST /people/{id}/profile", ch(access.PartProfile), s.saveProfile)
	rt.Person("GET /people/{id}/addresses/new", ch(access.PartAddresses), s.addressPage)
	rt.Person("POST /people/{id}/addresses/new", ch(access.PartAddresses), s.addAddress)
	rt.Person("GET /people/{id}/relationships/new", ch(access.PartRelationships), s.relationshipPage)
	rt.Person("POST /people/{id}/relationships/new", ch(access.PartRelationships), s.addRelationship)
	rt.Person("GET /people/{id}/outcomes/new", ch(access.PartOutcomes), s.newOutcomePage)
	rt.Person("POST /people/{id}/outcomes/new", ch(access.PartOutcomes), s.addOutcome)
	rt.Person("GET /people/{id}/outcomes/{outcome}/edit", ch(access.PartOutcomes), s.editOutcomePage)
	rt.Person("POST /people/{id}/outcomes/{outcome}/edit", ch(access.PartOutcomes), s.saveOutcome)
	rt.Person("GET /people/{id}/outcomes/{outcome}/progress", ch(access.PartOutcomes), s.progressPage)
	rt.Person("POST /people/{id}/outcomes/{outcome}/progress", ch(access.PartOutcomes), s.addProgress)
	rt.Person("GET /people/{id}/strengths/new", ch(access.PartStrengths), s.newStrengthPage)
	rt.Person("POST /people/{id}/strengths/new", ch(access.PartStrengths), s.addStrength)
	rt.Person("GET /people/{id}/risks/new", ch(access.PartRisks), s.newRiskPage)
	rt.Person("POST /people/{id}/risks/new", ch(access.PartRisks), s.addRisk)
	rt.Person("GET /people/{id}/story/new", ch(access.PartStory), s.newEntryPage)
	rt.Person("POST /people/{id}/story/new", ch(access.PartStory), s.addEntry, web.MaxBody(maxUploadBody))
	rt.Person("GET /people/{id}/story", rd(access.PartStory), s.timeline)
	rt.Person("GET /people/{id}/story/{entry}/change", ch(access.PartStory), s.changeEntryPage)
	rt.Person("POST /people/{id}/story/{entry}/correct", ch(access.PartStory), s.correctEntry)
	rt.Person("POST /people/{id}/story/{entry}/remove", ch(access.PartStory), s.removeEntry)
	rt.Person("GET /people/{id}/attachments/{attachment}", rd(access.PartStory), s.attachment)
}
