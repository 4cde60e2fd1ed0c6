package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"sort"
	"strings"

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
	for start := 0; start < len(all); start += 500 {
		part := all[start:min(start+500, len(all))]
		var q strings.Builder
		args := make([]any, 0, len(part))
		q.WriteString(`SELECT key, child_id FROM child_keys WHERE key IN (`)
		for i, k := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(b.tx.db.dialect.param(i + 1))
			args = append(args, k)
		}
		q.WriteString(")")
		rows, err := b.tx.QueryContext(b.ctx, q.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k, id string
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return err
			}
			b.hits[k] = append(b.hits[k], domain.ID(id))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
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
	for start := 0; start < len(ids); start += 500 {
		if err := b.loadMatchData(ids[start:min(start+500, len(ids))]); err != nil {
			return err
		}
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
	for start := 0; start < len(need); start += 500 {
		if err := b.loadMatchData(need[start:min(start+500, len(need))]); err != nil {
			return err
		}
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
	for i, id := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(tx.db.dialect.param(first + i))
		args = append(args, string(id))
	}
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
	ids := make([]domain.ID, 0, len(n))
	for id := range n {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if n[ids[i]] != n[ids[j]] {
			return n[ids[i]] > n[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > limit {
		ids = ids[:limit]
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
// batch's cache.
func (b *Batch) loadMatchData(need []domain.ID) error {
	if len(need) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, len(need))
	q.WriteString(`SELECT m.child_id, m.data, ch.shielded, ch.merged_into, ch.la_code FROM child_match m JOIN children ch ON ch.id = m.child_id WHERE m.child_id IN (`)
	for i, id := range need {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(b.tx.db.dialect.param(i + 1))
		args = append(args, string(id))
	}
	q.WriteString(")")
	rows, err := b.tx.queryFor(b.ctx, []string{"child_match", "children"}, need, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, data, merged, la string
		var sh bool
		if err := rows.Scan(&id, &data, &sh, &merged, &la); err != nil {
			return err
		}
		if merged == "" {
			b.tx.knowChild(domain.ID(id), la, data)
		}
		m := new(MatchData)
		if err := json.Unmarshal([]byte(data), m); err != nil {
			return err
		}
		b.log.data[domain.ID(id)] = m
		b.shielded[domain.ID(id)] = sh
	}
	return rows.Err()
}

// prefetchedCandidates is Candidates from the prefetched keys and what the
// batch wrote since.
func (b *Batch) prefetchedCandidates(keys []string, limit int) ([]ImportCandidate, error) {
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
