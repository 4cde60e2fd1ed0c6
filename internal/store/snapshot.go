package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Index snapshots (SQLite). In WAL mode a connection drops its whole page
// cache at the start of a read transaction whenever the database has been
// written since its last one, and every audited search writes: at eleven
// million children each search read its ~90 index pages again, a third of
// its CPU in system calls and most of the rest finding its place in the
// index b-trees. A search therefore reads the index (child_keys,
// child_match) in a read transaction kept open for a short while and
// shared, one search at a time, by the searches that follow: its pages stay
// cached. What a search reads with it is at most maxSnapshotAge old, and
// never older than a write this process has committed (other than an
// audit group's): any such commit retires every open snapshot. The
// children table's flags (shielding, archiving) are never read from a
// snapshot.

// maxSnapshotAge bounds how long a snapshot serves searches, and so how
// late a search can see a child another process (an import run from the
// command line) created or changed.
const maxSnapshotAge = 100 * time.Millisecond

// maxSnapshots bounds the read connections snapshots hold.
const maxSnapshots = 4

// snapshots holds the open snapshots not in use.
type snapshots struct {
	free chan *snapshot
	open atomic.Int32
	// gen counts the commits that may have changed the index (Tx.Commit
	// of anything but an audit group).
	gen atomic.Uint64
}

type snapshot struct {
	tx    *sql.Tx
	begun time.Time
	gen   uint64
}

func newSnapshots() *snapshots {
	return &snapshots{free: make(chan *snapshot, maxSnapshots)}
}

// take returns a current snapshot, beginning one when none is free and
// fewer than maxSnapshots are open; nil when every one is in use (the
// caller reads without) or on PostgreSQL.
func (db *DB) takeSnapshot() *snapshot {
	p := db.snaps
	if p == nil {
		return nil
	}
	for {
		select {
		case s := <-p.free:
			if time.Since(s.begun) < maxSnapshotAge && s.gen == p.gen.Load() {
				return s
			}
			s.tx.Rollback()
			p.open.Add(-1)
			continue
		default:
		}
		break
	}
	if p.open.Add(1) > maxSnapshots {
		p.open.Add(-1)
		return nil
	}
	gen := p.gen.Load()
	// Not the caller's context: the transaction outlives its search.
	tx, err := db.read.BeginTx(context.Background(), nil)
	if err != nil {
		p.open.Add(-1)
		return nil
	}
	return &snapshot{tx: tx, begun: time.Now(), gen: gen}
}

// giveSnapshot returns s for the next search, or ends it when the search
// failed on it (its connection may be in any state).
func (db *DB) giveSnapshot(s *snapshot, failed bool) {
	if failed {
		s.tx.Rollback()
		db.snaps.open.Add(-1)
		return
	}
	select {
	case db.snaps.free <- s:
	default:
		s.tx.Rollback()
		db.snaps.open.Add(-1)
	}
}

// indexChanged retires the open snapshots: a commit that may have changed
// the index has returned.
func (db *DB) indexChanged() {
	if db.snaps != nil {
		db.snaps.gen.Add(1)
	}
}

// closeSnapshots ends the free snapshots (Close).
func (db *DB) closeSnapshots() {
	if db.snaps == nil {
		return
	}
	for {
		select {
		case s := <-db.snaps.free:
			s.tx.Rollback()
			db.snaps.open.Add(-1)
		default:
			return
		}
	}
}

// snapshotQuery runs a read of the index in s through the read pool's
// statement cache (the statement is prepared once per connection).
func (db *DB) snapshotQuery(ctx context.Context, s *snapshot, query string, args ...any) (*sql.Rows, error) {
	st, err := db.stmts.stmt(ctx, db.read, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.tx.QueryContext(ctx, query, args...)
	}
	return s.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}
