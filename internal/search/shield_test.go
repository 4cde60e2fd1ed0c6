package search_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestShieldedChildCannotBeLocatedBySearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db := storetest.MustOpen(t, dbURL, storetest.NewClock())
		ids := load(t, db)
		svc := search.New(db)
		dm := &domain.User{ID: "u-dm", Username: "dm", Roles: []domain.Role{domain.RoleDataManager}, LACode: "E08000019"}
		otherDM := &domain.User{ID: "u-dm2", Username: "dm2", Roles: []domain.Role{domain.RoleDataManager}, LACode: "E08000035"}
		sh := &domain.Shield{Reason: "risk from a family member", ReviewOn: domain.DateOf(db.Now()).AddDays(90)}
		if err := db.Shield(context.Background(), ids["Muhammad"], sh, func(string) bool { return true }, &domain.AuditEntry{UserID: dm.ID}); err != nil {
			t.Fatal(err)
		}
		find := func(u *domain.User, q string) []search.Result {
			t.Helper()
			v, _ := url.ParseQuery(q)
			c, err := search.ParseCriteria(v)
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.Search(domain.NewContextWithUser(context.Background(), u), c)
			if err != nil {
				t.Fatal(err)
			}
			return res.Results
		}
		tests := []struct {
			name       string
			user       *domain.User
			query      string
			found      bool
			restricted bool
		}{
			{"postcode probe", practitioner, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10&postcode=LE1 5WW", false, false},
			{"postcode probe by another authority's data manager", otherDM, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10&postcode=LE1 5WW", false, false},
			{"wrong postcode probe", practitioner, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10&postcode=S10 1AA", false, false},
			{"name and birth date", practitioner, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10", true, true},
			{"name, birth date and gender", practitioner, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10&gender=male", true, true},
			{"ContactPoint ID", practitioner, "contactpoint_id=" + string(ids["Muhammad"]), true, true},
			{"own authority's data manager with postcode", dm, "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-10&postcode=LE1 5WW", true, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got *search.Result
				for _, r := range find(tt.user, tt.query) {
					if r.ID == ids["Muhammad"] {
						got = &r
					}
				}
				if (got != nil) != tt.found {
					t.Fatalf("found = %v; want %v", got != nil, tt.found)
				}
				if got == nil {
					return
				}
				if !got.Shielded {
					t.Errorf("result not marked shielded")
				}
				if hidden := got.Town == "" && got.District == ""; hidden != tt.restricted {
					t.Errorf("town %q district %q; want hidden %v", got.Town, got.District, tt.restricted)
				}
				if got.GivenNames != "Muhammad" || got.DateOfBirth != domain.MustDate("2014-02-10") || got.Gender != domain.GenderMale {
					t.Errorf("permitted fields missing: %+v", got)
				}
			})
		}
		// Unshielded children are still found by postcode.
		if rs := find(practitioner, "given_names=Jayden&family_name=Khan&date_of_birth=2017-06-02&postcode=B12 9QT"); len(rs) == 0 || rs[0].Town == "" {
			t.Errorf("unshielded child by postcode: %+v", rs)
		}
	})
}
