package match

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Record is the part of a child's record, or of a search or a source
// record, that matching looks at. Names may be raw: they are normalised
// here. Postcodes may be in any spacing; the first is the current one and
// the rest are previous ones. Identifiers are keyed hashes of NHS numbers,
// UPNs and the like, computed by the caller; prefix each with its kind and a
// colon ("nhs:3f9a…") so that an NHS number is only ever said to disagree
// with another NHS number.
type Record struct {
	GivenNames        string
	FamilyName        string
	FormerFamilyNames []string
	DateOfBirth       domain.Date
	Gender            domain.Gender
	Postcodes         []string
	Identifiers       []string
}

// Level is the outcome of one comparison. Level 0 means a value is missing
// on one side, for every field, and carries no weight; higher levels are
// defined per field below.
type Level uint8

// Field names the comparisons in a Vector.
type Field uint8

const (
	FieldGiven Field = iota
	FieldFamily
	FieldDOB
	FieldGender
	FieldPostcode
	FieldIdentifier
	NumFields
)

var fieldNames = [NumFields]string{"given", "family", "dob", "gender", "postcode", "identifier"}

func (f Field) String() string {
	if f < NumFields {
		return fieldNames[f]
	}
	return "field?"
}

// MaxLevels bounds the number of levels of any field, Missing included.
const MaxLevels = 9

// Levels of the given-name comparison, from strongest agreement down.
const (
	GivenMissing  Level = iota // either side has no given name
	GivenExact                 // first given names equal
	GivenNickname              // first given names in one nickname group (Bill, William)
	GivenMiddle                // one side's first given name equals, or is a nickname of, another given name on the other
	GivenPhonetic              // first given names share a Double Metaphone code
	GivenJW92                  // first given names have Jaro-Winkler ≥ 0.92
	GivenJW85                  // first given names have Jaro-Winkler ≥ 0.85
	GivenInitial               // only the first letters agree (or one side is an initial)
	GivenDisagree
)

// Levels of the family-name comparison.
const (
	FamilyMissing  Level = iota
	FamilyExact          // whole names equal (ignoring spaces and hyphens)
	FamilyPart           // a part of a double-barrelled name, or a former name, equals
	FamilyPhonetic       // some part shares a Double Metaphone code
	FamilyJW92           // whole names have Jaro-Winkler ≥ 0.92
	FamilyJW85           // whole names have Jaro-Winkler ≥ 0.85
	FamilySwapped        // given and family names are the other way round
	FamilyDisagree
)

// Levels of the date-of-birth comparison.
const (
	DOBMissing    Level = iota
	DOBExact            // same date
	DOBTransposed       // day and month swapped (03/04 for 04/03), same year
	DOBOneDay           // one day apart
	DOBYearMonth        // same year and month
	DOBYear             // same year
	DOBDisagree
)

// Levels of the gender comparison. Not-specified counts as missing.
const (
	GenderMissing Level = iota
	GenderAgree
	GenderDisagree
)

// Levels of the postcode comparison.
const (
	PostcodeMissing  Level = iota
	PostcodeExact          // the first (current) postcodes are equal
	PostcodePrevious       // some postcode of one equals some postcode of the other
	PostcodeDistrict       // same outward code (SW1A)
	PostcodeArea           // same area (SW)
	PostcodeDisagree
)

// Levels of the identifier comparison.
const (
	IDMissing  Level = iota // no identifier of a common kind on both sides
	IDAgree                 // some identifier is equal
	IDDisagree              // both sides have an identifier of the same kind, none equal
)

var levelNames = [NumFields][]string{
	FieldGiven:      {"missing", "exact", "nickname", "middle", "phonetic", "jw92", "jw85", "initial", "disagree"},
	FieldFamily:     {"missing", "exact", "part", "phonetic", "jw92", "jw85", "swapped", "disagree"},
	FieldDOB:        {"missing", "exact", "transposed", "one-day", "year-month", "year", "disagree"},
	FieldGender:     {"missing", "agree", "disagree"},
	FieldPostcode:   {"missing", "exact", "previous", "district", "area", "disagree"},
	FieldIdentifier: {"missing", "agree", "disagree"},
}

// LevelName names level l of field f ("exact", "transposed").
func LevelName(f Field, l Level) string {
	if f < NumFields && int(l) < len(levelNames[f]) {
		return levelNames[f][l]
	}
	return fmt.Sprintf("level%d", l)
}

// numLevels is the number of levels of each field, Missing included.
var numLevels = [NumFields]int{
	FieldGiven: int(GivenDisagree) + 1, FieldFamily: int(FamilyDisagree) + 1,
	FieldDOB: int(DOBDisagree) + 1, FieldGender: int(GenderDisagree) + 1,
	FieldPostcode: int(PostcodeDisagree) + 1, FieldIdentifier: int(IDDisagree) + 1,
}

// Vector is the comparison of a pair of records: a level per field and,
// optionally, the relative frequency of the agreeing value for a term
// frequency adjustment (TF[FieldFamily] = 0.012 when both are SMITH); a zero
// TF means no adjustment. The caller fills TF from its own counts.
type Vector struct {
	Levels [NumFields]Level
	TF     [NumFields]float64
}

// token is one normalised name part with what comparison needs of it.
type token struct {
	s     string
	p, a  code
	roots []string // shared with nicknameIndex: never modified
}

func newToken(s string) token {
	p, a := metaphone(s)
	return token{s: s, p: p, a: a, roots: nicknameIndex[s]}
}

// soundsLike reports whether t and u share a non-empty Double Metaphone code.
func (t *token) soundsLike(u *token) bool {
	if t.p.n == 0 || u.p.n == 0 {
		return false
	}
	return t.p == u.p || t.p == u.a || (t.a.n > 0 && (t.a == u.p || t.a == u.a))
}

// Prepared is a Record normalised once for repeated comparison: scoring a
// query against hundreds of candidates should prepare the query once. Build
// it with Prepare; the zero Prepared is a record with nothing known.
type Prepared struct {
	given  []token // given-name parts, then all joined when more than one
	nGiven int     // number of parts in given
	// firstGiven is the first given name when it is hyphenated
	// (Ellie-May: ELLIEMAY, of firstParts parts), for comparison: its
	// first part alone (ELLIE) is not the child's first name.
	firstGiven token
	firstParts int
	family     []token // family-name parts, then joined
	familyFull string  // family name without spaces
	former     []token // parts and joined forms of former family names
	dob        domain.Date
	gender     domain.Gender
	postcodes  []string // standard form; invalid ones dropped
	ids        []string

	tokBuf [8]token
	pcBuf  [4]string
}

// Prepare normalises r for comparison.
func Prepare(r Record) *Prepared {
	p := new(Prepared)
	p.set(r)
	return p
}

func (p *Prepared) set(r Record) {
	buf := p.tokBuf[:0]
	var n int
	buf, n = appendTokens(buf, Name(r.GivenNames))
	p.given, p.nGiven = buf[:len(buf):len(buf)], n
	p.firstGiven, p.firstParts = token{}, 0
	if n > 1 {
		if w := firstWord(r.GivenNames); strings.IndexFunc(w, separates) >= 0 {
			w = Name(w)
			if strings.IndexByte(w, ' ') > 0 {
				p.firstGiven, p.firstParts = newToken(strings.ReplaceAll(w, " ", "")), strings.Count(w, " ")+1
			}
		}
	}
	buf = buf[len(buf):]
	fam := Name(r.FamilyName)
	buf, _ = appendTokens(buf, fam)
	p.family = buf[:len(buf):len(buf)]
	if len(p.family) > 0 {
		p.familyFull = p.family[len(p.family)-1].s
	}
	buf = buf[len(buf):]
	for _, f := range r.FormerFamilyNames {
		buf, _ = appendTokens(buf, Name(f))
	}
	p.former = buf
	p.dob = r.DateOfBirth
	switch r.Gender {
	case domain.GenderMale, domain.GenderFemale, domain.GenderOther:
		p.gender = r.Gender
	}
	pcs := p.pcBuf[:0]
	for _, s := range r.Postcodes {
		if pc := Postcode(s); pc != "" {
			pcs = append(pcs, pc)
		}
	}
	p.postcodes = pcs
	p.ids = r.Identifiers
}

// appendTokens appends the parts of a normalised name, then the joined form
// when there are several, and returns the number of parts.
func appendTokens(dst []token, n string) ([]token, int) {
	if n == "" {
		return dst, 0
	}
	if strings.IndexByte(n, ' ') < 0 {
		return append(dst, newToken(n)), 1
	}
	parts := 0
	rest := n
	for rest != "" {
		part, r, _ := strings.Cut(rest, " ")
		rest = r
		if part != "" {
			dst = append(dst, newToken(part))
			parts++
		}
	}
	return append(dst, newToken(strings.ReplaceAll(n, " ", ""))), parts
}

// first returns the first given name, which must exist: the whole of a
// hyphenated one.
func (p *Prepared) first() *token {
	if p.firstParts > 0 {
		return &p.firstGiven
	}
	return &p.given[0]
}

// firstPartOf reports whether p's first given name is the first part of
// q's hyphenated one (Lily for Lily-Rose), as a short form of it.
func (p *Prepared) firstPartOf(q *Prepared) bool {
	return p.firstParts == 0 && q.firstParts > 0 && len(p.given[0].s) > 1 && p.given[0].s == q.given[0].s
}

// firstIn reports whether p's first given name equals, or shares a
// nickname group with, one of q's other given names (or q's names run
// together): a child known by a middle name (James for William James). Two
// children who share only a middle name (Niamh Aleena, Iris Aleena) do not
// agree here: a middle name is often a family name given to brothers and
// sisters alike.
func (p *Prepared) firstIn(q *Prepared) bool {
	x := p.first()
	if len(x.s) < 2 {
		return false
	}
	skip := max(q.firstParts, 1) // the parts of q's own first name
	for j := skip; j < len(q.given); j++ {
		y := &q.given[j]
		if x.s == y.s || sharesRoot(x.roots, y.roots) {
			return true
		}
	}
	return false
}

// FirstGiven splits a given-names field into its first given name, whole
// when hyphenated, and the others, normalised with Name and without
// spaces in the first: "Ellie-May Rose" is ELLIEMAY and ROSE.
func FirstGiven(s string) (first, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	w := firstWord(s)
	first = strings.ReplaceAll(Name(w), " ", "")
	rest = Name(s[len(w):])
	if first == "" {
		first, rest, _ = strings.Cut(rest, " ")
	}
	return first, rest
}

// OtherForm reports whether the first given names of two given-names
// fields are a name and another form of it (Henry and Harry, William and
// Bill, Alfie and Alf, Matilda and Tilda, Lily for Lily-Rose, each pair in
// one nickname group or a hyphenated name and its first part) rather than
// two spellings of one name (Sophie and Sophia, Lily and Lilly, Zara and
// Sara, Mohammed and Muhammad). Parents give twins two spellings, never a
// name and its short form, so only the first may be taken for one child. Spellings sound
// alike (share a Double Metaphone code) or are one typing error apart; a
// short form that begins or ends the full name and is at least two letters
// shorter (Alf, Josh, Tilda) is another form however it sounds.
func OtherForm(a, b string) bool {
	pa, pb := Prepare(Record{GivenNames: a}), Prepare(Record{GivenNames: b})
	if len(pa.given) == 0 || len(pb.given) == 0 {
		return false
	}
	if pa.firstPartOf(pb) || pb.firstPartOf(pa) {
		return true
	}
	x, y := pa.first().s, pb.first().s
	if x == y || !sharesRoot(pa.first().roots, pb.first().roots) {
		return false
	}
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) >= 2 && len(y)-len(x) >= 2 && (strings.HasPrefix(y, x) || strings.HasSuffix(y, x)) {
		return true
	}
	if DamerauLevenshtein(x, y) <= 1 {
		return false
	}
	tx, ty := newToken(x), newToken(y)
	return !tx.soundsLike(&ty)
}

// separates reports whether Name treats r as separating the parts of a
// name (Ellie-May, J.R.).
func separates(r rune) bool {
	switch r {
	case '-', '.', ',', '/', '_', '&', '+':
		return true
	}
	return r >= utf8.RuneSelf && unicode.Is(unicode.Pd, r)
}

// firstWord returns the first word of s, up to white space.
func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// joinsTo reports whether p's first n given-name parts, joined, are s: a
// hyphenated first name written with a space (Ellie May for Ellie-May).
func (p *Prepared) joinsTo(n int, s string) bool {
	if p.nGiven < n || n < 2 {
		return false
	}
	rest := s
	for i := range n {
		part := p.given[i].s
		if !strings.HasPrefix(rest, part) {
			return false
		}
		rest = rest[len(part):]
	}
	return rest == ""
}

// CompareGiven compares two given-names fields ("Mary Jane").
func CompareGiven(a, b string) Level {
	return compareGiven(Prepare(Record{GivenNames: a}), Prepare(Record{GivenNames: b}))
}

func compareGiven(a, b *Prepared) Level {
	if len(a.given) == 0 || len(b.given) == 0 {
		return GivenMissing
	}
	fa, fb := a.first(), b.first()
	if fa.s == fb.s || b.firstParts == 0 && b.joinsTo(a.firstParts, fa.s) || a.firstParts == 0 && a.joinsTo(b.firstParts, fb.s) {
		return GivenExact
	}
	if sharesRoot(fa.roots, fb.roots) || a.firstPartOf(b) || b.firstPartOf(a) {
		return GivenNickname
	}
	if a.firstIn(b) || b.firstIn(a) {
		return GivenMiddle
	}
	if fa.soundsLike(fb) {
		return GivenPhonetic
	}
	switch jw := JaroWinkler(fa.s, fb.s); {
	case jw >= 0.92:
		return GivenJW92
	case jw >= 0.85:
		return GivenJW85
	}
	if fa.s[0] == fb.s[0] {
		return GivenInitial
	}
	return GivenDisagree
}

// CompareFamily compares family names, each with its former family names.
func CompareFamily(a string, aFormer []string, b string, bFormer []string) Level {
	return compareFamily(
		Prepare(Record{FamilyName: a, FormerFamilyNames: aFormer}),
		Prepare(Record{FamilyName: b, FormerFamilyNames: bFormer}))
}

func compareFamily(a, b *Prepared) Level {
	if len(a.family) == 0 || len(b.family) == 0 {
		return FamilyMissing
	}
	if a.familyFull == b.familyFull {
		return FamilyExact
	}
	if anyToken(a.family, a.former, b.family, b.former, func(x, y *token) bool { return x.s == y.s && len(x.s) > 1 }) {
		return FamilyPart
	}
	if anyToken(a.family, nil, b.family, nil, (*token).soundsLike) {
		return FamilyPhonetic
	}
	switch jw := JaroWinkler(a.familyFull, b.familyFull); {
	case jw >= 0.92:
		return FamilyJW92
	case jw >= 0.85:
		return FamilyJW85
	}
	return FamilyDisagree
}

// anyToken reports whether eq holds for some token of a or a2 and some token
// of b or b2.
func anyToken(a, a2, b, b2 []token, eq func(x, y *token) bool) bool {
	for _, xs := range [2][]token{a, a2} {
		for i := range xs {
			for _, ys := range [2][]token{b, b2} {
				for j := range ys {
					if eq(&xs[i], &ys[j]) {
						return true
					}
				}
			}
		}
	}
	return false
}

// Swapped reports whether one record's given and family names are the
// other's the wrong way round: a's first given name agrees (exactly or
// phonetically) with a part of b's family name and a part of a's family
// name with b's first given name.
func Swapped(a, b Record) bool { return swapped(Prepare(a), Prepare(b)) }

func swapped(a, b *Prepared) bool {
	if len(a.given) == 0 || len(b.given) == 0 || len(a.family) == 0 || len(b.family) == 0 {
		return false
	}
	same := func(x, y *token) bool { return x.s == y.s || (len(x.s) > 2 && len(y.s) > 2 && x.soundsLike(y)) }
	return anyToken(a.given[:1], nil, b.family, nil, same) && anyToken(a.family, nil, b.given[:1], nil, same)
}

// CompareDOB compares dates of birth.
func CompareDOB(a, b domain.Date) Level {
	if a.IsZero() || b.IsZero() {
		return DOBMissing
	}
	if a.Equal(b) {
		return DOBExact
	}
	ya, ma, da := a.Year(), int(a.Month()), a.Day()
	yb, mb, db := b.Year(), int(b.Month()), b.Day()
	if ya == yb && ma == db && da == mb {
		return DOBTransposed
	}
	if d := a.DaysUntil(b); d == 1 || d == -1 {
		return DOBOneDay
	}
	if ya == yb && ma == mb {
		return DOBYearMonth
	}
	if ya == yb {
		return DOBYear
	}
	return DOBDisagree
}

// CompareGender compares genders; not-specified and unknown values count as
// missing.
func CompareGender(a, b domain.Gender) Level {
	known := func(g domain.Gender) bool {
		return g == domain.GenderMale || g == domain.GenderFemale || g == domain.GenderOther
	}
	switch {
	case !known(a) || !known(b):
		return GenderMissing
	case a == b:
		return GenderAgree
	}
	return GenderDisagree
}

// ComparePostcodes compares lists of postcodes, current first, in any
// spacing; invalid postcodes are ignored.
func ComparePostcodes(a, b []string) Level {
	return comparePostcodes(Prepare(Record{Postcodes: a}).postcodes, Prepare(Record{Postcodes: b}).postcodes)
}

func comparePostcodes(a, b []string) Level {
	if len(a) == 0 || len(b) == 0 {
		return PostcodeMissing
	}
	if a[0] == b[0] {
		return PostcodeExact
	}
	best := PostcodeDisagree
	for _, x := range a {
		for _, y := range b {
			switch {
			case x == y:
				return PostcodePrevious
			case best > PostcodeDistrict && District(x) == District(y):
				best = PostcodeDistrict
			case best > PostcodeArea && Area(x) == Area(y):
				best = PostcodeArea
			}
		}
	}
	return best
}

// CompareIdentifiers compares lists of identifier hashes. Identifiers of the
// form "kind:value" are only said to disagree with identifiers of the same
// kind; those without a colon are all of one kind.
func CompareIdentifiers(a, b []string) Level {
	if len(a) == 0 || len(b) == 0 {
		return IDMissing
	}
	l := IDMissing
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return IDAgree
			}
			if idKind(x) == idKind(y) {
				l = IDDisagree
			}
		}
	}
	return l
}

func idKind(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i]
	}
	return ""
}

// Compare compares two records field by field.
func Compare(a, b Record) Vector { return ComparePrepared(Prepare(a), Prepare(b)) }

// ComparePrepared compares two prepared records field by field. When the
// names are the wrong way round, Family is FamilySwapped and Given is
// GivenMissing, so the names count once, through the swapped level.
func ComparePrepared(a, b *Prepared) Vector {
	var v Vector
	v.Levels[FieldGiven] = compareGiven(a, b)
	v.Levels[FieldFamily] = compareFamily(a, b)
	if v.Levels[FieldFamily] >= FamilyJW85 && v.Levels[FieldGiven] >= GivenPhonetic && swapped(a, b) {
		v.Levels[FieldFamily] = FamilySwapped
		v.Levels[FieldGiven] = GivenMissing
	}
	v.Levels[FieldDOB] = CompareDOB(a.dob, b.dob)
	v.Levels[FieldGender] = CompareGender(a.gender, b.gender)
	v.Levels[FieldPostcode] = comparePostcodes(a.postcodes, b.postcodes)
	v.Levels[FieldIdentifier] = CompareIdentifiers(a.ids, b.ids)
	return v
}

// LikelyTwin reports whether a and b look like twins (or other multiple
// births) rather than one child: see Vector.LikelyTwin.
func LikelyTwin(a, b Record) bool { return Compare(a, b).LikelyTwin() }

// LikelyTwin reports whether the pair has the same family name, the same
// date of birth (or one a typing error away) and a shared postcode but
// clearly different first given names: not a nickname, not a sound-alike,
// Jaro-Winkler below 0.85 and no given name in common. Such a pair is two children, however high its
// weight, and import must create a new child rather than link.
func (v Vector) LikelyTwin() bool {
	g := v.Levels[FieldGiven]
	return v.sameFamilyHome() && (g == GivenInitial || g == GivenDisagree)
}

// PossibleTwin reports whether the pair has the same family name, date of
// birth (or one a typing error away) and postcode and any given-name level
// short of exact agreement, including sound-alikes (Jayden and Jaydon) and
// nicknames. Twins are often
// given similar names, so import sends such a pair to review instead of
// linking it.
func (v Vector) PossibleTwin() bool {
	g := v.Levels[FieldGiven]
	return v.sameFamilyHome() && g != GivenExact && g != GivenMissing
}

// sameFamilyHome reports whether the pair has the same family name and
// home and the same date of birth, or one a typing error away (a day out,
// day and month swapped): a twin's record with its date mistyped is still a
// twin's.
func (v Vector) sameFamilyHome() bool {
	pc, dob := v.Levels[FieldPostcode], v.Levels[FieldDOB]
	return v.Levels[FieldFamily] == FamilyExact && (dob == DOBExact || dob == DOBOneDay || dob == DOBTransposed) &&
		(pc == PostcodeExact || pc == PostcodePrevious)
}
