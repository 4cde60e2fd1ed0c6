// Package authtest signs real users in for tests of the packages above auth:
// users are created through the auth service with vetting in date, and sign
// in with all four factors.
package authtest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Password and PIN every test user has.
const (
	Password = "plum tractor quietly ninety"
	PIN      = "284619"
)

// Cheap is an argon2id cost that keeps tests fast; never use it in service.
var Cheap = auth.Argon2{Time: 1, Memory: 64, Threads: 1}

// Service returns an auth service on db with a cheap hash.
func Service(db *store.DB) *auth.Service {
	return auth.New(db, auth.Config{Argon2: Cheap})
}

var n atomic.Int64

// NewUser creates a vetted user with the given roles in the authority and
// returns it (username unique per call).
func NewUser(tb testing.TB, svc *auth.Service, db *store.DB, la string, roles ...domain.Role) *domain.User {
	tb.Helper()
	today := domain.DateOf(db.Now())
	name := "user" + string(rune('a'+n.Add(1)%26)) + itoa(n.Load())
	u := &domain.User{Username: name, FullName: "Test " + capital(string(roles[0])), Roles: roles, LACode: la,
		Organisation: "Sheffield City Council", Phone: "0114 496 0100", Email: name + "@example.org",
		DBSNumber: "001234567890", DBSIssued: today.AddDays(-30), TrainingCompleted: today.AddDays(-30), AgreementSigned: today.AddDays(-30)}
	if _, err := svc.AddUser(auth.Operator(context.Background()), u, Password, PIN); err != nil {
		tb.Fatalf("add user: %v", err)
	}
	got, err := db.UserByUsername(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// Code returns the user's current security-token code.
func Code(tb testing.TB, svc *auth.Service, username string) string {
	tb.Helper()
	c, err := svc.CurrentCode(auth.Operator(context.Background()), username)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// SignIn signs u in with all four factors and returns a context carrying
// the user and the session, and the session's bearer token.
func SignIn(tb testing.TB, svc *auth.Service, u *domain.User, kind domain.SessionKind) (context.Context, string) {
	tb.Helper()
	ctx := context.Background()
	token, _, err := svc.SignIn(ctx, u.Username, Password, PIN, Code(tb, svc, u.Username), "192.0.2.1:4000", kind)
	if err != nil {
		tb.Fatalf("sign in %s: %v", u.Username, err)
	}
	sess, user, err := svc.Session(ctx, token)
	if err != nil {
		tb.Fatal(err)
	}
	return domain.NewContextWithSession(domain.NewContextWithUser(ctx, user), sess), token
}

func capital(s string) string {
	if s == "" {
		return s
	}
	out := []rune{}
	for i, r := range s {
		if r == '-' {
			r = ' '
		}
		if i == 0 && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

func itoa(i int64) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
