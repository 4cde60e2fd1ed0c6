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
