package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// Profile is how to address, talk with and reach the person: the parts of
// their record a visitor needs before anything else. Hugh's communication
// profile says that Radio 3 relaxes him.
type Profile struct {
	PersonID           string `json:"person_id"`
	Pronouns           string `json:"pronouns"`
	FirstLanguage      string `json:"first_language"`
	PrefersWelsh       bool   `json:"prefers_welsh"`
	Communication      string `json:"communication"`       // how I communicate
	CommunicationHelps string `json:"communication_helps"` // what helps
	CommunicationAids  string `json:"communication_aids"`
	BestTime           string `json:"best_time"` // best time of day to talk
	GPPracticeID       string `json:"gp_practice_id,omitempty"`
	GPPracticeName     string `json:"gp_practice_name,omitempty"`
	NHSNumberVerified  bool   `json:"nhs_number_verified"`
	Version            int    `json:"version"` // the person's version: details and profile change together
}

// MaxProfileField bounds each of the profile's free-text answers.
const MaxProfileField = 2000

func (p *Profile) normalise() error {
	var ps valid.Problems
	for field, v := range map[string]*string{"pronouns": &p.Pronouns, "first_language": &p.FirstLanguage,
		"communication": &p.Communication, "communication_helps": &p.CommunicationHelps,
		"communication_aids": &p.CommunicationAids, "best_time": &p.BestTime} {
		*v = strings.TrimSpace(*v)
		if len([]rune(*v)) > MaxProfileField {
			ps.Add(field, "valid.too_long", MaxProfileField)
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// GetProfile returns the person's profile.
func GetProfile(ctx context.Context, r store.Reader, op *access.Opened) (*Profile, error) {
	if err := op.Reads(access.PartProfile); err != nil {
		return nil, err
	}
	return getProfile(ctx, r, op.PersonID())
}

func getProfile(ctx context.Context, r store.Reader, personID string) (*Profile, error) {
	var p Profile
	var gp, gpName sql.NullString
	err := r.QueryRowContext(ctx, `SELECT p.id, p.pronouns, p.first_language, p.prefers_welsh, p.communication,
		p.communication_helps, p.communication_aids, p.best_time, p.gp_practice_id, o.name, p.nhs_number_verified, p.version
		FROM people p LEFT JOIN organisations o ON o.id = p.gp_practice_id WHERE p.id = $1`, personID).
		Scan(&p.PersonID, &p.Pronouns, &p.FirstLanguage, &p.PrefersWelsh, &p.Communication, &p.CommunicationHelps,
			&p.CommunicationAids, &p.BestTime, &gp, &gpName, &p.NHSNumberVerified, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("people: profile: %w", err)
	}
	p.GPPracticeID, p.GPPracticeName = gp.String, gpName.String
	return &p, nil
}

// UpdateProfile saves the profile. p.Version must be the person's version
// the editor started from, or store.ErrConflict is returned and nothing
// changes. A GP practice must be an organisation of that kind.
func UpdateProfile(ctx context.Context, db *store.DB, op *access.Opened, p *Profile) error {
	if err := op.MayChange(access.PartProfile); err != nil {
		return err
	}
	if err := p.normalise(); err != nil {
		return err
	}
	return access.Change(ctx, db, op, access.PartProfile, func(tx *sql.Tx) (audit.Record, error) {
		p.PersonID = op.PersonID()
		before, err := getProfile(ctx, tx, p.PersonID)
		if err != nil {
			return audit.Record{}, err
		}
		if before.Version != p.Version {
			return audit.Record{}, store.ErrConflict
		}
		// Whether the NHS number has been checked belongs with the number:
		// an identity field, for the holding council's workers.
		if p.NHSNumberVerified != before.NHSNumberVerified && !op.Grant().MayChange(access.PartIdentity) {
			return audit.Record{}, access.ErrNotAllowed
		}
		if p.GPPracticeID != "" {
			var kind string
			err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = $1`, p.GPPracticeID).Scan(&kind)
			if err != nil || kind != string(account.OrgGPPractice) {
				return audit.Record{}, valid.Problems{valid.New("gp_practice_id", "profile.gp_practice_id.unknown")}
			}
		}
		err = store.ExecOne(ctx, tx, `UPDATE people SET pronouns = $1, first_language = $2, prefers_welsh = $3,
			communication = $4, communication_helps = $5, communication_aids = $6, best_time = $7, gp_practice_id = $8,
			nhs_number_verified = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
			p.Pronouns, p.FirstLanguage, p.PrefersWelsh, p.Communication, p.CommunicationHelps, p.CommunicationAids,
			p.BestTime, store.NullIfEmpty(p.GPPracticeID), p.NHSNumberVerified, store.Now(), p.PersonID, p.Version)
		if err != nil {
			return audit.Record{}, fmt.Errorf("people: update profile: %w", err)
		}
		p.Version = before.Version + 1
		return audit.Record{Action: "person.profile.update", PersonID: p.PersonID,
			Target: "person/" + p.PersonID + "/profile", Details: map[string]any{"before": before, "after": p}}, nil
	})
}
