package lifecycle_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/lifecycle"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

const (
	sheffield = "E08000019"
	leeds     = "E08000035"
)

var (
	prac     = &domain.User{ID: "u-prac", Username: "prac", Roles: []domain.Role{domain.RolePractitioner}, LACode: sheffield, Organisation: "Sheffield Children's NHS"}
	dm       = &domain.User{ID: "u-dm", Username: "dm", Roles: []domain.Role{domain.RoleDataManager}, LACode: sheffield, Organisation: "Sheffield City Council"}
	leedsDM  = &domain.User{ID: "u-leeds", Username: "leeds", Roles: []domain.Role{domain.RoleDataManager}, LACode: leeds, Organisation: "Leeds City Council"}
	national = &domain.User{ID: "u-na", Username: "na", Roles: []domain.Role{domain.RoleNationalAdmin}, Organisation: "DfE"}
)

func as(u *domain.User) context.Context { return domain.NewContextWithUser(context.Background(), u) }

type kid struct {
	given, dob, la, postcode string
	education                []domain.EducationSetting
}

func create(t *testing.T, db *store.DB, k kid) domain.ID {
	t.Helper()
	la := k.la
	if la == "" {
		la = sheffield
	}
	pc := k.postcode
	if pc == "" {
		pc = "S10 1AA"
	}
	c := &domain.Child{GivenNames: k.given, FamilyName: "Testchild", Gender: domain.GenderFemale, DateOfBirth: domain.MustDate(k.dob),
		AddressStatus: domain.AddressCurrent, Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Town: "Town", Postcode: pc}, LACode: la}},
		Education: k.education}
	if err := db.CreateChild(context.Background(), c); err != nil {
		t.Fatalf("create %s: %v", k.given, err)
	}
	return c.ID
}

func setDay(clock *storetest.Clock, d string) {
	clock.T = domain.MustDate(d).Time().Add(10 * time.Hour)
}

func TestRecordLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clock := storetest.NewClock() // 2026-11-24
		db := storetest.MustOpen(t, dbURL, clock)
		life := lifecycle.New(db)
		rec := record.New(db)
		srch := search.New(db)
		ctx := context.Background()

		adult := create(t, db, kid{given: "Ada", dob: "2008-12-10"})
		leaver := create(t, db, kid{given: "Lee", dob: "2008-12-10"})
		died := create(t, db, kid{given: "Dee", dob: "2015-01-01"})

		// Extension: rules, then a care leaver's to 2030-06-01.
		bad := []domain.Extension{
			{Until: domain.MustDate("2034-01-01"), Basis: domain.ExtensionCareLeaver, ConsentRecorded: domain.MustDate("2026-11-01")}, // past 25
			{Until: domain.MustDate("2030-06-01"), Basis: domain.ExtensionCareLeaver},                                                 // no consent
			{Until: domain.MustDate("2030-06-01"), Basis: "friend", ConsentRecorded: domain.MustDate("2026-11-01")},
		}
		for _, x := range bad {
			if err := life.Extend(as(dm), leaver, x); domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("extension %+v: %v; want invalid", x, err)
			}
		}
		good := domain.Extension{Until: domain.MustDate("2030-06-01"), Basis: domain.ExtensionCareLeaver, ConsentRecorded: domain.MustDate("2026-11-01")}
		if err := life.Extend(as(prac), leaver, good); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("practitioner extends: %v; want forbidden", err)
		}
		if err := life.Extend(as(dm), leaver, good); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordDeath(ctx, died, domain.MustDate("2026-11-20"), &domain.AuditEntry{UserID: dm.ID}); err != nil {
			t.Fatal(err)
		}

		run := func(day string) store.LifeRun {
			t.Helper()
			setDay(clock, day)
			r, err := life.Run(ctx, life.Today())
			if err != nil {
				t.Fatalf("run %s: %v", day, err)
			}
			return r
		}
		view := func(u *domain.User, id domain.ID, inv *domain.Investigation) (*domain.Child, error) {
			return rec.View(as(u), record.ViewRequest{ID: id, Reason: "data-quality", Investigation: inv})
		}
		found := func(given, dob string) bool {
			t.Helper()
			c, err := search.ParseCriteria(url.Values{"given_names": {given}, "family_name": {"Testchild"}, "date_of_birth": {dob}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := srch.Search(as(prac), c)
			if err != nil {
				t.Fatal(err)
			}
			// Lee is Ada's twin: a search for one may list the other below.
			for _, r := range res.Results {
				if r.GivenNames == given {
					return true
				}
			}
			return false
		}

		if r := run("2026-12-09"); r.Archived != 0 {
			t.Errorf("day before 18th birthday archived %d", r.Archived)
		}
		if !found("Ada", "2008-12-10") {
			t.Fatal("Ada not found before archiving")
		}
		if r := run("2026-12-10"); r.Archived != 1 {
			t.Errorf("18th birthday archived %d; want 1 (Ada; Lee is extended)", r.Archived)
		}
		if r := run("2026-12-10"); r.Archived != 0 {
			t.Errorf("second run archived %d; want 0", r.Archived)
		}
		if found("Ada", "2008-12-10") {
			t.Error("archived Ada still found by search")
		}
		if !found("Lee", "2008-12-10") {
			t.Error("extended Lee not found")
		}
		if _, err := view(prac, adult, nil); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("practitioner views archived record: %v; want not found", err)
		}
		if _, err := view(leedsDM, adult, nil); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("another authority's data manager views archived record: %v; want not found", err)
		}
		got, err := view(dm, adult, nil)
		if err != nil || got.Restriction == nil || got.Restriction.Archived != domain.MustDate("2026-12-10") {
			t.Errorf("data manager in year 1: %v, %+v", err, got)
		}

		if r := run("2027-11-23"); r.Archived != 0 {
			t.Errorf("a day before a year after the death archived %d", r.Archived)
		}
		if _, err := view(prac, died, nil); err != nil {
			t.Errorf("record live in the year after a death: %v", err)
		}
		if r := run("2027-11-24"); r.Archived != 1 {
			t.Errorf("a year after the death archived %d; want 1", r.Archived)
		}
		if _, err := view(prac, died, nil); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("dead child's record after a year: %v; want not found", err)
		}

		if _, err := view(dm, adult, nil); err != nil {
			t.Errorf("data manager on the last day of year 1: %v", err)
		}
		setDay(clock, "2027-12-10")
		if _, err := view(dm, adult, nil); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("data manager in year 2: %v; want forbidden", err)
		}
		if _, err := view(national, adult, nil); domain.ErrorField(err) != "investigation" {
			t.Errorf("national admin without investigation: %v; want invalid investigation", err)
		}
		if _, err := view(national, adult, &domain.Investigation{Reason: "serious case review"}); domain.ErrorField(err) != "investigation.reference" {
			t.Errorf("investigation without reference: %v", err)
		}
		if got, err := view(national, adult, &domain.Investigation{Reason: "serious case review", Reference: "SCR-2027-14"}); err != nil || got.GivenNames != "Ada" {
			t.Errorf("national admin with investigation: %v", err)
		}
		entries, _ := db.AuditEntries(ctx, domain.AuditFilter{ChildID: string(adult), Actions: []domain.Action{domain.ActionView}, Limit: 1})
		if len(entries) != 1 || entries[0].Detail["investigation_reference"] != "SCR-2027-14" {
			t.Errorf("investigation not audited: %+v", entries)
		}

		if r := run("2030-05-31"); r.Archived != 0 {
			t.Errorf("extension's last day archived %d", r.Archived)
		}
		if r := run("2030-06-01"); r.Archived != 1 {
			t.Errorf("extension ended archived %d; want 1", r.Archived)
		}

		if r := run("2032-12-09"); r.Purged != 0 {
			t.Errorf("purged %d before 6 years", r.Purged)
		}
		if r := run("2032-12-10"); r.Purged != 1 {
			t.Errorf("6 years after archiving purged %d; want 1", r.Purged)
		}
		if _, err := db.Child(ctx, adult); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("purged child: %v; want not found", err)
		}
		if _, err := db.Child(ctx, leaver); err != nil {
			t.Errorf("Lee purged early: %v", err)
		}
		trail, err := db.AuditEntries(ctx, domain.AuditFilter{ChildID: string(adult), Limit: 1000})
		if err != nil || len(trail) < 4 || trail[0].Action != domain.ActionPurge {
			t.Errorf("audit trail of the purged child: %d entries, %v", len(trail), err)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("audit verify: %v", err)
		}
	})
}

func TestMissingEducation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clock := storetest.NewClock() // 2026-11-24
		db := storetest.MustOpen(t, dbURL, clock)
		life := lifecycle.New(db)
		school := func(start, end string) []domain.EducationSetting {
			return []domain.EducationSetting{{Name: "Hillside Primary", URN: "123456", Start: domain.MustDate(start), End: domainDate(end)}}
		}
		ids := map[string]domain.ID{}
		for _, k := range []kid{
			{given: "None", dob: "2016-05-01"},
			{given: "Pupil", dob: "2016-05-01", education: school("2021-09-01", "")},
			{given: "Home", dob: "2016-05-01", education: []domain.EducationSetting{{HomeEducated: true, Start: domain.MustDate("2024-01-01")}}},
			{given: "Left", dob: "2016-05-01", education: school("2021-09-01", "2026-11-10")},
			{given: "Toddler", dob: "2023-01-01"},
			{given: "Leaver", dob: "2009-06-01"},
			{given: "Leeds", dob: "2016-05-01", la: leeds, postcode: "LS6 2DE"},
			{given: "Starter", dob: "2021-10-01"}, // fifth birthday October 2026: of school age from 31 December 2026
		} {
			ids[k.given] = create(t, db, k)
		}
		names := func(on string) []string {
			t.Helper()
			es, err := life.MissingEducation(as(dm), sheffield, domain.MustDate(on))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.GivenNames+":"+string(e.Reason))
			}
			return out
		}
		tests := []struct {
			on   string
			want string
		}{
			{"2026-11-24", "None:no-setting"},                    // Left ended 10 school days ago
			{"2026-12-08", "None:no-setting"},                    // 20 school days: still within
			{"2026-12-09", "Left:setting-ended None:no-setting"}, // 21 school days
			{"2027-01-04", "Left:setting-ended None:no-setting Starter:no-setting"},
		}
		for _, tt := range tests {
			if got := strings.Join(names(tt.on), " "); got != tt.want {
				t.Errorf("on %s: %q; want %q", tt.on, got, tt.want)
			}
		}
		if _, err := life.MissingEducation(as(prac), sheffield, domain.Date{}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("practitioner: %v; want forbidden", err)
		}
		if _, err := life.MissingEducation(as(leedsDM), sheffield, domain.Date{}); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("another authority's data manager: %v; want forbidden", err)
		}
		var b bytes.Buffer
		if err := life.WriteMissingEducationCSV(as(dm), &b, sheffield, domain.MustDate("2026-12-09")); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if len(lines) != 3 || lines[0] != strings.Join(store.CMEHeader, ",") || !strings.Contains(lines[1], ",setting-ended,Hillside Primary,2026-11-10,21") {
			t.Errorf("CSV:\n%s", b.String())
		}

		// The nightly job writes the month's reports on the first.
		setDay(clock, "2026-11-30")
		if r, err := life.Run(context.Background(), life.Today()); err != nil || r.Reports != 0 {
			t.Errorf("30th: %+v, %v; want no reports", r, err)
		}
		setDay(clock, "2026-12-01")
		r, err := life.Run(context.Background(), life.Today())
		if err != nil || r.Reports != len(domain.LocalAuthorities()) {
			t.Fatalf("1st: %+v, %v; want a report per authority", r, err)
		}
		if r, _ := life.Run(context.Background(), life.Today()); r.Reports != 0 {
			t.Errorf("second run wrote %d reports again", r.Reports)
		}
		rep, err := db.StoredReport(context.Background(), sheffield, store.ReportCME, "2026-12")
		if err != nil || rep.Rows != 1 || !bytes.Contains(rep.Data, []byte(string(ids["None"]))) {
			t.Errorf("stored report: %+v, %v", rep, err)
		}
	})
}

func domainDate(s string) domain.Date {
	if s == "" {
		return domain.Date{}
	}
	return domain.MustDate(s)
}

func TestMoveTransfersResponsibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, dbURL, clock)
		ctx := context.Background()
		id := create(t, db, kid{given: "Mover", dob: "2016-05-01"})
		sh := &domain.Shield{Reason: "risk", ReviewOn: domain.DateOf(clock.Now()).AddDays(10)}
		if err := db.Shield(ctx, id, sh, func(string) bool { return true }, &domain.AuditEntry{UserID: dm.ID}); err != nil {
			t.Fatal(err)
		}
		e := func() *domain.AuditEntry { return &domain.AuditEntry{UserID: store.SystemID} }

		moved, err := db.ChangeAddress(ctx, id, &domain.ChildAddress{Address: domain.Address{Line1: "2 Otley Road", Town: "Leeds", Postcode: "LS6 3AA"}, LACode: leeds}, e())
		if err != nil || !moved {
			t.Fatalf("move to Leeds: moved %v, %v", moved, err)
		}
		c, _ := db.Child(ctx, id)
		if c.LACode != leeds || len(c.Addresses) != 2 || !c.Addresses[1].To.Equal(domain.DateOf(clock.Now()).AddDays(-1)) {
			t.Errorf("after move: la %s, addresses %+v", c.LACode, c.Addresses)
		}
		ts, _ := db.Transfers(ctx, id)
		if len(ts) != 1 || ts[0].FromLA != sheffield || ts[0].ToLA != leeds {
			t.Errorf("transfers = %+v", ts)
		}
		for la, kind := range map[string]string{sheffield: domain.NotifyTransferOut, leeds: domain.NotifyTransferIn} {
			ns, _ := db.Notifications(ctx, la, true)
			if len(ns) != 1 || ns[0].Kind != kind || ns[0].ChildID != id {
				t.Errorf("%s notifications = %+v; want one %s", la, ns, kind)
			}
		}
		if due, _ := db.ShieldsDue(ctx, leeds, sh.ReviewOn); len(due) != 1 {
			t.Errorf("shield did not move with the child: %+v", due)
		}
		// Found by the new postcode (by the new authority's team).
		cr, _ := search.ParseCriteria(url.Values{"given_names": {"Mover"}, "family_name": {"Testchild"}, "date_of_birth": {"2016-05-01"}, "postcode": {"LS6 3AA"}})
		if res, err := search.New(db).Search(as(leedsDM), cr); err != nil || len(res.Results) != 1 {
			t.Errorf("search by new postcode: %+v, %v", res, err)
		}

		// No known address: stays with the last authority.
		if moved, err := db.ChangeAddress(ctx, id, nil, e()); err != nil || moved {
			t.Errorf("address unknown: moved %v, %v", moved, err)
		}
		c, _ = db.Child(ctx, id)
		if c.LACode != leeds || c.AddressStatus != domain.AddressLastKnown {
			t.Errorf("after address unknown: %s %s", c.LACode, c.AddressStatus)
		}
		if moved, _ := db.UpdateResponsibility(ctx, id); moved {
			t.Error("recompute with no address moved the child")
		}
		// A move within Leeds is not a transfer; back to Sheffield is.
		if moved, _ := db.ChangeAddress(ctx, id, &domain.ChildAddress{Address: domain.Address{Line1: "3 Kirkstall Lane", Postcode: "LS5 3BB"}, LACode: leeds}, e()); moved {
			t.Error("move within Leeds transferred")
		}
		clock.Add(24 * time.Hour)
		if moved, _ := db.ChangeAddress(ctx, id, &domain.ChildAddress{Address: domain.Address{Line1: "1 High Street", Postcode: "S10 1AA"}, LACode: sheffield}, e()); !moved {
			t.Error("move back to Sheffield did not transfer")
		}
		if ts, _ := db.Transfers(ctx, id); len(ts) != 2 || ts[1].ToLA != sheffield {
			t.Errorf("history = %+v; want two transfers", ts)
		}
	})
}

func TestSubjectAccessAndQuality(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, dbURL, clock)
		life := lifecycle.New(db)
		rec := record.New(db)
		id := create(t, db, kid{given: "Sam", dob: "2016-05-01"})
		create(t, db, kid{given: "Pupil", dob: "2016-05-01", education: []domain.EducationSetting{{Name: "Hillside Primary", Start: domain.MustDate("2021-09-01")}}})
		if _, err := rec.View(as(prac), record.ViewRequest{ID: id, Reason: "health-care"}); err != nil {
			t.Fatal(err)
		}
		if _, err := life.SubjectAccess(as(prac), id); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("practitioner: %v; want forbidden", err)
		}
		sa, err := life.SubjectAccess(as(dm), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(sa.Accesses) != 1 || sa.Accesses[0].Organisation != "ContactPoint service (u-prac)" && sa.Accesses[0].Reason != "health-care" {
			t.Errorf("accesses = %+v", sa.Accesses)
		}
		if sa.Accesses[0].Reason != "health-care" {
			t.Errorf("reason = %q", sa.Accesses[0].Reason)
		}
		if a := sa.Child.Addresses[0]; a.Source != "contactpoint" || a.Recorded.IsZero() {
			t.Errorf("address provenance = %+v", a.Provenance)
		}
		q, err := life.Quality(as(dm), sheffield, domain.Date{})
		if err != nil {
			t.Fatal(err)
		}
		if q.Children != 2 || q.WithoutGP != 2 || q.WithoutSchool != 1 || q.AwaitingReview != 0 || len(q.Notes) == 0 {
			t.Errorf("quality = %+v", q)
		}
	})
}
