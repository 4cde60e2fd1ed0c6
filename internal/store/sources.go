package store

import (
	"context"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// AddSource registers a source system. Adding a source that exists with the
// same kind changes nothing; a different kind is EConflict.
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
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sources (name, kind, organisation, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO NOTHING`, s.Name, string(s.Kind), s.Organisation, formatTime(tx.now)); err != nil {
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

func (tx *Tx) source(ctx context.Context, name string) (*domain.Source, error) {
	var s domain.Source
	var kind, created string
	err := tx.QueryRowContext(ctx, `SELECT name, kind, organisation, created_at FROM sources WHERE name = $1`, name).
		Scan(&s.Name, &kind, &s.Organisation, &created)
	if err != nil {
		if isNoRows(err) {
			return nil, domain.Errorf(domain.ENotFound, "no source named %q: add it with `contactpoint source add`", name)
		}
		return nil, err
	}
	s.Kind, s.CreatedAt = domain.SourceKind(kind), parseTime(created)
	return &s, nil
}

// Sources lists every source by name.
func (db *DB) Sources(ctx context.Context) ([]domain.Source, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, kind, organisation, created_at FROM sources ORDER BY name`)
	if err != nil {
		return nil, internal("store.Sources", err)
	}
	defer rows.Close()
	var out []domain.Source
	for rows.Next() {
		var s domain.Source
		var kind, created string
		if err := rows.Scan(&s.Name, &kind, &s.Organisation, &created); err != nil {
			return nil, internal("store.Sources", err)
		}
		s.Kind, s.CreatedAt = domain.SourceKind(kind), parseTime(created)
		out = append(out, s)
	}
	return out, internal("store.Sources", rows.Err())
}
