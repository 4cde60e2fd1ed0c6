package match

import "strings"

// Frequencies says how common each first given name and each family name
// is among the directory's children, for the term-frequency adjustment of
// exact name agreement: two records agreeing on OLIVIA TAYLOR are weaker
// evidence of one child than two agreeing on a name few children have, and
// at millions of children the difference decides whether two namesakes
// born the same day in two towns are linked. Keys are the forms NameKeys
// gives; values are shares of the children counted (0..1). A nil
// *Frequencies adjusts nothing.
type Frequencies struct {
	Given, Family map[string]float64
}

// MinFrequencyPopulation is the fewest children whose names make a
// frequency table: below it a name's share says little.
const MinFrequencyPopulation = 1000

// NewFrequencies turns counts of names among total children into shares.
// It returns nil when total is below MinFrequencyPopulation.
func NewFrequencies(given, family map[string]int, total int) *Frequencies {
	if total < MinFrequencyPopulation {
		return nil
	}
	share := func(counts map[string]int) map[string]float64 {
		out := make(map[string]float64, len(counts))
		for k, n := range counts {
			if k != "" && n > 0 {
				out[k] = float64(n) / float64(total)
			}
		}
		return out
	}
	return &Frequencies{Given: share(given), Family: share(family)}
}

// NameKeys returns the forms of a child's names that Frequencies counts:
// the first given name, whole when hyphenated (FirstGiven), and the family
// name normalised without spaces. They are the forms exact agreement
// compares.
func NameKeys(givenNames, familyName string) (given, family string) {
	given, _ = FirstGiven(givenNames)
	return given, strings.ReplaceAll(Name(familyName), " ", "")
}

// Apply sets v.TF for the names v says agree exactly, from the frequency
// of a's value (a is either side of the pair: they agree). Names the table
// does not hold are left unadjusted. To compare one record with many,
// look its names up once with Of.
func (f *Frequencies) Apply(v *Vector, a *Prepared) { f.Of(a).Apply(v) }

// NameFrequencies is how common one record's first given name and family
// name are (0 when not known).
type NameFrequencies struct{ Given, Family float64 }

// Of looks up a's names; a nil *Frequencies knows none.
func (f *Frequencies) Of(a *Prepared) NameFrequencies {
	var n NameFrequencies
	if f == nil {
		return n
	}
	if len(a.given) > 0 {
		n.Given = f.Given[a.first().s]
	}
	if a.familyFull != "" {
		n.Family = f.Family[a.familyFull]
	}
	return n
}

// Apply sets v.TF for the names v says agree exactly.
func (n NameFrequencies) Apply(v *Vector) {
	if v.Levels[FieldGiven] == GivenExact {
		v.TF[FieldGiven] = n.Given
	}
	if v.Levels[FieldFamily] == FamilyExact {
		v.TF[FieldFamily] = n.Family
	}
}
