package pages

import (
	"net/http"
	"strings"

	"whatmatters/internal/people"
	"whatmatters/internal/web"
)

// searchData is one search's results, as the home page and the search
// page show them.
type searchData struct {
	Query  string
	People []people.Person
	Hits   []hitView
	Box    searchBox
}

// searchBox is the search form as a page shows it.
type searchBox struct {
	Action, Label, Hint string // the form's address, and the label's and hint's message keys
	Query               string // what was typed
	Error               string // why it was refused, if it was
}

// hitView is a place in a record where the words were found, with the
// message keys that say where.
type hitView struct {
	people.Hit
	WhereKey   string // search.found_in.…
	SectionKey string // the About me section's or the outcome field's name
}

// whereKeys say where a search found the words.
var whereKeys = map[string]string{people.FoundStory: "search.found_in.story",
	people.FoundAboutMe: "search.found_in.about_me", people.FoundOutcome: "search.found_in.outcome"}

// outcomeFieldKeys name the outcome's searched fields.
var outcomeFieldKeys = map[string]string{"statement": "search.outcome.statement", "why_it_matters": "search.outcome.why_it_matters"}

// runSearch is the one search (people.Search) behind both boxes. A
// refused search (too long) comes back as a field error on q, with what
// was typed kept; it reports false only when the page cannot be shown.
func (s *Pages) runSearch(w http.ResponseWriter, r *http.Request, v *web.View, box searchBox) (*searchData, bool) {
	d := &searchData{Query: strings.TrimSpace(r.URL.Query().Get("q")), Box: box}
	d.Box.Query = d.Query
	if d.Query == "" {
		return d, true
	}
	res, err := people.Search(r.Context(), s.DB, web.Subject(r), d.Query)
	if v.Problems(err) {
		d.Box.Error = v.ErrorFor("q")
		return d, true
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil, false
	}
	d.People = res.People
	for _, h := range res.Hits {
		hv := hitView{Hit: h, WhereKey: whereKeys[h.FoundIn]}
		switch h.FoundIn {
		case people.FoundAboutMe:
			hv.SectionKey = aboutMeLabels[h.Section]
		case people.FoundOutcome:
			hv.SectionKey = outcomeFieldKeys[h.Section]
		}
		d.Hits = append(d.Hits, hv)
	}
	return d, true
}

// search finds people by name, NHS number or date of birth, and the words
// of their story, About me and outcomes, only among the people the
// searcher may see, and only in the parts their grant lets them read.
func (s *Pages) search(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "search.title")
	d, ok := s.runSearch(w, r, v, searchBox{Action: "/search", Label: "search.label", Hint: "search.hint"})
	if !ok {
		return
	}
	v.Data = d
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.Page(w, r, status, "search", v)
}
