package conversations

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// MaxPence bounds one small sum spent in a crisis: £5,000. More than that
// is funded support, planned in a good-life conversation, not a crisis's
// small sums.
const MaxPence = 500000

// Help is short-term help arranged in a crisis, and what it cost (integer
// pence; 0 for help that cost nothing).
type Help struct {
	ID     string     `json:"id"`
	OnDate valid.Date `json:"on_date"`
	Help   string     `json:"help"`
	Pence  int        `json:"amount_pence"`
}

// Pounds is the amount as people write it: £12.50.
func (h Help) Pounds() string { return FormatPence(h.Pence) }

// FormatPence writes pence as pounds: 1250 is "£12.50".
func FormatPence(p int) string { return fmt.Sprintf("£%d.%02d", p/100, p%100) }

// CheckIn is one time the worker checked in with the person.
type CheckIn struct {
	ID     string     `json:"id"`
	OnDate valid.Date `json:"on_date"`
	Note   string     `json:"note"`
}

var poundsPattern = regexp.MustCompile(`^£?\s*([0-9]{1,7})(?:\.([0-9]{1,2}))?$`)

// ParsePounds reads an amount typed as pounds ("12.50", "£12", "") into
// pence; empty is nothing spent.
func ParsePounds(field, s string) (int, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, nil
	}
	m := poundsPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, valid.New(field, "help.amount.real")
	}
	pounds, _ := strconv.Atoi(m[1])
	pence, _ := strconv.Atoi(m[2] + strings.Repeat("0", 2-len(m[2])))
	return pounds*100 + pence, nil
}

// Check tidies help and checks it without saving.
func (h *Help) Check() error {
	h.Help = strings.TrimSpace(h.Help)
	var ps valid.Problems
	switch {
	case h.Help == "":
		ps.Add("help", "help.help.required")
	case tooLong(h.Help, MaxShort):
		ps.Add("help", "help.help.too_long", MaxShort)
	}
	switch {
	case h.Pence < 0:
		ps.Add("amount", "help.amount.real")
	case h.Pence > MaxPence:
		ps.Add("amount", "help.amount.too_much", FormatPence(MaxPence))
	}
	ps = append(ps, pastDate("help_on", h.OnDate)...)
	return ps.Err()
}

func pastDate(field string, d valid.Date) valid.Problems {
	var ps valid.Problems
	switch {
	case d.IsZero():
		ps.Add(field, "valid.date.required")
	case d.After(valid.Today()):
		ps.Add(field, "help.on_date.future")
	}
	return ps
}

// AddHelp records short-term help arranged, and what it cost, in an open
// crisis.
func AddHelp(ctx context.Context, db *store.DB, op *access.Opened, conversationID string, h *Help) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	if err := h.Check(); err != nil {
		return err
	}
	h.ID = valid.NewID()
	return inOpenCrisis(ctx, db, op, conversationID, func(tx *sql.Tx) (audit.Record, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO crisis_help (id, conversation_id, person_id, on_date, help, amount_pence,
			created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
			h.ID, conversationID, op.PersonID(), h.OnDate, h.Help, h.Pence, op.Subject().Account.ID, store.Now())
		if err != nil {
			return audit.Record{}, fmt.Errorf("conversations: help: %w", err)
		}
		return audit.Record{Action: "conversation.help.create", Target: "conversation/" + conversationID + "/help/" + h.ID,
			Details: map[string]any{"after": h}}, nil
	})
}

// AddCheckIn records a check-in with the person in an open crisis.
func AddCheckIn(ctx context.Context, db *store.DB, op *access.Opened, conversationID string, c *CheckIn) error {
	if err := op.MayChange(access.PartConversations); err != nil {
		return err
	}
	c.Note = strings.TrimSpace(c.Note)
	ps := pastDate("checkin_on", c.OnDate)
	switch {
	case c.Note == "":
		ps.Add("checkin_note", "checkin.note.required")
	case tooLong(c.Note, MaxWords):
		ps.Add("checkin_note", "checkin.note.too_long", MaxWords)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	c.ID = valid.NewID()
	return inOpenCrisis(ctx, db, op, conversationID, func(tx *sql.Tx) (audit.Record, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO crisis_checkins (id, conversation_id, person_id, on_date, note, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, c.ID, conversationID, op.PersonID(), c.OnDate, c.Note, op.Subject().Account.ID, store.Now())
		if err != nil {
			return audit.Record{}, fmt.Errorf("conversations: check-in: %w", err)
		}
		return audit.Record{Action: "conversation.checkin.create", Target: "conversation/" + conversationID + "/checkin/" + c.ID,
			Details: map[string]any{"after": c}}, nil
	})
}

// inOpenCrisis runs a change to one of the person's open crises.
func inOpenCrisis(ctx context.Context, db *store.DB, op *access.Opened, id string, fn func(tx *sql.Tx) (audit.Record, error)) error {
	return access.Change(ctx, db, op, access.PartConversations, func(tx *sql.Tx) (audit.Record, error) {
		c, err := get(ctx, tx, op, id)
		if err != nil {
			return audit.Record{}, err
		}
		if c.Kind != Crisis || !c.IsOpen() {
			return audit.Record{}, store.ErrNotFound
		}
		return fn(tx)
	})
}

// loadCrisis fills in a crisis's help and check-ins, oldest first.
func loadCrisis(ctx context.Context, r store.Reader, c *Conversation) error {
	rows, err := r.QueryContext(ctx, `SELECT id, on_date, help, amount_pence FROM crisis_help WHERE conversation_id = $1
		ORDER BY on_date, created_at`, c.ID)
	if err != nil {
		return fmt.Errorf("conversations: help: %w", err)
	}
	for rows.Next() {
		var h Help
		if err := rows.Scan(&h.ID, &h.OnDate, &h.Help, &h.Pence); err != nil {
			rows.Close()
			return err
		}
		c.Help = append(c.Help, h)
		c.Spent += h.Pence
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = r.QueryContext(ctx, `SELECT id, on_date, note FROM crisis_checkins WHERE conversation_id = $1
		ORDER BY on_date, created_at`, c.ID)
	if err != nil {
		return fmt.Errorf("conversations: check-ins: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k CheckIn
		if err := rows.Scan(&k.ID, &k.OnDate, &k.Note); err != nil {
			return err
		}
		c.CheckIns = append(c.CheckIns, k)
	}
	return rows.Err()
}

// SpentPounds is the crisis's sums added up, as people write it.
func (c *Conversation) SpentPounds() string { return FormatPence(c.Spent) }
