package store

// SnapshotState reports how many index snapshots db holds open and how
// many commits have retired snapshots (snapshot.go); zeros on PostgreSQL.
func SnapshotState(db *DB) (open int32, gen uint64) {
	if db.snaps == nil {
		return 0, 0
	}
	return db.snaps.open.Load(), db.snaps.gen.Load()
}

// MaxSnapshotAge is maxSnapshotAge.
const MaxSnapshotAge = maxSnapshotAge
