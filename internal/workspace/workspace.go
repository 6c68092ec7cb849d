// Package workspace keeps planning models in the database: each owned by
// an organisation, shared with the organisations it names (nobody else
// sees it: a model out of reach is not found), and versioned, every save
// kept with who made it and when, as planning-model/v1 JSON. The model's
// scenarios are part of its document, so they are versioned with it.
//
// The engine (internal/planning) does the arithmetic; this package only
// stores what it reads and checks who may read and change it. Planners
// of the owning organisation change a model; planners and managers of the
// owning organisation and of those it is shared with read it.
package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// MaxDocument is the largest model document stored, in bytes: a county's
// model with hundreds of categories is well under it.
const MaxDocument = 2 << 20

// ErrNotAllowed is a change by someone who may only read the model.
var ErrNotAllowed = access.ErrNotAllowed

// Model is a stored model's summary: whose it is, its current version,
// and what the reader may do with it.
type Model struct {
	ID               string
	OrganisationID   string
	OrganisationName string
	Name             string
	Version          int
	UpdatedAt        time.Time
	MayEdit          bool // the reader is a planner of the owning organisation
}

// Version is one saved version of a model.
type Version struct {
	Version int
	SavedBy string // the saver's name as it was then
	SavedAt time.Time
	Note    string
}

// Opened is a model with its current document, parsed.
type Opened struct {
	Model
	Doc *planning.Model
}

// reader reports whether the subject's role reads planning models, and
// editor whether it changes them.
func reader(s account.Subject) bool {
	a := s.Account
	return a != nil && !a.Disabled && (a.Role == account.RolePlanner || a.Role == account.RoleManager)
}

func editor(s account.Subject, owner string) bool {
	a := s.Account
	return reader(s) && a.Role == account.RolePlanner && a.OrganisationID == owner
}

// visible is the condition that the subject's organisation owns model m
// or has it shared with it.
func visible(s account.Subject, args *store.Args) string {
	org := args.Add(s.Account.OrganisationID)
	return `(m.organisation_id = ` + org + ` OR EXISTS (SELECT 1 FROM planning_model_shares sh
		WHERE sh.model_id = m.id AND sh.organisation_id = ` + org + `))`
}

const modelColumns = `m.id, m.organisation_id, o.name, m.name, m.version, m.updated_at`

func scanModel(s account.Subject, sc store.Scanner) (Model, error) {
	var m Model
	err := sc.Scan(&m.ID, &m.OrganisationID, &m.OrganisationName, &m.Name, &m.Version, &m.UpdatedAt)
	m.UpdatedAt = m.UpdatedAt.UTC()
	m.MayEdit = editor(s, m.OrganisationID)
	return m, err
}

// List is the models the subject may read, by name.
func List(ctx context.Context, r store.Reader, s account.Subject) ([]Model, error) {
	if !reader(s) {
		return nil, ErrNotAllowed
	}
	args := &store.Args{}
	rows, err := r.QueryContext(ctx, `SELECT `+modelColumns+` FROM planning_models m
		JOIN organisations o ON o.id = m.organisation_id WHERE `+visible(s, args)+` ORDER BY m.name, m.id`, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("workspace: list: %w", err)
	}
	defer rows.Close()
	out := []Model{}
	for rows.Next() {
		m, err := scanModel(s, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Get is one model's summary, or store.ErrNotFound when the subject may
// not read it.
func Get(ctx context.Context, r store.Reader, s account.Subject, id string) (*Model, error) {
	if !reader(s) {
		return nil, ErrNotAllowed
	}
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	args := &store.Args{}
	idArg := args.Add(id)
	m, err := scanModel(s, r.QueryRowContext(ctx, `SELECT `+modelColumns+` FROM planning_models m
		JOIN organisations o ON o.id = m.organisation_id WHERE m.id = `+idArg+` AND `+visible(s, args), args.Values...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workspace: get: %w", err)
	}
	return &m, nil
}

// Open is a model with its document at a version (0 for the current one).
func Open(ctx context.Context, r store.Reader, s account.Subject, id string, version int) (*Opened, error) {
	m, err := Get(ctx, r, s, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = m.Version
	}
	var doc string
	err = r.QueryRowContext(ctx, `SELECT document FROM planning_model_versions WHERE model_id = $1 AND version = $2`,
		id, version).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("workspace: open: %w", err)
	}
	pm, err := planning.Parse([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("workspace: stored model %s version %d does not parse: %w", id, version, err)
	}
	return &Opened{Model: *m, Doc: pm}, nil
}

// Versions are a model's versions, newest first.
func Versions(ctx context.Context, r store.Reader, s account.Subject, id string) ([]Version, error) {
	if _, err := Get(ctx, r, s, id); err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT version, saved_by_name, saved_at, note FROM planning_model_versions
		WHERE model_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("workspace: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.SavedBy, &v.SavedAt, &v.Note); err != nil {
			return nil, err
		}
		v.SavedAt = v.SavedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// Encode is a model as the document stored: planning-model/v1 JSON.
func Encode(m *planning.Model) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("workspace: encode: %w", err)
	}
	return b, nil
}

// checkDoc is the model's document, after the engine has checked it: a
// model that does not validate is never stored.
func checkDoc(m *planning.Model) ([]byte, error) {
	doc, err := Encode(m)
	if err != nil {
		return nil, err
	}
	if len(doc) > MaxDocument {
		return nil, valid.New("document", "planning.document.too_large", MaxDocument/1024)
	}
	if _, err := planning.Parse(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Create stores a new model owned by the subject's organisation, as its
// version 1. m must validate (planning.Problems otherwise).
func Create(ctx context.Context, db *store.DB, s account.Subject, m *planning.Model, note string) (*Model, error) {
	if !reader(s) || s.Account.Role != account.RolePlanner {
		return nil, ErrNotAllowed
	}
	doc, err := checkDoc(m)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	out := &Model{ID: valid.NewID(), OrganisationID: s.Account.OrganisationID, Name: m.Name, Version: 1, UpdatedAt: now, MayEdit: true}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_models (id, organisation_id, name, version, created_at, updated_at)
			VALUES ($1, $2, $3, 1, $4, $4)`, out.ID, out.OrganisationID, out.Name, now); err != nil {
			return fmt.Errorf("workspace: create: %w", err)
		}
		if err := addVersion(ctx, tx, s, out.ID, 1, doc, note, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "planning.model.create", Target: "planning-model/" + out.ID,
			Details: map[string]any{"name": out.Name}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func addVersion(ctx context.Context, tx *sql.Tx, s account.Subject, id string, version int, doc []byte, note string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO planning_model_versions (model_id, version, document, note, saved_by, saved_by_name, saved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, version, string(doc), trimNote(note), store.NullIfEmpty(s.Account.ID),
		s.Account.DisplayName, at)
	if err != nil {
		return fmt.Errorf("workspace: version: %w", err)
	}
	return nil
}

// MaxNote is the longest note kept with a version.
const MaxNote = 500

func trimNote(s string) string { return valid.Clip(strings.TrimSpace(s), MaxNote) }

// Save stores m as a new version of model id. from is the version its
// editor started from: when someone else has saved since, nothing is
// written and the answer is store.ErrConflict. It returns the new
// version's number.
func Save(ctx context.Context, db *store.DB, s account.Subject, id string, from int, m *planning.Model, note string) (int, error) {
	cur, err := Get(ctx, db.Read(), s, id)
	if err != nil {
		return 0, err
	}
	if !cur.MayEdit {
		return 0, ErrNotAllowed
	}
	doc, err := checkDoc(m)
	if err != nil {
		return 0, err
	}
	next := from + 1
	now := store.Now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		// The version named in the WHERE is the one the editor saw: if
		// anyone has saved since, no row changes and it is a conflict.
		if err := store.ExecOne(ctx, tx, `UPDATE planning_models SET version = $1, name = $2, updated_at = $3
			WHERE id = $4 AND version = $5`, next, m.Name, now, id, from); err != nil {
			return err
		}
		if err := addVersion(ctx, tx, s, id, next, doc, note, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "planning.model.save", Target: "planning-model/" + id,
			Details: map[string]any{"version": next, "note": trimNote(note)}})
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

// Organisations are every organisation a model could be shared with, by
// name, and which of them it is shared with now.
func Organisations(ctx context.Context, r store.Reader, s account.Subject, id string) (all []account.Organisation, shared map[string]bool, err error) {
	if _, err := Get(ctx, r, s, id); err != nil {
		return nil, nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT o.id, o.name, o.kind, sh.model_id IS NOT NULL FROM organisations o
		LEFT JOIN planning_model_shares sh ON sh.organisation_id = o.id AND sh.model_id = $1
		ORDER BY o.name, o.id`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("workspace: organisations: %w", err)
	}
	defer rows.Close()
	shared = map[string]bool{}
	for rows.Next() {
		var o account.Organisation
		var on bool
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind, &on); err != nil {
			return nil, nil, err
		}
		all = append(all, o)
		if on {
			shared[o.ID] = true
		}
	}
	return all, shared, rows.Err()
}

// Share sets the organisations model id is shared with (besides its
// owner, who always has it). was is whom the planner saw it shared with:
// if another planner changed that meanwhile, nothing changes and the
// answer is store.ErrConflict.
func Share(ctx context.Context, db *store.DB, s account.Subject, id string, was, orgIDs []string) error {
	cur, err := Get(ctx, db.Read(), s, id)
	if err != nil {
		return err
	}
	if !cur.MayEdit {
		return ErrNotAllowed
	}
	want := map[string]bool{}
	for _, o := range orgIDs {
		if !valid.IsID(o) {
			return valid.New("organisations", "planning.share.unknown")
		}
		if o != cur.OrganisationID {
			want[o] = true
		}
	}
	now := store.Now()
	return db.Tx(ctx, func(tx *sql.Tx) error {
		// Touching the model's row first makes a second sharer wait here
		// until the first has finished, and then read what they saved.
		if err := store.ExecOne(ctx, tx, `UPDATE planning_models SET version = version WHERE id = $1`, id); err != nil {
			return err
		}
		if err := sharedAsSeen(ctx, tx, id, was); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM planning_model_shares WHERE model_id = $1`, id); err != nil {
			return fmt.Errorf("workspace: share: %w", err)
		}
		var names []string
		for o := range want {
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, o).Scan(&name); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return valid.New("organisations", "planning.share.unknown")
				}
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO planning_model_shares (model_id, organisation_id, shared_at)
				VALUES ($1, $2, $3)`, id, o, now); err != nil {
				return fmt.Errorf("workspace: share: %w", err)
			}
			names = append(names, name)
		}
		return audit.Write(ctx, tx, s.Actor, audit.Record{Action: "planning.model.share", Target: "planning-model/" + id,
			Details: map[string]any{"shared_with": names}})
	})
}

// sharedAsSeen is store.ErrConflict unless model id is shared with
// exactly the organisations in was.
func sharedAsSeen(ctx context.Context, tx *sql.Tx, id string, was []string) error {
	rows, err := tx.QueryContext(ctx, `SELECT organisation_id FROM planning_model_shares WHERE model_id = $1`, id)
	if err != nil {
		return fmt.Errorf("workspace: shares: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for _, o := range was {
		seen[o] = true
	}
	n := 0
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return err
		}
		if !seen[o] {
			return store.ErrConflict
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(seen) {
		return store.ErrConflict
	}
	return nil
}
