package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// holdRecord holds a health record that might be the fixture's child for
// a data manager's review, and returns the review item's ID.
func (f *fixture) holdRecord(tb testing.TB, recordID string) string {
	tb.Helper()
	ctx := context.Background()
	src := domain.Source{Name: "health", Kind: domain.SourceHealth}
	if err := f.db.AddSource(ctx, &src); err != nil && domain.ErrorCode(err) != domain.EConflict {
		tb.Fatal(err)
	}
	prov := domain.Provenance{Source: "health"}
	c := &domain.Child{GivenNames: "Rose", FamilyName: "O'Neill", Gender: domain.GenderFemale, DateOfBirth: f.kid.DateOfBirth,
		AddressStatus: domain.AddressCurrent, LACode: la,
		Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Town: "Sheffield", Postcode: "S10 1AA"}, LACode: la, Provenance: prov}}}
	r, err := f.db.NewSourceRecord("health", recordID, "", "", c)
	if err != nil {
		tb.Fatal(err)
	}
	cand := store.ReviewCandidate{ChildID: f.kid.ID, Probability: 0.82, Weight: 9.3, Decision: "review", Fields: []store.FieldComparison{
		{Field: "given", Level: 3, Weight: 2.1}, {Field: "family", Level: 1, Weight: 6.0}, {Field: "dob", Level: 1, Weight: 8.2},
		{Field: "gender", Level: 1, Weight: 1.0}, {Field: "postcode", Level: 1, Weight: 5.5}, {Field: "identifier", Level: 0, Weight: 0},
	}}
	err = f.db.ImportBatch(ctx, "health", nil, func(b *store.Batch) (map[string]any, error) {
		return nil, b.Hold(r, &store.ReviewItem{Reason: "possible match", Candidates: []store.ReviewCandidate{cand}})
	})
	if err != nil {
		tb.Fatal(err)
	}
	items, err := f.db.ReviewList(ctx, la)
	if err != nil {
		tb.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == recordID {
			return it.ID
		}
	}
	tb.Fatalf("record %s was not held", recordID)
	return ""
}

// newChild adds a bare child of the fixture's authority.
func (f *fixture) newChild(tb testing.TB, given, family string, dob domain.Date) *domain.Child {
	tb.Helper()
	c := &domain.Child{GivenNames: given, FamilyName: family, Gender: domain.GenderMale, DateOfBirth: dob, AddressStatus: domain.AddressNone, LACode: la}
	if err := f.db.CreateChild(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

func dateForm(name string, d domain.Date) url.Values {
	return url.Values{name + "-day": {itoa(d.Day())}, name + "-month": {itoa(int(d.Month()))}, name + "-year": {itoa(d.Year())}}
}

func merge(a url.Values, b url.Values) url.Values {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func TestReviewQueue(t *testing.T) {
	f := newFixture(t)
	c, dm := f.signIn(t, domain.RoleDataManager)
	want(t, c.get("/manage/review"), http.StatusOK, "<h1 class=\"govuk-heading-l\">Review queue</h1>", "There are no records waiting for review")

	item := f.holdRecord(t, "H1")
	r := c.get("/manage/review")
	want(t, r, http.StatusOK, "1 held record", "Rose O&#39;Neill", "health", "possible match", `href="/manage/review/`+item+`"`)

	t.Run("item", func(t *testing.T) {
		r := c.get("/manage/review/" + item)
		want(t, r, http.StatusOK, "Is this a child ContactPoint already holds?", "What the health record says", "Amelia Rose O&#39;Neill",
			"82%", "Matches another given name", "Same date", "Same current postcode", "No identifier of the same kind on both sides",
			"&#43;8.2", "&#43;0.0", "S10 1AA", "Link to this child", "Not a match", "Create a new child", "govuk-tag--green")
		wantNot(t, r, `name="la_code"`) // the record names its authority
	})
	t.Run("errors", func(t *testing.T) {
		r := c.post("/manage/review/"+item, url.Values{})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Choose what to do with this record", `href="#decision"`)
		r = c.post("/manage/review/"+item, url.Values{"decision": {"link"}, "child": {"CP-NOPE"}})
		want(t, r, http.StatusBadRequest, "Choose one of the children shown")
		want(t, c.get("/manage/review/no-such-item"), http.StatusNotFound, "Page not found")
	})
	t.Run("not a match", func(t *testing.T) {
		r := c.post("/manage/review/"+item, url.Values{"decision": {"not-match"}, "child": {f.kid.ID.String()}})
		want(t, r, http.StatusSeeOther)
		if r.location != "/manage/review/"+item+"?done=not-match" {
			t.Fatalf("redirect: got %q", r.location)
		}
		want(t, c.get(r.location), http.StatusOK, "The child has been ruled out", "Every child this record might have been has been ruled out")
	})
	t.Run("new", func(t *testing.T) {
		r := c.post("/manage/review/"+item, url.Values{"decision": {"new"}})
		want(t, r, http.StatusSeeOther)
		want(t, c.get(r.location), http.StatusOK, "A new child has been created from the record", "There are no records waiting for review")
	})
	t.Run("link", func(t *testing.T) {
		item := f.holdRecord(t, "H2")
		r := c.post("/manage/review/"+item, url.Values{"decision": {"link"}, "child": {string(f.kid.ID)}})
		want(t, r, http.StatusSeeOther)
		if r.location != "/manage/review?done=link" {
			t.Fatalf("redirect: got %q", r.location)
		}
		want(t, c.get(r.location), http.StatusOK, "The record has been linked to the child")
		// Decided: the item has gone.
		want(t, c.post("/manage/review/"+item, url.Values{"decision": {"new"}}), http.StatusNotFound)
		es, err := f.db.AuditEntries(t.Context(), domain.AuditFilter{UserID: dm.ID, Actions: []domain.Action{store.ActionReviewDecide}})
		if err != nil || len(es) != 3 {
			t.Errorf("review decisions audited: got %d (%v), want 3", len(es), err)
		}
	})
}

func TestMerges(t *testing.T) {
	f := newFixture(t)
	c, _ := f.signIn(t, domain.RoleDataManager)
	twin := f.newChild(t, "Amelia", "O'Neill", f.kid.DateOfBirth)
	want(t, c.get("/manage/merges"), http.StatusOK, "Merge children", `name="kept"`, `name="merged"`, `name="child"`)

	r := c.post("/manage/merges", url.Values{})
	want(t, r, http.StatusBadRequest, "<title>Error:", "Enter the ContactPoint ID of the child to keep", "Enter the ContactPoint ID of the child to merge into them")
	r = c.post("/manage/merges", url.Values{"kept": {"nonsense"}, "merged": {string(twin.ID)}})
	want(t, r, http.StatusBadRequest, "Enter a ContactPoint ID in the right format", `value="nonsense"`)
	r = c.post("/manage/merges", url.Values{"kept": {string(twin.ID)}, "merged": {string(twin.ID)}})
	want(t, r, http.StatusBadRequest, "Enter two different children")
	want(t, c.get("/manage/merges?child=bad"), http.StatusBadRequest, "Enter a ContactPoint ID in the right format")
	want(t, c.get("/manage/merges?child="+string(f.kid.ID)), http.StatusOK, "This child has not been merged")

	r = c.post("/manage/merges", url.Values{"kept": {string(f.kid.ID)}, "merged": {string(twin.ID)}})
	want(t, r, http.StatusSeeOther)
	r = c.get(r.location)
	want(t, r, http.StatusOK, "The children have been merged", twin.ID.String(), "Undo this merge")
	r2 := c.post("/manage/merges", url.Values{"kept": {string(f.kid.ID)}, "merged": {string(twin.ID)}})
	want(t, r2, http.StatusBadRequest, "has already been merged")

	m := regexp.MustCompile(`action="(/manage/merges/[^"]+/unmerge)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no undo form")
	}
	r = c.post(m[1], url.Values{"child": {string(f.kid.ID)}})
	want(t, r, http.StatusSeeOther)
	want(t, c.get(r.location), http.StatusOK, "The merge has been undone", "Undone")
	want(t, c.post(m[1], url.Values{}), http.StatusBadRequest, "already been undone")
}

func TestShielding(t *testing.T) {
	f := newFixture(t)
	id := f.kid.ID.String()
	base := "/children/" + id
	dm, _ := f.signIn(t, domain.RoleDataManager)
	dm.giveReason(f.kid.ID)
	pc, _ := f.signIn(t, domain.RolePractitioner)
	pc.giveReason(f.kid.ID)
	today := domain.DateOf(f.clock.T)

	want(t, dm.get("/manage/shields"), http.StatusOK, "Shields due for review", "No shields are due for review")
	want(t, dm.get(base), http.StatusOK, "Shield this record", "Subject access report")
	wantNot(t, pc.get(base), "Shield this record", "Subject access report")
	want(t, dm.get(base+"/shield"), http.StatusOK, "Shield this record", `name="reason"`, `id="review-day"`, "You can enter up to 200 characters")

	t.Run("errors", func(t *testing.T) {
		r := dm.post(base+"/shield", url.Values{})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Enter why the record is to be shielded", "Enter review date", `href="#review-day"`)
		r = dm.post(base+"/shield", merge(url.Values{"reason": {"Court order"}}, dateForm("review", today)))
		want(t, r, http.StatusBadRequest, "Review date must be in the future", "Court order")
		r = dm.post(base+"/shield", merge(url.Values{"reason": {"Court order"}}, dateForm("review", today.AddYears(3))))
		want(t, r, http.StatusBadRequest, "Review date must be within 2 years")
		r = dm.post(base+"/shield", merge(url.Values{"reason": {strings.Repeat("x", 201)}}, dateForm("review", today.AddDays(10))))
		want(t, r, http.StatusBadRequest, "Reason must be 200 characters or fewer")
		want(t, pc.post(base+"/shield", url.Values{}), http.StatusForbidden)
	})
	r := dm.post(base+"/shield", merge(url.Values{"reason": {"Court order"}}, dateForm("review", today.AddDays(10))))
	want(t, r, http.StatusSeeOther)
	want(t, dm.get(r.location), http.StatusOK, "The record has been shielded", "This record is shielded", "Reason: Court order", "Lift the shield", "Crookes Primary School")
	want(t, dm.get("/manage/shields"), http.StatusOK, "1 shield", "Amelia Rose O&#39;Neill", "Court order", date(today.AddDays(10)))

	t.Run("restricted view", func(t *testing.T) {
		r := pc.get(base)
		want(t, r, http.StatusOK, "This record is shielded", "Sheffield ContactPoint team", "01632 960", "contactpoint-e08000019@example.org", "Amelia Rose", "ContactPoint ID")
		wantNot(t, r, "Crookes Primary School", "1 High Street", "Sam Taylor", "Use the child-protection override", "Add my involvement")
		want(t, pc.get(base+"/override"), http.StatusForbidden, "You do not hold the child-protection override permission")
		want(t, pc.post(base+"/override", url.Values{"justification": {"x"}, "acknowledge": {"yes"}}), http.StatusForbidden)
	})
	t.Run("override", func(t *testing.T) {
		oc, ou := f.signIn(t, domain.RolePractitioner)
		if err := f.db.GrantPermission(t.Context(), ou.ID, domain.PermissionOverride, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
			t.Fatal(err)
		}
		oc.giveReason(f.kid.ID)
		want(t, oc.get(base), http.StatusOK, "This record is shielded", "Use the child-protection override")
		want(t, oc.get(base+"/override"), http.StatusOK, "Every use of the override is investigated", `name="justification"`, `name="acknowledge"`)
		r := oc.post(base+"/override", url.Values{})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Enter why child protection needs the shielded details", "Confirm that you understand", `href="#acknowledge"`)
		r = oc.post(base+"/override", url.Values{"justification": {strings.Repeat("y", 201)}, "acknowledge": {"yes"}})
		want(t, r, http.StatusBadRequest, "Justification must be 200 characters or fewer")
		r = oc.post(base+"/override", url.Values{"justification": {"Strategy meeting under section 47 today"}, "acknowledge": {"yes"}})
		want(t, r, http.StatusOK, "under the child-protection override, for this page only", "Crookes Primary School", "Sam Taylor")
		// For that request only.
		r = oc.get(base)
		want(t, r, http.StatusOK, "This record is shielded")
		wantNot(t, r, "Crookes Primary School")
		es, err := f.db.AuditEntries(t.Context(), domain.AuditFilter{UserID: ou.ID, Actions: []domain.Action{domain.ActionOverride}})
		if err != nil || len(es) != 1 || es[0].Detail["justification"] != "Strategy meeting under section 47 today" {
			t.Errorf("override audited as %+v (%v)", es, err)
		}
		// The team sees the alert and marks it seen.
		r = dm.get("/manage/alerts")
		want(t, r, http.StatusOK, "Override alerts", ou.Username, id, "Mark as seen", "There are no notifications")
		m := regexp.MustCompile(`action="(/manage/alerts/[^"]+/seen)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no mark as seen form")
		}
		r = dm.post(m[1], url.Values{})
		want(t, r, http.StatusSeeOther)
		r = dm.get(r.location)
		want(t, r, http.StatusOK, "The alert has been marked as seen", "Seen")
		wantNot(t, r, "Mark as seen")
		want(t, dm.post("/manage/alerts/nope/seen", url.Values{}), http.StatusNotFound)
	})
	t.Run("lift", func(t *testing.T) {
		want(t, dm.get(base+"/shield"), http.StatusOK, "Review the shield", "Court order")
		r := dm.post(base+"/unshield", url.Values{})
		want(t, r, http.StatusSeeOther)
		want(t, dm.get(r.location), http.StatusOK, "The shield has been lifted", "Shield this record")
		want(t, pc.get(base), http.StatusOK, "Crookes Primary School")
		want(t, dm.post(base+"/unshield", url.Values{}), http.StatusBadRequest)
	})
	t.Run("notifications", func(t *testing.T) {
		// The child moves to Leeds: Sheffield's team is told it moved out.
		moved, err := f.db.ChangeAddress(t.Context(), f.kid.ID, &domain.ChildAddress{
			Address: domain.Address{Line1: "2 Otley Road", Town: "Leeds", Postcode: "LS6 3AA"}, LACode: "E08000035"},
			&domain.AuditEntry{UserID: domain.OperatorID})
		if err != nil || !moved {
			t.Fatalf("ChangeAddress = %v, %v; want moved", moved, err)
		}
		r := dm.get("/manage/alerts")
		want(t, r, http.StatusOK, "Moved out", "responsibility moved to Leeds")
		m := regexp.MustCompile(`action="(/manage/notifications/[^"]+/seen)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no mark as seen form for the notification")
		}
		r = dm.post(m[1], url.Values{})
		want(t, r, http.StatusSeeOther)
		r = dm.get(r.location)
		want(t, r, http.StatusOK, "The notification has been marked as seen", "Moved out")
		if regexp.MustCompile(`action="/manage/notifications/`).MatchString(r.body) {
			t.Error("the seen notification still offers Mark as seen")
		}
		ns, err := f.db.Notifications(t.Context(), "E08000019", true)
		if err != nil || len(ns) != 0 {
			t.Errorf("unseen notifications after marking = %v, %v; want none", ns, err)
		}
		want(t, dm.post("/manage/notifications/nope/seen", url.Values{}), http.StatusNotFound)
		// Leeds's notification is not Sheffield's to mark.
		leeds, err := f.db.Notifications(t.Context(), "E08000035", true)
		if err != nil || len(leeds) != 1 {
			t.Fatalf("Leeds notifications = %v, %v; want one", leeds, err)
		}
		want(t, dm.post("/manage/notifications/"+leeds[0].ID+"/seen", url.Values{}), http.StatusNotFound)
	})
}

func TestSensitiveInvolvement(t *testing.T) {
	f := newFixture(t)
	base := "/children/" + f.kid.ID.String()
	pc, _ := f.signIn(t, domain.RolePractitioner)
	pc.giveReason(f.kid.ID)
	want(t, pc.get(base+"/involvements/new"), http.StatusOK, "Sexual health", "Mental health", "Substance misuse", "or a sensitive service",
		`name="basis"`, "significant harm")
	r := pc.post(base+"/involvements/new", url.Values{"service": {"mental-health"}, "role": {"Counsellor"}, "phone": {"0114 496 0999"}})
	want(t, r, http.StatusBadRequest, "<title>Error:", "Select the basis for recording a sensitive service", `href="#basis"`)
	r = pc.post(base+"/involvements/new", url.Values{"service": {"mental-health"}, "basis": {"consent"}, "role": {"Counsellor"}, "phone": {"0114 496 0999"}})
	want(t, r, http.StatusSeeOther)

	other, _ := f.signIn(t, domain.RolePractitioner)
	other.giveReason(f.kid.ID)
	r = other.get(base)
	want(t, r, http.StatusOK, "A sensitive service is involved: contact Sheffield ContactPoint team", "Details held back")
	wantNot(t, r, "Counsellor", "0114 496 0999", "Mental health")
	dm, _ := f.signIn(t, domain.RoleDataManager)
	dm.giveReason(f.kid.ID)
	want(t, dm.get(base), http.StatusOK, "Mental health", "Counsellor", "Basis for recording", "Consent")
}

func TestReports(t *testing.T) {
	f := newFixture(t)
	today := domain.DateOf(f.clock.T)
	dm, _ := f.signIn(t, domain.RoleDataManager)
	want(t, dm.get("/manage/quality"), http.StatusOK, "Data quality", "Children on ContactPoint", "Without a GP practice", "Records awaiting review", "Sheffield")

	t.Run("missing education", func(t *testing.T) {
		r := dm.get("/manage/missing-education")
		want(t, r, http.StatusOK, "Children missing education", "No children were missing education on this date", "Download this report (CSV)",
			"No monthly reports have been written yet", `id="on-day"`)
		lost := f.newChild(t, "Oliver", "Twist", today.AddYears(-10))
		r = dm.get("/manage/missing-education")
		want(t, r, http.StatusOK, "Oliver Twist", "No setting ever recorded", lost.ID.String())
		r = dm.get("/manage/missing-education?on-day=31&on-month=2&on-year=2026")
		want(t, r, http.StatusBadRequest, "<title>Error:", "Date of the report must be a real date", `value="31"`)
		wantNot(t, r, "Download this report")
		d := today.AddDays(-3)
		r = dm.get("/manage/missing-education?" + dateForm("on", d).Encode())
		want(t, r, http.StatusOK, "On "+date(d), "report.csv?on-day=")

		r = dm.get("/manage/missing-education/report.csv")
		want(t, r, http.StatusOK, "Oliver", string(lost.ID))
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
			t.Errorf("Content-Disposition %q, want an attachment", cd)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("CSV Cache-Control %q, want no-store", cc)
		}
		want(t, dm.get("/manage/missing-education/report.csv?on-day=40&on-month=1&on-year=2026"), http.StatusBadRequest, "must be a real date")

		if _, err := f.db.WriteMonthlyReports(t.Context(), domain.DefaultPolicy, today); err != nil {
			t.Fatal(err)
		}
		period := f.clock.T.Format("2006-01")
		r = dm.get("/manage/missing-education")
		want(t, r, http.StatusOK, `href="/manage/missing-education/reports/`+period+`"`, period+": 1 child")
		r = dm.get("/manage/missing-education/reports/" + period)
		want(t, r, http.StatusOK, "Oliver")
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("stored report Content-Disposition %q", cd)
		}
		want(t, dm.get("/manage/missing-education/reports/1999-01"), http.StatusNotFound)
		want(t, dm.get("/manage/missing-education/reports/nonsense"), http.StatusNotFound)
	})
	t.Run("national admin chooses", func(t *testing.T) {
		na, _ := f.signIn(t, domain.RoleNationalAdmin)
		r := na.get("/manage/quality?la=E08000035")
		want(t, r, http.StatusOK, "Records of Leeds", "Change authority", `value="E08000035"`)
		r = na.get("/manage/missing-education?la=E08000035")
		want(t, r, http.StatusOK, "in Leeds", "la=E08000035")
	})
	t.Run("la admin", func(t *testing.T) {
		ac, _ := f.signIn(t, domain.RoleLAAdmin)
		want(t, ac.get("/manage/quality"), http.StatusOK, "Data quality")
		wantNot(t, ac.get("/manage/quality"), `href="/manage/review"`, "Change authority")
	})
}

func TestSubjectAccess(t *testing.T) {
	f := newFixture(t)
	dm, _ := f.signIn(t, domain.RoleDataManager)
	pc, _ := f.signIn(t, domain.RolePractitioner)
	pc.giveReason(f.kid.ID)
	r := dm.get("/children/" + f.kid.ID.String() + "/subject-access")
	want(t, r, http.StatusOK, "Subject access report", "Amelia Rose O&#39;Neill", "What is held, and where it came from",
		"Crookes Primary School", "Who has looked at the record", "Safeguarding concern", `media="print"`)
	want(t, pc.get("/children/"+f.kid.ID.String()+"/subject-access"), http.StatusForbidden)
	want(t, dm.get("/children/CP-0000-0000-0000/subject-access"), http.StatusNotFound)
}

func TestArchivedRecord(t *testing.T) {
	f := newFixture(t)
	old := f.newChild(t, "Adult", "Person", domain.DateOf(f.clock.T).AddYears(-18).AddDays(1))
	f.clock.Add(48 * time.Hour)
	defer f.clock.Add(-48 * time.Hour)
	today := domain.DateOf(f.clock.T)
	if _, err := f.db.RunLife(t.Context(), domain.DefaultPolicy, today); err != nil {
		t.Fatal(err)
	}
	base := "/children/" + old.ID.String()
	na, nu := f.signIn(t, domain.RoleNationalAdmin)
	r := na.post(base+"/reason", url.Values{"reason": {"safeguarding"}})
	want(t, r, http.StatusSeeOther)
	r = na.get(r.location)
	want(t, r, http.StatusSeeOther)
	if r.location != base+"/investigation?reason=safeguarding" {
		t.Fatalf("archived record: redirect %q, want the investigation form", r.location)
	}
	want(t, na.get(r.location), http.StatusOK, "This record has been archived", `name="investigation_reason"`, `name="reason" value="safeguarding"`)
	r = na.post(base+"/investigation", url.Values{"reason": {"safeguarding"}})
	want(t, r, http.StatusBadRequest, "<title>Error:", "Enter the reason for the investigation", "Enter the investigation&#39;s reference")
	r = na.post(base+"/investigation", url.Values{"reason": {"safeguarding"}, "investigation_reason": {"Serious case review"}, "investigation_reference": {"SCR-2026-014"}})
	want(t, r, http.StatusOK, "Adult Person", "This record was archived on "+date(today))
	wantNot(t, r, "Add my involvement")
	es, err := f.db.AuditEntries(t.Context(), domain.AuditFilter{UserID: nu.ID, ChildID: string(old.ID), Actions: []domain.Action{domain.ActionView}})
	if err != nil || len(es) != 1 || es[0].Detail["investigation_reference"] != "SCR-2026-014" {
		t.Errorf("investigation audited as %+v (%v)", es, err)
	}

	pc, _ := f.signIn(t, domain.RolePractitioner)
	r = pc.post(base+"/reason", url.Values{"reason": {"safeguarding"}})
	want(t, pc.get(r.location), http.StatusNotFound)
	want(t, pc.get(base+"/investigation"), http.StatusForbidden)
}

func date(d domain.Date) string { return d.Time().Format("2 January 2006") }
