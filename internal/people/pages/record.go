package pages

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"whatmatters/internal/access"
	"whatmatters/internal/contacts"
	"whatmatters/internal/conversations"
	"whatmatters/internal/people"
	"whatmatters/internal/valid"
	"whatmatters/internal/web"
)

// recordData is everything the record page shows, About me first.
type recordData struct {
	Person        *people.Person
	AboutMe       *people.AboutMe
	Profile       *people.Profile
	Relationships []people.Relationship
	Addresses     []people.Address
	Outcomes      []outcomeView
	Strengths     []strengthView
	Risks         []riskView
	Story         storyView
	StoryTotal    int    // as far as people.StoryCountLimit
	StoryMore     string // "1,000" when there are more entries than that
	Saved         string // what was just saved, as a message key
	Conversations []conversations.Conversation
	Today         valid.Date
	Contacts      contactsView
}

// contactsView is the record's contacts and who holds the person
// (internal/contacts): the current allocation, open contacts first.
type contactsView struct {
	Current      *contacts.Allocation
	History      []contacts.Allocation // ended allocations, newest first
	Open, Closed []contacts.Contact
	MayChange    bool // a council worker who may allocate and close
}

type outcomeView struct {
	people.Outcome
	Chart                        progressChart
	LinkedStrengths, LinkedRisks []string // what they are called
}

type strengthView struct {
	people.Strength
	// Words is the strength as the person put it. The embedded Strength
	// struct shadows its own field of that name in templates ({{.Strength}}
	// printed the whole struct), so the page reads Words.
	Words     string
	FreshLook bool
}

type riskView struct {
	people.RiskAgreement
	Overdue bool
}

// recentStory is how many story entries the record page shows; the full
// timeline is a link away.
const recentStory = 10

func (s *Pages) person(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	if op.Reads(access.PartAboutMe) != nil && op.Reads(access.PartAccessLog) == nil {
		// A data protection officer reads who looked at a record, not the
		// record: its access log is their page about the person.
		http.Redirect(w, r, "/people/"+op.PersonID()+"/access-log", http.StatusSeeOther)
		return
	}
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	d, err := loadRecord(r.Context(), s, op, p)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if k := r.URL.Query().Get("saved"); savedKeys[k] != "" {
		d.Saved = savedKeys[k]
	}
	v := s.NewView(r, "person.title")
	v.Title = p.Name()
	v.Data = d
	s.Page(w, r, http.StatusOK, "person", v)
}

// savedKeys maps ?saved= values to the banner shown after a save.
var savedKeys = map[string]string{"1": "person.saved.body", "about-me": "saved.about_me", "about-me-merged": "saved.about_me_merged", "outcome": "saved.outcome",
	"progress": "saved.progress", "strength": "saved.strength", "risk": "saved.risk", "story": "saved.story",
	"profile": "saved.profile", "relationship": "saved.relationship", "address": "saved.address",
	"contact": "saved.contact", "allocation": "saved.allocation", "contact-closed": "saved.contact_closed"}

// loadRecord reads the parts of an opened record. The read itself was
// checked and audited when the record was opened.
func loadRecord(ctx context.Context, s *Pages, op *access.Opened, p *people.Person) (*recordData, error) {
	rd := s.DB.Read()
	d := &recordData{Person: p}
	var err error
	if d.AboutMe, err = people.GetAboutMe(ctx, rd, op); err != nil {
		return nil, err
	}
	if d.Profile, err = people.GetProfile(ctx, rd, op); err != nil {
		return nil, err
	}
	if d.Relationships, err = people.Relationships(ctx, rd, op); err != nil {
		return nil, err
	}
	if d.Addresses, err = people.Addresses(ctx, rd, op); err != nil {
		return nil, err
	}
	outcomes, err := people.Outcomes(ctx, rd, op)
	if err != nil {
		return nil, err
	}
	today := valid.Today()
	strengths, err := people.Strengths(ctx, rd, op)
	if err != nil {
		return nil, err
	}
	risks, err := people.RiskAgreements(ctx, rd, op)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, st := range strengths {
		names[st.ID] = st.Strength
	}
	for _, ra := range risks {
		names[ra.ID] = ra.WantsTo
	}
	for _, o := range outcomes {
		ov := outcomeView{Outcome: o, Chart: chartFor(o.Progress)}
		for _, id := range o.StrengthIDs {
			ov.LinkedStrengths = append(ov.LinkedStrengths, names[id])
		}
		for _, id := range o.RiskIDs {
			ov.LinkedRisks = append(ov.LinkedRisks, names[id])
		}
		d.Outcomes = append(d.Outcomes, ov)
	}
	for _, st := range strengths {
		d.Strengths = append(d.Strengths, strengthView{Strength: st, Words: st.Strength, FreshLook: st.NeedsFreshLook(today)})
	}
	for _, ra := range risks {
		d.Risks = append(d.Risks, riskView{RiskAgreement: ra, Overdue: ra.ReviewOn.Before(today)})
	}
	// The page shows the newest entries, each cut short if long, and how
	// many there are, counted only so far: its cost does not grow with
	// the story. The whole story is a page of its own.
	story, err := people.Timeline(ctx, rd, op, people.TimelineFilter{Limit: recentStory})
	if err != nil {
		return nil, err
	}
	var more bool
	if d.StoryTotal, more, err = people.CountStory(ctx, rd, op, people.TimelineFilter{}); err != nil {
		return nil, err
	}
	if more {
		d.StoryMore = web.Thousands(people.StoryCountLimit)
	}
	if d.Story, err = withFiles(ctx, s, op, story, true); err != nil {
		return nil, err
	}
	d.Today = today
	if op.Reads(access.PartConversations) == nil {
		if d.Conversations, err = conversations.List(ctx, rd, op); err != nil {
			return nil, err
		}
	}
	d.Contacts, err = loadContacts(ctx, s, op)
	return d, err
}

func loadContacts(ctx context.Context, s *Pages, op *access.Opened) (contactsView, error) {
	v := contactsView{MayChange: op.Grant().MayChange(access.PartIdentity) && contacts.MayRecord(op.Subject().Account.Role)}
	all, err := contacts.Allocations(ctx, s.DB.Read(), op)
	if err != nil {
		return v, err
	}
	for i := range all {
		if all[i].EndedAt == nil {
			v.Current = &all[i]
		} else {
			v.History = append(v.History, all[i])
		}
	}
	cs, err := contacts.Contacts(ctx, s.DB.Read(), op)
	for _, c := range cs {
		if c.Open() {
			v.Open = append(v.Open, c)
		} else {
			v.Closed = append(v.Closed, c)
		}
	}
	return v, err
}

// storyView is story entries with the files attached to them.
type storyView struct {
	Entries   []entryView
	Files     map[string][]people.Attachment // by entry id
	MayChange bool                           // the reader may correct or remove entries
}

// entryView is an entry as a list shows it.
type entryView struct {
	people.Entry
	Preview string // the start of a long entry, where the list shows only that; "" to show it whole
}

// withFiles adds the files of the entries, and only theirs. Where short is
// true (the record page), a long entry shows only its start, with a link
// to the whole of it in the story.
func withFiles(ctx context.Context, s *Pages, op *access.Opened, entries []people.Entry, short bool) (storyView, error) {
	files, err := people.AttachmentsOf(ctx, s.DB.Read(), op, entries)
	v := storyView{Entries: make([]entryView, len(entries)), Files: files, MayChange: op.Grant().MayChange(access.PartStory)}
	for i, e := range entries {
		v.Entries[i].Entry = e
		if short {
			v.Entries[i].Preview = preview(e.Body)
		}
	}
	return v, err
}

// previewChars and previewLines are how much of a long entry the record
// page shows: about a paragraph, so one long entry (up to 20,000
// characters) cannot push the rest of the record several screens down.
const (
	previewChars = 600
	previewLines = 8
)

// preview is the start of body, cut at a word and marked "…", or "" if
// the body is short enough to show whole. A body only a little longer
// than the preview is shown whole: "Read more" for one more sentence
// would only cost a click.
func preview(body string) string {
	r := []rune(body)
	cut, lines := len(r), 0
	for i, c := range r {
		if c == '\n' {
			if lines++; lines == previewLines {
				cut = i
				break
			}
		}
		if i == previewChars {
			cut = i
			break
		}
	}
	if cut == len(r) || (lines < previewLines && len(r) <= previewChars*6/5) {
		return ""
	}
	// Back to the end of the last whole word; a single word longer than
	// the preview is cut where it is.
	if !unicode.IsSpace(r[cut]) {
		for i := cut - 1; i > 0; i-- {
			if unicode.IsSpace(r[i]) {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}

// progressChart is an outcome's journey drawn as an SVG line: one point
// per progress entry, higher is closer to the outcome. The template shows
// the same entries as a table, so nobody has to read the picture.
type progressChart struct {
	Points string // the polyline's points
	Dots   []chartDot
	Width  int
	Height int
}

type chartDot struct {
	X, Y     int
	Movement people.Movement
	Date     valid.Date
}

func chartFor(progress []people.Progress) progressChart {
	c := progressChart{Width: 320, Height: 120}
	n := len(progress)
	if n == 0 {
		return c
	}
	const pad = 12
	for i, p := range progress {
		x := c.Width / 2
		if n > 1 {
			x = pad + i*(c.Width-2*pad)/(n-1)
		}
		// Each movement's place on the vertical scale is its place in
		// the domain's list, furthest away at the bottom.
		level := max(slices.Index(people.Movements, p.Movement), 0)
		y := c.Height - pad - level*(c.Height-2*pad)/(len(people.Movements)-1)
		c.Dots = append(c.Dots, chartDot{X: x, Y: y, Movement: p.Movement, Date: p.OnDate})
		c.Points += fmt.Sprintf("%d,%d ", x, y)
	}
	return c
}
