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
