package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// A database compiles its full multi-row INSERTs once, after the first
// transaction that writes one, and later loads use them (and load the
// same rows).
func TestPooledInsertsPreparedAfterFirstBulkWrite(t *testing.T) {
	db := storetest.MustOpen(t, storetest.SQLiteURL(t), &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
	ctx := context.Background()
	var batches [][]*domain.Child
	var batch []*domain.Child
	if err := gen.People(gen.Config{Children: 300, Seed: 3}, func(p *gen.Person) error {
		c := p.Clone().Child
		batch = append(batch, &c)
		if len(batch) == 100 {
			batches = append(batches, batch)
			batch = nil
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if db.PooledInsertsPrepared() {
		t.Fatal("prepared before any bulk write")
	}
	if err := db.CreateChildren(ctx, batches[0], nil); err != nil { // 100 children: > 500 blocking keys
		t.Fatal(err)
	}
	if db.PooledInsertsPrepared() {
		t.Fatal("prepared inside the first transaction")
	}
	for _, b := range batches[1:] {
		if err := db.CreateChildren(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	if !db.PooledInsertsPrepared() {
		t.Fatal("not prepared after the second bulk transaction")
	}
	if n, err := db.CountChildren(ctx); err != nil || n != 300 {
		t.Fatalf("CountChildren = %d, %v; want 300", n, err)
	}
	for _, b := range batches {
		for _, c := range b {
			got, err := db.Child(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.FamilyName != c.FamilyName || len(got.Identifiers) != len(c.Identifiers) {
				t.Fatalf("child %s read back as %q with %d identifiers; want %q with %d", c.ID, got.FamilyName, len(got.Identifiers), c.FamilyName, len(c.Identifiers))
			}
		}
	}
}
