package pages

import (
	"errors"
	"net/http"
	"strconv"

	"whatmatters/internal/access"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

var outcomeFields = []string{"statement", "kind", "expressed_by", "expressed_by_name", "on_behalf_reason", "why_it_matters",
	"status", "version"}

func (s *Pages) newOutcomePage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.outcomeForm(w, r, op, false, false)
}
func (s *Pages) addOutcome(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.outcomeForm(w, r, op, true, false)
}
func (s *Pages) editOutcomePage(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.outcomeForm(w, r, op, false, true)
}
func (s *Pages) saveOutcome(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	s.outcomeForm(w, r, op, true, true)
}

// outcomeForm adds an outcome or changes one (its words, its status, the
// strengths and risks it goes with). Two people changing the same outcome:
// the second sees both versions and nothing is overwritten.
func (s *Pages) outcomeForm(w http.ResponseWriter, r *http.Request, op *access.Opened, post, edit bool) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	title := "outcome.new_title"
	if edit {
		title = "outcome.edit_title"
	}
	v, d := s.formView(r, title, p)
	rd := s.DB.Read()
	outcomes, err := people.Outcomes(r.Context(), rd, op)
	if err == nil {
		d.Strengths, err = people.Strengths(r.Context(), rd, op)
	}
	if err == nil {
		d.Risks, err = people.RiskAgreements(r.Context(), rd, op)
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if edit {
		if d.Outcome = findOutcome(outcomes, r.PathValue("outcome")); d.Outcome == nil {
			s.NotFound(w, r)
			return
		}
	}
	if !post {
		fillOutcome(v, d)
		s.Page(w, r, http.StatusOK, "outcome", v)
		return
	}
	v.Keep(r, outcomeFields...)
	o := &people.Outcome{PersonID: p.ID, Statement: v.Form["statement"], Kind: people.OutcomeKind(v.Form["kind"]),
		ExpressedBy: people.Expresser(v.Form["expressed_by"]), ExpressedByName: v.Form["expressed_by_name"],
		OnBehalfReason: v.Form["on_behalf_reason"], WhyItMatters: v.Form["why_it_matters"], Status: people.OutcomeStatus(v.Form["status"]),
		StrengthIDs: r.PostForm["strength_ids"], RiskIDs: r.PostForm["risk_ids"]}
	for _, id := range append(append([]string{}, o.StrengthIDs...), o.RiskIDs...) {
		d.Chosen[id] = true
	}
	if !edit {
		if err := people.AddOutcome(r.Context(), s.DB, op, o); err != nil {
			s.refused(w, r, v, "outcome", err)
			return
		}
		saved(w, r, p.ID, "outcome", "outcomes")
		return
	}
	o.ID = d.Outcome.ID
	o.Version, _ = strconv.Atoi(v.Form["version"])
	err = people.UpdateOutcome(r.Context(), s.DB, op, o)
	if errors.Is(err, store.ErrConflict) {
		d.Theirs = d.Outcome
		v.Form["version"] = strconv.Itoa(d.Outcome.Version)
		v.Errors = append(v.Errors, web.FieldError{Field: "statement", Message: i18n.T(v.Lang, "outcome.conflict")})
		s.Page(w, r, http.StatusConflict, "outcome", v)
		return
	}
	if err != nil {
		s.refused(w, r, v, "outcome", err)
		return
	}
	saved(w, r, p.ID, "outcome", "outcomes")
}

// fillOutcome puts an outcome's values in the form, or the defaults for a
// new one.
func fillOutcome(v *web.View, d *formPage) {
	o := d.Outcome
	if o == nil {
		v.Form["expressed_by"], v.Form["status"] = string(people.ExpressedByPerson), string(people.StatusWorkingOnIt)
		return
	}
	v.Form["statement"], v.Form["kind"], v.Form["expressed_by"] = o.Statement, string(o.Kind), string(o.ExpressedBy)
	v.Form["expressed_by_name"], v.Form["on_behalf_reason"], v.Form["why_it_matters"] = o.ExpressedByName, o.OnBehalfReason, o.WhyItMatters
	v.Form["status"], v.Form["version"] = string(o.Status), strconv.Itoa(o.Version)
	for _, id := range append(append([]string{}, o.StrengthIDs...), o.RiskIDs...) {
		d.Chosen[id] = true
	}
}
