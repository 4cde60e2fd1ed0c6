package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func operatorCtx() context.Context {
	return domain.NewContextWithUser(context.Background(), &domain.User{ID: domain.OperatorID, Roles: []domain.Role{domain.RoleNationalAdmin}})
}

func testUser(name string) *domain.User {
	return &domain.User{Username: name, FullName: "Test User", Roles: []domain.Role{domain.RolePractitioner},
		LACode: "E08000019", Organisation: "Sheffield City Council", DBSNumber: "001234567890",
		DBSIssued: domain.MustDate("2025-01-01"), TrainingCompleted: domain.MustDate("2026-06-01"), AgreementSigned: domain.MustDate("2026-06-01")}
}

func testCredentials() store.Credentials {
	return store.Credentials{PasswordHash: "$argon2id$x", PINHash: "$argon2id$y", TOTPSecret: "JBSWY3DPEHPK3PXP"}
}

func TestUsersAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		u := testUser("alice")
		u.Roles = []domain.Role{domain.RoleLAAdmin, domain.RolePractitioner, domain.RoleLAAdmin}
		if err := db.CreateUser(operatorCtx(), u, domain.UserPerson, testCredentials()); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(operatorCtx(), testUser("alice"), domain.UserPerson, testCredentials()); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("duplicate username: err = %v; want conflict", err)
		}
		got, cred, err := db.UserCredentials(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || strings.Join([]string{string(got.Roles[0]), string(got.Roles[1])}, ",") != "la-admin,practitioner" || len(got.Roles) != 2 {
			t.Errorf("user = %+v", got)
		}
		if cred.TOTPSecret != "JBSWY3DPEHPK3PXP" {
			t.Errorf("TOTP secret = %q", cred.TOTPSecret)
		}
		var sealed string
		if err := rawConn(t, url).QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
			t.Errorf("TOTP secret stored in clear")
		}

		s := &domain.Session{ID: "hash1", Kind: domain.SessionWeb, ExpiresAt: clock.T.Add(time.Hour)}
		if err := db.RecordSignIn(ctx, got, 100, s, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordSignIn(ctx, got, 100, &domain.Session{ID: "hash2", Kind: domain.SessionWeb, ExpiresAt: clock.T}, "192.0.2.1"); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("replayed step: err = %v; want unauthorised", err)
		}
		if err := db.SetSessionReason(ctx, "hash1", "C1", domain.ReasonSafeguarding); err != nil {
			t.Fatal(err)
		}
		if r, err := db.SessionReason(ctx, "hash1", "C1"); err != nil || r != domain.ReasonSafeguarding {
			t.Errorf("SessionReason = %q, %v; want safeguarding", r, err)
		}
		if r, _ := db.SessionReason(ctx, "hash1", "C2"); r != "" {
			t.Errorf("SessionReason(C2) = %q; want none", r)
		}
		if err := db.SetSessionReason(ctx, "hash1", "C1", "nosy"); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("bad reason: err = %v; want invalid", err)
		}
		if err := db.SuspendUser(operatorCtx(), u.ID); err != nil {
			t.Fatal(err)
		}
		sess, su, err := db.SessionUser(ctx, "hash1")
		if err != nil || !sess.Revoked || !su.Suspended {
			t.Errorf("after suspension: session %+v user %+v err %v; want revoked and suspended", sess, su, err)
		}
		for i := 0; i < 5; i++ {
			if _, err := db.RecordSignInFailure(ctx, su, "alice", "192.0.2.1", "password", 5); err != nil {
				t.Fatal(err)
			}
		}
		if su, _ = db.User(ctx, u.ID); !su.Locked || su.FailedSignIns != 5 {
			t.Errorf("after 5 failures: locked %v failures %d; want locked, 5", su.Locked, su.FailedSignIns)
		}
		if err := db.UnlockUser(operatorCtx(), u.ID); err != nil {
			t.Fatal(err)
		}
		if su, _ = db.User(ctx, u.ID); su.Locked || su.FailedSignIns != 0 {
			t.Errorf("after unlock: locked %v failures %d", su.Locked, su.FailedSignIns)
		}
		if n, err := db.VerifyAudit(ctx); err != nil || n < 9 {
			t.Errorf("VerifyAudit = %d, %v", n, err)
		}
	})
}

func TestVettingDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock()) // 2026-11-24
		soon := testUser("soon")
		soon.TrainingCompleted = domain.MustDate("2025-12-10") // lapses 2026-12-10
		if err := db.CreateUser(operatorCtx(), soon, domain.UserPerson, testCredentials()); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(operatorCtx(), testUser("fine"), domain.UserPerson, testCredentials()); err != nil {
			t.Fatal(err)
		}
		got, err := db.VettingDue(ctx, "E08000019", domain.DefaultVetting, 30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].User.Username != "soon" || got[0].Item != domain.VettingTraining || got[0].Expires.String() != "2026-12-10" {
			t.Errorf("VettingDue = %+v; want soon's training on 2026-12-10", got)
		}
	})
}
