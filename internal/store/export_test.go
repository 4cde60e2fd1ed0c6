package store

// SetBulkRows sets the rows per multi-row INSERT, for benchmarks.
func SetBulkRows(n int) { maxRowsPerStatement = n }

// HasIndex reports whether the database has an index named name.
func (db *DB) HasIndex(name string) bool {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1`
	if db.dialect.name == "postgres" {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`
	}
	var n int
	if err := db.read.QueryRow(q, name).Scan(&n); err != nil {
		panic(err)
	}
	return n > 0
}

// PooledInsertsPrepared reports whether the full multi-row INSERTs are
// prepared on the writer (SQLite).
func (db *DB) PooledInsertsPrepared() bool {
	for _, q := range pooledInserts() {
		if db.stmts.cached(db.write, q) == nil {
			return false
		}
	}
	return db.pooled.Load() == pooledDone
}

// NewItemID is newItemID, for tests.
func NewItemID() string { return newItemID() }

// Vacuumed reports whether table has been vacuumed by hand (PostgreSQL;
// false on SQLite) and has pages marked all-visible.
func (db *DB) Vacuumed(table string) bool {
	if db.dialect.name != "postgres" {
		return false
	}
	var vacuumed bool
	var visible int64
	err := db.read.QueryRow(`SELECT s.last_vacuum IS NOT NULL, c.relallvisible FROM pg_stat_user_tables s
		JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema() AND s.relname = $1`, table).Scan(&vacuumed, &visible)
	if err != nil {
		panic(err)
	}
	return vacuumed && visible > 0
}
