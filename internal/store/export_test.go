package store

// SetBulkRows sets the rows per multi-row INSERT, for benchmarks.
func SetBulkRows(n int) { maxRowsPerStatement = n }
