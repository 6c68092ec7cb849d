package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// AboutMe is the person's own account of themselves, under the PRSB "About
// Me" headings. It is shown first on every record. Each save is a new
// version; earlier versions stay, so the history shows who changed what.
type AboutMe struct {
	PersonID       string    `json:"person_id"`
	Version        int       `json:"version"` // 0: nothing written yet
	WhatMatters    string    `json:"what_matters"`
	GoodDay        string    `json:"good_day"`
	BadDay         string    `json:"bad_day"`
	HowToSupport   string    `json:"how_to_support"`
	Important      string    `json:"important"` // people and things that are important to me
	TalkAbout      string    `json:"talk_about"`
	DontTalkAbout  string    `json:"dont_talk_about"`
	InWordsOf      string    `json:"in_words_of"` // whose words these are, when not the person's own
	WrittenByLabel string    `json:"-"`           // the audit label kept at the time ("Name <email>")
	WrittenBy      Author    `json:"written_by"`  // who wrote it down, by name and organisation: never an email address
	CreatedAt      time.Time `json:"created_at"`
}

// MaxAboutMeSection is the longest a section may be: About me is a page,
// not a file.
const MaxAboutMeSection = 4000

// sections pairs each field with its form name, for validation messages.
func (a *AboutMe) sections() []struct {
	field string
	value *string
} {
	return []struct {
		field string
		value *string
	}{
		{"what_matters", &a.WhatMatters}, {"good_day", &a.GoodDay}, {"bad_day", &a.BadDay},
		{"how_to_support", &a.HowToSupport}, {"important", &a.Important},
		{"talk_about", &a.TalkAbout}, {"dont_talk_about", &a.DontTalkAbout}, {"in_words_of", &a.InWordsOf},
	}
}

func (a *AboutMe) normalise() error {
	var ps valid.Problems
	empty := true
	for _, s := range a.sections() {
		*s.value = strings.TrimSpace(*s.value)
		if *s.value != "" && s.field != "in_words_of" {
			empty = false
		}
		if len([]rune(*s.value)) > MaxAboutMeSection {
			ps.Add(s.field, "aboutme.section.too_long", MaxAboutMeSection)
		}
	}
	if empty {
		ps.Add("what_matters", "aboutme.what_matters.required")
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// GetAboutMe returns the current About me (Version 0 if none yet). The
// caller must already have opened the record (Get), which checked access
// and audited the read.
func GetAboutMe(ctx context.Context, r store.Reader, op *access.Opened) (*AboutMe, error) {
	if err := op.Reads(access.PartAboutMe); err != nil {
		return nil, err
	}
	return getAboutMe(ctx, r, op.PersonID())
}

func getAboutMe(ctx context.Context, r store.Reader, personID string) (*AboutMe, error) {
	rows, err := aboutMeVersions(ctx, r, personID, 1)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return &AboutMe{PersonID: personID}, nil
	}
	return &rows[0], nil
}

// AboutMeHistory returns every version, newest first.
func AboutMeHistory(ctx context.Context, r store.Reader, op *access.Opened) ([]AboutMe, error) {
	if err := op.Reads(access.PartAboutMe); err != nil {
		return nil, err
	}
	return aboutMeHistory(ctx, r, op.PersonID())
}

func aboutMeHistory(ctx context.Context, r store.Reader, personID string) ([]AboutMe, error) {
	return aboutMeVersions(ctx, r, personID, 1000)
}

func aboutMeVersions(ctx context.Context, r store.Reader, personID string, limit int) ([]AboutMe, error) {
	rows, err := r.QueryContext(ctx, `SELECT v.person_id, v.version, v.what_matters, v.good_day, v.bad_day, v.how_to_support,
		v.important, v.talk_about, v.dont_talk_about, v.in_words_of, v.written_by_label, v.created_at, a.display_name, o.name
		FROM about_me_versions v `+writerJoin+`
		WHERE v.person_id = $1 ORDER BY v.version DESC LIMIT `+fmt.Sprint(limit), personID)
	if err != nil {
		return nil, fmt.Errorf("people: about me: %w", err)
	}
	defer rows.Close()
	var out []AboutMe
	for rows.Next() {
		var a AboutMe
		var name, org sql.NullString
		if err := rows.Scan(&a.PersonID, &a.Version, &a.WhatMatters, &a.GoodDay, &a.BadDay, &a.HowToSupport,
			&a.Important, &a.TalkAbout, &a.DontTalkAbout, &a.InWordsOf, &a.WrittenByLabel, &a.CreatedAt, &name, &org); err != nil {
			return nil, err
		}
		a.WrittenBy = authorOf(name, org, a.WrittenByLabel)
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveAboutMe writes a new version. a.Version must be the version the
// writer started from (0 for the first); if someone saved in between,
// SaveAboutMe returns store.ErrConflict and writes nothing. This is the
// API's save: an If-Match that no longer matches is refused (412), and the
// client reads again; a browser form uses MergeAboutMe instead.
func SaveAboutMe(ctx context.Context, db *store.DB, op *access.Opened, a *AboutMe) error {
	if err := op.MayChange(access.PartAboutMe); err != nil {
		return err
	}
	if err := a.normalise(); err != nil {
		return err
	}
	a.PersonID = op.PersonID()
	var saved AboutMe
	err := access.Change(ctx, db, op, access.PartAboutMe, func(tx *sql.Tx) (audit.Record, error) {
		// A copy, so that a transaction retried after a busy database
		// starts again from what the writer sent.
		saved = *a
		before, err := getAboutMe(ctx, tx, saved.PersonID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != saved.Version {
			return audit.Record{}, store.ErrConflict
		}
		return insertAboutMe(ctx, tx, db.Dialect, op, before, &saved, nil)
	})
	if errors.Is(err, errVersionTaken) {
		return store.ErrConflict
	}
	if err == nil {
		*a = saved
	}
	return err
}

// MergeAboutMe is the browser form's save. a.Version is the version the
// writer started from. If someone saved a newer version meanwhile, the two
// are merged section by section against the version both started from
// (three-way): a section only one of them changed takes that change, so
// edits to different sections are saved together as one new version,
// audited as one change. If both changed the same section differently,
// nothing is written and the error is an *AboutMeConflict (which is also
// store.ErrConflict) holding every section, for the writer to settle.
//
// The merge is returned when there was one (nil when nobody saved
// meanwhile), so the page can say that a colleague's changes were kept.
func MergeAboutMe(ctx context.Context, db *store.DB, op *access.Opened, a *AboutMe) (*AboutMeMerge, error) {
	if err := a.normalise(); err != nil {
		return nil, err
	}
	a.PersonID = op.PersonID()
	for attempt := 0; ; attempt++ {
		var merge *AboutMeMerge
		var saved AboutMe
		err := access.Change(ctx, db, op, access.PartAboutMe, func(tx *sql.Tx) (audit.Record, error) {
			// A copy, so that a transaction retried after a busy database
			// starts again from what the writer sent.
			saved, merge = *a, nil
			before, err := getAboutMe(ctx, tx, saved.PersonID)
			if err != nil {
				return audit.Record{}, err
			}
			if before.Version != saved.Version {
				base, err := aboutMeVersion(ctx, tx, saved.PersonID, saved.Version)
				if err != nil {
					return audit.Record{}, err
				}
				merge = mergeAboutMe(base, before, &saved)
				if len(merge.Conflicts()) > 0 {
					return audit.Record{}, &AboutMeConflict{merge}
				}
				draft := merge.Draft()
				if draft.normalise() != nil {
					// Each kept the other's section and emptied their own:
					// saving the merge would leave the page blank, so
					// both must look.
					merge.conflictWhereDifferent()
					return audit.Record{}, &AboutMeConflict{merge}
				}
				saved = *draft
			}
			return insertAboutMe(ctx, tx, db.Dialect, op, before, &saved, merge)
		})
		// Another save landed between reading the newest version and
		// writing ours (the unique version caught it): merge again on top
		// of that one.
		if errors.Is(err, errVersionTaken) && attempt < maxMergeAttempts {
			continue
		}
		if errors.Is(err, errVersionTaken) {
			err = store.ErrConflict
		}
		if err == nil {
			*a = saved
		}
		return merge, err
	}
}

// maxMergeAttempts bounds how often one save merges again because other
// saves keep landing first; each lost race means someone else's save
// went in, so a handful is plenty.
const maxMergeAttempts = 8

// errVersionTaken is a version number written by someone else first.
var errVersionTaken = errors.New("people: about me version taken")

// insertAboutMe writes a as the version after before, with its audit row.
func insertAboutMe(ctx context.Context, tx *sql.Tx, dialect store.Dialect, op *access.Opened, before, a *AboutMe, merge *AboutMeMerge) (audit.Record, error) {
	a.Version, a.CreatedAt, a.WrittenByLabel = before.Version+1, store.Now(), op.Subject().Actor.Label
	a.WrittenBy = Author{Name: op.Subject().Account.DisplayName}
	_, err := tx.ExecContext(ctx, `INSERT INTO about_me_versions (id, person_id, version, what_matters, good_day,
		bad_day, how_to_support, important, talk_about, dont_talk_about, in_words_of, written_by, written_by_label, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		valid.NewID(), a.PersonID, a.Version, a.WhatMatters, a.GoodDay, a.BadDay, a.HowToSupport, a.Important,
		a.TalkAbout, a.DontTalkAbout, a.InWordsOf, op.Subject().Account.ID, a.WrittenByLabel, a.CreatedAt)
	if store.IsUniqueViolation(err) {
		return audit.Record{}, errVersionTaken
	}
	if err != nil {
		return audit.Record{}, fmt.Errorf("people: save about me: %w", err)
	}
	if err := indexAboutMe(ctx, tx, dialect, a); err != nil {
		return audit.Record{}, err
	}
	var prev any
	if before.Version > 0 {
		prev = before
	}
	details := map[string]any{"before": prev, "after": a}
	if merge != nil {
		details["merged"] = map[string]any{"started_from": merge.Base.Version, "kept_from": merge.Theirs.Version, "kept": merge.Kept()}
	}
	return audit.Record{Action: "about_me.update", PersonID: a.PersonID,
		Target: fmt.Sprintf("person/%s/about-me/%d", a.PersonID, a.Version), Details: details}, nil
}

// aboutMeVersion reads one version; version 0 is the empty page before
// the first save. A version that does not exist reads as empty too, so a
// merge from it treats every section as changed by both and loses nothing.
func aboutMeVersion(ctx context.Context, r store.Reader, personID string, version int) (*AboutMe, error) {
	a := &AboutMe{PersonID: personID, Version: version}
	if version <= 0 {
		a.Version = 0
		return a, nil
	}
	var name, org sql.NullString
	err := r.QueryRowContext(ctx, `SELECT v.what_matters, v.good_day, v.bad_day, v.how_to_support, v.important, v.talk_about,
		v.dont_talk_about, v.in_words_of, v.written_by_label, v.created_at, a.display_name, o.name
		FROM about_me_versions v `+writerJoin+` WHERE v.person_id = $1 AND v.version = $2`, personID, version).
		Scan(&a.WhatMatters, &a.GoodDay, &a.BadDay, &a.HowToSupport, &a.Important, &a.TalkAbout,
			&a.DontTalkAbout, &a.InWordsOf, &a.WrittenByLabel, &a.CreatedAt, &name, &org)
	a.WrittenBy = authorOf(name, org, a.WrittenByLabel)
	if errors.Is(err, sql.ErrNoRows) {
		return &AboutMe{PersonID: personID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("people: about me version: %w", err)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, nil
}

// AboutMeSections are the form names of About me's sections, in the
// order they are shown: the seven PRSB headings and whose words they are.
var AboutMeSections = []string{"what_matters", "good_day", "bad_day", "how_to_support", "important",
	"talk_about", "dont_talk_about", "in_words_of"}

// Section returns one section's text by its form name.
func (a *AboutMe) Section(name string) string {
	for _, s := range a.sections() {
		if s.field == name {
			return *s.value
		}
	}
	return ""
}

func (a *AboutMe) setSection(name, text string) {
	for _, s := range a.sections() {
		if s.field == name {
			*s.value = text
		}
	}
}

// How a section came out of a three-way merge.
const (
	SectionUnchanged = "unchanged" // nobody changed it
	SectionYours     = "yours"     // only the writer now saving changed it
	SectionTheirs    = "theirs"    // only the version saved meanwhile changed it
	SectionSame      = "same"      // both changed it, to the same words
	SectionBoth      = "both"      // both changed it, differently: the writer must settle it
)

// SectionMerge is one section of About me in a merge.
type SectionMerge struct {
	Name   string // form name, from AboutMeSections
	Base   string // in the version both started from
	Theirs string // in the version saved meanwhile
	Yours  string // as the writer now saving has it
	State  string // Section…
	// Merged is what the merge keeps: the one change, or, where both
	// changed the section differently, their words then yours, so that
	// saving the draft as it stands loses nothing either wrote.
	Merged string
}

// AboutMeMerge is a three-way merge of About me.
type AboutMeMerge struct {
	Base     *AboutMe // the version both started from (Version 0: the empty page)
	Theirs   *AboutMe // the version saved meanwhile, now the newest
	Sections []SectionMerge
}

// mergeAboutMe merges yours and theirs, section by section, against base.
func mergeAboutMe(base, theirs, yours *AboutMe) *AboutMeMerge {
	m := &AboutMeMerge{Base: base, Theirs: theirs}
	for _, name := range AboutMeSections {
		s := SectionMerge{Name: name, Base: base.Section(name), Theirs: theirs.Section(name), Yours: yours.Section(name)}
		switch {
		case s.Yours == s.Theirs && s.Yours == s.Base:
			s.State, s.Merged = SectionUnchanged, s.Base
		case s.Yours == s.Theirs:
			s.State, s.Merged = SectionSame, s.Yours
		case s.Theirs == s.Base:
			s.State, s.Merged = SectionYours, s.Yours
		case s.Yours == s.Base:
			s.State, s.Merged = SectionTheirs, s.Theirs
		default:
			s.State, s.Merged = SectionBoth, bothVersions(s.Theirs, s.Yours)
		}
		m.Sections = append(m.Sections, s)
	}
	return m
}

// bothVersions keeps two writers' words for one section: theirs first
// (saved first), then yours, a blank line between.
func bothVersions(theirs, yours string) string {
	switch {
	case theirs == "":
		return yours
	case yours == "":
		return theirs
	}
	return theirs + "\n\n" + yours
}

// conflictWhereDifferent marks every section where the two versions
// differ as one to settle.
func (m *AboutMeMerge) conflictWhereDifferent() {
	for i := range m.Sections {
		if s := &m.Sections[i]; s.Yours != s.Theirs {
			s.State, s.Merged = SectionBoth, bothVersions(s.Theirs, s.Yours)
		}
	}
}

// Conflicts names the sections both changed differently.
func (m *AboutMeMerge) Conflicts() []string { return m.named(SectionBoth) }

// Kept names the sections where the change saved meanwhile was kept.
func (m *AboutMeMerge) Kept() []string { return m.named(SectionTheirs) }

func (m *AboutMeMerge) named(state string) []string {
	var out []string
	for _, s := range m.Sections {
		if s.State == state {
			out = append(out, s.Name)
		}
	}
	return out
}

// Draft is the merge as a new version written on top of Theirs: saved as
// it stands, it keeps everything both writers wrote.
func (m *AboutMeMerge) Draft() *AboutMe {
	d := &AboutMe{PersonID: m.Theirs.PersonID, Version: m.Theirs.Version}
	for _, s := range m.Sections {
		d.setSection(s.Name, s.Merged)
	}
	return d
}

// AboutMeConflict is a save refused because someone else changed the same
// section meanwhile. Nothing was written. It is a store.ErrConflict.
type AboutMeConflict struct{ *AboutMeMerge }

func (c *AboutMeConflict) Error() string {
	return fmt.Sprintf("people: about me: changed meanwhile in %s", strings.Join(c.Conflicts(), ", "))
}

// Unwrap makes the conflict a store.ErrConflict.
func (c *AboutMeConflict) Unwrap() error { return store.ErrConflict }

// writerJoin finds who wrote a version down, by the account kept with it,
// for their name and organisation.
const writerJoin = `LEFT JOIN accounts a ON a.id = v.written_by LEFT JOIN organisations o ON o.id = a.organisation_id`
