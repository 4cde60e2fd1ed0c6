// Package storetest opens real, throw-away databases for tests: a SQLite
// file in the test's temporary directory, and, when CONTACTPOINT_TEST_POSTGRES
// names a server, a PostgreSQL database created for the test and dropped
// after it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/secret"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Keys returns a fixed keyring for tests.
func Keys(tb testing.TB) *secret.Keyring {
	tb.Helper()
	k, err := secret.New([]byte("test secret: 0123456789abcdefghijklmnopqrstuvwxyz"))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// Clock is a settable clock for tests.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) { c.T = c.T.Add(d) }

// NewClock returns a clock at 2026-11-24 10:00 UTC.
func NewClock() *Clock { return &Clock{T: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)} }

// Each runs f as a subtest on SQLite and, when CONTACTPOINT_TEST_POSTGRES is
// set, on PostgreSQL, each with a new database.
func Each(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		f(t, SQLiteURL(t))
	})
	if os.Getenv("CONTACTPOINT_TEST_POSTGRES") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CONTACTPOINT_TEST_POSTGRES is not set under CI: PostgreSQL tests would be skipped")
		}
		return
	}
	t.Run("postgres", func(t *testing.T) {
		f(t, PostgresURL(t))
	})
}

// MustOpen opens a new database at url with a test clock.
func MustOpen(tb testing.TB, url string, clock *Clock) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), url, store.Options{Keys: Keys(tb), Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Generated creates n children of the synthetic population with seed in
// db (open it with a clock at gen.DefaultToday) and returns them with
// their IDs.
func Generated(tb testing.TB, db *store.DB, n int, seed uint64) []*domain.Child {
	tb.Helper()
	var cs []*domain.Child
	if err := gen.People(gen.Config{Children: n, Seed: seed}, func(p *gen.Person) error {
		c := p.Clone().Child
		cs = append(cs, &c)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateChildren(context.Background(), cs, nil); err != nil {
		tb.Fatal(err)
	}
	return cs
}

// SQLiteURL names a SQLite file in the test's temporary directory.
func SQLiteURL(tb testing.TB) string {
	return "sqlite:" + filepath.Join(tb.TempDir(), "contactpoint.db")
}

// PostgresURL creates a PostgreSQL database for the test on the server named
// by CONTACTPOINT_TEST_POSTGRES and drops it when the test ends.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv("CONTACTPOINT_TEST_POSTGRES")
	if server == "" {
		tb.Fatal("CONTACTPOINT_TEST_POSTGRES is not set")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "cp_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
