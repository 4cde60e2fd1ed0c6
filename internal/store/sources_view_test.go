package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestChildSources links three records to one child: health's first, then
// education's, which gives another family name, then a second health
// source's, which agrees but for case. The view lists them in precedence order (health
// kinds before education, and of the two health records the newer
// first), flags only education's family name, and is for the child's
// authority's data managers and national admins alone, audited.
func TestChildSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		for _, s := range []domain.Source{
			{Name: "health", Kind: domain.SourceHealth},
			{Name: "education", Kind: domain.SourceEducation},
			{Name: "gp", Kind: domain.SourceHealth},
		} {
			if err := db.AddSource(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		h := record(t, db, "health", "H1", feedChild("health", "Amelia", "Jones", "2012-11-30", "LS2 7EW"))
		put(t, db, h, "", false)
		id := h.ChildID
		clock.Add(time.Hour)
		// Newer than health's, but education ranks below health.
		e := record(t, db, "education", "E1", feedChild("education", "Amelia", "Smith", "2012-11-30", "LS2 7EW"))
		e.Explanation = &store.Explanation{Decision: "link", Probability: 0.97, Against: id, Rule: "test rule"}
		put(t, db, e, id, false)
		clock.Add(time.Hour)
		g := record(t, db, "gp", "G1", feedChild("gp", "AMELIA", "JONES", "2012-11-30", "LS6 1AA"))
		g.Explanation = &store.Explanation{Decision: store.DecideLink, DecidedBy: "dm-leeds", ReviewItem: "item-1"}
		put(t, db, g, id, false)

		const la = "E08000035" // Leeds: feedChild's authority
		dm := &domain.User{ID: "dm-leeds", Roles: []domain.Role{domain.RoleDataManager}, LACode: la}
		got, err := db.ChildSources(domain.NewContextWithUser(ctx, dm), id)
		if err != nil {
			t.Fatal(err)
		}
		// Shown from the newest health record; health's differs only in case.
		if got.Child.GivenNames != "AMELIA" || got.Child.FamilyName != "JONES" || got.Child.LACode != la {
			t.Errorf("shown: got %q %q of %s; want AMELIA JONES of %s", got.Child.GivenNames, got.Child.FamilyName, got.Child.LACode, la)
		}
		var order []string
		for _, s := range got.Sources {
			order = append(order, s.Source)
		}
		if want := []string{"gp", "health", "education"}; !slices.Equal(order, want) {
			t.Fatalf("sources: got %v; want %v", order, want)
		}
		for _, s := range got.Sources {
			want := store.Differs{FamilyName: s.Source == "education"}
			if s.Differs != want {
				t.Errorf("%s differs: got %+v; want %+v", s.Source, s.Differs, want)
			}
			if got, want := s.Differs.Any(), s.Source == "education"; got != want {
				t.Errorf("%s differs at all: got %v; want %v", s.Source, got, want)
			}
		}
		wantExpl := []*store.Explanation{
			{Decision: store.DecideLink, DecidedBy: "dm-leeds", ReviewItem: "item-1"},
			nil, // created without one
			{Decision: "link", Probability: 0.97, Against: id, Rule: "test rule"},
		}
		for i, s := range got.Sources {
			w := wantExpl[i]
			switch {
			case w == nil && s.Explanation != nil:
				t.Errorf("%s explanation: got %+v; want none", s.Source, s.Explanation)
			case w != nil && (s.Explanation == nil || s.Explanation.Decision != w.Decision || s.Explanation.Probability != w.Probability ||
				s.Explanation.Against != w.Against || s.Explanation.Rule != w.Rule || s.Explanation.DecidedBy != w.DecidedBy || s.Explanation.ReviewItem != w.ReviewItem):
				t.Errorf("%s explanation: got %+v; want %+v", s.Source, s.Explanation, w)
			}
		}
		edu := got.Sources[2]
		if edu.FamilyName != "Smith" || edu.Kind != domain.SourceEducation || edu.LACode != la || !slices.Equal(edu.Postcodes, []string{"LS2 7EW"}) {
			t.Errorf("education: got %q, %s, %s, %v; want Smith, education, %s, [LS2 7EW]", edu.FamilyName, edu.Kind, edu.LACode, edu.Postcodes, la)
		}
		if want := clock.T.Add(-time.Hour); !edu.ReceivedAt.Equal(want) || !edu.UpdatedAt.Equal(want) {
			t.Errorf("education received %v, updated %v; want both %v", edu.ReceivedAt, edu.UpdatedAt, want)
		}
		if !got.Sources[0].UpdatedAt.After(got.Sources[1].UpdatedAt) {
			t.Errorf("health kinds: gp updated %v, health %v; want the newer first", got.Sources[0].UpdatedAt, got.Sources[1].UpdatedAt)
		}

		views := func() []domain.AuditEntry {
			t.Helper()
			es, err := db.AuditEntries(ctx, domain.AuditFilter{ChildID: string(id), Actions: []domain.Action{domain.ActionView}})
			if err != nil {
				t.Fatal(err)
			}
			return es
		}
		es := views()
		if len(es) != 1 {
			t.Fatalf("views audited: got %d; want 1", len(es))
		}
		if es[0].UserID != dm.ID || es[0].LACode != la || es[0].Detail["view"] != "sources" {
			t.Errorf("audit entry: got user %q, la %q, detail %v; want %s, %s, view=sources", es[0].UserID, es[0].LACode, es[0].Detail, dm.ID, la)
		}

		for _, tc := range []struct {
			name string
			user *domain.User
			want string
		}{
			{"another authority's data manager", &domain.User{ID: "dm-sheffield", Roles: []domain.Role{domain.RoleDataManager}, LACode: "E08000019"}, domain.EForbidden},
			{"the authority's practitioner", &domain.User{ID: "pc-leeds", Roles: []domain.Role{domain.RolePractitioner}, LACode: la}, domain.EForbidden},
			{"the authority's administrator", &domain.User{ID: "la-leeds", Roles: []domain.Role{domain.RoleLAAdmin}, LACode: la}, domain.EForbidden},
			{"a national admin", &domain.User{ID: "na", Roles: []domain.Role{domain.RoleNationalAdmin}}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := len(views())
				_, err := db.ChildSources(domain.NewContextWithUser(ctx, tc.user), id)
				if got := domain.ErrorCode(err); got != tc.want {
					t.Fatalf("got %q (%v); want %q", got, err, tc.want)
				}
				wantViews := before
				if tc.want == "" {
					wantViews++
				}
				if got := len(views()); got != wantViews {
					t.Errorf("views audited: got %d; want %d", got, wantViews)
				}
			})
		}
		if _, err := db.ChildSources(domain.NewContextWithUser(ctx, dm), "CP0000000"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown child: got %v; want ENotFound", err)
		}

		// Shielded: whereabouts are for the authority's data managers.
		sh := &domain.Shield{Reason: "Court order", ReviewOn: domain.DateOf(clock.T).AddDays(30)}
		if err := db.Shield(ctx, id, sh, func(string) bool { return true }, &domain.AuditEntry{UserID: dm.ID}); err != nil {
			t.Fatal(err)
		}
		na := &domain.User{ID: "na", Roles: []domain.Role{domain.RoleNationalAdmin}}
		got, err = db.ChildSources(domain.NewContextWithUser(ctx, na), id)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Sources[2]; !got.Shielded || !s.Withheld || s.Postcodes != nil || s.LACode != "" || !s.Differs.FamilyName {
			t.Errorf("shielded, as a national admin: got shielded %v, withheld %v, postcodes %v, la %q, differs %+v; want withheld, no whereabouts, family name differs",
				got.Shielded, s.Withheld, s.Postcodes, s.LACode, s.Differs)
		}
		got, err = db.ChildSources(domain.NewContextWithUser(ctx, dm), id)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Sources[2]; s.Withheld || len(s.Postcodes) != 1 {
			t.Errorf("shielded, as the data manager: got withheld %v, postcodes %v; want the postcode", s.Withheld, s.Postcodes)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("audit: %v", err)
		}
	})
}
