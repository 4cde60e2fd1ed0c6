package domain

import "context"

type ctxKey int

const userKey ctxKey = 1

// NewContextWithUser returns ctx carrying the signed-in user. Authorisation
// travels in the context and is enforced where data is read.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the signed-in user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
}

const sessionKey ctxKey = 2

// NewContextWithSession returns ctx carrying the caller's session, so that
// services can remember per-session facts such as the reason for access.
func NewContextWithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey, s)
}

// SessionFromContext returns the caller's session, or nil.
func SessionFromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey).(*Session)
	return s
}
