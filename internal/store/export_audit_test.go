package store

// AuditTip is where db's audit writer last left the chain's head on
// PostgreSQL, whether it knows, and how many groups it has appended there
// in one round trip (appendAuditsPipelined).
func AuditTip(db *DB) (seq int64, known bool, atTip int64) {
	return db.auditQ.tip.seq, db.auditQ.tip.known, db.auditQ.tip.atTip
}
