package importer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"whatmatters/internal/account"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// UploadLife is how long a checked upload waits to be confirmed.
const UploadLife = time.Hour

// Upload is a file checked in the browser and kept until it is confirmed.
type Upload struct {
	ID       string
	Mapping  string
	FileName string
	Content  []byte
}

// CheckUpload checks a file sent from the browser (a dry run) and keeps
// it, keyed to the admin who sent it, so that confirming sends only its
// id: the file confirmed is the file checked. Uploads past their time are
// removed as a new one is kept.
func CheckUpload(ctx context.Context, db *store.DB, s account.Subject, m Mapping, fileName string, content []byte) (*Upload, *Result, error) {
	fileName = valid.Clip(fileName, MaxSourceName)
	res, err := Run(ctx, db, s, bytes.NewReader(content), m, fileName, false)
	if err != nil {
		return nil, nil, err
	}
	u := &Upload{ID: valid.NewID(), Mapping: m.Name, FileName: fileName, Content: content}
	now := store.Now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_uploads WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO import_uploads (id, account_id, mapping, file_name, content, created_at, expires_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, u.ID, s.Account.ID, u.Mapping, u.FileName, u.Content, now, now.Add(UploadLife))
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("importer: keep upload: %w", err)
	}
	return u, res, nil
}

// ConfirmUpload imports a kept upload of the admin's: store.ErrNotFound
// if it is not theirs, was already imported, or has expired. The upload
// is removed once imported; kept if something changed since the check and
// the file now has problems, which the result lists.
func ConfirmUpload(ctx context.Context, db *store.DB, s account.Subject, id string) (*Upload, *Result, error) {
	if err := mayImport(s); err != nil {
		return nil, nil, err
	}
	if !valid.IsID(id) {
		return nil, nil, store.ErrNotFound
	}
	var u Upload
	err := db.Read().QueryRowContext(ctx, `SELECT id, mapping, file_name, content FROM import_uploads
		WHERE id = $1 AND account_id = $2 AND expires_at >= $3`, id, s.Account.ID, store.Now()).Scan(&u.ID, &u.Mapping, &u.FileName, &u.Content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, store.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := FindMapping(ctx, db.Read(), s.Account.OrganisationID, u.Mapping)
	if err != nil {
		return nil, nil, err
	}
	res, err := Run(ctx, db, s, bytes.NewReader(u.Content), m, u.FileName, true)
	if err != nil {
		return nil, nil, err
	}
	if res.Written {
		// Removing it is tidiness, not safety: importing it again would
		// skip every row.
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM import_uploads WHERE id = $1`, u.ID)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return &u, res, nil
}
