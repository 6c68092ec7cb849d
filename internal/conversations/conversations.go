// Package conversations holds the conversations on a person's record that
// replace assessment-for-a-package: listen and connect (what matters, the
// strengths noticed, what the person and the people around them can do,
// the connections made), and working intensively in a crisis (an emergency
// plan of the few things that must change now, each with an owner and a
// date, and a named worker who stays with it). Every read and change goes
// through the person gate (access.Opened) and is audited.
package conversations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/i18n"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }

// Kind is which conversation it is.
type Kind string

// The kinds of conversation.
const (
	ListenConnect Kind = "listen_connect" // conversation 1
	Crisis        Kind = "crisis"         // conversation 2
)

// Kinds are every kind of conversation.
var Kinds = []Kind{ListenConnect, Crisis}

// Ending is how a conversation ended.
type Ending string

// Endings: most people's conversation ends resolved; a crisis opens a
// crisis conversation; building a good life is the third conversation.
const (
	Open     Ending = ""
	Resolved Ending = "resolved"
	ToCrisis Ending = "crisis"
	GoodLife Ending = "good_life"
)

// Endings are the endings a listen-and-connect conversation offers, the
// easy one first. A crisis ends resolved or moving on to a good life.
var (
	Endings       = []Ending{Resolved, ToCrisis, GoodLife}
	CrisisEndings = []Ending{Resolved, GoodLife}
)

// ConnectionKind is what someone was connected to.
type ConnectionKind string

// The kinds of connection, in the order a form offers them.
const (
	Information ConnectionKind = "information" // information and advice
	Equipment   ConnectionKind = "equipment"
	Directory   ConnectionKind = "directory" // an entry in the community directory
	Neighbour   ConnectionKind = "neighbour"
	Circle      ConnectionKind = "circle"
	Other       ConnectionKind = "other"
)

// ConnectionKinds are every kind of connection.
var ConnectionKinds = []ConnectionKind{Information, Equipment, Directory, Neighbour, Circle, Other}

// Limits on what is typed.
const (
	MaxWords  = 4000 // what matters, strengths noticed, what they can do, a closing note
	MaxShort  = 300  // who took part, a connection's detail, an action, an owner's name
	MaxAction = 20   // actions in one emergency plan: a plan is the few things that must change now
	// MaxConnections bounds the connections recorded with one conversation
	// (the form offers two; a longer list is not a conversation's).
	MaxConnections = 20
)

// Conversation is one conversation held with the person.
type Conversation struct {
	ID               string       `json:"id"`
	PersonID         string       `json:"person_id"`
	Kind             Kind         `json:"kind"`
	HeldOn           valid.Date   `json:"held_on"`
	TookPart         string       `json:"took_part"`
	WhatMatters      string       `json:"what_matters"`
	StrengthsNoticed string       `json:"strengths_noticed"`
	CanDo            string       `json:"can_do"` // what the person and the people around them can do
	FollowsID        string       `json:"follows_id,omitempty"`
	WorkerID         string       `json:"worker_id,omitempty"` // a crisis: the worker who stays with it
	WorkerName       string       `json:"-"`
	Ended            Ending       `json:"ended"`
	EndedOn          valid.Date   `json:"ended_on,omitzero"`
	EndNote          string       `json:"end_note,omitempty"`
	Version          int          `json:"version"`
	CreatedAt        time.Time    `json:"created_at"`
	Connections      []Connection `json:"connections,omitempty"`
	Actions          []Action     `json:"actions,omitempty"`
	OutcomeIDs       []string     `json:"outcome_ids,omitempty"` // outcomes it added to the record
	Help             []Help       `json:"help,omitempty"`        // a crisis: short-term help and small sums
	CheckIns         []CheckIn    `json:"check_ins,omitempty"`
	Spent            int          `json:"spent_pence,omitempty"` // the sums, added up
	NextID           string       `json:"-"`                     // the crisis conversation it led to
}

// Connection is something the person was connected to.
type Connection struct {
	ID               string         `json:"id"`
	Kind             ConnectionKind `json:"kind"`
	DirectoryEntryID string         `json:"directory_entry_id,omitempty"`
	EntryName        string         `json:"-"`
	Detail           string         `json:"detail,omitempty"`
}

// ActionStatus is where an emergency plan's action stands.
type ActionStatus string

// Action statuses.
const (
	ToDo    ActionStatus = "to_do"
	Doing   ActionStatus = "doing"
	Done    ActionStatus = "done"
	Dropped ActionStatus = "dropped"
)

// ActionStatuses are every status, in the order a form offers them.
var ActionStatuses = []ActionStatus{ToDo, Doing, Done, Dropped}

// Action is one of the few things that must change now.
type Action struct {
	ID             string       `json:"id"`
	ConversationID string       `json:"conversation_id"`
	PersonID       string       `json:"person_id"`
	What           string       `json:"what"`
	OwnerName      string       `json:"owner_name,omitempty"`
	OwnerAccountID string       `json:"owner_account_id,omitempty"`
	DueOn          valid.Date   `json:"due_on"`
	Status         ActionStatus `json:"status"`
	Version        int          `json:"version"`
	PersonName     string       `json:"-"` // on the home page's list
}

// Owner is who owns the action, by name.
func (a *Action) Owner() string { return a.OwnerName }

// Overdue reports whether the action is still to be done after its date.
func (a *Action) Overdue(today valid.Date) bool {
	return (a.Status == ToDo || a.Status == Doing) && a.DueOn.Before(today)
}

// IsOpen reports whether the conversation has not ended.
func (c *Conversation) IsOpen() bool { return c.Ended == Open }

// OverdueActions counts the conversation's actions past their date.
func (c *Conversation) OverdueActions(today valid.Date) int {
	n := 0
	for i := range c.Actions {
		if c.Actions[i].Overdue(today) {
			n++
		}
	}
	return n
}

func tooLong(s string, n int) bool { return len([]rune(s)) > n }

// Check tidies a new conversation and checks it without saving, every
// problem at once, so a page can check it before it adds what matters to
// the person's outcomes.
func (c *Conversation) Check() error {
	for _, f := range []*string{&c.TookPart, &c.WhatMatters, &c.StrengthsNoticed, &c.CanDo, &c.EndNote} {
		*f = strings.TrimSpace(*f)
	}
	var ps valid.Problems
	switch {
	case c.HeldOn.IsZero():
		ps.Add("held_on", "valid.date.required")
	case c.HeldOn.After(valid.Today()):
		ps.Add("held_on", "conversation.held_on.future")
	}
	switch {
	case c.TookPart == "":
		ps.Add("took_part", "conversation.took_part.required")
	case tooLong(c.TookPart, MaxShort):
		ps.Add("took_part", "conversation.took_part.too_long", MaxShort)
	}
	if c.Kind == ListenConnect && c.WhatMatters == "" {
		ps.Add("what_matters", "conversation.what_matters.required")
	}
	// Each code written out, so the catalogue test can check it.
	if tooLong(c.WhatMatters, MaxWords) {
		ps.Add("what_matters", "conversation.what_matters.too_long", MaxWords)
	}
	if tooLong(c.StrengthsNoticed, MaxWords) {
		ps.Add("strengths_noticed", "conversation.strengths_noticed.too_long", MaxWords)
	}
	if tooLong(c.CanDo, MaxWords) {
		ps.Add("can_do", "conversation.can_do.too_long", MaxWords)
	}
	if tooLong(c.EndNote, MaxWords) {
		ps.Add("end_note", "conversation.end_note.too_long", MaxWords)
	}
	if len(c.Connections) > MaxConnections {
		ps.Add("connection_kind", "conversation.connections.too_many", MaxConnections)
	}
	if c.Ended != Open && !slices.Contains(Endings, c.Ended) {
		ps.Add("ended", "conversation.ended.required")
	}
	for i := range c.Connections {
		k := &c.Connections[i]
		k.Detail = strings.TrimSpace(k.Detail)
		switch {
		case !slices.Contains(ConnectionKinds, k.Kind):
			ps.Add("connection_kind", "conversation.connection.kind")
		case k.Kind == Directory && !valid.IsID(k.DirectoryEntryID):
			ps.Add("directory_entry", "conversation.connection.entry_required")
		case k.Kind != Directory && k.Detail == "":
			ps.Add("connection_detail", "conversation.connection.detail_required")
		}
		if tooLong(k.Detail, MaxShort) {
			ps.Add("connection_detail", "conversation.connection.detail_too_long", MaxShort)
		}
	}
	return ps.Err()
}

// Start records a listen-and-connect conversation, its connections, the
// outcomes it adds to the person's record (what matters, in their words)
// and how it ended, in one transaction: all of it is written or none.
// Ending in a crisis opens the crisis conversation in the same
// transaction, with the subject as the worker who stays with it.
func Start(ctx context.Context, db *store.DB, op *access.Opened, c *Conversation, outcomes ...*people.Outcome) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	c.Kind = ListenConnect
	if err := c.Check(); err != nil {
		return err
	}
	now := store.Now()
	me := op.Subject().Account.ID
	c.ID, c.PersonID, c.Version, c.CreatedAt, c.OutcomeIDs = valid.NewID(), op.PersonID(), 1, now, nil
	if c.Ended != Open {
		c.EndedOn = c.HeldOn
	}
	return access.Change(ctx, db, op, access.PartConversations, func(tx *sql.Tx) (audit.Record, error) {
		for _, o := range outcomes {
			if err := people.AddOutcomeTx(ctx, tx, db.Dialect, op, o); err != nil {
				return audit.Record{}, err
			}
			c.OutcomeIDs = append(c.OutcomeIDs, o.ID)
		}
		if err := insert(ctx, tx, c, me, now); err != nil {
			return audit.Record{}, err
		}
		for i := range c.Connections {
			k := &c.Connections[i]
			if k.Kind == Directory {
				// Only an entry of the worker's own organisation's directory.
				var name string
				err := tx.QueryRowContext(ctx, `SELECT name FROM directory_entries WHERE id = $1 AND organisation_id = $2`,
					k.DirectoryEntryID, op.Subject().Account.OrganisationID).Scan(&name)
				if errors.Is(err, sql.ErrNoRows) {
					return audit.Record{}, valid.Problems{valid.New("directory_entry", "conversation.connection.entry_required")}
				}
				if err != nil {
					return audit.Record{}, err
				}
				k.EntryName = name
			}
			k.ID = valid.NewID()
			_, err := tx.ExecContext(ctx, `INSERT INTO conversation_connections (id, conversation_id, person_id, kind,
				directory_entry_id, detail, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
				k.ID, c.ID, c.PersonID, k.Kind, store.NullIfEmpty(k.DirectoryEntryID), k.Detail, me, now)
			if err != nil {
				return audit.Record{}, fmt.Errorf("conversations: connection: %w", err)
			}
		}
		for _, id := range c.OutcomeIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_record_links (conversation_id, outcome_id, created_at)
				VALUES ($1,$2,$3)`, c.ID, id, now); err != nil {
				return audit.Record{}, fmt.Errorf("conversations: outcome link: %w", err)
			}
		}
		if c.Ended == ToCrisis {
			next := &Conversation{ID: valid.NewID(), PersonID: c.PersonID, Kind: Crisis, HeldOn: c.HeldOn, TookPart: c.TookPart,
				WhatMatters: c.WhatMatters, FollowsID: c.ID, WorkerID: me, Version: 1}
			if err := insert(ctx, tx, next, me, now); err != nil {
				return audit.Record{}, err
			}
			c.NextID = next.ID
		}
		return audit.Record{Action: "conversation.create", Target: "conversation/" + c.ID, Details: map[string]any{"after": c}}, nil
	})
}

func insert(ctx context.Context, tx *sql.Tx, c *Conversation, by string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, person_id, kind, held_on, took_part, what_matters,
		strengths_noticed, can_do, follows_id, worker_id, ended, ended_on, end_note, version, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		c.ID, c.PersonID, c.Kind, c.HeldOn, c.TookPart, c.WhatMatters, c.StrengthsNoticed, c.CanDo,
		store.NullIfEmpty(c.FollowsID), store.NullIfEmpty(c.WorkerID), c.Ended, c.EndedOn, c.EndNote, c.Version, by, now, now)
	if err != nil {
		return fmt.Errorf("conversations: insert: %w", err)
	}
	return nil
}

// StartCrisis opens a crisis conversation directly (someone arrives in
// crisis), with the subject as the worker who stays with it.
func StartCrisis(ctx context.Context, db *store.DB, op *access.Opened, c *Conversation) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	c.Kind, c.Ended, c.Connections = Crisis, Open, nil
	if err := c.Check(); err != nil {
		return err
	}
	now := store.Now()
	me := op.Subject().Account.ID
	c.ID, c.PersonID, c.Version, c.CreatedAt, c.WorkerID = valid.NewID(), op.PersonID(), 1, now, me
	return access.Change(ctx, db, op, access.PartConversations, func(tx *sql.Tx) (audit.Record, error) {
		if err := insert(ctx, tx, c, me, now); err != nil {
			return audit.Record{}, err
		}
		return audit.Record{Action: "conversation.create", Target: "conversation/" + c.ID, Details: map[string]any{"after": c}}, nil
	})
}

// Close ends an open crisis conversation with how it ended and a note.
// version must be the version the closer started from, or
// store.ErrConflict is returned and nothing changes.
func Close(ctx context.Context, db *store.DB, op *access.Opened, id string, version int, ended Ending, on valid.Date, note string) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	var ps valid.Problems
	if !slices.Contains(CrisisEndings, ended) {
		ps.Add("ended", "conversation.ended.required")
	}
	switch {
	case on.IsZero():
		ps.Add("ended_on", "valid.date.required")
	case on.After(valid.Today()):
		ps.Add("ended_on", "conversation.ended_on.future")
	}
	switch {
	case note == "":
		ps.Add("end_note", "conversation.end_note.required")
	case tooLong(note, MaxWords):
		ps.Add("end_note", "conversation.end_note.too_long", MaxWords)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartConversations, func(tx *sql.Tx) (audit.Record, error) {
		before, err := get(ctx, tx, op, id)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Kind != Crisis {
			return audit.Record{}, store.ErrNotFound
		}
		// A crisis someone closed since the closer's page was drawn has a
		// newer version: the closer hears of the conflict, not that it is
		// gone.
		if before.Version != version {
			return audit.Record{}, store.ErrConflict
		}
		if !before.IsOpen() {
			return audit.Record{}, store.ErrNotFound
		}
		err = store.ExecOne(ctx, tx, `UPDATE conversations SET ended = $1, ended_on = $2, end_note = $3, version = version + 1,
			updated_at = $4 WHERE id = $5 AND version = $6`, ended, on, note, store.Now(), id, version)
		if err != nil {
			return audit.Record{}, fmt.Errorf("conversations: close: %w", err)
		}
		return audit.Record{Action: "conversation.close", Target: "conversation/" + id,
			Details: map[string]any{"ended": ended, "ended_on": on, "note": note}}, nil
	})
}

// Check tidies an action and checks it without saving.
func (a *Action) Check() error {
	a.What, a.OwnerName = strings.TrimSpace(a.What), strings.TrimSpace(a.OwnerName)
	if a.Status == "" {
		a.Status = ToDo
	}
	var ps valid.Problems
	switch {
	case a.What == "":
		ps.Add("what", "action.what.required")
	case tooLong(a.What, MaxShort):
		ps.Add("what", "action.what.too_long", MaxShort)
	}
	switch {
	case a.OwnerName == "":
		ps.Add("owner_name", "action.owner.required")
	case tooLong(a.OwnerName, MaxShort):
		ps.Add("owner_name", "action.owner.too_long", MaxShort)
	}
	if a.DueOn.IsZero() {
		ps.Add("due_on", "valid.date.required")
	}
	if !slices.Contains(ActionStatuses, a.Status) {
		ps.Add("status", "action.status.required")
	}
	return ps.Err()
}

// AddAction adds a thing that must change now to an open crisis's plan.
func AddAction(ctx context.Context, db *store.DB, op *access.Opened, a *Action) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	if err := a.Check(); err != nil {
		return err
	}
	now := store.Now()
	a.ID, a.PersonID, a.Version = valid.NewID(), op.PersonID(), 1
	return inOpenCrisis(ctx, db, op, a.ConversationID, func(tx *sql.Tx) (audit.Record, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM crisis_actions WHERE conversation_id = $1`, a.ConversationID).Scan(&n); err != nil {
			return audit.Record{}, err
		}
		if n >= MaxAction {
			return audit.Record{}, valid.Problems{valid.New("what", "action.too_many", MaxAction)}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO crisis_actions (id, conversation_id, person_id, what, owner_name,
			owner_account_id, due_on, status, version, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
			a.ID, a.ConversationID, a.PersonID, a.What, a.OwnerName, store.NullIfEmpty(a.OwnerAccountID), a.DueOn, a.Status, a.Version,
			op.Subject().Account.ID, now, now)
		if err != nil {
			return audit.Record{}, fmt.Errorf("conversations: add action: %w", err)
		}
		return audit.Record{Action: "conversation.action.create", Target: "conversation/" + a.ConversationID + "/action/" + a.ID,
			Details: map[string]any{"after": a}}, nil
	})
}

// SetActionStatus moves an action on (doing, done, dropped). version must
// be the version the editor started from, or store.ErrConflict is
// returned and nothing changes.
func SetActionStatus(ctx context.Context, db *store.DB, op *access.Opened, actionID string, version int, status ActionStatus) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	if !slices.Contains(ActionStatuses, status) {
		return valid.Problems{valid.New("status", "action.status.required")}
	}
	return access.Change(ctx, db, op, access.PartConversations, func(tx *sql.Tx) (audit.Record, error) {
		var before Action
		err := tx.QueryRowContext(ctx, `SELECT id, conversation_id, person_id, what, owner_name, due_on, status, version
			FROM crisis_actions WHERE id = $1 AND person_id = $2`, actionID, op.PersonID()).Scan(&before.ID, &before.ConversationID,
			&before.PersonID, &before.What, &before.OwnerName, &before.DueOn, &before.Status, &before.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return audit.Record{}, store.ErrNotFound
		}
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != version {
			return audit.Record{}, store.ErrConflict
		}
		err = store.ExecOne(ctx, tx, `UPDATE crisis_actions SET status = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND version = $4`, status, store.Now(), actionID, version)
		if err != nil {
			return audit.Record{}, fmt.Errorf("conversations: action status: %w", err)
		}
		return audit.Record{Action: "conversation.action.update", Target: "conversation/" + before.ConversationID + "/action/" + actionID,
			Details: map[string]any{"before": before.Status, "after": status}}, nil
	})
}
