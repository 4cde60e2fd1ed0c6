package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Bulk writes: a transaction queues the rows of plain INSERTs (a child's
// items, identifiers, blocking keys and match data, source record rows) and
// writes them as multi-row INSERTs, a table at a time, sorted by key so that
// each B-tree is walked in order. The queue is flushed, in the order the
// tables were first used, before any other statement the transaction runs
// and before it commits: every statement sees exactly the rows it would
// have seen had each INSERT run when it was queued, so the queue changes
// speed and nothing else. A database error in a queued row surfaces when
// the queue is flushed, and fails the transaction as it would have.

// insertSpec is one table's INSERT.
type insertSpec struct {
	table    string
	cols     []string
	tail     string // ON CONFLICT clause, if any
	childCol int    // column holding the child's ID, filled in when queued; -1 when none
	sortCol  int    // rows are written in the order of this column (-1: as queued)
	// keyCols, when set, are the conflict target of an upsert (DO UPDATE):
	// PostgreSQL refuses one statement that updates a row twice, so a row
	// whose key is already queued flushes the queue first.
	keyCols []int
	// set, when not empty, makes the spec a multi-row UPDATE of the rows
	// of table whose id is cols[0]: the SET clause, naming the queued
	// values v.column1, v.column2... (as both databases name the columns
	// of a VALUES list). keyCols must be {0}: a row updated twice in one
	// statement would be updated once. Updates are written after the
	// queued INSERTs.
	set string
}

// maxVars bounds the variables of one statement: SQLite (3.32 and later)
// allows 32766 and PostgreSQL 65535.
const maxVars = 32000

// maxRowsPerStatement bounds the rows of one statement: longer statements
// gain little and cost more to compile. (A variable for benchmarks.)
var maxRowsPerStatement = 500

func (s *insertSpec) rowsPerStatement() int {
	return min(maxRowsPerStatement, maxVars/len(s.cols))
}

var queryCache sync.Map // insertQueryKey → string

type insertQueryKey struct {
	spec *insertSpec
	rows int
	anon bool
}

// query is the spec's INSERT for n rows. With anon, the placeholders are
// SQLite's anonymous ?: SQLite looks a numbered placeholder up in a list
// once per placeholder when it compiles and binds the statement, which
// makes a statement of thousands of them cost quadratic time.
func (s *insertSpec) query(n int, anon bool) string {
	k := insertQueryKey{s, n, anon}
	if q, ok := queryCache.Load(k); ok {
		return q.(string)
	}
	var b strings.Builder
	if s.set != "" {
		b.WriteString("UPDATE " + s.table + " SET " + s.set + " FROM (VALUES ")
	} else {
		b.WriteString("INSERT INTO ")
		b.WriteString(s.table)
		b.WriteString(" (")
		b.WriteString(strings.Join(s.cols, ", "))
		b.WriteString(") VALUES ")
	}
	p := 1
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range s.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			if anon {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(itoa(p))
			}
			p++
		}
		b.WriteByte(')')
	}
	if s.set != "" {
		b.WriteString(") AS v WHERE " + s.table + "." + s.cols[0] + " = v.column1")
	}
	if s.tail != "" {
		b.WriteByte(' ')
		b.WriteString(s.tail)
	}
	q := b.String()
	queryCache.Store(k, q)
	return q
}

// pooledInserts are the full multi-row statements of the queued tables,
// prepared once on SQLite's writer after a transaction first writes one
// (the driver compiles a statement for each transaction otherwise).
func pooledInserts() []string {
	var qs []string
	for _, s := range []*insertSpec{insFormerNames, insAddresses, insParents, insEducation, insHealth, insInvolvements,
		insLeadProfessionals, insCAFs, insIdentifiers, insChildKeys, insChildMatch, insSourceRecords, updChildren, insReviewItems, insHeldKeys} {
		qs = append(qs, s.query(s.rowsPerStatement(), true))
	}
	return qs
}

// queuedRow is a row for a spec, its child column not yet filled in when
// the child's ID is still to be drawn.
type queuedRow struct {
	spec *insertSpec
	args []any
}

// pendingTable is the rows queued for one table.
type pendingTable struct {
	spec *insertSpec
	rows [][]any
	keys map[string]bool
	// children holds the child IDs of the rows, for specs with a child
	// column: a statement about one child needs the table written only
	// when a row of that child is queued (flushFor).
	children map[string]bool
}

// insertQueue is a transaction's queued rows.
type insertQueue struct {
	tables []*pendingTable // in order of first use
	bySpec map[*insertSpec]*pendingTable
	n      int // variables queued
	ctx    context.Context
	// sources caches, for the transaction, each source's loaded-record
	// template (recordTemplate); writing the queue keeps it.
	sources map[string]loadedRecord
}

// maxQueued bounds the variables queued before the queue is written.
const maxQueued = 400000

// queue adds a row for spec; args are kept, not copied.
func (tx *Tx) queue(ctx context.Context, spec *insertSpec, args []any) error {
	q := &tx.queued
	if q.bySpec == nil {
		q.bySpec = map[*insertSpec]*pendingTable{}
	}
	p := q.bySpec[spec]
	if p == nil {
		p = &pendingTable{spec: spec}
		if spec.keyCols != nil {
			p.keys = map[string]bool{}
		}
		if spec.childCol >= 0 {
			p.children = map[string]bool{}
		}
		q.bySpec[spec] = p
		q.tables = append(q.tables, p)
	}
	if spec.keyCols != nil {
		var kb strings.Builder
		for _, c := range spec.keyCols {
			kb.WriteString(args[c].(string))
			kb.WriteByte(0)
		}
		k := kb.String()
		if p.keys[k] {
			if err := tx.flush(ctx); err != nil {
				return err
			}
			return tx.queue(ctx, spec, args)
		}
		p.keys[k] = true
	}
	if p.children != nil {
		if c, ok := args[spec.childCol].(string); ok {
			p.children[c] = true
		}
	}
	p.rows = append(p.rows, args)
	q.n += len(args)
	q.ctx = ctx
	if q.n >= maxQueued {
		return tx.flush(ctx)
	}
	return nil
}

// queueRows queues rows whose child column is to hold child.
func (tx *Tx) queueRows(ctx context.Context, child string, rows []queuedRow) error {
	for _, r := range rows {
		if r.spec.childCol >= 0 {
			r.args[r.spec.childCol] = child
		}
		if err := tx.queue(ctx, r.spec, r.args); err != nil {
			return err
		}
	}
	return nil
}

// flush writes every queued row.
func (tx *Tx) flush(ctx context.Context) error {
	q := &tx.queued
	if q.n == 0 {
		return nil
	}
	tables := q.tables
	q.tables, q.bySpec, q.n = nil, nil, 0
	return tx.writeTables(ctx, tables)
}

// writeTables writes the queued rows of tables, new children first (every
// other queued table refers to them), updates last.
func (tx *Tx) writeTables(ctx context.Context, tables []*pendingTable) error {
	rank := func(s *insertSpec) int {
		switch {
		case s.set != "":
			return 2
		case s.table == "children":
			return 0
		}
		return 1
	}
	slices.SortStableFunc(tables, func(a, b *pendingTable) int {
		return rank(a.spec) - rank(b.spec)
	})
	for _, p := range tables {
		s := p.spec
		if s.sortCol >= 0 {
			slices.SortStableFunc(p.rows, func(a, b []any) int {
				return strings.Compare(a[s.sortCol].(string), b[s.sortCol].(string))
			})
		}
		per := s.rowsPerStatement()
		args := make([]any, 0, per*len(s.cols))
		for start := 0; start < len(p.rows); start += per {
			part := p.rows[start:min(start+per, len(p.rows))]
			args = args[:0]
			for _, r := range part {
				args = append(args, r...)
			}
			q := s.query(len(part), tx.db.dialect.name == "sqlite")
			if st := tx.db.stmts.cached(tx.db.write, q); st != nil {
				// A full statement, prepared once on the writer
				// (pooledInserts): compiling thousands of placeholders
				// in every transaction cost a load 7 % of its CPU.
				if _, err := tx.Tx.StmtContext(ctx, st).ExecContext(ctx, args...); err != nil {
					return err
				}
				continue
			}
			if len(part) == per && tx.db.stmts != nil {
				tx.db.pooled.CompareAndSwap(0, pooledWanted) // from the next transaction on
			}
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushFor writes what a statement touching only the given tables, and in
// them only rows of the given children, needs written first: each of those
// tables that has a row queued for one of the children (for any child when
// ids is empty; always, for a table without a child column), and then all
// the queued children rows and updates too, since the other tables refer
// to the children and an update may be of a child still to insert. The rest
// stays queued. A statement that reads or writes other rows, or other
// tables, must go through ExecContext or QueryContext, which write
// everything.
func (tx *Tx) flushFor(ctx context.Context, tables []string, ids ...domain.ID) error {
	q := &tx.queued
	if q.n == 0 {
		return nil
	}
	if !linkCache {
		return tx.flush(ctx)
	}
	var out []*pendingTable
	refers := false
	for _, p := range q.tables {
		if !slices.Contains(tables, p.spec.table) {
			continue
		}
		hit := p.children == nil || len(ids) == 0
		for _, id := range ids {
			if hit {
				break
			}
			hit = p.children[string(id)]
		}
		if hit {
			out = append(out, p)
			// Other tables refer to children; and children's queued
			// updates may be of children whose INSERT is still queued.
			if p.spec.table != "child_keys" {
				refers = true
			}
		}
	}
	if refers {
		for _, p := range q.tables {
			if p.spec.table == "children" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	keep := q.tables[:0:0]
	for _, p := range q.tables {
		if slices.Contains(out, p) {
			delete(q.bySpec, p.spec)
			for _, r := range p.rows {
				q.n -= len(r)
			}
			continue
		}
		keep = append(keep, p)
	}
	q.tables = keep
	return tx.writeTables(ctx, out)
}

// queryFor runs a query that reads only the given tables, and in them only
// rows of the given children (flushFor), without writing the rest of the
// queue first.
func (tx *Tx) queryFor(ctx context.Context, tables []string, ids []domain.ID, query string, args ...any) (*sql.Rows, error) {
	if err := tx.flushFor(ctx, tables, ids...); err != nil {
		return nil, err
	}
	return tx.query(ctx, query, args...)
}

// execFor runs a statement that touches only the given tables, and in
// them only rows of the given children (flushFor), without writing the
// rest of the queue first.
func (tx *Tx) execFor(ctx context.Context, tables []string, ids []domain.ID, query string, args ...any) (sql.Result, error) {
	if err := tx.flushFor(ctx, tables, ids...); err != nil {
		return nil, err
	}
	return tx.exec(ctx, query, args...)
}

// queryRowFor is queryFor for one row. A failure to write the queue is
// kept in tx.failed, as QueryRowContext keeps it, so that Commit refuses.
func (tx *Tx) queryRowFor(ctx context.Context, tables []string, ids []domain.ID, query string, args ...any) *sql.Row {
	if err := tx.flushFor(ctx, tables, ids...); err != nil && tx.failed == nil {
		tx.failed = err
	}
	return tx.queryRow(ctx, query, args...)
}

// scanFor is queryFor calling scan for each row.
func (tx *Tx) scanFor(ctx context.Context, tables []string, ids []domain.ID, scan func(*sql.Rows) error, query string, args ...any) error {
	rows, err := tx.queryFor(ctx, tables, ids, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Commit writes the queued rows and commits the transaction.
func (tx *Tx) Commit() error {
	ctx := tx.queued.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	if tx.failed != nil {
		return tx.failed
	}
	return tx.Tx.Commit()
}

// Insert specs of the bulk paths. Each names the column that holds the
// child's ID (filled in once the ID is settled) and the one rows are
// sorted by.
var (
	insChildren = &insertSpec{table: "children", cols: []string{"id", "given_names", "family_name", "gender", "date_of_birth",
		"date_of_death", "address_status", "return_intent", "la_code", "version", "created_at", "updated_at"},
		childCol: 0, sortCol: 0}
	insFormerNames = &insertSpec{table: "former_names", cols: []string{"child_id", "position", "name"}, childCol: 0, sortCol: 0}
	insAddresses   = &insertSpec{table: "addresses", cols: []string{"id", "child_id", "line_1", "line_2", "town", "postcode", "la_code",
		"from_date", "to_date", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insParents = &insertSpec{table: "parents", cols: []string{"id", "child_id", "position", "name", "relationship", "parental_responsibility",
		"contact", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insEducation = &insertSpec{table: "education", cols: []string{"id", "child_id", "name", "urn", "home_educated", "contact",
		"start_date", "end_date", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insHealth = &insertSpec{table: "health", cols: []string{"id", "child_id", "name", "ods_code", "contact",
		"start_date", "end_date", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insInvolvements = &insertSpec{table: "involvements", cols: []string{"id", "child_id", "service", "organisation", "practitioner_name",
		"role", "contact", "start_date", "end_date", "source", "user_id", "recorded_at", "basis"}, childCol: 1, sortCol: 0}
	insLeadProfessionals = &insertSpec{table: "lead_professionals", cols: []string{"id", "child_id", "name", "organisation", "role", "contact",
		"start_date", "end_date", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insCAFs = &insertSpec{table: "cafs", cols: []string{"id", "child_id", "undertaken", "holder_name", "organisation", "contact",
		"end_date", "source", "user_id", "recorded_at"}, childCol: 1, sortCol: 0}
	insIdentifiers = &insertSpec{table: "identifiers", cols: []string{"child_id", "kind", "source", "hash", "sealed"},
		tail: "ON CONFLICT (child_id, kind, source, hash) DO NOTHING", childCol: 0, sortCol: 0}
	insChildKeys = &insertSpec{table: "child_keys", cols: []string{"key", "child_id"},
		tail: "ON CONFLICT (key, child_id) DO NOTHING", childCol: 1, sortCol: 0}
	insChildMatch = &insertSpec{table: "child_match", cols: []string{"child_id", "data"},
		tail: "ON CONFLICT (child_id) DO UPDATE SET data = excluded.data", childCol: 0, sortCol: 0, keyCols: []int{0}}
	insSourceRecords = &insertSpec{table: "source_records", cols: []string{"source", "record_hash", "sealed_id", "child_id", "status",
		"content_hash", "data", "received_at", "updated_at", "explanation"},
		tail: `ON CONFLICT (source, record_hash) DO UPDATE SET child_id = excluded.child_id, status = excluded.status,
			content_hash = excluded.content_hash, data = excluded.data, updated_at = excluded.updated_at,
			explanation = excluded.explanation`,
		childCol: -1, sortCol: 1, keyCols: []int{0, 1}}
	// updChildren sets a child's shown demographics (refresh).
	updChildren = &insertSpec{table: "children", cols: []string{"id", "given_names", "family_name", "gender", "date_of_birth",
		"date_of_death", "address_status", "return_intent", "updated_at"},
		set: `given_names = v.column2, family_name = v.column3, gender = v.column4, date_of_birth = v.column5,
			date_of_death = v.column6, address_status = v.column7, return_intent = v.column8,
			version = children.version + 1, updated_at = v.column9`,
		childCol: 0, sortCol: 0, keyCols: []int{0}}
	insReviewItems = &insertSpec{table: "review_items", cols: []string{"id", "source", "record_hash", "la_code", "reason",
		"candidates", "created_at"}, childCol: -1, sortCol: 0}
	insHeldKeys = &insertSpec{table: "held_keys", cols: []string{"key", "source", "record_hash"},
		tail: "ON CONFLICT (key, source, record_hash) DO NOTHING", childCol: -1, sortCol: 0}
)

// freeID returns a new ContactPoint ID that no child holds. IDs are drawn
// a few hundred at a time and checked in one query (a write transaction
// on SQLite runs alone, so a checked ID stays free until it commits; on
// PostgreSQL two imports drawing the same ID at once would fail one batch
// on the primary key, not merge children).
func (tx *Tx) freeID(ctx context.Context) (domain.ID, error) {
	for len(tx.freeIDs) == 0 {
		if tx.drawn == nil {
			tx.drawn = map[domain.ID]bool{}
		}
		const n = 256
		ids := make([]domain.ID, 0, n)
		args := make([]any, 0, n)
		// A join with the list, not "id IN (...)": PostgreSQL planned the
		// IN list as a scan of the table while an import was filling it
		// and its statistics lagged (an eighth of a second a query).
		var q strings.Builder
		q.WriteString(`SELECT c.id FROM (VALUES `)
		for len(ids) < n {
			id := tx.db.NewID()
			if tx.drawn[id] {
				continue
			}
			tx.drawn[id] = true
			if len(ids) > 0 {
				q.WriteString(", ")
			}
			ids = append(ids, id)
			args = append(args, string(id))
			q.WriteString("(" + tx.db.dialect.param(len(ids)) + ")")
		}
		q.WriteString(`) AS v JOIN children c ON c.id = v.column1`)
		// Children queued in this transaction hold IDs drawn in it, which
		// are not drawn again: only the stored ones need reading.
		var taken []string
		err := tx.scanFor(ctx, nil, nil, func(r *sql.Rows) error {
			var id string
			err := r.Scan(&id)
			taken = append(taken, id)
			return err
		}, q.String(), args...)
		if err != nil {
			return "", err
		}
		for _, id := range ids {
			if !slices.Contains(taken, string(id)) {
				tx.freeIDs = append(tx.freeIDs, id)
			}
		}
	}
	id := tx.freeIDs[0]
	tx.freeIDs = tx.freeIDs[1:]
	return id, nil
}

// knownChild is what a transaction knows of a child it has read or
// written (Tx.known): valid only while nothing but the import path writes
// the child in the transaction; writeIndex, deleteIndex and a move forget
// it. Each part is kept in step with what the import path writes of the
// child, so that a batch's links read nothing they already know and the
// insert queue is written a few times a batch, not once a record.
type knownChild struct {
	la       string // children.la_code; the child is not merged
	match    string // child_match.data, when hasMatch
	hasMatch bool

	// recs are the child's linked source records, as linkedRecords
	// returns them, when hasRecs; and, when made is set, the record the
	// child was made from, still to be decoded and added (most children an
	// import makes are never linked to again in its batch).
	recs    []loadedRecord
	hasRecs bool
	made    *SourceRecord
	// former is the child's former_names, in position order, when
	// hasFormer.
	former    []string
	hasFormer bool
	// idSources are the sources the child holds identifiers from, when
	// not nil.
	idSources map[string]bool
	// addrs are the child's current addresses that name an authority,
	// when hasAddrs.
	addrs    []currentAddress
	hasAddrs bool
}

// currentAddress is a row of addresses with no to_date and a la_code
// set, as updateResponsibility orders them.
type currentAddress struct {
	id, source, la, from, recorded string
}

// forget drops what the transaction knows of the children, for a write
// outside the import path (a merge moves their records and items).
func (tx *Tx) forget(ids ...domain.ID) {
	for _, id := range ids {
		delete(tx.known, id)
	}
}

// knowChild records a child's authority and, when match is not empty, its
// stored match data, keeping whatever else is known of it.
func (tx *Tx) knowChild(id domain.ID, la, match string) {
	if tx.known == nil {
		tx.known = map[domain.ID]*knownChild{}
	}
	k := tx.known[id]
	if k == nil {
		k = &knownChild{}
		tx.known[id] = k
	}
	k.la = la
	if match != "" {
		k.match, k.hasMatch = match, true
	}
}
