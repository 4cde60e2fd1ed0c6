package feed_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// generateIn is generate into dir, or nothing when dir already holds the
// extracts of the same population (its stamp file says so), so that repeated
// quality runs at 100,000 children generate once.
func generateIn(tb testing.TB, dir string, n int, seed uint64) {
	tb.Helper()
	stampPath := filepath.Join(dir, "population.txt")
	stamp := fmt.Sprintf("children=%d seed=%d\n", n, seed)
	if b, err := os.ReadFile(stampPath); err == nil && string(b) == stamp {
		return
	}
	if err := os.RemoveAll(filepath.Join(dir, "sources")); err != nil {
		tb.Fatal(err)
	}
	if _, err := gen.Write(context.Background(), gen.Config{Children: n, Seed: seed, Noise: gen.DefaultNoise()}, dir); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(stampPath, []byte(stamp), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// openExtract registers the generated extract's source and opens it.
func openExtract(tb testing.TB, db *store.DB, path, source string) feed.Reader {
	tb.Helper()
	kind := domain.SourceOther
	for _, s := range gen.Sources {
		if s.Name == source {
			kind = s.Kind
		}
	}
	if err := db.AddSource(context.Background(), &domain.Source{Name: source, Kind: kind}); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	r, err := feed.NewReader(path, f)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// importFile imports one generated extract.
func importFile(tb testing.TB, db *store.DB, clock *storetest.Clock, model match.Model, path, source string) feed.Summary {
	tb.Helper()
	im := &feed.Importer{DB: db, Source: source, Model: model, Now: clock.Now}
	s, err := im.Import(context.Background(), openExtract(tb, db, path, source))
	if err != nil {
		tb.Fatalf("import %s: %v", path, err)
	}
	return s
}

// trainOn estimates the import model from the directory and the feed at
// path (feed.Train), logging what it measured and the weights.
func trainOn(tb testing.TB, db *store.DB, clock *storetest.Clock, path, source string) match.Model {
	tb.Helper()
	r := openExtract(tb, db, path, source)
	model, rep, err := feed.Train(context.Background(), db, r, feed.TrainOptions{Source: source, Now: clock.Now, Seed: 1})
	if err != nil {
		tb.Fatalf("train on %s: %v", path, err)
	}
	tb.Logf("train: %+v", rep)
	for f := match.Field(0); f < match.NumFields; f++ {
		var line []string
		for l := match.Level(1); l < match.MaxLevels; l++ {
			if model.M[f][l] != 0 || model.U[f][l] != 0 {
				line = append(line, fmt.Sprintf("%s m=%.4f u=%.3g w=%+.1f", match.LevelName(f, l), model.M[f][l], model.U[f][l], model.Weight(f, l)))
			}
		}
		tb.Logf("  %s: %s", f, strings.Join(line, "; "))
	}
	return model
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

// onlyMultipleBirths writes, under dir/multiple-births, the extracts of
// sources and the truth restricted to the records of children of multiple
// births (twinOf), and returns that directory. At a million children
// their import takes minutes where the whole population's takes hours,
// which makes it the quick check of the rule that twins are never merged
// (without the namesakes a whole directory adds).
func onlyMultipleBirths(tb testing.TB, dir string, sources []string, truth map[recKey]string, twinOf map[string]string) string {
	tb.Helper()
	out := filepath.Join(dir, "multiple-births")
	if err := os.MkdirAll(filepath.Join(out, "sources"), 0o755); err != nil {
		tb.Fatal(err)
	}
	filter := func(in, to string, keep func(row []string) bool) {
		f, err := os.Open(in)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		g, err := os.Create(to)
		if err != nil {
			tb.Fatal(err)
		}
		r, w := csv.NewReader(f), csv.NewWriter(g)
		r.FieldsPerRecord = -1
		for first := true; ; first = false {
			row, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			if first || keep(row) {
				if err := w.Write(row); err != nil {
					tb.Fatal(err)
				}
			}
		}
		w.Flush()
		if err := errors.Join(w.Error(), g.Close()); err != nil {
			tb.Fatal(err)
		}
	}
	for _, src := range sources {
		in := filepath.Join(dir, "sources", src+".csv")
		f, err := os.Open(in)
		if err != nil {
			tb.Fatal(err)
		}
		header, err := csv.NewReader(f).Read()
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		id := slices.Index(header, "source_record_id")
		if id < 0 {
			tb.Fatalf("%s: no source_record_id column", in)
		}
		filter(in, filepath.Join(out, "sources", src+".csv"), func(row []string) bool {
			return id < len(row) && twinOf[truth[recKey{src, row[id]}]] != ""
		})
	}
	filter(filepath.Join(dir, "truth.csv"), filepath.Join(out, "truth.csv"), func(row []string) bool {
		return len(row) == 3 && twinOf[row[2]] != ""
	})
	return out
}

// TestQuality imports generated extracts and measures the links against
// the truth. It runs on a small population always; set
// CONTACTPOINT_QUALITY_CHILDREN (say 100000) for the benchmark figures,
// CONTACTPOINT_QUALITY_DB=postgres to run it on PostgreSQL,
// CONTACTPOINT_QUALITY_SOURCES=all to import all five extracts (or a
// comma-separated list of them, in import order),
// CONTACTPOINT_QUALITY_DIR to a directory to generate the extracts once and
// reuse them, CONTACTPOINT_QUALITY_DUMP to a file to write every wrong
// link and missed link there with the records and their comparison, and
// CONTACTPOINT_QUALITY_ONLY=multiple-births to import only the records of
// twins and triplets (onlyMultipleBirths).
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
	dir := os.Getenv("CONTACTPOINT_QUALITY_DIR")
	if dir == "" {
		dir = generate(t, n, seed)
	} else {
		generateIn(t, dir, n, seed)
	}
	t.Logf("generated %d children in %s", n, time.Since(start).Round(time.Millisecond))
	twinOf := multipleBirths(t, n, seed)
	url := storetest.SQLiteURL(t)
	if os.Getenv("CONTACTPOINT_QUALITY_DB") == "postgres" {
		url = storetest.PostgresURL(t)
	}
	clock := genClock()
	db := storetest.MustOpen(t, url, clock)
	sources := []string{"benefits", "health", "education"}
	switch v := os.Getenv("CONTACTPOINT_QUALITY_SOURCES"); v {
	case "":
	case "all":
		sources = []string{"benefits", "health", "education", "local-authority", "youth-justice"}
	default:
		sources = strings.Split(v, ",")
	}
	switch v := os.Getenv("CONTACTPOINT_QUALITY_ONLY"); v {
	case "":
	case "multiple-births":
		dir = onlyMultipleBirths(t, dir, sources, readTruth(t, dir), twinOf)
	default:
		t.Fatalf("CONTACTPOINT_QUALITY_ONLY=%q: want multiple-births", v)
	}
	model := feed.ImportModel()
	in := map[string]bool{}
	total, elapsed := 0, time.Duration(0)
	train := os.Getenv("CONTACTPOINT_QUALITY_TRAIN") != ""
	for i, src := range sources {
		path := filepath.Join(dir, "sources", src+".csv")
		if train && i == 1 {
			// The directory holds the first source's children: train on
			// the second's feed before importing it, as an operator would.
			start := time.Now()
			model = trainOn(t, db, clock, path, src)
			t.Logf("trained on %s in %s", src, time.Since(start).Round(time.Millisecond))
		}
		start := time.Now()
		s := importFile(t, db, clock, model, path, src)
		d := time.Since(start)
		elapsed += d
		total += s.Read
		in[src] = true
		t.Logf("%-16s %s unchanged=%d updated=%d warnings=%d in %s (%.0f records/s)", src, s.String(), s.Unchanged, s.Updated,
			len(s.Warnings), d.Round(time.Millisecond), float64(s.Read)/d.Seconds())
	}
	t.Logf("imported %d records in %s: %.0f records/s", total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	got, truth := links(t, db), readTruth(t, dir)
	q := measure(got, truth, twinOf, in)
	t.Logf("%s", q)
	if path := os.Getenv("CONTACTPOINT_QUALITY_DUMP"); path != "" {
		dumpErrors(t, db, path, dir, &model, got, truth, twinOf, sources)
	}
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

// dumpRec is a source record as the quality dump shows it.
type dumpRec struct {
	key    recKey
	order  int // import order: source, then line
	person string
	child  string // "" in review
	p      *feed.Parsed
	m      match.Record
}

func (r *dumpRec) String() string {
	c := &r.p.Child
	child := r.child
	if child == "" {
		child = "REVIEW"
	}
	return fmt.Sprintf("%s/%s person=%s child=%s given=%q family=%q former=%q dob=%s gender=%s postcodes=%q nhs=%s upn=%s la=%s",
		r.key.source, r.key.id, r.person, child, c.GivenNames, c.FamilyName, c.FormerFamilyNames, c.DateOfBirth,
		c.Gender, r.m.Postcodes, r.p.NHSNumber, r.p.UPN, c.LACode)
}

// loadRecords reads the generated extracts of sources as the importer
// validates them.
func loadRecords(tb testing.TB, dir string, sources []string) map[recKey]*dumpRec {
	tb.Helper()
	out := map[recKey]*dumpRec{}
	for si, src := range sources {
		path := filepath.Join(dir, "sources", src+".csv")
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := feed.NewReader(path, f)
		if err != nil {
			tb.Fatal(err)
		}
		for {
			rec, line, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue // rejected rows are not in the truth's links
			}
			p, _, err := feed.Validate(rec, line, src, genToday)
			if err != nil {
				continue
			}
			m := match.Record{GivenNames: p.Child.GivenNames, FamilyName: p.Child.FamilyName,
				FormerFamilyNames: p.Child.FormerFamilyNames, DateOfBirth: p.Child.DateOfBirth, Gender: p.Child.Gender}
			for _, current := range []bool{true, false} {
				for _, a := range p.Child.Addresses {
					if a.To.IsZero() == current && a.Postcode != "" {
						m.Postcodes = append(m.Postcodes, a.Postcode)
					}
				}
			}
			if p.NHSNumber != "" {
				m.Identifiers = append(m.Identifiers, string(domain.IdentifierNHS)+":"+p.NHSNumber)
			}
			if p.UPN != "" {
				m.Identifiers = append(m.Identifiers, string(domain.IdentifierUPN)+":"+p.UPN)
			}
			k := recKey{src, p.SourceRecordID}
			out[k] = &dumpRec{key: k, order: si<<32 | line, p: p, m: m}
		}
		f.Close()
	}
	return out
}

var levelNames = [match.NumFields][]string{
	match.FieldGiven:      {"missing", "exact", "nickname", "middle", "phonetic", "jw92", "jw85", "initial", "disagree"},
	match.FieldFamily:     {"missing", "exact", "part", "phonetic", "jw92", "jw85", "swapped", "disagree"},
	match.FieldDOB:        {"missing", "exact", "transposed", "one-day", "year-month", "year", "disagree"},
	match.FieldGender:     {"missing", "agree", "disagree"},
	match.FieldPostcode:   {"missing", "exact", "previous", "district", "area", "disagree"},
	match.FieldIdentifier: {"missing", "agree", "disagree"},
}

// pattern is a vector's levels by name.
func pattern(v match.Vector) string {
	var b []byte
	for f := match.Field(0); f < match.NumFields; f++ {
		if f > 0 {
			b = append(b, ' ')
		}
		b = fmt.Appendf(b, "%s=%s", f, levelNames[f][v.Levels[f]])
	}
	return string(b)
}

// sharesKey reports whether either record would find the other by
// blocking keys (one's query keys among the other's stored keys).
func sharesKey(a, b match.Record) bool {
	meets := func(q, s []string) bool {
		set := map[string]bool{}
		for _, k := range s {
			set[k] = true
		}
		for _, k := range q {
			if set[k] {
				return true
			}
		}
		return false
	}
	return meets(match.QueryKeys(a), match.Keys(b)) || meets(match.QueryKeys(b), match.Keys(a))
}

// comparison describes the pair: levels with weights, total, probability,
// the model's classification and whether blocking brings them together.
func comparison(model *match.Model, a, b *dumpRec) (string, string) {
	v := match.Compare(a.m, b.m)
	var s []byte
	for f := match.Field(0); f < match.NumFields; f++ {
		s = fmt.Appendf(s, "%s=%s(%+.1f) ", f, levelNames[f][v.Levels[f]], model.Weight(f, v.Levels[f]))
	}
	d, p := model.Classify(v)
	s = fmt.Appendf(s, "total=%+.1f p=%.4f classify=%s blocked-together=%v", model.MatchWeight(v), p, d, sharesKey(a.m, b.m))
	return string(s), pattern(v)
}

// dumpErrors writes to path every merged pair of twins, every wrong link
// and every missed link (records of one child left in review or split
// between children), each with both records and their comparison, then
// every review item with its reason and candidates (RIGHT marks a candidate
// holding the record's person), then the commonest patterns of each kind.
func dumpErrors(tb testing.TB, db *store.DB, path, dir string, model *match.Model, got, truth map[recKey]string, twinOf map[string]string, sources []string) {
	tb.Helper()
	recs := loadRecords(tb, dir, sources)
	byChild := map[string][]*dumpRec{}
	byPerson := map[string][]*dumpRec{}
	for k, r := range recs {
		person, ok := truth[k]
		if !ok {
			continue
		}
		r.person, r.child = person, got[k]
		byPerson[person] = append(byPerson[person], r)
		if r.child != "" {
			byChild[r.child] = append(byChild[r.child], r)
		}
	}
	sortRecs := func(rs []*dumpRec) {
		slices.SortFunc(rs, func(a, b *dumpRec) int { return a.order - b.order })
	}
	var out []byte
	patterns := map[string]map[string]int{}
	count := func(kind, pat string) {
		if patterns[kind] == nil {
			patterns[kind] = map[string]int{}
		}
		patterns[kind][pat]++
	}
	pair := func(kind string, a, b *dumpRec) {
		c, pat := comparison(model, a, b)
		count(kind, pat)
		out = fmt.Appendf(out, "%s\n  A %s\n  B %s\n  %s\n", kind, a, b, c)
	}
	children := slices.Sorted(maps.Keys(byChild))
	for _, child := range children {
		rs := byChild[child]
		sortRecs(rs)
		for i, a := range rs {
			for _, b := range rs[i+1:] {
				if a.person == b.person {
					continue
				}
				kind := "WRONG-LINK"
				if twinOf[a.person] != "" && twinOf[a.person] == twinOf[b.person] {
					kind = "TWINS-MERGED"
				}
				pair(kind, a, b)
			}
		}
	}
	for _, person := range slices.Sorted(maps.Keys(byPerson)) {
		rs := byPerson[person]
		sortRecs(rs)
		for i, a := range rs {
			for _, b := range rs[i+1:] {
				switch {
				case a.child == "" || b.child == "":
					pair("MISSED-REVIEW", a, b)
				case a.child != b.child:
					pair("MISSED-SPLIT", a, b)
				}
			}
		}
	}
	items, err := db.ReviewList(context.Background(), "")
	if err != nil {
		tb.Fatal(err)
	}
	persons := map[string][]string{} // child → persons
	for k, child := range got {
		if child != "" && !slices.Contains(persons[child], truth[k]) {
			persons[child] = append(persons[child], truth[k])
		}
	}
	for _, it := range items {
		r := recs[recKey{it.Source, it.RecordID}]
		if r == nil {
			continue
		}
		right := "right-absent"
		if len(byPerson[r.person]) == 1 {
			right = "alone"
		}
		out = fmt.Appendf(out, "REVIEW %q\n  R %s\n", it.Reason, r)
		for _, c := range it.Candidates {
			mark := ""
			ps := persons[string(c.ChildID)]
			var levels []byte
			for i, f := range c.Fields {
				levels = fmt.Appendf(levels, "%s=%s(%+.1f) ", f.Field, levelNames[i][f.Level], f.Weight)
			}
			if slices.Contains(ps, r.person) {
				mark = " RIGHT"
				right = "right-" + c.Decision + " " + string(levels)
			}
			out = fmt.Appendf(out, "  C%s %s persons=%v decision=%s p=%.4f weight=%+.1f %s\n", mark, c.ChildID, ps, c.Decision, c.Probability, c.Weight, levels)
			for _, o := range byChild[string(c.ChildID)] {
				out = fmt.Appendf(out, "      %s\n", o)
			}
		}
		count("REVIEW "+it.Reason, right)
	}
	out = append(out, "\nPATTERNS\n"...)
	for _, kind := range slices.Sorted(maps.Keys(patterns)) {
		ps := patterns[kind]
		keys := slices.SortedFunc(maps.Keys(ps), func(a, b string) int { return ps[b] - ps[a] })
		total := 0
		for _, n := range ps {
			total += n
		}
		out = fmt.Appendf(out, "%s: %d pairs\n", kind, total)
		for _, k := range keys {
			out = fmt.Appendf(out, "  %5d %s\n", ps[k], k)
		}
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("wrote the wrong and missed links to %s", path)
}
