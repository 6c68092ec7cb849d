package people

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// EntryKind is what kind of story entry one is. Its value is what is
// stored and what the API and forms send.
type EntryKind string

// Kinds of story entry.
const (
	KindConversation EntryKind = "conversation"
	KindVisit        EntryKind = "visit"
	KindPhoneCall    EntryKind = "phone_call"
	KindNote         EntryKind = "note"
	KindLetter       EntryKind = "letter"
	KindPhoto        EntryKind = "photo"
	KindDrawing      EntryKind = "drawing"
)

// EntryKinds are the kinds, in the order a form offers them.
var EntryKinds = []EntryKind{KindConversation, KindVisit, KindPhoneCall, KindNote, KindLetter, KindPhoto, KindDrawing}

// MaxEntryBody is the longest entry accepted. The recording coach nudges
// well before this; the limit only stops accidents.
const MaxEntryBody = 20000

// Entry is one part of the person's story.
type Entry struct {
	ID               string     `json:"id"`
	PersonID         string     `json:"person_id"`
	Kind             EntryKind  `json:"kind"`
	OccurredAt       time.Time  `json:"occurred_at"`
	Place            string     `json:"place,omitempty"`
	Who              string     `json:"who,omitempty"` // who was there
	Body             string     `json:"body"`
	OutcomeIDs       []string   `json:"outcome_ids,omitempty"`
	Supersedes       string     `json:"supersedes,omitempty"`
	CorrectionReason string     `json:"correction_reason,omitempty"`
	SupersededBy     string     `json:"superseded_by,omitempty"`
	RemovedAt        *time.Time `json:"removed_at,omitempty"`
	RemovedBy        string     `json:"-"` // the label kept at the time; Remover is what people read
	RemovedReason    string     `json:"removed_reason,omitempty"`
	CreatedBy        string     `json:"-"` // the label kept at the time; Writer is what people read
	CreatedAt        time.Time  `json:"created_at"`

	// Who wrote this version (for a correction, who corrected it), who
	// removed it, and for a corrected entry who wrote the correction and
	// when: as the story shows them, by name and organisation.
	Writer      Author     `json:"created_by"`
	Remover     *Author    `json:"removed_by,omitempty"`
	Corrector   Author     `json:"-"`
	CorrectedAt *time.Time `json:"-"`
}

// Author is someone who wrote, corrected or removed an entry as people
// read it: their name and organisation, never their email address. The
// name and organisation are looked up from the account; for an entry
// saved without one (older entries, the system) the name is the part of
// the label kept at the time before the email address.
type Author struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
}

// String is the author as the story shows them: "Sam Okafor, Riverside
// Council", or the name alone when the organisation is not known.
func (a Author) String() string {
	if a.Organisation == "" {
		return a.Name
	}
	return a.Name + ", " + a.Organisation
}

// authorOf makes an Author from the looked-up account, or from the label
// when there is none.
func authorOf(name, organisation sql.NullString, label string) Author {
	if name.Valid && name.String != "" {
		return Author{Name: name.String, Organisation: organisation.String}
	}
	return Author{Name: NameOfLabel(label)}
}

// NameOfLabel is the name part of an audit label "Name <email>": the
// email address, and anything else in angle brackets, is left out.
func NameOfLabel(label string) string {
	if i := strings.IndexByte(label, '<'); i >= 0 {
		label = label[:i]
	}
	return strings.TrimSpace(label)
}

// Current reports whether the entry is the live version: neither corrected
// by a later entry nor removed.
func (e *Entry) Current() bool { return e.SupersededBy == "" && e.RemovedAt == nil }

func (e *Entry) normalise() error {
	// A browser sends each line break typed in a form as CR LF, while its
	// character count (and a person) counts one character: count them as
	// one here too, so an entry the count allowed is not refused.
	e.Body = strings.ReplaceAll(e.Body, "\r\n", "\n")
	e.Place, e.Who, e.Body = strings.TrimSpace(e.Place), strings.TrimSpace(e.Who), strings.TrimSpace(e.Body)
	var ps valid.Problems
	if !slices.Contains(EntryKinds, e.Kind) {
		ps.Add("kind", "story.kind.required")
	}
	if e.OccurredAt.IsZero() {
		ps.Add("occurred_at", "story.occurred_at.required")
	} else if e.OccurredAt.After(time.Now().Add(time.Hour)) {
		ps.Add("occurred_at", "story.occurred_at.future")
	}
	switch {
	case e.Body == "":
		ps.Add("body", "story.body.required")
	case len([]rune(e.Body)) > MaxEntryBody:
		ps.Add("body", "story.body.too_long", MaxEntryBody)
	}
	if len(ps) > 0 {
		return ps
	}
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	return nil
}

// Check tidies an entry and checks it, without saving: a form whose date
// could not be read shows the other problems with it.
func (e *Entry) Check() error { return e.normalise() }

// AddEntry adds an entry to the opened person's story, with any files
// attached to it, in one transaction: an entry is never left without the
// file it was saved with, nor a file without its entry.
func AddEntry(ctx context.Context, db *store.DB, op *access.Opened, e *Entry, files ...NewFile) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	if err := e.normalise(); err != nil {
		return err
	}
	for _, f := range files {
		if err := CheckAttachment(f.Name, f.Data); err != nil {
			return err
		}
	}
	e.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		if err := insertEntry(ctx, tx, db.Dialect, op.Subject(), e); err != nil {
			return audit.Record{}, err
		}
		var added []*Attachment
		for _, f := range files {
			a, err := insertAttachment(ctx, tx, op, e, f)
			if err != nil {
				return audit.Record{}, err
			}
			added = append(added, a)
		}
		return audit.Record{Action: "story.add", Target: "story_entry/" + e.ID,
			Details: map[string]any{"after": e, "attachments": added}}, nil
	})
}

func insertEntry(ctx context.Context, tx *sql.Tx, dialect store.Dialect, s account.Subject, e *Entry) error {
	e.ID, e.CreatedAt, e.CreatedBy = valid.NewID(), store.Now(), s.Actor.Label
	_, err := tx.ExecContext(ctx, `INSERT INTO story_entries (id, person_id, kind, occurred_at, place, who, body,
		supersedes, correction_reason, created_by, created_by_label, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		e.ID, e.PersonID, e.Kind, e.OccurredAt, e.Place, e.Who, e.Body, store.NullIfEmpty(e.Supersedes), e.CorrectionReason,
		s.Account.ID, e.CreatedBy, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("people: add story entry: %w", err)
	}
	for _, oid := range e.OutcomeIDs {
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT person_id FROM outcomes WHERE id = $1`, oid).Scan(&owner)
		if err != nil || owner != e.PersonID {
			return valid.Problems{valid.New("outcome_ids", "story.outcome_ids.not_own")}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO story_entry_outcomes (entry_id, outcome_id) VALUES ($1, $2)`, e.ID, oid); err != nil {
			return fmt.Errorf("people: link entry to outcome: %w", err)
		}
	}
	if dialect == store.SQLite {
		_, err = tx.ExecContext(ctx, `INSERT INTO story_search (entry_id, person_id, body) VALUES ($1, $2, $3)`, e.ID, e.PersonID, e.Body)
	}
	return err
}

// CheckCorrection tidies a correction and checks it, without saving:
// every problem with the corrected entry and its reason at once.
func CheckCorrection(e *Entry, reason string) error {
	err := e.normalise()
	ps, _ := valid.From(err)
	if strings.TrimSpace(reason) == "" {
		ps.Add("correction_reason", "story.correction_reason.required")
	}
	return ps.Err()
}

// CorrectEntry writes a corrected version of an entry. The old entry stays,
// marked as superseded, with the reason on the new one.
func CorrectEntry(ctx context.Context, db *store.DB, op *access.Opened, oldID string, e *Entry, reason string) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if err := CheckCorrection(e, reason); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		old, err := ownEntry(ctx, tx, op, oldID)
		if err != nil {
			return audit.Record{}, err
		}
		if !old.Current() {
			return audit.Record{}, store.ErrConflict // someone corrected or removed it first
		}
		e.PersonID, e.Supersedes, e.CorrectionReason = old.PersonID, old.ID, reason
		if err := insertEntry(ctx, tx, db.Dialect, op.Subject(), e); err != nil {
			return audit.Record{}, err
		}
		if err := retire(ctx, tx, db.Dialect, old.ID, `superseded_by = $1`, e.ID); err != nil {
			return audit.Record{}, err
		}
		// The files belong to the entry, whichever version is current: a
		// correction of the words keeps the photo or letter attached.
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET entry_id = $1 WHERE entry_id = $2`, e.ID, old.ID); err != nil {
			return audit.Record{}, fmt.Errorf("people: keep files with the correction: %w", err)
		}
		return audit.Record{Action: "story.correct", PersonID: old.PersonID,
			Target: "story_entry/" + e.ID, Details: map[string]any{"before": old, "after": e, "reason": reason}}, nil
	})
}

// RemoveEntry marks an entry as removed, with who and why. It stays in the
// history; it no longer shows in the timeline or in searches.
func RemoveEntry(ctx context.Context, db *store.DB, op *access.Opened, id, reason string) error {
	if err := op.MayChange(access.PartStory); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return valid.Problems{valid.New("removed_reason", "story.removed_reason.required")}
	}
	return access.Change(ctx, db, op, access.PartStory, func(tx *sql.Tx) (audit.Record, error) {
		old, err := ownEntry(ctx, tx, op, id)
		if err != nil {
			return audit.Record{}, err
		}
		if !old.Current() {
			return audit.Record{}, store.ErrConflict
		}
		s := op.Subject()
		if err := retire(ctx, tx, db.Dialect, id, `removed_at = $1, removed_by = $2, removed_by_label = $3, removed_reason = $4`,
			store.Now(), store.NullIfEmpty(s.Account.ID), s.Actor.Label, reason); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "story.remove", PersonID: old.PersonID,
			Target: "story_entry/" + id, Details: map[string]any{"before": old, "reason": reason}}, nil
	})
}

// retire marks an entry as no longer current and drops it from the search
// index. set is the SET clause, its values first; the id is added last.
// Only a current entry is retired: if another writer corrected or removed
// it first, no row changes and the answer is store.ErrConflict, so an
// entry never has two live versions.
func retire(ctx context.Context, tx *sql.Tx, dialect store.Dialect, id, set string, values ...any) error {
	idArg := fmt.Sprintf("$%d", len(values)+1)
	err := store.ExecOne(ctx, tx, `UPDATE story_entries SET `+set+` WHERE id = `+idArg+
		` AND superseded_by IS NULL AND removed_at IS NULL`, append(values, id)...)
	if err != nil {
		return fmt.Errorf("people: retire story entry: %w", err)
	}
	if dialect == store.SQLite {
		if _, err := tx.ExecContext(ctx, `DELETE FROM story_search WHERE entry_id = $1`, id); err != nil {
			return fmt.Errorf("people: unindex story entry: %w", err)
		}
	}
	return nil
}

// entryColumns and entryFrom read an entry with the names of who wrote,
// removed and corrected it: each a primary-key lookup per entry, so the
// cost follows the entries read, not the story's length.
const entryColumns = `e.id, e.person_id, e.kind, e.occurred_at, e.place, e.who, e.body, e.supersedes, e.correction_reason,
	e.superseded_by, e.removed_at, e.removed_by_label, e.removed_reason, e.created_by_label, e.created_at,
	wa.display_name, wo.name, ra.display_name, ro.name, c.created_at, c.created_by_label, ca.display_name, co.name`

const entryFrom = `story_entries e
	LEFT JOIN accounts wa ON wa.id = e.created_by LEFT JOIN organisations wo ON wo.id = wa.organisation_id
	LEFT JOIN accounts ra ON ra.id = e.removed_by LEFT JOIN organisations ro ON ro.id = ra.organisation_id
	LEFT JOIN story_entries c ON c.id = e.superseded_by
	LEFT JOIN accounts ca ON ca.id = c.created_by LEFT JOIN organisations co ON co.id = ca.organisation_id`

func scanEntry(s store.Scanner) (*Entry, error) {
	var e Entry
	var supersedes, supersededBy, correctorLabel sql.NullString
	var writer, writerOrg, remover, removerOrg, corrector, correctorOrg sql.NullString
	var removed, corrected sql.NullTime
	err := s.Scan(&e.ID, &e.PersonID, &e.Kind, &e.OccurredAt, &e.Place, &e.Who, &e.Body, &supersedes, &e.CorrectionReason,
		&supersededBy, &removed, &e.RemovedBy, &e.RemovedReason, &e.CreatedBy, &e.CreatedAt,
		&writer, &writerOrg, &remover, &removerOrg, &corrected, &correctorLabel, &corrector, &correctorOrg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	e.Supersedes, e.SupersededBy, e.RemovedAt = supersedes.String, supersededBy.String, store.NullTime(removed)
	e.OccurredAt, e.CreatedAt = e.OccurredAt.UTC(), e.CreatedAt.UTC()
	e.Writer = authorOf(writer, writerOrg, e.CreatedBy)
	if e.RemovedAt != nil {
		rm := authorOf(remover, removerOrg, e.RemovedBy)
		e.Remover = &rm
	}
	if e.SupersededBy != "" {
		e.Corrector, e.CorrectedAt = authorOf(corrector, correctorOrg, correctorLabel.String), store.NullTime(corrected)
	}
	return &e, nil
}

// ownEntry reads an entry of the opened person's; another person's is not
// found.
func ownEntry(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Entry, error) {
	e, err := entry(ctx, r, id)
	if err == nil && e.PersonID != op.PersonID() {
		return nil, store.ErrNotFound
	}
	return e, err
}

func entry(ctx context.Context, r store.Reader, id string) (*Entry, error) {
	return scanEntry(r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM `+entryFrom+` WHERE e.id = $1`, id))
}

// TimelineFilter narrows a timeline.
type TimelineFilter struct {
	Kind      EntryKind // one of EntryKinds, or "" for all
	OutcomeID string    // only entries linked to this outcome
	History   bool      // include corrected and removed entries
	EntryID   string    // only this entry
	Limit     int       // at most this many, newest first (0: up to MaxTimeline)
}

// MaxTimeline is the most entries one timeline returns.
const MaxTimeline = 2000

// storyOrder is the story's order, newest first. occurred_at alone is not
// enough: entries can share a moment, and a page boundary between two of
// them must not lose or repeat one. The id settles every tie.
const storyOrder = ` ORDER BY e.occurred_at DESC, e.created_at DESC, e.id DESC`

// Timeline returns a person's story, newest first. The caller must already
// have opened the record (Get).
func Timeline(ctx context.Context, r store.Reader, op *access.Opened, f TimelineFilter) ([]Entry, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	var args store.Args
	where := filterWhere(op.PersonID(), f, &args)
	limit := MaxTimeline
	if f.Limit > 0 && f.Limit < limit {
		limit = f.Limit
	}
	return entries(ctx, r, where+storyOrder+fmt.Sprintf(` LIMIT %d`, limit), args)
}

// filterWhere is the WHERE clause of a person's story under a filter.
func filterWhere(personID string, f TimelineFilter, args *store.Args) string {
	where := `e.person_id = ` + args.Add(personID)
	if !f.History {
		where += ` AND e.superseded_by IS NULL AND e.removed_at IS NULL`
	}
	if f.Kind != "" {
		where += ` AND e.kind = ` + args.Add(f.Kind)
	}
	if f.OutcomeID != "" {
		where += ` AND EXISTS (SELECT 1 FROM story_entry_outcomes so WHERE so.entry_id = e.id AND so.outcome_id = ` + args.Add(f.OutcomeID) + `)`
	}
	if f.EntryID != "" {
		where += ` AND e.id = ` + args.Add(f.EntryID)
	}
	return where
}

// entries reads the entries a WHERE clause (with its ORDER BY and LIMIT)
// picks, with their outcomes.
func entries(ctx context.Context, r store.Reader, where string, args store.Args) ([]Entry, error) {
	rows, err := r.QueryContext(ctx, `SELECT `+entryColumns+` FROM `+entryFrom+` WHERE `+where, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: timeline: %w", err)
	}
	out, err := store.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, err
	}
	return out, linkOutcomes(ctx, r, out)
}

// StoryPageSize is how many entries a page of the story shows.
const StoryPageSize = 50

// PageRequest asks for one page of a story: the newest entries, or those
// just older or just newer than a cursor, or the page that starts with a
// given entry (where a link to one entry lands). At most one of Before,
// After and At is set.
//
// Pages are found by keyset, not by offset: a cursor is the position of
// an entry in the story's order (when it happened, when it was written,
// its id), and a page is the entries either side of it, read from the
// index. Reading page 400 costs what page 1 costs, where an offset would
// read and throw away every entry before it; and an entry written while
// someone pages through the story does not shift the pages under them, so
// nothing is shown twice or skipped. What keyset cannot do is jump to
// "page 17": the story page offers newer and older instead, and a link to
// an entry (At) for landing anywhere.
type PageRequest struct {
	Before string // a cursor: entries older than it
	After  string // a cursor: entries newer than it
	At     string // an entry's id: the page that starts with it
	Size   int    // entries per page; 0 (or more than MaxTimeline) is StoryPageSize
}

// StoryPage is one page of a story, newest first, with the cursors to ask
// for the pages either side (as PageRequest.After and .Before); each is ""
// when there is no such page.
type StoryPage struct {
	Entries      []Entry
	Newer, Older string
}

// ErrBadCursor is a cursor that no page gave out.
var ErrBadCursor = errors.New("people: not a story cursor")

// cursor is a position in the story's order.
type cursor struct {
	occurred, created time.Time
	id                string
}

func cursorOf(e *Entry) string {
	raw := fmt.Sprintf("%d.%d.%s", e.OccurredAt.UnixMicro(), e.CreatedAt.UnixMicro(), e.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(s string) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, ErrBadCursor
	}
	parts := strings.SplitN(string(raw), ".", 3)
	if len(parts) != 3 || parts[2] == "" {
		return cursor{}, ErrBadCursor
	}
	occurred, err1 := strconv.ParseInt(parts[0], 10, 64)
	created, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return cursor{}, ErrBadCursor
	}
	return cursor{time.UnixMicro(occurred).UTC(), time.UnixMicro(created).UTC(), parts[2]}, nil
}

// beyond is the condition "after c in the direction of cmp": "<" is
// older, ">" newer; orEqual takes c itself too. The first, redundant
// term lets the index on (person_id, occurred_at) start at c.
func (c cursor) beyond(cmp string, orEqual bool, args *store.Args) string {
	o, cr, id := args.Add(c.occurred), args.Add(c.created), args.Add(c.id)
	last := cmp
	if orEqual {
		last += "="
	}
	return fmt.Sprintf(` AND e.occurred_at %[1]s= %[2]s AND (e.occurred_at %[1]s %[2]s OR (e.occurred_at = %[2]s AND
		(e.created_at %[1]s %[3]s OR (e.created_at = %[3]s AND e.id %[5]s %[4]s))))`, cmp, o, cr, id, last)
}

// TimelinePage returns one page of the opened person's story under a
// filter. Its cost follows the page's size, not the story's length.
func TimelinePage(ctx context.Context, r store.Reader, op *access.Opened, f TimelineFilter, p PageRequest) (*StoryPage, error) {
	if err := op.Reads(access.PartStory); err != nil {
		return nil, err
	}
	size := p.Size
	if size <= 0 || size > MaxTimeline {
		size = StoryPageSize
	}
	var args store.Args
	where := filterWhere(op.PersonID(), f, &args)
	var at cursor
	var err error
	newer := false
	switch {
	case p.Before != "":
		at, err = parseCursor(p.Before)
		where += at.beyond("<", false, &args)
	case p.After != "":
		at, err = parseCursor(p.After)
		where += at.beyond(">", false, &args)
		newer = true
	case p.At != "":
		var e *Entry
		if e, err = ownEntry(ctx, r, op, p.At); err == nil {
			at = cursor{e.OccurredAt, e.CreatedAt, e.ID}
			where += at.beyond("<", true, &args)
		}
	}
	if err != nil {
		return nil, err
	}
	// One more than the page, to know whether there is a page beyond it.
	order := storyOrder
	if newer {
		order = ` ORDER BY e.occurred_at, e.created_at, e.id`
	}
	list, err := entries(ctx, r, where+order+fmt.Sprintf(` LIMIT %d`, size+1), args)
	if err != nil {
		return nil, err
	}
	page := &StoryPage{}
	more := len(list) > size
	if more {
		list = list[:size]
	}
	if newer {
		slices.Reverse(list)
	}
	page.Entries = list
	if len(list) == 0 {
		return page, nil
	}
	first, last := &list[0], &list[len(list)-1]
	// The far side was read one over; the near side (back the way the
	// reader came) is asked for: entries may have been removed since.
	if newer {
		if more {
			page.Newer = cursorOf(first)
		}
		if page.Older = cursorOf(last); !hasBeyond(ctx, r, op.PersonID(), f, last, "<") {
			page.Older = ""
		}
	} else {
		if more {
			page.Older = cursorOf(last)
		}
		if p.Before != "" || p.At != "" {
			if page.Newer = cursorOf(first); !hasBeyond(ctx, r, op.PersonID(), f, first, ">") {
				page.Newer = ""
			}
		}
	}
	return page, nil
}

// hasBeyond reports whether the filtered story has an entry beyond e in the
// direction of cmp. A failed query counts as yes: the link it gives then
// leads to an empty page, never to a lost one.
func hasBeyond(ctx context.Context, r store.Reader, personID string, f TimelineFilter, e *Entry, cmp string) bool {
	var args store.Args
	where := filterWhere(personID, f, &args) + cursor{e.OccurredAt, e.CreatedAt, e.ID}.beyond(cmp, false, &args)
	var one int
	err := r.QueryRowContext(ctx, `SELECT 1 FROM story_entries e WHERE `+where+` LIMIT 1`, args.Values...).Scan(&one)
	return !errors.Is(err, sql.ErrNoRows)
}

// StoryCountLimit is as far as a story is counted. The record page says
// how long the story is; past this, "more than 1,000" says all a reader
// needs, and counting stops, so the count costs the same for a story of
// 1,001 entries as for one of 50,000. (Keeping an exact count beside each
// person instead would make every writer of entries, including imports
// and the demo, keep it right.)
const StoryCountLimit = 1000

// CountStory counts the entries of the opened person's story the filter
// keeps, as far as StoryCountLimit; more says there are more than that.
func CountStory(ctx context.Context, r store.Reader, op *access.Opened, f TimelineFilter) (n int, more bool, err error) {
	if err := op.Reads(access.PartStory); err != nil {
		return 0, false, err
	}
	var args store.Args
	where := filterWhere(op.PersonID(), f, &args)
	err = r.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM story_entries e WHERE %s LIMIT %d) counted`,
		where, StoryCountLimit+1), args.Values...).Scan(&n)
	if err != nil {
		return 0, false, fmt.Errorf("people: count story: %w", err)
	}
	if n > StoryCountLimit {
		return StoryCountLimit, true, nil
	}
	return n, false, nil
}

// linkOutcomes fills in the outcomes of the entries read, and only of
// those: a page's links, never the whole story's.
func linkOutcomes(ctx context.Context, r store.Reader, out []Entry) error {
	if len(out) == 0 {
		return nil
	}
	var args store.Args
	index := make(map[string]int, len(out))
	marks := make([]string, len(out))
	for i := range out {
		index[out[i].ID] = i
		marks[i] = args.Add(out[i].ID)
	}
	rows, err := r.QueryContext(ctx, `SELECT so.entry_id, so.outcome_id FROM story_entry_outcomes so
		WHERE so.entry_id IN (`+strings.Join(marks, ", ")+`) ORDER BY so.outcome_id`, args.Values...)
	if err != nil {
		return fmt.Errorf("people: timeline outcomes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var eid, oid string
		if err := rows.Scan(&eid, &oid); err != nil {
			return err
		}
		if i, ok := index[eid]; ok {
			out[i].OutcomeIDs = append(out[i].OutcomeIDs, oid)
		}
	}
	return rows.Err()
}
