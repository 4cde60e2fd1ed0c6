package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// FirstName returns the first part of a given-names field as matching
// normalises it ("ELLIE" for "Ellie-May Kayla"), or "" when there is none.
func FirstName(given string) string {
	n := match.Name(given)
	first, _, _ := strings.Cut(n, " ")
	return first
}

// NameCounts is how many children (merged ones left out) have each name.
type NameCounts struct {
	// Given counts first given names as FirstName gives them, of children
	// and of source records held for review. Import uses it to tell a
	// typing error (a name no one has) from a real name a twin may have
	// been given.
	Given map[string]int
	// First and Family count the children's first given names and family
	// names as match.NameKeys gives them, for the term-frequency
	// adjustment of exact name agreement.
	First, Family map[string]int
	// Children is the number of children counted.
	Children int
}

// Frequencies returns the children's name frequencies (nil for a directory
// too small to say).
func (c *NameCounts) Frequencies() *match.Frequencies {
	return match.NewFrequencies(c.First, c.Family, c.Children)
}

// NameCountsOf says which of NameCounts' counts to make: each costs a
// pass's worth of work at millions of children.
type NameCountsOf struct {
	Given       bool // NameCounts.Given (children and held records)
	Frequencies bool // NameCounts.First and Family
}

// NameCounts makes the counts of asks for in one pass
// over the children. Children is always counted.
func (db *DB) NameCounts(ctx context.Context, of NameCountsOf) (*NameCounts, error) {
	const op = "store.NameCounts"
	out := &NameCounts{Given: map[string]int{}, First: map[string]int{}, Family: map[string]int{}}
	rows, err := db.read.QueryContext(ctx, `SELECT given_names, family_name FROM children WHERE merged_into = ''`)
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var g, f string
		if err := rows.Scan(&g, &f); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		if of.Given {
			if n := FirstName(g); n != "" {
				out.Given[n]++
			}
		}
		if of.Frequencies {
			first, family := match.NameKeys(g, f)
			out.First[first]++
			out.Family[family]++
		}
		out.Children++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	if !of.Given {
		return out, nil
	}
	rows, err = db.read.QueryContext(ctx, `SELECT data FROM source_records WHERE status = 'review'`)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, internal(op, err)
		}
		var rd recordData
		if err := json.Unmarshal([]byte(data), &rd); err != nil {
			return nil, internal(op, err)
		}
		if f := FirstName(rd.Child.GivenNames); f != "" {
			out.Given[f]++
		}
	}
	return out, internal(op, rows.Err())
}

// indexLog records, for a batch, the blocking keys and match data written
// in its transaction, so that the batch's in-memory candidate lookup sees
// children created or changed earlier in the batch.
type indexLog struct {
	added   map[string][]domain.ID
	dropped map[string]map[domain.ID]bool
	data    map[domain.ID]*MatchData
}

type indexLogKey struct{}

func indexLogOf(ctx context.Context) *indexLog {
	l, _ := ctx.Value(indexLogKey{}).(*indexLog)
	return l
}

func (l *indexLog) wrote(id domain.ID, m *MatchData, add, drop []string) {
	for _, k := range add {
		l.added[k] = append(l.added[k], id)
		if d := l.dropped[k]; d != nil {
			delete(d, id)
		}
	}
	for _, k := range drop {
		if l.dropped[k] == nil {
			l.dropped[k] = map[domain.ID]bool{}
		}
		l.dropped[k][id] = true
	}
	l.data[id] = m
}

// Prefetch reads, in a few queries, which children hold each of the keys
// the batch's records will look up (QueryKeys of each), so that Candidates
// needs no key query of its own, and the match data of the 50 children
// likeliest to be each record's candidates. Call it once, before the batch
// writes.
func (b *Batch) Prefetch(keysets [][]string) error {
	return b.PrefetchCandidates(keysets, 50)
}

// PrefetchCandidates is Prefetch for Candidates called with limit.
func (b *Batch) PrefetchCandidates(keysets [][]string, limit int) error {
	seen := map[string]bool{}
	var all []string
	for _, ks := range keysets {
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				all = append(all, k)
			}
		}
	}
	b.hits = make(map[string][]domain.ID, len(all))
	if err := b.readKeys(all); err != nil {
		return err
	}
	b.log = &indexLog{added: map[string][]domain.ID{}, dropped: map[string]map[domain.ID]bool{}, data: map[domain.ID]*MatchData{}}
	b.ctx = context.WithValue(b.ctx, indexLogKey{}, b.log)
	b.shielded = map[domain.ID]bool{}
	// Each record's likely candidates as the batch starts (what the batch
	// writes can change a few; Candidates reads those itself).
	want := map[domain.ID]bool{}
	firsts := map[domain.ID]bool{}
	for _, ks := range keysets {
		top := b.topCandidates(ks, limit)
		for _, id := range top {
			want[id] = true
		}
		if len(top) > 0 {
			firsts[top[0]] = true
		}
	}
	ids := make([]domain.ID, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := b.readMatchData(ids); err != nil {
		return err
	}
	// What a link reads of its child, for each record's likeliest child:
	// most records of a source after the first link to it.
	if !linkCache {
		return nil
	}
	ids = ids[:0]
	for id := range firsts {
		if k := b.tx.known[id]; k != nil && !k.hasRecs {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for start := 0; start < len(ids); start += 500 {
		if err := b.tx.loadLinkState(b.ctx, ids[start:min(start+500, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// PrefetchChildren reads, in a few queries, what linking records to these
// children (newer versions of records linked to them, say) will read of
// them, as PrefetchCandidates does for each record's likeliest child.
func (b *Batch) PrefetchChildren(ids []domain.ID) error {
	if b.log == nil {
		if err := b.PrefetchCandidates(nil, 0); err != nil {
			return err
		}
	}
	var need []domain.ID
	for _, id := range ids {
		if _, ok := b.shielded[id]; !ok {
			need = append(need, id)
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	if err := b.readMatchData(need); err != nil {
		return err
	}
	if !linkCache {
		return nil
	}
	var load []domain.ID
	for _, id := range ids {
		if k := b.tx.known[id]; k != nil && !k.hasRecs {
			load = append(load, id)
		}
	}
	slices.Sort(load)
	load = slices.Compact(load)
	for start := 0; start < len(load); start += 500 {
		if err := b.tx.loadLinkState(b.ctx, load[start:min(start+500, len(load))]); err != nil {
			return err
		}
	}
	return nil
}

// linkCache, when false, turns off what an import batch learns of its
// children ahead of their links (loadLinkState, and the same for children
// it creates) and the queue's selective writes (flushFor then writes
// everything), so that a test can compare an import with and without them.
var linkCache = true

// inList is " IN ($n, ...)" for ids, the placeholders numbered from
// first, and args with the ids appended.
func (tx *Tx) inList(ids []domain.ID, first int, args []any) (string, []any) {
	var q strings.Builder
	q.WriteString(" IN (")
	args = listParams(tx.db.dialect, &q, first, len(ids), args, ids)
	q.WriteString(")")
	return q.String(), args
}

// loadLinkState reads, for children known to the transaction (not
// merged), what linking a record to them reads: their linked source
// records (as linkedRecords reads them), former names, the sources of
// their identifiers and their current addresses' authorities, into
// Tx.known. Each is a query for all of ids.
func (tx *Tx) loadLinkState(ctx context.Context, ids []domain.ID) error {
	if len(ids) == 0 {
		return nil
	}
	// Read into a copy of each, kept only once every query has run.
	ks := make(map[domain.ID]*knownChild, len(ids))
	for _, id := range ids {
		if tx.known[id] == nil {
			return nil // only for known children
		}
		ks[id] = &knownChild{idSources: map[string]bool{}}
	}
	in, args := tx.inList(ids, 1, nil)
	// As linkedRecords reads them (keep the two in step).
	err := tx.scanFor(ctx, []string{"source_records", "sources"}, ids, func(rows *sql.Rows) error {
		var l loadedRecord
		var child, kind, data string
		if err := rows.Scan(&child, &l.source, &kind, &l.auth, &l.hash, &l.updated, &data); err != nil {
			return err
		}
		l.kind = domain.SourceKind(kind)
		if err := json.Unmarshal([]byte(data), &l.data); err != nil {
			return err
		}
		k := ks[domain.ID(child)]
		k.recs = append(k.recs, l)
		return nil
	}, `SELECT r.child_id, r.source, s.kind, s.authoritative_for, r.record_hash, r.updated_at, r.data FROM source_records r
		JOIN sources s ON s.name = r.source WHERE r.status = 'linked' AND r.child_id`+in, args...)
	if err != nil {
		return err
	}
	err = tx.scanFor(ctx, []string{"former_names"}, ids, func(rows *sql.Rows) error {
		var child, name string
		var pos int
		if err := rows.Scan(&child, &pos, &name); err != nil {
			return err
		}
		k := ks[domain.ID(child)]
		k.former = append(k.former, name)
		return nil
	}, `SELECT child_id, position, name FROM former_names WHERE child_id`+in+` ORDER BY child_id, position`, args...)
	if err != nil {
		return err
	}
	err = tx.scanFor(ctx, []string{"identifiers"}, ids, func(rows *sql.Rows) error {
		var child, source string
		if err := rows.Scan(&child, &source); err != nil {
			return err
		}
		ks[domain.ID(child)].idSources[source] = true
		return nil
	}, `SELECT DISTINCT child_id, source FROM identifiers WHERE child_id`+in, args...)
	if err != nil {
		return err
	}
	err = tx.scanFor(ctx, []string{"addresses"}, ids, func(rows *sql.Rows) error {
		var child string
		var a currentAddress
		if err := rows.Scan(&child, &a.id, &a.source, &a.la, &a.from, &a.recorded); err != nil {
			return err
		}
		k := ks[domain.ID(child)]
		k.addrs = append(k.addrs, a)
		return nil
	}, `SELECT child_id, id, source, la_code, from_date, recorded_at FROM addresses
		WHERE to_date = '' AND la_code <> '' AND child_id`+in, args...)
	if err != nil {
		return err
	}
	for id, r := range ks {
		k := tx.known[id]
		k.recs, k.made, k.former, k.idSources, k.addrs = r.recs, nil, r.former, r.idSources, r.addrs
		k.hasRecs, k.hasFormer, k.hasAddrs = true, true, true
	}
	return nil
}

// topCandidates ranks the children holding any of keys (as prefetched and
// as the batch wrote since), those holding the most first, and returns up
// to limit of them.
func (b *Batch) topCandidates(keys []string, limit int) []domain.ID {
	return topOf(b.hitCounts(keys), limit)
}

// topOf is the up to limit children of n holding the most keys, in
// topCandidates' order.
func topOf(n map[domain.ID]int, limit int) []domain.ID {
	type hit struct {
		id domain.ID
		n  int
	}
	hs := make([]hit, 0, len(n))
	for id, c := range n {
		hs = append(hs, hit{id, c})
	}
	slices.SortFunc(hs, func(a, b hit) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(string(a.id), string(b.id))
	})
	ids := make([]domain.ID, min(len(hs), limit))
	for i := range ids {
		ids[i] = hs[i].id
	}
	return ids
}

func (b *Batch) hitCounts(keys []string) map[domain.ID]int {
	n := map[domain.ID]int{}
	for _, k := range keys {
		d := b.log.dropped[k]
		for _, id := range b.hits[k] {
			if !d[id] {
				n[id]++
			}
		}
		for _, id := range b.log.added[k] {
			if !d[id] {
				n[id]++
			}
		}
	}
	return n
}

// loadMatchData reads the match data and shielding of children into the
// batch's cache, in the transaction (which sees what the batch wrote).
func (b *Batch) loadMatchData(need []domain.ID) error {
	if len(need) == 0 {
		return nil
	}
	q, args := b.matchDataQuery(need)
	rows, err := b.tx.queryFor(b.ctx, []string{"child_match", "children"}, need, q, args...)
	if err != nil {
		return err
	}
	got, err := scanMatchRows(rows)
	if err != nil {
		return err
	}
	b.keepMatchData(got)
	return nil
}

// matchDataRow is one child's row as loadMatchData reads it.
type matchDataRow struct {
	id, data, merged, la string
	shielded             bool
	m                    *MatchData
}

// matchDataQuery is the query of the match data of ids, padded on SQLite
// (dialect.padTo) so that a few texts serve every call.
func (b *Batch) matchDataQuery(ids []domain.ID) (string, []any) {
	d := b.tx.db.dialect
	n := d.padTo(len(ids), 50)
	var q strings.Builder
	args := make([]any, 0, n)
	q.WriteString(`SELECT m.child_id, m.data, COALESCE(ch.shielded, FALSE), COALESCE(ch.merged_into, ''), COALESCE(ch.la_code, '') FROM child_match m ` +
		d.flaggedJoin() + ` WHERE m.child_id IN (`)
	args = listParams(d, &q, 1, n, args, ids)
	q.WriteString(")")
	return q.String(), args
}

// scanMatchRows reads and decodes the rows of matchDataQuery.
func scanMatchRows(rows *sql.Rows) ([]matchDataRow, error) {
	defer rows.Close()
	var out []matchDataRow
	for rows.Next() {
		var r matchDataRow
		if err := rows.Scan(&r.id, &r.data, &r.shielded, &r.merged, &r.la); err != nil {
			return nil, err
		}
		r.m = new(MatchData)
		if err := decodeMatchData(r.data, r.m); err != nil {
			return nil, err
		}
		if r.la == "" { // not flagged: the copy (dialect.flaggedJoin)
			r.la = r.m.LACode
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// keepMatchData puts rows read by matchDataQuery in the batch's cache.
func (b *Batch) keepMatchData(rows []matchDataRow) {
	for _, r := range rows {
		if r.merged == "" {
			b.tx.knowChild(domain.ID(r.id), r.la, r.data)
		}
		b.log.data[domain.ID(r.id)] = r.m
		b.shielded[domain.ID(r.id)] = r.shielded
	}
}

// queryFunc is a queryer: a transaction's or the read pool's query through
// the statement cache.
type queryFunc func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

func (f queryFunc) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return f(ctx, query, args...)
}

// readAheadChunk is how many keys or children one read-ahead query asks
// for.
const readAheadChunk = 500

// readKeys fills b.hits with the children holding each of keys. It reads
// on the read pool, in parallel (readAhead).
func (b *Batch) readKeys(keys []string) error {
	d := b.tx.db.dialect
	parts := (len(keys) + readAheadChunk - 1) / readAheadChunk
	found := make([][][2]string, parts)
	err := b.readAhead(parts, false, func(i int, q queryer) error {
		part := keys[i*readAheadChunk : min((i+1)*readAheadChunk, len(keys))]
		n := d.padTo(len(part), 50)
		var sb strings.Builder
		args := make([]any, 0, n)
		sb.WriteString(`SELECT key, child_id FROM child_keys WHERE key IN (`)
		args = listParams(d, &sb, 1, n, args, part)
		sb.WriteString(")")
		rows, err := q.QueryContext(b.ctx, sb.String(), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kv [2]string
			if err := rows.Scan(&kv[0], &kv[1]); err != nil {
				return err
			}
			found[i] = append(found[i], kv)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, ok := b.hits[k]; !ok {
			b.hits[k] = nil // read: held by no child
		}
	}
	for _, f := range found {
		for _, kv := range f {
			b.hits[kv[0]] = append(b.hits[kv[0]], domain.ID(kv[1]))
		}
	}
	return nil
}

// readMatchData is loadMatchData for the prefetch: on the read pool, in
// parallel (readAhead).
func (b *Batch) readMatchData(ids []domain.ID) error {
	parts := (len(ids) + readAheadChunk - 1) / readAheadChunk
	got := make([][]matchDataRow, parts)
	err := b.readAhead(parts, b.written, func(i int, q queryer) error {
		query, args := b.matchDataQuery(ids[i*readAheadChunk : min((i+1)*readAheadChunk, len(ids))])
		rows, err := q.QueryContext(b.ctx, query, args...)
		if err != nil {
			return err
		}
		got[i], err = scanMatchRows(rows)
		return err
	})
	if err != nil {
		return err
	}
	for _, g := range got {
		b.keepMatchData(g)
	}
	return nil
}

// readAhead runs read(i, q) for each i below n: on the read pool, on as
// many connections at once as there are cores (the prefetch's reads were
// most of an import's time, on one core), or, when inTx, in the
// transaction one after another. The read pool sees what the transaction
// saw at its start: on SQLite the transaction holds the one write lock, and
// on PostgreSQL it reads committed data. That is what the batch's cached
// keys mean (hits: the children holding each key at the batch's start,
// what the batch wrote being in its log); match data read after the batch
// has written must be read in the transaction.
func (b *Batch) readAhead(n int, inTx bool, read func(i int, q queryer) error) error {
	if inTx {
		for i := 0; i < n; i++ {
			if err := b.tx.flush(b.ctx); err != nil {
				return err
			}
			if err := read(i, queryFunc(b.tx.query)); err != nil {
				return err
			}
		}
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := read(i, queryFunc(b.tx.db.readQuery)); err != nil {
					errs[w] = err
					next.Store(int64(n)) // the others stop too
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// prefetchedCandidates is Candidates from the prefetched keys and what the
// batch wrote since.
func (b *Batch) prefetchedCandidates(keys []string, limit int) ([]ImportCandidate, error) {
	// Keys the prefetch did not read (a record's fallback keys) are read
	// now, as the batch's start saw them.
	var missing []string
	for _, k := range keys {
		if _, ok := b.hits[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		if err := b.readKeys(missing); err != nil {
			return nil, err
		}
	}
	n := b.hitCounts(keys)
	if len(n) == 0 {
		return nil, nil
	}
	ids := topOf(n, limit)
	// Match data: what the batch read or wrote, else one query for the rest.
	var need []domain.ID
	for _, id := range ids {
		if _, ok := b.shielded[id]; !ok {
			need = append(need, id)
		}
	}
	if err := b.loadMatchData(need); err != nil {
		return nil, err
	}
	out := make([]ImportCandidate, 0, len(ids))
	for _, id := range ids {
		m, ok := b.log.data[id]
		if !ok {
			continue // keys without match data: not a candidate, as the join had it
		}
		c := ImportCandidate{Shielded: b.shielded[id]}
		c.ID, c.Hits, c.MatchData = id, n[id], *m
		out = append(out, c)
	}
	return out, nil
}
