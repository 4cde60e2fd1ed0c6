package feed_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// genToday is the date generated populations are reckoned on; the store's
// clock is set to it so that ages agree.
var genToday = gen.DefaultToday

func genClock() *storetest.Clock {
	return &storetest.Clock{T: genToday.Time().Add(10 * time.Hour)}
}

// generate writes a population of n children with realistic noise.
func generate(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := gen.Write(context.Background(), gen.Config{Children: n, Seed: seed, Noise: gen.DefaultNoise()}, dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// importFile imports one generated extract.
func importFile(tb testing.TB, db *store.DB, clock *storetest.Clock, model match.Model, path, source string) feed.Summary {
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
	im := &feed.Importer{DB: db, Source: source, Model: model, Now: clock.Now}
	s, err := im.Import(ctx, r)
	if err != nil {
		tb.Fatalf("import %s: %v", path, err)
	}
	return s
}

type recKey struct{ source, id string }

// links returns every source record's child ("" in review).
func links(tb testing.TB, db *store.DB) map[recKey]string {
	tb.Helper()
	out := map[recKey]string{}
	err := db.ExportLinks(context.Background(), "", &domain.AuditEntry{UserID: "test"}, func(l store.SourceLink) error {
		out[recKey{l.Source, l.RecordID}] = string(l.ChildID)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func readTruth(tb testing.TB, dir string) map[recKey]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "truth.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	out := map[recKey]string{}
	if _, err := r.Read(); err != nil {
		tb.Fatal(err)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		out[recKey{row[0], row[1]}] = row[2]
	}
	return out
}

// quality compares links with truth over the records of the given sources.
type quality struct {
	Records, Review                int
	Precision, Recall, RecallShown float64 // RecallShown leaves records in review out
	Children, Persons              int
	MixedChildren, TwinsMerged     int // children holding two persons' records; of those, twins
}

func (q quality) String() string {
	return fmt.Sprintf("records=%d review=%d (%.3f%%) precision=%.5f recall=%.5f recall(excl. review)=%.5f children=%d persons=%d mixed=%d twins-merged=%d",
		q.Records, q.Review, 100*float64(q.Review)/float64(max(q.Records, 1)), q.Precision, q.Recall, q.RecallShown,
		q.Children, q.Persons, q.MixedChildren, q.TwinsMerged)
}

func measure(got map[recKey]string, truth map[recKey]string, twinOf map[string]string, sources map[string]bool) quality {
	var q quality
	byChild := map[string]map[string]int{} // child → person → records
	byPerson := map[string]int{}
	byPersonShown := map[string]int{}
	for k, person := range truth {
		if !sources[k.source] {
			continue
		}
		q.Records++
		byPerson[person]++
		child, ok := got[k]
		if !ok || child == "" {
			q.Review++
			continue
		}
		byPersonShown[person]++
		if byChild[child] == nil {
			byChild[child] = map[string]int{}
		}
		byChild[child][person]++
	}
	pairs := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var tp, predicted, actual, actualShown float64
	for _, persons := range byChild {
		n := 0
		for _, c := range persons {
			tp += pairs(c)
			n += c
		}
		predicted += pairs(n)
		if len(persons) > 1 {
			q.MixedChildren++
			twins := false
			for p := range persons {
				for o := range persons {
					if p != o && twinOf[p] != "" && twinOf[p] == twinOf[o] {
						twins = true
					}
				}
			}
			if twins {
				q.TwinsMerged++
			}
		}
	}
	for _, n := range byPerson {
		actual += pairs(n)
	}
	for _, n := range byPersonShown {
		actualShown += pairs(n)
	}
	q.Precision, q.Recall, q.RecallShown = 1, 1, 1
	if predicted > 0 {
		q.Precision = tp / predicted
	}
	if actual > 0 {
		q.Recall = tp / actual
	}
	if actualShown > 0 {
		q.RecallShown = tp / actualShown
	}
	q.Children, q.Persons = len(byChild), len(byPerson)
	return q
}

// multipleBirths maps each person in a multiple birth to its birth's ID.
func multipleBirths(tb testing.TB, n int, seed uint64) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := gen.People(gen.Config{Children: n, Seed: seed}, func(p *gen.Person) error {
		if p.MultipleBirthID != "" {
			out[p.PersonID] = p.MultipleBirthID
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestQuality imports generated extracts and measures the links against
// the truth. It runs on a small population always; set
// CONTACTPOINT_QUALITY_CHILDREN (say 100000) for the benchmark figures,
// CONTACTPOINT_QUALITY_DB=postgres to run it on PostgreSQL, and
// CONTACTPOINT_QUALITY_SOURCES=all to import all five extracts.
func TestQuality(t *testing.T) {
	n := 2000
	if s := os.Getenv("CONTACTPOINT_QUALITY_CHILDREN"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	const seed = 7
	start := time.Now()
	dir := generate(t, n, seed)
	t.Logf("generated %d children in %s", n, time.Since(start).Round(time.Millisecond))
	url := storetest.SQLiteURL(t)
	if os.Getenv("CONTACTPOINT_QUALITY_DB") == "postgres" {
		url = storetest.PostgresURL(t)
	}
	clock := genClock()
	db := storetest.MustOpen(t, url, clock)
	sources := []string{"benefits", "health", "education"}
	if os.Getenv("CONTACTPOINT_QUALITY_SOURCES") == "all" {
		sources = []string{"benefits", "health", "education", "local-authority", "youth-justice"}
	}
	model := feed.ImportModel()
	in := map[string]bool{}
	total, elapsed := 0, time.Duration(0)
	for _, src := range sources {
		start := time.Now()
		s := importFile(t, db, clock, model, filepath.Join(dir, "sources", src+".csv"), src)
		d := time.Since(start)
		elapsed += d
		total += s.Read
		in[src] = true
		t.Logf("%-16s %s unchanged=%d updated=%d warnings=%d in %s (%.0f records/s)", src, s.String(), s.Unchanged, s.Updated,
			len(s.Warnings), d.Round(time.Millisecond), float64(s.Read)/d.Seconds())
	}
	t.Logf("imported %d records in %s: %.0f records/s", total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	q := measure(links(t, db), readTruth(t, dir), multipleBirths(t, n, seed), in)
	t.Logf("%s", q)
	if q.TwinsMerged != 0 {
		t.Errorf("twins merged: %d; want 0", q.TwinsMerged)
	}
	if q.Precision < 0.999 {
		t.Errorf("precision %.5f; want ≥ 0.999", q.Precision)
	}
	if q.Recall < 0.99 {
		t.Errorf("recall %.5f; want ≥ 0.99", q.Recall)
	}
	if share := float64(q.Review) / float64(q.Records); share > 0.01 {
		t.Errorf("review share %.4f; want ≤ 0.01", share)
	}
}
