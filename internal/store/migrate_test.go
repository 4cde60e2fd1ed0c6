package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestRefusesStaleSchema: a database behind this binary's schema is not
// used until `contactpoint migrate` brings it up to date.
func TestRefusesStaleSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		db.Close()
		raw := rawDB(t, url)
		latest := store.SchemaVersion()
		if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = $1`, latest); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(ctx, url, store.Options{Keys: storetest.Keys(t)})
		if err == nil || !strings.Contains(err.Error(), "contactpoint migrate") {
			t.Fatalf("open stale database: %v; want a refusal naming `contactpoint migrate`", err)
		}
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != latest-1 {
			t.Errorf("migrations recorded = %d, %v; want %d (nothing applied behind the operator's back)", n, err, latest-1)
		}
	})
}
