package match

import (
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// family is a set of similar candidates: twins, siblings, a cousin and
// unrelated children with the same common surname.
func candidates() []Record {
	dob := domain.MustDate
	f, m := domain.GenderFemale, domain.GenderMale
	home := []string{"M1 1AE"}
	return []Record{
		{GivenNames: "Olivia Rose", FamilyName: "Smith", DateOfBirth: dob("2015-03-04"), Gender: f, Postcodes: home},          // 0: the child
		{GivenNames: "Amelia Grace", FamilyName: "Smith", DateOfBirth: dob("2015-03-04"), Gender: f, Postcodes: home},         // 1: twin
		{GivenNames: "Jayden", FamilyName: "Smith", DateOfBirth: dob("2015-03-04"), Gender: m, Postcodes: home},               // 2: triplet
		{GivenNames: "Harriet", FamilyName: "Smith", DateOfBirth: dob("2012-09-30"), Gender: f, Postcodes: home},              // 3: sister
		{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: dob("2015-06-11"), Gender: f, Postcodes: []string{"M1 2AB"}}, // 4: cousin
		{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: dob("2014-03-04"), Gender: f, Postcodes: []string{"LS1 4AP"}},
		{GivenNames: "Olive", FamilyName: "Smyth", DateOfBirth: dob("2015-03-14"), Gender: f, Postcodes: []string{"B33 8TH"}},
		{GivenNames: "Jaydon", FamilyName: "Smith", DateOfBirth: dob("2015-03-04"), Gender: m, Postcodes: home}, // 7: Jayden's twin
	}
}

func TestScoreRanksTrueChildFirst(t *testing.T) {
	model := DefaultModel()
	dob := domain.MustDate
	f := domain.GenderFemale
	tests := []struct {
		name  string
		query Record
		want  int
	}{
		{"given+family+dob", Record{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}, 0},
		{"nickname", Record{GivenNames: "Livvy", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}, 0},
		{"middle name", Record{GivenNames: "Rose", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}, 0},
		{"transposed dob", Record{GivenNames: "Olivia", FamilyName: "Smith", DateOfBirth: dob("2015-04-03")}, 0},
		{"typo and day out", Record{GivenNames: "Olivai", FamilyName: "Smith", DateOfBirth: dob("2015-03-05")}, 0},
		{"swapped names", Record{GivenNames: "Smith", FamilyName: "Olivia", DateOfBirth: dob("2015-03-04")}, 0},
		{"given+dob+gender+postcode", Record{GivenNames: "Olivia", DateOfBirth: dob("2015-03-04"), Gender: f, Postcodes: []string{"m1 1ae"}}, 0},
		{"the twin", Record{GivenNames: "Amelia", FamilyName: "Smith", DateOfBirth: dob("2015-03-04"), Gender: f}, 1},
		{"family+dob+gender+postcode", Record{FamilyName: "Smith", DateOfBirth: dob("2012-09-30"), Gender: f, Postcodes: []string{"M1 1AE"}}, 3},
		{"Jayden not Jaydon", Record{GivenNames: "Jayden", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}, 2},
		{"Jaydon not Jayden", Record{GivenNames: "Jaydon", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}, 7},
	}
	noisy := map[string]bool{"transposed dob": true, "typo and day out": true}
	cands := candidates()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Prepare(tt.query)
			best, bestW := -1, 0.0
			scores := make([]float64, len(cands))
			for i, c := range cands {
				pc := Prepare(c)
				scores[i] = ScorePrepared(q, pc, &model)
				if w := ScoreWeight(q, pc, &model); best < 0 || w > bestW {
					best, bestW = i, w
				}
				if s := Score(tt.query, c, &model); s != scores[i] {
					t.Errorf("Score = %v but ScorePrepared = %v", s, scores[i])
				}
				if scores[i] < 0 || scores[i] > 1 {
					t.Errorf("score %v out of 0..1", scores[i])
				}
			}
			if best != tt.want {
				t.Errorf("best candidate = %d (%q); want %d (%q); scores %.3g", best, cands[best].GivenNames, tt.want, cands[tt.want].GivenNames, scores)
			}
			// Noisy queries on a common name may rank first yet score
			// low: elsewhere in England another Olivia Smith may fit them
			// as well.
			if !noisy[tt.name] && scores[tt.want] < 0.5 {
				t.Errorf("true child scores %.3g; want ≥ 0.5", scores[tt.want])
			}
		})
	}
}

func TestScoreIdentifierOnly(t *testing.T) {
	model := DefaultModel()
	c := trueChild()
	if s := Score(Record{Identifiers: c.Identifiers}, c, &model); s < 0.5 {
		t.Errorf("identifier-only search scores %.3g; want ≥ 0.5", s)
	}
	if s := Score(Record{Identifiers: []string{"nhs:other"}}, c, &model); s > 0.01 {
		t.Errorf("wrong identifier scores %.3g; want near 0", s)
	}
}
