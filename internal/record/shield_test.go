package record_test

import (
	"context"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestShieldRestrictsAndOverrideIsAuditedAlertedAndSingle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		asvc := authtest.Service(db)
		svc := record.New(db)
		c := newChild(t, db)
		dm := authtest.NewUser(t, asvc, db, sheffield, domain.RoleDataManager)
		leedsDM := authtest.NewUser(t, asvc, db, "E08000035", domain.RoleDataManager)
		prac := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		cp := authtest.NewUser(t, asvc, db, "E08000035", domain.RolePractitioner)
		dmCtx, _ := authtest.SignIn(t, asvc, dm, domain.SessionWeb)
		leedsCtx, _ := authtest.SignIn(t, asvc, leedsDM, domain.SessionWeb)
		pracCtx, _ := authtest.SignIn(t, asvc, prac, domain.SessionWeb)
		cpCtx, _ := authtest.SignIn(t, asvc, cp, domain.SessionWeb)
		review := domain.DateOf(clock.Now()).AddDays(60)

		// Only a data manager of the child's authority may shield.
		for name, ctx := range map[string]context.Context{"practitioner": pracCtx, "another authority's data manager": leedsCtx} {
			if _, err := svc.Shield(ctx, c.ID, "fleeing harm", review); domain.ErrorCode(err) != domain.EForbidden {
				t.Errorf("%s shields: %v; want forbidden", name, err)
			}
		}
		if _, err := svc.Shield(dmCtx, c.ID, "", review); domain.ErrorField(err) != "reason" {
			t.Errorf("no reason: %v; want invalid reason", err)
		}
		if _, err := svc.Shield(dmCtx, c.ID, "fleeing harm", domain.DateOf(clock.Now())); domain.ErrorField(err) != "review_on" {
			t.Errorf("review today: %v; want invalid review_on", err)
		}
		if _, err := svc.Shield(dmCtx, c.ID, "fleeing harm", review); err != nil {
			t.Fatal(err)
		}

		// Everyone else sees names, gender, date of birth, ID and the team.
		got, err := svc.View(pracCtx, record.ViewRequest{ID: c.ID, Reason: "safeguarding"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Restriction == nil || !got.Restriction.Shielded || got.Restriction.Override {
			t.Fatalf("restriction = %+v; want shielded", got.Restriction)
		}
		if len(got.Addresses)+len(got.Parents)+len(got.Involvements)+len(got.Education)+len(got.Health) != 0 || got.LACode != "" {
			t.Errorf("shielded view shows hidden fields: %+v", got)
		}
		if got.GivenNames != c.GivenNames || got.DateOfBirth != c.DateOfBirth || got.Gender != c.Gender || got.ID != c.ID {
			t.Errorf("shielded view lost permitted fields: %+v", got)
		}
		if team := got.Restriction.Team; !strings.HasPrefix(team.Phone, "01632 960") || team.LACode != sheffield {
			t.Errorf("team = %+v; want Sheffield's default in the drama range", team)
		}
		// The authority's data manager sees it whole.
		if got, err := svc.View(dmCtx, record.ViewRequest{ID: c.ID, Reason: "data-quality"}); err != nil || len(got.Addresses) == 0 {
			t.Fatalf("own data manager: %v, %+v", err, got)
		}

		// Override: needs a justification and the permission.
		if _, err := svc.View(cpCtx, record.ViewRequest{ID: c.ID, Reason: "child-protection", Override: true}); domain.ErrorField(err) != "justification" {
			t.Errorf("override without justification: %v", err)
		}
		long := strings.Repeat("x", domain.MaxShortLen+1)
		if _, err := svc.View(cpCtx, record.ViewRequest{ID: c.ID, Reason: "child-protection", Override: true, Justification: long}); domain.ErrorField(err) != "justification" {
			t.Errorf("override with case notes: %v", err)
		}
		if _, err := svc.View(cpCtx, record.ViewRequest{ID: c.ID, Reason: "child-protection", Override: true, Justification: "s47 enquiry"}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("override without permission: %v; want forbidden", err)
		}
		if alerts, _ := db.Alerts(context.Background(), sheffield, true); len(alerts) != 0 {
			t.Errorf("refused override raised alerts: %+v", alerts)
		}
		if err := db.GrantPermission(context.Background(), cp.ID, domain.PermissionOverride, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
			t.Fatal(err)
		}
		got, err = svc.View(cpCtx, record.ViewRequest{ID: c.ID, Reason: "child-protection", Override: true, Justification: "s47 enquiry"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Addresses) == 0 || got.Restriction == nil || !got.Restriction.Override {
			t.Errorf("override view: %+v", got)
		}
		alerts, err := db.Alerts(context.Background(), sheffield, true)
		if err != nil || len(alerts) != 1 || alerts[0].UserID != cp.ID || alerts[0].ChildID != c.ID || alerts[0].Kind != domain.AlertOverride {
			t.Fatalf("alerts = %+v, %v; want one override alert", alerts, err)
		}
		entries, err := db.AuditEntries(context.Background(), domain.AuditFilter{ChildID: string(c.ID), Actions: []domain.Action{domain.ActionOverride}})
		if err != nil || len(entries) != 1 || entries[0].UserID != cp.ID || entries[0].Detail["justification"] != "s47 enquiry" {
			t.Fatalf("override audit = %+v, %v", entries, err)
		}
		// The override lasts for that view only.
		got, err = svc.View(cpCtx, record.ViewRequest{ID: c.ID})
		if err != nil || len(got.Addresses) != 0 || got.Restriction == nil || got.Restriction.Override {
			t.Errorf("next view after override: %v, %+v; want shielded again", err, got)
		}
		// Revoked: refused again.
		if err := db.RevokePermission(context.Background(), cp.ID, domain.PermissionOverride, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.View(cpCtx, record.ViewRequest{ID: c.ID, Override: true, Justification: "s47"}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("override after revoke: %v", err)
		}

		// Shields due for review, then unshield.
		due, err := db.ShieldsDue(context.Background(), sheffield, review)
		if err != nil || len(due) != 1 || due[0].ChildID != c.ID || due[0].Reason != "fleeing harm" {
			t.Errorf("due = %+v, %v", due, err)
		}
		if due, _ := db.ShieldsDue(context.Background(), sheffield, review.AddDays(-1)); len(due) != 0 {
			t.Errorf("due before review: %+v", due)
		}
		if err := svc.Unshield(pracCtx, c.ID); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("practitioner unshields: %v", err)
		}
		if err := svc.Unshield(dmCtx, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Unshield(dmCtx, c.ID); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("unshield twice: %v", err)
		}
		if got, err := svc.View(pracCtx, record.ViewRequest{ID: c.ID}); err != nil || got.Restriction != nil || len(got.Addresses) == 0 {
			t.Errorf("after unshield: %v, %+v", err, got)
		}
		if n, err := db.VerifyAudit(context.Background()); err != nil {
			t.Errorf("audit verify after %d: %v", n, err)
		}
	})
}

func TestSensitiveServicesNeedABasisAndAreRedacted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		asvc := authtest.Service(db)
		svc := record.New(db)
		c := newChild(t, db)
		nurse := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		other := authtest.NewUser(t, asvc, db, sheffield, domain.RolePractitioner)
		dm := authtest.NewUser(t, asvc, db, sheffield, domain.RoleDataManager)
		leedsDM := authtest.NewUser(t, asvc, db, "E08000035", domain.RoleDataManager)
		nurseCtx, _ := authtest.SignIn(t, asvc, nurse, domain.SessionWeb)
		otherCtx, _ := authtest.SignIn(t, asvc, other, domain.SessionWeb)
		dmCtx, _ := authtest.SignIn(t, asvc, dm, domain.SessionWeb)
		leedsCtx, _ := authtest.SignIn(t, asvc, leedsDM, domain.SessionWeb)

		tests := []struct {
			service domain.ServiceType
			basis   domain.Basis
			ok      bool
		}{
			{domain.ServiceSexualHealth, "", false},
			{domain.ServiceSexualHealth, "because", false},
			{domain.ServiceSchoolNursing, domain.BasisConsent, false},
			{domain.ServiceSensitive, domain.BasisConsent, false},
			{domain.ServiceSexualHealth, domain.BasisConsent, true},
			{domain.ServiceSubstanceMisuse, domain.BasisSignificantHarm, true},
		}
		for _, tt := range tests {
			_, err := svc.AddInvolvement(nurseCtx, c.ID, record.InvolvementRequest{Service: tt.service, Basis: tt.basis, Role: "nurse"})
			if (err == nil) != tt.ok {
				t.Errorf("%s with basis %q: %v; want ok %v", tt.service, tt.basis, err, tt.ok)
			}
		}
		count := func(ctx context.Context) (details, restricted int, r *domain.Restriction) {
			t.Helper()
			got, err := svc.View(ctx, record.ViewRequest{ID: c.ID, Reason: "safeguarding"})
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range got.Involvements {
				switch {
				case v.Restricted:
					if v.Service != domain.ServiceSensitive || v.PractitionerName != "" || v.Basis != "" || !strings.HasPrefix(v.Contact.Phone, "01632 960") {
						t.Errorf("restricted involvement shows details: %+v", v)
					}
					restricted++
				case v.Service.Sensitive():
					details++
				}
			}
			return details, restricted, got.Restriction
		}
		if d, r, res := count(otherCtx); d != 0 || r != 2 || res == nil || !res.Sensitive {
			t.Errorf("another practitioner: %d detailed, %d restricted, %+v; want 0, 2, sensitive", d, r, res)
		}
		if d, r, _ := count(leedsCtx); d != 0 || r != 2 {
			t.Errorf("another authority's data manager: %d detailed, %d restricted; want 0, 2", d, r)
		}
		if d, r, _ := count(dmCtx); d != 2 || r != 0 {
			t.Errorf("the authority's data manager: %d detailed, %d restricted; want 2, 0", d, r)
		}
		if d, r, _ := count(nurseCtx); d != 2 || r != 0 {
			t.Errorf("the practitioner who recorded them: %d detailed, %d restricted; want 2, 0", d, r)
		}
		// The audit trail names the service only as sensitive.
		entries, _ := db.AuditEntries(context.Background(), domain.AuditFilter{ChildID: string(c.ID), Actions: []domain.Action{domain.ActionInvolvementAdd}})
		for _, e := range entries {
			if s := e.Detail["service"]; s != string(domain.ServiceSensitive) {
				t.Errorf("audit detail service = %v; want sensitive", s)
			}
		}
	})
}
