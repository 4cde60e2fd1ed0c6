package search_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
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

// TestArchivedChildNotFoundWhateverTheIndex marks a child archived behind
// the store's back, leaving its index entries in place: search reads the
// index alone and must still leave the child out, by name or identifier.
func TestArchivedChildNotFoundWhateverTheIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db := storetest.MustOpen(t, dbURL, storetest.NewClock())
		ids := load(t, db)
		raw := rawDB(t, dbURL)
		if _, err := raw.Exec(`UPDATE children SET archived_on = '2026-11-01' WHERE id = $1`, string(ids["Jayden"])); err != nil {
			t.Fatal(err)
		}
		svc := search.New(db)
		ctx := domain.NewContextWithUser(context.Background(), practitioner)
		for _, q := range []string{
			"given_names=Jayden&family_name=Khan&date_of_birth=2017-06-02",
			"given_names=Jayden&family_name=Khan&date_of_birth=2017-06-02&postcode=B12 9QT",
			"nhs_number=" + nhs("450557710"),
			"contactpoint_id=" + string(ids["Jayden"]),
		} {
			v, _ := url.ParseQuery(q)
			c, err := search.ParseCriteria(v)
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.Search(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Results {
				if r.ID == ids["Jayden"] {
					t.Errorf("%s: found the archived child", q)
				}
			}
			if strings.HasPrefix(q, "given_names") && (len(res.Results) == 0 || res.Results[0].ID != ids["Jaydon"]) {
				t.Errorf("%s: results %+v; want his twin Jaydon first", q, res.Results)
			}
		}
	})
}

// rawDB opens the test database behind the store's back.
func rawDB(t *testing.T, dbURL string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", dbURL
	if strings.HasPrefix(dbURL, "sqlite:") {
		driver, dsn = "sqlite", strings.TrimPrefix(dbURL, "sqlite:")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
