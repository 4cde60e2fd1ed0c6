package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// RecordSignIn opens session s for u, who has just given every factor
// right with the code of TOTP time step step. In one transaction it accepts
// the step only if it is later than the last one accepted (so a code works
// once, even against a concurrent sign-in), clears the failure count,
// stores the session and audits the sign-in. A replayed code is
// EUnauthorised.
func (db *DB) RecordSignIn(ctx context.Context, u *domain.User, step int64, s *domain.Session, addr string) error {
	const op = "store.RecordSignIn"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET last_totp_step = $2, failed_sign_ins = 0, updated_at = $3
		WHERE id = $1 AND last_totp_step < $2 AND locked = FALSE AND suspended = FALSE`, u.ID, step, formatTime(tx.now))
	if err != nil {
		return internal(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return internal(op, err)
	} else if n != 1 {
		return internal(op, domain.Errorf(domain.EUnauthorised, "the security code has already been used"))
	}
	s.UserID, s.CreatedAt, s.LastSeenAt, s.Revoked = u.ID, tx.now, tx.now, false
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, kind, created_at, last_seen_at, expires_at, revoked)
		VALUES ($1, $2, $3, $4, $4, $5, FALSE)`, s.ID, u.ID, string(s.Kind), formatTime(tx.now), formatTime(s.ExpiresAt)); err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionSignIn,
		Detail: map[string]any{"addr": addr, "kind": string(s.Kind)}}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// RecordSignInFailure counts a failed sign-in against u (nil when the
// username is not known), locks u after lockAfter failures in a row, and
// audits the attempt with the username tried (never the password) and
// what was wrong. A lockAfter of 0 audits without counting (a refusal of
// someone who gave every factor right). It reports whether u is now locked.
func (db *DB) RecordSignInFailure(ctx context.Context, u *domain.User, username, addr, reason string, lockAfter int) (locked bool, err error) {
	const op = "store.RecordSignInFailure"
	tx, err := db.begin(ctx)
	if err != nil {
		return false, internal(op, err)
	}
	defer tx.Rollback()
	e := &domain.AuditEntry{Action: domain.ActionSignInFailed, Detail: map[string]any{"username": username, "addr": addr, "reason": reason}}
	if u != nil && lockAfter <= 0 {
		e.UserID, e.LACode = u.ID, u.LACode
		if err := tx.audit(ctx, e); err != nil {
			return false, internal(op, err)
		}
	} else if u != nil {
		e.UserID, e.LACode = u.ID, u.LACode
		var failed int64
		var wasLocked bool
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
			locked = (locked OR failed_sign_ins + 1 >= $2), updated_at = $3 WHERE id = $1
			RETURNING failed_sign_ins, locked`, u.ID, lockAfter, formatTime(tx.now)).Scan(&failed, &locked); err != nil {
			return false, internal(op, err)
		}
		wasLocked = u.Locked
		if err := tx.audit(ctx, e); err != nil {
			return false, internal(op, err)
		}
		if locked && !wasLocked {
			if err := tx.audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionUserLock,
				Detail: map[string]any{"subject_id": u.ID, "username": u.Username, "failures": failed}}); err != nil {
				return false, internal(op, err)
			}
		}
	} else if err := tx.audit(ctx, e); err != nil {
		return false, internal(op, err)
	}
	return locked, internal(op, tx.Commit())
}

// SessionUser returns the session with the given ID (the hash of its
// token) and its user, or ENotFound. It does not judge expiry. It runs on
// every authenticated request, so it reads both in one prepared query.
func (db *DB) SessionUser(ctx context.Context, id string) (*domain.Session, *domain.User, error) {
	const op = "store.SessionUser"
	var s domain.Session
	var kind, created, seen, expires string
	row := db.readQueryRow(ctx, sessionUserQuery, id)
	u, _, err := scanUser(prefixScan{row, []any{&s.ID, &s.UserID, &kind, &created, &seen, &expires, &s.Revoked}})
	if isNoRows(err) {
		return nil, nil, internal(op, domain.Errorf(domain.ENotFound, "no such session"))
	}
	if err != nil {
		return nil, nil, internal(op, err)
	}
	s.Kind, s.CreatedAt, s.LastSeenAt, s.ExpiresAt = domain.SessionKind(kind), parseTime(created), parseTime(seen), parseTime(expires)
	return &s, u, nil
}

// sessionUserQuery reads a session and its user's userColumns.
var sessionUserQuery = func() string {
	cols := strings.Split(userColumns, ",")
	for i, c := range cols {
		cols[i] = "u." + strings.TrimSpace(c)
	}
	return `SELECT s.id, s.user_id, s.kind, s.created_at, s.last_seen_at, s.expires_at, s.revoked, ` +
		strings.Join(cols, ", ") + ` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`
}()

// prefixScan scans a row's first columns into pre and passes the rest on.
type prefixScan struct {
	row *sql.Row
	pre []any
}

func (p prefixScan) Scan(dest ...any) error { return p.row.Scan(append(p.pre, dest...)...) }

// TouchSession records activity on a session now.
func (db *DB) TouchSession(ctx context.Context, id string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, id, formatTime(db.Now()))
	return internal("store.TouchSession", err)
}

// RevokeSession ends a session (signing out) and audits it. Revoking a
// revoked or unknown session does nothing.
func (db *DB) RevokeSession(ctx context.Context, id string) error {
	const op = "store.RevokeSession"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	var userID string
	err = tx.QueryRowContext(ctx, `UPDATE sessions SET revoked = TRUE WHERE id = $1 AND revoked = FALSE RETURNING user_id`, id).Scan(&userID)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return internal(op, err)
	}
	u, err := tx.user(ctx, userID)
	if err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionSignOut}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// DeleteExpiredSessions removes sessions whose absolute expiry is more than
// keep ago; it returns how many. Their audit entries stay.
func (db *DB) DeleteExpiredSessions(ctx context.Context, keep time.Duration) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, formatTime(db.Now().Add(-keep)))
	if err != nil {
		return 0, internal("store.DeleteExpiredSessions", err)
	}
	n, err := res.RowsAffected()
	return n, internal("store.DeleteExpiredSessions", err)
}

// SessionReason returns the access reason given for a child in a session,
// or "" when none has been given yet: the first look at a child in a
// session asks for one.
func (db *DB) SessionReason(ctx context.Context, sessionID, childID string) (domain.AccessReason, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return "", internal("store.SessionReason", err)
	}
	defer tx.Rollback()
	r, err := tx.sessionReason(ctx, sessionID, childID)
	return r, internal("store.SessionReason", err)
}

func (tx *Tx) sessionReason(ctx context.Context, sessionID, childID string) (domain.AccessReason, error) {
	var r string
	err := tx.QueryRowContext(ctx, `SELECT reason FROM session_reasons WHERE session_id = $1 AND child_id = $2`, sessionID, childID).Scan(&r)
	if isNoRows(err) {
		return "", nil
	}
	return domain.AccessReason(r), err
}

// SetSessionReason records the access reason given for a child in a
// session. A reason already given is kept.
func (db *DB) SetSessionReason(ctx context.Context, sessionID, childID string, reason domain.AccessReason) error {
	const op = "store.SetSessionReason"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if err := tx.setSessionReason(ctx, sessionID, childID, reason); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// setSessionReason is SetSessionReason inside tx, for a view that records
// the reason and audits the look in one transaction.
func (tx *Tx) setSessionReason(ctx context.Context, sessionID, childID string, reason domain.AccessReason) error {
	if _, err := domain.ParseAccessReason("reason", string(reason)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO session_reasons (session_id, child_id, reason, given_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_id, child_id) DO NOTHING`, sessionID, childID, string(reason), formatTime(tx.now))
	return err
}
