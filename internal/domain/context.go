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
