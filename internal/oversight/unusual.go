package oversight

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// What makes access unusual. A council tunes these in code today; they
// are the thresholds an information governance lead would start from.
const (
	// UnusualDays is how far back the flags look.
	UnusualDays = 7
	// ManyTimes: an account that opened more than this many times its
	// team's usual number of different records is flagged…
	ManyTimes = 3
	// ManyAtLeast: …if it opened at least this many.
	ManyAtLeast = 20
	// Working hours in London: records opened outside them are flagged.
	DayStarts, DayEnds = 7, 20
)

// ManyRecords is an account that opened far more different records than
// the usual for its team.
type ManyRecords struct {
	AccountID, Name string
	Records         int // different records opened
	Usual           int // the median for the account's team (0 with no team)
}

// OutOfHours is an account that opened records outside working hours.
type OutOfHours struct {
	AccountID, Name string
	Times           int
}

// Unreviewed is a use of emergency access nobody has reviewed yet.
type Unreviewed struct {
	ID, AccountID, Name, Organisation string
	PersonID, PersonName              string
	Reason                            string
	StartedAt                         time.Time
}

// Unusual is what the officer should look at.
type Unusual struct {
	Since      time.Time
	Many       []ManyRecords
	OutOfHours []OutOfHours
	Unreviewed []Unreviewed
}

// Flags finds unusual access by the officer's organisation's accounts over
// the UnusualDays before now, and emergency access to the people it holds
// (or by its accounts) that no one has reviewed.
func Flags(ctx context.Context, r store.Reader, s account.Subject, now time.Time) (*Unusual, error) {
	if err := officer(s); err != nil {
		return nil, err
	}
	u := &Unusual{Since: now.AddDate(0, 0, -UnusualDays)}
	from, err := seqAt(ctx, r, u.Since)
	if err != nil {
		return nil, err
	}
	if u.Many, err = manyRecords(ctx, r, s.Account.OrganisationID, from); err != nil {
		return nil, err
	}
	if u.OutOfHours, err = outOfHours(ctx, r, s.Account.OrganisationID, u.Since, now); err != nil {
		return nil, err
	}
	if u.Unreviewed, err = unreviewed(ctx, r, s); err != nil {
		return nil, err
	}
	return u, nil
}

// manyRecords compares each account's different records opened since the
// row from with the median of its team's accounts (those who opened none
// count as none).
func manyRecords(ctx context.Context, r store.Reader, orgID string, from int64) ([]ManyRecords, error) {
	rows, err := r.QueryContext(ctx, `SELECT a.id, a.display_name, COALESCE(a.team_id, ''), COALESCE(n.records, 0)
		FROM accounts a LEFT JOIN (SELECT account_id, COUNT(DISTINCT person_id) AS records FROM audit_events
			WHERE seq >= $1 AND action = 'person.read' AND outcome = 'ok' GROUP BY account_id) n ON n.account_id = a.id
		WHERE a.organisation_id = $2`, from, orgID)
	if err != nil {
		return nil, fmt.Errorf("oversight: records opened: %w", err)
	}
	defer rows.Close()
	type counted struct {
		ManyRecords
		team string
	}
	var all []counted
	byTeam := map[string][]int{}
	for rows.Next() {
		var c counted
		if err := rows.Scan(&c.AccountID, &c.Name, &c.team, &c.Records); err != nil {
			return nil, err
		}
		all = append(all, c)
		if c.team != "" {
			byTeam[c.team] = append(byTeam[c.team], c.Records)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []ManyRecords
	for _, c := range all {
		if c.team != "" {
			c.Usual = median(byTeam[c.team])
		}
		if c.Records >= ManyAtLeast && c.Records > ManyTimes*c.Usual {
			out = append(out, c.ManyRecords)
		}
	}
	slices.SortFunc(out, func(a, b ManyRecords) int { return b.Records - a.Records })
	return out, nil
}

// median is the middle of the counts (the lower of the two middle ones).
func median(counts []int) int {
	if len(counts) == 0 {
		return 0
	}
	c := slices.Sorted(slices.Values(counts))
	return c[(len(c)-1)/2]
}

// outOfHours counts each account's records opened in the evenings and
// nights (London time) between since and now, night by night, each night
// found by its sequence numbers so only its rows are read.
func outOfHours(ctx context.Context, r store.Reader, orgID string, since, now time.Time) ([]OutOfHours, error) {
	times := map[string]*OutOfHours{}
	day := since.In(valid.London)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, valid.London)
	for ; day.Before(now); day = day.AddDate(0, 0, 1) {
		// The small hours of this day, then its evening.
		for _, w := range [][2]time.Time{
			{day, day.Add(DayStarts * time.Hour)},
			{day.Add(DayEnds * time.Hour), day.AddDate(0, 0, 1)},
		} {
			start, end := maxTime(w[0], since), minTime(w[1], now)
			if !start.Before(end) {
				continue
			}
			if err := countWindow(ctx, r, orgID, start, end, times); err != nil {
				return nil, err
			}
		}
	}
	out := make([]OutOfHours, 0, len(times))
	for _, o := range times {
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b OutOfHours) int { return b.Times - a.Times })
	return out, nil
}

func countWindow(ctx context.Context, r store.Reader, orgID string, start, end time.Time, times map[string]*OutOfHours) error {
	lo, err := seqAt(ctx, r, start)
	if err != nil {
		return err
	}
	hi, err := seqAt(ctx, r, end)
	if err != nil || hi <= lo {
		return err
	}
	rows, err := r.QueryContext(ctx, `SELECT a.id, a.display_name, COUNT(*) FROM audit_events e JOIN accounts a ON a.id = e.account_id
		WHERE e.seq >= $1 AND e.seq < $2 AND e.action = 'person.read' AND e.outcome = 'ok' AND a.organisation_id = $3
		GROUP BY a.id, a.display_name`, lo, hi, orgID)
	if err != nil {
		return fmt.Errorf("oversight: out of hours: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		var n int
		if err := rows.Scan(&id, &name, &n); err != nil {
			return err
		}
		if times[id] == nil {
			times[id] = &OutOfHours{AccountID: id, Name: name}
		}
		times[id].Times += n
	}
	return rows.Err()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// unreviewed lists emergency access not yet reviewed: by the officer's
// organisation's accounts, or to people it holds. A person the officer
// may not see is not named.
func unreviewed(ctx context.Context, r store.Reader, s account.Subject) ([]Unreviewed, error) {
	var args store.Args
	org := args.Add(s.Account.OrganisationID)
	visible := access.Visible(s, "b.person_id", &args)
	rows, err := r.QueryContext(ctx, `SELECT b.id, a.id, a.display_name, o.name, b.person_id, b.reason, b.started_at,
			CASE WHEN `+visible+` THEN p.given_name || ' ' || p.family_name ELSE '' END
		FROM break_glass b JOIN accounts a ON a.id = b.account_id JOIN organisations o ON o.id = a.organisation_id
		JOIN people p ON p.id = b.person_id
		WHERE b.reviewed_at IS NULL AND (a.organisation_id = `+org+` OR `+visible+`)
		ORDER BY b.started_at`, args.Values...)
	if err != nil {
		return nil, fmt.Errorf("oversight: emergency access: %w", err)
	}
	defer rows.Close()
	var out []Unreviewed
	for rows.Next() {
		var u Unreviewed
		var name sql.NullString
		if err := rows.Scan(&u.ID, &u.AccountID, &u.Name, &u.Organisation, &u.PersonID, &u.Reason, &u.StartedAt, &name); err != nil {
			return nil, err
		}
		u.StartedAt, u.PersonName = u.StartedAt.UTC(), name.String
		if u.PersonName == "" {
			u.PersonID = "" // not the officer's to follow
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
