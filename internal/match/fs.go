package match

import (
	"math"
)

// Table holds a probability per field and level; index 0 of each field
// (missing) is unused.
type Table [NumFields][MaxLevels]float64

// Model is a Fellegi–Sunter model: for each field and level, m is the
// probability of that level among pairs that are the same child and u among
// pairs that are not; Lambda is the prior probability that a pair is the
// same child. LinkThreshold and ReviewThreshold split match probabilities
// into Link, Review and NewChild.
type Model struct {
	M, U            Table
	Lambda          float64
	LinkThreshold   float64
	ReviewThreshold float64
	// SameSourceLambda is the prior for a pair whose child already holds
	// another record of the record's own source (0: Lambda). A source
	// rarely records one child twice, so such a pair is a duplicate
	// within the source, far rarer than a record of a child another
	// source sent: namesakes born the same day, one of them already sent
	// by this source, are two children unless much else agrees.
	SameSourceLambda float64
	// TermFrequency says exact name agreement is to be weighed by the
	// name's frequency (Frequencies.Apply): a model trained with its
	// prior estimated for the directory's size. DefaultModel's hand-set
	// weights and prior were tuned without it.
	TermFrequency bool
	// Coverage is the share of a feed's records whose child the directory
	// already holds (a trained model's estimate; 0 when unknown). When it
	// is set, a candidate is weighed against the child's absence from the
	// directory (Posterior) rather than against every other child.
	Coverage float64 `json:",omitempty"`
}

// DefaultModel returns a model with hand-set m and u values so that
// matching works before any training. The u values reflect about eleven
// million children: a random pair shares a date of birth with probability
// about 1/6,600 and a full postcode about 1/50,000 (households cluster);
// the m values allow for typing errors, nicknames, moves and changes of
// family name. Lambda is one in ten million, the chance that a random pair
// from the whole directory is the same child. An identifier agreement is
// strong (+26.5) but can be outweighed by disagreement on given name, family
// name and date of birth (−16.5) together with the prior (−23.3); an
// identifier disagreement (−5.1) is far smaller than agreement on names,
// date of birth and postcode (+45), so it never vetoes a link.
func DefaultModel() Model {
	var m Model
	set := func(f Field, l Level, mp, up float64) { m.M[f][l], m.U[f][l] = mp, up }

	set(FieldGiven, GivenExact, 0.86, 0.004)
	set(FieldGiven, GivenNickname, 0.04, 0.0008)
	set(FieldGiven, GivenMiddle, 0.02, 0.0005)
	set(FieldGiven, GivenPhonetic, 0.03, 0.002)
	set(FieldGiven, GivenJW92, 0.015, 0.002)
	set(FieldGiven, GivenJW85, 0.01, 0.01)
	set(FieldGiven, GivenInitial, 0.01, 0.05)
	set(FieldGiven, GivenDisagree, 0.015, 0.9307)

	set(FieldFamily, FamilyExact, 0.85, 0.002)
	set(FieldFamily, FamilyPart, 0.06, 0.0005)
	set(FieldFamily, FamilyPhonetic, 0.03, 0.002)
	set(FieldFamily, FamilyJW92, 0.015, 0.002)
	set(FieldFamily, FamilyJW85, 0.01, 0.01)
	set(FieldFamily, FamilySwapped, 0.005, 0.000002)
	set(FieldFamily, FamilyDisagree, 0.03, 0.983498)

	set(FieldDOB, DOBExact, 0.93, 0.000152)
	set(FieldDOB, DOBTransposed, 0.01, 0.0002)
	set(FieldDOB, DOBOneDay, 0.02, 0.0003)
	set(FieldDOB, DOBYearMonth, 0.01, 0.004)
	set(FieldDOB, DOBYear, 0.01, 0.05)
	set(FieldDOB, DOBDisagree, 0.02, 0.945348)

	set(FieldGender, GenderAgree, 0.98, 0.5)
	set(FieldGender, GenderDisagree, 0.02, 0.5)

	set(FieldPostcode, PostcodeExact, 0.75, 0.00002)
	set(FieldPostcode, PostcodePrevious, 0.08, 0.00003)
	set(FieldPostcode, PostcodeDistrict, 0.07, 0.0005)
	set(FieldPostcode, PostcodeArea, 0.04, 0.01)
	set(FieldPostcode, PostcodeDisagree, 0.06, 0.98945)

	set(FieldIdentifier, IDAgree, 0.97, 1e-8)
	set(FieldIdentifier, IDDisagree, 0.03, 1-1e-8)

	m.Lambda = 1e-7
	m.LinkThreshold = 0.99
	m.ReviewThreshold = 0.5
	return m
}

// minProb keeps logarithms finite when a table holds a zero.
const minProb = 1e-12

// Weight returns the match weight of level l of field f: log2(m/u), the
// base-2 logarithm of the Bayes factor. Missing (level 0) weighs 0.
func (m *Model) Weight(f Field, l Level) float64 {
	if l == 0 || f >= NumFields || int(l) >= MaxLevels {
		return 0
	}
	return math.Log2(max(m.M[f][l], minProb) / max(m.U[f][l], minProb))
}

// WeightTF returns the weight of level l of field f adjusted for the
// frequency freq (0..1) of the agreeing value: for exact agreement (level 1)
// u becomes freq, since two random records agree on SMITH with probability
// about SMITH's frequency. A rare value may raise the weight by at most
// TFMaxGain bits over the unadjusted one: a share counted from a handful of
// children says little, and a misspelt name is rare too. Other levels, and
// freq ≤ 0, are unadjusted.
func (m *Model) WeightTF(f Field, l Level, freq float64) float64 {
	if l != 1 || freq <= 0 || f >= NumFields {
		return m.Weight(f, l)
	}
	u := max(freq, m.U[f][l]/(1<<TFMaxGain), minProb)
	return math.Log2(max(m.M[f][l], minProb) / min(u, 1))
}

// TFMaxGain bounds, in bits, how much a rare value's frequency may raise
// an exact agreement's weight.
const TFMaxGain = 4

// MatchWeight returns the total match weight of v: the sum of its fields'
// weights, term-frequency adjusted where v.TF is set. It excludes the prior.
func (m *Model) MatchWeight(v Vector) float64 {
	w := 0.0
	for f := range NumFields {
		w += m.WeightTF(f, v.Levels[f], v.TF[f])
	}
	return w
}

// Probability turns a match weight and a prior probability of a match into
// the posterior probability of a match.
func Probability(weight, prior float64) float64 {
	if prior <= 0 {
		return 0
	}
	if prior >= 1 {
		return 1
	}
	w := weight + math.Log2(prior/(1-prior))
	return 1 / (1 + math.Exp2(-w))
}

// Decision is what import does with a source record and a candidate child.
type Decision uint8

const (
	NewChild Decision = iota // not this child
	Review                   // a person must decide
	Link                     // the same child
)

func (d Decision) String() string {
	switch d {
	case Link:
		return "link"
	case Review:
		return "review"
	}
	return "new-child"
}

// Decide applies the thresholds to a match probability.
func (m *Model) Decide(prob float64) Decision {
	switch {
	case prob >= m.LinkThreshold:
		return Link
	case prob >= m.ReviewThreshold:
		return Review
	}
	return NewChild
}

// Classify decides a pair from its comparison vector: the Fellegi–Sunter
// probability against the thresholds, then three guards the independence
// assumption of the model cannot provide. A likely twin (Vector.LikelyTwin)
// is a new child; a possible twin (Vector.PossibleTwin: sound-alike or
// nickname given names with the same family name, date of birth and
// address) is at most Review; and a pair whose first given names and dates
// of birth both disagree is at most Review however strong the rest, so that a
// wrong but valid NHS number shared with a sibling cannot link two children.
func (m *Model) Classify(v Vector) (Decision, float64) {
	return m.ClassifyPrior(v, m.Lambda)
}

// Prior is the prior for a pair: SameSourceLambda when the candidate
// already holds a record of the record's own source and the model sets
// one, else Lambda.
func (m *Model) Prior(sameSource bool) float64 {
	if sameSource && m.SameSourceLambda > 0 {
		return m.SameSourceLambda
	}
	return m.Lambda
}

// Posterior is the probability that a record's candidate, of match weight
// w (MatchWeight) and prior (Prior), is the record's child. Without a Coverage it is the
// pair's own (Probability: the candidate against any other child of the
// directory). With one, it weighs the candidate against the chance that the
// record's child is not in the directory at all, 1 − Coverage (at least one
// in a hundred): a candidate looking like the record, where nine records in
// ten find their child, is likelier the child than the pair alone says.
// Other candidates that look like the record too are left to the
// importer's rules (several children, twins, namesakes far behind).
func (m *Model) Posterior(w, prior float64) float64 {
	if m.Coverage <= 0 || prior <= 0 {
		return Probability(w, prior)
	}
	absent := max(1-m.Coverage, 0.01)
	// odds = prior × 2^w ÷ absent, as a logistic of its log2.
	l := w + math.Log2(prior) - math.Log2(absent)
	return 1 / (1 + math.Exp2(-l))
}

// ClassifyPrior is Classify with the given prior (Prior) in place of
// Lambda.
func (m *Model) ClassifyPrior(v Vector, prior float64) (Decision, float64) {
	return m.ClassifyProbability(v, Probability(m.MatchWeight(v), prior))
}

// ClassifyProbability is Classify for a pair whose probability of being
// the same child is p (Probability, Posterior).
func (m *Model) ClassifyProbability(v Vector, p float64) (Decision, float64) {
	d := m.Decide(p)
	switch {
	case v.LikelyTwin():
		d = NewChild
	case d == Link && (v.PossibleTwin() ||
		(v.Levels[FieldGiven] == GivenDisagree && v.Levels[FieldDOB] == DOBDisagree)):
		d = Review
	}
	return d, p
}

// EstimateU estimates u probabilities from the comparison vectors of pairs
// known, or overwhelmingly likely, not to match, such as random pairs of
// children: u for a level is its share of the pairs where the field is not
// missing. A pseudo-count keeps unseen levels above zero. Fields never
// compared keep u 0, which the caller should replace.
func EstimateU(pairs []Vector) Table {
	var counts [NumFields][MaxLevels]float64
	for i := range pairs {
		for f := range NumFields {
			if l := pairs[i].Levels[f]; l > 0 && int(l) < MaxLevels {
				counts[f][l]++
			}
		}
	}
	return normalise(counts, 1)
}

// normalise turns counts into per-field distributions over the non-missing
// levels, adding pseudo to each level's count.
func normalise(counts [NumFields][MaxLevels]float64, pseudo float64) Table {
	var t Table
	for f := range NumFields {
		total := 0.0
		for l := 1; l < numLevels[f]; l++ {
			total += counts[f][l]
		}
		if total == 0 {
			continue
		}
		total += pseudo * float64(numLevels[f]-1)
		for l := 1; l < numLevels[f]; l++ {
			t[f][l] = (counts[f][l] + pseudo) / total
		}
	}
	return t
}

// EstimateM re-estimates the m probabilities of model by expectation
// maximisation over the comparison vectors of candidate pairs, for the given
// number of iterations, keeping u and Lambda fixed as Splink does: letting
// them float makes EM drift towards splitting the pairs on whatever
// separates them best, not on match status. Lambda is used as the share of
// matches among vectors, so set it to the expected match rate of the
// candidate pairs (not the directory-wide prior) on the model passed in, and
// put the directory-wide one back afterwards. The returned model is model
// with M replaced.
func EstimateM(vectors []Vector, model Model, iterations int) Model {
	if len(vectors) == 0 {
		return model
	}
	prior := math.Log2(model.Lambda / (1 - model.Lambda))
	for range iterations {
		var counts [NumFields][MaxLevels]float64
		for i := range vectors {
			v := &vectors[i]
			w := prior
			for f := range NumFields {
				w += model.Weight(f, v.Levels[f])
			}
			p := 1 / (1 + math.Exp2(-w))
			for f := range NumFields {
				if l := v.Levels[f]; l > 0 && int(l) < MaxLevels {
					counts[f][l] += p
				}
			}
		}
		model.setM(counts)
	}
	return model
}

// setM is EM's maximisation step: m becomes the expected counts of each
// level among matches, normalised per field; a field never seen keeps its
// m.
func (m *Model) setM(counts [NumFields][MaxLevels]float64) {
	est := normalise(counts, 1e-3)
	for f := range NumFields {
		for l := 1; l < numLevels[f]; l++ {
			if est[f][1] != 0 || est[f][l] != 0 {
				m.M[f][l] = est[f][l]
			}
		}
	}
}
