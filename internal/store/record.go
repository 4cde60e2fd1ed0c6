package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// ViewChild reads the child's record and appends e (a view) to the audit
// trail in the same transaction: no look at a record goes unrecorded. When
// sessionID is set, reason is remembered for the session and child. It
// returns ENotFound when there is no such child (and audits nothing).
func (db *DB) ViewChild(ctx context.Context, id domain.ID, e *domain.AuditEntry, sessionID string, reason domain.AccessReason) (*domain.Child, error) {
	const op = "store.ViewChild"
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	c, err := tx.child(ctx, id)
	if err != nil {
		return nil, internal(op, err)
	}
	e.ChildID = string(id)
	if err := tx.audit(ctx, e); err != nil {
		return nil, internal(op, err)
	}
	if sessionID != "" && reason != "" {
		if err := tx.setSessionReason(ctx, sessionID, string(id), reason); err != nil {
			return nil, internal(op, err)
		}
	}
	return c, internal(op, tx.Commit())
}

// changeChild runs change on the child inside a transaction, then bumps the
// record's version and appends e to the audit trail. It returns ENotFound
// for an unknown child.
func (db *DB) changeChild(ctx context.Context, op string, id domain.ID, e *domain.AuditEntry, change func(tx *Tx, c *domain.Child) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	c, err := tx.child(ctx, id)
	if err != nil {
		return internal(op, err)
	}
	if err := change(tx, c); err != nil {
		return internal(op, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE children SET version = version + 1, updated_at = $1 WHERE id = $2`, formatTime(tx.now), string(id)); err != nil {
		return internal(op, err)
	}
	e.ChildID = string(id)
	if err := tx.audit(ctx, e); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// AddInvolvement records a service's involvement with the child.
func (db *DB) AddInvolvement(ctx context.Context, id domain.ID, v *domain.Involvement, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.AddInvolvement", id, e, func(tx *Tx, c *domain.Child) error {
		if err := v.Validate(); err != nil {
			return err
		}
		v.ID, v.Recorded = newItemID(), tx.now
		if v.Source == "" {
			v.Source = "contactpoint"
		}
		return tx.insertInvolvement(ctx, string(id), v)
	})
}

// EndInvolvement sets the end date of one of the child's involvements. It
// returns ENotFound when the child has no such involvement, and EConflict
// when it has already ended. allowed decides, given the involvement, whether
// the caller may end it (EForbidden otherwise).
func (db *DB) EndInvolvement(ctx context.Context, id domain.ID, involvementID string, end domain.Date, allowed func(*domain.Involvement) bool, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.EndInvolvement", id, e, func(tx *Tx, c *domain.Child) error {
		for i := range c.Involvements {
			v := &c.Involvements[i]
			if v.ID != involvementID {
				continue
			}
			if !allowed(v) {
				return domain.Errorf(domain.EForbidden, "only the practitioner who recorded an involvement, or the authority's data manager, may end it")
			}
			if !v.End.IsZero() {
				return domain.Errorf(domain.EConflict, "that involvement already ended on %s", v.End)
			}
			if !v.Start.IsZero() && end.Before(v.Start) {
				return domain.FieldError("end", "%s is before the involvement started (%s)", end, v.Start)
			}
			_, err := tx.ExecContext(ctx, `UPDATE involvements SET end_date = $1 WHERE id = $2 AND child_id = $3`, end.String(), involvementID, string(id))
			return err
		}
		return domain.Errorf(domain.ENotFound, "the child has no involvement %q", involvementID)
	})
}

// AppointLeadProfessional makes l the child's lead professional, ending the
// current one (if any) the day before l starts. History is kept.
func (db *DB) AppointLeadProfessional(ctx context.Context, id domain.ID, l *domain.LeadProfessional, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.AppointLeadProfessional", id, e, func(tx *Tx, c *domain.Child) error {
		if l.Start.IsZero() {
			l.Start = tx.today()
		}
		if err := domain.ValidName("lead_professional.name", l.Name); err != nil {
			return err
		}
		if err := domain.ValidText("lead_professional.organisation", l.Organisation, domain.MaxShortLen); err != nil {
			return err
		}
		if err := domain.ValidText("lead_professional.role", l.Role, domain.MaxShortLen); err != nil {
			return err
		}
		if err := domain.ValidContact("lead_professional.contact", l.Contact); err != nil {
			return err
		}
		for _, cur := range c.LeadProfessionals {
			if !cur.End.IsZero() {
				continue
			}
			end := l.Start.AddDays(-1)
			if end.Before(cur.Start) {
				end = cur.Start
			}
			if _, err := tx.ExecContext(ctx, `UPDATE lead_professionals SET end_date = $1 WHERE id = $2`, end.String(), cur.ID); err != nil {
				return err
			}
		}
		l.ID, l.Recorded = newItemID(), tx.now
		if l.Source == "" {
			l.Source = "contactpoint"
		}
		return tx.insertLeadProfessional(ctx, string(id), l)
	})
}

// RecordCAF records that a CAF has been undertaken and who holds it.
func (db *DB) RecordCAF(ctx context.Context, id domain.ID, f *domain.CAF, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.RecordCAF", id, e, func(tx *Tx, c *domain.Child) error {
		if f.Undertaken.IsZero() {
			f.Undertaken = tx.today()
		}
		if f.Undertaken.After(tx.today()) {
			return domain.FieldError("caf.undertaken", "%s is in the future", f.Undertaken)
		}
		if err := domain.ValidName("caf.holder_name", f.HolderName); err != nil {
			return err
		}
		if err := domain.ValidText("caf.organisation", f.Organisation, domain.MaxShortLen); err != nil {
			return err
		}
		if err := domain.ValidContact("caf.contact", f.Contact); err != nil {
			return err
		}
		f.ID, f.Recorded = newItemID(), tx.now
		if f.Source == "" {
			f.Source = "contactpoint"
		}
		return tx.insertCAF(ctx, string(id), f)
	})
}

// ContactItem names the kind of item whose contact details may be updated.
type ContactItem string

const (
	ContactParent    ContactItem = "parent"
	ContactEducation ContactItem = "education"
	ContactHealth    ContactItem = "health"
)

// UpdateContact replaces the contact details of one of the child's parents
// or carers, education settings or health providers.
func (db *DB) UpdateContact(ctx context.Context, id domain.ID, kind ContactItem, itemID string, contact domain.Contact, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.UpdateContact", id, e, func(tx *Tx, c *domain.Child) error {
		if err := domain.ValidContact("contact", contact); err != nil {
			return err
		}
		var table string
		switch kind {
		case ContactParent:
			table = "parents"
		case ContactEducation:
			table = "education"
		case ContactHealth:
			table = "health"
		default:
			return domain.FieldError("item", "%q must be parent, education or health", kind)
		}
		u := domain.UserFromContext(ctx)
		userID := ""
		if u != nil {
			userID = u.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET contact = $1, source = 'contactpoint', user_id = $2, recorded_at = $3
			WHERE id = $4 AND child_id = $5`, contactJSON(contact), userID, formatTime(tx.now), itemID, string(id))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.Errorf(domain.ENotFound, "the child has no %s %q", kind, itemID)
		}
		return nil
	})
}

// ChildExists reports whether the child exists.
func (db *DB) ChildExists(ctx context.Context, id domain.ID) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM children WHERE id = $1`, string(id)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, internal("store.ChildExists", err)
}
