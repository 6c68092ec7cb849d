package people

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// RiskAgreement is a positive risk the person chooses to take, agreed
// openly through shared decision making.
type RiskAgreement struct {
	ID          string     `json:"id"`
	PersonID    string     `json:"person_id"`
	WantsTo     string     `json:"wants_to"` // what the person wants to do
	Risk        string     `json:"risk"`
	Likelihood  Level      `json:"likelihood"`
	Impact      Level      `json:"impact"`
	Mitigation  string     `json:"mitigation"` // how strengths and people around them reduce it
	PersonsView string     `json:"persons_view"`
	AgreedBy    string     `json:"agreed_by"`
	ReviewOn    valid.Date `json:"review_on"` // YYYY-MM-DD
	Version     int        `json:"version"`
	// Filled in by OverdueReviews.
	PersonName string `json:"person_name,omitempty"`
}

// Level is how likely a risk is, or how serious it would be.
type Level string

// Levels of likelihood and impact.
const (
	LevelLow    Level = "low"
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// Levels are the levels, lowest first: the order a form offers them.
var Levels = []Level{LevelLow, LevelMedium, LevelHigh}

func (r *RiskAgreement) normalise() error {
	for _, f := range []*string{&r.WantsTo, &r.Risk, &r.Mitigation, &r.PersonsView, &r.AgreedBy} {
		*f = strings.TrimSpace(*f)
	}
	var ps valid.Problems
	if r.WantsTo == "" {
		ps.Add("wants_to", "risk.wants_to.required")
	}
	if r.Risk == "" {
		ps.Add("risk", "risk.risk.required")
	}
	if !slices.Contains(Levels, r.Likelihood) {
		ps.Add("likelihood", "risk.likelihood.required")
	}
	if !slices.Contains(Levels, r.Impact) {
		ps.Add("impact", "risk.impact.required")
	}
	if r.PersonsView == "" {
		ps.Add("persons_view", "risk.persons_view.required")
	}
	if r.AgreedBy == "" {
		ps.Add("agreed_by", "risk.agreed_by.required")
	}
	if r.ReviewOn.IsZero() {
		ps.Add("review_on", "valid.date.required")
	}
	return ps.Err()
}

// Check tidies a risk agreement and checks it, without saving: a form
// whose date could not be read shows the other problems with it.
func (r *RiskAgreement) Check() error { return r.normalise() }

// AddRiskAgreement records a positive risk agreement.
func AddRiskAgreement(ctx context.Context, db *store.DB, op *access.Opened, r *RiskAgreement) error {
	if err := op.MayChange(access.PartRisks); err != nil {
		return err
	}
	if err := r.normalise(); err != nil {
		return err
	}
	now := store.Now()
	r.ID, r.Version = valid.NewID(), 1
	r.PersonID = op.PersonID()
	return access.Change(ctx, db, op, access.PartRisks, func(tx *sql.Tx) (audit.Record, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO risk_agreements (id, person_id, wants_to, risk, likelihood, impact,
			mitigation, persons_view, agreed_by, review_on, version, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
			r.ID, r.PersonID, r.WantsTo, r.Risk, r.Likelihood, r.Impact, r.Mitigation, r.PersonsView, r.AgreedBy,
			r.ReviewOn, r.Version, op.Subject().Account.ID, now, now)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: add risk agreement: %w", err)
		}
		return audit.Record{Action: "risk_agreement.create", PersonID: r.PersonID,
			Target: "risk_agreement/" + r.ID, Details: map[string]any{"after": r}}, nil
	})
}

const riskColumns = `r.id, r.person_id, r.wants_to, r.risk, r.likelihood, r.impact, r.mitigation, r.persons_view,
	r.agreed_by, r.review_on, r.version`

func scanRisk(s store.Scanner, extra ...any) (RiskAgreement, error) {
	var r RiskAgreement
	err := s.Scan(append([]any{&r.ID, &r.PersonID, &r.WantsTo, &r.Risk, &r.Likelihood, &r.Impact, &r.Mitigation,
		&r.PersonsView, &r.AgreedBy, &r.ReviewOn, &r.Version}, extra...)...)
	return r, err
}

// RiskAgreements lists a person's risk agreements. The caller must already
// have opened the record (Get).
func RiskAgreements(ctx context.Context, r store.Reader, op *access.Opened) ([]RiskAgreement, error) {
	if err := op.Reads(access.PartRisks); err != nil {
		return nil, err
	}
	return riskAgreements(ctx, r, op.PersonID())
}

func riskAgreements(ctx context.Context, r store.Reader, personID string) ([]RiskAgreement, error) {
	rows, err := r.QueryContext(ctx, `SELECT `+riskColumns+` FROM risk_agreements r WHERE r.person_id = $1
		ORDER BY r.review_on, r.id`, personID)
	if err != nil {
		return nil, fmt.Errorf("people: risk agreements: %w", err)
	}
	defer rows.Close()
	var out []RiskAgreement
	for rows.Next() {
		ra, err := scanRisk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ra)
	}
	return out, rows.Err()
}

// OverdueReviews lists the risk agreements whose review date has passed,
// across the people the subject may see (a worker's own people; a
// manager's team or organisation), soonest overdue first.
func OverdueReviews(ctx context.Context, db *store.DB, s account.Subject, today valid.Date) ([]RiskAgreement, error) {
	var args store.Args
	visible := access.Visible(s, "p.id", &args)
	rows, err := db.Read().QueryContext(ctx, `SELECT `+riskColumns+`, p.given_name, p.family_name, p.preferred_name
		FROM risk_agreements r JOIN people p ON p.id = r.person_id
		WHERE r.review_on < `+args.Add(today.String())+` AND `+visible+` ORDER BY r.review_on, r.id LIMIT 500`,
		args.Values...)
	if err != nil {
		return nil, fmt.Errorf("people: overdue reviews: %w", err)
	}
	defer rows.Close()
	var out []RiskAgreement
	for rows.Next() {
		var p Person
		ra, err := scanRisk(rows, &p.GivenName, &p.FamilyName, &p.PreferredName)
		if err != nil {
			return nil, err
		}
		ra.PersonName = p.Name()
		out = append(out, ra)
	}
	return out, rows.Err()
}
