package store

import (
	"context"
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

// GivenNameCounts returns how many children (merged ones left out) and how
// many source records held for review have each first given name, as
// FirstName gives it. Import uses it to tell a typing error (a name no one
// has) from a real name a twin may have been given.
func (db *DB) GivenNameCounts(ctx context.Context) (map[string]int, error) {
	const op = "store.GivenNameCounts"
	out := map[string]int{}
	rows, err := db.read.QueryContext(ctx, `SELECT given_names FROM children WHERE merged_into = ''`)
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		if f := FirstName(g); f != "" {
			out[f]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
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
			out[f]++
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
	for _, ks := range keysets {
		for _, id := range b.topCandidates(ks, limit) {
			want[id] = true
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
	return nil
}

// topCandidates ranks the children holding any of keys (as prefetched and
// as the batch wrote since), those holding the most first, and returns up
// to limit of them.
func (b *Batch) topCandidates(keys []string, limit int) []domain.ID {
	n := b.hitCounts(keys)
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
	rows, err := b.tx.QueryContext(b.ctx, q.String(), args...)
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
	ids := b.topCandidates(keys, limit)
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
