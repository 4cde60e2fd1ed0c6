package search_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func nhs(nine string) string { return nine + strconv.Itoa(domain.NHSCheckDigit(nine)) }

type kid struct {
	given, family, dob, gender, postcode string
	former                               []string
	oldPostcode                          string
	nhs                                  string
}

// family is a small directory where the hard cases live side by side: twins
// with sound-alike names, siblings, a common surname, a hyphenated surname
// and a former name.
var family = []kid{
	{"Oliver James", "Smith", "2015-03-14", "male", "S10 1AA", nil, "S2 4QP", nhs("943476591")},
	{"Amelia", "Smith", "2015-03-14", "female", "S10 1AA", nil, "", nhs("401023213")}, // Oliver's twin
	{"Jayden", "Khan", "2017-06-02", "male", "B12 9QT", nil, "", nhs("450557710")},    // twin of Jaydon
	{"Jaydon", "Khan", "2017-06-02", "male", "B12 9QT", nil, "", nhs("450557702")},    // twin of Jayden
	{"Elizabeth", "O'Neill-Wiśniewski", "2012-11-30", "female", "LS6 2DE", []string{"Brown"}, "", ""},
	{"William", "Smith", "2011-01-05", "male", "M1 1AE", nil, "", ""},
	{"Zoë", "Smyth", "2016-07-07", "female", "S10 1AA", nil, "", ""},
	{"Muhammad", "Patel", "2014-02-10", "male", "LE1 5WW", nil, "", ""},
}

func load(t *testing.T, db *store.DB) map[string]domain.ID {
	t.Helper()
	ids := map[string]domain.ID{}
	for _, k := range family {
		c := &domain.Child{GivenNames: k.given, FamilyName: k.family, FormerFamilyNames: k.former,
			Gender: domain.Gender(k.gender), DateOfBirth: domain.MustDate(k.dob), AddressStatus: domain.AddressCurrent,
			Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Town: "Sheffield", Postcode: k.postcode}, LACode: "E08000019"}}}
		if k.oldPostcode != "" {
			c.Addresses = append(c.Addresses, domain.ChildAddress{Address: domain.Address{Line1: "9 Low Road", Town: "Sheffield", Postcode: k.oldPostcode},
				LACode: "E08000019", From: domain.MustDate("2015-03-14"), To: domain.MustDate("2019-01-01")})
		}
		if k.nhs != "" {
			c.Identifiers = []domain.Identifier{{Kind: domain.IdentifierNHS, Source: "health", Value: k.nhs}}
		}
		if err := db.CreateChild(context.Background(), c); err != nil {
			t.Fatalf("create %s: %v", k.given, err)
		}
		ids[k.given] = c.ID
	}
	return ids
}

var practitioner = &domain.User{ID: "u-practitioner", Username: "pat", Roles: []domain.Role{domain.RolePractitioner}, LACode: "E08000019"}

func TestSearchFindsDespiteHowNamesAreWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db := storetest.MustOpen(t, dbURL, storetest.NewClock())
		ids := load(t, db)
		svc := search.New(db)
		ctx := domain.NewContextWithUser(context.Background(), practitioner)
		tests := []struct {
			name  string
			query string
			want  string // given name of the child that must come first
		}{
			{"exact", "given_names=Oliver&family_name=Smith&date_of_birth=2015-03-14", "Oliver James"},
			{"nickname", "given_names=Ollie&family_name=Smith&date_of_birth=2015-03-14", "Oliver James"},
			{"nickname Beth", "given_names=Beth&family_name=O'Neill-Wisniewski&date_of_birth=2012-11-30", "Elizabeth"},
			{"sound-alike surname", "given_names=Zoe&family_name=Smith&date_of_birth=2016-07-07", "Zoë"},
			{"case and accents", "given_names=ZOE&family_name=smyth&date_of_birth=2016-07-07", "Zoë"},
			{"punctuation", "given_names=Elizabeth&family_name=ONeill Wisniewski&date_of_birth=2012-11-30", "Elizabeth"},
			{"one part of a double-barrelled name", "given_names=Elizabeth&family_name=O Neill&date_of_birth=2012-11-30", "Elizabeth"},
			{"former family name", "given_names=Elizabeth&family_name=Brown&date_of_birth=2012-11-30", "Elizabeth"},
			{"typing error", "given_names=Muhammed&family_name=Patle&date_of_birth=2014-02-10", "Muhammad"},
			{"Mohammed spelling", "given_names=Mohammed&family_name=Patel&date_of_birth=2014-02-10", "Muhammad"},
			{"names swapped", "given_names=Patel&family_name=Muhammad&date_of_birth=2014-02-10", "Muhammad"},
			{"day and month transposed", "given_names=William&family_name=Smith&date_of_birth=2011-05-01", "William"},
			{"one day out", "given_names=William&family_name=Smith&date_of_birth=2011-01-06", "William"},
			{"day of birth wrong (fallback keys)", "given_names=Muhammad&family_name=Patel&date_of_birth=2014-02-20", "Muhammad"},
			{"Bill for William", "given_names=Bill&family_name=Smith&date_of_birth=2011-01-05", "William"},
			{"family, dob, gender, postcode", "family_name=Khan&date_of_birth=2017-06-02&gender=male&postcode=B12 9QT&given_names=Jaydon", "Jaydon"},
			{"given, dob, gender, postcode", "given_names=Amelia&date_of_birth=2015-03-14&gender=female&postcode=s101aa", "Amelia"},
			{"previous postcode", "given_names=Oliver&date_of_birth=2015-03-14&gender=male&postcode=S2 4QP", "Oliver James"},
			{"twin not confused", "given_names=Amelia&family_name=Smith&date_of_birth=2015-03-14", "Amelia"},
			{"NHS number", "nhs_number=" + nhs("450557710"), "Jayden"},
			{"NHS number beats a sound-alike twin", "nhs_number=" + nhs("450557702") + "&given_names=Jayden&family_name=Khan&date_of_birth=2017-06-02", "Jaydon"},
			{"ContactPoint ID", "contactpoint_id=" + strings.ToLower(ids["Zoë"].String()), "Zoë"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q, err := url.ParseQuery(strings.ReplaceAll(tt.query, "'", "%27"))
				if err != nil {
					t.Fatal(err)
				}
				c, err := search.ParseCriteria(q)
				if err != nil {
					t.Fatal(err)
				}
				res, err := svc.Search(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if res.TooMany || len(res.Results) == 0 {
					t.Fatalf("got %+v; want %s first", res, tt.want)
				}
				if got, want := res.Results[0].ID, ids[tt.want]; got != want {
					t.Errorf("first = %s %s (%.3f); want %s (%s); all %+v", res.Results[0].GivenNames, res.Results[0].FamilyName, res.Results[0].Score, tt.want, want, res.Results)
				}
				for i := 1; i < len(res.Results); i++ {
					if res.Results[i].Score > res.Results[i-1].Score {
						t.Errorf("results not ranked best first: %+v", res.Results)
					}
				}
			})
		}
	})
}

func TestSearchRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		db := storetest.MustOpen(t, dbURL, storetest.NewClock())
		svc := search.New(db)
		ctx := domain.NewContextWithUser(context.Background(), practitioner)
		tests := []struct {
			query, field, msg string
		}{
			{"family_name=Smith", "given_names", "add given name and date of birth"},
			{"given_names=Oliver&family_name=Smith", "date_of_birth", "add date of birth"},
			{"family_name=Smith&date_of_birth=2015-03-14&gender=male", "given_names", "add given name"},
			{"family_name=Smith&date_of_birth=2015-03-14&town=Sheffield", "town", "unknown search parameter"},
			{"given_names=A&family_name=B&date_of_birth=14/03/2015", "date_of_birth", "YYYY-MM-DD"},
			{"nhs_number=1234567890", "nhs_number", "not a valid NHS number"},
			{"contactpoint_id=123", "contactpoint_id", "not a ContactPoint ID"},
			{"given_names=" + strings.Repeat("a", 101) + "&family_name=B&date_of_birth=2015-01-01", "given_names", "too long"},
			{"given_names=A&given_names=B&family_name=B&date_of_birth=2015-01-01", "given_names", "give it once"},
			{"given_names=<script>&family_name=B&date_of_birth=2015-01-01", "given_names", "only letters"},
		}
		for _, tt := range tests {
			q, _ := url.ParseQuery(tt.query)
			c, err := search.ParseCriteria(q)
			if err == nil {
				_, err = svc.Search(ctx, c)
			}
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s: %v; want invalid %s saying %q", tt.query, err, tt.field, tt.msg)
			}
		}
		c, _ := search.ParseCriteria(url.Values{"given_names": {"Oliver"}, "family_name": {"Smith"}, "date_of_birth": {"2015-03-14"}})
		if _, err := svc.Search(context.Background(), c); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("no user: %v; want unauthorised", err)
		}
		admin := &domain.User{ID: "u-admin", Roles: []domain.Role{domain.RoleLAAdmin}, LACode: "E08000019"}
		if _, err := svc.Search(domain.NewContextWithUser(context.Background(), admin), c); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("la-admin: %v; want forbidden", err)
		}
	})
}

func TestTooManyAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, dbURL, storetest.NewClock())
		// Twelve children of the same name and birthday in one street.
		for i := 0; i < 12; i++ {
			c := &domain.Child{GivenNames: "Jack", FamilyName: "Jones", Gender: domain.GenderMale, DateOfBirth: domain.MustDate("2016-01-01"),
				AddressStatus: domain.AddressCurrent, Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: strconv.Itoa(i) + " Long Street", Postcode: "S1 1AA"}, LACode: "E08000019"}}}
			if err := db.CreateChild(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		svc := search.New(db)
		uctx := domain.NewContextWithUser(ctx, practitioner)
		c, _ := search.ParseCriteria(url.Values{"given_names": {"Jack"}, "family_name": {"Jones"}, "date_of_birth": {"2016-01-01"}})
		res, err := svc.Search(uctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !res.TooMany || len(res.Results) != 0 {
			t.Errorf("got %d results, too_many=%v; want none and too_many", len(res.Results), res.TooMany)
		}
		svc.MaxResults = 20
		res, err = svc.Search(uctx, c)
		if err != nil || res.TooMany || len(res.Results) != 12 {
			t.Fatalf("with 20 allowed: %d results, too_many=%v, %v; want 12", len(res.Results), res.TooMany, err)
		}
		entries, err := db.AuditEntries(ctx, domain.AuditFilter{UserID: practitioner.ID, Actions: []domain.Action{domain.ActionSearch}})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("audit entries = %d; want 2 searches", len(entries))
		}
		last := entries[0] // newest first
		if last.Detail["family_name"] != "Jones" {
			t.Errorf("audit detail %v does not hold the criteria", last.Detail)
		}
		returned, _ := last.Detail["returned"].([]any)
		if len(returned) != 12 {
			t.Errorf("audit detail returned %d IDs; want 12", len(returned))
		}
	})
}
