package store_test

import (
	"context"
	"testing"
	"time"

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
