package store_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestImportLinkCache imports the same extracts (three sources, in
// batches, then the same health file again, then a health file with
// newer versions of some records) twice: with what import batches learn
// of their children ahead of their links and the insert queue's selective
// writes, and without them. Every child must end the same: its record,
// items and identifiers, its match data and blocking keys, and the
// source records linked to it.
func TestImportLinkCache(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(context.Background(), gen.Config{Children: 600, Seed: 5, Noise: gen.DefaultNoise()}, dir); err != nil {
		t.Fatal(err)
	}
	// Newer versions of the first 40 health records: a second address
	// line (items replaced) and, for some, another family name (shown
	// names, former names and keys change) or a new home in another
	// authority.
	changed := filepath.Join(dir, "health-v2.csv")
	rewriteCSV(t, filepath.Join(dir, "sources", "health.csv"), changed, func(i int, row map[string]string) {
		if i < 40 {
			row["address_line_2"] = "Flat 9"
			if i%3 == 0 {
				row["family_name"] = row["family_name"] + "-Smith"
			}
			if i%2 == 0 { // a move: responsibility follows where it can
				row["address_line_1"], row["la_code"] = "1 New Road", "E08000019"
				if row["la_code"] == "E08000019" {
					row["la_code"] = "E09000001"
				}
			}
		}
	})
	// Twice each of the first 60 benefits records under other record IDs:
	// imported first, the second of each pair links, in the same batch,
	// to the child the first made.
	twice := filepath.Join(dir, "twice.csv")
	copyCSV(t, filepath.Join(dir, "sources", "benefits.csv"), twice, func(i int, row map[string]string) []map[string]string {
		if i >= 60 {
			return nil
		}
		a, b := maps.Clone(row), maps.Clone(row)
		a["source_record_id"] += "A"
		b["source_record_id"] += "B"
		return []map[string]string{a, b}
	})
	storetest.Each(t, func(t *testing.T, url string) {
		dump := func(cache bool) map[string]string {
			was := store.SetLinkCache(cache)
			defer store.SetLinkCache(was)
			clock := &storetest.Clock{T: gen.DefaultToday.Time().Add(10 * time.Hour)}
			if !cache { // a second, new database
				if strings.HasPrefix(url, "postgres") {
					url = storetest.PostgresURL(t)
				} else {
					url = storetest.SQLiteURL(t)
				}
			}
			db := storetest.MustOpen(t, url, clock)
			steps := []struct{ source, path string }{
				{"youth-justice", twice},
				{"benefits", filepath.Join(dir, "sources", "benefits.csv")},
				{"health", filepath.Join(dir, "sources", "health.csv")},
				{"education", filepath.Join(dir, "sources", "education.csv")},
				{"health", filepath.Join(dir, "sources", "health.csv")},
				{"health", changed},
			}
			for i, st := range steps {
				s := importWith(t, db, clock, st.source, st.path)
				switch i {
				case 0:
					if s.Linked < 50 {
						t.Errorf("cache %v: records twice: linked = %d; want ≥ 50", cache, s.Linked)
					}
				case 4:
					if s.Unchanged != s.Accepted {
						t.Errorf("cache %v: re-import: unchanged = %d; want %d", cache, s.Unchanged, s.Accepted)
					}
				case 5:
					if s.Updated < 30 {
						t.Errorf("cache %v: newer versions: updated = %d; want ≥ 30", cache, s.Updated)
					}
				}
			}
			return dumpChildren(t, db)
		}
		with, without := dump(true), dump(false)
		if len(with) < 500 {
			t.Fatalf("%d children; want ≥ 500", len(with))
		}
		for k, w := range without {
			if g := with[k]; g != w {
				t.Errorf("child of records %s:\n got %s\nwant %s", k, g, w)
			}
		}
		for k := range with {
			if _, ok := without[k]; !ok {
				t.Errorf("child of records %s only with the cache", k)
			}
		}
	})
}

// importWith imports one extract in batches of 150 records.
func importWith(tb testing.TB, db *store.DB, clock *storetest.Clock, source, path string) feed.Summary {
	tb.Helper()
	ctx := context.Background()
	kind := domain.SourceOther
	for _, s := range gen.Sources {
		if s.Name == source {
			kind = s.Kind
		}
	}
	if err := db.AddSource(ctx, &domain.Source{Name: source, Kind: kind}); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := feed.NewReader(path, f)
	if err != nil {
		tb.Fatal(err)
	}
	im := &feed.Importer{DB: db, Source: source, Now: clock.Now, BatchSize: 150}
	s, err := im.Import(ctx, r)
	if err != nil {
		tb.Fatalf("import %s: %v", path, err)
	}
	return s
}

// rewriteCSV copies a feed, letting edit change each data row (by column).
func rewriteCSV(tb testing.TB, from, to string, edit func(i int, row map[string]string)) {
	tb.Helper()
	copyCSV(tb, from, to, func(i int, row map[string]string) []map[string]string {
		edit(i, row)
		return []map[string]string{row}
	})
}

// copyCSV copies a feed, writing for each data row (by column) the rows
// edit returns.
func copyCSV(tb testing.TB, from, to string, edit func(i int, row map[string]string) []map[string]string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	rows, err := csv.NewReader(in).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(out)
	head := rows[0]
	w.Write(head)
	for i, rec := range rows[1:] {
		m := map[string]string{}
		for j, h := range head {
			m[h] = rec[j]
		}
		for _, m := range edit(i, m) {
			out := make([]string, len(head))
			for j, h := range head {
				out[j] = m[h]
			}
			w.Write(out)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}

// dumpChildren describes every child that has source records, keyed by
// the records linked to it (ContactPoint and item IDs are random, so they
// are left out): its record and items in a canonical order, its match
// data, and how many of its own blocking keys find it.
func dumpChildren(tb testing.TB, db *store.DB) map[string]string {
	tb.Helper()
	ctx := context.Background()
	byChild := map[domain.ID][]string{}
	err := db.ExportLinks(ctx, "", &domain.AuditEntry{UserID: "test"}, func(l store.SourceLink) error {
		if l.Status == store.RecordLinked {
			byChild[l.ChildID] = append(byChild[l.ChildID], l.Source+"/"+l.RecordID)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for id, recs := range byChild {
		slices.Sort(recs)
		c, err := db.Child(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		var parts []string
		add := func(name string, v any) {
			b, err := json.Marshal(v)
			if err != nil {
				tb.Fatal(err)
			}
			parts = append(parts, name+"="+string(b))
		}
		items := func(name string, n int, at func(i int) any, clear func(i int)) {
			var s []string
			for i := 0; i < n; i++ {
				clear(i)
				b, _ := json.Marshal(at(i))
				s = append(s, string(b))
			}
			slices.Sort(s)
			parts = append(parts, name+"="+strings.Join(s, ";"))
		}
		items("addresses", len(c.Addresses), func(i int) any { return c.Addresses[i] }, func(i int) { c.Addresses[i].ID = "" })
		items("parents", len(c.Parents), func(i int) any { return c.Parents[i] }, func(i int) { c.Parents[i].ID = "" })
		items("education", len(c.Education), func(i int) any { return c.Education[i] }, func(i int) { c.Education[i].ID = "" })
		items("health", len(c.Health), func(i int) any { return c.Health[i] }, func(i int) { c.Health[i].ID = "" })
		items("involvements", len(c.Involvements), func(i int) any { return c.Involvements[i] }, func(i int) { c.Involvements[i].ID = "" })
		items("identifiers", len(c.Identifiers), func(i int) any { return c.Identifiers[i] }, func(int) {})
		c.ID, c.Addresses, c.Parents, c.Education, c.Health, c.Involvements, c.Identifiers = "", nil, nil, nil, nil, nil, nil
		add("child", c)
		md, err := db.MatchDataOf(ctx, []domain.ID{id})
		if err != nil || len(md) != 1 {
			tb.Fatalf("match data of %s: %v (%d rows)", id, err, len(md))
		}
		add("match", md[0].MatchData)
		keys := match.Keys(md[0].MatchData.Record())
		cands, err := db.Candidates(ctx, keys, 100000)
		if err != nil {
			tb.Fatal(err)
		}
		hits := 0
		for _, cd := range cands {
			if cd.ID == id {
				hits = cd.Hits
			}
		}
		add("keys", []int{len(keys), hits})
		out[strings.Join(recs, ",")] = strings.Join(parts, "\n  ")
	}
	return out
}
