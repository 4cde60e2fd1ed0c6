// Package store keeps ContactPoint's data in SQLite (the embedded default)
// or PostgreSQL behind one database/sql code base. Exported methods own
// their transaction; unexported helpers take (ctx, tx) and compose.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/secret"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open ContactPoint database.
type DB struct {
	read    *sql.DB // readers; the same pool as write on PostgreSQL
	write   *sql.DB // one connection on SQLite: SQLite has one writer
	dialect *dialect
	keys    *secret.Keyring
	// stmts holds statements prepared once per pool on SQLite (see
	// stmtCache); nil on PostgreSQL, where pgx caches them itself.
	stmts *stmtCache
	// pooled says whether the full multi-row INSERTs are prepared on
	// the writer (pooledInserts): once a transaction has written one.
	pooled   atomic.Int32
	pooledMu sync.Mutex
	// auditQ gathers audit entries for a group commit (Audit).
	auditQ auditQueue

	// Now is the clock; tests move it to cross birthdays and expiries.
	Now func() time.Time
	// NewID draws a new ContactPoint ID; domain.NewID unless a test says.
	NewID func() domain.ID
}

// Options configure Open.
type Options struct {
	// Migrate applies pending migrations to an existing database. A new,
	// empty database is always migrated; an existing one with pending
	// migrations is refused unless Migrate is set, so that a server never
	// runs on a stale schema.
	Migrate bool
	// Keys is the server's keyring; required.
	Keys *secret.Keyring
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Open opens (creating and migrating when new) the database at url.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	if opts.Keys == nil {
		return nil, errors.New("store: no keyring")
	}
	d, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: d, keys: opts.Keys, Now: opts.Now, NewID: domain.NewID}
	if db.Now == nil {
		db.Now = time.Now
	}
	if db.write, err = sql.Open(d.driver, d.writeDSN); err != nil {
		return nil, err
	}
	if d.name == "sqlite" {
		db.write.SetMaxOpenConns(1)
		if db.read, err = sql.Open(d.driver, d.readDSN); err != nil {
			db.write.Close()
			return nil, err
		}
		db.read.SetMaxOpenConns(8)
		db.read.SetMaxIdleConns(8)
		db.read.SetConnMaxIdleTime(5 * time.Minute)
		db.stmts = &stmtCache{m: map[*sql.DB]map[string]*sql.Stmt{}}
	} else {
		db.write.SetMaxOpenConns(16)
		db.write.SetMaxIdleConns(16)
		db.read = db.write
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s database: %w", d.name, err)
	}
	if err := db.checkPragmas(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(ctx, opts.Migrate); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.checkKeys(ctx); err != nil {
		db.Close()
		return nil, err
	}
	for _, q := range preparedWrites {
		if _, err := db.stmts.stmt(ctx, db.write, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s database: prepare %q: %w", d.name, q, err)
		}
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	var err error
	db.stmts.close()
	if db.read != nil && db.read != db.write {
		err = db.read.Close()
	}
	if db.write != nil {
		if werr := db.write.Close(); err == nil {
			err = werr
		}
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Ping checks that the database answers; for /readyz.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// checkPragmas confirms that SQLite applied the settings in the DSN: a
// driver that ignored them would leave foreign keys off without a word.
func (db *DB) checkPragmas(ctx context.Context) error {
	if db.dialect.name != "sqlite" {
		return nil
	}
	for _, pool := range []*sql.DB{db.write, db.read} {
		var mode string
		var fk int
		if err := pool.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return fmt.Errorf("open sqlite database: %w", err)
		}
		if err := pool.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			return fmt.Errorf("open sqlite database: %w", err)
		}
		if mode != "wal" || fk != 1 {
			return fmt.Errorf("open sqlite database: journal_mode=%s foreign_keys=%d; want wal and 1", mode, fk)
		}
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	ents, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		n, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion returns the latest migration this binary knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

// migrate applies pending migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context, allowExisting bool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// A database with no migrations yet is new: it is always brought up to
	// date. One that has some is only migrated when asked.
	var applied int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if err := db.applyMigration(ctx, m, allowExisting || applied == 0); err != nil {
			return err
		}
	}
	return nil
}

var errStale = errors.New("stale schema")

func (db *DB) applyMigration(ctx context.Context, m migration, allow bool) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.dialect.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, db.dialect.lockMigrations); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	var latest int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&latest); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest >= m.version {
		return nil
	}
	if !allow {
		return fmt.Errorf("database schema is at version %d but this binary needs %d: run `contactpoint migrate` (%w)", latest, SchemaVersion(), errStale)
	}
	if _, err := tx.ExecContext(ctx, db.dialect.rewrite(m.sql)); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, formatTime(db.Now())); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return tx.Commit()
}

// checkKeys records the server secret's fingerprint in a new database and
// refuses a database made with another secret: its identifier hashes would
// silently never match and its audit chain would not verify.
func (db *DB) checkKeys(ctx context.Context) error {
	fp := db.keys.Fingerprint()
	if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('secret_fingerprint', $1) ON CONFLICT (key) DO NOTHING`, fp); err != nil {
		return fmt.Errorf("record secret fingerprint: %w", err)
	}
	var got string
	if err := db.write.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'secret_fingerprint'`).Scan(&got); err != nil {
		return err
	}
	if got != fp {
		return errors.New("this database was created with a different server secret (CONTACTPOINT_SECRET / CONTACTPOINT_SECRET_FILE)")
	}
	return nil
}

// Tx is a write transaction with the time it began, so that every row it
// writes carries the same time.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
	// stmts caches prepared statements for the transaction's life on
	// SQLite, whose driver otherwise compiles the SQL on every call: a bulk
	// load runs the same dozen statements thousands of times. (pgx caches
	// prepared statements per connection itself.)
	stmts map[string]*sql.Stmt
	// queued holds rows waiting for multi-row INSERTs (bulkinsert.go);
	// failed is the error of a flush that QueryRowContext could not
	// return, kept so that Commit refuses.
	queued insertQueue
	failed error
	// freeIDs are drawn ContactPoint IDs checked to be free (freeID);
	// drawn is every ID drawn in the transaction.
	freeIDs []domain.ID
	drawn   map[domain.ID]bool
	// known caches, for an import batch, what the transaction has read or
	// written of some children: their authority and stored match data.
	known map[domain.ID]*knownChild
	// keySpec, when set, is where new children's blocking keys go instead
	// of child_keys (a bulk load's staging table).
	keySpec *insertSpec
}

// childKeys is the insert new children's blocking keys are queued for.
func (tx *Tx) childKeys() *insertSpec {
	if tx.keySpec != nil {
		return tx.keySpec
	}
	return insChildKeys
}

// stmt returns the transaction's prepared statement for query, or nil
// where statements are not cached.
func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if tx.db.dialect.name != "sqlite" {
		return nil, nil
	}
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st
	return st, nil
}

// ExecContext runs a statement in the transaction (prepared once per
// transaction on SQLite), after the queued rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := tx.flush(ctx); err != nil {
		return nil, err
	}
	return tx.exec(ctx, query, args...)
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.Tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs a query in the transaction (prepared once per
// transaction on SQLite).
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := tx.flush(ctx); err != nil {
		return nil, err
	}
	return tx.query(ctx, query, args...)
}

// query runs a query, prepared once per transaction on SQLite, without
// writing the queue.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.Tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs a one-row query in the transaction (prepared once
// per transaction on SQLite).
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := tx.flush(ctx); err != nil && tx.failed == nil {
		tx.failed = err
	}
	return tx.queryRow(ctx, query, args...)
}

// queryRow is query for one row.
func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := tx.stmt(ctx, query)
	if err != nil || st == nil {
		return tx.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

const (
	pooledWanted = 1
	pooledDone   = 2
)

// preparePooled prepares pooledInserts on the writer, outside any
// transaction (the SQLite writer pool has one connection, which a
// transaction holds). Only bulk work writes full statements, so a
// database that never has any does not pay for compiling them.
func (db *DB) preparePooled(ctx context.Context) error {
	db.pooledMu.Lock()
	defer db.pooledMu.Unlock()
	if db.pooled.Load() == pooledDone {
		return nil
	}
	for _, q := range pooledInserts() {
		if _, err := db.stmts.stmt(ctx, db.write, q); err != nil {
			return internal("store.preparePooled", err)
		}
	}
	db.pooled.Store(pooledDone)
	return nil
}

// stmtCache keeps statements prepared once per pool on SQLite. The
// driver compiles the SQL of every one-shot query, which costs more than
// running a search's small queries; a *sql.Stmt is compiled on each
// connection the first time it runs there and kept. Only fixed SQL texts
// (a bounded set) go through it.
type stmtCache struct {
	mu sync.Mutex
	m  map[*sql.DB]map[string]*sql.Stmt
}

// maxCachedStmts bounds each pool's cache, whatever callers pass.
const maxCachedStmts = 256

// stmt returns pool's cached statement for query, or nil (run the query
// on the pool) on PostgreSQL or when the cache is full.
func (c *stmtCache) stmt(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	if c == nil {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		return nil, nil // closed
	}
	st := c.m[pool][query]
	if st != nil {
		return st, nil
	}
	if len(c.m[pool]) >= maxCachedStmts {
		return nil, nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m[pool] == nil {
		c.m[pool] = map[string]*sql.Stmt{}
	}
	c.m[pool][query] = st
	return st, nil
}

// cached returns pool's statement for query if it has been prepared, or
// nil. Inside a write transaction on SQLite's one-connection write pool,
// preparing would wait for the connection the transaction holds, so
// write statements are prepared when the database is opened (preparedWrites).
func (c *stmtCache) cached(pool *sql.DB, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[pool][query]
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.m {
		for _, st := range m {
			st.Close()
		}
	}
	c.m = nil
}

// readQuery runs a read query on the read pool, through the statement
// cache.
func (db *DB) readQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.stmts.stmt(ctx, db.read, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return db.read.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// readQueryRow is readQuery for one row.
func (db *DB) readQueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.stmts.stmt(ctx, db.read, query)
	if err != nil || st == nil {
		return db.read.QueryRowContext(ctx, query, args...) // reports the error itself
	}
	return st.QueryRowContext(ctx, args...)
}

// begin starts a write transaction.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	if db.pooled.Load() == pooledWanted {
		if err := db.preparePooled(ctx); err != nil {
			return nil, err
		}
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC()}, nil
}

// beginRead starts a read-only transaction for a consistent view.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.dialect.name == "postgres"})
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC()}, nil
}

// today is the calendar date in England at the transaction's time.
func (tx *Tx) today() domain.Date { return domain.DateOf(tx.now) }

const timeFormat = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

func parseDate(s string) domain.Date {
	d, _ := domain.ParseDate("date", s)
	return d
}

// newItemID returns a random identifier for a row that is not a child.
func newItemID() string {
	// Six bytes of the time in milliseconds, then ten random bytes: new
	// items sort after the old, so each item table's primary key grows
	// at its end instead of taking a random page read and write per row
	// (at eleven million children those indexes outgrow any cache). The
	// time in an ID says no more than recorded_at beside it.
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// internal wraps an unexpected database error for the op.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *domain.Error
	if errors.As(err, &e) {
		if e.Op == "" {
			e.Op = op
		}
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &domain.Error{Code: domain.EInternal, Op: op, Err: err}
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
