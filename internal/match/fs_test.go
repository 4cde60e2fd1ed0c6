package match

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
)

func TestDefaultModelIsDistribution(t *testing.T) {
	m := DefaultModel()
	for f := range NumFields {
		var sm, su float64
		for l := 1; l < numLevels[f]; l++ {
			sm += m.M[f][l]
			su += m.U[f][l]
		}
		if math.Abs(sm-1) > 1e-6 || math.Abs(su-1) > 1e-6 {
			t.Errorf("%s: m sums to %v, u to %v; want 1", f, sm, su)
		}
	}
}

func TestWeight(t *testing.T) {
	m := DefaultModel()
	if w := m.Weight(FieldGiven, GivenMissing); w != 0 {
		t.Errorf("missing weight = %v; want 0", w)
	}
	if w := m.Weight(FieldDOB, DOBExact); w < 10 {
		t.Errorf("DOB exact weight = %v; want > 10", w)
	}
	if w := m.Weight(FieldDOB, DOBDisagree); w > -4 {
		t.Errorf("DOB disagree weight = %v; want < -4", w)
	}
	smith := m.WeightTF(FieldFamily, FamilyExact, 0.012)
	rare := m.WeightTF(FieldFamily, FamilyExact, 0.00001)
	plain := m.Weight(FieldFamily, FamilyExact)
	if !(smith < plain && plain < rare) {
		t.Errorf("TF weights SMITH %v, plain %v, rare %v; want increasing", smith, plain, rare)
	}
	if got, want := smith, math.Log2(0.85/0.012); math.Abs(got-want) > 1e-9 {
		t.Errorf("SMITH weight = %v; want %v", got, want)
	}
	if got := m.WeightTF(FieldFamily, FamilyDisagree, 0.012); got != m.Weight(FieldFamily, FamilyDisagree) {
		t.Errorf("TF changed a disagreement weight: %v", got)
	}
}

func TestProbability(t *testing.T) {
	tests := []struct{ w, prior, want float64 }{
		{0, 0.5, 0.5},
		{1, 0.5, 2.0 / 3},
		{math.Log2(9), 0.1, 0.5},
		{100, 0, 0},
	}
	for _, tt := range tests {
		if got := Probability(tt.w, tt.prior); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Probability(%v, %v) = %v; want %v", tt.w, tt.prior, got, tt.want)
		}
	}
}

func TestDecide(t *testing.T) {
	m := DefaultModel()
	tests := []struct {
		p    float64
		want Decision
	}{{0.999, Link}, {0.99, Link}, {0.7, Review}, {0.5, Review}, {0.2, NewChild}}
	for _, tt := range tests {
		if got := m.Decide(tt.p); got != tt.want {
			t.Errorf("Decide(%v) = %v; want %v", tt.p, got, tt.want)
		}
	}
}

// child is a fixture: Olivia Smith and her relations.
func child() Record {
	return Record{
		GivenNames: "Olivia Rose", FamilyName: "Smith",
		DateOfBirth: domain.MustDate("2015-03-04"), Gender: domain.GenderFemale,
		Postcodes: []string{"M1 1AE", "SW1A 1AA"}, Identifiers: []string{"nhs:aaaa"},
	}
}

func TestClassify(t *testing.T) {
	m := DefaultModel()
	base := child()
	with := func(f func(r *Record)) Record { r := child(); f(&r); return r }
	tests := []struct {
		name string
		rec  Record
		want Decision
	}{
		{"same record", base, Link},
		{"no NHS number", with(func(r *Record) { r.Identifiers = nil }), Link},
		{"NHS number disagrees, rest agrees", with(func(r *Record) { r.Identifiers = []string{"nhs:bbbb"} }), Link},
		{"nickname and moved house", with(func(r *Record) {
			r.GivenNames, r.Postcodes, r.Identifiers = "Livvy", []string{"M2 3AB"}, nil
		}), Link},
		{"sound-alike name, moved away, one day out", with(func(r *Record) {
			r.GivenNames, r.Postcodes, r.Identifiers = "Olivya", []string{"LS1 4AP"}, nil
			r.DateOfBirth = r.DateOfBirth.AddDays(1)
		}), NewChild},
		{"wrong NHS number, other child", Record{
			GivenNames: "Jack", FamilyName: "Patel", DateOfBirth: domain.MustDate("2011-07-21"),
			Gender: domain.GenderMale, Postcodes: []string{"LS1 4AP"}, Identifiers: []string{"nhs:aaaa"},
		}, NewChild},
		{"wrong NHS number, sibling", with(func(r *Record) {
			r.GivenNames, r.DateOfBirth = "Harriet", domain.MustDate("2012-09-30")
		}), Review},
		{"twin", with(func(r *Record) { r.GivenNames, r.Identifiers = "Amelia", []string{"nhs:cccc"} }), NewChild},
		{"twin, no identifiers", with(func(r *Record) { r.GivenNames, r.Identifiers = "Amelia", nil }), NewChild},
		{"sibling", with(func(r *Record) {
			r.GivenNames, r.DateOfBirth, r.Identifiers = "Harriet", domain.MustDate("2012-09-30"), nil
		}), NewChild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Compare(tt.rec, base)
			got, p := m.Classify(v)
			if got != tt.want {
				t.Errorf("Classify = %v (p %.4g, weight %.1f, levels %v); want %v", got, p, m.MatchWeight(v), v.Levels, tt.want)
			}
		})
	}
}

func TestTwins(t *testing.T) {
	m := DefaultModel()
	olivia := Record{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: domain.MustDate("2015-03-04"),
		Gender: domain.GenderFemale, Postcodes: []string{"M1 1AE"}}
	amelia := olivia
	amelia.GivenNames = "Amelia"
	if !LikelyTwin(olivia, amelia) {
		t.Errorf("LikelyTwin(Olivia Smith, Amelia Smith) = false; want true")
	}
	if d, p := m.Classify(Compare(olivia, amelia)); d != NewChild {
		t.Errorf("Classify(Olivia, Amelia) = %v (p %.4g); want new-child", d, p)
	}

	jayden := Record{GivenNames: "Jayden", FamilyName: "Smith", DateOfBirth: domain.MustDate("2015-03-04"),
		Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}
	jaydon := jayden
	jaydon.GivenNames = "Jaydon"
	if LikelyTwin(jayden, jaydon) {
		t.Errorf("LikelyTwin(Jayden, Jaydon) = true; want false (sound-alikes)")
	}
	v := Compare(jayden, jaydon)
	if !v.PossibleTwin() {
		t.Errorf("PossibleTwin(Jayden, Jaydon) = false; want true")
	}
	if d, p := m.Classify(v); d != Review {
		t.Errorf("Classify(Jayden, Jaydon) = %v (p %.4g); want review", d, p)
	}
	if d, _ := m.Classify(Compare(jayden, jayden)); d != Link {
		t.Errorf("Classify(Jayden, Jayden) = %v; want link", d)
	}

	// A twin's record with its date of birth a day out, or day and month
	// swapped, is still a twin's: Luca and Luka must not link.
	luca := Record{GivenNames: "Luca", FamilyName: "Hughes", DateOfBirth: domain.MustDate("2022-05-18"),
		Gender: domain.GenderMale, Postcodes: []string{"CT20 2HB"}}
	for _, dob := range []string{"2022-05-19", "2022-05-17"} {
		luka := luca
		luka.GivenNames, luka.DateOfBirth = "Luka", domain.MustDate(dob)
		if d, p := m.Classify(Compare(luca, luka)); d != Review {
			t.Errorf("Classify(Luca 2022-05-18, Luka %s) = %v (p %.4g); want review", dob, d, p)
		}
	}
	transposed := olivia
	transposed.GivenNames, transposed.DateOfBirth = "Amelia", domain.MustDate("2015-04-03")
	if d, p := m.Classify(Compare(olivia, transposed)); d != NewChild {
		t.Errorf("Classify(Olivia 2015-03-04, Amelia 2015-04-03) = %v (p %.4g); want new-child", d, p)
	}

	// Ellie-May is one first name: Ellie Mia is her twin, not her.
	ellieMay := Record{GivenNames: "Ellie-May Maeve", FamilyName: "Stevens", DateOfBirth: domain.MustDate("2011-11-15"),
		Gender: domain.GenderFemale, Postcodes: []string{"CB17 2SA"}}
	ellie := ellieMay
	ellie.GivenNames = "Ellie Mia"
	if v := Compare(ellieMay, ellie); !v.PossibleTwin() || v.Levels[FieldGiven] == GivenExact {
		t.Errorf("Compare(Ellie-May Maeve, Ellie Mia) given level %d, PossibleTwin %v; want below exact and true",
			v.Levels[FieldGiven], v.PossibleTwin())
	}
}

// sample draws a level from a distribution over levels 1..n-1.
func sample(r *rand.Rand, dist [MaxLevels]float64, n int) Level {
	x := r.Float64()
	for l := 1; l < n; l++ {
		x -= dist[l]
		if x <= 0 {
			return Level(l)
		}
	}
	return Level(n - 1)
}

func synthetic(truth Model, n int, rate float64, seed uint64) []Vector {
	r := rand.New(rand.NewPCG(seed, seed+1))
	vs := make([]Vector, n)
	for i := range vs {
		tbl := &truth.U
		if r.Float64() < rate {
			tbl = &truth.M
		}
		for f := range NumFields {
			vs[i].Levels[f] = sample(r, tbl[f], numLevels[f])
		}
	}
	return vs
}

func TestEstimateU(t *testing.T) {
	truth := DefaultModel()
	u := EstimateU(synthetic(truth, 200000, 0, 1))
	for _, c := range []struct {
		f Field
		l Level
	}{{FieldGiven, GivenDisagree}, {FieldGender, GenderAgree}, {FieldDOB, DOBYear}, {FieldPostcode, PostcodeArea}} {
		if got, want := u[c.f][c.l], truth.U[c.f][c.l]; math.Abs(got-want) > 0.01 {
			t.Errorf("u[%s][%d] = %.4f; want %.4f", c.f, c.l, got, want)
		}
	}
}

func TestEstimateM(t *testing.T) {
	truth := DefaultModel()
	// A trained-looking truth with different m values from the default.
	truth.M[FieldGiven] = [MaxLevels]float64{0, 0.70, 0.08, 0.04, 0.06, 0.03, 0.03, 0.02, 0.04}
	truth.M[FieldDOB] = [MaxLevels]float64{0, 0.85, 0.03, 0.04, 0.03, 0.02, 0.03}
	const rate = 0.2
	vs := synthetic(truth, 50000, rate, 7)
	start := DefaultModel()
	start.Lambda = rate
	got := EstimateM(vs, start, 20)
	for _, f := range []Field{FieldGiven, FieldDOB, FieldFamily} {
		for l := 1; l < numLevels[f]; l++ {
			if d := math.Abs(got.M[f][l] - truth.M[f][l]); d > 0.02 {
				t.Errorf("m[%s][%d] = %.4f; want %.4f", f, l, got.M[f][l], truth.M[f][l])
			}
		}
	}
	if got.U != start.U || got.Lambda != start.Lambda {
		t.Errorf("EstimateM changed u or lambda")
	}
}

// TestPosteriorCoverage: with no coverage the posterior is the pair's own;
// with one, the candidate is weighed against the child's absence, so a
// pair the model puts at 0.8 is 0.988 where 95 % of records find their
// child; at most a hundredth is left for absence.
func TestPosteriorCoverage(t *testing.T) {
	m := DefaultModel()
	v := Vector{}
	v.Levels[FieldGiven], v.Levels[FieldFamily], v.Levels[FieldDOB] = GivenExact, FamilyExact, DOBExact
	v.Levels[FieldGender], v.Levels[FieldPostcode] = GenderAgree, PostcodeDisagree
	w := m.MatchWeight(v)
	// The prior that makes the pair 0.8 on its own.
	prior := 1 / (1 + 0.25*math.Exp2(w))
	if p := m.Posterior(w, prior); math.Abs(p-0.8) > 1e-9 {
		t.Fatalf("no coverage: Posterior = %v; want the pair's own 0.8", p)
	}
	m.Coverage = 0.95
	// odds 4 × (1 − prior) ÷ 0.05 ≈ 80: 80 ÷ 81.
	if p := m.Posterior(w, prior); math.Abs(p-80.0/81) > 1e-4 {
		t.Errorf("coverage 0.95: Posterior = %v; want %v", p, 80.0/81)
	}
	m.Coverage = 0.9999
	if p := m.Posterior(w, prior); math.Abs(p-400.0/401) > 1e-4 {
		t.Errorf("coverage 0.9999: Posterior = %v; want %v (absence at least 0.01)", p, 400.0/401)
	}
}
