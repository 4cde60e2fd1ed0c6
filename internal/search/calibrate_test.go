package search_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestCalibrate checks that a calibrated search takes its prior from the
// directory's size and weighs exact names by how common they are.
func TestCalibrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, dbURL, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		cs := storetest.Generated(t, db, 1500, 3)
		// The commonest first given name among them, and one child who
		// has it.
		counts := map[string]int{}
		for _, c := range cs {
			g, _ := match.NameKeys(c.GivenNames, c.FamilyName)
			counts[g]++
		}
		var common *domain.Child
		for _, c := range cs {
			g, _ := match.NameKeys(c.GivenNames, c.FamilyName)
			if common == nil || counts[g] > counts[first(common)] {
				common = c
			}
		}
		svc := search.New(db)
		svc.Model.TermFrequency = true
		uctx := domain.NewContextWithUser(ctx, practitioner)
		// Given name, date of birth, gender and postcode: the given name
		// carries weight the family name would otherwise share.
		crit, err := search.ParseCriteria(url.Values{"given_names": {common.GivenNames}, "date_of_birth": {common.DateOfBirth.String()},
			"gender": {string(common.Gender)}, "postcode": {common.Addresses[0].Postcode}})
		if err != nil {
			t.Fatal(err)
		}
		score := func() float64 {
			t.Helper()
			res, err := svc.Search(uctx, crit)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Results {
				if r.ID == common.ID {
					return r.Score
				}
			}
			t.Fatalf("%s not found: %+v", common.ID, res)
			return 0
		}
		if prior, n := svc.Calibrated(); prior != 1e-5 || n != 0 {
			t.Errorf("before calibrating: prior %v, children %d; want 1e-5 and 0", prior, n)
		}
		plain := score()
		// 1,500 children keep New's prior (10 over 1,500 is above it):
		// only the name's frequency changes the score.
		if err := svc.Calibrate(ctx); err != nil {
			t.Fatal(err)
		}
		if prior, n := svc.Calibrated(); prior != 1e-5 || n != len(cs) {
			t.Errorf("calibrated: prior %v, children %d; want 1e-5 and %d", prior, n, len(cs))
		}
		tf := score()
		if !(tf < plain) {
			t.Errorf("%s (%d of 1,500 children have the first name) scored %v plain, %v weighed by frequency; want lower",
				common.GivenNames, counts[first(common)], plain, tf)
		}
		// A directory larger than ExpectedMatches/Prior lowers the prior.
		svc.ExpectedMatches = 0.001
		if err := svc.Calibrate(ctx); err != nil {
			t.Fatal(err)
		}
		if prior, _ := svc.Calibrated(); prior != 0.001/float64(len(cs)) {
			t.Errorf("calibrated: prior %v; want %v", prior, 0.001/float64(len(cs)))
		}
		if low := score(); !(low < tf) {
			t.Errorf("scored %v with the lower prior, %v before; want lower", low, tf)
		}
		m := match.DefaultModel()
		v := match.Compare(match.Record{GivenNames: common.GivenNames}, match.Record{GivenNames: common.GivenNames})
		unadjusted := m.MatchWeight(v)
		v.TF[match.FieldGiven] = float64(counts[first(common)]) / float64(len(cs))
		if adj := m.MatchWeight(v); !(adj < unadjusted) {
			t.Errorf("the commonest name's weight %v is not below the plain %v: the test's premise fails", adj, unadjusted)
		}
	})
}

func first(c *domain.Child) string {
	g, _ := match.NameKeys(c.GivenNames, c.FamilyName)
	return g
}
