package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// ActionFeedBatch records a batch posted over the API, once all of it is
// imported. (Each of its transactions has its own import entry.)
const ActionFeedBatch domain.Action = "feed-batch"

// FeedBatch is a batch a source posted to POST /api/v1/feeds/{source}/batches
// and that was imported whole.
type FeedBatch struct {
	Source     string
	ID         string
	BodySHA256 string          // hex SHA-256 of the posted body
	Summary    json.RawMessage // the answer the first post got
	ReceivedAt time.Time
}

// FeedBatch returns the source's completed batch with that ID, or
// ENotFound when there is none (never posted, or cut off half-way).
func (db *DB) FeedBatch(ctx context.Context, source, id string) (*FeedBatch, error) {
	const op = "store.FeedBatch"
	b := &FeedBatch{Source: source, ID: id}
	var summary, received string
	err := db.read.QueryRowContext(ctx, `SELECT body_sha256, summary, received_at FROM feed_batches WHERE source = $1 AND batch_id = $2`,
		source, id).Scan(&b.BodySHA256, &summary, &received)
	if isNoRows(err) {
		return nil, &domain.Error{Code: domain.ENotFound, Op: op, Field: "batch_id", Message: "no completed batch " + id + " from source " + source}
	}
	if err != nil {
		return nil, internal(op, err)
	}
	b.Summary, b.ReceivedAt = json.RawMessage(summary), parseTime(received)
	return b, nil
}

// RecordFeedBatch records that b was imported whole, with an audit entry
// (the actor is the source's identity in ctx) in the same transaction. A
// batch recorded already with the same body is left as it was and b gets
// the stored one; with a different body it is EConflict naming the batch.
func (db *DB) RecordFeedBatch(ctx context.Context, b *FeedBatch, counts map[string]any) error {
	const op = "store.RecordFeedBatch"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO feed_batches (source, batch_id, body_sha256, summary, received_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (source, batch_id) DO NOTHING`, b.Source, b.ID, b.BodySHA256, string(b.Summary), formatTime(tx.now))
	if err != nil {
		return internal(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return internal(op, err)
	} else if n == 0 {
		var sum, summary, received string
		if err := tx.QueryRowContext(ctx, `SELECT body_sha256, summary, received_at FROM feed_batches WHERE source = $1 AND batch_id = $2`,
			b.Source, b.ID).Scan(&sum, &summary, &received); err != nil {
			return internal(op, err)
		}
		if sum != b.BodySHA256 {
			return batchConflict(op, b.ID)
		}
		b.Summary, b.ReceivedAt = json.RawMessage(summary), parseTime(received)
		return nil
	}
	detail := map[string]any{"source": b.Source, "batch_id": b.ID, "body_sha256": b.BodySHA256}
	for k, v := range counts {
		detail[k] = v
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: ActionFeedBatch, Detail: detail}); err != nil {
		return internal(op, err)
	}
	b.ReceivedAt = tx.now
	return internal(op, tx.Commit())
}

// batchConflict is the error for a batch ID reused with a different body.
func batchConflict(op, id string) error {
	return &domain.Error{Code: domain.EConflict, Op: op, Field: "batch_id",
		Message: id + " was already posted with a different body: give a new batch a new batch_id"}
}

// FeedBatchConflict is the error the API gives when a batch ID is posted
// again with a different body.
func FeedBatchConflict(id string) error { return batchConflict("api.postBatch", id) }
