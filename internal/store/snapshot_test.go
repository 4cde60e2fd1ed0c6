package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// keysOf are the query keys of a child's names and date of birth.
func keysOf(c *domain.Child) []string {
	return match.QueryKeys(match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, DateOfBirth: c.DateOfBirth})
}

func found(t *testing.T, db *store.DB, c *domain.Child) bool {
	t.Helper()
	cands, err := db.SearchCandidates(context.Background(), keysOf(c), 50)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(cands, func(x store.Candidate) bool { return x.ID == c.ID })
}

func newChild(given string) *domain.Child {
	return &domain.Child{GivenNames: given, FamilyName: "Quennell", Gender: domain.GenderFemale,
		DateOfBirth: domain.MustDate("2016-04-09"), LACode: "E08000035", AddressStatus: domain.AddressCurrent,
		Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "4 Kirk Lane", Town: "Leeds", Postcode: "LS6 3BT"}}}}
}

// TestSearchSnapshotSeesOwnWrites: a search reads the index in a snapshot
// kept open for the searches that follow, yet a child this process has
// just created is found by the very next search, and audit groups (every
// search writes one) leave the snapshot open.
func TestSearchSnapshotSeesOwnWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		cs := storetest.Generated(t, db, 20, 3)
		if !found(t, db, cs[4]) {
			t.Fatalf("child %s not found by its names and date of birth", cs[4].ID)
		}
		open, gen0 := store.SnapshotState(db)
		for i := 0; i < 5; i++ {
			if err := db.Audit(ctx, &domain.AuditEntry{UserID: "u-1", Action: domain.ActionSearch}); err != nil {
				t.Fatal(err)
			}
			if !found(t, db, cs[i]) {
				t.Fatalf("child %s not found", cs[i].ID)
			}
		}
		if o, g := store.SnapshotState(db); o != open || g != gen0 {
			t.Errorf("after audited searches: %d snapshots open, generation %d; want %d and %d (audits keep them)", o, g, open, gen0)
		}
		c := newChild("Marnie")
		if err := db.CreateChild(ctx, c); err != nil {
			t.Fatal(err)
		}
		if !found(t, db, c) {
			t.Errorf("a child created a moment ago (%s) is not found", c.ID)
		}
	})
}

// TestSearchSnapshotAge: a child another process creates is found once
// the snapshots open before it have aged out.
func TestSearchSnapshotAge(t *testing.T) {
	ctx := context.Background()
	url := storetest.SQLiteURL(t)
	clock := &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)}
	db := storetest.MustOpen(t, url, clock)
	other := storetest.MustOpen(t, url, clock)
	cs := storetest.Generated(t, db, 10, 4)
	if !found(t, db, cs[0]) {
		t.Fatalf("child %s not found", cs[0].ID)
	}
	if open, _ := store.SnapshotState(db); open != 1 {
		t.Fatalf("%d snapshots open after a search; want 1", open)
	}
	c := newChild("Tansy")
	if err := other.CreateChild(ctx, c); err != nil {
		t.Fatal(err)
	}
	time.Sleep(store.MaxSnapshotAge + 20*time.Millisecond)
	if !found(t, db, c) {
		t.Errorf("a child another process created %s ago is not found", store.MaxSnapshotAge+20*time.Millisecond)
	}
}
