package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// dialect is everything that differs between SQLite and PostgreSQL. The SQL
// itself is shared: both accept $1 placeholders, ON CONFLICT, RETURNING and
// the column types the migrations use (TEXT, BIGINT, BOOLEAN).
type dialect struct {
	name     string // "sqlite" or "postgres"
	driver   string // database/sql driver name
	readDSN  string
	writeDSN string
	// lockAudit follows the query that reads the audit chain's head in a
	// transaction appending to it, so that concurrent appenders take turns
	// (" FOR UPDATE" on PostgreSQL). SQLite's write transactions are
	// already serialised (BEGIN IMMEDIATE).
	lockAudit string
	// lockMigrations serialises concurrent migrators.
	lockMigrations string
}

// rewrite adapts shared DDL: a /*WITHOUT ROWID*/ comment becomes the
// clause on SQLite, where it halves the size of a key-only table, and stays
// a comment on PostgreSQL.
func (d *dialect) rewrite(sql string) string {
	if d.name == "sqlite" {
		return strings.ReplaceAll(sql, "/*WITHOUT ROWID*/", "WITHOUT ROWID")
	}
	return sql
}

// parseURL turns a --db URL into a dialect: "sqlite:PATH" (or a bare path)
// or "postgres://..." / "postgresql://...".
func parseURL(dbURL string) (*dialect, error) {
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return &dialect{
			name: "postgres", driver: "pgx", readDSN: dbURL, writeDSN: dbURL,
			lockAudit:      " FOR UPDATE",
			lockMigrations: "SELECT pg_advisory_xact_lock(7250311)",
		}, nil
	case strings.HasPrefix(dbURL, "sqlite:"), !strings.Contains(dbURL, "://"):
		path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("--db %q: no SQLite file named", dbURL)
		}
		// WAL lets readers run beside the one writer; foreign keys are off
		// by default in SQLite; the busy timeout makes a second writer wait
		// rather than fail.
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
		return &dialect{
			name: "sqlite", driver: "sqlite",
			// Readers keep 64 MiB of decoded pages each: a search touches
			// pages all over a large index, and SQLite's default 2 MiB
			// cache churns. They do not map the file: in WAL mode a reader
			// drops its cache, and unmaps the file, whenever another
			// connection has written since its last read (an audited search
			// always has), and remapping cost more than it saved (0.72 ms of
			// CPU a search at 100,000 children without the map, 1.14 ms with
			// a 32 GiB one).
			readDSN: base + "&_pragma=query_only(1)&_pragma=cache_size(-65536)",
			// The writer gets a larger page cache: bulk loads update big
			// indexes (256 MiB: loading 200,000 children it saved 17% of
			// the load's CPU, in system time re-reading pages). Temporary
			// files stay in memory: a multi-row INSERT keeps a statement
			// journal, which would otherwise be written to disk.
			writeDSN: base + "&_txlock=immediate&_pragma=cache_size(-262144)&_pragma=temp_store(MEMORY)",
		}, nil
	}
	return nil, fmt.Errorf("--db %q: use sqlite:PATH or postgres://...", dbURL)
}

// param is the i-th (from 1) placeholder of a statement built in code
// with many of them, every one in order: $i on PostgreSQL, an anonymous ?
// on SQLite, which looks numbered placeholders up in a list once per
// placeholder when it compiles and binds, a cost quadratic in their number.
func (d *dialect) param(i int) string {
	if d.name == "sqlite" {
		return "?"
	}
	return "$" + itoa(i)
}

// padTo is how many placeholders a list of n values takes in a statement
// built in code: on SQLite n rounded up to a multiple of step, the extra
// ones repeating the last value (IN ignores repeats), so that a few SQL
// texts serve every call and stay prepared; n on PostgreSQL, where pgx
// prepares each text once per connection and repeats would only inflate
// the planner's row estimates.
func (d *dialect) padTo(n, step int) int {
	if d.name != "sqlite" {
		return n
	}
	return (n + step - 1) / step * step
}

// listParams writes n placeholders separated by commas to sb, numbered from
// from (PostgreSQL), and appends vals to args, repeating the last value
// when n is more than len(vals) (padTo). vals must not be empty.
func listParams[T ~string](d *dialect, sb *strings.Builder, from, n int, args []any, vals []T) []any {
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(d.param(from + i))
		args = append(args, string(vals[min(i, len(vals)-1)]))
	}
	return args
}

// Analyze refreshes PostgreSQL's planner statistics, as autovacuum does
// some time after a bulk load. Until then (or where autovacuum is off) the
// planner guesses the index's row counts and can choose to scan a whole
// table for a search: 200 ms instead of 0.3 ms at 100,000 children. It
// does nothing on SQLite, whose planner the store's queries are written
// for without statistics.
func (db *DB) Analyze(ctx context.Context) error {
	if db.dialect.name != "postgres" {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return internal("store.Analyze", err)
}
