package store_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestModelsSaveAndLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clock := storetest.NewClock()
		db := storetest.MustOpen(t, url, clock)
		if _, err := db.LatestModel(ctx, "import"); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("latest of none: got %v; want not found", err)
		}
		first := match.DefaultModel()
		first.Lambda = 1e-6
		if err := db.SaveModel(ctx, &store.MatchModel{Name: "import", Model: first, Report: json.RawMessage(`{"records":10}`)}); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
		second := first
		second.M[match.FieldDOB][match.DOBDisagree] = 0.004
		second.Lambda = 2e-6
		second.Coverage = 0.95 // kept with the model
		saved := &store.MatchModel{Name: "import", Model: second}
		if err := db.SaveModel(ctx, saved); err != nil {
			t.Fatal(err)
		}
		if !saved.TrainedAt.Equal(clock.Now()) {
			t.Errorf("trained at %v; want the clock's %v", saved.TrainedAt, clock.Now())
		}
		got, err := db.LatestModel(ctx, "import")
		if err != nil {
			t.Fatal(err)
		}
		if got.Model != second || string(got.Report) != "{}" {
			t.Errorf("latest = %+v (report %s); want the second model with an empty report", got.Model, got.Report)
		}
		if err := db.SaveModel(ctx, &store.MatchModel{Model: first}); domain.ErrorField(err) != "name" {
			t.Errorf("save without a name: got %v; want an error naming name", err)
		}
		entries, err := db.AuditEntries(ctx, domain.AuditFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == store.ActionModelTrained {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d model-trained audit entries; want 2", n)
		}
	})
}

func TestSampleChildren(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		cs := storetest.Generated(t, db, 300, 5)
		byID := map[domain.ID]*domain.Child{}
		for _, c := range cs {
			byID[c.ID] = c
		}
		got, err := db.SampleChildren(ctx, 100, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 60 {
			t.Fatalf("sampled %d children of 300; want close to 100", len(got))
		}
		seen := map[domain.ID]bool{}
		for _, c := range got {
			want, ok := byID[c.ID]
			if !ok || seen[c.ID] {
				t.Fatalf("sampled %s: in the directory %v, seen before %v", c.ID, ok, seen[c.ID])
			}
			seen[c.ID] = true
			if c.GivenNames != want.GivenNames || !c.DateOfBirth.Equal(want.DateOfBirth) {
				t.Errorf("sampled %s as %s %s; want %s %s", c.ID, c.GivenNames, c.DateOfBirth, want.GivenNames, want.DateOfBirth)
			}
		}
		// More than the directory holds: each child at most once.
		all, err := db.SampleChildren(ctx, 1000, rand.New(rand.NewPCG(3, 4)))
		if err != nil || len(all) > 300 || len(all) < 250 {
			t.Errorf("sample 1,000 of 300: %d, %v; want most of the 300, none twice", len(all), err)
		}
	})
}
