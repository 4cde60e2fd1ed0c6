package record_test

import (
	"context"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

const sheffield = "E08000019"

func newChild(t *testing.T, db *store.DB) *domain.Child {
	t.Helper()
	c := &domain.Child{GivenNames: "Amelia", FamilyName: "Smith", Gender: domain.GenderFemale, DateOfBirth: domain.MustDate("2015-03-14"),
		AddressStatus: domain.AddressCurrent, Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Postcode: "S10 1AA"}, LACode: sheffield}},
		Parents: []domain.Parent{{Name: "Mary Smith", Relationship: "mother", ParentalResponsibility: true, Contact: domain.Contact{Phone: "07700 900123"}}},
		Involvements: []domain.Involvement{
			{Service: domain.ServiceCAMHS, Organisation: "Sheffield CAMHS", Start: domain.MustDate("2020-01-01"), End: domain.MustDate("2024-01-01")},          // long ended
			{Service: domain.ServiceEarlyHelp, Organisation: "Sheffield Early Help", Start: domain.MustDate("2025-01-01"), End: domain.MustDate("2026-06-01")}, // recent
			{Service: domain.ServiceSchoolNursing, Organisation: "Sheffield Children's NHS", Start: domain.MustDate("2025-09-01")},
		},
		Identifiers: []domain.Identifier{{Kind: domain.IdentifierSourceRecord, Source: "health", Value: "H1"}},
	}
	if err := db.CreateChild(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestViewNeedsAReasonOncePerSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		asvc := authtest.Service(db)
		svc := record.New(db)
		c := newChild(t, db)
		u := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		ctx, _ := authtest.SignIn(t, asvc, u, domain.SessionWeb)

		_, err := svc.View(ctx, record.ViewRequest{ID: c.ID})
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) != "reason" {
			t.Fatalf("first view without reason: %v; want invalid reason", err)
		}
		if _, err := svc.View(ctx, record.ViewRequest{ID: c.ID, Reason: "curiosity"}); domain.ErrorField(err) != "reason" {
			t.Fatalf("unknown reason: %v; want invalid reason", err)
		}
		got, err := svc.View(ctx, record.ViewRequest{ID: c.ID, Reason: "safeguarding"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Identifiers) != 0 {
			t.Errorf("identifiers shown to a practitioner: %+v", got.Identifiers)
		}
		var services []string
		for _, v := range got.Involvements {
			services = append(services, string(v.Service))
		}
		if len(services) != 2 || services[0] != "school-nursing" || services[1] != "early-help" {
			t.Errorf("involvements shown %v; want current school-nursing and recently ended early-help only", services)
		}
		// Second look in the same session: no reason needed.
		if _, err := svc.View(ctx, record.ViewRequest{ID: c.ID}); err != nil {
			t.Errorf("second view: %v", err)
		}
		entries, err := db.AuditEntries(context.Background(), domain.AuditFilter{ChildID: string(c.ID), Actions: []domain.Action{domain.ActionView}})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[1].Detail["reason"] != "safeguarding" || entries[0].UserID != u.ID {
			t.Errorf("audit = %+v; want two views by the user, the first with its reason", entries)
		}
		// Mediated access is recorded.
		obo := &domain.OnBehalfOf{Name: "Dr Ann Jones", Organisation: "Hillside Surgery", Role: "GP", Phone: "0114 496 0555"}
		if _, err := svc.View(ctx, record.ViewRequest{ID: c.ID, OnBehalfOf: obo}); err != nil {
			t.Fatal(err)
		}
		entries, _ = db.AuditEntries(context.Background(), domain.AuditFilter{ChildID: string(c.ID), Limit: 1})
		if len(entries) != 1 || entries[0].OnBehalfOf == nil || entries[0].OnBehalfOf.Name != "Dr Ann Jones" {
			t.Errorf("mediated view audit = %+v; want on_behalf_of recorded", entries)
		}
		if _, err := svc.View(ctx, record.ViewRequest{ID: c.ID, OnBehalfOf: &domain.OnBehalfOf{Name: "X"}}); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("mediated view without organisation: %v; want invalid", err)
		}
		if _, err := svc.View(ctx, record.ViewRequest{ID: domain.NewID(), Reason: "safeguarding"}); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown child: %v; want not found", err)
		}
	})
}

func TestChangesAreValidatedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		asvc := authtest.Service(db)
		svc := record.New(db)
		c := newChild(t, db)
		nurse := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		other := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		ctx, _ := authtest.SignIn(t, asvc, nurse, domain.SessionWeb)
		octx, _ := authtest.SignIn(t, asvc, other, domain.SessionWeb)

		v, err := svc.AddInvolvement(ctx, c.ID, record.InvolvementRequest{Service: domain.ServiceSchoolNursing, Role: "school nurse"})
		if err != nil {
			t.Fatal(err)
		}
		if v.Organisation != nurse.Organisation || v.Contact.Phone != nurse.Phone || v.PractitionerName != nurse.FullName {
			t.Errorf("involvement %+v does not carry the nurse's details", v)
		}
		if _, err := svc.AddInvolvement(ctx, c.ID, record.InvolvementRequest{Service: "astrology"}); domain.ErrorField(err) != "involvements.service" {
			t.Errorf("unknown service: %v; want invalid involvements.service", err)
		}
		if err := svc.EndInvolvement(octx, c.ID, v.ID, domain.Date{}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("another practitioner ending it: %v; want forbidden", err)
		}
		if err := svc.EndInvolvement(ctx, c.ID, v.ID, domain.Date{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.EndInvolvement(ctx, c.ID, v.ID, domain.Date{}); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("ending twice: %v; want conflict", err)
		}

		lp1, err := svc.AppointLeadProfessional(ctx, c.ID, domain.LeadProfessional{Name: "Jo Green", Organisation: "Hillside School", Start: domain.MustDate("2026-01-05")})
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(24 * time.Hour)
		if _, err := svc.AppointLeadProfessional(octx, c.ID, domain.LeadProfessional{Name: "Sam Taylor", Organisation: "Sheffield CS", Contact: domain.Contact{Phone: "0114 496 0123"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordCAF(ctx, c.ID, domain.CAF{HolderName: "Jo Green", Organisation: "Hillside School", Contact: domain.Contact{Email: "jo@hillside.example.org"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordCAF(ctx, c.ID, domain.CAF{HolderName: "", Organisation: "X"}); domain.ErrorField(err) != "caf.holder_name" {
			t.Errorf("CAF without holder: %v; want invalid caf.holder_name", err)
		}
		full, err := db.Child(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.UpdateContact(ctx, c.ID, store.ContactParent, full.Parents[0].ID, domain.Contact{Phone: "07700 900999"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.UpdateContact(ctx, c.ID, store.ContactParent, full.Parents[0].ID, domain.Contact{Phone: "call me"}); domain.ErrorField(err) != "contact.phone" {
			t.Errorf("bad phone: %v; want invalid contact.phone", err)
		}
		full, _ = db.Child(context.Background(), c.ID)
		current := 0
		for _, l := range full.LeadProfessionals {
			if l.End.IsZero() {
				current++
				if l.Name != "Sam Taylor" {
					t.Errorf("current lead professional %s; want Sam Taylor", l.Name)
				}
			} else if l.ID == lp1.ID && l.End.String() != "2026-11-24" {
				t.Errorf("previous lead professional ended %s; want the day before the new one started", l.End)
			}
		}
		if current != 1 || len(full.LeadProfessionals) != 2 {
			t.Errorf("lead professionals %+v; want one current and one in history", full.LeadProfessionals)
		}
		if len(full.CAFs) != 1 || full.Parents[0].Contact.Phone != "07700 900999" || full.Version != 7 {
			t.Errorf("CAFs %d, parent phone %q, version %d; want 1, the new phone, 7", len(full.CAFs), full.Parents[0].Contact.Phone, full.Version)
		}
		entries, err := db.AuditEntries(context.Background(), domain.AuditFilter{ChildID: string(c.ID)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(entries) - 1; i >= 0; i-- {
			actions = append(actions, string(entries[i].Action))
		}
		want := "child-create involvement-add involvement-end lead-professional lead-professional caf child-update"
		if got := join(actions); got != want {
			t.Errorf("audited %q; want %q", got, want)
		}
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
