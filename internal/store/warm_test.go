package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestWarmSearchIndex: the read of the search's tables counts every child's
// blocking keys and match data.
func TestWarmSearchIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		cs := storetest.Generated(t, db, 30, 5)
		want := 0
		for _, c := range cs {
			r := match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, FormerFamilyNames: c.FormerFamilyNames,
				DateOfBirth: c.DateOfBirth, Gender: c.Gender}
			for _, a := range c.Addresses {
				if a.Postcode != "" {
					r.Postcodes = append(r.Postcodes, a.Postcode)
				}
			}
			want += len(match.Keys(r))
		}
		keys, children, err := db.WarmSearchIndex(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if children != int64(len(cs)) {
			t.Errorf("match data of %d children; want %d", children, len(cs))
		}
		// Identifier keys come on top of the name, date and postcode keys.
		if keys < int64(want) {
			t.Errorf("%d blocking keys; want at least the %d of names, dates and postcodes", keys, want)
		}
	})
}

// TestCandidatesCarryFlags: Candidates reads each candidate's shielding
// and authority from the children table, after its match data (whose
// decoding resets them), so a shielded child is never returned as
// unshielded to import or to a search.
func TestCandidatesCarryFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		cs := storetest.Generated(t, db, 5, 9)
		c := cs[2]
		sh := &domain.Shield{Reason: "risk from a family member", ReviewOn: domain.DateOf(db.Now()).AddDays(90)}
		if err := db.Shield(ctx, c.ID, sh, func(string) bool { return true }, &domain.AuditEntry{UserID: "u-dm"}); err != nil {
			t.Fatal(err)
		}
		keys := match.QueryKeys(match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, DateOfBirth: c.DateOfBirth})
		cands, err := db.Candidates(ctx, keys, 50)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, cd := range cands {
			if cd.ID != c.ID {
				continue
			}
			found = true
			if !cd.Shielded || cd.LACode != c.LACode || cd.GivenNames != c.GivenNames {
				t.Errorf("candidate shielded=%v la=%q given=%q; want shielded, %q, %q", cd.Shielded, cd.LACode, cd.GivenNames, c.LACode, c.GivenNames)
			}
		}
		if !found {
			t.Fatalf("%s %s not among the candidates of its own names and date of birth", c.GivenNames, c.FamilyName)
		}
	})
}
