package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Audit actions of source administration. (They belong with the others in
// domain/audit.go, as sourcerecords.go's do.)
const (
	ActionSourceUpdate    domain.Action = "source-update"
	ActionSourceKeyIssue  domain.Action = "source-key-issue"
	ActionSourceKeyRevoke domain.Action = "source-key-revoke"
)

// sourceKeyPrefix begins every source API key, so that a key is told from
// a person's session token at a glance (and by the API).
const sourceKeyPrefix = "cpsk_"

// IsSourceKey reports whether token has the form of a source API key.
func IsSourceKey(token string) bool { return strings.HasPrefix(token, sourceKeyPrefix) }

// AddSource registers a source system with its kind, organisation and what
// it is authoritative for. Adding a source that exists with the same kind
// changes nothing (the stored source is returned in s); a different kind
// is EConflict. UpdateSource changes an existing source.
func (db *DB) AddSource(ctx context.Context, s *domain.Source) error {
	const op = "store.AddSource"
	if err := domain.ValidSourceName("name", s.Name); err != nil {
		return internal(op, err)
	}
	if _, err := domain.ParseSourceKind("kind", string(s.Kind)); err != nil {
		return internal(op, err)
	}
	if err := domain.ValidText("organisation", s.Organisation, domain.MaxShortLen); err != nil {
		return internal(op, err)
	}
	auth, err := domain.ParseAuthorities("authoritative_for", domain.JoinAuthorities(s.Authoritative))
	if err != nil {
		return internal(op, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sources (name, kind, organisation, authoritative_for, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO NOTHING`, s.Name, string(s.Kind), s.Organisation, domain.JoinAuthorities(auth), formatTime(tx.now)); err != nil {
		return internal(op, err)
	}
	got, err := tx.source(ctx, s.Name)
	if err != nil {
		return internal(op, err)
	}
	if got.Kind != s.Kind {
		return &domain.Error{Code: domain.EConflict, Op: op, Field: "kind",
			Message: "source " + s.Name + " already exists with kind " + string(got.Kind)}
	}
	*s = *got
	return internal(op, tx.Commit())
}

// SourceChange is what UpdateSource changes: nil fields are kept.
type SourceChange struct {
	Organisation  *string
	Authoritative *[]domain.Authority
}

// UpdateSource changes an existing source's organisation or what it is
// authoritative for, audited. A new authority takes effect on each child
// the next time one of its records is imported. ENotFound for an unknown
// source; EInvalid for a bad value.
func (db *DB) UpdateSource(ctx context.Context, name string, ch SourceChange) (*domain.Source, error) {
	const op = "store.UpdateSource"
	if ch.Organisation != nil {
		if err := domain.ValidText("organisation", *ch.Organisation, domain.MaxShortLen); err != nil {
			return nil, internal(op, err)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	s, err := tx.source(ctx, name)
	if err != nil {
		return nil, internal(op, err)
	}
	detail := map[string]any{"source": name}
	if ch.Organisation != nil && *ch.Organisation != s.Organisation {
		s.Organisation = *ch.Organisation
		detail["organisation"] = s.Organisation
	}
	if ch.Authoritative != nil {
		auth, err := domain.ParseAuthorities("authoritative_for", domain.JoinAuthorities(*ch.Authoritative))
		if err != nil {
			return nil, internal(op, err)
		}
		if domain.JoinAuthorities(auth) != domain.JoinAuthorities(s.Authoritative) {
			s.Authoritative = auth
			detail["authoritative_for"] = domain.JoinAuthorities(auth)
		}
	}
	if len(detail) == 1 {
		return s, nil // nothing changed
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET organisation = $1, authoritative_for = $2 WHERE name = $3`,
		s.Organisation, domain.JoinAuthorities(s.Authoritative), name); err != nil {
		return nil, internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: ActionSourceUpdate, Detail: detail}); err != nil {
		return nil, internal(op, err)
	}
	return s, internal(op, tx.Commit())
}

// IssueSourceKey gives the source a new API key, replacing any it had, and
// returns it: the only time it is seen, since the store keeps only its
// keyed hash. The key lets the source post its own feed and nothing else.
func (db *DB) IssueSourceKey(ctx context.Context, name string) (string, error) {
	const op = "store.IssueSourceKey"
	raw := make([]byte, 32)
	rand.Read(raw) // never fails (crypto/rand)
	key := sourceKeyPrefix + base64.RawURLEncoding.EncodeToString(raw)
	tx, err := db.begin(ctx)
	if err != nil {
		return "", internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.source(ctx, name); err != nil {
		return "", internal(op, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET key_hash = $1, key_issued_at = $2 WHERE name = $3`,
		db.sourceKeyHash(key), formatTime(tx.now), name); err != nil {
		return "", internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: ActionSourceKeyIssue, Detail: map[string]any{"source": name}}); err != nil {
		return "", internal(op, err)
	}
	return key, internal(op, tx.Commit())
}

// RevokeSourceKey withdraws the source's API key: its posts are refused
// until a new key is issued. Revoking a source without a key succeeds.
func (db *DB) RevokeSourceKey(ctx context.Context, name string) error {
	const op = "store.RevokeSourceKey"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	s, err := tx.source(ctx, name)
	if err != nil {
		return internal(op, err)
	}
	if !s.HasKey {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sources SET key_hash = '', key_issued_at = '' WHERE name = $1`, name); err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: ActionSourceKeyRevoke, Detail: map[string]any{"source": name}}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// SourceByKey returns the source whose API key is key, or EUnauthorised.
// Keys are 256-bit random values found by their keyed hash, so the look-up
// itself tells an attacker nothing; the hashes are still compared in
// constant time.
func (db *DB) SourceByKey(ctx context.Context, key string) (*domain.Source, error) {
	const op = "store.SourceByKey"
	unauthorised := &domain.Error{Code: domain.EUnauthorised, Op: op, Message: "the source API key is not valid: ask the ContactPoint operator for a new one"}
	if !IsSourceKey(key) || len(key) > 100 {
		return nil, unauthorised
	}
	h := db.sourceKeyHash(key)
	var name, stored string
	err := db.read.QueryRowContext(ctx, `SELECT name, key_hash FROM sources WHERE key_hash = $1`, h).Scan(&name, &stored)
	if isNoRows(err) || err == nil && subtle.ConstantTimeCompare([]byte(h), []byte(stored)) != 1 {
		return nil, unauthorised
	}
	if err != nil {
		return nil, internal(op, err)
	}
	return db.Source(ctx, name)
}

func (db *DB) sourceKeyHash(key string) string { return db.keys.Hash("source-key", key) }

// Source returns the named source, or ENotFound.
func (db *DB) Source(ctx context.Context, name string) (*domain.Source, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, internal("store.Source", err)
	}
	defer tx.Rollback()
	s, err := tx.source(ctx, name)
	return s, internal("store.Source", err)
}

const sourceColumns = `name, kind, organisation, authoritative_for, key_hash, key_issued_at, created_at`

func (tx *Tx) source(ctx context.Context, name string) (*domain.Source, error) {
	s, err := scanSource(tx.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE name = $1`, name))
	if err != nil {
		if isNoRows(err) {
			return nil, domain.Errorf(domain.ENotFound, "no source named %q: add it with `contactpoint source add`", name)
		}
		return nil, err
	}
	return s, nil
}

func scanSource(row interface{ Scan(...any) error }) (*domain.Source, error) {
	var s domain.Source
	var kind, auth, keyHash, issued, created string
	if err := row.Scan(&s.Name, &kind, &s.Organisation, &auth, &keyHash, &issued, &created); err != nil {
		return nil, err
	}
	s.Kind, s.CreatedAt = domain.SourceKind(kind), parseTime(created)
	s.Authoritative, _ = domain.ParseAuthorities("authoritative_for", auth) // written validated
	s.HasKey = keyHash != ""
	if issued != "" {
		s.KeyIssuedAt = parseTime(issued)
	}
	return &s, nil
}

// Sources lists every source by name.
func (db *DB) Sources(ctx context.Context) ([]domain.Source, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY name`)
	if err != nil {
		return nil, internal("store.Sources", err)
	}
	defer rows.Close()
	var out []domain.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, internal("store.Sources", err)
		}
		out = append(out, *s)
	}
	return out, internal("store.Sources", rows.Err())
}
