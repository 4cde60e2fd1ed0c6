package match

import (
	"testing"
)

var sinkF float64

func BenchmarkScore(b *testing.B) {
	model := DefaultModel()
	q := Record{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: candidates()[0].DateOfBirth,
		Postcodes: []string{"M1 1AE"}}
	c := candidates()[1]
	b.ReportAllocs()
	for b.Loop() {
		sinkF = Score(q, c, &model)
	}
}

// BenchmarkScorePrepared scores one prepared query against 300 prepared
// candidates, as search does.
func BenchmarkScorePrepared300(b *testing.B) {
	model := DefaultModel()
	q := Prepare(Record{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: candidates()[0].DateOfBirth,
		Postcodes: []string{"M1 1AE"}})
	cs := candidates()
	var ps []*Prepared
	for i := 0; i < 300; i++ {
		ps = append(ps, Prepare(cs[i%len(cs)]))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range ps {
			sinkF = ScorePrepared(q, p, &model)
		}
	}
}

// BenchmarkClassify compares and decides one prepared source record
// against one prepared candidate, as import does.
func BenchmarkClassify(b *testing.B) {
	model := DefaultModel()
	cs := candidates()
	q, c := Prepare(cs[0]), Prepare(cs[1])
	b.ReportAllocs()
	for b.Loop() {
		_, sinkF = model.Classify(ComparePrepared(q, c))
	}
}

func BenchmarkPrepare(b *testing.B) {
	r := trueChild()
	b.ReportAllocs()
	for b.Loop() {
		_ = Prepare(r)
	}
}

func BenchmarkKeys(b *testing.B) {
	r := trueChild()
	b.ReportAllocs()
	for b.Loop() {
		_ = Keys(r)
	}
}

func BenchmarkQueryKeys(b *testing.B) {
	r := trueChild()
	b.ReportAllocs()
	for b.Loop() {
		_ = QueryKeys(r)
	}
}

func BenchmarkDoubleMetaphone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = metaphone("CATHERINE")
	}
}

func BenchmarkJaroWinkler(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkF = JaroWinkler("CATHERINE", "KATHRYN")
	}
}

func BenchmarkDamerauLevenshtein(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkF = float64(DamerauLevenshtein("CATHERINE", "KATHRYN"))
	}
}

func BenchmarkName(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Name("Wiśniewski-O'Neill")
	}
}
