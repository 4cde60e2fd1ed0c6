package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestBulkLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, url string) {
		db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
		ctx := context.Background()
		var people []*gen.Person
		if err := gen.People(gen.Config{Children: 40, Seed: 5}, func(p *gen.Person) error {
			people = append(people, p.Clone())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		children := make([]*domain.Child, len(people))
		for i, p := range people {
			c := p.Clone().Child // the store forgets identifier values once sealed
			c.ID = domain.IDFromNumber(uint64(i) * (domain.IDSpace / uint64(len(people))))
			children[i] = &c
		}
		load, err := db.BeginBulkLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if db.HasIndex("identifiers_hash") {
			t.Error("identifiers_hash still there during the load")
		}
		if err := load.Create(ctx, children[:25], nil); err != nil {
			t.Fatal(err)
		}
		// Cut off here: a new BeginBulkLoad continues the load although
		// the directory is no longer empty.
		if unfinished, err := db.BulkLoadUnfinished(ctx); err != nil || !unfinished {
			t.Fatalf("BulkLoadUnfinished = %v, %v; want true", unfinished, err)
		}
		md, err := db.MatchDataOf(ctx, []domain.ID{children[0].ID})
		if err != nil || len(md) != 1 {
			t.Fatalf("MatchDataOf = %v, %v", md, err)
		}
		keys := match.QueryKeys(md[0].Record())
		if cs, err := db.Candidates(ctx, keys, 10); err != nil || len(cs) != 0 {
			t.Errorf("before Finish, Candidates = %d, %v; want none (keys staged)", len(cs), err)
		}
		if load, err = db.BeginBulkLoad(ctx); err != nil {
			t.Fatalf("continuing a load: %v", err)
		}
		if err := load.Create(ctx, children[25:], nil); err != nil {
			t.Fatal(err)
		}
		st, err := load.Finish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		for _, c := range children {
			m, err := db.MatchDataOf(ctx, []domain.ID{c.ID})
			if err != nil || len(m) != 1 {
				t.Fatalf("MatchDataOf(%s) = %v, %v", c.ID, m, err)
			}
			want += int64(len(match.Keys(m[0].Record())))
		}
		if st.Keys != want {
			t.Errorf("Finish moved %d keys; want %d", st.Keys, want)
		}
		if !db.HasIndex("identifiers_hash") {
			t.Error("identifiers_hash not rebuilt")
		}
		cs, err := db.Candidates(ctx, keys, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || cs[0].ID != children[0].ID {
			t.Errorf("after Finish, Candidates for the first child = %v; want %s first", cs, children[0].ID)
		}
		// Every identifier is found again through the rebuilt index.
		found := 0
		for i, c := range children {
			for _, id := range people[i].Child.Identifiers {
				ids, err := db.ChildrenByIdentifier(ctx, id.Kind, id.Value)
				if err != nil || len(ids) != 1 || ids[0] != c.ID {
					t.Errorf("ChildrenByIdentifier(%s %s) = %v, %v; want [%s]", id.Kind, id.Value, ids, err, c.ID)
				}
				found++
			}
		}
		if found < 10 {
			t.Errorf("only %d identifiers among %d generated children", found, len(children))
		}
		// On PostgreSQL the tables a search reads are vacuumed, so that
		// their visibility map is set before autovacuum (or where it is
		// off) and the keys' index is read without visiting the table.
		if pg := strings.HasPrefix(url, "postgres"); pg != (st.VacuumTook > 0) {
			t.Errorf("Finish on %s: VacuumTook %s", url, st.VacuumTook)
		}
		if strings.HasPrefix(url, "postgres") {
			for _, table := range []string{"child_keys", "child_match", "children", "identifiers"} {
				if !db.Vacuumed(table) {
					t.Errorf("after Finish, %s not vacuumed", table)
				}
			}
		}
		if unfinished, err := db.BulkLoadUnfinished(ctx); err != nil || unfinished {
			t.Errorf("after Finish, BulkLoadUnfinished = %v, %v", unfinished, err)
		}
		if st, err := db.FinishBulkLoad(ctx); err != nil || st.Keys != 0 {
			t.Errorf("FinishBulkLoad with no load = %+v, %v; want nothing done", st, err)
		}
		if _, err := db.BeginBulkLoad(ctx); domain.ErrorCode(err) != domain.EConflict {
			t.Errorf("BeginBulkLoad on a loaded directory = %v; want EConflict", err)
		}
	})
}
