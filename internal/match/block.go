package match

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Blocking keys. Each key is a short ASCII string: a one-letter kind, then
// its parts. Dates are YYYYMMDD, postcodes are without their space, name
// codes are Double Metaphone codes (at most four characters).
//
//	F date family-code        date of birth + sound of each family-name part
//	G date given-code         date of birth + sound of each given name or its nickname root
//	D date district           date of birth + postcode district
//	P postcode given-code     full postcode + sound of a given name
//	Q postcode family-code    full postcode + sound of a family-name part
//	Y family-code year initial  sound of family name + year of birth + given initial
//	I identifier              a keyed identifier hash, cut to 24 characters
const (
	keyFamilyDOB   = 'F'
	keyGivenDOB    = 'G'
	keyDistrictDOB = 'D'
	keyPCGiven     = 'P'
	keyPCFamily    = 'Q'
	keyFamilyYear  = 'Y'
	keyIdentifier  = 'I'
	maxIDKey       = 24
)

// Keys returns the blocking keys to store for a child's record, sorted and
// without duplicates. A search or a source record finds the child when one
// of its QueryKeys is among them.
func Keys(r Record) []string {
	p := Prepare(r)
	k := keyer{}
	given := p.givenCodes()
	family := p.familyCodes(true)
	if !p.dob.IsZero() {
		d := dateKey(p.dob)
		k.cross(keyFamilyDOB, d, family)
		k.cross(keyGivenDOB, d, given)
		for _, pc := range p.postcodes {
			k.key(keyDistrictDOB, d, District(pc))
		}
		year := strconv.Itoa(p.dob.Year())
		for _, f := range family {
			for _, i := range p.initials(false) {
				k.key(keyFamilyYear, f, year, string(i))
			}
		}
	}
	for _, pc := range p.postcodes {
		c := compactPC(pc)
		k.cross(keyPCGiven, c, given)
		k.cross(keyPCFamily, c, family)
	}
	k.ids(p.ids)
	return k.done()
}

// QueryKeys returns the blocking keys to look up for a search or a source
// record, sorted and without duplicates. Beyond the keys Keys would give, it
// tries the date of birth with day and month swapped and a day either side,
// and the given and family names the other way round, so that those errors
// still reach the stored keys of the right child.
func QueryKeys(r Record) []string {
	p := Prepare(r)
	k := keyer{}
	// Names as given, and swapped: a given name may be a family name.
	given := p.givenCodes()
	family := p.familyCodes(false)
	givenSw := append(slices.Clip(given), family...)
	familySw := append(slices.Clip(family), p.givenCodes()...)
	if !p.dob.IsZero() {
		for i, dob := range dobVariants(p.dob) {
			// Swapped names are tried with the date as given only: two
			// errors at once are rare and would double the lookups.
			fam, giv := familySw, givenSw
			if i > 0 {
				fam, giv = family, given
			}
			d := dateKey(dob)
			k.cross(keyFamilyDOB, d, fam)
			k.cross(keyGivenDOB, d, giv)
			for _, pc := range p.postcodes {
				k.key(keyDistrictDOB, d, District(pc))
			}
		}
		years := []int{p.dob.Year()}
		if t := transposed(p.dob); !t.IsZero() && t.Year() != p.dob.Year() {
			years = append(years, t.Year())
		}
		inits := p.initials(true)
		for _, y := range years {
			year := strconv.Itoa(y)
			for _, f := range familySw {
				for _, i := range inits {
					k.key(keyFamilyYear, f, year, string(i))
				}
			}
		}
	}
	for _, pc := range p.postcodes {
		c := compactPC(pc)
		k.cross(keyPCGiven, c, givenSw)
		k.cross(keyPCFamily, c, familySw)
	}
	k.ids(p.ids)
	return k.done()
}

// SplitFallback splits keys (QueryKeys of a record born on dob) into those
// a search looks up first and the fallback ones it tries only when the
// first find nobody:
//   - the family-sound, year and initial keys, which reach a child whose
//     date of birth was written wrong beyond the variants tried, but hold
//     many children each (every Smith born in 2015 whose name starts with
//     O). At a million children they were 44 % of a search's CPU and,
//     always looked up, crowded the right child out of the candidates a
//     little more often than they brought it in (docs/benchmarks.md);
//   - the given-name keys of the date's variants (a day either side, day
//     and month swapped): a given name's sound and a date hold the most
//     children of the first keys (at eleven million, tens a key), and
//     the family-name keys of the same variants, which hold far fewer,
//     still reach a child whose date was mistyped. Only a record whose
//     family name and date are both wrong needs them.
//
// When every key is a fallback key, they are all first.
func SplitFallback(keys []string, dob domain.Date) (first, fallback []string) {
	exact := ""
	if !dob.IsZero() {
		exact = dateKey(dob)
	}
	for _, k := range keys {
		switch {
		case k != "" && k[0] == keyFamilyYear,
			len(k) > 9 && k[0] == keyGivenDOB && k[1:9] != exact:
			fallback = append(fallback, k)
		default:
			first = append(first, k)
		}
	}
	if len(first) == 0 {
		return fallback, nil
	}
	return first, fallback
}

// dobVariants returns d, d with day and month swapped when that is a
// different real date, and the days either side.
func dobVariants(d domain.Date) []domain.Date {
	v := []domain.Date{d, d.AddDays(-1), d.AddDays(1)}
	if t := transposed(d); !t.IsZero() {
		v = append(v, t)
	}
	return v
}

// transposed returns d with day and month swapped, or the zero Date when
// that is not a real date or is d itself.
func transposed(d domain.Date) domain.Date {
	day, month := d.Day(), int(d.Month())
	if day == month || day > 12 {
		return domain.Date{}
	}
	return domain.NewDate(d.Year(), time.Month(day), month)
}

func dateKey(d domain.Date) string {
	var b [8]byte
	y, m, day := d.Year(), int(d.Month()), d.Day()
	if y < 0 || y > 9999 {
		y = 0
	}
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + y%10)
		y /= 10
	}
	b[4], b[5] = byte('0'+m/10), byte('0'+m%10)
	b[6], b[7] = byte('0'+day/10), byte('0'+day%10)
	return string(b[:])
}

// compactPC returns a standard-form postcode without its space.
func compactPC(pc string) string {
	if i := len(pc) - 4; i > 0 && pc[i] == ' ' {
		return pc[:i] + pc[i+1:]
	}
	return pc
}

// codeKey is the key form of a name's code: the Double Metaphone code, or
// for a name with no code (rare), its first four letters after a tilde.
func codeKey(c code, s string) string {
	if c.n > 0 {
		return c.String()
	}
	return "~" + cut(s, 3)
}

// givenCodes returns the codes of every given-name part and, for each, of
// its nickname roots. Both sides include the roots, so Bill finds William
// and Will finds Bill.
func (p *Prepared) givenCodes() []string {
	var out []string
	for i := range p.given {
		t := &p.given[i]
		if len(t.s) < 2 {
			continue // an initial is too weak for a key
		}
		out = appendCodes(out, t.p, t.a, t.s)
		for _, r := range t.roots {
			rp, ra := metaphone(r)
			out = appendCodes(out, rp, ra, r)
		}
	}
	return out
}

// familyCodes returns the codes of every family-name part and joined form
// and, for a stored record, of its former family names.
func (p *Prepared) familyCodes(withFormer bool) []string {
	var out []string
	for i := range p.family {
		t := &p.family[i]
		out = appendCodes(out, t.p, t.a, t.s)
	}
	if withFormer {
		for i := range p.former {
			t := &p.former[i]
			out = appendCodes(out, t.p, t.a, t.s)
		}
	}
	return out
}

// initials returns the first letters of the given names and of their
// nickname roots (W for Bill), or '_' when there is no given name.
func (p *Prepared) initials(all bool) []byte {
	var out []byte
	add := func(c byte) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for i := range p.given {
		if i > 0 && !all {
			break
		}
		t := &p.given[i]
		add(t.s[0])
		for _, r := range t.roots {
			add(r[0])
		}
	}
	if len(out) == 0 {
		out = append(out, '_')
	}
	return out
}

func appendCodes(out []string, p, a code, s string) []string {
	for _, c := range [2]code{p, a} {
		if c.n == 0 && c != p {
			continue
		}
		k := codeKey(c, s)
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// cut returns at most the first n bytes of s, not splitting a UTF-8
// sequence, so that keys stay valid text.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// validID reports whether id can be a key: non-empty printable ASCII
// without spaces, as hex hashes with a kind prefix are.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return false
		}
	}
	return true
}

// keyer builds keys in one buffer, so that a record's keys cost a few
// allocations rather than one each.
type keyer struct {
	buf  []byte
	ends []int
}

func (k *keyer) key(kind byte, parts ...string) {
	if k.buf == nil {
		k.buf = make([]byte, 0, 1024)
		k.ends = make([]int, 0, 64)
	}
	k.buf = append(k.buf, kind)
	for _, p := range parts {
		k.buf = append(k.buf, p...)
	}
	k.ends = append(k.ends, len(k.buf))
}

func (k *keyer) cross(kind byte, prefix string, codes []string) {
	for _, c := range codes {
		k.key(kind, prefix, c)
	}
}

func (k *keyer) ids(ids []string) {
	for _, id := range ids {
		if !validID(id) {
			continue // not a hash: leave it to scoring
		}
		k.key(keyIdentifier, cut(id, maxIDKey))
	}
}

func (k *keyer) done() []string {
	all := string(k.buf)
	keys := make([]string, len(k.ends))
	start := 0
	for i, end := range k.ends {
		keys[i] = all[start:end]
		start = end
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
