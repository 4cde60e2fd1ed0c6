package store

import (
	"context"
	"database/sql"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Shield shields the child's record, or renews the shield with a new reason
// and review date. allowed decides, given the child's authority, whether
// the caller may (EForbidden otherwise): a data manager of that authority.
// It returns EInvalid for a bad reason or review date and ENotFound for an
// unknown child.
func (db *DB) Shield(ctx context.Context, id domain.ID, sh *domain.Shield, allowed func(la string) bool, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.Shield", id, e, func(tx *Tx, c *domain.Child) error {
		if !allowed(c.LACode) {
			return domain.Errorf(domain.EForbidden, "only a data manager of the child's local authority may shield the record")
		}
		if err := sh.Validate(tx.today()); err != nil {
			return err
		}
		sh.ChildID, sh.LACode, sh.By, sh.At = id, c.LACode, e.UserID, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE children SET shielded = TRUE WHERE id = $1`, string(id)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO shields (child_id, la_code, reason, review_on, shielded_by, shielded_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (child_id) DO UPDATE SET la_code = excluded.la_code,
			reason = excluded.reason, review_on = excluded.review_on, shielded_by = excluded.shielded_by, shielded_at = excluded.shielded_at`,
			string(id), c.LACode, sh.Reason, sh.ReviewOn.String(), sh.By, formatTime(tx.now))
		e.Action = domain.ActionShield
		e.Detail = mergeDetail(e.Detail, map[string]any{"review_on": sh.ReviewOn.String()})
		return err
	})
}

// Unshield lifts the child's shield. allowed is as for Shield. It returns
// EConflict when the record is not shielded.
func (db *DB) Unshield(ctx context.Context, id domain.ID, allowed func(la string) bool, e *domain.AuditEntry) error {
	return db.changeChild(ctx, "store.Unshield", id, e, func(tx *Tx, c *domain.Child) error {
		if !allowed(c.LACode) {
			return domain.Errorf(domain.EForbidden, "only a data manager of the child's local authority may lift a shield")
		}
		sh, err := tx.shield(ctx, id)
		if err != nil {
			return err
		}
		if sh == nil {
			return domain.Errorf(domain.EConflict, "the record is not shielded")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE children SET shielded = FALSE WHERE id = $1`, string(id)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM shields WHERE child_id = $1`, string(id))
		e.Action = domain.ActionUnshield
		return err
	})
}

func mergeDetail(d, more map[string]any) map[string]any {
	if d == nil {
		d = map[string]any{}
	}
	for k, v := range more {
		d[k] = v
	}
	return d
}

// ShieldOf returns the child's shield, or nil when the record is not
// shielded.
func (db *DB) ShieldOf(ctx context.Context, id domain.ID) (*domain.Shield, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, internal("store.ShieldOf", err)
	}
	defer tx.Rollback()
	sh, err := tx.shield(ctx, id)
	return sh, internal("store.ShieldOf", err)
}

// shield reads the child's shield. A child flagged shielded with no shield
// row (flagged by an older release) gets a shield due for review today.
func (tx *Tx) shield(ctx context.Context, id domain.ID) (*domain.Shield, error) {
	var flagged bool
	var la string
	err := tx.QueryRowContext(ctx, `SELECT shielded, la_code FROM children WHERE id = $1`, string(id)).Scan(&flagged, &la)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id)
	}
	if err != nil || !flagged {
		return nil, err
	}
	sh := &domain.Shield{ChildID: id, LACode: la}
	var review, at string
	err = tx.QueryRowContext(ctx, `SELECT reason, review_on, shielded_by, shielded_at FROM shields WHERE child_id = $1`, string(id)).
		Scan(&sh.Reason, &review, &sh.By, &at)
	if isNoRows(err) {
		sh.ReviewOn = tx.today()
		return sh, nil
	}
	if err != nil {
		return nil, err
	}
	sh.ReviewOn, sh.At = parseDate(review), parseTime(at)
	return sh, nil
}

// ShieldsDue returns the shields of the authority's children due for review
// on or before the date by, soonest first.
func (db *DB) ShieldsDue(ctx context.Context, la string, by domain.Date) ([]domain.Shield, error) {
	const op = "store.ShieldsDue"
	rows, err := db.read.QueryContext(ctx, `SELECT s.child_id, c.la_code, s.reason, s.review_on, s.shielded_by, s.shielded_at
		FROM shields s JOIN children c ON c.id = s.child_id
		WHERE c.la_code = $1 AND c.shielded AND s.review_on <= $2 ORDER BY s.review_on, s.child_id`, la, by.String())
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.Shield
	for rows.Next() {
		var sh domain.Shield
		var id, review, at string
		if err := rows.Scan(&id, &sh.LACode, &sh.Reason, &review, &sh.By, &at); err != nil {
			return nil, internal(op, err)
		}
		sh.ChildID, sh.ReviewOn, sh.At = domain.ID(id), parseDate(review), parseTime(at)
		out = append(out, sh)
	}
	return out, internal(op, rows.Err())
}

// LATeam returns the authority's ContactPoint team, or its synthetic
// default when none has been set. It returns EInvalid for an unknown code.
func (db *DB) LATeam(ctx context.Context, la string) (domain.LATeam, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return domain.LATeam{}, internal("store.LATeam", err)
	}
	defer tx.Rollback()
	t, err := tx.laTeam(ctx, la)
	return t, internal("store.LATeam", err)
}

func (tx *Tx) laTeam(ctx context.Context, la string) (domain.LATeam, error) {
	if _, ok := domain.LookupLA(la); !ok {
		return domain.LATeam{}, domain.FieldError("la_code", "%q is not the GSS code of an English local authority", la)
	}
	t := domain.LATeam{LACode: la}
	err := tx.QueryRowContext(ctx, `SELECT name, phone, email FROM la_teams WHERE la_code = $1`, la).Scan(&t.Name, &t.Phone, &t.Email)
	if isNoRows(err) {
		return domain.DefaultLATeam(la), nil
	}
	return t, err
}

// SetLATeam sets the authority's ContactPoint team. The caller must be a
// national admin (checked by the caller); it returns EInvalid for bad
// details.
func (db *DB) SetLATeam(ctx context.Context, t *domain.LATeam, e *domain.AuditEntry) error {
	const op = "store.SetLATeam"
	if err := t.Validate(); err != nil {
		return internal(op, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO la_teams (la_code, name, phone, email, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (la_code) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at`,
		t.LACode, t.Name, t.Phone, t.Email, formatTime(tx.now)); err != nil {
		return internal(op, err)
	}
	e.Action = domain.ActionLATeam
	e.Detail = mergeDetail(e.Detail, map[string]any{"la_code": t.LACode})
	if err := tx.audit(ctx, e); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// GrantPermission grants the user a permission (idempotent). It returns
// ENotFound for an unknown user.
func (db *DB) GrantPermission(ctx context.Context, userID string, p domain.Permission, e *domain.AuditEntry) error {
	return db.changePermission(ctx, "store.GrantPermission", userID, p, true, e)
}

// RevokePermission withdraws the user's permission. It returns EConflict
// when the user does not hold it.
func (db *DB) RevokePermission(ctx context.Context, userID string, p domain.Permission, e *domain.AuditEntry) error {
	return db.changePermission(ctx, "store.RevokePermission", userID, p, false, e)
}

func (db *DB) changePermission(ctx context.Context, op, userID string, p domain.Permission, grant bool, e *domain.AuditEntry) error {
	if _, err := domain.ParsePermission("permission", string(p)); err != nil {
		return internal(op, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.user(ctx, userID); err != nil {
		return internal(op, err)
	}
	if grant {
		_, err = tx.ExecContext(ctx, `INSERT INTO user_permissions (user_id, permission, granted_by, granted_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, permission) DO NOTHING`, userID, string(p), e.UserID, formatTime(tx.now))
		e.Action = domain.ActionPermissionGrant
	} else {
		var res sql.Result
		res, err = tx.ExecContext(ctx, `DELETE FROM user_permissions WHERE user_id = $1 AND permission = $2`, userID, string(p))
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = domain.Errorf(domain.EConflict, "the user does not hold %s", p)
			}
		}
		e.Action = domain.ActionPermissionRevoke
	}
	if err != nil {
		return internal(op, err)
	}
	e.Detail = mergeDetail(e.Detail, map[string]any{"user": userID, "permission": string(p)})
	if err := tx.audit(ctx, e); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// HasPermission reports whether the user holds the permission.
func (db *DB) HasPermission(ctx context.Context, userID string, p domain.Permission) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, internal("store.HasPermission", err)
	}
	defer tx.Rollback()
	ok, err := tx.hasPermission(ctx, userID, p)
	return ok, internal("store.HasPermission", err)
}

func (tx *Tx) hasPermission(ctx context.Context, userID string, p domain.Permission) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM user_permissions WHERE user_id = $1 AND permission = $2`, userID, string(p)).Scan(&one)
	if isNoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// Alerts returns the authority's alerts, newest first; only unseen ones
// when unseen is set.
func (db *DB) Alerts(ctx context.Context, la string, unseen bool) ([]domain.Alert, error) {
	const op = "store.Alerts"
	q := `SELECT id, la_code, kind, child_id, user_id, at, seen FROM alerts WHERE la_code = $1`
	if unseen {
		q += ` AND NOT seen`
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY at DESC, id`, la)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.Alert
	for rows.Next() {
		var a domain.Alert
		var kind, child, at string
		if err := rows.Scan(&a.ID, &a.LACode, &kind, &child, &a.UserID, &at, &a.Seen); err != nil {
			return nil, internal(op, err)
		}
		a.Kind, a.ChildID, a.At = domain.AlertKind(kind), domain.ID(child), parseTime(at)
		out = append(out, a)
	}
	return out, internal(op, rows.Err())
}

// MarkAlertSeen marks one of the authority's alerts seen. It returns
// ENotFound when the authority has no such alert.
func (db *DB) MarkAlertSeen(ctx context.Context, la, id string) error {
	return db.markSeen(ctx, "store.MarkAlertSeen", "alerts", "alert", la, id)
}

// MarkNotificationSeen marks one of the authority's notifications (a
// child moved in or out) as seen.
func (db *DB) MarkNotificationSeen(ctx context.Context, la, id string) error {
	return db.markSeen(ctx, "store.MarkNotificationSeen", "notifications", "notification", la, id)
}

// markSeen sets seen on the row id of table (alerts or notifications)
// when it is the authority's; ENotFound otherwise.
func (db *DB) markSeen(ctx context.Context, op, table, what, la, id string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE `+table+` SET seen = TRUE WHERE id = $1 AND la_code = $2`, id, la)
	if err != nil {
		return internal(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENotFound, "no %s %q", what, id)
	}
	return nil
}

// RecordStatus is what the store knows of a record beyond its content, for
// deciding what a reader may see.
type RecordStatus struct {
	Shield *domain.Shield // nil when not shielded
	Life   domain.Life
	Team   domain.LATeam // the child's authority's ContactPoint team
	// CanOverride says the reader (the audit entry's user) holds the
	// child-protection-override permission.
	CanOverride bool
}

// ViewRecord reads the child's record and its status, lets decide rule on
// the reader's access (an error refuses the view, and nothing is audited),
// then appends e to the audit trail in the same transaction. decide may
// change e: when it leaves e.Action as ActionOverride, an alert for the
// child's authority is written in the same transaction, so no override
// goes unannounced. When sessionID is set, reason is remembered for the
// session and child. It returns ENotFound for an unknown child.
func (db *DB) ViewRecord(ctx context.Context, id domain.ID, e *domain.AuditEntry, sessionID string, reason domain.AccessReason,
	decide func(c *domain.Child, st *RecordStatus) error) (*domain.Child, *RecordStatus, error) {
	const op = "store.ViewRecord"
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, nil, internal(op, err)
	}
	defer tx.Rollback()
	c, err := tx.child(ctx, id)
	if err != nil {
		return nil, nil, internal(op, err)
	}
	st := &RecordStatus{}
	if st.Shield, err = tx.shield(ctx, id); err != nil {
		return nil, nil, internal(op, err)
	}
	if st.Life, err = tx.life(ctx, id); err != nil {
		return nil, nil, internal(op, err)
	}
	if st.Team, err = tx.laTeam(ctx, c.LACode); err != nil {
		st.Team = domain.LATeam{LACode: c.LACode}
	}
	if e.UserID != "" {
		if st.CanOverride, err = tx.hasPermission(ctx, e.UserID, domain.PermissionOverride); err != nil {
			return nil, nil, internal(op, err)
		}
	}
	if err := decide(c, st); err != nil {
		return nil, nil, internal(op, err)
	}
	e.ChildID = string(id)
	if err := tx.audit(ctx, e); err != nil {
		return nil, nil, internal(op, err)
	}
	if e.Action == domain.ActionOverride {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (id, la_code, kind, child_id, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			newItemID(), c.LACode, string(domain.AlertOverride), string(id), e.UserID, formatTime(tx.now)); err != nil {
			return nil, nil, internal(op, err)
		}
	}
	if sessionID != "" && reason != "" {
		if err := tx.setSessionReason(ctx, sessionID, string(id), reason); err != nil {
			return nil, nil, internal(op, err)
		}
	}
	return c, st, internal(op, tx.Commit())
}
