package people

import (
	"context"
	"database/sql"
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
	WrittenByLabel string    `json:"written_by"`
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
	rows, err := r.QueryContext(ctx, `SELECT person_id, version, what_matters, good_day, bad_day, how_to_support,
		important, talk_about, dont_talk_about, in_words_of, written_by_label, created_at
		FROM about_me_versions WHERE person_id = $1 ORDER BY version DESC LIMIT `+fmt.Sprint(limit), personID)
	if err != nil {
		return nil, fmt.Errorf("people: about me: %w", err)
	}
	defer rows.Close()
	var out []AboutMe
	for rows.Next() {
		var a AboutMe
		if err := rows.Scan(&a.PersonID, &a.Version, &a.WhatMatters, &a.GoodDay, &a.BadDay, &a.HowToSupport,
			&a.Important, &a.TalkAbout, &a.DontTalkAbout, &a.InWordsOf, &a.WrittenByLabel, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveAboutMe writes a new version. a.Version must be the version the
// writer started from (0 for the first); if someone saved in between,
// SaveAboutMe returns store.ErrConflict and writes nothing, so the caller
// can show both versions.
func SaveAboutMe(ctx context.Context, db *store.DB, op *access.Opened, a *AboutMe) error {
	if err := op.MayChange(access.PartAboutMe); err != nil {
		return err
	}
	if err := a.normalise(); err != nil {
		return err
	}
	a.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartAboutMe, func(tx *sql.Tx) (audit.Record, error) {
		before, err := getAboutMe(ctx, tx, a.PersonID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != a.Version {
			return audit.Record{}, store.ErrConflict
		}
		a.Version, a.CreatedAt, a.WrittenByLabel = before.Version+1, store.Now(), op.Subject().Actor.Label
		_, err = tx.ExecContext(ctx, `INSERT INTO about_me_versions (id, person_id, version, what_matters, good_day,
			bad_day, how_to_support, important, talk_about, dont_talk_about, in_words_of, written_by, written_by_label, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
			valid.NewID(), a.PersonID, a.Version, a.WhatMatters, a.GoodDay, a.BadDay, a.HowToSupport, a.Important,
			a.TalkAbout, a.DontTalkAbout, a.InWordsOf, op.Subject().Account.ID, a.WrittenByLabel, a.CreatedAt)
		if store.IsUniqueViolation(err) {
			return audit.Record{}, store.ErrConflict
		}
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: save about me: %w", err)
		}
		var prev any
		if before.Version > 0 {
			prev = before
		}
		return audit.Record{Action: "about_me.update", PersonID: a.PersonID,
			Target: fmt.Sprintf("person/%s/about-me/%d", a.PersonID, a.Version), Details: map[string]any{"before": prev, "after": a}}, nil
	})
}
