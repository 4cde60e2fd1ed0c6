package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// Statuses of a source record.
const (
	RecordLinked = "linked" // attached to a child
	RecordReview = "review" // held for a data manager
)

// Audit actions of the feed and review work. (They belong with the others
// in domain/audit.go; they are here until that file takes them.)
const (
	ActionReviewDecide domain.Action = "review-decide"
	ActionMerge        domain.Action = "merge"
	ActionUnmerge      domain.Action = "unmerge"
)

// DefaultPrecedence orders source kinds by how far their demographics are
// trusted: the child's shown names, date of birth and gender come from the
// first kind that has a record of the child. Every source's own values stay
// in its source record, so a conflict can be shown to a data manager.
var DefaultPrecedence = []domain.SourceKind{
	domain.SourceHealth, domain.SourceEducation, domain.SourceLocalAuthority,
	domain.SourceBenefits, domain.SourceYouthJustice, domain.SourceOther,
}

// SourceRecord is one record a source sent, prepared for the store by
// NewSourceRecord: its identifiers are already keyed hashes and sealed
// values, and the clear values are gone.
type SourceRecord struct {
	Source      string
	RecordID    string    // in clear: on input, and for export to its source
	Hash        string    // keyed hash of source and record ID: the row's key
	ChildID     domain.ID // the linked child; empty while in review
	Status      string    // RecordLinked or RecordReview
	ContentHash string    // SHA-256 of the canonical record: equal means unchanged
	// Child is what the record says of the child: demographics and items,
	// with the source's provenance and no identifiers.
	Child *domain.Child
	// Explanation says why the record is linked to its child or held:
	// set by the importer before Link, Create or Hold, stored with the
	// record (see Explanation).
	Explanation *Explanation

	ids      []sealedID
	sealedID string
	data     string
}

// MatchIdentifiers returns the record's NHS number and UPN as the match
// package compares them ("kind:hash").
func (r *SourceRecord) MatchIdentifiers() []string {
	var out []string
	for _, s := range r.ids {
		if s.Kind != domain.IdentifierSourceRecord {
			out = append(out, string(s.Kind)+":"+s.Hash)
		}
	}
	return out
}

// sealedID is an identifier as a source record keeps it: the keyed hash
// and the value sealed to the source.
type sealedID struct {
	Kind   domain.IdentifierKind `json:"k"`
	Hash   string                `json:"h"`
	Sealed string                `json:"s"`
}

// recordData is a source record's data column.
type recordData struct {
	Child domain.Child `json:"c"`
	IDs   []sealedID   `json:"i,omitempty"`
}

// NewSourceRecord prepares what source says of a child under its record ID
// for the store: the NHS number and UPN (canonical, may be empty) become
// keyed hashes and sealed values, and the record gets its content hash. c
// must hold no identifiers; it is kept, not copied.
func (db *DB) NewSourceRecord(source, recordID, nhs, upn string, c *domain.Child) (*SourceRecord, error) {
	r := &SourceRecord{Source: source, RecordID: recordID, Child: c}
	r.Hash = db.keys.Hash("record", source+"\x00"+recordID)
	add := func(kind domain.IdentifierKind, v string) {
		if v != "" {
			r.ids = append(r.ids, sealedID{Kind: kind, Hash: db.keys.Hash(string(kind), v),
				Sealed: db.keys.Seal(v, identifierAD(kind, source))})
		}
	}
	add(domain.IdentifierNHS, nhs)
	add(domain.IdentifierUPN, upn)
	add(domain.IdentifierSourceRecord, recordID)
	r.sealedID = r.ids[len(r.ids)-1].Sealed
	cj, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	// The content hash covers the record and its identifiers' hashes, not
	// the sealed values, whose nonces differ every time.
	h := sha256.New()
	h.Write(cj)
	for _, s := range r.ids {
		h.Write([]byte{0})
		h.Write([]byte(s.Kind))
		h.Write([]byte{':'})
		h.Write([]byte(s.Hash))
	}
	r.ContentHash = hex.EncodeToString(h.Sum(nil))
	ij, err := json.Marshal(r.ids)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(len(cj) + len(ij) + 16)
	b.WriteString(`{"c":`)
	b.Write(cj)
	b.WriteString(`,"i":`)
	b.Write(ij)
	b.WriteString(`}`)
	r.data = b.String()
	return r, nil
}

// Batch is a transaction of an import: every record it handles is written
// whole, with its source record row, and an audit entry records the batch,
// all or nothing. A record handled in a batch is visible to the ones
// handled after it in the same batch, so a source's duplicates meet.
type Batch struct {
	tx     *Tx
	ctx    context.Context
	source string
	// Precedence orders source kinds for the shown demographics;
	// DefaultPrecedence when nil.
	Precedence []domain.SourceKind
	kinds      map[string]domain.SourceKind

	// After Prefetch: children holding each key at the batch's start,
	// what the batch wrote to the index since, and candidates' shielding.
	hits     map[string][]domain.ID
	log      *indexLog
	shielded map[domain.ID]bool
	// written says the batch has written (Create, Link, Hold): its
	// reads must then run in its transaction (readAhead).
	written bool
	// absent holds the hashes Lookup found no row for, and which the
	// batch has not written since: such a record has no open review item
	// to close (an open item always has its record's row).
	absent map[string]bool
}

// ImportBatch runs fn in one transaction for the source, then appends an
// import audit entry whose detail is what fn returns (the source is added),
// and commits. Nothing fn wrote is kept when fn fails. It returns ENotFound
// for an unknown source.
func (db *DB) ImportBatch(ctx context.Context, source string, precedence []domain.SourceKind, fn func(b *Batch) (map[string]any, error)) error {
	const op = "store.ImportBatch"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if _, err := tx.source(ctx, source); err != nil {
		return internal(op, err)
	}
	b := &Batch{tx: tx, ctx: ctx, source: source, Precedence: precedence}
	detail, err := fn(b)
	if err != nil {
		return internal(op, err)
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["source"] = source
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: domain.ActionImport, Detail: detail}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// Stored is what the store holds of a source record already received.
type Stored struct {
	ChildID     domain.ID
	Status      string
	ContentHash string
}

// Lookup returns, by record hash, what the store holds of those of the
// batch source's records (given by hash) that it has already received.
func (b *Batch) Lookup(hashes []string) (map[string]Stored, error) {
	out := make(map[string]Stored, len(hashes))
	for start := 0; start < len(hashes); start += 500 {
		part := hashes[start:min(start+500, len(hashes))]
		// A join with the list rather than "source = $1 AND record_hash
		// IN (...)": PostgreSQL, whose statistics lag behind a table an
		// import is filling, planned the IN list as a scan of all the
		// source's rows (a quarter of a second a query at 60,000 rows).
		var q strings.Builder
		args := make([]any, 0, len(part)+1)
		q.WriteString(`SELECT r.record_hash, r.child_id, r.status, r.content_hash FROM (VALUES `)
		for i, h := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + b.tx.db.dialect.param(i+1) + ")")
			args = append(args, h)
		}
		q.WriteString(`) AS h JOIN source_records r ON r.source = ` + b.tx.db.dialect.param(len(part)+1) + ` AND r.record_hash = h.column1`)
		args = append(args, b.source)
		rows, err := b.tx.QueryContext(b.ctx, q.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h, status, content string
			var child sql.NullString
			if err := rows.Scan(&h, &child, &status, &content); err != nil {
				rows.Close()
				return nil, err
			}
			out[h] = Stored{ChildID: domain.ID(child.String), Status: status, ContentHash: content}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if b.absent == nil {
		b.absent = map[string]bool{}
	}
	for _, h := range hashes {
		if _, ok := out[h]; !ok {
			b.absent[h] = true
		}
	}
	return out, nil
}

// ImportCandidate is a candidate child for a source record.
type ImportCandidate struct {
	Candidate
	Shielded bool
}

// Candidates returns up to limit children holding any of keys, those
// holding the most first, as the batch's transaction sees them (children
// created earlier in the batch included).
func (b *Batch) Candidates(keys []string, limit int) ([]ImportCandidate, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if b.log != nil {
		return b.prefetchedCandidates(keys, limit)
	}
	cands, err := queryCandidates(b.ctx, b.tx, b.tx.db.dialect, keys, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ImportCandidate, len(cands))
	for i, c := range cands {
		out[i] = ImportCandidate{Candidate: c, Shielded: c.Shielded}
	}
	return out, nil
}

// NotMatched returns the children a data manager ruled are not the child
// of the batch source's record with this hash.
func (b *Batch) NotMatched(hash string) (map[domain.ID]bool, error) {
	return b.tx.notMatched(b.ctx, b.source, hash)
}

func (tx *Tx) notMatched(ctx context.Context, source, hash string) (map[domain.ID]bool, error) {
	rows, err := tx.queryFor(ctx, []string{"match_decisions"}, nil, `SELECT child_id FROM match_decisions WHERE source = $1 AND record_hash = $2 AND decision = 'not-match'`, source, hash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[domain.ID]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[domain.ID(id)] = true
	}
	return out, rows.Err()
}

// Create makes a new child from the record and links the record to it.
// The child's authority is the record's la_code (EInvalid without one).
func (b *Batch) Create(r *SourceRecord) error {
	b.written = true
	fresh := b.absent[r.Hash]
	delete(b.absent, r.Hash)
	if err := b.tx.createFromRecord(b.ctx, r, fresh); err != nil {
		return err
	}
	if b.shielded != nil {
		b.shielded[r.ChildID] = false // a new child is not shielded
	}
	return nil
}

// Link attaches the record to the child (a new record, or a newer version of
// one already linked), replaces what the record's source supplied on the
// child with what its records now say, and recomputes the child's shown
// demographics.
func (b *Batch) Link(r *SourceRecord, child domain.ID) error {
	b.written = true
	fresh := b.absent[r.Hash]
	delete(b.absent, r.Hash)
	return b.tx.link(b.ctx, r, child, b.precedence(), fresh)
}

// Hold puts the record in the review queue with item (whose ID, source,
// record hash and creation time are filled in), closing any item still open
// for an earlier version of the record.
func (b *Batch) Hold(r *SourceRecord, item *ReviewItem) error {
	b.written = true
	fresh := b.absent[r.Hash]
	delete(b.absent, r.Hash)
	return b.tx.holdRecord(b.ctx, r, item, fresh)
}

func (b *Batch) precedence() []domain.SourceKind {
	if b.Precedence != nil {
		return b.Precedence
	}
	return DefaultPrecedence
}

// putRecord writes the record's row with the given status and child.
func (tx *Tx) putRecord(ctx context.Context, r *SourceRecord, status string, child domain.ID) error {
	var childArg any
	if child != "" {
		childArg = string(child)
	}
	now := formatTime(tx.now)
	r.Status, r.ChildID = status, child
	expl := ""
	if r.Explanation != nil {
		b, err := json.Marshal(r.Explanation)
		if err != nil {
			return err
		}
		expl = string(b)
	}
	if err := tx.queue(ctx, insSourceRecords, []any{r.Source, r.Hash, r.sealedID, childArg, status, r.ContentHash, r.data, now, now, expl}); err != nil {
		return err
	}
	// Keep the child's known linked records in step. (A record moves
	// between children only through a merge, which reads afresh.)
	if k := tx.known[child]; k != nil && k.hasRecs && status == RecordLinked {
		if err := tx.decodeMade(ctx, k); err != nil {
			return err
		}
		l, err := tx.loadedOf(ctx, r)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(k.recs, func(x loadedRecord) bool { return x.source == r.Source && x.hash == r.Hash })
		if i >= 0 {
			k.recs[i] = l
		} else {
			k.recs = append(k.recs, l)
		}
	}
	return nil
}

// decodeMade adds the record a known child was made from to its known
// records.
func (tx *Tx) decodeMade(ctx context.Context, k *knownChild) error {
	if k.made == nil {
		return nil
	}
	l, err := tx.loadedOf(ctx, k.made)
	if err != nil {
		return err
	}
	k.recs, k.made = append(k.recs, l), nil
	return nil
}

// loadedOf is r as linkedRecords would read it back once written in this
// transaction.
func (tx *Tx) loadedOf(ctx context.Context, r *SourceRecord) (loadedRecord, error) {
	l, err := tx.recordTemplate(ctx, r.Source)
	if err != nil {
		return l, err
	}
	l.hash, l.updated = r.Hash, formatTime(tx.now)
	err = json.Unmarshal([]byte(r.data), &l.data)
	return l, err
}

// recordTemplate is a loaded record of source with what linkedRecords
// reads from the sources table filled in (as it reads it: keep the two in
// step), read once a transaction.
func (tx *Tx) recordTemplate(ctx context.Context, source string) (loadedRecord, error) {
	q := &tx.queued
	if l, ok := q.sources[source]; ok {
		return l, nil
	}
	l := loadedRecord{source: source}
	rows, err := tx.queryFor(ctx, []string{"sources"}, nil, `SELECT kind, authoritative_for FROM sources WHERE name = $1`, source)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return l, err
		}
		return l, domain.Errorf(domain.ENotFound, "no source named %s", source)
	}
	var kind string
	if err := rows.Scan(&kind, &l.auth); err != nil {
		return l, err
	}
	l.kind = domain.SourceKind(kind)
	if q.sources == nil {
		q.sources = map[string]loadedRecord{}
	}
	q.sources[source] = l
	return l, nil
}

// closeReviews closes the open review items of a record that has been
// decided another way (a newer version linked it, say).
func (tx *Tx) closeReviews(ctx context.Context, source, hash, decision, by string, child domain.ID) error {
	res, err := tx.execFor(ctx, []string{"review_items"}, nil, `UPDATE review_items SET decided_at = $1, decision = $2, decided_by = $3, child_id = $4
		WHERE source = $5 AND record_hash = $6 AND decided_at = ''`, formatTime(tx.now), decision, by, string(child), source, hash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // nothing was held: no keys filed
	}
	_, err = tx.execFor(ctx, []string{"held_keys"}, nil, `DELETE FROM held_keys WHERE source = $1 AND record_hash = $2`, source, hash)
	return err
}

// createFromRecord makes a new child from the record; fresh says the
// record has no row yet, so no review item of it to close.
func (tx *Tx) createFromRecord(ctx context.Context, r *SourceRecord, fresh bool) error {
	c := *r.Child // a shallow copy: items get IDs and times in the copy's slices
	c.Addresses = slices.Clone(c.Addresses)
	c.Parents = slices.Clone(c.Parents)
	c.Education = slices.Clone(c.Education)
	c.Health = slices.Clone(c.Health)
	c.Involvements = slices.Clone(c.Involvements)
	c.LeadProfessionals = slices.Clone(c.LeadProfessionals)
	c.CAFs = slices.Clone(c.CAFs)
	c.Identifiers = nil
	c.ID = ""
	if c.LACode == "" {
		return domain.FieldError("la_code", "is required to create a child: no local authority")
	}
	if err := c.Validate(tx.today()); err != nil {
		return err
	}
	id, err := tx.freeID(ctx)
	if err != nil {
		return err
	}
	c.ID = id
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	if err := tx.queue(ctx, insChildren, []any{string(c.ID), c.GivenNames, c.FamilyName, string(c.Gender), c.DateOfBirth.String(),
		c.DateOfDeath.String(), string(c.AddressStatus), string(c.ReturnIntent), c.LACode,
		c.Version, formatTime(tx.now), formatTime(tx.now)}); err != nil {
		return err
	}
	if err := tx.insertItems(ctx, &c); err != nil {
		return err
	}
	if err := tx.insertSealed(ctx, c.ID, r.Source, r.ids); err != nil {
		return err
	}
	if err := tx.putRecord(ctx, r, RecordLinked, c.ID); err != nil {
		return err
	}
	tx.knowChild(c.ID, c.LACode, "")
	if linkCache {
		// What a link in the same batch reads of the new child.
		k := tx.known[c.ID]
		k.recs, k.hasRecs, k.made = nil, true, r
		k.former, k.hasFormer = slices.Clone(c.FormerFamilyNames), true
		k.idSources = map[string]bool{}
		if len(r.ids) > 0 {
			k.idSources[r.Source] = true
		}
		k.addrs, k.hasAddrs = nil, true
		k.addAddresses(c.Addresses)
	}
	if !fresh {
		if err := tx.closeReviews(ctx, r.Source, r.Hash, "superseded", SystemID, c.ID); err != nil {
			return err
		}
	}
	rec := []loadedRecord{{source: r.Source, hash: r.Hash, data: recordData{Child: *r.Child, IDs: r.ids}}}
	return tx.importIndex(ctx, c.ID, matchDataOf(&c, rec), true)
}

// importIndex writes the child's blocking keys and match data as
// writeIndex does; fresh says the child is new, with no keys to remove.
// (Import keeps its own copy so that the bulk path can be tuned alone.)
// child_keys has no index by child, so the old keys are recomputed from
// the stored match data and only the difference is written; nothing is
// written when the match data is unchanged (a link that adds a GP, say).
func (tx *Tx) importIndex(ctx context.Context, id domain.ID, m *MatchData, fresh bool) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	keys := match.Keys(m.Record())
	add := keys
	var drop []string
	if !fresh {
		var data string
		var err error
		if k := tx.known[id]; k != nil && k.hasMatch {
			data = k.match
		} else {
			err = tx.queryRowFor(ctx, []string{"child_match"}, []domain.ID{id}, `SELECT data FROM child_match WHERE child_id = $1`, string(id)).Scan(&data)
		}
		switch {
		case err == nil && data == string(b):
			return nil
		case err == nil:
			var old MatchData
			if err := json.Unmarshal([]byte(data), &old); err != nil {
				return err
			}
			oldKeys := match.Keys(old.Record())
			for _, k := range oldKeys {
				if _, found := slices.BinarySearch(keys, k); !found {
					drop = append(drop, k)
				}
			}
			add = nil
			for _, k := range keys {
				if _, found := slices.BinarySearch(oldKeys, k); !found {
					add = append(add, k)
				}
			}
			if err := tx.deleteKeys(ctx, id, drop); err != nil {
				return err
			}
		case !isNoRows(err):
			return err
		}
	}
	for _, k := range add {
		if err := tx.queue(ctx, insChildKeys, []any{k, string(id)}); err != nil {
			return err
		}
	}
	if l := indexLogOf(ctx); l != nil {
		l.wrote(id, m, add, drop)
	}
	if k := tx.known[id]; k != nil {
		k.match, k.hasMatch = string(b), true
	}
	return tx.queue(ctx, insChildMatch, []any{string(id), string(b)})
}

// deleteKeys removes some of the child's keys, by the primary key.
func (tx *Tx) deleteKeys(ctx context.Context, id domain.ID, keys []string) error {
	for start := 0; start < len(keys); start += 100 {
		part := keys[start:min(start+100, len(keys))]
		var q strings.Builder
		args := make([]any, 0, len(part)+1)
		args = append(args, string(id))
		q.WriteString(`DELETE FROM child_keys WHERE child_id = ` + tx.db.dialect.param(1) + ` AND key IN (`)
		args = listParams(tx.db.dialect, &q, 2, len(part), args, part)
		q.WriteString(")")
		if _, err := tx.execFor(ctx, []string{"child_keys"}, []domain.ID{id}, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// insertSealed stores identifiers already hashed and sealed to source.
func (tx *Tx) insertSealed(ctx context.Context, child domain.ID, source string, ids []sealedID) error {
	if k := tx.known[child]; k != nil && k.idSources != nil && len(ids) > 0 {
		k.idSources[source] = true
	}
	for _, s := range ids {
		if err := tx.queue(ctx, insIdentifiers, []any{string(child), string(s.Kind), source, s.Hash, s.Sealed}); err != nil {
			return err
		}
	}
	return nil
}

// loadedRecord is a linked source record of a child, as refresh reads it.
type loadedRecord struct {
	source  string
	kind    domain.SourceKind
	auth    string // what the source is authoritative for: sources.authoritative_for
	hash    string
	updated string
	data    recordData
}

// authoritative reports whether the record's source is authoritative for a.
func (l *loadedRecord) authoritative(a domain.Authority) bool {
	return l.auth != "" && slices.Contains(strings.Split(l.auth, ","), string(a))
}

func (tx *Tx) linkedRecords(ctx context.Context, child domain.ID) ([]loadedRecord, error) {
	rows, err := tx.QueryContext(ctx, linkedRecordsSQL(""), string(child))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []loadedRecord
	for rows.Next() {
		var l loadedRecord
		if err := scanLinked(rows, &l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// linkedRecordsSQL selects a child's ($1) linked records as scanLinked
// reads them, then the columns more names ("r.received_at, ...").
func linkedRecordsSQL(more string) string {
	if more != "" {
		more = ", " + more
	}
	return `SELECT r.source, s.kind, s.authoritative_for, r.record_hash, r.updated_at, r.data` + more + ` FROM source_records r
		JOIN sources s ON s.name = r.source WHERE r.child_id = $1 AND r.status = 'linked'`
}

// scanLinked reads a row of linkedRecordsSQL into l, and its further
// columns into more.
func scanLinked(rows *sql.Rows, l *loadedRecord, more ...any) error {
	var kind, data string
	if err := rows.Scan(append([]any{&l.source, &kind, &l.auth, &l.hash, &l.updated, &data}, more...)...); err != nil {
		return err
	}
	l.kind = domain.SourceKind(kind)
	return json.Unmarshal([]byte(data), &l.data)
}

func (tx *Tx) linkRecord(ctx context.Context, r *SourceRecord, child domain.ID, prec []domain.SourceKind) error {
	return tx.link(ctx, r, child, prec, false)
}

// link is linkRecord; fresh says the record has no row yet, so no review
// item of it to close.
func (tx *Tx) link(ctx context.Context, r *SourceRecord, child domain.ID, prec []domain.SourceKind, fresh bool) error {
	var merged, la string
	if k := tx.known[child]; k != nil && k.la != "" {
		la = k.la // read or written earlier in the batch, and not merged
	} else if err := tx.queryRowFor(ctx, []string{"children"}, []domain.ID{child}, `SELECT merged_into, la_code FROM children WHERE id = $1`, string(child)).Scan(&merged, &la); err != nil {
		if isNoRows(err) {
			return domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", child)
		}
		return err
	}
	if merged != "" {
		child, la = domain.ID(merged), ""
	}
	if err := tx.putRecord(ctx, r, RecordLinked, child); err != nil {
		return err
	}
	if !fresh {
		if err := tx.closeReviews(ctx, r.Source, r.Hash, "superseded", SystemID, child); err != nil {
			return err
		}
	}
	return tx.refresh(ctx, child, r.Source, r.Hash, prec, la)
}

// precedes reports whether record a comes before record b in the order
// the shown demographics read a child's records (see shown): by the rank
// of the source's kind in prec (kinds not in it last), then the most
// recently updated first, then by record hash, so that the order is total.
func precedes(prec []domain.SourceKind, a, b *loadedRecord) bool {
	rank := func(k domain.SourceKind) int {
		if i := slices.Index(prec, k); i >= 0 {
			return i
		}
		return len(prec)
	}
	if ra, rb := rank(a.kind), rank(b.kind); ra != rb {
		return ra < rb
	}
	if a.updated != b.updated {
		return a.updated > b.updated
	}
	return a.hash < b.hash
}

// refreshChild recomputes the child's shown demographics and index from its
// linked source records and, when source is set, replaces that source's
// items with what its records now say. An education setting, GP, involvement
// or address the source no longer sends is kept, ended today, so that it
// shows as recently involved. hash names the record that changed.
func (tx *Tx) refreshChild(ctx context.Context, child domain.ID, source, hash string, prec []domain.SourceKind) error {
	return tx.refresh(ctx, child, source, hash, prec, "")
}

// refresh is refreshChild; la, when set, is the child's authority before
// the refresh (read with the child), which saves reading it again when
// the child does not move.
func (tx *Tx) refresh(ctx context.Context, child domain.ID, source, hash string, prec []domain.SourceKind, la string) error {
	var recs []loadedRecord
	var err error
	k := tx.known[child]
	if k != nil && k.hasRecs {
		if err := tx.decodeMade(ctx, k); err != nil {
			return err
		}
		recs = slices.Clone(k.recs)
	} else if recs, err = tx.linkedRecords(ctx, child); err != nil {
		return err
	}
	if len(recs) == 0 {
		return tx.reindex(ctx, child)
	}
	sort.SliceStable(recs, func(i, j int) bool { return precedes(prec, &recs[i], &recs[j]) })
	shown := tx.shown(recs)

	if source != "" {
		var mine []*recordData
		others := false
		for i := range recs {
			if recs[i].source == source {
				mine = append(mine, &recs[i].data)
				if recs[i].hash != hash {
					others = true
				}
			}
		}
		var had int
		if !others {
			// A source's first record on this child has nothing to replace
			// unless the record was linked here before (an update).
			if k != nil && k.idSources != nil {
				if k.idSources[source] {
					had = 1
				}
			} else if err := tx.queryRowFor(ctx, []string{"identifiers"}, []domain.ID{child}, `SELECT COUNT(*) FROM identifiers WHERE child_id = $1 AND source = $2`, string(child), source).Scan(&had); err != nil {
				return err
			}
		}
		if err := tx.replaceSourceItems(ctx, child, source, mine, others || had > 0); err != nil {
			return err
		}
	}
	if err := tx.setFormerNames(ctx, child, shown.FormerFamilyNames); err != nil {
		return err
	}
	if err := tx.queue(ctx, updChildren, []any{string(child), shown.GivenNames, shown.FamilyName, string(shown.Gender),
		shown.DateOfBirth.String(), shown.DateOfDeath.String(), string(shown.AddressStatus), string(shown.ReturnIntent),
		formatTime(tx.now)}); err != nil {
		return err
	}
	// The responsible authority follows the current address: a move
	// transfers the child, with its history and notifications.
	moved, err := tx.updateResponsibility(ctx, child)
	if err != nil {
		return err
	}
	shown.LACode = la
	if moved || la == "" {
		if err := tx.queryRowFor(ctx, []string{"children"}, []domain.ID{child}, `SELECT la_code FROM children WHERE id = $1`, string(child)).Scan(&shown.LACode); err != nil {
			return err
		}
	}
	if moved {
		delete(tx.known, child) // the move rewrote the stored match data
	}
	defer func() {
		if k := tx.known[child]; k != nil {
			k.la = shown.LACode
		}
	}()
	return tx.importIndex(ctx, child, matchDataOf(shown, recs), false)
}

// shown computes the demographics a child shows from its records, ordered
// by precedence: names, date of birth and gender from the first record that
// has them; a death from any; address status, return intent and authority
// from the most recently received record that says. A record whose source
// is authoritative for names, date of birth, gender or death wins that
// field when it gives it, whatever the precedence.
func (tx *Tx) shown(recs []loadedRecord) *domain.Child {
	c := &domain.Child{Gender: domain.GenderNotSpecified}
	first := &recs[0].data.Child
	c.GivenNames, c.FamilyName, c.DateOfBirth = first.GivenNames, first.FamilyName, first.DateOfBirth
	var authNames, authDOB, authGender, authDeath bool
	for i := range recs {
		l, r := &recs[i], &recs[i].data.Child
		if l.auth == "" {
			continue
		}
		if !authNames && r.GivenNames != "" && l.authoritative(domain.AuthorityNames) {
			c.GivenNames, c.FamilyName, authNames = r.GivenNames, r.FamilyName, true
		}
		if !authDOB && !r.DateOfBirth.IsZero() && l.authoritative(domain.AuthorityDateOfBirth) {
			c.DateOfBirth, authDOB = r.DateOfBirth, true
		}
		if !authGender && r.Gender != "" && r.Gender != domain.GenderNotSpecified && l.authoritative(domain.AuthorityGender) {
			c.Gender, authGender = r.Gender, true
		}
		if !authDeath && !r.DateOfDeath.IsZero() && l.authoritative(domain.AuthorityDeath) {
			c.DateOfDeath, authDeath = r.DateOfDeath, true
		}
	}
	for i := range recs {
		r := &recs[i].data.Child
		if !authGender && c.Gender == domain.GenderNotSpecified && r.Gender != "" {
			c.Gender = r.Gender
		}
		if !authDeath && c.DateOfDeath.IsZero() {
			c.DateOfDeath = r.DateOfDeath
		}
		for _, n := range r.FormerFamilyNames {
			if !slices.Contains(c.FormerFamilyNames, n) {
				c.FormerFamilyNames = append(c.FormerFamilyNames, n)
			}
		}
		for _, a := range r.Addresses {
			c.Addresses = append(c.Addresses, a)
		}
	}
	latest := 0
	for i := range recs {
		if recs[i].updated > recs[latest].updated {
			latest = i
		}
	}
	for _, i := range append([]int{latest}, upTo(len(recs))...) {
		if la := recs[i].data.Child.LACode; la != "" {
			c.LACode = la
			break
		}
	}
	lr := &recs[latest].data.Child
	current := false
	for _, a := range c.Addresses {
		if a.To.IsZero() {
			current = true
		}
	}
	switch {
	case lr.AddressStatus == domain.AddressLeftEngland:
		c.AddressStatus, c.ReturnIntent = domain.AddressLeftEngland, lr.ReturnIntent
	case current:
		c.AddressStatus = domain.AddressCurrent
	case len(c.Addresses) > 0:
		c.AddressStatus = domain.AddressLastKnown
	default:
		c.AddressStatus = domain.AddressNone
	}
	return c
}

func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// matchDataOf is the match data of a child showing shown, whose linked
// records are recs: the shown demographics, every family name a source
// uses as a former name, every postcode (current ones first), every
// NHS number and UPN, and the sources of the records.
func matchDataOf(shown *domain.Child, recs []loadedRecord) *MatchData {
	m := &MatchData{GivenNames: shown.GivenNames, FamilyName: shown.FamilyName, DateOfBirth: shown.DateOfBirth,
		Gender: shown.Gender, LACode: shown.LACode}
	m.FormerNames = slices.Clone(shown.FormerFamilyNames)
	for i := range recs {
		f := recs[i].data.Child.FamilyName
		if f != "" && !strings.EqualFold(f, shown.FamilyName) && !slices.Contains(m.FormerNames, f) {
			m.FormerNames = append(m.FormerNames, f)
		}
	}
	for _, current := range []bool{true, false} {
		for i := range recs {
			for _, a := range recs[i].data.Child.Addresses {
				if a.To.IsZero() != current || a.Postcode == "" || slices.Contains(m.Postcodes, a.Postcode) {
					continue
				}
				if m.Town == "" && current {
					m.Town = a.Town
				}
				m.Postcodes = append(m.Postcodes, a.Postcode)
			}
		}
	}
	for i := range recs {
		if !slices.Contains(m.Sources, recs[i].source) {
			m.Sources = append(m.Sources, recs[i].source)
		}
		for _, s := range recs[i].data.IDs {
			if s.Kind == domain.IdentifierSourceRecord {
				continue
			}
			if h := string(s.Kind) + ":" + s.Hash; !slices.Contains(m.Identifiers, h) {
				m.Identifiers = append(m.Identifiers, h)
			}
		}
	}
	return m
}

func (tx *Tx) setFormerNames(ctx context.Context, child domain.ID, names []string) error {
	var have []string
	k := tx.known[child]
	if k != nil && k.hasFormer {
		have = k.former
	} else if err := tx.scanFor(ctx, []string{"former_names"}, []domain.ID{child}, func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		have = append(have, n)
		return err
	}, `SELECT name FROM former_names WHERE child_id = $1 ORDER BY position`, string(child)); err != nil {
		return err
	}
	if slices.Equal(have, names) {
		return nil
	}
	if _, err := tx.execFor(ctx, []string{"former_names"}, []domain.ID{child}, `DELETE FROM former_names WHERE child_id = $1`, string(child)); err != nil {
		return err
	}
	for i, n := range names {
		if err := tx.queue(ctx, insFormerNames, []any{string(child), i, n}); err != nil {
			return err
		}
	}
	if k != nil {
		k.former, k.hasFormer = slices.Clone(names), true
	}
	return nil
}

// itemTables hold a child's items, each with a source column.
var itemTables = []string{"addresses", "parents", "education", "health", "involvements", "lead_professionals", "cafs"}

// replaceSourceItems replaces what source supplied on the child with the
// union of its records' items. When replace is false the child holds
// nothing from the source yet and the items are only added.
func (tx *Tx) replaceSourceItems(ctx context.Context, child domain.ID, source string, recs []*recordData, replace bool) error {
	n := &domain.Child{ID: child}
	for _, r := range recs {
		n.Addresses = append(n.Addresses, r.Child.Addresses...)
		n.Parents = append(n.Parents, r.Child.Parents...)
		n.Education = append(n.Education, r.Child.Education...)
		n.Health = append(n.Health, r.Child.Health...)
		n.Involvements = append(n.Involvements, r.Child.Involvements...)
		n.LeadProfessionals = append(n.LeadProfessionals, r.Child.LeadProfessionals...)
		n.CAFs = append(n.CAFs, r.Child.CAFs...)
		n.Identifiers = nil
	}
	var ids []sealedID
	for _, r := range recs {
		ids = append(ids, r.IDs...)
	}
	if replace {
		// Only the items that end when a source stops sending them: a
		// link's reads of a child it updates were a fifth of an import's
		// time.
		old := &domain.Child{ID: child}
		for _, load := range []func(context.Context, *domain.Child) error{tx.loadEducation, tx.loadHealth, tx.loadInvolvements, tx.loadAddresses} {
			if err := load(ctx, old); err != nil {
				return err
			}
		}
		today := tx.today()
		// Keep, ended, what the source no longer sends: a school left or a
		// GP deregistered shows as recently involved.
		for _, e := range old.Education {
			if e.Source != source {
				continue
			}
			if !slices.ContainsFunc(n.Education, func(x domain.EducationSetting) bool { return sameSetting(x, e) }) {
				if e.End.IsZero() {
					e.End = endOn(today, e.Start)
				}
				e.ID = ""
				n.Education = append(n.Education, e)
			}
		}
		for _, h := range old.Health {
			if h.Source != source {
				continue
			}
			if !slices.ContainsFunc(n.Health, func(x domain.HealthProvider) bool { return x.Name == h.Name && x.ODSCode == h.ODSCode }) {
				if h.End.IsZero() {
					h.End = endOn(today, h.Start)
				}
				h.ID = ""
				n.Health = append(n.Health, h)
			}
		}
		for _, v := range old.Involvements {
			if v.Source != source {
				continue
			}
			if !slices.ContainsFunc(n.Involvements, func(x domain.Involvement) bool {
				return x.Service == v.Service && x.Organisation == v.Organisation
			}) {
				if v.End.IsZero() {
					v.End = endOn(today, v.Start)
				}
				v.ID = ""
				n.Involvements = append(n.Involvements, v)
			}
		}
		for _, a := range old.Addresses {
			if a.Source != source {
				continue
			}
			if !slices.ContainsFunc(n.Addresses, func(x domain.ChildAddress) bool { return x.Address == a.Address }) {
				if a.To.IsZero() {
					a.To = endOn(today, a.From)
				}
				a.ID = ""
				n.Addresses = append(n.Addresses, a)
			}
		}
		for _, t := range itemTables {
			if _, err := tx.execFor(ctx, []string{t}, []domain.ID{child}, `DELETE FROM `+t+` WHERE child_id = $1 AND source = $2`, string(child), source); err != nil {
				return err
			}
		}
		if _, err := tx.execFor(ctx, []string{"identifiers"}, []domain.ID{child}, `DELETE FROM identifiers WHERE child_id = $1 AND source = $2`, string(child), source); err != nil {
			return err
		}
		if k := tx.known[child]; k != nil {
			if k.idSources != nil {
				delete(k.idSources, source)
			}
			k.addrs = slices.DeleteFunc(k.addrs, func(a currentAddress) bool { return a.source == source })
		}
	}
	if err := tx.insertItems(ctx, n); err != nil {
		return err
	}
	if k := tx.known[child]; k != nil && k.hasAddrs {
		k.addAddresses(n.Addresses)
	}
	return tx.insertSealed(ctx, child, source, ids)
}

// addAddresses adds the current addresses naming an authority among as,
// which have been given their IDs and provenance, to what is known of the
// child's.
func (k *knownChild) addAddresses(as []domain.ChildAddress) {
	for _, a := range as {
		if a.To.IsZero() && a.LACode != "" {
			k.addrs = append(k.addrs, currentAddress{id: a.ID, source: a.Source, la: a.LACode, from: a.From.String(), recorded: formatTime(a.Recorded)})
		}
	}
}

func sameSetting(a, b domain.EducationSetting) bool {
	return a.Name == b.Name && a.URN == b.URN && a.HomeEducated == b.HomeEducated
}

// endOn is today as an end date, or start when that is later.
func endOn(today, start domain.Date) domain.Date {
	if !start.IsZero() && start.After(today) {
		return start
	}
	return today
}

// reindex rewrites the child's index from its stored record and
// identifiers, for a child no source record supports.
func (tx *Tx) reindex(ctx context.Context, child domain.ID) error {
	c, err := tx.child(ctx, child)
	if err != nil {
		return err
	}
	m := tx.db.matchData(c)
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT kind, hash FROM identifiers WHERE child_id = $1 AND kind <> 'record' ORDER BY kind, hash`, string(child))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, h string
		if err := rows.Scan(&k, &h); err != nil {
			return err
		}
		m.Identifiers = append(m.Identifiers, k+":"+h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return tx.importIndex(ctx, child, m, false)
}

func (tx *Tx) holdRecord(ctx context.Context, r *SourceRecord, it *ReviewItem, fresh bool) error {
	if err := tx.putRecord(ctx, r, RecordReview, ""); err != nil {
		return err
	}
	if !fresh {
		if err := tx.closeReviews(ctx, r.Source, r.Hash, "superseded", SystemID, ""); err != nil {
			return err
		}
	}
	it.ID, it.Source, it.RecordHash, it.CreatedAt = newItemID(), r.Source, r.Hash, tx.now
	if it.LACode == "" {
		it.LACode = r.Child.LACode
	}
	cj, err := json.Marshal(it.Candidates)
	if err != nil {
		return err
	}
	for _, k := range it.Keys {
		if err := tx.queue(ctx, insHeldKeys, []any{k, it.Source, it.RecordHash}); err != nil {
			return err
		}
	}
	return tx.queue(ctx, insReviewItems, []any{it.ID, it.Source, it.RecordHash, it.LACode, it.Reason, string(cj), formatTime(tx.now)})
}

// SourceLink is one row of `export links`.
type SourceLink struct {
	Source   string
	RecordID string
	ChildID  domain.ID // empty for a record in review
	Status   string
	// Explanation is the stored Explanation as JSON ("" for records
	// imported before explanations were kept).
	Explanation string
}

// Explanation is why a source record is where it is: the decision, and
// for matching's decisions the probability, total weight and field-by-field
// levels and weights against the child it was linked to (or the nearest
// candidate, for a new child), the model that weighed them, and the
// importer's rule when one settled it rather than the model alone.
type Explanation struct {
	Decision    string            `json:"decision"` // link, new-child, review
	Probability float64           `json:"probability,omitempty"`
	Weight      float64           `json:"weight,omitempty"`
	Against     domain.ID         `json:"against,omitempty"` // the child compared
	Fields      []FieldComparison `json:"fields,omitempty"`
	Model       string            `json:"model,omitempty"` // "built-in" or when the trained model was trained
	Rule        string            `json:"rule,omitempty"`
	DecidedBy   string            `json:"decided_by,omitempty"` // a data manager's decision
	ReviewItem  string            `json:"review_item,omitempty"`
}

// ExportLinks calls fn for every source record (of source, when set) with
// its record ID in clear, in source and arrival order. The export is
// audited first, as e.
func (db *DB) ExportLinks(ctx context.Context, source string, e *domain.AuditEntry, fn func(SourceLink) error) error {
	const op = "store.ExportLinks"
	if source != "" {
		if _, err := db.Source(ctx, source); err != nil {
			return err
		}
	}
	e.Action = domain.ActionExport
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	e.Detail["export"] = "links"
	if source != "" {
		e.Detail["source"] = source
	}
	if err := db.Audit(ctx, e); err != nil {
		return err
	}
	q := `SELECT source, sealed_id, child_id, status, explanation FROM source_records`
	var args []any
	if source != "" {
		q += ` WHERE source = $1`
		args = append(args, source)
	}
	q += ` ORDER BY source, received_at, record_hash`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l SourceLink
		var sealed string
		var child sql.NullString
		if err := rows.Scan(&l.Source, &sealed, &child, &l.Status, &l.Explanation); err != nil {
			return internal(op, err)
		}
		if l.RecordID, err = db.keys.Open(sealed, identifierAD(domain.IdentifierSourceRecord, l.Source)); err != nil {
			return internal(op, err)
		}
		if l.Status == RecordLinked {
			l.ChildID = domain.ID(child.String)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return internal(op, rows.Err())
}

// ChildCount returns how many children the directory holds (merged ones
// not counted).
func (db *DB) ChildCount(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM children WHERE merged_into = ''`).Scan(&n)
	return n, internal("store.ChildCount", err)
}

// HeldFor returns, by source, the record hashes of the open review items
// held for reason, oldest first: the importer looks again at records held
// for want of a local authority once later feeds may have made their
// child.
func (db *DB) HeldFor(ctx context.Context, reason string) (map[string][]string, error) {
	const op = "store.HeldFor"
	rows, err := db.write.QueryContext(ctx, `SELECT source, record_hash FROM review_items
		WHERE decided_at = '' AND reason = $1 ORDER BY source, created_at, id`, reason)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var source, hash string
		if err := rows.Scan(&source, &hash); err != nil {
			return nil, internal(op, err)
		}
		out[source] = append(out[source], hash)
	}
	return out, internal(op, rows.Err())
}

// HeldRecord names a source record held for review, and why.
type HeldRecord struct {
	Source, Hash, Reason string
}

// MarkHeldMeeting marks, in the batch, the records held for review (of
// any source) filed under any of keys (ReviewItem.Keys): those a child
// whose blocking keys these are may be the child of. The importer looks at
// the marked records again at its end (HeldToRecheck) and unmarks them
// (Batch.Rechecked, DB.Unmark). It returns how many it marked, counting
// ones already marked.
func (b *Batch) MarkHeldMeeting(keys []string) (int, error) {
	d := b.tx.db.dialect
	marked := 0
	for start := 0; start < len(keys); start += readAheadChunk {
		part := keys[start:min(start+readAheadChunk, len(keys))]
		held, args := heldUnder(d, part, 50)
		q := `INSERT INTO held_recheck (source, record_hash) ` + held + ` ON CONFLICT (source, record_hash) DO NOTHING`
		res, err := b.tx.execFor(b.ctx, []string{"held_keys", "review_items", "held_recheck"}, nil, q, args...)
		if err != nil {
			return marked, err
		}
		if c, err := res.RowsAffected(); err == nil {
			marked += int(c)
		}
	}
	return marked, nil
}

// heldUnder is the query of the records held for review (open review
// items) filed under any of keys, as (source, record_hash), and its
// arguments, the keys padded to a multiple of step (padTo).
func heldUnder(d *dialect, keys []string, step int) (string, []any) {
	n := d.padTo(len(keys), step)
	var q strings.Builder
	args := make([]any, 0, n)
	// CROSS JOIN keeps SQLite's planner to the keys first: otherwise it
	// walks every open review item and probes the keys for each
	// (PostgreSQL plans the join as any other).
	q.WriteString(`SELECT DISTINCT h.source, h.record_hash FROM held_keys h CROSS JOIN review_items r
		WHERE r.source = h.source AND r.record_hash = h.record_hash AND r.decided_at = '' AND h.key IN (`)
	args = listParams(d, &q, 1, n, args, keys)
	q.WriteString(")")
	return q.String(), args
}

// HeldMeeting returns the records held for review (of any source) filed
// under any of keys (ReviewItem.Keys), as stored, those the batch held
// included.
func (b *Batch) HeldMeeting(keys []string) ([]*SourceRecord, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q, args := heldUnder(b.tx.db.dialect, keys, 8)
	rows, err := b.tx.queryFor(b.ctx, []string{"held_keys", "review_items", "source_records"}, nil, q, args...)
	if err != nil {
		return nil, err
	}
	var held [][2]string
	for rows.Next() {
		var h [2]string
		if err := rows.Scan(&h[0], &h[1]); err != nil {
			rows.Close()
			return nil, err
		}
		held = append(held, h)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := make([]*SourceRecord, 0, len(held))
	for _, h := range held {
		r, err := b.tx.storedRecord(b.ctx, h[0], h[1])
		if err != nil {
			return nil, err
		}
		if r.Status == RecordReview {
			out = append(out, r)
		}
	}
	return out, nil
}

// HeldToRecheck returns the records marked by MarkHeldMeeting, by source,
// oldest hash first; the reason is empty for one no longer held.
func (db *DB) HeldToRecheck(ctx context.Context) (map[string][]HeldRecord, error) {
	const op = "store.HeldToRecheck"
	rows, err := db.write.QueryContext(ctx, `SELECT m.source, m.record_hash, COALESCE(r.reason, '') FROM held_recheck m
		LEFT JOIN review_items r ON r.source = m.source AND r.record_hash = m.record_hash AND r.decided_at = ''
		ORDER BY m.source, m.record_hash`)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := map[string][]HeldRecord{}
	for rows.Next() {
		var h HeldRecord
		if err := rows.Scan(&h.Source, &h.Hash, &h.Reason); err != nil {
			return nil, internal(op, err)
		}
		if n := len(out[h.Source]); n > 0 && out[h.Source][n-1].Hash == h.Hash {
			continue // two open items of one record: one look
		}
		out[h.Source] = append(out[h.Source], h)
	}
	return out, internal(op, rows.Err())
}

// Rechecked unmarks, in the batch, records of the batch's source that the
// importer has looked at again.
func (b *Batch) Rechecked(hashes []string) error {
	return b.tx.unmark(b.ctx, b.source, hashes)
}

// Unmark is Rechecked in a transaction of its own, for a look that
// settled nothing (and so writes nothing else).
func (db *DB) Unmark(ctx context.Context, source string, hashes []string) error {
	const op = "store.Unmark"
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	if err := tx.unmark(ctx, source, hashes); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

func (tx *Tx) unmark(ctx context.Context, source string, hashes []string) error {
	for start := 0; start < len(hashes); start += readAheadChunk {
		part := hashes[start:min(start+readAheadChunk, len(hashes))]
		var q strings.Builder
		args := []any{source}
		q.WriteString(`DELETE FROM held_recheck WHERE source = ` + tx.db.dialect.param(1) + ` AND record_hash IN (`)
		args = listParams(tx.db.dialect, &q, 2, len(part), args, part)
		q.WriteString(")")
		if _, err := tx.execFor(ctx, []string{"held_recheck"}, nil, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// Held reads back a record of the batch's source that is held for review,
// as the importer stored it; ENotFound when the source holds no such
// record or the record is no longer held.
func (b *Batch) Held(hash string) (*SourceRecord, error) {
	r, err := b.tx.storedRecord(b.ctx, b.source, hash)
	if err != nil {
		return nil, err
	}
	if r.Status != RecordReview {
		return nil, domain.Errorf(domain.ENotFound, "source record is %s, not held for review", r.Status)
	}
	return r, nil
}
