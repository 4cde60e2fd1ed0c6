package auth_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// fastArgon2 keeps tests quick; the parameters travel in each hash.
var fastArgon2 = auth.Argon2{Time: 1, Memory: 64, Threads: 1}

const (
	goodPassword = "correct horse battery staple"
	goodPIN      = "402917"
	addr         = "192.0.2.10:51234"
)

type fixture struct {
	t     *testing.T
	db    *store.DB
	svc   *auth.Service
	clock *storetest.Clock
	ctx   context.Context
}

func newFixture(t *testing.T, url string) *fixture {
	t.Helper()
	clock := storetest.NewClock()
	db := storetest.MustOpen(t, url, clock)
	return &fixture{t: t, db: db, clock: clock, ctx: context.Background(),
		svc: auth.New(db, auth.Config{Argon2: fastArgon2})}
}

func vetted(username, la string, roles ...domain.Role) *domain.User {
	if len(roles) == 0 {
		roles = []domain.Role{domain.RolePractitioner}
	}
	return &domain.User{Username: username, FullName: "Sam Taylor", Roles: roles, LACode: la,
		Organisation: "Sheffield City Council", DBSNumber: "001234567890",
		DBSIssued: domain.MustDate("2025-01-01"), TrainingCompleted: domain.MustDate("2026-06-01"),
		AgreementSigned: domain.MustDate("2026-06-01")}
}

// add creates u as the operator and returns its TOTP secret.
func (f *fixture) add(u *domain.User) string {
	f.t.Helper()
	uri, err := f.svc.AddUser(auth.Operator(f.ctx), u, goodPassword, goodPIN)
	if err != nil {
		f.t.Fatalf("AddUser(%s): %v", u.Username, err)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/ContactPoint:"+u.Username+"?") {
		f.t.Fatalf("enrolment URI = %q", uri)
	}
	p, err := url.Parse(uri)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.Query().Get("secret")
}

func (f *fixture) code(secret string, offset time.Duration) string {
	f.t.Helper()
	c, err := auth.CurrentCode(secret, f.clock.T.Add(offset))
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) signIn(user, pw, pin, code string) (string, error) {
	tok, _, err := f.svc.SignIn(f.ctx, user, pw, pin, code, addr, domain.SessionWeb)
	return tok, err
}

func isGeneric(err error) bool {
	return domain.ErrorCode(err) == domain.EUnauthorised && domain.ErrorMessage(err) == auth.SignInFailed
}

func TestSignInNeedsEveryFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		secret := f.add(vetted("sam.taylor", "E08000019"))
		good := f.code(secret, 0)
		wrongCode := "000000"
		if good == wrongCode {
			wrongCode = "000001"
		}
		tests := []struct {
			name                string
			user, pw, pin, code string
		}{
			{"wrong password", "sam.taylor", "correct horse battery stapler", goodPIN, good},
			{"wrong PIN", "sam.taylor", goodPassword, "402918", good},
			{"wrong code", "sam.taylor", goodPassword, goodPIN, wrongCode},
			{"no code", "sam.taylor", goodPassword, goodPIN, ""},
			{"unknown user", "nobody", goodPassword, goodPIN, good},
			{"nothing", "", "", "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok, err := f.signIn(tt.user, tt.pw, tt.pin, tt.code)
				if tok != "" || !isGeneric(err) {
					t.Errorf("SignIn = %q, %v; want the generic failure", tok, err)
				}
			})
		}
		tok, err := f.signIn("Sam.Taylor ", goodPassword, goodPIN, good)
		if err != nil || len(tok) != 43 {
			t.Fatalf("SignIn with every factor = %q, %v; want a token", tok, err)
		}
		u, err := f.svc.Authenticate(f.ctx, tok)
		if err != nil || u.Username != "sam.taylor" {
			t.Fatalf("Authenticate = %v, %v", u, err)
		}
		// The failures were audited with the username, never the password.
		es, err := f.db.AuditEntries(f.ctx, domain.AuditFilter{Actions: []domain.Action{domain.ActionSignInFailed}})
		if err != nil || len(es) != len(tests) {
			t.Fatalf("failure entries = %d, %v; want %d", len(es), err, len(tests))
		}
		for _, e := range es {
			for _, v := range e.Detail {
				if s, _ := v.(string); strings.Contains(s, "horse") || strings.Contains(s, goodPIN) {
					t.Errorf("audit detail %v holds a secret", e.Detail)
				}
			}
		}
		if es[1].Detail["username"] != "nobody" {
			t.Errorf("unknown-user entry detail = %v; want username nobody", es[1].Detail)
		}
	})
}

func TestCodeReplayAndDrift(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		secret := f.add(vetted("sam.taylor", "E08000019"))
		steps := []struct {
			offset time.Duration
			ok     bool
		}{
			{-60 * time.Second, false}, // two steps behind
			{-30 * time.Second, true},  // one behind: drift allowed
			{-30 * time.Second, false}, // the same code again: replay
			{0, true},
			{0, false},                // replay
			{30 * time.Second, true},  // one ahead
			{60 * time.Second, false}, // two ahead
		}
		for i, st := range steps {
			_, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, st.offset))
			if got := err == nil; got != st.ok {
				t.Errorf("step %d (offset %v): ok = %v (%v); want %v", i, st.offset, got, err, st.ok)
			}
			if err != nil && !isGeneric(err) {
				t.Errorf("step %d: err = %v; want the generic failure", i, err)
			}
		}
	})
}

func TestLockoutAndUnlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		secret := f.add(vetted("sam.taylor", "E08000019"))
		for i := 0; i < 5; i++ {
			if _, err := f.signIn("sam.taylor", "not the password at all", goodPIN, f.code(secret, 0)); !isGeneric(err) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		f.clock.Add(30 * time.Second)
		_, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if domain.ErrorCode(err) != domain.EUnauthorised || !strings.Contains(domain.ErrorMessage(err), "locked") {
			t.Fatalf("locked user with every factor: err = %v; want locked", err)
		}
		if err := f.svc.Unlock(auth.Operator(f.ctx), "sam.taylor"); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(30 * time.Second)
		if _, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0)); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
	})
}

func TestSuspensionAndSignOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		secret := f.add(vetted("sam.taylor", "E08000019"))
		tok1, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(30 * time.Second)
		tok2, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if err != nil {
			t.Fatal(err)
		}
		if tok1 == tok2 {
			t.Fatal("two sign-ins gave the same token")
		}
		if err := f.svc.SignOut(f.ctx, tok1); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok1); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("after sign-out: err = %v; want unauthorised", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok2); err != nil {
			t.Errorf("other session after sign-out: %v", err)
		}
		if err := f.svc.Suspend(auth.Operator(f.ctx), "sam.taylor"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, tok2); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("after suspension: err = %v; want unauthorised", err)
		}
		f.clock.Add(30 * time.Second)
		_, err = f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if !strings.Contains(domain.ErrorMessage(err), "suspended") {
			t.Errorf("suspended sign-in: err = %v; want suspended", err)
		}
		if _, err := f.signIn("sam.taylor", "wrong wrong wrong", goodPIN, f.code(secret, 0)); !isGeneric(err) {
			t.Errorf("suspended, wrong password: err = %v; want the generic failure", err)
		}
		if n, err := f.db.VerifyAudit(f.ctx); err != nil {
			t.Errorf("VerifyAudit = %d, %v", n, err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		secret := f.add(vetted("sam.taylor", "E08000019"))
		tok, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if err != nil {
			t.Fatal(err)
		}
		// Active every 19 minutes: the idle timeout never strikes, the
		// absolute one does at 10 hours.
		for elapsed := 19 * time.Minute; elapsed < 10*time.Hour; elapsed += 19 * time.Minute {
			f.clock.Add(19 * time.Minute)
			if _, err := f.svc.Authenticate(f.ctx, tok); err != nil {
				t.Fatalf("after %v: %v", elapsed, err)
			}
		}
		f.clock.Add(19 * time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, tok); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("after 10 hours: err = %v; want unauthorised", err)
		}

		tok, err = f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(20 * time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, tok); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("idle 20 minutes: err = %v; want unauthorised", err)
		}
	})
}

func TestVettingExpiryStopsSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		// Today is 2026-11-24. Each user's item lapses on 2026-11-26.
		tests := []struct {
			name      string
			set       func(u *domain.User)
			wantField string
			wantWord  string
		}{
			{"dbs", func(u *domain.User) { u.DBSIssued = domain.MustDate("2023-11-26") }, "dbs_issued", "DBS"},
			{"training", func(u *domain.User) { u.TrainingCompleted = domain.MustDate("2025-11-26") }, "training_completed", "training"},
		}
		f := newFixture(t, url)
		secrets := map[string]string{}
		for _, tt := range tests {
			u := vetted("user-"+tt.name, "E08000019")
			tt.set(u)
			secrets[tt.name] = f.add(u)
		}
		f.clock.Add(48 * time.Hour)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.signIn("user-"+tt.name, goodPassword, goodPIN, f.code(secrets[tt.name], 0))
				if domain.ErrorCode(err) != domain.EForbidden || domain.ErrorField(err) != tt.wantField ||
					!strings.Contains(domain.ErrorMessage(err), tt.wantWord) {
					t.Errorf("err = %v; want forbidden on %s mentioning %s", err, tt.wantField, tt.wantWord)
				}
			})
		}
		// Creating an unvetted user is refused naming the item.
		for _, tt := range []struct {
			set   func(u *domain.User)
			field string
		}{
			{func(u *domain.User) { u.DBSIssued = domain.MustDate("2020-01-01") }, "dbs_issued"},
			{func(u *domain.User) { u.DBSIssued = domain.Date{} }, "dbs_issued"},
			{func(u *domain.User) { u.TrainingCompleted = domain.MustDate("2025-01-01") }, "training_completed"},
			{func(u *domain.User) { u.AgreementSigned = domain.Date{} }, "agreement_signed"},
		} {
			u := vetted("unvetted", "E08000019")
			tt.set(u)
			if _, err := f.svc.AddUser(auth.Operator(f.ctx), u, goodPassword, goodPIN); domain.ErrorField(err) != tt.field {
				t.Errorf("AddUser unvetted: err = %v; want field %s", err, tt.field)
			}
		}
	})
}

func TestLAAdminManagesOwnAuthorityOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		f := newFixture(t, url)
		f.add(vetted("leeds.user", "E08000035"))
		f.add(vetted("sheff.user", "E08000019"))
		admin, err := f.db.UserByUsername(f.ctx, "sheff.user")
		if err != nil {
			t.Fatal(err)
		}
		admin.Roles = []domain.Role{domain.RoleLAAdmin}
		ctx := domain.NewContextWithUser(f.ctx, admin)
		prac := domain.NewContextWithUser(f.ctx, &domain.User{ID: "p", LACode: "E08000019", Roles: []domain.Role{domain.RolePractitioner}})
		tests := []struct {
			name string
			do   func() error
			want string
		}{
			{"add in own LA", func() error {
				_, err := f.svc.AddUser(ctx, vetted("new.sheff", "E08000019"), goodPassword, goodPIN)
				return err
			}, ""},
			{"add in other LA", func() error {
				_, err := f.svc.AddUser(ctx, vetted("new.leeds", "E08000035"), goodPassword, goodPIN)
				return err
			}, domain.EForbidden},
			{"add national admin", func() error {
				_, err := f.svc.AddUser(ctx, vetted("boss", "E08000019", domain.RoleNationalAdmin), goodPassword, goodPIN)
				return err
			}, domain.EForbidden},
			{"suspend in other LA", func() error { return f.svc.Suspend(ctx, "leeds.user") }, domain.ENotFound},
			{"unlock in other LA", func() error { return f.svc.Unlock(ctx, "leeds.user") }, domain.ENotFound},
			{"reissue in other LA", func() error { _, err := f.svc.ReissueToken(ctx, "leeds.user"); return err }, domain.ENotFound},
			{"list other LA", func() error { _, err := f.svc.Users(ctx, "E08000035"); return err }, domain.EForbidden},
			{"practitioner adds", func() error {
				_, err := f.svc.AddUser(prac, vetted("x.y", "E08000019"), goodPassword, goodPIN)
				return err
			}, domain.EForbidden},
			{"nobody adds", func() error {
				_, err := f.svc.AddUser(f.ctx, vetted("x.z", "E08000019"), goodPassword, goodPIN)
				return err
			}, domain.EUnauthorised},
			{"code as admin", func() error { _, err := f.svc.CurrentCode(ctx, "sheff.user"); return err }, domain.EForbidden},
			{"suspend in own LA", func() error { return f.svc.Suspend(ctx, "new.sheff") }, ""},
		}
		for _, tt := range tests {
			if got := domain.ErrorCode(tt.do()); got != tt.want {
				t.Errorf("%s: code = %q; want %q", tt.name, got, tt.want)
			}
		}
		us, err := f.svc.Users(ctx, "")
		if err != nil || len(us) != 2 {
			t.Errorf("Users = %d, %v; want own LA's 2", len(us), err)
		}
	})
}

func TestAddressThrottle(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	secret := f.add(vetted("sam.taylor", "E08000019"))
	for i := 0; i < 20; i++ {
		if _, err := f.signIn(string(rune('a'+i))+"-nobody", "x", "y", "z"); !isGeneric(err) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0))
	if err == nil || !strings.Contains(domain.ErrorMessage(err), "too many") {
		t.Errorf("21st attempt: err = %v; want refused for the address", err)
	}
	if _, _, err := f.svc.SignIn(f.ctx, "sam.taylor", goodPassword, goodPIN, f.code(secret, 0), "198.51.100.7:1", domain.SessionAPI); err != nil {
		t.Errorf("from another address: %v", err)
	}
	f.clock.Add(16 * time.Minute)
	if _, err := f.signIn("sam.taylor", goodPassword, goodPIN, f.code(secret, 0)); err != nil {
		t.Errorf("after the block: %v", err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"correct horse battery staple", true},
		{"Purple-Tractor-Lighthouse", true},
		{"my cat eats marmalade on sundays", true},
		{"xK9#mQ2$vL7!", true},
		{"short pass", false},
		{strings.Repeat("a", 300), false},
		{"password1234", false},
		{"Password2026!", false},
		{"passwordpassword", false},
		{"qwertyuiop123", false},
		{"abcdefghijklmnop", false},
		{"aaaaaaaaaaaaaaa", false},
		{"121212121212", false},
		{"contactpoint2026", false},
		{"ContactPoint!!!!", false},
		{"sam.taylor1234", false},
		{"iloveyou2024!!", false},
		{"monkeymonkeymonkey", false},
		{"1234567890123", false},
		{"Liverpool1985", false},
	}
	for _, tt := range tests {
		err := auth.CheckPassword(tt.pw, "sam.taylor")
		if got := err == nil; got != tt.ok {
			t.Errorf("CheckPassword(%q) = %v; want ok %v", tt.pw, err, tt.ok)
		}
		if err != nil && domain.ErrorField(err) != "password" {
			t.Errorf("CheckPassword(%q) field = %q; want password", tt.pw, domain.ErrorField(err))
		}
	}
}

func TestPINPolicy(t *testing.T) {
	tests := []struct {
		pin string
		ok  bool
	}{
		{"402917", true},
		{"80351264", true},
		{"12345", false},
		{"123456789", false},
		{"12a456", false},
		{"111111", false},
		{"123456", false},
		{"654321", false},
		{"7890123", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := auth.CheckPIN(tt.pin) == nil; got != tt.ok {
			t.Errorf("CheckPIN(%q) ok = %v; want %v", tt.pin, got, tt.ok)
		}
	}
}

func TestHashVerify(t *testing.T) {
	h := fastArgon2.Hash("secret phrase here")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash = %q", h)
	}
	for _, tt := range []struct {
		hash, secret string
		want         bool
	}{
		{h, "secret phrase here", true},
		{h, "secret phrase her", false},
		{"$argon2id$v=19$m=64,t=1,p=1$", "x", false},
		{"plain", "plain", false},
	} {
		if got, _ := auth.Verify(tt.hash, tt.secret); got != tt.want {
			t.Errorf("Verify(%q, %q) = %v; want %v", tt.hash, tt.secret, got, tt.want)
		}
	}
}

func FuzzSignInInputs(f *testing.F) {
	f.Add("sam.taylor", goodPassword, goodPIN, "123456")
	f.Add("", "", "", "")
	f.Add("SAM.TAYLOR", "correct horse battery staple\x00", "402917 ", " 123456")
	f.Add(strings.Repeat("x", 5000), "\xff\xfe", "٤٠٢٩١٧", "１２３４５６")
	clock := storetest.NewClock()
	db := storetest.MustOpen(f, storetest.SQLiteURL(f), clock)
	svc := auth.New(db, auth.Config{Argon2: fastArgon2, AddrFailures: 1 << 30})
	// A password the fuzzer cannot know, so that success is impossible
	// rather than merely unlikely.
	if _, err := svc.AddUser(auth.Operator(context.Background()), vetted("sam.taylor", "E08000019"), rand.Text(), goodPIN); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, user, pw, pin, code string) {
		tok, _, err := svc.SignIn(context.Background(), user, pw, pin, code, "203.0.113.5:1", domain.SessionAPI)
		if err == nil || tok != "" {
			t.Fatalf("SignIn(%q, %q, %q, %q) succeeded", user, pw, pin, code)
		}
	})
}
