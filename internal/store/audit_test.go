package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// rawConn opens the test database behind the store's back, as an intruder
// with database access but not the server secret would.
func rawConn(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if strings.HasPrefix(url, "sqlite:") {
		driver, dsn = "sqlite", strings.TrimPrefix(url, "sqlite:")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func appendEntries(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := domain.NewContextWithUser(context.Background(), &domain.User{ID: "u1", LACode: "E08000019"})
	for i := 0; i < n; i++ {
		e := &domain.AuditEntry{Action: domain.ActionSearch, Detail: map[string]any{"family_name": "smith", "n": i}}
		if err := db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) {
			t.Fatalf("seq = %d; want %d", e.Seq, i+1)
		}
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		tests := []struct {
			name    string
			tamper  []string
			wantSeq int64 // 0: intact
		}{
			{"intact", nil, 0},
			{"detail altered", []string{`UPDATE audit_log SET detail = '{"family_name":"jones"}' WHERE seq = 3`}, 3},
			{"user altered", []string{`UPDATE audit_log SET user_id = 'someone-else' WHERE seq = 2`}, 2},
			{"time altered", []string{`UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 1`}, 1},
			{"middle removed", []string{`DELETE FROM audit_log WHERE seq = 3`}, 3},
			{"first removed", []string{`DELETE FROM audit_log WHERE seq = 1`}, 1},
			{"forged row appended", []string{`INSERT INTO audit_log (seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac)
				SELECT 6, at, user_id, la_code, action, child_id, detail, mac, mac FROM audit_log WHERE seq = 5`}, 6},
			{"forged row appended, head moved", []string{`INSERT INTO audit_log (seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac)
				SELECT 6, at, user_id, la_code, action, child_id, detail, mac, 'forged' FROM audit_log WHERE seq = 5`,
				`UPDATE audit_head SET seq = 6, mac = 'forged'`}, 6},
			{"row replaced in the middle", []string{`DELETE FROM audit_log WHERE seq = 2`,
				`INSERT INTO audit_log (seq, at, user_id, la_code, action, child_id, detail, prev_mac, mac)
				SELECT 2, at, user_id, la_code, 'view', child_id, detail, prev_mac, mac FROM audit_log WHERE seq = 3`}, 2},
			{"last removed", []string{`DELETE FROM audit_log WHERE seq = 5`}, 5},
			{"last removed, head fixed naively", []string{`DELETE FROM audit_log WHERE seq = 5`,
				`UPDATE audit_head SET seq = 4, mac = (SELECT mac FROM audit_log WHERE seq = 4)`}, 5},
			{"all removed, head reset", []string{`INSERT INTO users (id, username, full_name, roles, la_code, organisation, phone, email, dbs_number, dbs_issued, training_completed, agreement_signed, password_hash, pin_hash, totp_secret, created_at, updated_at) VALUES ('x', 'x', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '')`, `DELETE FROM audit_log`, `UPDATE audit_head SET seq = 0, mac = '', head_mac = ''`}, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				url := url
				if strings.HasPrefix(url, "sqlite:") {
					url = storetest.SQLiteURL(t)
				} else {
					url = storetest.PostgresURL(t)
				}
				ctx := context.Background()
				db := storetest.MustOpen(t, url, storetest.NewClock())
				appendEntries(t, db, 5)
				raw := rawConn(t, url)
				for _, q := range tt.tamper {
					if _, err := raw.ExecContext(ctx, q); err != nil {
						t.Fatalf("tamper %q: %v", q, err)
					}
				}
				n, err := db.VerifyAudit(ctx)
				if tt.wantSeq == 0 {
					if err != nil || n != 5 {
						t.Fatalf("VerifyAudit = %d, %v; want 5, nil", n, err)
					}
					return
				}
				var broken *store.AuditBroken
				if !errors.As(err, &broken) {
					t.Fatalf("VerifyAudit = %d, %v; want *AuditBroken", n, err)
				}
				if got := broken.Seq; got != tt.wantSeq {
					t.Errorf("broken at seq %d (%v); want %d", got, err, tt.wantSeq)
				}
			})
		}
	})
}

func TestAuditConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			go func() { errs <- db.Audit(ctx, &domain.AuditEntry{UserID: "u", Action: domain.ActionSearch}) }()
		}
		for i := 0; i < 40; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n != 40 {
			t.Errorf("VerifyAudit = %d, %v; want 40, nil", n, err)
		}
	})
}

func TestAuditEntriesQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		obo := &domain.OnBehalfOf{Name: "Pat Jones", Organisation: "Surgery", Role: "health visitor", Phone: "0114 496 0000"}
		for i, e := range []domain.AuditEntry{
			{UserID: "a", LACode: "E08000019", Action: domain.ActionView, ChildID: "C1", Detail: map[string]any{"reason": "safeguarding"}},
			{UserID: "b", LACode: "E08000035", Action: domain.ActionView, ChildID: "C1", OnBehalfOf: obo},
			{UserID: "a", LACode: "E08000019", Action: domain.ActionView, ChildID: "C2"},
			{UserID: "a", LACode: "E08000019", Action: domain.ActionSearch},
		} {
			if err := db.Audit(ctx, &e); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
		}
		seqs := func(es []domain.AuditEntry) []int64 {
			var out []int64
			for _, e := range es {
				out = append(out, e.Seq)
			}
			return out
		}
		tests := []struct {
			f    domain.AuditFilter
			want []int64
		}{
			{domain.AuditFilter{ChildID: "C1"}, []int64{2, 1}},
			{domain.AuditFilter{UserID: "a"}, []int64{4, 3, 1}},
			{domain.AuditFilter{UserID: "a", Limit: 2}, []int64{4, 3}},
			{domain.AuditFilter{UserID: "a", Before: 3}, []int64{1}},
			{domain.AuditFilter{UserID: "a", Actions: []domain.Action{domain.ActionSearch}}, []int64{4}},
			{domain.AuditFilter{ChildID: "C1", LACode: "E08000035"}, []int64{2}},
			{domain.AuditFilter{ChildID: "C1", LACode: "E08000019"}, []int64{1}},
			{domain.AuditFilter{UserID: "a", LACode: "E08000035"}, nil},
		}
		for _, tt := range tests {
			got, err := db.AuditEntries(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if g := seqs(got); !equalSeqs(g, tt.want) {
				t.Errorf("AuditEntries(%+v) = %v; want %v", tt.f, g, tt.want)
			}
		}
		got, _ := db.AuditEntries(ctx, domain.AuditFilter{ChildID: "C1"})
		if got[0].OnBehalfOf == nil || *got[0].OnBehalfOf != *obo {
			t.Errorf("OnBehalfOf = %+v; want %+v", got[0].OnBehalfOf, obo)
		}
		if got[1].Detail["reason"] != "safeguarding" {
			t.Errorf("Detail = %v; want reason safeguarding", got[1].Detail)
		}
	})
}

func equalSeqs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMisuseAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock() // 2026-11-24 10:00 UTC = 10:00 London
		db := storetest.MustOpen(t, url, clock)
		c := fullChild() // family name O'Neill-Wiśniewski
		if err := db.CreateChild(ctx, c); err != nil {
			t.Fatal(err)
		}
		u := testUser("sam.oneill")
		u.FullName = "Sam O'Neill-Wiśniewski"
		if err := db.CreateUser(operatorCtx(), u, domain.UserPerson, testCredentials()); err != nil {
			t.Fatal(err)
		}
		other := testUser("jo.green")
		other.FullName = "Jo Green"
		if err := db.CreateUser(operatorCtx(), other, domain.UserPerson, testCredentials()); err != nil {
			t.Fatal(err)
		}
		view := func(user *domain.User, child string) {
			t.Helper()
			if err := db.Audit(domain.NewContextWithUser(ctx, user), &domain.AuditEntry{Action: domain.ActionView, ChildID: child}); err != nil {
				t.Fatal(err)
			}
		}
		view(u, string(c.ID))     // own family name
		view(other, string(c.ID)) // fine
		clock.T = time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)
		view(other, "X") // out of hours
		for i := 0; i < 3; i++ {
			view(other, "Y")
		}
		alerts, err := db.MisuseAlerts(ctx, "E08000019", store.MisuseOptions{MaxViewsPerDay: 4,
			From: clock.T.Add(-24 * time.Hour), To: clock.T.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range alerts {
			got = append(got, string(a.Kind)+":"+a.Username)
		}
		want := "family-name:sam.oneill out-of-hours:jo.green out-of-hours:jo.green out-of-hours:jo.green out-of-hours:jo.green volume:jo.green"
		if strings.Join(got, " ") != want {
			t.Errorf("alerts = %v; want %v", got, want)
		}
	})
}
