package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestDeleteExpiredSessions: the nightly sweep drops sessions a day past
// their absolute expiry and keeps younger ones.
func TestDeleteExpiredSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		svc := authtest.Service(db)
		old := authtest.NewUser(t, svc, db, "E08000019", domain.RolePractitioner)
		authtest.SignIn(t, svc, old, domain.SessionAPI)
		clock.Add(20 * time.Hour) // the first session expired 10 hours ago
		young := authtest.NewUser(t, svc, db, "E08000019", domain.RolePractitioner)
		_, token := authtest.SignIn(t, svc, young, domain.SessionAPI)

		if n, err := db.DeleteExpiredSessions(ctx, 24*time.Hour); err != nil || n != 0 {
			t.Fatalf("sweep 10 hours after expiry = %d, %v; want 0 (a day is kept)", n, err)
		}
		clock.Add(15 * time.Hour) // the first expired 25 hours ago; the second 5 hours ago
		if n, err := db.DeleteExpiredSessions(ctx, 24*time.Hour); err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		if _, _, err := db.SessionUser(ctx, authtestSessionID(token)); domain.ErrorCode(err) == domain.ENotFound {
			t.Error("the younger session was swept too")
		}
	})
}
