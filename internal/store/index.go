package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// MatchData is the compact copy of a child's record that search and
// matching read: enough to score a candidate and to tell children apart in a
// result list, and no more.
type MatchData struct {
	GivenNames  string        `json:"g"`
	FamilyName  string        `json:"f"`
	FormerNames []string      `json:"fn,omitempty"`
	DateOfBirth domain.Date   `json:"d"`
	Gender      domain.Gender `json:"s"`
	Postcodes   []string      `json:"p,omitempty"` // current first, then previous
	Town        string        `json:"t,omitempty"`
	LACode      string        `json:"la"`
	Identifiers []string      `json:"i,omitempty"` // "kind:hash"
	// Sources names the sources whose records are linked to the child
	// (import weighs a candidate that already holds a record of the
	// record's own source as a duplicate within that source).
	Sources []string `json:"src,omitempty"`

	// Shielded comes from the children table when candidates are read,
	// not from the stored copy, so that search can keep shielded children
	// from searches on hidden fields however the copy was written. An
	// archived child is never read as a candidate at all, by the same
	// table's word.
	Shielded bool `json:"-"`
}

// decodeMatchData reads match data as stored (json.Marshal of MatchData).
// A search decodes one for each of its candidates, and encoding/json's
// reflection was a tenth of a search's time at a million children, so the
// form json.Marshal writes is read directly: an object of the known keys
// whose values are strings, or arrays of strings, without escapes. Anything
// else (a name with an apostrophe, which json.Marshal escapes, say) is left
// to encoding/json, so the result is always what json.Unmarshal gives.
func decodeMatchData(data string, m *MatchData) error {
	if fastMatchData(data, m) {
		return nil
	}
	*m = MatchData{}
	return json.Unmarshal([]byte(data), m)
}

// fastMatchData decodes data into m, reporting false for anything outside
// the plain form decodeMatchData describes.
func fastMatchData(data string, m *MatchData) bool {
	*m = MatchData{}
	i := 0
	skip := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
	}
	str := func() (string, bool) {
		if i >= len(data) || data[i] != '"' {
			return "", false
		}
		j := i + 1
		ascii := true
		for j < len(data) && data[j] != '"' {
			c := data[j]
			if c == '\\' || c < 0x20 {
				return "", false
			}
			if c >= 0x80 {
				ascii = false
			}
			j++
		}
		if j >= len(data) {
			return "", false
		}
		v := data[i+1 : j]
		if !ascii && !utf8.ValidString(v) {
			return "", false
		}
		i = j + 1
		return v, true
	}
	strs := func() ([]string, bool) {
		if i >= len(data) || data[i] != '[' {
			return nil, false
		}
		i++
		skip()
		var out []string
		if i < len(data) && data[i] == ']' {
			i++
			return []string{}, true
		}
		for {
			skip()
			v, ok := str()
			if !ok {
				return nil, false
			}
			out = append(out, v)
			skip()
			if i >= len(data) {
				return nil, false
			}
			if data[i] == ']' {
				i++
				return out, true
			}
			if data[i] != ',' {
				return nil, false
			}
			i++
		}
	}
	skip()
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i++
	seen := 0
	for {
		skip()
		if i < len(data) && data[i] == '}' && seen == 0 {
			i++
			break
		}
		key, ok := str()
		if !ok {
			return false
		}
		skip()
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i++
		skip()
		var bit int
		switch key {
		case "g", "f", "d", "s", "t", "la":
			v, ok := str()
			if !ok {
				return false
			}
			switch key {
			case "g":
				m.GivenNames, bit = v, 1
			case "f":
				m.FamilyName, bit = v, 2
			case "d":
				if m.DateOfBirth.UnmarshalText([]byte(v)) != nil {
					return false
				}
				bit = 4
			case "s":
				m.Gender, bit = domain.Gender(v), 8
			case "t":
				m.Town, bit = v, 16
			case "la":
				m.LACode, bit = v, 32
			}
		case "fn", "p", "i", "src":
			v, ok := strs()
			if !ok {
				return false
			}
			switch key {
			case "fn":
				m.FormerNames, bit = v, 64
			case "p":
				m.Postcodes, bit = v, 128
			case "i":
				m.Identifiers, bit = v, 256
			case "src":
				m.Sources, bit = v, 512
			}
		default:
			return false
		}
		if seen&bit != 0 {
			return false // a repeated key: encoding/json's rules decide
		}
		seen |= bit
		skip()
		if i >= len(data) {
			return false
		}
		if data[i] == '}' {
			i++
			break
		}
		if data[i] != ',' {
			return false
		}
		i++
	}
	skip()
	return i == len(data)
}

// Record returns the data as the match package takes it.
func (m *MatchData) Record() match.Record {
	return match.Record{
		GivenNames: m.GivenNames, FamilyName: m.FamilyName, FormerFamilyNames: m.FormerNames,
		DateOfBirth: m.DateOfBirth, Gender: m.Gender, Postcodes: m.Postcodes, Identifiers: m.Identifiers,
	}
}

// Candidate is a child found by blocking keys, with its match data.
type Candidate struct {
	ID   domain.ID
	Hits int // how many of the query's keys it holds
	MatchData
}

// matchData derives a child's match data; identifier values must still be
// in clear (it runs before they are stored).
func (db *DB) matchData(c *domain.Child) *MatchData {
	m := &MatchData{GivenNames: c.GivenNames, FamilyName: c.FamilyName, FormerNames: c.FormerFamilyNames,
		DateOfBirth: c.DateOfBirth, Gender: c.Gender, LACode: c.LACode}
	// Current addresses first, then previous ones, most recent first (the
	// order the store loads them in, and the order a caller gives).
	for _, current := range []bool{true, false} {
		for _, a := range c.Addresses {
			if a.To.IsZero() != current || a.Postcode == "" {
				continue
			}
			if m.Town == "" && current {
				m.Town = a.Town
			}
			m.Postcodes = append(m.Postcodes, a.Postcode)
		}
	}
	seen := map[string]bool{}
	for _, idf := range c.Identifiers {
		if idf.Kind == domain.IdentifierSourceRecord || idf.Value == "" {
			continue
		}
		v, err := domain.ValidIdentifier(idf.Kind, idf.Value)
		if err != nil {
			continue
		}
		h := string(idf.Kind) + ":" + db.keys.Hash(string(idf.Kind), v)
		if !seen[h] {
			seen[h] = true
			m.Identifiers = append(m.Identifiers, h)
		}
	}
	return m
}

// writeIndex replaces the child's blocking keys and match data.
func (tx *Tx) writeIndex(ctx context.Context, id domain.ID, m *MatchData) error {
	delete(tx.known, id)
	return tx.indexChild(ctx, id, m, false)
}

// indexChild writes the child's blocking keys and match data. fresh says
// the child is new, so there are no old keys to look up and remove.
func (tx *Tx) indexChild(ctx context.Context, id domain.ID, m *MatchData, fresh bool) error {
	keys := match.Keys(m.Record())
	if !fresh {
		old, err := tx.oldKeys(ctx, id)
		if err != nil {
			return err
		}
		keep := make(map[string]bool, len(keys))
		for _, k := range keys {
			keep[k] = true
		}
		for _, k := range old {
			if keep[k] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM child_keys WHERE key = $1 AND child_id = $2`, k, string(id)); err != nil {
				return err
			}
		}
	}
	// One statement for many keys: far fewer round trips on a large load.
	for start := 0; start < len(keys); start += 100 {
		batch := keys[start:min(start+100, len(keys))]
		var q strings.Builder
		args := make([]any, 0, 2*len(batch))
		q.WriteString(`INSERT INTO child_keys (key, child_id) VALUES `)
		for i, k := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("($")
			q.WriteString(itoa(2*i + 1))
			q.WriteString(", $")
			q.WriteString(itoa(2*i + 2))
			q.WriteString(")")
			args = append(args, k, string(id))
		}
		q.WriteString(` ON CONFLICT (key, child_id) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO child_match (child_id, data) VALUES ($1, $2)
		ON CONFLICT (child_id) DO UPDATE SET data = excluded.data`, string(id), string(b))
	return err
}

// oldKeys recomputes the keys the child is indexed under from its stored
// match data.
func (tx *Tx) oldKeys(ctx context.Context, id domain.ID) ([]string, error) {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM child_match WHERE child_id = $1`, string(id)).Scan(&data)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m MatchData
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, err
	}
	return match.Keys(m.Record()), nil
}

// deleteIndex removes the child's keys and match data (before the child
// itself is deleted).
func (tx *Tx) deleteIndex(ctx context.Context, id domain.ID) error {
	delete(tx.known, id)
	old, err := tx.oldKeys(ctx, id)
	if err != nil {
		return err
	}
	for _, k := range old {
		if _, err := tx.ExecContext(ctx, `DELETE FROM child_keys WHERE key = $1 AND child_id = $2`, k, string(id)); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM child_match WHERE child_id = $1`, string(id))
	return err
}

// Candidates returns up to limit children holding any of keys, those
// holding the most first.
func (db *DB) Candidates(ctx context.Context, keys []string, limit int) ([]Candidate, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	query, args := candidateQuery(db.dialect, keys, limit)
	rows, err := db.readQuery(ctx, query, args...)
	if err != nil {
		return nil, internal("store.Candidates", err)
	}
	out, err := scanCandidates(rows)
	return out, internal("store.Candidates", err)
}

// queryer runs a query on a pool or in a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryCandidates is Candidates on q: the read pool for a search, the
// import's transaction (which sees children created earlier in its batch).
func queryCandidates(ctx context.Context, q queryer, d *dialect, keys []string, limit int) ([]Candidate, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	query, args := candidateQuery(d, keys, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanCandidates(rows)
}

// flaggedJoin joins a candidate's match data (m) to its children row (ch)
// only when the child is shielded, archived or merged, through those
// children's small partial index (children_flagged, whose condition this
// repeats word for word, as a planner needs to take it). A child not
// joined is none of these, and its authority is its match data's copy,
// kept in step on a move. The flags still come from the children table,
// in the query's own snapshot, for a few children among millions: a join
// to every candidate's row was half a candidate query's time on
// PostgreSQL at a million children (docs/benchmarks.md). SQLite is told
// the index (INDEXED BY, an error if it cannot use it): by its estimates a
// lookup of the children table's own key, which holds the whole row, costs
// no more than one in the partial index, which it cannot tell is small.
func (d *dialect) flaggedJoin() string {
	children := "children ch"
	if d.name == "sqlite" {
		children += " INDEXED BY children_flagged"
	}
	return "LEFT JOIN " + children + " ON ch.id = m.child_id AND (ch.shielded OR ch.archived_on <> '' OR ch.merged_into <> '')"
}

// candidateKeyStep is the multiple the number of keys a candidate query
// takes is rounded up to on SQLite (padTo).
const candidateKeyStep = 8

// candidateQuery is the SQL and arguments of a candidate query.
func candidateQuery(d *dialect, keys []string, limit int) (string, []any) {
	n := d.padTo(len(keys), candidateKeyStep)
	var sb strings.Builder
	args := make([]any, 0, n+1)
	sb.WriteString(`SELECT m.child_id, c.n, m.data, COALESCE(ch.shielded, FALSE), COALESCE(ch.la_code, ''), COALESCE(ch.archived_on, '') FROM child_match m JOIN (
		SELECT child_id, COUNT(*) AS n FROM child_keys WHERE key IN (`)
	args = listParams(d, &sb, 1, n, args, keys)
	// Archived children are skipped here rather than in a WHERE clause:
	// given one, SQLite 3.54 drives the join from children's archived_on
	// index and reads every child (seconds on a million).
	sb.WriteString(`) GROUP BY child_id ORDER BY n DESC, child_id LIMIT ` + d.param(n+1) + `) c ON c.child_id = m.child_id
		` + d.flaggedJoin() + `
		ORDER BY c.n DESC, m.child_id`)
	args = append(args, limit)
	return sb.String(), args
}

// scanCandidates reads a candidate query's rows and closes them.
func scanCandidates(rows *sql.Rows) ([]Candidate, error) {
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var id, data, la, archived string
		var shielded bool
		if err := rows.Scan(&id, &c.Hits, &data, &shielded, &la, &archived); err != nil {
			return nil, err
		}
		if archived != "" {
			continue // gone from search
		}
		// Decoding resets the match data, flags included: they are set
		// after it, from the children table, and so is the authority of
		// a child the flagged join reached (dialect.flaggedJoin); any
		// other keeps its match data's copy.
		if err := decodeMatchData(data, &c.MatchData); err != nil {
			return nil, err
		}
		c.ID, c.Shielded = domain.ID(id), shielded
		if la != "" {
			c.LACode = la
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// MatchDataOf returns the match data of the children with the given IDs
// that exist, in the order given.
func (db *DB) MatchDataOf(ctx context.Context, ids []domain.ID) ([]Candidate, error) {
	const op = "store.MatchDataOf"
	if len(ids) == 0 {
		return nil, nil
	}
	var q strings.Builder
	q.WriteString(`SELECT m.child_id, m.data, ch.shielded, ch.archived_on <> '', ch.la_code FROM child_match m
		JOIN children ch ON ch.id = m.child_id WHERE m.child_id IN (`)
	args := listParams(db.dialect, &q, 1, len(ids), make([]any, 0, len(ids)), ids)
	q.WriteString(")")
	rows, err := db.readQuery(ctx, q.String(), args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	byID := map[domain.ID]Candidate{}
	for rows.Next() {
		var id, data, la string
		var shielded, archived bool
		if err := rows.Scan(&id, &data, &shielded, &archived, &la); err != nil {
			return nil, internal(op, err)
		}
		c := Candidate{ID: domain.ID(id)}
		if err := decodeMatchData(data, &c.MatchData); err != nil {
			return nil, internal(op, err)
		}
		if archived {
			continue // gone from search
		}
		c.Shielded, c.LACode = shielded, la
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	out := make([]Candidate, 0, len(byID))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// CountChildren returns how many children the directory holds.
func (db *DB) CountChildren(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM children`).Scan(&n)
	return n, internal("store.CountChildren", err)
}

// WarmSearchIndex reads the two tables a search reads, the blocking keys
// and the match data, from end to end once, so that their pages are in
// the operating system's cache (and PostgreSQL's), as in a server that has
// run a while, and returns how many rows each holds. Right after a bulk
// load or a restart a search otherwise waits on the disk for pages no
// search has read yet: at eleven million children the two tables are
// about 7 GB, the whole database 41 GB. serve runs it at start, beside
// calibration; a search does not wait for it.
func (db *DB) WarmSearchIndex(ctx context.Context) (keys, children int64, err error) {
	const op = "store.WarmSearchIndex"
	if err := db.readQueryRow(ctx, `SELECT COUNT(*) FROM child_keys`).Scan(&keys); err != nil {
		return 0, 0, internal(op, err)
	}
	// LENGTH reads each row's data, and with it every page of the table.
	var size sql.NullInt64
	if err := db.readQueryRow(ctx, `SELECT COUNT(*), SUM(LENGTH(data)) FROM child_match`).Scan(&children, &size); err != nil {
		return 0, 0, internal(op, err)
	}
	return keys, children, nil
}
