package server_test

import (
	"context"
	"strings"
	"testing"

	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
)

// The record's forms offer the domain's own lists as radios, each with
// its words: a kind added to the domain shows on the form it belongs to.
func TestFormsOfferTheDomainsChoices(t *testing.T) {
	w, srv := setup(t)
	sam := newBrowser(t, srv)
	sam.signIn(w.Sam)
	base := "/people/" + w.Helen.ID
	o := &people.Outcome{Statement: "I want to see the heron", Kind: people.OutcomeChange, ExpressedBy: people.ExpressedByPerson}
	if err := people.AddOutcome(context.Background(), w.DB, w.Open(t, w.Sam, w.Helen.ID), o); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, field, label string
		values             []string
	}{
		{base + "/outcomes/new", "kind", "outcome.kind", strs(people.OutcomeKinds)},
		{base + "/outcomes/new", "expressed_by", "outcome.expressed_by", strs(people.Expressers)},
		{base + "/outcomes/" + o.ID + "/edit", "status", "outcome.status", strs(people.OutcomeStatuses)},
		{base + "/outcomes/" + o.ID + "/progress", "movement", "progress.movement", strs(people.Movements)},
		{base + "/risks/new", "likelihood", "risk.likelihood", strs(people.Levels)},
		{base + "/risks/new", "impact", "risk.impact", strs(people.Levels)},
		{base + "/story/new", "kind", "story.kind", strs(people.EntryKinds)},
		{base + "/addresses/new", "kind", "address.kind", strs(people.AddressKinds)},
	} {
		resp, page := sam.get(c.path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
		}
		for _, v := range c.values {
			words := i18n.T(i18n.English, c.label+"."+v)
			if !strings.Contains(page, `name="`+c.field+`" type="radio" value="`+v+`"`) || !strings.Contains(page, words) {
				t.Errorf("%s: no %s radio %q, %q", c.path, c.field, v, words)
			}
		}
	}
}
