package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/secret"
)

// openSQLite opens a new SQLite database in the test's temporary
// directory, its clock stopped at now, closed when the test ends.
func openSQLite(t *testing.T, now time.Time) *DB {
	t.Helper()
	keys, err := secret.New([]byte("test secret: 0123456789abcdefghijklmnopqrstuvwxyz"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "cp.db"), Options{Keys: keys, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestFlushForKeepsOrder checks the insert queue's selective writes: a
// statement about one child writes that child's queued rows, and with
// them the queued children, inserts before updates, so that the update of
// a child created in the same transaction is not lost when another
// child's update is written first.
func TestFlushForKeepsOrder(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	child := func(given string) *domain.Child {
		return &domain.Child{GivenNames: given, FamilyName: "Hill", Gender: domain.GenderFemale,
			DateOfBirth: domain.MustDate("2015-03-14"), AddressStatus: domain.AddressNone, LACode: "E08000019"}
	}
	x := child("Ann")
	if err := db.CreateChild(ctx, x); err != nil {
		t.Fatal(err)
	}

	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	y := child("Beth")
	y.ID = db.NewID()
	stamp := formatTime(tx.now)
	update := func(c *domain.Child, given string) {
		if err := tx.queue(ctx, updChildren, []any{string(c.ID), given, c.FamilyName, string(c.Gender),
			c.DateOfBirth.String(), "", string(c.AddressStatus), "", stamp}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.queue(ctx, insChildren, []any{string(y.ID), y.GivenNames, y.FamilyName, string(y.Gender), y.DateOfBirth.String(),
		"", string(y.AddressStatus), "", y.LACode, int64(1), stamp, stamp}); err != nil {
		t.Fatal(err)
	}
	if err := tx.queue(ctx, insFormerNames, []any{string(y.ID), 0, "Dale"}); err != nil {
		t.Fatal(err)
	}
	update(y, "Bethany")
	update(x, "Anna")
	// A statement about x in children: x's update goes out, and so must
	// y's insert, before y's update.
	var given string
	if err := tx.queryRowFor(ctx, []string{"children"}, []domain.ID{x.ID}, `SELECT given_names FROM children WHERE id = $1`, string(x.ID)).Scan(&given); err != nil {
		t.Fatal(err)
	}
	if given != "Anna" {
		t.Errorf("x given names in the transaction = %q; want Anna", given)
	}
	// former_names of y stays queued: nothing asked for it.
	if p := tx.queued.bySpec[insFormerNames]; p == nil || len(p.rows) != 1 {
		t.Errorf("former_names queue = %v; want y's row still queued", p)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id      domain.ID
		given   string
		version int64
		former  []string
	}{{x.ID, "Anna", 2, nil}, {y.ID, "Bethany", 2, []string{"Dale"}}} {
		got, err := db.Child(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if got.GivenNames != c.given || int64(got.Version) != c.version || len(got.FormerFamilyNames) != len(c.former) {
			t.Errorf("child %s: given %q version %d former %v; want %q, %d, %v", c.id, got.GivenNames, got.Version, got.FormerFamilyNames, c.given, c.version, c.former)
		}
	}
}
