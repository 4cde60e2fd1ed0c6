package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestLoadSpeed loads generated children with CreateChildren, as the
// search benchmark does, and reports children/s. It loads 5,000 children
// always; set CONTACTPOINT_LOAD_CHILDREN (say 1000000) for the benchmark
// figures, CONTACTPOINT_LOAD_BATCH for the batch size (2,000 by default)
// CONTACTPOINT_LOAD_ROWS for the rows per multi-row INSERT,
// CONTACTPOINT_LOAD_DB=postgres to run it on PostgreSQL, and
// CONTACTPOINT_LOAD_BULK=1 to load as the search benchmark does (a bulk
// load, IDs in increasing order; the time then includes Finish).
func TestLoadSpeed(t *testing.T) {
	n, size := 5000, 2000
	if s := os.Getenv("CONTACTPOINT_LOAD_CHILDREN"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("CONTACTPOINT_LOAD_BATCH"); s != "" {
		size, _ = strconv.Atoi(s)
	}
	if s := os.Getenv("CONTACTPOINT_LOAD_ROWS"); s != "" {
		rows, _ := strconv.Atoi(s)
		store.SetBulkRows(rows)
	}
	url := storetest.SQLiteURL(t)
	if os.Getenv("CONTACTPOINT_LOAD_DB") == "postgres" {
		url = storetest.PostgresURL(t)
	}
	db := storetest.MustOpen(t, url, &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)})
	ctx := context.Background()
	bulk := os.Getenv("CONTACTPOINT_LOAD_BULK") == "1"
	create := db.CreateChildren
	if bulk {
		load, err := db.BeginBulkLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		create = load.Create
	}
	batch := make([]*domain.Child, 0, size)
	var elapsed time.Duration
	flush := func() error {
		start := time.Now()
		err := create(ctx, batch, nil)
		elapsed += time.Since(start)
		batch = batch[:0]
		return err
	}
	loaded := 0
	err := gen.People(gen.Config{Children: n, Seed: 11}, func(p *gen.Person) error {
		c := p.Clone().Child
		c.Identifiers = append(c.Identifiers, domain.Identifier{Kind: domain.IdentifierSourceRecord, Source: "truth", Value: p.PersonID})
		if bulk {
			c.ID = domain.IDFromNumber(uint64(loaded) * (domain.IDSpace / uint64(n)))
		}
		loaded++
		batch = append(batch, &c)
		if len(batch) == size {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	if bulk {
		start := time.Now()
		st, err := db.FinishBulkLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		elapsed += time.Since(start)
		t.Logf("finish: %d keys moved in %s, indexes built in %s, total %s", st.Keys,
			st.KeysTook.Round(time.Millisecond), st.IndexesTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
	got, err := db.CountChildren(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("children = %d; want %d", got, n)
	}
	t.Logf("%s: %d children in %s: %.0f children/s (store time only, batches of %d, bulk %v)",
		db.Dialect(), n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), size, bulk)
}
