package store_test

import (
	"context"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// feedChild is what a source record might say.
func feedChild(source, given, family, dob, postcode string) *domain.Child {
	prov := domain.Provenance{Source: source}
	return &domain.Child{GivenNames: given, FamilyName: family, Gender: domain.GenderFemale,
		DateOfBirth: domain.MustDate(dob), AddressStatus: domain.AddressCurrent, LACode: "E08000035",
		Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Town: "Leeds", Postcode: postcode}, LACode: "E08000035", Provenance: prov}},
		Education: []domain.EducationSetting{{Name: source + " school", Provenance: prov}}}
}

// put writes one record in a batch of its own: created when child is
// empty, else linked to child.
func put(t *testing.T, db *store.DB, r *store.SourceRecord, child domain.ID, hold bool) {
	t.Helper()
	err := db.ImportBatch(context.Background(), r.Source, nil, func(b *store.Batch) (map[string]any, error) {
		switch {
		case hold:
			return nil, b.Hold(r, &store.ReviewItem{Reason: "possible match", Candidates: []store.ReviewCandidate{{ChildID: child, Probability: 0.7}}})
		case child == "":
			return nil, b.Create(r)
		}
		return nil, b.Link(r, child)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func record(t *testing.T, db *store.DB, source, id string, c *domain.Child) *store.SourceRecord {
	t.Helper()
	r, err := db.NewSourceRecord(source, id, "", "", c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReviewAndMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, storetest.NewClock())
		for _, s := range []domain.Source{{Name: "health", Kind: domain.SourceHealth}, {Name: "education", Kind: domain.SourceEducation}} {
			if err := db.AddSource(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		h := record(t, db, "health", "H1", feedChild("health", "Amelia", "Jones", "2012-11-30", "LS2 7EW"))
		put(t, db, h, "", false)
		a := h.ChildID
		e := record(t, db, "education", "E1", feedChild("education", "Millie", "Jones", "2012-11-30", "LS2 7EW"))
		put(t, db, e, a, true)

		items, err := db.ReviewList(ctx, "E08000035")
		if err != nil || len(items) != 1 {
			t.Fatalf("review list: got %d items, %v; want 1", len(items), err)
		}
		if got, want := items[0].RecordID, "E1"; got != want {
			t.Errorf("record ID: got %q; want %q", got, want)
		}
		if _, err := db.DecideReview(ctx, items[0].ID, store.ReviewDecision{Action: "maybe"}); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("bad decision: got %v; want EInvalid", err)
		}
		// Decided new: a second child, which the data manager later finds
		// is Amelia after all and merges.
		b, err := db.DecideReview(ctx, items[0].ID, store.ReviewDecision{Action: store.DecideNew})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideReview(ctx, items[0].ID, store.ReviewDecision{Action: store.DecideNew}); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("decided twice: got %v; want EConflict", err)
		}
		if items, _ := db.ReviewList(ctx, ""); len(items) != 0 {
			t.Errorf("open items after decision: got %d; want 0", len(items))
		}
		if n, _ := db.ChildCount(ctx); n != 2 {
			t.Errorf("children: got %d; want 2", n)
		}

		mid, err := db.MergeChildren(ctx, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := db.ChildCount(ctx); n != 1 {
			t.Errorf("children after merge: got %d; want 1", n)
		}
		kept, err := db.Child(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(kept.Education), 2; got != want {
			t.Errorf("kept child's schools: got %d; want %d", got, want)
		}
		if got, want := kept.GivenNames, "Amelia"; got != want { // health outranks education
			t.Errorf("shown given names: got %q; want %q", got, want)
		}
		got := map[string]domain.ID{}
		db.ExportLinks(ctx, "", &domain.AuditEntry{UserID: "test"}, func(l store.SourceLink) error {
			got[l.RecordID] = l.ChildID
			return nil
		})
		if got["H1"] != a || got["E1"] != a {
			t.Errorf("links after merge: got %v; want both on %s", got, a)
		}
		if _, err := db.MergeChildren(ctx, a, b); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("merge again: got %v; want EConflict", err)
		}

		if err := db.UnmergeChildren(ctx, mid); err != nil {
			t.Fatal(err)
		}
		if err := db.UnmergeChildren(ctx, mid); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("unmerge again: got %v; want EConflict", err)
		}
		if n, _ := db.ChildCount(ctx); n != 2 {
			t.Errorf("children after unmerge: got %d; want 2", n)
		}
		back, err := db.Child(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Education) != 1 || back.Education[0].Name != "education school" || back.GivenNames != "Millie" {
			t.Errorf("restored child: got %q with %v; want Millie with the education school", back.GivenNames, back.Education)
		}
		got = map[string]domain.ID{}
		db.ExportLinks(ctx, "", &domain.AuditEntry{UserID: "test"}, func(l store.SourceLink) error {
			got[l.RecordID] = l.ChildID
			return nil
		})
		if got["H1"] != a || got["E1"] != b {
			t.Errorf("links after unmerge: got %v; want H1 on %s, E1 on %s", got, a, b)
		}
		hist, err := db.Merges(ctx, b)
		if err != nil || len(hist) != 1 || hist[0].UnmergedAt.IsZero() {
			t.Errorf("history: got %+v, %v; want one undone merge", hist, err)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("audit: %v", err)
		}
	})
}
