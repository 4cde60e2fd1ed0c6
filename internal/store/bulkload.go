package store

import (
	"context"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// A first load of a large directory (the benchmarks' eleven million
// children, a first national load) is bound by its random writes: each
// child adds about 14 blocking keys all over child_keys and three hashes
// all over identifiers_hash, and once those B-trees outgrow the cache
// every row costs a page read and a page write. BulkLoad writes the keys
// to an unindexed staging table and builds the identifier index once, at
// the end, where both are one sort.

// bulkKeysTable is the staging table of a bulk load's blocking keys. While
// it exists a load is unfinished: its children are not yet found by search
// or matching (FinishBulkLoad moves the keys into child_keys).
const bulkKeysTable = "child_keys_load"

var insChildKeysLoad = &insertSpec{table: bulkKeysTable, cols: []string{"key", "child_id"}, childCol: 1, sortCol: -1}

// bulkIndexes are the indexes dropped for a bulk load and built at its end.
var bulkIndexes = []struct{ name, create string }{
	{"identifiers_hash", `CREATE INDEX IF NOT EXISTS identifiers_hash ON identifiers (hash)`},
}

// BulkLoad is a first load of an empty directory under way.
type BulkLoad struct{ db *DB }

// BeginBulkLoad starts a bulk load. The directory must hold no child:
// children loaded in bulk are not searchable, and feeds cannot match them,
// until Finish. A load that was cut off is continued (its staging table
// kept), whatever the directory holds.
func (db *DB) BeginBulkLoad(ctx context.Context) (*BulkLoad, error) {
	const op = "store.BeginBulkLoad"
	unfinished, err := db.BulkLoadUnfinished(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	if !unfinished {
		n, err := db.CountChildren(ctx)
		if err != nil {
			return nil, internal(op, err)
		}
		if n > 0 {
			return nil, domain.Errorf(domain.EConflict, "a bulk load needs an empty directory; this one holds %d children", n)
		}
	}
	stmts := []string{`CREATE TABLE IF NOT EXISTS ` + bulkKeysTable + ` (key TEXT NOT NULL, child_id TEXT NOT NULL)`}
	for _, ix := range bulkIndexes {
		stmts = append(stmts, `DROP INDEX IF EXISTS `+ix.name)
	}
	for _, s := range stmts {
		if _, err := db.write.ExecContext(ctx, s); err != nil {
			return nil, internal(op, err)
		}
	}
	return &BulkLoad{db: db}, nil
}

// BulkLoadUnfinished reports whether a bulk load was begun and not
// finished.
func (db *DB) BulkLoadUnfinished(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if db.dialect.name == "postgres" {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	err := db.write.QueryRowContext(ctx, q, bulkKeysTable).Scan(&n)
	return n > 0, internal("store.BulkLoadUnfinished", err)
}

// Create stores children as CreateChildren does, their blocking keys
// staged.
func (b *BulkLoad) Create(ctx context.Context, cs []*domain.Child, detail map[string]any) error {
	return b.db.createChildren(ctx, "store.BulkLoad.Create", cs, detail, insChildKeysLoad)
}

// Finish moves the staged keys into child_keys in key order (one sort, then
// appends), builds the dropped indexes and gathers planner statistics. It
// may be run again after a crash.
func (b *BulkLoad) Finish(ctx context.Context) (BulkLoadStats, error) {
	return b.db.FinishBulkLoad(ctx)
}

// searchTables are the tables a search reads, vacuumed at a bulk load's
// end (vacuumIndex).
var searchTables = []string{"child_keys", "child_match", "children", "identifiers"}

// BulkLoadStats is how long a bulk load's end took.
type BulkLoadStats struct {
	Keys        int64
	KeysTook    time.Duration
	IndexesTook time.Duration
	// VacuumTook is how long vacuuming and analysing the tables took
	// (PostgreSQL; zero on SQLite).
	VacuumTook time.Duration
}

// FinishBulkLoad finishes a bulk load begun on db (BulkLoad.Finish), or
// does nothing when none is unfinished.
func (db *DB) FinishBulkLoad(ctx context.Context) (BulkLoadStats, error) {
	const op = "store.FinishBulkLoad"
	var st BulkLoadStats
	unfinished, err := db.BulkLoadUnfinished(ctx)
	if err != nil || !unfinished {
		return st, internal(op, err)
	}
	// The sort spills to temporary files: held in memory (the writer's
	// temp_store), eleven million children's keys would take gigabytes.
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return st, internal(op, err)
	}
	defer conn.Close()
	if db.dialect.name == "sqlite" {
		if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
			return st, internal(op, err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = MEMORY`)
	}
	// The move, the indexes and the drop of the staging table are one
	// transaction: a crash leaves the load unfinished, never half done.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return st, internal(op, err)
	}
	defer tx.Rollback()
	start := time.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO child_keys (key, child_id)
		SELECT key, child_id FROM `+bulkKeysTable+` ORDER BY key, child_id`)
	if err != nil {
		return st, internal(op, err)
	}
	st.Keys, _ = res.RowsAffected()
	st.KeysTook = time.Since(start)
	start = time.Now()
	for _, ix := range bulkIndexes {
		if _, err := tx.ExecContext(ctx, ix.create); err != nil {
			return st, internal(op, err)
		}
	}
	st.IndexesTook = time.Since(start)
	if _, err := tx.ExecContext(ctx, `DROP TABLE `+bulkKeysTable); err != nil {
		return st, internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return st, internal(op, err)
	}
	start = time.Now()
	if err := db.vacuumIndex(ctx); err != nil {
		return st, internal(op, err)
	}
	if db.dialect.name == "postgres" {
		st.VacuumTook = time.Since(start)
	}
	return st, nil
}

// vacuumIndex, on PostgreSQL, vacuums the tables a search reads (which
// sets their visibility map, so that reading the keys' index need not
// visit the table for each key, as autovacuum would in time, and never
// where it is off) and gathers the planner's statistics for every table
// (Analyze). It does nothing on SQLite.
func (db *DB) vacuumIndex(ctx context.Context) error {
	if db.dialect.name != "postgres" {
		return nil
	}
	// VACUUM runs outside a transaction, so on the pool.
	if _, err := db.write.ExecContext(ctx, `VACUUM (ANALYZE) `+strings.Join(searchTables, ", ")); err != nil {
		return err
	}
	return db.Analyze(ctx)
}
