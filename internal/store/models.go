package store

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// ActionModelTrained records a matching model saved for use.
const ActionModelTrained domain.Action = "model-trained"

// MatchModel is a trained matching model as stored.
type MatchModel struct {
	Name      string          // what uses it: "import"
	TrainedAt time.Time       // set by SaveModel
	Model     match.Model     //
	Report    json.RawMessage // what training measured
}

// SaveModel stores m as the newest model of its name, with an audit entry
// (the actor is the identity in ctx) in the same transaction.
func (db *DB) SaveModel(ctx context.Context, m *MatchModel) error {
	const op = "store.SaveModel"
	if m.Name == "" {
		return &domain.Error{Code: domain.EInvalid, Op: op, Field: "name", Message: "a model needs a name"}
	}
	data, err := json.Marshal(m.Model)
	if err != nil {
		return internal(op, err)
	}
	report := m.Report
	if len(report) == 0 {
		report = json.RawMessage("{}")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO match_models (name, trained_at, data, report) VALUES ($1, $2, $3, $4)`,
		m.Name, formatTime(tx.now), string(data), string(report)); err != nil {
		return internal(op, err)
	}
	detail := map[string]any{"name": m.Name, "report": report}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: ActionModelTrained, Detail: detail}); err != nil {
		return internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return internal(op, err)
	}
	m.TrainedAt = tx.now
	return nil
}

// LatestModel returns the newest stored model of that name, or ENotFound
// when none has been trained.
func (db *DB) LatestModel(ctx context.Context, name string) (*MatchModel, error) {
	const op = "store.LatestModel"
	m := &MatchModel{Name: name}
	var at, data, report string
	err := db.read.QueryRowContext(ctx, `SELECT trained_at, data, report FROM match_models WHERE name = $1
		ORDER BY trained_at DESC LIMIT 1`, name).Scan(&at, &data, &report)
	if isNoRows(err) {
		return nil, &domain.Error{Code: domain.ENotFound, Op: op, Field: "name", Message: "no " + name + " model has been trained"}
	}
	if err != nil {
		return nil, internal(op, err)
	}
	if err := json.Unmarshal([]byte(data), &m.Model); err != nil {
		return nil, internal(op, err)
	}
	m.TrainedAt, m.Report = parseTime(at), json.RawMessage(report)
	return m, nil
}

// SampleChildren returns the match data of up to n children drawn at
// random (neither merged nor archived), for estimating how often two
// children who are not the same agree by chance. Each draw reads the
// first child at or after a random point of the ID space, so it costs a
// look-up, not a scan, in a directory of millions; IDs are spread evenly
// over that space, so the draw is near enough uniform. Fewer than n come
// back from a directory with fewer children.
func (db *DB) SampleChildren(ctx context.Context, n int, rnd *rand.Rand) ([]Candidate, error) {
	const op = "store.SampleChildren"
	seen := map[domain.ID]bool{}
	var ids []domain.ID
	for tries := 0; len(ids) < n && tries < 3*n; tries++ {
		var id string
		err := db.readQueryRow(ctx, `SELECT child_id FROM child_match WHERE child_id >= $1 ORDER BY child_id LIMIT 1`,
			string(domain.IDFromNumber(rnd.Uint64N(domain.IDSpace)))).Scan(&id)
		if isNoRows(err) {
			continue // past the last child
		}
		if err != nil {
			return nil, internal(op, err)
		}
		if !seen[domain.ID(id)] {
			seen[domain.ID(id)] = true
			ids = append(ids, domain.ID(id))
		}
	}
	var out []Candidate
	for len(ids) > 0 {
		k := min(len(ids), 500)
		cs, err := db.MatchDataOf(ctx, ids[:k])
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		ids = ids[k:]
	}
	return out, nil
}
