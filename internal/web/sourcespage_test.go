package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// disagreeingChild makes a child from a health record and links to it an
// education record that gives another family name.
func (f *fixture) disagreeingChild(tb testing.TB) domain.ID {
	tb.Helper()
	ctx := context.Background()
	for _, s := range []domain.Source{{Name: "health", Kind: domain.SourceHealth}, {Name: "education", Kind: domain.SourceEducation}} {
		if err := f.db.AddSource(ctx, &s); err != nil && domain.ErrorCode(err) != domain.EConflict {
			tb.Fatal(err)
		}
	}
	dob := domain.DateOf(f.clock.T).AddYears(-7)
	put := func(source, recordID, family string, link domain.ID) domain.ID {
		prov := domain.Provenance{Source: source}
		c := &domain.Child{GivenNames: "Lily", FamilyName: family, Gender: domain.GenderFemale, DateOfBirth: dob,
			AddressStatus: domain.AddressCurrent, LACode: la,
			Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "4 Mill Lane", Town: "Sheffield", Postcode: "S6 2BB"}, LACode: la, Provenance: prov}}}
		r, err := f.db.NewSourceRecord(source, recordID, "", "", c)
		if err != nil {
			tb.Fatal(err)
		}
		err = f.db.ImportBatch(ctx, source, nil, func(b *store.Batch) (map[string]any, error) {
			if link == "" {
				r.Explanation = &store.Explanation{Decision: "new-child"}
				return nil, b.Create(r)
			}
			r.Explanation = &store.Explanation{Decision: "link", Probability: 0.991, Against: link}
			return nil, b.Link(r, link)
		})
		if err != nil {
			tb.Fatal(err)
		}
		return r.ChildID
	}
	id := put("health", "H-LILY", "Jones", "")
	put("education", "E-LILY", "Smith", id)
	return id
}

func TestSourcesPage(t *testing.T) {
	f := newFixture(t)
	id := f.disagreeingChild(t)
	path := "/children/" + id.String() + "/sources"
	dm, du := f.signIn(t, domain.RoleDataManager)

	r := dm.get(path)
	want(t, r, http.StatusOK, "What each source says about Lily Jones", `id="shown"`, `id="sources"`,
		"2 source records: 1 disagrees with the record on family name.", "Matched: 99% likely the same child", "Made a new child", "S6 2BB")
	// One row per source record, health (first by precedence) first; the
	// differing family name is tagged in education's row alone.
	rows := strings.Split(r.body, `<tr class="govuk-table__row">`)[2:] // after the header row
	if len(rows) != 2 {
		t.Fatalf("source rows: got %d; want 2\n%s", len(rows), excerpt(r.body))
	}
	const tag = "Differs from the record"
	for i, tc := range []struct{ source, family string }{{"health", "Jones"}, {"education", "Smith"}} {
		row := rows[i]
		if !strings.Contains(row, `class="govuk-table__header">`+tc.source+"<br>") || !strings.Contains(row, tc.family) {
			t.Errorf("row %d: got %q; want %s saying %s", i, row, tc.source, tc.family)
		}
		if got, want := strings.Count(row, tag), map[string]int{"health": 0, "education": 1}[tc.source]; got != want {
			t.Errorf("%s row: got %d %q tags; want %d", tc.source, got, tag, want)
		}
	}
	if !strings.Contains(rows[1], "Smith<br><strong class=\"govuk-tag govuk-tag--red\">"+tag) {
		t.Errorf("education row: the tag is not on the family name\n%s", rows[1])
	}
	es, err := f.db.AuditEntries(t.Context(), domain.AuditFilter{ChildID: string(id), Actions: []domain.Action{domain.ActionView}})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].UserID != du.ID || es[0].Detail["view"] != "sources" {
		t.Errorf("audited: got %+v; want one view by %s with view=sources", es, du.ID)
	}

	t.Run("refused", func(t *testing.T) {
		pc, _ := f.signIn(t, domain.RolePractitioner)
		want(t, pc.get(path), http.StatusForbidden, "Your role does not include this part of ContactPoint")
		// A data manager of another authority: refused by the store.
		other := authtest.NewUser(t, f.auth, f.db, "E08000035", domain.RoleDataManager)
		oc := f.anon(t)
		sr := oc.post("/sign-in", url.Values{"username": {other.Username}, "password": {authtest.Password}, "pin": {authtest.PIN},
			"code": {authtest.Code(t, f.auth, other.Username)}})
		if sr.status != http.StatusSeeOther {
			t.Fatalf("sign in: status %d", sr.status)
		}
		r := oc.get(path)
		want(t, r, http.StatusForbidden, "Only a data manager of the child&#39;s local authority, or a national administrator, may see what each source says")
		wantNot(t, r, "Smith", "S6 2BB")
		if es, _ := f.db.AuditEntries(t.Context(), domain.AuditFilter{ChildID: string(id), Actions: []domain.Action{domain.ActionView}}); len(es) != 1 {
			t.Errorf("views audited after refusals: got %d; want 1", len(es))
		}
		want(t, dm.get("/children/CP-0000-0000-0000/sources"), http.StatusNotFound)
	})
	t.Run("links", func(t *testing.T) {
		link := `href="/children/` + f.kid.ID.String() + `/sources"`
		dm.giveReason(f.kid.ID)
		want(t, dm.get("/children/"+f.kid.ID.String()), http.StatusOK, link, "What each source says")
		pc, _ := f.signIn(t, domain.RolePractitioner)
		pc.giveReason(f.kid.ID)
		wantNot(t, pc.get("/children/"+f.kid.ID.String()), link, "What each source says")
		item := f.holdRecord(t, "H-REVIEW")
		want(t, dm.get("/manage/review/"+item), http.StatusOK, link)
		// A child no source has sent.
		want(t, dm.get("/children/"+f.kid.ID.String()+"/sources"), http.StatusOK, "No source system has sent a record of this child.")
	})
}

func TestSourcesSummary(t *testing.T) {
	v := func(d store.Differs) store.SourceView { return store.SourceView{Differs: d} }
	for _, tc := range []struct {
		vs   []store.SourceView
		want string
	}{
		{nil, "No source system has sent a record of this child."},
		{[]store.SourceView{v(store.Differs{})}, "1 source record: it agrees with the record."},
		{[]store.SourceView{v(store.Differs{}), v(store.Differs{})}, "2 source records: all agree with the record."},
		{[]store.SourceView{v(store.Differs{}), v(store.Differs{FamilyName: true})}, "2 source records: 1 disagrees with the record on family name."},
		{[]store.SourceView{v(store.Differs{}), v(store.Differs{GivenNames: true, Gender: true}), v(store.Differs{DateOfBirth: true})},
			"3 source records: 2 disagree with the record on given names, date of birth and gender."},
	} {
		if got := sourcesSummary(tc.vs); got != tc.want {
			t.Errorf("sourcesSummary(%d records): got %q; want %q", len(tc.vs), got, tc.want)
		}
	}
}
