package feed

import (
	"math"
	"slices"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
)

// ImportModel is match.DefaultModel tuned on generated extracts with truth
// (see docs/benchmarks.md): a date of birth that disagrees outright (not a
// transposition, a day out or the same month) is far rarer between records
// of one child than the default allows, which keeps siblings at one address
// out of the review queue; a postcode that disagrees is commoner (sources
// hold stale addresses), and a link needs probability 0.9, so a child who
// moved still links on names and date of birth. A candidate that already
// holds a record of the record's own source is a hundred times less likely
// a priori (SameSourceLambda): generated sources repeat 0.2 to 4 % of their
// children, and a directory's first feed, imported with this model before
// any training, otherwise joins namesakes born the same day in two towns.
func ImportModel() match.Model {
	m := match.DefaultModel()
	m.M[match.FieldDOB][match.DOBDisagree] = 0.001
	m.M[match.FieldPostcode][match.PostcodeDisagree] = 0.15
	m.LinkThreshold = 0.9
	m.SameSourceLambda = m.Lambda / 100
	return m
}

// Outcome is what matching decided for a source record.
type Outcome struct {
	Decision   match.Decision
	ChildID    domain.ID // for Link
	Reason     string    // for Review
	Candidates []store.ReviewCandidate
	// Explanation is why, for Link and NewChild: the comparison with the
	// child linked to, or with the nearest candidate.
	Explanation *store.Explanation
}

// Decide matches a source record against candidate children: Link to the
// best when exactly one candidate links and no other is within review
// range; Review when several link (twins), any is in review range, or a
// shielded child scores at review or above; NewChild otherwise (Review when
// the record names no local authority). Children in notMatch were ruled out
// by a data manager and are skipped. A candidate that already holds a
// record of source is weighed with the model's prior for a duplicate
// within one source (match.Model.Prior).
func Decide(model *match.Model, rec match.Record, source, la string, cands []store.ImportCandidate, notMatch map[domain.ID]bool) Outcome {
	return decide(model, rec, source, la, cands, notMatch, nil)
}

// names is what the importer knows of given names: how many children and
// held records have each first given name (store.FirstName), and which
// children this import made (whose names no other source has confirmed).
type names struct {
	count   map[string]int
	created map[domain.ID]bool
	// freq adjusts the weight of exact name agreement for how common
	// the name is (nil: no adjustment).
	freq *match.Frequencies
	// model names the model that weighs, for explanations: "built-in",
	// or when the trained one was trained.
	model string
}

// frequencies returns n's name frequencies; nil when n is nil.
func (n *names) frequencies() *match.Frequencies {
	if n == nil {
		return nil
	}
	return n.freq
}

func (n *names) add(given string) {
	if f := store.FirstName(given); f != "" {
		n.count[f]++
	}
}

// typo reports whether the first given names of a record and of a candidate
// child that is not new in this import differ by one typing error (one
// letter substituted, dropped, added or two swapped, the initial kept),
// their other given names agree where both have them, and one of the two is
// a name no child and no held record has, nor the nickname table, while the
// other is a name other children have (or one the nickname table has, when
// both have other given names and they agree). Twins are given real names
// (Lyla and Layla): a twin's name is known once the directory holds the
// twin or holds the twin's record for review, which a source sent before.
func (n *names) typo(rec, cand string, child domain.ID) bool {
	if n == nil || n.created[child] {
		return false
	}
	rf, rr, _ := strings.Cut(match.Name(rec), " ")
	cf, cr, _ := strings.Cut(match.Name(cand), " ")
	if rr != "" && cr != "" && rr != cr {
		return false
	}
	if len(rf) < 2 || len(cf) < 2 || rf[0] != cf[0] || match.DamerauLevenshtein(rf, cf) != 1 {
		return false
	}
	inTable := func(s string) bool { return len(match.NameRoots(s)) > 0 }
	// The candidate's own name is counted once for the candidate itself.
	rn, cn := n.count[rf], n.count[cf]-1
	unknownRec := rn == 0 && !inTable(rf)
	unknownCand := cn <= 0 && !inTable(cf)
	// A name in the nickname table is a real name though no other child
	// has it yet (Teddy beside Tdedy), when the other given names agree.
	sameRest := rr != "" && rr == cr
	known := func(count int, s string) bool { return count > 0 || sameRest && inTable(s) }
	return unknownRec && known(cn, cf) || unknownCand && known(rn, rf)
}

// siblingRule explains a new child made beside a brother or sister at
// the same home.
const siblingRule = "another first name and a date of birth unlike the candidate's, at the candidate's home: a brother or sister"

func decide(model *match.Model, rec match.Record, source, la string, cands []store.ImportCandidate, notMatch map[domain.ID]bool, nm *names) Outcome {
	q := match.Prepare(rec)
	qf := nm.frequencies().Of(q) // the record's names, looked up once
	var out Outcome
	links, reviews := 0, 0
	shielded := false
	var link domain.ID
	// siblingsOnly stays true while every candidate in review range has a
	// first given name that plainly differs (a sibling sharing a birthday,
	// a former family name or a mistaken NHS number), othersInexact while
	// none has the record's first given name; linkGiven is the given-name
	// level of the linking candidate.
	siblingsOnly, othersInexact := true, true
	linkGiven := match.GivenMissing
	// The comparison with the linking candidate and with the nearest one,
	// and the rule that changed the model's decision for each.
	var linkV, bestV match.Vector
	var linkP, bestP float64
	var linkRule, bestRule string
	var best domain.ID
	// The posterior log-odds of the strongest linking candidate, and the
	// highest of any other candidate in review range or above.
	linkOdds, otherOdds := math.Inf(-1), math.Inf(-1)
	for i := range cands {
		cd := &cands[i]
		if notMatch[cd.ID] {
			continue
		}
		crec := cd.Record()
		v := match.ComparePrepared(q, match.Prepare(crec))
		qf.Apply(&v)
		sameSource := slices.Contains(cd.Sources, source)
		prior := model.Prior(sameSource)
		w := model.MatchWeight(v)
		d, p := model.ClassifyProbability(v, model.Posterior(w, prior))
		odds := w + math.Log2(prior/(1-prior))
		d, rule := refine(model, v, d, p, rec.GivenNames, crec.GivenNames)
		if rule == "" && sameSource && model.Prior(true) != model.Lambda {
			rule = sameSourceRule
		}
		if d == match.Review && v.PossibleTwin() && p >= model.LinkThreshold && v.Levels[match.FieldGender] != match.GenderDisagree &&
			nm.typo(rec.GivenNames, crec.GivenNames, cd.ID) {
			d, rule = match.Link, "a typing error in the first given name, one spelling a name no child has"
		}
		if d == match.Link && v.Levels[match.FieldIdentifier] != match.IDAgree && otherNamesDiffer(rec.GivenNames, crec.GivenNames) {
			// Freddie Dylan and Freddie Charlie, born the same day in two
			// towns, or twins Luka Seth and Luka Jenson at one address
			// (a million children had 47 such pairs merged): two
			// children, wherever they live.
			d, rule = match.NewChild, "further given names both given and none shared: two children"
		}
		if d == match.Link && twinSpellingAway(v) && !trueNickname(rec.GivenNames, crec.GivenNames) &&
			compactName(rec.GivenNames) != compactName(crec.GivenNames) && !sameFurtherNames(rec.GivenNames, crec.GivenNames) &&
			!nm.typo(rec.GivenNames, crec.GivenNames, cd.ID) {
			// Sophia Hannah Abdi's GP record, with a postcode in the next
			// district, linked to the child her twin Sophie's benefits
			// record made; Amelia Morgan's, with no postcode, to her
			// twin Amelie's. Away from the child's home the twin guard
			// (refine) did not look.
			d, rule = match.Review, awayTwinRule
		}
		if g := v.Levels[match.FieldGiven]; d == match.Link && g != match.GivenExact && g != match.GivenMissing &&
			(v.Levels[match.FieldIdentifier] == match.IDDisagree || v.Levels[match.FieldFamily] != match.FamilyExact && atHome(v)) {
			// Names alike but not equal with another NHS number (Hafsa
			// and Hafsah, a date mistyped), or under another family name
			// at the same home: a sister as likely as this child.
			d = match.Review
		}
		if g := v.Levels[match.FieldGiven]; d == match.Link && (g == match.GivenDisagree || g == match.GivenInitial) {
			d = match.Review // a step-sibling sharing a birthday and a former name, say
		}
		if d == match.Link && sameSource && v.Levels[match.FieldIdentifier] != match.IDAgree &&
			(v.Levels[match.FieldIdentifier] == match.IDDisagree || compactName(rec.GivenNames) != compactName(crec.GivenNames)) {
			// The source already sent this child under another record ID:
			// the same child again, or a twin. A duplicate repeats the
			// record; twins' records differ in a given name (Sophie and
			// Sophie Mabel, Teddy Alfie and Theodore: a million children
			// had such pairs merged) or carry their own NHS number.
			d, rule = match.Review, sameSourceTwinRule
		}
		g := v.Levels[match.FieldGiven]
		unlike := v.Levels[match.FieldDOB] == match.DOBDisagree && g != match.GivenExact && g != match.GivenMissing &&
			v.Levels[match.FieldIdentifier] != match.IDAgree
		if d == match.Link && unlike {
			// Another date of birth and a first name only like the
			// child's (Aryan beside his brother Rayan, two years apart)
			// is never enough for a link, however much the home and the
			// family name weigh: at best a doubt, and at the child's
			// home a brother or sister (below).
			d = match.Review
		}
		if d == match.Review && unlike && atHome(v) {
			// Another first name (Harry beside Henry) and a date of birth
			// nothing like the child's, at the child's home: a brother or
			// sister, whose records otherwise waited beside the sibling
			// for good (the home outweighs the date), and whose own child
			// was never made. The shielded-child rule below still holds.
			d, rule = match.NewChild, siblingRule
		}
		if cd.Shielded && p >= model.ReviewThreshold {
			shielded = true
		}
		if best == "" || p > bestP {
			best, bestV, bestP, bestRule = cd.ID, v, p, rule
		}
		switch d {
		case match.Link:
			links++
			if odds > linkOdds {
				otherOdds = max(otherOdds, linkOdds)
				linkOdds = odds
				link = cd.ID
				linkGiven = v.Levels[match.FieldGiven]
				linkV, linkP, linkRule = v, p, rule
			} else {
				otherOdds = max(otherOdds, odds)
			}
		case match.Review:
			otherOdds = max(otherOdds, odds)
			reviews++
			g := v.Levels[match.FieldGiven]
			if g != match.GivenDisagree && g != match.GivenInitial {
				siblingsOnly = false
			}
			if g == match.GivenExact || g == match.GivenMissing {
				othersInexact = false
			}
		}
		if d != match.NewChild || (cd.Shielded && p >= model.ReviewThreshold) {
			out.Candidates = append(out.Candidates, reviewCandidate(model, cd, v, d, p))
		}
	}
	switch {
	case shielded:
		out.Decision, out.Reason = match.Review, ReasonShielded
	case links == 1 && reviews == 0:
		out.Decision, out.ChildID = match.Link, link
	case links == 1 && (siblingsOnly && linkGiven == match.GivenNickname || othersInexact && linkGiven == match.GivenExact):
		// One child has the record's first given name (or its nickname,
		// when the others' names plainly differ) and everything else
		// links it; the others in range have another first name: they
		// are brothers or sisters (a twin called Harvey beside Harry),
		// not doubts about this child.
		out.Decision, out.ChildID = match.Link, link
	case links > 1 && linkOdds-otherOdds >= dominance && siblingsOnly:
		// Namesakes born the same day: one lives at the record's address,
		// the others elsewhere.
		out.Decision, out.ChildID = match.Link, link
		if linkRule == "" {
			linkRule = dominantRule
		}
	case links == 1 && linkOdds-otherOdds >= dominance:
		// One child links and the others in review range are far behind:
		// namesakes born the same day in other towns (Ethan Smith at the
		// record's address, Ethan Charlie Smith at another), whom a
		// larger directory holds more of. Had they scored higher still,
		// and linked, the rule above would have chosen this child.
		out.Decision, out.ChildID = match.Link, link
		if linkRule == "" {
			linkRule = dominantReviewRule
		}
	case links > 1:
		out.Decision, out.Reason = match.Review, ReasonSeveral
	case links+reviews > 0:
		out.Decision, out.Reason = match.Review, ReasonPossibleMatch
	case la == "":
		out.Decision, out.Reason = match.Review, ReasonNoLA
	default:
		out.Decision = match.NewChild
	}
	switch {
	case out.Decision == match.Link:
		out.Explanation = explain(model, match.Link, link, linkV, linkP, linkRule)
		if links+reviews > 1 && linkRule == "" {
			out.Explanation.Rule = "the only candidate with the record's first given name (or its short form): the others are brothers or sisters"
		}
	case out.Decision == match.NewChild && best != "":
		out.Explanation = explain(model, match.NewChild, best, bestV, bestP, bestRule)
	case out.Decision == match.NewChild:
		out.Explanation = &store.Explanation{Decision: match.NewChild.String()}
	}
	return out
}

// dominance is how many bits of posterior log-odds the linking candidate
// must have over every other in range for a link when several link:
// 2^12 to one, the weight of a full postcode agreeing where the others'
// disagree, less a margin.
const dominance = 12

// dominantRule explains a link chosen among several linking candidates.
const dominantRule = "several children link, and this one outweighs every other by 4,096 to one"

// dominantReviewRule explains a link to the only linking candidate beside
// others in review range that it outweighs by 2^dominance to one.
const dominantReviewRule = "the only child that links, outweighing every other in review range by 4,096 to one"

// sameSourceRule explains a comparison weighed with the prior for a
// duplicate within one source.
const sameSourceRule = "the child already holds a record of this source: weighed as a duplicate within it, which sources rarely send"

// sameSourceTwinRule explains a link held back because the child already
// holds a record of the same source that differs from this one.
const sameSourceTwinRule = "the child already holds a record of this source, and this one gives other given names or another identifier: a twin as likely as a duplicate"

// explain records decision d against child, compared in v at probability p.
func explain(model *match.Model, d match.Decision, child domain.ID, v match.Vector, p float64, rule string) *store.Explanation {
	return &store.Explanation{Decision: d.String(), Probability: p, Weight: model.MatchWeight(v), Against: child, Rule: rule,
		Fields: fieldWeights(model, v)}
}

// fieldWeights is each field's level and weight in v.
func fieldWeights(model *match.Model, v match.Vector) []store.FieldComparison {
	out := make([]store.FieldComparison, 0, match.NumFields)
	for f := match.Field(0); f < match.NumFields; f++ {
		out = append(out, store.FieldComparison{Field: f.String(), Level: int(v.Levels[f]),
			Weight: model.WeightTF(f, v.Levels[f], v.TF[f])})
	}
	return out
}

// refine applies the importer's own guards to the model's decision d (at
// probability p) for the pair compared in v, whose given names are recGiven
// and candGiven, and names the guard that changed it ("" when none did). The model sends every possible twin (same family name,
// date of birth and home, first given names alike but not equal) to review;
// some of those are settled here:
//
//   - the given names are equal but for spaces, hyphens and case
//     (Ellie-May and EllieMay): one child, link;
//   - (an NHS number or UPN that agrees settles nothing: a twin's record
//     may carry the other twin's number;)
//   - an NHS number or UPN disagrees: twins (Harry and Harvey, each with
//     their own number), so a new child rather than a doubt;
//   - both have further given names and none is shared (Ellie Mia and
//     Ellie-May Maeve): twins, a new child;
//   - the only doubt is a nickname for the first given name (William and
//     Bill, everything else exact): twins are not given a name and its
//     nickname, so link;
//   - the only doubt is the first given name's spelling (Aisha and Ayesha),
//     the further given names are the same and an NHS number or UPN agrees
//     (spelledOnly, sameFurtherNames): one child, link.
func refine(model *match.Model, v match.Vector, d match.Decision, p float64, recGiven, candGiven string) (match.Decision, string) {
	if d != match.Review || !v.PossibleTwin() {
		return d, ""
	}
	l := &v.Levels
	strong := p >= model.LinkThreshold && l[match.FieldGender] != match.GenderDisagree
	switch {
	case l[match.FieldIdentifier] == match.IDDisagree:
		return match.NewChild, "a possible twin with another NHS number or UPN: two children"
	case otherNamesDiffer(recGiven, candGiven):
		return match.NewChild, "a possible twin whose further given names share none: two children"
	case strong && compactName(recGiven) == compactName(candGiven):
		return match.Link, "given names equal but for spaces and hyphens"
	case strong && nicknameOnly(v) && trueNickname(recGiven, candGiven):
		return match.Link, "the only doubt is a name and its short form"
	case strong && spelledOnly(v) && sameFurtherNames(recGiven, candGiven):
		return match.Link, spelledRule
	}
	return d, ""
}

// awayTwinRule explains a link held back by twinSpellingAway.
const awayTwinRule = "a first given name spelled as twins' names are, the family name and birthday the same, the home not the child's and no identifier agreeing: a twin as likely"

// twinSpellingAway reports whether the pair is a possible twin but for
// the home: the first given names spelled alike but not the same (Sophie
// and Sophia, Amelie and Amelia), the family name and date of birth (or
// one a typing error away) the same, no identifier agreeing, and a
// postcode that is not the child's or not given. A twin's record with a
// stale address, or none, is as likely as the child's own with both a
// misspelled name and another address.
func twinSpellingAway(v match.Vector) bool {
	l := &v.Levels
	if !spelledAlike(l[match.FieldGiven]) {
		return false
	}
	dob := l[match.FieldDOB]
	return l[match.FieldFamily] == match.FamilyExact && (dob == match.DOBExact || dob == match.DOBOneDay || dob == match.DOBTransposed) &&
		l[match.FieldGender] != match.GenderDisagree && l[match.FieldIdentifier] != match.IDAgree && !atHome(v)
}

// atHome reports whether the pair's postcode is the child's, current or
// previous.
func atHome(v match.Vector) bool {
	pc := v.Levels[match.FieldPostcode]
	return pc == match.PostcodeExact || pc == match.PostcodePrevious
}

// spelledRule explains a link made by refine for a first given name
// spelled another way.
const spelledRule = "the first given name spelled another way, every further given name the same and the NHS number or UPN agreeing: one child"

// spelledOnly reports whether the pair's only doubt is how the first given
// name is spelled (Aisha and Ayesha, Mohammed and Muhammad, a letter
// dropped), with the family name and date of birth exact and an NHS
// number or UPN agreeing. Twins are given such spellings (Luca and Luka),
// so it settles a link only beside sameFurtherNames: a twin's record would
// need the other twin's number and the other twin's further given names
// too. Of 100,000 health records against a million children, such
// records were most of those held for review (docs/benchmarks.md).
func spelledOnly(v match.Vector) bool {
	l := &v.Levels
	if !spelledAlike(l[match.FieldGiven]) {
		return false
	}
	return l[match.FieldFamily] == match.FamilyExact && l[match.FieldDOB] == match.DOBExact &&
		l[match.FieldIdentifier] == match.IDAgree && l[match.FieldGender] != match.GenderDisagree
}

// spelledAlike reports whether a first given name's level is two names
// alike but not the same: in one nickname group, sounding alike or close
// by Jaro-Winkler.
func spelledAlike(g match.Level) bool {
	switch g {
	case match.GivenNickname, match.GivenPhonetic, match.GivenJW92, match.GivenJW85:
		return true
	}
	return false
}

// sameFurtherNames reports whether both given-names fields have names
// after the first (match.FirstGiven) and those are the same.
func sameFurtherNames(a, b string) bool {
	_, ar := match.FirstGiven(a)
	_, br := match.FirstGiven(b)
	return ar != "" && ar == br
}

// trueNickname reports whether two first given names in one nickname group
// are a name and another form of it (William and Bill, Henry and Harry,
// Alfie and Alf: match.OtherForm), not spellings twins are given (Sophie
// and Sophia, Mia and Maya), and no other given names contradict.
func trueNickname(a, b string) bool {
	_, ar := match.FirstGiven(a)
	_, br := match.FirstGiven(b)
	if ar != "" && br != "" && ar != br {
		return false
	}
	return match.OtherForm(a, b)
}

// otherNamesDiffer reports whether both given-names fields have names
// after the first (match.FirstGiven: the whole of a hyphenated first name
// is the first) and none of them is shared.
func otherNamesDiffer(a, b string) bool {
	_, ar := match.FirstGiven(a)
	_, br := match.FirstGiven(b)
	if ar == "" || br == "" {
		return false
	}
	for _, x := range strings.Fields(ar) {
		for _, y := range strings.Fields(br) {
			if x == y {
				return false
			}
		}
	}
	return true
}

// compactName is a name normalised for comparison with its spaces removed.
func compactName(s string) string { return strings.ReplaceAll(match.Name(s), " ", "") }

// nicknameOnly reports whether the pair's only doubt is a nickname for the
// first given name: family name, date of birth and postcode agree exactly
// and no identifier disagrees.
func nicknameOnly(v match.Vector) bool {
	l := &v.Levels
	return l[match.FieldGiven] == match.GivenNickname && l[match.FieldFamily] == match.FamilyExact &&
		l[match.FieldDOB] == match.DOBExact && l[match.FieldIdentifier] != match.IDDisagree &&
		l[match.FieldGender] != match.GenderDisagree
}

func reviewCandidate(model *match.Model, cd *store.ImportCandidate, v match.Vector, d match.Decision, p float64) store.ReviewCandidate {
	return store.ReviewCandidate{ChildID: cd.ID, Probability: p, Weight: model.MatchWeight(v), Decision: d.String(), Shielded: cd.Shielded,
		Fields: fieldWeights(model, v)}
}
