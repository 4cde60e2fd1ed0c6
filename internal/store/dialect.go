package store

import (
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
	// lockAudit is run inside a transaction before appending to the audit
	// chain, so that concurrent writers take turns. SQLite's write
	// transactions are already serialised (BEGIN IMMEDIATE).
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
			lockAudit:      "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE",
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
			// Readers map the file (up to 32 GiB) and keep 64 MiB of
			// decoded pages each: a search touches pages all over a large
			// index, and SQLite's default 2 MiB cache churns.
			readDSN: base + "&_pragma=query_only(1)&_pragma=cache_size(-65536)",
			// The writer gets a larger page cache: bulk loads update big
			// indexes (64 MiB; the readers keep SQLite's default). Temporary
			// files stay in memory: a multi-row INSERT keeps a statement
			// journal, which would otherwise be written to disk.
			writeDSN: base + "&_txlock=immediate&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)",
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
