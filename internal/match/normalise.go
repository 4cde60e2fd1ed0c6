package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Name normalises a personal name for matching: letters are upper-cased and
// accented Latin letters folded to ASCII (Zoë → ZOE, Wiśniewski →
// WISNIEWSKI, ß → SS, Ø → O, Ł → L); apostrophes, digits and other
// punctuation are removed (O'Neill → ONEILL); hyphens, dots, commas and
// white space separate parts, which are joined by single spaces. A prefix
// particle such as O, MC, MAC, D, ST, DE, LA, VAN or AL is joined to the part
// after it, so that "O Neill", "O'Neill" and "ONeill" all give "ONEILL" and
// "Mac Donald" gives "MACDONALD". Letters of other scripts are kept,
// upper-cased. Name returns its argument unchanged, without allocating, when
// it is already normalised.
func Name(s string) string {
	var buf [96]byte
	b := buf[:0]
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch c := byte(r); {
			case c >= 'A' && c <= 'Z':
				if space && len(b) > 0 {
					b = append(b, ' ')
				}
				space = false
				b = append(b, c)
			case c >= 'a' && c <= 'z':
				if space && len(b) > 0 {
					b = append(b, ' ')
				}
				space = false
				b = append(b, c-'a'+'A')
			case c == ' ', c == '-', c == '.', c == ',', c == '/', c == '_', c == '\t', c == '\n', c == '\r', c == '&', c == '+':
				space = true
			}
			continue
		}
		if f := foldRune(r); f != "" {
			b, space = emit(b, space, f)
			continue
		}
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r):
			space = true
		case unicode.IsLetter(r):
			var e [utf8.UTFMax]byte
			n := utf8.EncodeRune(e[:], unicode.ToUpper(r))
			b, space = emit(b, space, string(e[:n]))
		}
		// Anything else (combining marks, apostrophes, symbols) is dropped.
	}
	b = joinParticles(b)
	if string(b) == s {
		return s
	}
	return string(b)
}

// emit appends x to b, after a space if one is pending.
func emit(b []byte, space bool, x string) ([]byte, bool) {
	if space && len(b) > 0 {
		b = append(b, ' ')
	}
	return append(b, x...), false
}

// particles are name prefixes written sometimes apart and sometimes joined;
// Name always joins them to the following part. Prefixes that are also
// common given names (Ben, Bin) are left out.
var particles = map[string]bool{
	"O": true, "D": true, "MC": true, "MAC": true, "ST": true,
	"DE": true, "DA": true, "DI": true, "DU": true, "DEL": true, "DELLA": true, "DOS": true, "DAS": true,
	"LA": true, "LE": true, "VAN": true, "VON": true, "DER": true, "DEN": true, "TEN": true, "TER": true,
	"AL": true, "EL": true,
}

// joinParticles removes the space after a particle that is followed by
// another part, in place.
func joinParticles(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	out := b[:0]
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != ' ' {
			continue
		}
		tok := b[start:i]
		n := len(out)
		out = append(out, tok...) // safe: out never overtakes the read position
		if i < len(b) && !particles[string(out[n:])] {
			out = append(out, ' ')
		}
		start = i + 1
	}
	return out
}

// NameTokens splits a normalised name into its parts ("Smith-Jones" →
// SMITH, JONES) followed, when there is more than one part, by the parts
// joined (SMITHJONES), so that double-barrelled names written with or
// without a hyphen or space agree. It returns nil for an empty name.
func NameTokens(s string) []string {
	n := Name(s)
	if n == "" {
		return nil
	}
	parts := strings.Split(n, " ")
	if len(parts) == 1 {
		return parts
	}
	return append(parts, strings.Join(parts, ""))
}

// Postcode returns a UK postcode in its standard form ("SW1A 1AA"), or ""
// when s is not a postcode. It accepts any case and spacing.
func Postcode(s string) string {
	if isStandardPostcode(s) {
		return s
	}
	pc, err := domain.ParsePostcode("postcode", s)
	if err != nil {
		return ""
	}
	return pc
}

// isStandardPostcode reports, cheaply, whether s is already in the form
// ParsePostcode returns.
func isStandardPostcode(s string) bool {
	n := len(s)
	if n < 6 || n > 8 || s[n-4] != ' ' {
		return false
	}
	if !isDigit(s[n-3]) || !isUpper(s[n-2]) || !isUpper(s[n-1]) || !isUpper(s[0]) {
		return false
	}
	digit := false
	for i := 1; i < n-4; i++ {
		switch c := s[i]; {
		case isDigit(c):
			digit = true
		case isUpper(c):
		default:
			return false
		}
	}
	return digit
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// District returns the outward code of a standard-form postcode ("SW1A" of
// "SW1A 1AA").
func District(pc string) string { return domain.PostcodeDistrict(pc) }

// Area returns the postcode area, the leading letters of the outward code
// ("SW" of "SW1A 1AA").
func Area(pc string) string {
	i := 0
	for i < len(pc) && isUpper(pc[i]) {
		i++
	}
	return pc[:i]
}

// foldRune returns the ASCII folding of an accented Latin letter, or "".
func foldRune(r rune) string {
	if r >= foldLo && r < foldLo+rune(len(foldTable)) {
		return foldTable[r-foldLo]
	}
	switch r {
	case 'ẞ':
		return "SS"
	case 'Ș', 'ș', 'Ş', 'ş':
		return "S"
	case 'Ț', 'ț':
		return "T"
	case 'Ə', 'ə':
		return "E"
	case 'Ǎ', 'ǎ':
		return "A"
	case 'Ǐ', 'ǐ':
		return "I"
	case 'Ǒ', 'ǒ', 'Ơ', 'ơ':
		return "O"
	case 'Ǔ', 'ǔ', 'Ư', 'ư':
		return "U"
	}
	return ""
}

const foldLo = 0xC0

// foldTable maps U+00C0 to U+017F (Latin-1 Supplement letters and Latin
// Extended-A) to ASCII; "" means no folding (× and ÷).
var foldTable = func() [0x180 - foldLo]string {
	var t [0x180 - foldLo]string
	for _, f := range []struct {
		lo, hi rune
		s      string
	}{
		{0xC0, 0xC5, "A"}, {0xC6, 0xC6, "AE"}, {0xC7, 0xC7, "C"}, {0xC8, 0xCB, "E"},
		{0xCC, 0xCF, "I"}, {0xD0, 0xD0, "D"}, {0xD1, 0xD1, "N"}, {0xD2, 0xD6, "O"},
		{0xD8, 0xD8, "O"}, {0xD9, 0xDC, "U"}, {0xDD, 0xDD, "Y"}, {0xDE, 0xDE, "TH"},
		{0xDF, 0xDF, "SS"}, {0xE0, 0xE5, "A"}, {0xE6, 0xE6, "AE"}, {0xE7, 0xE7, "C"},
		{0xE8, 0xEB, "E"}, {0xEC, 0xEF, "I"}, {0xF0, 0xF0, "D"}, {0xF1, 0xF1, "N"},
		{0xF2, 0xF6, "O"}, {0xF8, 0xF8, "O"}, {0xF9, 0xFC, "U"}, {0xFD, 0xFD, "Y"},
		{0xFE, 0xFE, "TH"}, {0xFF, 0xFF, "Y"},
		{0x100, 0x105, "A"}, {0x106, 0x10D, "C"}, {0x10E, 0x111, "D"}, {0x112, 0x11B, "E"},
		{0x11C, 0x123, "G"}, {0x124, 0x127, "H"}, {0x128, 0x131, "I"}, {0x132, 0x133, "IJ"},
		{0x134, 0x135, "J"}, {0x136, 0x138, "K"}, {0x139, 0x142, "L"}, {0x143, 0x14B, "N"},
		{0x14C, 0x151, "O"}, {0x152, 0x153, "OE"}, {0x154, 0x159, "R"}, {0x15A, 0x161, "S"},
		{0x162, 0x167, "T"}, {0x168, 0x173, "U"}, {0x174, 0x175, "W"}, {0x176, 0x178, "Y"},
		{0x179, 0x17E, "Z"}, {0x17F, 0x17F, "S"},
	} {
		for r := f.lo; r <= f.hi; r++ {
			t[r-foldLo] = f.s
		}
	}
	return t
}()
