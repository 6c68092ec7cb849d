package conversations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

const columns = `c.id, c.person_id, c.kind, c.held_on, c.took_part, c.what_matters, c.strengths_noticed, c.can_do,
	COALESCE(c.follows_id, ''), COALESCE(c.worker_id, ''), COALESCE(a.display_name, ''), c.ended, c.ended_on, c.end_note,
	c.version, c.created_at, COALESCE((SELECT n.id FROM conversations n WHERE n.follows_id = c.id), '')`

const from = ` FROM conversations c LEFT JOIN accounts a ON a.id = c.worker_id`

func scan(s store.Scanner) (*Conversation, error) {
	var c Conversation
	err := s.Scan(&c.ID, &c.PersonID, &c.Kind, &c.HeldOn, &c.TookPart, &c.WhatMatters, &c.StrengthsNoticed, &c.CanDo,
		&c.FollowsID, &c.WorkerID, &c.WorkerName, &c.Ended, &c.EndedOn, &c.EndNote, &c.Version, &c.CreatedAt, &c.NextID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// get reads one of the opened person's conversations, without its parts;
// another person's is not found.
func get(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Conversation, error) {
	if !valid.IsID(id) {
		return nil, store.ErrNotFound
	}
	return scan(r.QueryRowContext(ctx, `SELECT `+columns+from+` WHERE c.id = $1 AND c.person_id = $2`, id, op.PersonID()))
}

// Get reads one of the opened person's conversations with its connections,
// its emergency plan and the outcomes it added.
func Get(ctx context.Context, r store.Reader, op *access.Opened, id string) (*Conversation, error) {
	if err := op.Reads(access.PartConversations); err != nil {
		return nil, err
	}
	c, err := get(ctx, r, op, id)
	if err != nil {
		return nil, err
	}
	list := []Conversation{*c}
	if err := loadParts(ctx, r, op.PersonID(), list); err != nil {
		return nil, err
	}
	if c.Kind == Crisis {
		if err := loadCrisis(ctx, r, &list[0]); err != nil {
			return nil, err
		}
	}
	return &list[0], nil
}

// List is the opened person's conversations, newest first, with their
// parts.
func List(ctx context.Context, r store.Reader, op *access.Opened) ([]Conversation, error) {
	if err := op.Reads(access.PartConversations); err != nil {
		return nil, err
	}
	rows, err := r.QueryContext(ctx, `SELECT `+columns+from+` WHERE c.person_id = $1 ORDER BY c.held_on DESC, c.created_at DESC`, op.PersonID())
	if err != nil {
		return nil, fmt.Errorf("conversations: list: %w", err)
	}
	out, err := store.CollectRows(rows, scan)
	if err != nil {
		return nil, err
	}
	return out, loadParts(ctx, r, op.PersonID(), out)
}

// loadParts fills in the conversations' connections, actions and outcome
// links, one query each for the person.
func loadParts(ctx context.Context, r store.Reader, personID string, cs []Conversation) error {
	index := map[string]int{}
	for i, c := range cs {
		index[c.ID] = i
	}
	rows, err := r.QueryContext(ctx, `SELECT k.conversation_id, k.id, k.kind, COALESCE(k.directory_entry_id, ''), COALESCE(e.name, ''), k.detail
		FROM conversation_connections k LEFT JOIN directory_entries e ON e.id = k.directory_entry_id
		WHERE k.person_id = $1 ORDER BY k.created_at, k.id`, personID)
	if err != nil {
		return fmt.Errorf("conversations: connections: %w", err)
	}
	for rows.Next() {
		var cid string
		var k Connection
		if err := rows.Scan(&cid, &k.ID, &k.Kind, &k.DirectoryEntryID, &k.EntryName, &k.Detail); err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[cid]; ok {
			cs[i].Connections = append(cs[i].Connections, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = r.QueryContext(ctx, `SELECT id, conversation_id, person_id, what, owner_name, COALESCE(owner_account_id, ''), due_on,
		status, version FROM crisis_actions WHERE person_id = $1 ORDER BY due_on, created_at, id`, personID)
	if err != nil {
		return fmt.Errorf("conversations: actions: %w", err)
	}
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.ConversationID, &a.PersonID, &a.What, &a.OwnerName, &a.OwnerAccountID, &a.DueOn, &a.Status, &a.Version); err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[a.ConversationID]; ok {
			cs[i].Actions = append(cs[i].Actions, a)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = r.QueryContext(ctx, `SELECT l.conversation_id, l.outcome_id FROM conversation_record_links l
		JOIN conversations c ON c.id = l.conversation_id WHERE c.person_id = $1 AND l.outcome_id IS NOT NULL`, personID)
	if err != nil {
		return fmt.Errorf("conversations: outcome links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid, oid string
		if err := rows.Scan(&cid, &oid); err != nil {
			return err
		}
		if i, ok := index[cid]; ok {
			cs[i].OutcomeIDs = append(cs[i].OutcomeIDs, oid)
		}
	}
	return rows.Err()
}

// OverdueActions lists the emergency plans' actions past their date, still
// to do, across the people whose conversations the subject may read, for
// their home page: the oldest first.
func OverdueActions(ctx context.Context, db *store.DB, s account.Subject, today valid.Date) ([]Action, error) {
	var args store.Args
	readable := access.Readable(s, access.PartConversations, "p.id", &args)
	rows, err := db.Read().QueryContext(ctx, `SELECT x.id, x.conversation_id, x.person_id, x.what, x.owner_name, x.due_on, x.status,
		x.version, p.given_name, p.family_name, p.preferred_name
		FROM crisis_actions x JOIN conversations c ON c.id = x.conversation_id JOIN people p ON p.id = x.person_id
		WHERE x.status IN ('to_do','doing') AND c.ended = '' AND x.due_on < `+args.Add(today.String())+` AND `+readable+`
		ORDER BY x.due_on, x.id LIMIT 500`, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("conversations: overdue: %w", err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		var p people.Person
		if err := rows.Scan(&a.ID, &a.ConversationID, &a.PersonID, &a.What, &a.OwnerName, &a.DueOn, &a.Status, &a.Version,
			&p.GivenName, &p.FamilyName, &p.PreferredName); err != nil {
			return nil, err
		}
		a.PersonName = p.Name()
		out = append(out, a)
	}
	return out, rows.Err()
}
