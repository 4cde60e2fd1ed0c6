package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// ReviewItem is a source record held for a data manager, with the children
// it might be.
type ReviewItem struct {
	ID         string
	Source     string
	RecordHash string
	RecordID   string // in clear, when listed
	LACode     string // the authority whose data managers decide it
	Reason     string
	Candidates []ReviewCandidate
	CreatedAt  time.Time
	DecidedAt  time.Time
	Decision   string // link, new, superseded; empty while open
	DecidedBy  string
	ChildID    domain.ID // the child linked or created
	// Record is what the source record says, when listed: to be shown
	// beside each candidate.
	Record *domain.Child
	// Keys, when holding a record, are the blocking keys it looks up
	// (match.QueryKeys): a child made later with one of them among its
	// own keys finds it (Batch.HeldMeeting).
	Keys []string
}

// ReviewCandidate is a child a held record might be, with how each field
// compared.
type ReviewCandidate struct {
	ChildID     domain.ID         `json:"child_id"`
	Probability float64           `json:"probability"`
	Weight      float64           `json:"weight"`
	Decision    string            `json:"decision"` // what the model alone said: link, review, new-child
	Shielded    bool              `json:"shielded,omitempty"`
	Fields      []FieldComparison `json:"fields"`
	// Child is the candidate's match data, filled when listed.
	Child *MatchData `json:"-"`
}

// FieldComparison is one field's comparison level (see the match package's
// levels; 0 is missing) and its weight in the score.
type FieldComparison struct {
	Field  string  `json:"field"`
	Level  int     `json:"level"`
	Weight float64 `json:"weight"`
}

// Review decisions.
const (
	DecideLink     = "link"
	DecideNew      = "new"
	DecideNotMatch = "not-match"
)

// ReviewDecision is a data manager's ruling on a review item.
type ReviewDecision struct {
	Action  string    // DecideLink, DecideNew or DecideNotMatch
	ChildID domain.ID // the child to link to, or ruled out
	LACode  string    // for DecideNew, when the record names no authority
}

// mayReview reports whether the caller in ctx may see and decide items of
// the authority: the operator CLI (no user), a national administrator, or
// the authority's data manager.
func mayReview(ctx context.Context, la string) error {
	u := domain.UserFromContext(ctx)
	if u == nil || u.HasRole(domain.RoleNationalAdmin) {
		return nil
	}
	if u.HasRole(domain.RoleDataManager) && (la == "" || u.LACode == la) {
		return nil
	}
	return domain.Errorf(domain.EForbidden, "only the authority's data managers may review matches")
}

// ReviewList returns the open review items of the authority (all when la is
// empty), oldest first, each with the record and its candidates side by
// side.
func (db *DB) ReviewList(ctx context.Context, la string) ([]ReviewItem, error) {
	const op = "store.ReviewList"
	if err := mayReview(ctx, la); err != nil {
		return nil, internal(op, err)
	}
	if u := domain.UserFromContext(ctx); u != nil && !u.HasRole(domain.RoleNationalAdmin) {
		la = u.LACode
	}
	q := `SELECT i.id, i.source, i.record_hash, i.la_code, i.reason, i.candidates, i.created_at, r.sealed_id, r.data
		FROM review_items i JOIN source_records r ON r.source = i.source AND r.record_hash = i.record_hash
		WHERE i.decided_at = ''`
	var args []any
	if la != "" {
		q += ` AND i.la_code = $1`
		args = append(args, la)
	}
	q += ` ORDER BY i.created_at, i.id`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []ReviewItem
	for rows.Next() {
		var it ReviewItem
		var cands, created, sealed, data string
		if err := rows.Scan(&it.ID, &it.Source, &it.RecordHash, &it.LACode, &it.Reason, &cands, &created, &sealed, &data); err != nil {
			return nil, internal(op, err)
		}
		it.CreatedAt = parseTime(created)
		if err := json.Unmarshal([]byte(cands), &it.Candidates); err != nil {
			return nil, internal(op, err)
		}
		var rd recordData
		if err := json.Unmarshal([]byte(data), &rd); err != nil {
			return nil, internal(op, err)
		}
		it.Record = &rd.Child
		if it.RecordID, err = db.keys.Open(sealed, identifierAD(domain.IdentifierSourceRecord, it.Source)); err != nil {
			return nil, internal(op, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows.Close()
	for i := range out {
		ids := make([]domain.ID, len(out[i].Candidates))
		for j, c := range out[i].Candidates {
			ids[j] = c.ChildID
		}
		md, err := db.MatchDataOf(ctx, ids)
		if err != nil {
			return nil, err
		}
		for j := range out[i].Candidates {
			for k := range md {
				if md[k].ID == out[i].Candidates[j].ChildID {
					m := md[k].MatchData
					out[i].Candidates[j].Child = &m
				}
			}
		}
	}
	return out, nil
}

// DecideReview applies a data manager's decision to an open review item:
// link the record to a child, make it a new child, or rule a candidate out
// (remembered: the pair is never proposed again; the item stays open for
// the rest). It returns the child linked or created, ENotFound for an
// unknown item or child, EConflict for an item already decided, and
// EInvalid for a bad decision.
func (db *DB) DecideReview(ctx context.Context, id string, d ReviewDecision) (domain.ID, error) {
	const op = "store.DecideReview"
	tx, err := db.begin(ctx)
	if err != nil {
		return "", internal(op, err)
	}
	defer tx.Rollback()
	var source, hash, la, cands, decided string
	err = tx.QueryRowContext(ctx, `SELECT source, record_hash, la_code, candidates, decided_at FROM review_items WHERE id = $1`, id).
		Scan(&source, &hash, &la, &cands, &decided)
	if isNoRows(err) {
		return "", internal(op, domain.Errorf(domain.ENotFound, "no review item %q", id))
	}
	if err != nil {
		return "", internal(op, err)
	}
	if err := mayReview(ctx, la); err != nil {
		return "", internal(op, err)
	}
	if decided != "" {
		return "", internal(op, domain.Errorf(domain.EConflict, "review item %s has already been decided", id))
	}
	r, err := tx.storedRecord(ctx, source, hash)
	if err != nil {
		return "", internal(op, err)
	}
	by := actor(ctx)
	child := d.ChildID
	switch d.Action {
	case DecideLink:
		if child == "" {
			return "", internal(op, domain.FieldError("link", "name the child to link to"))
		}
		if err := tx.closeReviews(ctx, source, hash, DecideLink, by, child); err != nil {
			return "", internal(op, err)
		}
		r.Explanation = &Explanation{Decision: DecideLink, DecidedBy: by, ReviewItem: id}
		if err := tx.linkRecord(ctx, r, child, DefaultPrecedence); err != nil {
			return "", internal(op, err)
		}
		child = r.ChildID
	case DecideNew:
		if r.Child.LACode == "" {
			if _, ok := domain.LookupLA(d.LACode); !ok {
				return "", internal(op, domain.FieldError("la_code", "the record names no local authority: give the GSS code of the child's authority"))
			}
			r.Child.LACode = d.LACode
		}
		r.Explanation = &Explanation{Decision: DecideNew, DecidedBy: by, ReviewItem: id}
		if err := tx.createFromRecord(ctx, r, false); err != nil {
			return "", internal(op, err)
		}
		child = r.ChildID
		if _, err := tx.ExecContext(ctx, `UPDATE review_items SET decision = $1, decided_by = $2, child_id = $3 WHERE id = $4`,
			DecideNew, by, string(child), id); err != nil {
			return "", internal(op, err)
		}
	case DecideNotMatch:
		if child == "" {
			return "", internal(op, domain.FieldError("not-match", "name the child ruled out"))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO match_decisions (source, record_hash, child_id, decision, decided_by, decided_at)
			VALUES ($1, $2, $3, 'not-match', $4, $5) ON CONFLICT (source, record_hash, child_id) DO NOTHING`,
			source, hash, string(child), by, formatTime(tx.now)); err != nil {
			return "", internal(op, err)
		}
		var cs []ReviewCandidate
		if err := json.Unmarshal([]byte(cands), &cs); err != nil {
			return "", internal(op, err)
		}
		kept := cs[:0]
		for _, c := range cs {
			if c.ChildID != child {
				kept = append(kept, c)
			}
		}
		b, _ := json.Marshal(kept)
		if _, err := tx.ExecContext(ctx, `UPDATE review_items SET candidates = $1 WHERE id = $2`, string(b), id); err != nil {
			return "", internal(op, err)
		}
	default:
		return "", internal(op, domain.FieldError("decision", "%q must be link, new or not-match", d.Action))
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: by, Action: ActionReviewDecide, ChildID: string(child),
		Detail: map[string]any{"review_id": id, "decision": d.Action, "source": source}}); err != nil {
		return "", internal(op, err)
	}
	return child, internal(op, tx.Commit())
}

// storedRecord reads a source record back as a SourceRecord.
func (tx *Tx) storedRecord(ctx context.Context, source, hash string) (*SourceRecord, error) {
	r := &SourceRecord{Source: source, Hash: hash}
	var child sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT sealed_id, child_id, status, content_hash, data FROM source_records WHERE source = $1 AND record_hash = $2`,
		source, hash).Scan(&r.sealedID, &child, &r.Status, &r.ContentHash, &r.data)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.ENotFound, "no such source record")
	}
	if err != nil {
		return nil, err
	}
	r.ChildID = domain.ID(child.String)
	var rd recordData
	if err := json.Unmarshal([]byte(r.data), &rd); err != nil {
		return nil, err
	}
	r.Child, r.ids = &rd.Child, rd.IDs
	return r, nil
}

// Merge is one merge of two children.
type Merge struct {
	ID         string
	KeptID     domain.ID
	MergedID   domain.ID
	MergedAt   time.Time
	MergedBy   string
	UnmergedAt time.Time
	UnmergedBy string
}

// moved lists what a merge moved, so unmerge can move exactly that back.
type moved struct {
	Items       map[string][]string `json:"items"`       // table: item IDs
	Identifiers [][3]string         `json:"identifiers"` // kind, source, hash
	Records     [][2]string         `json:"records"`     // source, record hash
}

// MergeChildren merges child merged into child kept: every item, identifier
// and source record of merged moves to kept, kept's shown details are
// recomputed, and merged leaves the index (its row stays, marked, so the
// merge can be undone). It returns the merge's ID; ENotFound for an unknown
// child, EInvalid for a child merged with itself, EConflict when either was
// already merged away.
func (db *DB) MergeChildren(ctx context.Context, kept, merged domain.ID) (string, error) {
	const op = "store.MergeChildren"
	if kept == merged {
		return "", internal(op, domain.FieldError("merge", "a child cannot be merged with itself"))
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return "", internal(op, err)
	}
	defer tx.Rollback()
	for _, id := range []domain.ID{kept, merged} {
		var into, la string
		err := tx.QueryRowContext(ctx, `SELECT merged_into, la_code FROM children WHERE id = $1`, string(id)).Scan(&into, &la)
		if isNoRows(err) {
			return "", internal(op, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id))
		}
		if err != nil {
			return "", internal(op, err)
		}
		if into != "" {
			return "", internal(op, domain.Errorf(domain.EConflict, "child %s has already been merged into %s", id, into))
		}
		if err := mayReview(ctx, la); err != nil {
			return "", internal(op, err)
		}
	}
	mv := moved{Items: map[string][]string{}}
	for _, t := range itemTables {
		ids, err := tx.column(ctx, `SELECT id FROM `+t+` WHERE child_id = $1 ORDER BY id`, string(merged))
		if err != nil {
			return "", internal(op, err)
		}
		if len(ids) == 0 {
			continue
		}
		mv.Items[t] = ids
		if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET child_id = $1 WHERE child_id = $2`, string(kept), string(merged)); err != nil {
			return "", internal(op, err)
		}
	}
	idents, err := tx.column(ctx, `SELECT kind || '|' || source || '|' || hash FROM identifiers i WHERE child_id = $1
		AND NOT EXISTS (SELECT 1 FROM identifiers k WHERE k.child_id = $2 AND k.kind = i.kind AND k.source = i.source AND k.hash = i.hash)
		ORDER BY 1`, string(merged), string(kept))
	if err != nil {
		return "", internal(op, err)
	}
	for _, s := range idents {
		p := strings.SplitN(s, "|", 3)
		mv.Identifiers = append(mv.Identifiers, [3]string{p[0], p[1], p[2]})
		if _, err := tx.ExecContext(ctx, `UPDATE identifiers SET child_id = $1 WHERE child_id = $2 AND kind = $3 AND source = $4 AND hash = $5`,
			string(kept), string(merged), p[0], p[1], p[2]); err != nil {
			return "", internal(op, err)
		}
	}
	recs, err := tx.column(ctx, `SELECT source || '|' || record_hash FROM source_records WHERE child_id = $1 ORDER BY 1`, string(merged))
	if err != nil {
		return "", internal(op, err)
	}
	for _, s := range recs {
		src, h, _ := strings.Cut(s, "|")
		mv.Records = append(mv.Records, [2]string{src, h})
	}
	if _, err := tx.ExecContext(ctx, `UPDATE source_records SET child_id = $1 WHERE child_id = $2`, string(kept), string(merged)); err != nil {
		return "", internal(op, err)
	}
	tx.forget(kept, merged)
	if err := tx.setMerged(ctx, merged, string(kept)); err != nil {
		return "", internal(op, err)
	}
	if err := tx.refreshChild(ctx, kept, "", "", DefaultPrecedence); err != nil {
		return "", internal(op, err)
	}
	b, _ := json.Marshal(mv)
	mid := newItemID()
	by := actor(ctx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO merges (id, kept_id, merged_id, moved, merged_at, merged_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		mid, string(kept), string(merged), string(b), formatTime(tx.now), by); err != nil {
		return "", internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: by, Action: ActionMerge, ChildID: string(kept),
		Detail: map[string]any{"merged": string(merged), "merge_id": mid}}); err != nil {
		return "", internal(op, err)
	}
	return mid, internal(op, tx.Commit())
}

// setMerged marks a child merged into another (into empty: restored) and
// takes it out of the index, or puts it back.
func (tx *Tx) setMerged(ctx context.Context, id domain.ID, into string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE children SET merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
		into, formatTime(tx.now), string(id)); err != nil {
		return err
	}
	if into == "" {
		return tx.refreshChild(ctx, id, "", "", DefaultPrecedence)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM child_keys WHERE child_id = $1`, string(id)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM child_match WHERE child_id = $1`, string(id))
	return err
}

// UnmergeChildren undoes a merge: exactly what it moved goes back to the
// merged child, which returns to the index, and both children's shown
// details are recomputed. History is kept. It returns ENotFound for an
// unknown merge and EConflict for one already undone.
func (db *DB) UnmergeChildren(ctx context.Context, mergeID string) error {
	const op = "store.UnmergeChildren"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	var kept, merged, mvs, unmerged string
	err = tx.QueryRowContext(ctx, `SELECT kept_id, merged_id, moved, unmerged_at FROM merges WHERE id = $1`, mergeID).Scan(&kept, &merged, &mvs, &unmerged)
	if isNoRows(err) {
		return internal(op, domain.Errorf(domain.ENotFound, "no merge %q", mergeID))
	}
	if err != nil {
		return internal(op, err)
	}
	if unmerged != "" {
		return internal(op, domain.Errorf(domain.EConflict, "merge %s has already been undone", mergeID))
	}
	var la string
	if err := tx.QueryRowContext(ctx, `SELECT la_code FROM children WHERE id = $1`, kept).Scan(&la); err != nil {
		return internal(op, err)
	}
	if err := mayReview(ctx, la); err != nil {
		return internal(op, err)
	}
	var mv moved
	if err := json.Unmarshal([]byte(mvs), &mv); err != nil {
		return internal(op, err)
	}
	for t, ids := range mv.Items {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET child_id = $1 WHERE id = $2 AND child_id = $3`, merged, id, kept); err != nil {
				return internal(op, err)
			}
		}
	}
	for _, k := range mv.Identifiers {
		if _, err := tx.ExecContext(ctx, `UPDATE identifiers SET child_id = $1 WHERE child_id = $2 AND kind = $3 AND source = $4 AND hash = $5`,
			merged, kept, k[0], k[1], k[2]); err != nil {
			return internal(op, err)
		}
	}
	for _, r := range mv.Records {
		if _, err := tx.ExecContext(ctx, `UPDATE source_records SET child_id = $1 WHERE child_id = $2 AND source = $3 AND record_hash = $4`,
			merged, kept, r[0], r[1]); err != nil {
			return internal(op, err)
		}
	}
	tx.forget(domain.ID(kept), domain.ID(merged))
	if err := tx.setMerged(ctx, domain.ID(merged), ""); err != nil {
		return internal(op, err)
	}
	if err := tx.refreshChild(ctx, domain.ID(kept), "", "", DefaultPrecedence); err != nil {
		return internal(op, err)
	}
	by := actor(ctx)
	if _, err := tx.ExecContext(ctx, `UPDATE merges SET unmerged_at = $1, unmerged_by = $2 WHERE id = $3`, formatTime(tx.now), by, mergeID); err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: by, Action: ActionUnmerge, ChildID: kept,
		Detail: map[string]any{"merged": merged, "merge_id": mergeID}}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// Merges returns the merge history of a child, kept or merged, oldest first.
func (db *DB) Merges(ctx context.Context, id domain.ID) ([]Merge, error) {
	const op = "store.Merges"
	rows, err := db.read.QueryContext(ctx, `SELECT id, kept_id, merged_id, merged_at, merged_by, unmerged_at, unmerged_by FROM merges
		WHERE kept_id = $1 OR merged_id = $1 ORDER BY merged_at, id`, string(id))
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []Merge
	for rows.Next() {
		var m Merge
		var kept, merged, at, unat string
		if err := rows.Scan(&m.ID, &kept, &merged, &at, &m.MergedBy, &unat, &m.UnmergedBy); err != nil {
			return nil, internal(op, err)
		}
		m.KeptID, m.MergedID, m.MergedAt = domain.ID(kept), domain.ID(merged), parseTime(at)
		if unat != "" {
			m.UnmergedAt = parseTime(unat)
		}
		out = append(out, m)
	}
	return out, internal(op, rows.Err())
}
