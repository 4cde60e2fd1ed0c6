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

// AuditTip is where db's audit writer last left the chain's head on
// PostgreSQL, whether it knows, and how many groups it has appended there
// in one round trip (appendAuditsPipelined).
func AuditTip(db *DB) (seq int64, known bool, atTip int64) {
	return db.auditQ.tip.seq, db.auditQ.tip.known, db.auditQ.tip.atTip
}
