package match

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestEstimateUFromKeepsRareLevels(t *testing.T) {
	truth := DefaultModel()
	pairs := synthetic(truth, 200000, 0, 3)
	u := EstimateUFrom(pairs, truth.U, 10)
	// Common levels are measured.
	if got, want := u[FieldGiven][GivenDisagree], truth.U[FieldGiven][GivenDisagree]; math.Abs(got-want) > 0.01 {
		t.Errorf("u[given][disagree] = %.4f; want %.4f", got, want)
	}
	// An identifier agreeing (u 1e-8) is never seen in 200,000 random
	// pairs: it keeps the prior's u rather than a pseudo-count's.
	if got, want := u[FieldIdentifier][IDAgree], truth.U[FieldIdentifier][IDAgree]; got != want {
		t.Errorf("u[identifier][agree] = %g; want the prior's %g", got, want)
	}
	for f := range NumFields {
		sum := 0.0
		for l := 1; l < numLevels[f]; l++ {
			sum += u[f][l]
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("u[%s] sums to %v; want 1", f, sum)
		}
	}
}

// households makes groups as an import sees them: each record's own child
// among its candidates with probability share (levels drawn from truth.M),
// beside brothers and sisters at the same address (family name and
// postcode agree, given name and date of birth mostly not) and random
// children (truth.U). It also returns the pairs that are not matches, as
// pairs of distinct children found by the same blocking would give them.
func households(truth Model, n int, share float64, seed uint64) ([][]Vector, []Vector) {
	r := rand.New(rand.NewPCG(seed, seed+2))
	var sibling Table
	sibling = truth.U
	sibling[FieldFamily] = [MaxLevels]float64{0, 0.9, 0.02, 0.02, 0.02, 0.02, 0, 0.02}
	sibling[FieldPostcode] = [MaxLevels]float64{0, 0.85, 0.05, 0.05, 0.03, 0.02}
	sibling[FieldDOB] = [MaxLevels]float64{0, 0.01, 0.001, 0.001, 0.02, 0.1, 0.868}
	groups := make([][]Vector, n)
	draw := func(tbl *Table) Vector {
		var v Vector
		for f := range NumFields {
			v.Levels[f] = sample(r, tbl[f], numLevels[f])
		}
		return v
	}
	var non []Vector
	for i := range groups {
		var g []Vector
		if r.Float64() < share {
			g = append(g, draw(&truth.M))
		}
		for range r.IntN(3) {
			g = append(g, draw(&sibling))
			non = append(non, g[len(g)-1])
		}
		for range 1 + r.IntN(6) {
			g = append(g, draw(&truth.U))
			non = append(non, g[len(g)-1])
		}
		groups[i] = g
	}
	return groups, non
}

func TestEstimateMGroupedIgnoresHouseholds(t *testing.T) {
	truth := DefaultModel()
	truth.M[FieldGiven] = [MaxLevels]float64{0, 0.70, 0.08, 0.04, 0.06, 0.03, 0.03, 0.02, 0.04}
	truth.M[FieldDOB] = [MaxLevels]float64{0, 0.85, 0.03, 0.04, 0.03, 0.02, 0.03}
	truth.M[FieldPostcode] = [MaxLevels]float64{0, 0.6, 0.1, 0.1, 0.05, 0.15}
	const share = 0.9
	groups, non := households(truth, 30000, share, 11)
	// u among candidates, from pairs of distinct children that blocking
	// brings together: brothers and sisters are common there.
	start := DefaultModel()
	start.U = EstimateUFrom(non, start.U, 10)
	got, matches := EstimateMGrouped(groups, start, share, 25)
	for _, f := range []Field{FieldGiven, FieldFamily, FieldDOB, FieldPostcode} {
		for l := 1; l < numLevels[f]; l++ {
			if d := math.Abs(got.M[f][l] - truth.M[f][l]); d > 0.02 {
				t.Errorf("grouped m[%s][%d] = %.4f; want %.4f", f, l, got.M[f][l], truth.M[f][l])
			}
		}
	}
	if want := share * 30000; math.Abs(matches-want) > 0.03*want {
		t.Errorf("expected matches %.0f; want about %.0f", matches, want)
	}
	if got.U != start.U || got.Lambda != start.Lambda {
		t.Errorf("EstimateMGrouped changed u or lambda")
	}
	// With u from random pairs instead, brothers and sisters look like
	// the same child (family name and postcode agreeing by chance are
	// rare among random pairs): EM then puts far more weight on a
	// disagreeing date of birth. This is why u among candidates is used.
	random, _ := EstimateMGrouped(groups, DefaultModel(), share, 25)
	if rd, bl := random.M[FieldDOB][DOBDisagree], got.M[FieldDOB][DOBDisagree]; rd < 2*bl {
		t.Errorf("m[dob][disagree] with random pairs' u = %.4f, with candidates' u %.4f; want the first misled by households", rd, bl)
	}
}

func TestEstimateMGroupedNoGroups(t *testing.T) {
	m := DefaultModel()
	if got, n := EstimateMGrouped(nil, m, 0.9, 5); got != m || n != 0 {
		t.Errorf("EstimateMGrouped(nil) changed the model or found %v matches", n)
	}
}

func TestFloorM(t *testing.T) {
	var m Table
	m[FieldGender] = [MaxLevels]float64{0, 1, 0}
	m[FieldDOB] = [MaxLevels]float64{0, 0.9, 0.05, 0.05, 0, 0, 0}
	got := FloorM(m, 0.001)
	if got[FieldGender][GenderDisagree] != 0.001 || math.Abs(got[FieldGender][GenderAgree]-0.999) > 1e-12 {
		t.Errorf("gender = %v; want agree 0.999, disagree 0.001", got[FieldGender])
	}
	sum := 0.0
	for l := 1; l < numLevels[FieldDOB]; l++ {
		if got[FieldDOB][l] < 0.001 {
			t.Errorf("dob level %d = %v; want at least 0.001", l, got[FieldDOB][l])
		}
		sum += got[FieldDOB][l]
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("dob sums to %v; want 1", sum)
	}
	if got[FieldGiven] != m[FieldGiven] {
		t.Errorf("a field with no m changed: %v", got[FieldGiven])
	}
}

func TestLevelNames(t *testing.T) {
	for f := range NumFields {
		if got := len(levelNames[f]); got != numLevels[f] {
			t.Errorf("%s has %d level names; want %d", f, got, numLevels[f])
		}
	}
}
