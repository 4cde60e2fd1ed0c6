package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestAuditGroupCommit holds the audit chain's head from outside the store
// while entries arrive, so that they queue: they must then be appended in
// few transactions (each transaction reads the clock once, so distinct
// times count transactions), every caller must get its own entry back only
// once it is committed, and the chain must verify.
func TestAuditGroupCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		var tick atomic.Int64
		base := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Millisecond) }

		raw := rawConn(t, url)
		hold, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hold.ExecContext(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		const n = 30
		entries := make([]*domain.AuditEntry, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		var returned atomic.Int64
		uctx := domain.NewContextWithUser(ctx, &domain.User{ID: "u1", LACode: "E08000019"})
		for i := range n {
			entries[i] = &domain.AuditEntry{Action: domain.ActionSearch, Detail: map[string]any{"n": i}}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Audit(uctx, entries[i])
				returned.Add(1)
			}()
		}
		time.Sleep(300 * time.Millisecond)
		if got := returned.Load(); got != 0 {
			t.Fatalf("%d Audit calls returned while the chain's head was held; want 0 (a caller returns only once its entry is committed)", got)
		}
		if err := hold.Commit(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()

		seqs := map[int64]bool{}
		for i, e := range entries {
			if errs[i] != nil {
				t.Fatalf("Audit %d: %v", i, errs[i])
			}
			if e.Seq < 1 || e.Seq > n || seqs[e.Seq] {
				t.Fatalf("entry %d has seq %d; want a seq of its own in 1..%d", i, e.Seq, n)
			}
			seqs[e.Seq] = true
			if e.UserID != "u1" || e.LACode != "E08000019" {
				t.Errorf("entry %d: user %q, LA %q; want the user in the context", i, e.UserID, e.LACode)
			}
		}
		stored, err := db.AuditEntries(ctx, domain.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != n {
			t.Fatalf("%d entries stored; want %d", len(stored), n)
		}
		times := map[time.Time]bool{}
		bySeq := map[int64]domain.AuditEntry{}
		for _, e := range stored {
			times[e.At] = true
			bySeq[e.Seq] = e
		}
		for i, e := range entries {
			s := bySeq[e.Seq]
			if s.MAC != e.MAC || s.Detail["n"] != float64(i) {
				t.Errorf("entry %d: stored seq %d has MAC %q, n %v; want the caller's MAC %q and n %d", i, e.Seq, s.MAC, s.Detail["n"], e.MAC, i)
			}
		}
		if len(times) > 5 {
			t.Errorf("%d entries written in %d transactions; want them grouped into at most 5", n, len(times))
		}
		if got, err := db.VerifyAudit(ctx); err != nil || got != n {
			t.Errorf("VerifyAudit = %d, %v; want %d, nil", got, err, n)
		}
	})
}

// TestAuditGroupFailure checks that when a group's transaction fails,
// every caller in it hears so and none of its entries is in the trail.
func TestAuditGroupFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		appendEntries(t, db, 2)
		raw := rawConn(t, url)
		// A forged row where entry 3 will go makes the next append fail.
		if _, err := raw.ExecContext(ctx, `INSERT INTO audit_log (seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac)
			SELECT 3, at, user_id, la_code, action, child_id, detail, mac, mac FROM audit_log WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		e := &domain.AuditEntry{UserID: "u", Action: domain.ActionSearch}
		err := db.Audit(ctx, e)
		if err == nil {
			t.Fatal("Audit succeeded over a conflicting row; want an error")
		}
		if domain.ErrorCode(err) != domain.EInternal {
			t.Errorf("Audit error %v has code %q; want internal", err, domain.ErrorCode(err))
		}
		if e.Seq != 0 || e.MAC != "" {
			t.Errorf("failed entry kept seq %d, MAC %q; want them cleared", e.Seq, e.MAC)
		}
		if _, err := raw.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		if err := db.Audit(ctx, &domain.AuditEntry{UserID: "u", Action: domain.ActionSearch}); err != nil {
			t.Fatalf("Audit after the conflict was removed: %v", err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 3 {
			t.Errorf("VerifyAudit = %d, %v; want 3, nil", n, err)
		}
	})
}

// TestAuditCancelledCaller checks that a caller giving up does not fail
// the entries grouped with its own.
func TestAuditCancelledCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		raw := rawConn(t, url)
		hold, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hold.ExecContext(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		gaveUp := make(chan error, 1)
		go func() { gaveUp <- db.Audit(cctx, &domain.AuditEntry{UserID: "quitter", Action: domain.ActionSearch}) }()
		waited := make(chan error, 1)
		go func() { waited <- db.Audit(ctx, &domain.AuditEntry{UserID: "patient", Action: domain.ActionSearch}) }()
		time.Sleep(100 * time.Millisecond)
		cancel()
		if err := <-gaveUp; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Audit = %v; want context.Canceled", err)
		}
		if err := hold.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-waited; err != nil {
			t.Fatalf("Audit beside a cancelled one: %v", err)
		}
		got, err := db.AuditEntries(ctx, domain.AuditFilter{UserID: "patient"})
		if err != nil || len(got) != 1 {
			t.Fatalf("entries of the patient caller = %d, %v; want 1", len(got), err)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n < 1 {
			t.Errorf("VerifyAudit = %d, %v; want the trail intact", n, err)
		}
	})
}

// TestAuditTipMoved: on PostgreSQL the audit writer appends a group in one
// round trip from where it last left the chain's head; when another
// process, or a data change's own entry, has moved the head since, that
// attempt must fail whole and the group be appended after the real head,
// with the chain still whole.
func TestAuditTipMoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		other := storetest.MustOpen(t, url, storetest.NewClock())
		uctx := domain.NewContextWithUser(ctx, &domain.User{ID: "u1", LACode: "E08000019"})
		audit := func(d *store.DB, n int) *domain.AuditEntry {
			t.Helper()
			e := &domain.AuditEntry{Action: domain.ActionSearch, Detail: map[string]any{"n": n}}
			if err := d.Audit(uctx, e); err != nil {
				t.Fatalf("entry %d: %v", n, err)
			}
			return e
		}
		a := audit(db, 1)
		b := audit(db, 2)
		if b.Seq != a.Seq+1 {
			t.Fatalf("second entry at %d; want %d", b.Seq, a.Seq+1)
		}
		pg := db.Dialect() == "postgres"
		seq, known, fast := store.AuditTip(db)
		if pg && (!known || seq != b.Seq || fast != 1) {
			t.Errorf("writer's tip %d (known %v), %d groups in one round trip; want %d, 1 (the second entry's)", seq, known, fast, b.Seq)
		}
		c := audit(other, 3) // another process moves the head
		d := audit(db, 4)
		if d.Seq != c.Seq+1 || d.PrevMAC != c.MAC {
			t.Errorf("entry after another process's: seq %d prev %q; want %d after %q", d.Seq, d.PrevMAC, c.Seq+1, c.MAC)
		}
		if _, _, f := store.AuditTip(db); pg && f != fast {
			t.Errorf("%d groups in one round trip after the head moved; want %d (that attempt fails)", f, fast)
		}
		// A data change appends its own entry in its transaction.
		if err := db.CreateChild(uctx, newChild("Wren")); err != nil {
			t.Fatal(err)
		}
		e := audit(db, 5)
		if e.Seq != d.Seq+2 {
			t.Errorf("entry after a new child's: seq %d; want %d", e.Seq, d.Seq+2)
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatalf("chain broken: %v", err)
		}
		if n != int(e.Seq) {
			t.Errorf("%d entries verified; want %d", n, e.Seq)
		}
	})
}

// newChild is a child with a current address in Leeds.
func newChild(given string) *domain.Child {
	return &domain.Child{GivenNames: given, FamilyName: "Quennell", Gender: domain.GenderFemale,
		DateOfBirth: domain.MustDate("2016-04-09"), LACode: "E08000035", AddressStatus: domain.AddressCurrent,
		Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "4 Kirk Lane", Town: "Leeds", Postcode: "LS6 3BT"}}}}
}
