package pages

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

// timelineData is a page of the whole story, filtered.
type timelineData struct {
	Person           *people.Person
	Story            storyView
	Outcomes         []people.Outcome
	Kinds            []people.EntryKind
	Kind             people.EntryKind
	Outcome          string
	History          bool
	Notice           string // after a correction or removal
	Total            int    // entries the filter keeps, as far as people.StoryCountLimit
	More             string // "1,000" when there are more than that
	Pager            pager  // the pages either side, with the same filters
	NewestHref       string // the first page, when this one is past the end
	PageFrom, PageTo time.Time
}

func (s *Pages) timeline(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	p, ok := s.load(w, r, op)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := &timelineData{Person: p, Kinds: people.EntryKinds, Kind: people.EntryKind(q.Get("kind")), Outcome: q.Get("outcome"), History: q.Get("history") == "1"}
	switch {
	case q.Get("conflict") == "1":
		d.Notice = "change.conflict"
	case q.Get("saved") == "1":
		d.Notice = "change.saved"
	}
	ctx, rd := r.Context(), s.DB.Read()
	var err error
	if d.Outcomes, err = people.Outcomes(ctx, rd, op); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if d.Outcome != "" && findOutcome(d.Outcomes, d.Outcome) == nil {
		d.Outcome = "" // not this person's: show everything rather than nothing
	}
	if d.Kind != "" && !slices.Contains(people.EntryKinds, d.Kind) {
		d.Kind = ""
	}
	f := people.TimelineFilter{Kind: d.Kind, OutcomeID: d.Outcome, History: d.History}
	page, err := people.TimelinePage(ctx, rd, op, f, people.PageRequest{Before: q.Get("before"), After: q.Get("after"), At: q.Get("at")})
	if errors.Is(err, people.ErrBadCursor) || errors.Is(err, store.ErrNotFound) {
		// A cursor made up or mangled, or an entry not in this story:
		// the newest entries, rather than an error.
		page, err = people.TimelinePage(ctx, rd, op, f, people.PageRequest{})
	}
	var more bool
	if err == nil {
		d.Total, more, err = people.CountStory(ctx, rd, op, f)
	}
	if err == nil {
		d.Story, err = withFiles(ctx, s, op, page.Entries, false)
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if more {
		d.More = web.Thousands(people.StoryCountLimit)
	}
	// Each page link carries the filters, so they stay chosen.
	href := func(key, cursor string) string {
		v := url.Values{}
		if d.Kind != "" {
			v.Set("kind", string(d.Kind))
		}
		if d.Outcome != "" {
			v.Set("outcome", d.Outcome)
		}
		if d.History {
			v.Set("history", "1")
		}
		if key != "" {
			v.Set(key, cursor)
		}
		u := "/people/" + p.ID + "/story"
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return u
	}
	d.Pager = pager{Label: "timeline.pages", PrevKey: "timeline.newer", NextKey: "timeline.older"}
	if page.Newer != "" {
		d.Pager.PrevHref = href("after", page.Newer)
	}
	if page.Older != "" {
		d.Pager.NextHref = href("before", page.Older)
	}
	if n := len(page.Entries); n > 0 {
		d.PageFrom, d.PageTo = page.Entries[0].OccurredAt, page.Entries[n-1].OccurredAt
	} else if q.Get("before") != "" || q.Get("after") != "" || q.Get("at") != "" {
		d.NewestHref = href("", "")
	}
	v := s.NewView(r, "timeline.title")
	v.Data = d
	s.Page(w, r, http.StatusOK, "timeline", v)
}

// pager is what the pagination partial shows: links to the page before
// and the page after ("" when there is none), and message keys naming
// the links and the navigation.
type pager struct {
	Label, PrevKey, NextKey string
	PrevHref, NextHref      string
}

// numberedPager is what the numbered pagination partial shows: the page
// before and after, and a link to each page near this one, the first and
// the last, with a gap (…) between.
type numberedPager struct {
	PrevHref, NextHref string
	Items              []pageItem
}

type pageItem struct {
	Number   int
	Href     string
	Current  bool
	Ellipsis bool
}

// numbered makes the pager for page of pages, each at base?page=N.
func numbered(page, pages int, base string) numberedPager {
	var p numberedPager
	if pages <= 1 {
		return p
	}
	href := func(n int) string { return base + "?page=" + strconv.Itoa(n) }
	if page > 1 {
		p.PrevHref = href(page - 1)
	}
	if page < pages {
		p.NextHref = href(page + 1)
	}
	for n := 1; n <= pages; n++ {
		switch {
		case n == 1 || n == pages || (n >= page-1 && n <= page+1):
			p.Items = append(p.Items, pageItem{Number: n, Href: href(n), Current: n == page})
		case len(p.Items) > 0 && !p.Items[len(p.Items)-1].Ellipsis:
			p.Items = append(p.Items, pageItem{Ellipsis: true})
		}
	}
	return p
}

// attachment sends a file attached to a story entry, after the access
// rule and a read audit. Images are shown in the page; anything else is a
// download. The sandbox CSP stops a crafted file from running anything
// even if a browser were tricked into rendering it.
func (s *Pages) attachment(w http.ResponseWriter, r *http.Request, op *access.Opened) {
	a, err := people.GetAttachment(r.Context(), s.DB.Read(), op, r.PathValue("attachment"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	disposition := "attachment"
	if strings.HasPrefix(a.ContentType, "image/") {
		disposition = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, _ = w.Write(a.Data)
}
