// Package directory is the community directory: groups, organisations and
// services in the community that a worker can connect someone to during a
// conversation. An organisation (the council) owns its directory and its
// staff keep it: what each offers, where and when, how to get in touch, and
// when someone last checked it is still true.
package directory

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// messages are this domain's validation messages in English and Welsh.
//
//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Category is a kind of help an entry offers. Its value is what is stored.
type Category string

// The categories, in the order a form offers them.
const (
	Social    Category = "social"    // social groups, lunch clubs
	Practical Category = "practical" // practical help: shopping, gardening, handyperson
	Carers    Category = "carers"    // carers' support
	Advice    Category = "advice"    // advice and information
	Equipment Category = "equipment" // equipment and adaptations
	Transport Category = "transport" // community transport
	Faith     Category = "faith"     // faith groups
	Exercise  Category = "exercise"  // exercise and movement
)

// Categories are every category, in the order a form offers them.
var Categories = []Category{Social, Practical, Carers, Advice, Equipment, Transport, Faith, Exercise}

// CheckEvery is how long an entry stays trusted: after a year without
// anyone checking it, it needs checking (groups close, times change).
const CheckEvery = 12 // months

// Limits on what is typed, so outside input cannot fill the database.
const (
	MaxName   = 200
	MaxOffer  = 2000
	MaxShort  = 200 // area, phone, email, opening times
	MaxWeb    = 300
	MaxSearch = 200
)

// Entry is one group, organisation or service in the directory.
type Entry struct {
	ID             string     `json:"id"`
	OrganisationID string     `json:"organisation_id"`
	Name           string     `json:"name"`
	Offer          string     `json:"offer"` // what they offer, in plain words
	Categories     []Category `json:"categories"`
	Area           string     `json:"area,omitempty"`
	Postcode       string     `json:"postcode,omitempty"`
	Phone          string     `json:"phone,omitempty"`
	Email          string     `json:"email,omitempty"`
	Website        string     `json:"website,omitempty"`
	OpeningTimes   string     `json:"opening_times,omitempty"`
	LastCheckedOn  valid.Date `json:"last_checked_on"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Connections is how many times people were connected to it in a
	// conversation (read, not written).
	Connections int `json:"connections"`
}

// NeedsChecking reports whether nobody has checked the entry for more than
// CheckEvery months as of today.
func (e *Entry) NeedsChecking(today valid.Date) bool {
	return e.LastCheckedOn.IsZero() || e.LastCheckedOn.Time().AddDate(0, CheckEvery, 0).Before(today.Time())
}

// Has reports whether the entry is in category c (for forms).
func (e *Entry) Has(c Category) bool { return slices.Contains(e.Categories, c) }

// MayKeep reports whether an account may add to and change its
// organisation's directory: the council's workers, managers and admins.
func MayKeep(r account.Role) bool {
	return r == account.RolePractitioner || r == account.RoleManager || r == account.RoleAdmin
}

// MayRead reports whether an account may use its organisation's directory:
// the staff who hold conversations and plan, not the person reading their
// own record, whose own portal is another piece of work.
func MayRead(r account.Role) bool {
	switch r {
	case account.RolePractitioner, account.RoleManager, account.RoleAdmin, account.RoleCareHomeStaff,
		account.RoleNHSClinician, account.RolePlanner:
		return true
	}
	return false
}

// Check tidies an entry and checks it without saving, returning every
// problem at once.
func (e *Entry) Check() error {
	for _, f := range []*string{&e.Name, &e.Offer, &e.Area, &e.Phone, &e.Email, &e.Website, &e.OpeningTimes} {
		*f = strings.TrimSpace(*f)
	}
	e.Postcode = normalisePostcode(e.Postcode)
	var ps valid.Problems
	switch {
	case e.Name == "":
		ps.Add("name", "directory.name.required")
	case len([]rune(e.Name)) > MaxName:
		ps.Add("name", "directory.name.too_long", MaxName)
	}
	switch {
	case e.Offer == "":
		ps.Add("offer", "directory.offer.required")
	case len([]rune(e.Offer)) > MaxOffer:
		ps.Add("offer", "directory.offer.too_long", MaxOffer)
	}
	e.Categories = dedupe(e.Categories)
	if len(e.Categories) == 0 {
		ps.Add("categories", "directory.categories.required")
	}
	for _, c := range e.Categories {
		if !slices.Contains(Categories, c) {
			ps.Add("categories", "directory.categories.unknown")
			break
		}
	}
	// Each code written out, so the catalogue test can check it.
	if len([]rune(e.Area)) > MaxShort {
		ps.Add("area", "directory.area.too_long", MaxShort)
	}
	if len([]rune(e.Phone)) > MaxShort {
		ps.Add("phone", "directory.phone.too_long", MaxShort)
	}
	if len([]rune(e.OpeningTimes)) > MaxShort {
		ps.Add("opening_times", "directory.opening_times.too_long", MaxShort)
	}
	if e.Postcode != "" && !postcodePattern(e.Postcode) {
		ps.Add("postcode", "directory.postcode.real")
	}
	switch {
	case e.Email == "":
	case len([]rune(e.Email)) > MaxShort:
		ps.Add("email", "directory.email.too_long", MaxShort)
	default:
		if a, err := mail.ParseAddress(e.Email); err != nil || a.Address != e.Email {
			ps.Add("email", "directory.email.real")
		}
	}
	switch {
	case e.Website == "":
	case len([]rune(e.Website)) > MaxWeb:
		ps.Add("website", "directory.website.too_long", MaxWeb)
	// Shown as a link: only web addresses, never javascript: or the like.
	case !(strings.HasPrefix(e.Website, "https://") || strings.HasPrefix(e.Website, "http://")) ||
		strings.ContainsAny(e.Website, " \t\n\"<>"):
		ps.Add("website", "directory.website.real")
	}
	switch {
	case e.LastCheckedOn.IsZero():
		ps.Add("last_checked_on", "valid.date.required")
	case e.LastCheckedOn.After(valid.Today()):
		ps.Add("last_checked_on", "directory.last_checked_on.future")
	}
	return ps.Err()
}

func dedupe(cs []Category) []Category {
	var out []Category
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Add records a new entry in the subject's organisation's directory.
func Add(ctx context.Context, db *store.DB, s account.Subject, e *Entry) error {
	if s.Account == nil || !MayKeep(s.Account.Role) {
		return ErrNotAllowed
	}
	if err := e.Check(); err != nil {
		return err
	}
	now := store.Now()
	e.ID, e.OrganisationID, e.Version, e.CreatedAt, e.UpdatedAt = valid.NewID(), s.Account.OrganisationID, 1, now, now
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO directory_entries (id, organisation_id, name, offer, area, postcode, phone,
			email, website, opening_times, last_checked_on, version, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
			e.ID, e.OrganisationID, e.Name, e.Offer, e.Area, e.Postcode, e.Phone, e.Email, e.Website, e.OpeningTimes,
			e.LastCheckedOn, e.Version, s.Account.ID, now, now)
		if err != nil {
			return fmt.Errorf("directory: add: %w", err)
		}
		if err := saveCategories(ctx, tx, e); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "directory.create", Target: "directory/" + e.ID,
			Details: map[string]any{"after": e}})
	})
}

// Update saves changes to an entry of the subject's organisation. e.Version
// must be the version the editor started from; if someone saved in
// between, Update returns store.ErrConflict and changes nothing.
func Update(ctx context.Context, db *store.DB, s account.Subject, e *Entry) error {
	if s.Account == nil || !MayKeep(s.Account.Role) {
		return ErrNotAllowed
	}
	if err := e.Check(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		before, err := Get(ctx, tx, s, e.ID)
		if err != nil {
			return err
		}
		if before.Version != e.Version {
			return store.ErrConflict
		}
		now := store.Now()
		err = store.ExecOne(ctx, tx, `UPDATE directory_entries SET name = $1, offer = $2, area = $3, postcode = $4, phone = $5,
			email = $6, website = $7, opening_times = $8, last_checked_on = $9, version = version + 1, updated_at = $10
			WHERE id = $11 AND version = $12`,
			e.Name, e.Offer, e.Area, e.Postcode, e.Phone, e.Email, e.Website, e.OpeningTimes, e.LastCheckedOn, now, e.ID, e.Version)
		if err != nil {
			return fmt.Errorf("directory: update: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM directory_entry_categories WHERE entry_id = $1`, e.ID); err != nil {
			return fmt.Errorf("directory: update categories: %w", err)
		}
		if err := saveCategories(ctx, tx, e); err != nil {
			return err
		}
		e.OrganisationID, e.CreatedAt, e.UpdatedAt, e.Version = before.OrganisationID, before.CreatedAt, now, before.Version+1
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "directory.update", Target: "directory/" + e.ID,
			Details: map[string]any{"before": before, "after": e}})
	})
}

func saveCategories(ctx context.Context, tx *sql.Tx, e *Entry) error {
	for _, c := range e.Categories {
		if _, err := tx.ExecContext(ctx, `INSERT INTO directory_entry_categories (entry_id, category) VALUES ($1, $2)`, e.ID, c); err != nil {
			return fmt.Errorf("directory: category: %w", err)
		}
	}
	return nil
}

// ErrNotAllowed is the refusal of a role that may not keep the directory.
var ErrNotAllowed = errors.New("directory: not allowed")

const entryColumns = `e.id, e.organisation_id, e.name, e.offer, e.area, e.postcode, e.phone, e.email, e.website,
	e.opening_times, e.last_checked_on, e.version, e.created_at, e.updated_at,
	(SELECT COUNT(*) FROM conversation_connections c WHERE c.directory_entry_id = e.id)`

func scanEntry(s store.Scanner) (*Entry, error) {
	var e Entry
	err := s.Scan(&e.ID, &e.OrganisationID, &e.Name, &e.Offer, &e.Area, &e.Postcode, &e.Phone, &e.Email, &e.Website,
		&e.OpeningTimes, &e.LastCheckedOn, &e.Version, &e.CreatedAt, &e.UpdatedAt, &e.Connections)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return &e, nil
}

// Get reads one entry of the subject's organisation's directory; another
// organisation's, or none, is store.ErrNotFound.
func Get(ctx context.Context, r store.Reader, s account.Subject, id string) (*Entry, error) {
	if s.Account == nil || !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	e, err := scanEntry(r.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM directory_entries e
		WHERE e.id = $1 AND e.organisation_id = $2`, id, s.Account.OrganisationID))
	if err != nil {
		return nil, err
	}
	list := []Entry{*e}
	if err := loadCategories(ctx, r, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// MaxResults bounds one search's list.
const MaxResults = 500

// Search lists the subject's organisation's entries whose name, offer or
// area hold every word of q, in category c if one is given, by name.
func Search(ctx context.Context, r store.Reader, s account.Subject, q string, c Category) ([]Entry, error) {
	if s.Account == nil {
		return nil, nil
	}
	var args store.Args
	where := []string{"e.organisation_id = " + args.Add(s.Account.OrganisationID)}
	for _, w := range strings.Fields(strings.ToLower(valid.Clip(q, MaxSearch))) {
		p := args.Add("%" + store.LikeEscape(w) + "%")
		where = append(where, fmt.Sprintf(`(LOWER(e.name) LIKE %[1]s ESCAPE '\' OR LOWER(e.offer) LIKE %[1]s ESCAPE '\'
			OR LOWER(e.area) LIKE %[1]s ESCAPE '\' OR LOWER(e.postcode) LIKE %[1]s ESCAPE '\')`, p))
	}
	if c != "" {
		where = append(where, `EXISTS (SELECT 1 FROM directory_entry_categories k WHERE k.entry_id = e.id AND k.category = `+args.Add(string(c))+`)`)
	}
	rows, err := r.QueryContext(ctx, `SELECT `+entryColumns+` FROM directory_entries e WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY LOWER(e.name), e.id LIMIT %d`, MaxResults), args.Values...)
	if err != nil {
		return nil, fmt.Errorf("directory: search: %w", err)
	}
	out, err := store.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, err
	}
	return out, loadCategories(ctx, r, out)
}

// loadCategories fills in the entries' categories, in the form's order.
func loadCategories(ctx context.Context, r store.Reader, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	index := map[string]int{}
	var args store.Args
	var ph []string
	for i, e := range entries {
		index[e.ID] = i
		ph = append(ph, args.Add(e.ID))
	}
	rows, err := r.QueryContext(ctx, `SELECT entry_id, category FROM directory_entry_categories WHERE entry_id IN (`+
		strings.Join(ph, ",")+`)`, args.Values...)
	if err != nil {
		return fmt.Errorf("directory: categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c Category
		if err := rows.Scan(&id, &c); err != nil {
			return err
		}
		entries[index[id]].Categories = append(entries[index[id]].Categories, c)
	}
	for i := range entries {
		slices.SortFunc(entries[i].Categories, func(a, b Category) int {
			return slices.Index(Categories, a) - slices.Index(Categories, b)
		})
	}
	return rows.Err()
}

// normalisePostcode writes a postcode as Royal Mail does (people's rule).
func normalisePostcode(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return people.NormalisePostcode(s)
}

// A UK postcode (GOV.UK's pattern, after normalising).
var postcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$`)

func postcodePattern(s string) bool { return postcodeRE.MatchString(s) }
