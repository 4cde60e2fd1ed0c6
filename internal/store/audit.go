package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// The audit trail is a hash chain. Entry n carries
//
//	mac_n = AuditMAC(mac_{n-1}, canonical(n, at, user, la, action, child, detail))
//
// under a key derived from the server secret, which never enters the
// database. Someone who can write to the database but does not hold the
// secret cannot alter, remove or insert an entry without breaking the chain
// from that entry on. audit_head holds the last seq and mac with a MAC of
// its own, so that removing entries from the end and moving the head back
// is also seen.

// Audit appends e to the audit trail in a transaction of its own, for
// actions that write nothing else: a search, a failed sign-in. It returns
// once e is committed, with e.Seq, e.At, e.PrevMAC and e.MAC filled in.
//
// Entries that arrive while another is being written are appended together
// in one transaction (a group commit): every search is audited, but the
// database's one writer commits once per group rather than once per search.
func (db *DB) Audit(ctx context.Context, e *domain.AuditEntry) error {
	const op = "store.Audit"
	detail, err := prepareAudit(ctx, e)
	if err != nil {
		return internal(op, err)
	}
	req := &auditReq{e: e, detail: detail, done: make(chan error, 1)}
	q := &db.auditQ
	q.mu.Lock()
	q.pending = append(q.pending, req)
	if !q.writing {
		q.writing = true
		go db.writeAudits()
	}
	q.mu.Unlock()
	select {
	case err := <-req.done:
		return internal(op, err)
	case <-ctx.Done():
		// The entry may still be written: an audit entry for a search
		// whose answer nobody received errs on the safe side.
		return ctx.Err()
	}
}

// auditQueue holds the entries waiting for Audit's writer.
type auditQueue struct {
	mu      sync.Mutex
	pending []*auditReq
	writing bool // a writeAudits goroutine is running
	// tip is where the writer last left the chain's head, on PostgreSQL
	// (appendAuditsPipelined); only the one writer goroutine uses it.
	tip struct {
		seq   int64
		mac   string
		known bool
		// atTip counts the groups appended in one round trip.
		atTip int64
	}
}

type auditReq struct {
	e      *domain.AuditEntry
	detail string
	done   chan error
}

// maxAuditGroup bounds the entries one transaction appends, so that a
// burst does not hold the writer for long.
const maxAuditGroup = 256

// writeAudits appends the queued entries, as many as are waiting in each
// transaction, until the queue is empty. Each caller hears only after the
// transaction holding its entry commits (or fails: then every entry in it
// fails, and none is in the trail).
func (db *DB) writeAudits() {
	q := &db.auditQ
	for {
		q.mu.Lock()
		n := min(len(q.pending), maxAuditGroup)
		if n == 0 {
			q.writing = false
			q.mu.Unlock()
			return
		}
		group := q.pending[:n:n]
		q.pending = q.pending[n:]
		if len(q.pending) == 0 {
			q.pending = nil
		}
		q.mu.Unlock()
		err := db.appendAudits(group)
		for _, r := range group {
			if err != nil { // not in the trail after all
				r.e.Seq, r.e.PrevMAC, r.e.MAC = 0, "", ""
			}
			r.done <- err
		}
	}
}

// appendAudits appends group in one transaction. It runs on no caller's
// context: a caller that gives up must not fail the others' entries.
func (db *DB) appendAudits(group []*auditReq) error {
	ctx := context.Background()
	if db.dialect.name == "postgres" {
		return db.appendAuditsPipelined(ctx, group)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var head int64
	var prev string
	if err := tx.auditHead(ctx, &head, &prev); err != nil {
		return err
	}
	for _, r := range group {
		head++
		if err := tx.appendAudit(ctx, r.e, r.detail, head, prev); err != nil {
			return err
		}
		prev = r.e.MAC
	}
	if err := tx.setAuditHead(ctx, head, prev); err != nil {
		return err
	}
	return tx.Commit()
}

// audit appends e to the audit trail inside tx, so that the entry is
// written if and only if the action it records is. The actor defaults to
// the user in ctx. It fills in e.Seq, e.At, e.PrevMAC and e.MAC.
func (tx *Tx) audit(ctx context.Context, e *domain.AuditEntry) error {
	detail, err := prepareAudit(ctx, e)
	if err != nil {
		return err
	}
	var head int64
	var prev string
	if err := tx.auditHead(ctx, &head, &prev); err != nil {
		return err
	}
	if err := tx.appendAudit(ctx, e, detail, head+1, prev); err != nil {
		return err
	}
	return tx.setAuditHead(ctx, e.Seq, e.MAC)
}

// prepareAudit checks e, fills in the actor from the user in ctx, and
// returns its detail as stored: the work that needs no place in the chain.
func prepareAudit(ctx context.Context, e *domain.AuditEntry) (string, error) {
	if e.Action == "" {
		return "", fmt.Errorf("audit: no action")
	}
	if u := domain.UserFromContext(ctx); u != nil {
		if e.UserID == "" {
			e.UserID = u.ID
		}
		if e.LACode == "" && e.UserID == u.ID {
			e.LACode = u.LACode
		}
	}
	return auditDetail(e)
}

// The audit chain's statements, prepared on the write pool when the
// database opens: on SQLite an audit transaction of its own (a search's)
// would otherwise compile them every time.
const (
	auditHeadQuery   = `SELECT seq, mac FROM audit_head WHERE id = 1`
	auditInsertQuery = `INSERT INTO audit_log (seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	auditSetHeadQuery = `UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE id = 1`
)

// preparedWrites are the write statements Open prepares.
var preparedWrites = []string{auditHeadQuery, auditInsertQuery, auditSetHeadQuery}

// preparedStmt returns tx's use of the write pool's prepared statement for
// query, after the rows tx has queued, or nil where there is none.
func (tx *Tx) preparedStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	st := tx.db.stmts.cached(tx.db.write, query)
	if st == nil {
		return nil, nil
	}
	if err := tx.flush(ctx); err != nil {
		return nil, err
	}
	return tx.Tx.StmtContext(ctx, st), nil
}

// auditExec runs an audit statement in tx, prepared where it can be.
func (tx *Tx) auditExec(ctx context.Context, query string, args ...any) error {
	st, err := tx.preparedStmt(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		_, err = tx.ExecContext(ctx, query, args...)
	} else {
		_, err = st.ExecContext(ctx, args...)
	}
	return err
}

// auditHead locks the chain's head (on PostgreSQL; SQLite's write
// transactions are serialised already) and reads its seq and MAC.
func (tx *Tx) auditHead(ctx context.Context, head *int64, prev *string) error {
	q := auditHeadQuery + tx.db.dialect.lockAudit // locks and reads in one round trip
	st, err := tx.preparedStmt(ctx, q)
	if err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	var row *sql.Row
	if st == nil {
		row = tx.QueryRowContext(ctx, q)
	} else {
		row = st.QueryRowContext(ctx)
	}
	if err := row.Scan(head, prev); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

// appendAudit writes e as entry seq after the entry whose MAC is prev,
// filling in e.Seq, e.At, e.PrevMAC and e.MAC.
func (tx *Tx) appendAudit(ctx context.Context, e *domain.AuditEntry, detail string, seq int64, prev string) error {
	if err := tx.auditExec(ctx, auditInsertQuery, tx.db.chainAudit(e, detail, seq, prev, tx.now)...); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	return nil
}

// chainAudit makes e entry seq after the entry whose MAC is prev, at the
// time at, filling in e.Seq, e.At, e.PrevMAC and e.MAC, and returns
// auditInsertQuery's arguments.
func (db *DB) chainAudit(e *domain.AuditEntry, detail string, seq int64, prev string, at time.Time) []any {
	e.Seq, e.At, e.PrevMAC = seq, at, prev
	ats := formatTime(e.At)
	e.MAC = db.keys.AuditMAC(prev, canonicalEntry(e.Seq, ats, e.UserID, e.LACode, string(e.Action), e.ChildID, detail))
	return []any{e.Seq, ats, e.UserID, e.LACode, string(e.Action), e.ChildID, detail, e.PrevMAC, e.MAC}
}

// appendAuditsPipelined is appendAudits on PostgreSQL in one round trip
// when the chain's head is where this process last left it, and two
// otherwise, however many entries the group holds. A search waits for its
// entry's commit, and the six round trips of a group of two were most of
// what an audited search cost PostgreSQL beyond its queries
// (docs/benchmarks.md).
//
// The one round trip (appendAtTip) sends, as one pipeline (pgx.Batch),
// BEGIN, the head moved on only if it is still at the tip this process
// remembers, a check that fails the transaction if it was not, the
// entries chained from that tip, and COMMIT. Another writer (an import
// run from the command line, a data change's own entry) moves the head:
// the pipeline then fails as a whole, nothing of it is kept, and the two
// round trips follow: BEGIN and the head read and locked, then the
// entries, the new head and COMMIT.
func (db *DB) appendAuditsPipelined(ctx context.Context, group []*auditReq) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("audit: the PostgreSQL connection is a %T, not pgx's", driverConn)
		}
		pc := sc.Conn()
		now := db.Now().UTC()
		tip := &db.auditQ.tip
		if tip.known {
			err := db.appendAtTip(ctx, pc, group, tip.seq, tip.mac, now)
			if err == nil {
				return nil
			}
			tip.known = false
			for _, r := range group { // chained again below
				r.e.Seq, r.e.PrevMAC, r.e.MAC = 0, "", ""
			}
			if rerr := rollback(ctx, pc); rerr != nil {
				return errors.Join(err, rerr)
			}
		}
		var head int64
		var prev string
		first := &pgx.Batch{}
		first.Queue("BEGIN")
		first.Queue(auditHeadQuery + db.dialect.lockAudit).QueryRow(func(row pgx.Row) error { return row.Scan(&head, &prev) })
		if err := pc.SendBatch(ctx, first).Close(); err != nil {
			return errors.Join(fmt.Errorf("audit: head: %w", err), rollback(ctx, pc))
		}
		rest := &pgx.Batch{}
		for _, r := range group {
			head++
			rest.Queue(auditInsertQuery, db.chainAudit(r.e, r.detail, head, prev, now)...)
			prev = r.e.MAC
		}
		rest.Queue(auditSetHeadQuery, head, prev, db.headMAC(head, prev))
		rest.Queue("COMMIT")
		if err := pc.SendBatch(ctx, rest).Close(); err != nil {
			return errors.Join(fmt.Errorf("audit: append: %w", err), rollback(ctx, pc))
		}
		tip.seq, tip.mac, tip.known = head, prev, true
		return nil
	})
}

// auditMovedFrom moves the head from the tip given ($4, $5) to the new one
// ($1-$3), and nowhere else.
const auditMovedFrom = `UPDATE audit_head SET seq = $1, mac = $2, head_mac = $3 WHERE id = 1 AND seq = $4 AND mac = $5`

// auditAtCheck fails (division by zero) unless the head is at $1: after
// auditMovedFrom, unless the head was elsewhere. A failed statement ends
// the pipeline, so that neither the entries nor COMMIT run.
const auditAtCheck = `SELECT 1 / (SELECT COUNT(*)::int FROM audit_head WHERE id = 1 AND seq = $1)`

// appendAtTip appends group after the entry seq with MAC mac in one
// round trip, failing with the transaction left to roll back when the
// head is elsewhere.
func (db *DB) appendAtTip(ctx context.Context, pc *pgx.Conn, group []*auditReq, seq int64, mac string, now time.Time) error {
	head, prev := seq, mac
	entries := make([][]any, len(group))
	for i, r := range group {
		head++
		entries[i] = db.chainAudit(r.e, r.detail, head, prev, now)
		prev = r.e.MAC
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(auditMovedFrom, head, prev, db.headMAC(head, prev), seq, mac)
	b.Queue(auditAtCheck, head)
	for _, args := range entries {
		b.Queue(auditInsertQuery, args...)
	}
	b.Queue("COMMIT")
	if err := pc.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("audit: append at the tip: %w", err)
	}
	db.auditQ.tip.seq, db.auditQ.tip.mac = head, prev
	db.auditQ.tip.atTip++
	return nil
}

// rollback ends a transaction a pipeline left open or failed, so that the
// connection goes back to the pool clean.
func rollback(ctx context.Context, pc *pgx.Conn) error {
	if _, err := pc.Exec(ctx, "ROLLBACK"); err != nil {
		return fmt.Errorf("audit: rollback: %w", err)
	}
	return nil
}

// setAuditHead moves the chain's head to entry seq with MAC mac.
func (tx *Tx) setAuditHead(ctx context.Context, seq int64, mac string) error {
	if err := tx.auditExec(ctx, auditSetHeadQuery, seq, mac, tx.db.headMAC(seq, mac)); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

// auditDetail is e's detail as stored: a JSON object with sorted keys
// (encoding/json sorts map keys), with the on-behalf-of practitioner.
func auditDetail(e *domain.AuditEntry) (string, error) {
	d := make(map[string]any, len(e.Detail)+1)
	for k, v := range e.Detail {
		d[k] = v
	}
	if e.OnBehalfOf != nil {
		d["on_behalf_of"] = e.OnBehalfOf
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("audit: detail: %w", err)
	}
	return string(b), nil
}

// canonicalEntry is the bytes an entry's MAC covers: its fields as a JSON
// array, which is unambiguous whatever the fields hold.
func canonicalEntry(seq int64, at, user, la, action, child, detail string) []byte {
	b, _ := json.Marshal([]any{seq, at, user, la, action, child, detail})
	return b
}

func (db *DB) headMAC(seq int64, mac string) string {
	return db.keys.AuditMAC("head", []byte(strconv.FormatInt(seq, 10)+":"+mac))
}

// AuditBroken is the error VerifyAudit returns for a trail that has been
// tampered with. Seq names the first entry found altered, removed or
// inserted.
type AuditBroken struct {
	Seq    int64
	Reason string
}

func (e *AuditBroken) Error() string {
	return fmt.Sprintf("audit trail broken at entry %d: %s", e.Seq, e.Reason)
}

// VerifyAudit walks the whole chain and returns the number of entries, or
// an *AuditBroken naming the first entry altered, removed or inserted.
func (db *DB) VerifyAudit(ctx context.Context) (int, error) {
	const op = "store.VerifyAudit"
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, internal(op, err)
	}
	defer tx.Rollback()
	var headSeq int64
	var headMAC, headSeal string
	if err := tx.QueryRowContext(ctx, `SELECT seq, mac, head_mac FROM audit_head WHERE id = 1`).Scan(&headSeq, &headMAC, &headSeal); err != nil {
		if isNoRows(err) {
			return 0, &AuditBroken{Seq: 0, Reason: "the audit head is missing"}
		}
		return 0, internal(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, internal(op, err)
	}
	defer rows.Close()
	var n int
	var want int64 = 1
	prev := ""
	for rows.Next() {
		var seq int64
		var at, user, la, action, child, detail, prevMAC, mac string
		if err := rows.Scan(&seq, &at, &user, &la, &action, &child, &detail, &prevMAC, &mac); err != nil {
			return n, internal(op, err)
		}
		switch {
		case seq > want:
			return n, &AuditBroken{Seq: want, Reason: "the entry has been removed"}
		case seq < want: // only possible if seq is not unique
			return n, &AuditBroken{Seq: seq, Reason: "a second entry with this number has been inserted"}
		case prevMAC != prev:
			return n, &AuditBroken{Seq: seq, Reason: "the entry does not follow the one before it (inserted, or an earlier entry removed)"}
		case mac != db.keys.AuditMAC(prev, canonicalEntry(seq, at, user, la, action, child, detail)):
			return n, &AuditBroken{Seq: seq, Reason: "the entry has been altered or forged"}
		}
		prev, want = mac, want+1
		n++
	}
	if err := rows.Err(); err != nil {
		return n, internal(op, err)
	}
	last := want - 1
	switch {
	case headSeq > last:
		return n, &AuditBroken{Seq: last + 1, Reason: fmt.Sprintf("the entry has been removed (the trail should end at entry %d)", headSeq)}
	case headSeq < last:
		return n, &AuditBroken{Seq: headSeq + 1, Reason: fmt.Sprintf("the entry was added after the trail's recorded end (entry %d)", headSeq)}
	case headMAC != prev:
		return n, &AuditBroken{Seq: last, Reason: "the last entry does not match the trail's recorded end"}
	case headSeq > 0 && headSeal != db.headMAC(headSeq, headMAC):
		return n, &AuditBroken{Seq: headSeq + 1, Reason: "the trail's recorded end has been moved back: later entries have been removed"}
	case headSeq == 0:
		// An empty trail is only believable in a database with no users:
		// creating each one was audited. (Wiping everything is beyond what
		// the chain alone can show; see docs/security.md.)
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return n, internal(op, err)
		}
		if users > 0 {
			return n, &AuditBroken{Seq: 1, Reason: "the trail is empty but users exist: every entry has been removed"}
		}
	}
	return n, nil
}

// AuditEntries returns the entries f selects, newest first.
func (db *DB) AuditEntries(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEntry, error) {
	const op = "store.AuditEntries"
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ChildID != "" {
		where = append(where, "child_id = "+arg(f.ChildID))
	}
	if f.UserID != "" {
		where = append(where, "user_id = "+arg(f.UserID))
	}
	if f.LACode != "" {
		where = append(where, "la_code = "+arg(f.LACode))
	}
	if len(f.Actions) > 0 {
		var in []string
		for _, a := range f.Actions {
			in = append(in, arg(string(a)))
		}
		where = append(where, "action IN ("+strings.Join(in, ", ")+")")
	}
	if f.Before > 0 {
		where = append(where, "seq < "+arg(f.Before))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	q := `SELECT seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT " + arg(limit)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, *e)
	}
	return out, internal(op, rows.Err())
}

func scanAudit(rows interface{ Scan(...any) error }) (*domain.AuditEntry, error) {
	var e domain.AuditEntry
	var at, action, detail string
	if err := rows.Scan(&e.Seq, &at, &e.UserID, &e.LACode, &action, &e.ChildID, &detail, &e.PrevMAC, &e.MAC); err != nil {
		return nil, err
	}
	e.At, e.Action = parseTime(at), domain.Action(action)
	if detail != "" {
		_ = json.Unmarshal([]byte(detail), &e.Detail)
	}
	if raw, ok := e.Detail["on_behalf_of"]; ok {
		b, _ := json.Marshal(raw)
		var o domain.OnBehalfOf
		if json.Unmarshal(b, &o) == nil {
			e.OnBehalfOf = &o
		}
		delete(e.Detail, "on_behalf_of")
	}
	return &e, nil
}

// MisuseOptions tune MisuseAlerts.
type MisuseOptions struct {
	From, To time.Time // the period looked at; the last 7 days when zero
	// MaxViewsPerDay is the most views a user may make in a London day
	// before a volume alert; 50 when zero.
	MaxViewsPerDay int
}

// MisuseAlerts returns, for the users of one authority, what its
// administrator should ask about: searches or views of a child sharing the
// user's family name (the last word of their full name; users have no
// address on record, so a shared postcode cannot be checked), more than
// MaxViewsPerDay views in a London day, and searches or views between 22:00
// and 06:00 London time. It reads the audit trail; the family-name check
// joins children by ID, since the trail holds no names.
func (db *DB) MisuseAlerts(ctx context.Context, laCode string, opts MisuseOptions) ([]domain.MisuseAlert, error) {
	const op = "store.MisuseAlerts"
	if opts.To.IsZero() {
		opts.To = db.Now()
	}
	if opts.From.IsZero() {
		opts.From = opts.To.Add(-7 * 24 * time.Hour)
	}
	if opts.MaxViewsPerDay <= 0 {
		opts.MaxViewsPerDay = 50
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	users := map[string]string{} // id → username
	rows, err := tx.QueryContext(ctx, `SELECT id, username FROM users WHERE la_code = $1`, laCode)
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		users[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	var out []domain.MisuseAlert
	from, to := formatTime(opts.From), formatTime(opts.To)

	// Own family name.
	rows, err = tx.QueryContext(ctx, `SELECT a.seq, a.at, a.user_id, a.child_id
		FROM audit_log a JOIN users u ON u.id = a.user_id JOIN children c ON c.id = a.child_id
		WHERE u.la_code = $1 AND a.at >= $2 AND a.at < $3 AND a.action IN ($4, $5)
		AND (LOWER(u.full_name) = LOWER(c.family_name) OR LOWER(u.full_name) LIKE '% ' || LOWER(c.family_name))
		ORDER BY a.seq`, laCode, from, to, string(domain.ActionView), string(domain.ActionSearch))
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var a domain.MisuseAlert
		var at string
		if err := rows.Scan(&a.Seq, &at, &a.UserID, &a.ChildID); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		a.Kind, a.At, a.Username = domain.MisuseFamilyName, parseTime(at), users[a.UserID]
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}

	// Volume and hours, in London time, which SQL cannot share.
	rows, err = tx.QueryContext(ctx, `SELECT a.seq, a.at, a.user_id, a.action, a.child_id
		FROM audit_log a JOIN users u ON u.id = a.user_id
		WHERE u.la_code = $1 AND a.at >= $2 AND a.at < $3 AND a.action IN ($4, $5)
		ORDER BY a.seq`, laCode, from, to, string(domain.ActionView), string(domain.ActionSearch))
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	type dayKey struct {
		user string
		day  domain.Date
	}
	views := map[dayKey]int{}
	var order []dayKey
	for rows.Next() {
		var seq int64
		var at, user, action, child string
		if err := rows.Scan(&seq, &at, &user, &action, &child); err != nil {
			return nil, internal(op, err)
		}
		t := parseTime(at)
		if h := t.In(londonTZ).Hour(); h >= 22 || h < 6 {
			out = append(out, domain.MisuseAlert{Kind: domain.MisuseHours, UserID: user, Username: users[user], Seq: seq, At: t, ChildID: child})
		}
		if domain.Action(action) == domain.ActionView {
			k := dayKey{user, domain.DateOf(t)}
			if views[k] == 0 {
				order = append(order, k)
			}
			views[k]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	for _, k := range order {
		if n := views[k]; n > opts.MaxViewsPerDay {
			out = append(out, domain.MisuseAlert{Kind: domain.MisuseVolume, UserID: k.user, Username: users[k.user], Day: k.day, Count: n})
		}
	}
	return out, nil
}

var londonTZ = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()
