package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestSourceAuthoritiesAndKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		gro := &domain.Source{Name: "gro", Kind: domain.SourceOther, Organisation: "General Register Office",
			Authoritative: []domain.Authority{domain.AuthorityDeath, domain.AuthorityNames, domain.AuthorityNames, domain.AuthorityDateOfBirth}}
		if err := db.AddSource(ctx, gro); err != nil {
			t.Fatal(err)
		}
		if got, want := domain.JoinAuthorities(gro.Authoritative), "names,date_of_birth,death"; got != want {
			t.Errorf("authoritative: got %q; want %q (ordered, no repeats)", got, want)
		}
		again := &domain.Source{Name: "gro", Kind: domain.SourceOther}
		if err := db.AddSource(ctx, again); err != nil || again.Organisation != "General Register Office" || len(again.Authoritative) != 3 {
			t.Errorf("add again: %v, %+v; want success returning the stored source unchanged", err, again)
		}
		bad := &domain.Source{Name: "x", Kind: domain.SourceOther, Authoritative: []domain.Authority{"shoe_size"}}
		if err := db.AddSource(ctx, bad); domain.ErrorField(err) != "authoritative_for" || !strings.Contains(err.Error(), "date_of_birth") {
			t.Errorf("bad authority: got %v; want an error naming authoritative_for and the allowed values", err)
		}
		org := "HM Passport Office"
		auth := []domain.Authority{domain.AuthorityNames}
		s, err := db.UpdateSource(ctx, "gro", store.SourceChange{Organisation: &org, Authoritative: &auth})
		if err != nil || s.Organisation != org || domain.JoinAuthorities(s.Authoritative) != "names" {
			t.Fatalf("update: %+v, %v", s, err)
		}
		if _, err := db.UpdateSource(ctx, "nope", store.SourceChange{Organisation: &org}); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("update unknown source: got %v; want not found", err)
		}
		all, err := db.Sources(ctx)
		if err != nil || len(all) != 1 || all[0].Organisation != org || all[0].HasKey {
			t.Fatalf("sources: %+v, %v", all, err)
		}

		key, err := db.IssueSourceKey(ctx, "gro")
		if err != nil || !store.IsSourceKey(key) || len(key) < 40 {
			t.Fatalf("issue key: %q, %v", key, err)
		}
		if s, err := db.SourceByKey(ctx, key); err != nil || s.Name != "gro" || !s.HasKey {
			t.Errorf("source by key: %+v, %v; want gro", s, err)
		}
		for _, k := range []string{"", key + "x", key[:len(key)-1], strings.TrimPrefix(key, "cpsk_")} {
			if _, err := db.SourceByKey(ctx, k); domain.ErrorCode(err) != domain.EUnauthorised {
				t.Errorf("source by key %q: got %v; want unauthorised", k, err)
			}
		}
		newKey, err := db.IssueSourceKey(ctx, "gro")
		if err != nil || newKey == key {
			t.Fatalf("re-issue: %q, %v; want a different key", newKey, err)
		}
		if _, err := db.SourceByKey(ctx, key); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("old key after re-issue: got %v; want unauthorised", err)
		}
		if err := db.RevokeSourceKey(ctx, "gro"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SourceByKey(ctx, newKey); domain.ErrorCode(err) != domain.EUnauthorised {
			t.Errorf("key after revoke: got %v; want unauthorised", err)
		}
		if _, err := db.IssueSourceKey(ctx, "nope"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("key for unknown source: got %v; want not found", err)
		}
		entries, err := db.AuditEntries(ctx, domain.AuditFilter{Actions: []domain.Action{store.ActionSourceKeyIssue, store.ActionSourceKeyRevoke, store.ActionSourceUpdate}})
		if err != nil || len(entries) != 4 {
			t.Errorf("audit: %d entries, %v; want update, two issues and a revoke", len(entries), err)
		}
	})
}

func TestFeedBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		if err := db.AddSource(ctx, &domain.Source{Name: "gp", Kind: domain.SourceHealth}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FeedBatch(ctx, "gp", "b1"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("unknown batch: got %v; want not found", err)
		}
		actx := domain.NewContextWithUser(ctx, (&domain.Source{Name: "gp"}).Actor())
		b := &store.FeedBatch{Source: "gp", ID: "b1", BodySHA256: "aa", Summary: json.RawMessage(`{"read":1}`)}
		if err := db.RecordFeedBatch(actx, b, map[string]any{"read": 1}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FeedBatch(ctx, "gp", "b1")
		if err != nil || got.BodySHA256 != "aa" || string(got.Summary) != `{"read":1}` {
			t.Fatalf("batch: %+v, %v", got, err)
		}
		same := &store.FeedBatch{Source: "gp", ID: "b1", BodySHA256: "aa", Summary: json.RawMessage(`{"read":2}`)}
		if err := db.RecordFeedBatch(actx, same, nil); err != nil || string(same.Summary) != `{"read":1}` {
			t.Errorf("same batch again: %s, %v; want the stored summary", same.Summary, err)
		}
		other := &store.FeedBatch{Source: "gp", ID: "b1", BodySHA256: "bb", Summary: json.RawMessage(`{}`)}
		if err := db.RecordFeedBatch(actx, other, nil); domain.ErrorCode(err) != domain.EConflict || !strings.Contains(err.Error(), "b1") {
			t.Errorf("different body: got %v; want a conflict naming b1", err)
		}
		entries, err := db.AuditEntries(ctx, domain.AuditFilter{Actions: []domain.Action{store.ActionFeedBatch}})
		if err != nil || len(entries) != 1 || entries[0].UserID != "source:gp" || entries[0].Detail["batch_id"] != "b1" {
			t.Errorf("audit: %+v, %v; want one entry by source:gp for b1", entries, err)
		}
	})
}

// TestAuthoritativeFor: a register-office-like source, below health in
// precedence, is authoritative for names and date of birth, so its spelling
// and date win over the health record's; gender still comes by precedence.
func TestAuthoritativeFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		for _, s := range []domain.Source{
			{Name: "health", Kind: domain.SourceHealth},
			{Name: "register", Kind: domain.SourceOther, Authoritative: []domain.Authority{domain.AuthorityNames, domain.AuthorityDateOfBirth}},
			{Name: "school", Kind: domain.SourceEducation},
		} {
			if err := db.AddSource(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		h := record(t, db, "health", "H1", feedChild("health", "Amelia", "Jones", "2012-11-30", "LS2 7EW"))
		put(t, db, h, "", false)
		id := h.ChildID
		s := record(t, db, "school", "S1", feedChild("school", "Millie", "Jonse", "2012-11-03", "LS2 7EW"))
		put(t, db, s, id, false)
		c, err := db.Child(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.GivenNames != "Amelia" || c.FamilyName != "Jones" || c.DateOfBirth.String() != "2012-11-30" {
			t.Errorf("without an authoritative source: got %s %s %s; want health's Amelia Jones 2012-11-30", c.GivenNames, c.FamilyName, c.DateOfBirth)
		}
		rc := feedChild("register", "Amélie", "Jones-Smith", "2012-11-29", "LS2 7EW")
		rc.Gender = domain.GenderMale
		r := record(t, db, "register", "R1", rc)
		put(t, db, r, id, false)
		if c, err = db.Child(ctx, id); err != nil {
			t.Fatal(err)
		}
		if c.GivenNames != "Amélie" || c.FamilyName != "Jones-Smith" || c.DateOfBirth.String() != "2012-11-29" {
			t.Errorf("with the register linked: got %s %s %s; want the register's Amélie Jones-Smith 2012-11-29", c.GivenNames, c.FamilyName, c.DateOfBirth)
		}
		if c.Gender != domain.GenderFemale {
			t.Errorf("gender: got %s; want health's female (the register is not authoritative for gender)", c.Gender)
		}
	})
}
