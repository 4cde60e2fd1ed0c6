package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// fullChild returns a child carrying every item the directory may hold.
func fullChild() *domain.Child {
	nhs := "943476591"
	nhs += strconv.Itoa(domain.NHSCheckDigit(nhs))
	upn := "201401234567"
	upn = string(domain.UPNCheckLetter(upn)) + upn
	contact := domain.Contact{Phone: "01632 960123", Email: "office@school.example.org",
		Address: domain.Address{Line1: "1 School Lane", Town: "Sheffield", Postcode: "S1 2AB"}}
	return &domain.Child{
		GivenNames: "Zoë Amelia", FamilyName: "O'Neill-Wiśniewski", FormerFamilyNames: []string{"Smith", "Jones"},
		Gender: domain.GenderFemale, DateOfBirth: domain.MustDate("2015-03-14"),
		AddressStatus: domain.AddressCurrent,
		Addresses: []domain.ChildAddress{
			{Address: domain.Address{Line1: "12 Acacia Avenue", Line2: "Flat 2", Town: "Sheffield", Postcode: "S10 1AA"}, LACode: "E08000019", From: domain.MustDate("2020-01-01")},
			{Address: domain.Address{Line1: "3 Old Road", Town: "Leeds", Postcode: "LS1 1AA"}, LACode: "E08000035", From: domain.MustDate("2015-03-14"), To: domain.MustDate("2019-12-31")},
		},
		Parents: []domain.Parent{
			{Name: "Mary O'Neill", Relationship: "mother", ParentalResponsibility: true, Contact: domain.Contact{Phone: "07700 900123", Email: "mary@example.org"}},
			{Name: "Piotr Wiśniewski", Relationship: "step-father", Contact: domain.Contact{Phone: "07700 900456"}},
		},
		Education: []domain.EducationSetting{
			{Name: "Hillside Primary School", URN: "123456", Contact: contact, Start: domain.MustDate("2019-09-01")},
			{HomeEducated: true, Start: domain.MustDate("2018-09-01"), End: domain.MustDate("2019-07-20")},
		},
		Health: []domain.HealthProvider{{Name: "Broomhill Surgery", ODSCode: "C88001", Contact: domain.Contact{Phone: "0114 496 0000"}, Start: domain.MustDate("2015-04-01")}},
		Involvements: []domain.Involvement{
			{Service: domain.ServiceSocialCare, Organisation: "Sheffield Children's Services", PractitionerName: "Sam Taylor", Role: "social worker", Contact: domain.Contact{Phone: "0114 496 0123", Email: "sam.taylor@sheffield.example.gov.uk"}, Start: domain.MustDate("2026-01-05")},
			{Service: domain.ServiceCAMHS, Organisation: "Sheffield CAMHS", Start: domain.MustDate("2025-01-05"), End: domain.MustDate("2026-06-30")},
		},
		LeadProfessionals: []domain.LeadProfessional{
			{Name: "Sam Taylor", Organisation: "Sheffield Children's Services", Role: "social worker", Contact: domain.Contact{Phone: "0114 496 0123"}, Start: domain.MustDate("2026-01-05")},
			{Name: "Jo Green", Organisation: "Hillside Primary School", Start: domain.MustDate("2025-01-05"), End: domain.MustDate("2026-01-04")},
		},
		CAFs: []domain.CAF{{Undertaken: domain.MustDate("2025-11-01"), HolderName: "Jo Green", Organisation: "Hillside Primary School", Contact: domain.Contact{Phone: "0114 496 0999"}}},
		Identifiers: []domain.Identifier{
			{Kind: domain.IdentifierNHS, Source: "health", Value: nhs},
			{Kind: domain.IdentifierUPN, Source: "education", Value: upn},
			{Kind: domain.IdentifierSourceRecord, Source: "health", Value: "H-000123"},
		},
	}
}

func TestChildRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		in := fullChild()
		nhs := in.Identifiers[0].Value
		if err := db.CreateChild(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := domain.ParseID("id", string(in.ID)); err != nil {
			t.Fatalf("new ID %q does not validate: %v", in.ID, err)
		}
		if got, want := in.LACode, "E08000019"; got != want {
			t.Errorf("responsible LA = %q; want %q (the current address's)", got, want)
		}
		out, err := db.Child(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Identifiers come back without values; everything else as stored.
		if got, want := len(out.Identifiers), 3; got != want {
			t.Fatalf("identifiers = %d; want %d", got, want)
		}
		for _, idf := range out.Identifiers {
			if idf.Value != "" {
				t.Errorf("identifier %s from %s came back in clear", idf.Kind, idf.Source)
			}
		}
		want := *in
		want.Identifiers, out.Identifiers = nil, nil
		normaliseTimes(&want)
		normaliseTimes(out)
		if !reflect.DeepEqual(&want, out) {
			t.Errorf("round trip differs:\n got %+v\nwant %+v", out, &want)
		}

		// Only the supplying source sees its identifiers, and in clear.
		ids, err := db.SourceIdentifiers(ctx, in.ID, "health")
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0].Value != nhs || ids[1].Value != "H-000123" {
			t.Errorf("health's identifiers = %+v; want its NHS number and record ID", ids)
		}
		found, err := db.ChildrenByIdentifier(ctx, domain.IdentifierNHS, nhs)
		if err != nil || len(found) != 1 || found[0] != in.ID {
			t.Errorf("ChildrenByIdentifier = %v, %v; want [%s]", found, err, in.ID)
		}
	})
}

// normaliseTimes drops sub-microsecond precision and zones, as the store does.
func normaliseTimes(c *domain.Child) {
	r := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
	c.CreatedAt, c.UpdatedAt = r(c.CreatedAt), r(c.UpdatedAt)
	for i := range c.Addresses {
		c.Addresses[i].Recorded = r(c.Addresses[i].Recorded)
	}
	for i := range c.Parents {
		c.Parents[i].Recorded = r(c.Parents[i].Recorded)
	}
	for i := range c.Education {
		c.Education[i].Recorded = r(c.Education[i].Recorded)
	}
	for i := range c.Health {
		c.Health[i].Recorded = r(c.Health[i].Recorded)
	}
	for i := range c.Involvements {
		c.Involvements[i].Recorded = r(c.Involvements[i].Recorded)
	}
	for i := range c.LeadProfessionals {
		c.LeadProfessionals[i].Recorded = r(c.LeadProfessionals[i].Recorded)
	}
	for i := range c.CAFs {
		c.CAFs[i].Recorded = r(c.CAFs[i].Recorded)
	}
}

// TestIdentifiersNeverInClear reads every text column of the identifiers
// table and checks no identifier appears.
func TestIdentifiersNeverInClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		c := fullChild()
		var clear []string
		for _, idf := range c.Identifiers {
			clear = append(clear, idf.Value)
		}
		if err := db.CreateChild(ctx, c); err != nil {
			t.Fatal(err)
		}
		raw := rawDB(t, url)
		rows, err := raw.Query(`SELECT kind, source, hash, sealed FROM identifiers`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var k, s, h, sealed string
			if err := rows.Scan(&k, &s, &h, &sealed); err != nil {
				t.Fatal(err)
			}
			n++
			for _, v := range clear {
				if strings.Contains(h+sealed, v) {
					t.Errorf("identifier %q stored in clear", v)
				}
			}
		}
		if n != 3 {
			t.Errorf("identifier rows = %d; want 3", n)
		}
	})
}

func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if strings.HasPrefix(url, "sqlite:") {
		driver, dsn = "sqlite", strings.TrimPrefix(url, "sqlite:")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestCreateChildRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock()) // today is 2026-11-24
		tests := []struct {
			name  string
			edit  func(*domain.Child)
			field string
		}{
			{"born in the future", func(c *domain.Child) { c.DateOfBirth = domain.MustDate("2026-11-25") }, "date_of_birth"},
			{"18 today", func(c *domain.Child) { c.DateOfBirth = domain.MustDate("2008-11-24") }, "date_of_birth"},
			{"no given name", func(c *domain.Child) { c.GivenNames = " " }, "given_names"},
			{"bad NHS number", func(c *domain.Child) { c.Identifiers[0].Value = "9434765918" }, "nhs_number"},
			{"bad UPN", func(c *domain.Child) { c.Identifiers[1].Value = "A201401234567" }, "upn"},
			{"bad postcode", func(c *domain.Child) { c.Addresses[0].Postcode = "NOT A PC" }, "addresses.postcode"},
			{"two current lead professionals", func(c *domain.Child) { c.LeadProfessionals[1].End = domain.Date{} }, "lead_professional"},
			{"unknown service", func(c *domain.Child) { c.Involvements[0].Service = "astrology" }, "involvements.service"},
			{"end before start", func(c *domain.Child) { c.Health[0].End = domain.MustDate("2010-01-01") }, "health.end"},
			{"note smuggled in a name", func(c *domain.Child) { c.FamilyName = "Smith\nknown to police" }, "family_name"},
			{"bad LA", func(c *domain.Child) { c.Addresses[0].LACode = "E99999999" }, "addresses.la_code"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := fullChild()
				tt.edit(c)
				err := db.CreateChild(ctx, c)
				if got := domain.ErrorCode(err); got != domain.EInvalid {
					t.Fatalf("code = %q (%v); want invalid", got, err)
				}
				if got := domain.ErrorField(err); got != tt.field {
					t.Errorf("field = %q; want %q (%v)", got, tt.field, err)
				}
			})
		}
	})
}

func TestDuplicateIDConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		a := fullChild()
		if err := db.CreateChild(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := fullChild()
		b.ID = a.ID
		if got := domain.ErrorCode(db.CreateChild(ctx, b)); got != domain.EConflict {
			t.Errorf("code = %q; want conflict", got)
		}
		if _, err := db.Child(ctx, domain.NewID()); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown child: %v; want not found", err)
		}
	})
}

func TestOpenRefusesOtherSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		db.Close()
		other, err := secretKeyring("another secret of enough length 0123456789")
		if err != nil {
			t.Fatal(err)
		}
		if db, err := store.Open(ctx, url, store.Options{Keys: other}); err == nil {
			db.Close()
			t.Fatal("opened a database with a different server secret")
		} else if !strings.Contains(err.Error(), "different server secret") {
			t.Errorf("error = %v; want it to say the secret differs", err)
		}
	})
}

func TestSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		s := &domain.Source{Name: "health", Kind: domain.SourceHealth, Organisation: "NHS"}
		for i := 0; i < 2; i++ { // idempotent
			if err := db.AddSource(ctx, &domain.Source{Name: s.Name, Kind: s.Kind, Organisation: s.Organisation}); err != nil {
				t.Fatalf("add %d: %v", i, err)
			}
		}
		if err := db.AddSource(ctx, &domain.Source{Name: "health", Kind: domain.SourceEducation}); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("same name, other kind: %v; want conflict", err)
		}
		if err := db.AddSource(ctx, &domain.Source{Name: "Bad Name", Kind: domain.SourceHealth}); domain.ErrorField(err) != "name" {
			t.Errorf("bad name: %v; want invalid name", err)
		}
		all, err := db.Sources(ctx)
		if err != nil || len(all) != 1 || all[0].Kind != domain.SourceHealth {
			t.Errorf("Sources = %+v, %v; want one health source", all, err)
		}
	})
}

// TestIDCollisionDrawsAgain: among millions of children random IDs meet;
// a new child whose drawn ID is taken gets another, on both databases.
func TestIDCollisionDrawsAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		first := fullChild()
		if err := db.CreateChild(ctx, first); err != nil {
			t.Fatal(err)
		}
		draws := 0
		db.NewID = func() domain.ID {
			draws++
			if draws == 1 {
				return first.ID // taken
			}
			return domain.NewID()
		}
		second := fullChild()
		second.Identifiers = nil
		if err := db.CreateChild(ctx, second); err != nil {
			t.Fatal(err)
		}
		if second.ID == first.ID || draws != 2 {
			t.Errorf("second child got %s after %d draws; want a fresh ID on the second draw", second.ID, draws)
		}
		if _, err := db.Child(ctx, second.ID); err != nil {
			t.Errorf("second child not stored: %v", err)
		}
	})
}
