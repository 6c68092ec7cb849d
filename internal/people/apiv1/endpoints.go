// Package apiv1 is the person's record in the JSON API (/api/v1): people,
// the parts of their record, the story and search. Every endpoint that
// names a person passes the API's gate (api.Router.Person) and receives
// the opened record.
package apiv1

import (
	_ "embed"

	"whatmatters/internal/access"
	"whatmatters/internal/api"
)

// openapi is this domain's part of the OpenAPI document.
//
//go:embed openapi.json
var openapi []byte

// Endpoints serves the record's endpoints.
type Endpoints struct{ *api.API }

// New makes the record's endpoints.
func New(a *api.API) *Endpoints { return &Endpoints{API: a} }

// OpenAPI is this domain's part of the OpenAPI document.
func (a *Endpoints) OpenAPI() []byte { return openapi }

// Routes adds the record's endpoints.
func (a *Endpoints) Routes(rt *api.Router) {
	rd, ch := access.Reads, access.Changes
	rt.Handle("GET /api/v1/people", a.listPeople)
	rt.Handle("GET /api/v1/search", a.search)
	rt.Person("GET /api/v1/people/{id}", rd(access.PartIdentity), a.getPerson)
	rt.Person("PATCH /api/v1/people/{id}", ch(access.PartIdentity), a.patchPerson)
	rt.Person("GET /api/v1/people/{id}/access-log", rd(access.PartAccessLog), a.accessLog)
	rt.Person("GET /api/v1/people/{id}/profile", rd(access.PartProfile), a.getProfile)
	rt.Person("GET /api/v1/people/{id}/relationships", rd(access.PartRelationships), a.listRelationships)
	rt.Person("GET /api/v1/people/{id}/addresses", rd(access.PartAddresses), a.listAddresses)
	rt.Person("GET /api/v1/people/{id}/about-me", rd(access.PartAboutMe), a.getAboutMe)
	rt.Person("PUT /api/v1/people/{id}/about-me", ch(access.PartAboutMe), a.putAboutMe)
	rt.Person("GET /api/v1/people/{id}/outcomes", rd(access.PartOutcomes), a.listOutcomes)
	rt.Person("POST /api/v1/people/{id}/outcomes", ch(access.PartOutcomes), a.postOutcome)
	rt.Person("POST /api/v1/people/{id}/outcomes/{outcome}/progress", ch(access.PartOutcomes), a.postProgress)
	rt.Person("GET /api/v1/people/{id}/strengths", rd(access.PartStrengths), a.listStrengths)
	rt.Person("POST /api/v1/people/{id}/strengths", ch(access.PartStrengths), a.postStrength)
	rt.Person("GET /api/v1/people/{id}/risks", rd(access.PartRisks), a.listRisks)
	rt.Person("POST /api/v1/people/{id}/risks", ch(access.PartRisks), a.postRisk)
	rt.Person("GET /api/v1/people/{id}/story", rd(access.PartStory), a.listStory)
	rt.Person("POST /api/v1/people/{id}/story", ch(access.PartStory), a.postEntry)
	rt.Person("GET /api/v1/people/{id}/attachments", rd(access.PartStory), a.listAttachments)
}
