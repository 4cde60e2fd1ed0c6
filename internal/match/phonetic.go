package match

// This file holds Double Metaphone (Lawrence Philips, 2000), ported from the
// Apache Commons Codec implementation. It works on the ASCII letters A–Z of
// a name already passed through Name; other bytes are skipped. Codes are at
// most four characters, the usual length for matching names.

// codeLen is the length of a Double Metaphone code.
const codeLen = 4

// code is a Double Metaphone code held without allocation.
type code struct {
	b [codeLen]byte
	n uint8
}

func (c code) String() string { return string(c.b[:c.n]) }

func (c *code) add(s string) {
	for i := 0; i < len(s) && int(c.n) < codeLen; i++ {
		c.b[c.n] = s[i]
		c.n++
	}
}

// dmResult accumulates the primary and alternate codes.
type dmResult struct{ p, a code }

func (r *dmResult) both(s string)        { r.p.add(s); r.a.add(s) }
func (r *dmResult) pair(p, a string)     { r.p.add(p); r.a.add(a) }
func (r *dmResult) complete() bool       { return r.p.n >= codeLen && r.a.n >= codeLen }
func (r *dmResult) primaryOnly(s string) { r.p.add(s) }
func (r *dmResult) alternateOnly(s string) {
	r.a.add(s)
}

// DoubleMetaphone returns the primary and alternate Double Metaphone codes
// of name, which is normalised with Name first. Names that sound alike in
// English (Smith and Smyth, Catherine and Kathryn) share a code; two names
// agree phonetically when either code of one equals either code of the
// other.
func DoubleMetaphone(name string) (primary, alternate string) {
	p, a := metaphone(Name(name))
	return p.String(), a.String()
}

// metaphone computes the codes of a normalised name without allocating
// for names of up to 64 letters.
func metaphone(s string) (code, code) {
	var buf [64]byte
	v := buf[:0]
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			v = append(v, c)
		}
	}
	d := dm{v: v}
	return d.run()
}

type dm struct {
	v     []byte
	slavo bool
	r     dmResult
}

func (d *dm) at(i int) byte {
	if i < 0 || i >= len(d.v) {
		return 0
	}
	return d.v[i]
}

// has reports whether any of the strings (all of length n) occurs at start.
func (d *dm) has(start, n int, ss ...string) bool {
	if start < 0 || start+n > len(d.v) {
		return false
	}
	w := d.v[start : start+n]
	for _, s := range ss {
		if string(w) == s {
			return true
		}
	}
	return false
}

func isVowel(c byte) bool {
	switch c {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

func (d *dm) run() (code, code) {
	v := d.v
	if len(v) == 0 {
		return code{}, code{}
	}
	for i := 0; i < len(v); i++ {
		if v[i] == 'W' || v[i] == 'K' {
			d.slavo = true
			break
		}
		if i+1 < len(v) && v[i] == 'C' && v[i+1] == 'Z' {
			d.slavo = true
			break
		}
	}
	i := 0
	if d.has(0, 2, "GN", "KN", "PN", "WR", "PS") {
		i = 1
	}
	last := len(v) - 1
	for !d.r.complete() && i <= last {
		switch v[i] {
		case 'A', 'E', 'I', 'O', 'U', 'Y':
			if i == 0 {
				d.r.both("A")
			}
			i++
		case 'B':
			d.r.both("P")
			i = d.skipDouble(i, 'B')
		case 'C':
			i = d.c(i)
		case 'D':
			i = d.d(i)
		case 'F':
			d.r.both("F")
			i = d.skipDouble(i, 'F')
		case 'G':
			i = d.g(i)
		case 'H':
			if (i == 0 || isVowel(d.at(i-1))) && isVowel(d.at(i+1)) {
				d.r.both("H")
				i += 2
			} else {
				i++
			}
		case 'J':
			i = d.j(i)
		case 'K':
			d.r.both("K")
			i = d.skipDouble(i, 'K')
		case 'L':
			if d.at(i+1) == 'L' {
				if d.l0(i) {
					d.r.primaryOnly("L")
				} else {
					d.r.both("L")
				}
				i += 2
			} else {
				d.r.both("L")
				i++
			}
		case 'M':
			d.r.both("M")
			if d.m0(i) {
				i += 2
			} else {
				i++
			}
		case 'N':
			d.r.both("N")
			i = d.skipDouble(i, 'N')
		case 'P':
			if d.at(i+1) == 'H' {
				d.r.both("F")
				i += 2
			} else {
				d.r.both("P")
				if d.has(i+1, 1, "P", "B") {
					i += 2
				} else {
					i++
				}
			}
		case 'Q':
			d.r.both("K")
			i = d.skipDouble(i, 'Q')
		case 'R':
			if i == last && !d.slavo && d.has(i-2, 2, "IE") && !d.has(i-4, 2, "ME", "MA") {
				d.r.alternateOnly("R")
			} else {
				d.r.both("R")
			}
			i = d.skipDouble(i, 'R')
		case 'S':
			i = d.s(i)
		case 'T':
			i = d.t(i)
		case 'V':
			d.r.both("F")
			i = d.skipDouble(i, 'V')
		case 'W':
			i = d.w(i)
		case 'X':
			i = d.x(i)
		case 'Z':
			i = d.z(i)
		default:
			i++
		}
	}
	return d.r.p, d.r.a
}

func (d *dm) skipDouble(i int, c byte) int {
	if d.at(i+1) == c {
		return i + 2
	}
	return i + 1
}

func (d *dm) c(i int) int {
	switch {
	case d.c0(i):
		d.r.both("K")
		return i + 2
	case i == 0 && d.has(i, 6, "CAESAR"):
		d.r.both("S")
		return i + 2
	case d.has(i, 2, "CH"):
		return d.ch(i)
	case d.has(i, 2, "CZ") && !d.has(i-2, 4, "WICZ"):
		d.r.pair("S", "X")
		return i + 2
	case d.has(i+1, 3, "CIA"):
		d.r.both("X")
		return i + 3
	case d.has(i, 2, "CC") && !(i == 1 && d.at(0) == 'M'):
		return d.cc(i)
	case d.has(i, 2, "CK", "CG", "CQ"):
		d.r.both("K")
		return i + 2
	case d.has(i, 2, "CI", "CE", "CY"):
		if d.has(i, 3, "CIO", "CIE", "CIA") {
			d.r.pair("S", "X")
		} else {
			d.r.both("S")
		}
		return i + 2
	}
	d.r.both("K")
	if d.has(i+1, 1, "C", "K", "Q") && !d.has(i+1, 2, "CE", "CI") {
		return i + 2
	}
	return i + 1
}

func (d *dm) c0(i int) bool {
	if d.has(i, 4, "CHIA") {
		return true
	}
	if i <= 1 || isVowel(d.at(i-2)) || !d.has(i-1, 3, "ACH") {
		return false
	}
	c := d.at(i + 2)
	return (c != 'I' && c != 'E') || d.has(i-2, 6, "BACHER", "MACHER")
}

func (d *dm) cc(i int) int {
	if d.has(i+2, 1, "I", "E", "H") && !d.has(i+2, 2, "HU") {
		if (i == 1 && d.at(i-1) == 'A') || d.has(i-1, 5, "UCCEE", "UCCES") {
			d.r.both("KS")
		} else {
			d.r.both("X")
		}
		return i + 3
	}
	d.r.both("K")
	return i + 2
}

func (d *dm) ch(i int) int {
	switch {
	case i > 0 && d.has(i, 4, "CHAE"):
		d.r.pair("K", "X")
	case d.ch0(i), d.ch1(i):
		d.r.both("K")
	case i > 0:
		if d.has(0, 2, "MC") {
			d.r.both("K")
		} else {
			d.r.pair("X", "K")
		}
	default:
		d.r.both("X")
	}
	return i + 2
}

func (d *dm) ch0(i int) bool {
	if i != 0 {
		return false
	}
	if !d.has(i+1, 5, "HARAC", "HARIS") && !d.has(i+1, 3, "HOR", "HYM", "HIA", "HEM") {
		return false
	}
	return !d.has(0, 5, "CHORE")
}

func (d *dm) ch1(i int) bool {
	return d.has(0, 3, "SCH") ||
		d.has(i-2, 6, "ORCHES", "ARCHIT", "ORCHID") ||
		d.has(i+2, 1, "T", "S") ||
		((d.has(i-1, 1, "A", "O", "U", "E") || i == 0) &&
			(d.has(i+2, 1, "L", "R", "N", "M", "B", "H", "F", "V", "W") || i+1 == len(d.v)-1))
}

func (d *dm) d(i int) int {
	switch {
	case d.has(i, 2, "DG"):
		if d.has(i+2, 1, "I", "E", "Y") {
			d.r.both("J")
			return i + 3
		}
		d.r.both("TK")
		return i + 2
	case d.has(i, 2, "DT", "DD"):
		d.r.both("T")
		return i + 2
	}
	d.r.both("T")
	return i + 1
}

func (d *dm) g(i int) int {
	switch {
	case d.at(i+1) == 'H':
		return d.gh(i)
	case d.at(i+1) == 'N':
		switch {
		case i == 1 && isVowel(d.at(0)) && !d.slavo:
			d.r.pair("KN", "N")
		case !d.has(i+2, 2, "EY") && d.at(i+1) != 'Y' && !d.slavo:
			d.r.pair("N", "KN")
		default:
			d.r.both("KN")
		}
		return i + 2
	case d.has(i+1, 2, "LI") && !d.slavo:
		d.r.pair("KL", "L")
		return i + 2
	case i == 0 && (d.at(i+1) == 'Y' || d.has(i+1, 2, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")):
		d.r.pair("K", "J")
		return i + 2
	case (d.has(i+1, 2, "ER") || d.at(i+1) == 'Y') &&
		!d.has(0, 6, "DANGER", "RANGER", "MANGER") &&
		!d.has(i-1, 1, "E", "I") && !d.has(i-1, 3, "RGY", "OGY"):
		d.r.pair("K", "J")
		return i + 2
	case d.has(i+1, 1, "E", "I", "Y") || d.has(i-1, 4, "AGGI", "OGGI"):
		switch {
		case d.has(0, 3, "SCH") || d.has(i+1, 2, "ET"):
			d.r.both("K")
		case d.has(i+1, 3, "IER"):
			d.r.both("J")
		default:
			d.r.pair("J", "K")
		}
		return i + 2
	case d.at(i+1) == 'G':
		d.r.both("K")
		return i + 2
	}
	d.r.both("K")
	return i + 1
}

func (d *dm) gh(i int) int {
	switch {
	case i > 0 && !isVowel(d.at(i-1)):
		d.r.both("K")
	case i == 0:
		if d.at(i+2) == 'I' {
			d.r.both("J")
		} else {
			d.r.both("K")
		}
	case (i > 1 && d.has(i-2, 1, "B", "H", "D")) ||
		(i > 2 && d.has(i-3, 1, "B", "H", "D")) ||
		(i > 3 && d.has(i-4, 1, "B", "H")):
		// Parker's rule: "hugh".
	default:
		if i > 2 && d.at(i-1) == 'U' && d.has(i-3, 1, "C", "G", "L", "R", "T") {
			d.r.both("F") // laugh, McLaughlin, cough, rough
		} else if i > 0 && d.at(i-1) != 'I' {
			d.r.both("K")
		}
	}
	return i + 2
}

func (d *dm) j(i int) int {
	if d.has(i, 4, "JOSE") {
		if i == 0 && len(d.v) == 4 {
			d.r.both("H")
		} else {
			d.r.pair("J", "H")
		}
		return i + 1
	}
	switch {
	case i == 0:
		d.r.pair("J", "A")
	case isVowel(d.at(i-1)) && !d.slavo && (d.at(i+1) == 'A' || d.at(i+1) == 'O'):
		d.r.pair("J", "H")
	case i == len(d.v)-1:
		d.r.pair("J", "")
	case !d.has(i+1, 1, "L", "T", "K", "S", "N", "M", "B", "Z") && !d.has(i-1, 1, "S", "K", "L"):
		d.r.both("J")
	}
	return d.skipDouble(i, 'J')
}

func (d *dm) l0(i int) bool {
	n := len(d.v)
	if i == n-3 && d.has(i-1, 4, "ILLO", "ILLA", "ALLE") {
		return true
	}
	return (d.has(n-2, 2, "AS", "OS") || d.has(n-1, 1, "A", "O")) && d.has(i-1, 4, "ALLE")
}

func (d *dm) m0(i int) bool {
	if d.at(i+1) == 'M' {
		return true
	}
	return d.has(i-1, 3, "UMB") && (i+1 == len(d.v)-1 || d.has(i+2, 2, "ER"))
}

func (d *dm) s(i int) int {
	switch {
	case d.has(i-1, 3, "ISL", "YSL"):
		return i + 1
	case i == 0 && d.has(i, 5, "SUGAR"):
		d.r.pair("X", "S")
		return i + 1
	case d.has(i, 2, "SH"):
		if d.has(i+1, 4, "HEIM", "HOEK", "HOLM", "HOLZ") {
			d.r.both("S")
		} else {
			d.r.both("X")
		}
		return i + 2
	case d.has(i, 3, "SIO", "SIA") || d.has(i, 4, "SIAN"):
		if d.slavo {
			d.r.both("S")
		} else {
			d.r.pair("S", "X")
		}
		return i + 3
	case (i == 0 && d.has(i+1, 1, "M", "N", "L", "W")) || d.has(i+1, 1, "Z"):
		d.r.pair("S", "X")
		if d.has(i+1, 1, "Z") {
			return i + 2
		}
		return i + 1
	case d.has(i, 2, "SC"):
		return d.sc(i)
	}
	if i == len(d.v)-1 && d.has(i-2, 2, "AI", "OI") {
		d.r.alternateOnly("S") // French: Resnais, Artois
	} else {
		d.r.both("S")
	}
	if d.has(i+1, 1, "S", "Z") {
		return i + 2
	}
	return i + 1
}

func (d *dm) sc(i int) int {
	switch {
	case d.at(i+2) == 'H':
		if d.has(i+3, 2, "OO", "ER", "EN", "UY", "ED", "EM") {
			if d.has(i+3, 2, "ER", "EN") {
				d.r.pair("X", "SK")
			} else {
				d.r.both("SK")
			}
		} else if i == 0 && !isVowel(d.at(3)) && d.at(3) != 'W' {
			d.r.pair("X", "S")
		} else {
			d.r.both("X")
		}
	case d.has(i+2, 1, "I", "E", "Y"):
		d.r.both("S")
	default:
		d.r.both("SK")
	}
	return i + 3
}

func (d *dm) t(i int) int {
	switch {
	case d.has(i, 4, "TION"), d.has(i, 3, "TIA", "TCH"):
		d.r.both("X")
		return i + 3
	case d.has(i, 2, "TH") || d.has(i, 3, "TTH"):
		if d.has(i+2, 2, "OM", "AM") || d.has(0, 3, "SCH") {
			d.r.both("T")
		} else {
			d.r.pair("0", "T")
		}
		return i + 2
	}
	d.r.both("T")
	if d.has(i+1, 1, "T", "D") {
		return i + 2
	}
	return i + 1
}

func (d *dm) w(i int) int {
	if d.has(i, 2, "WR") {
		d.r.both("R")
		return i + 2
	}
	switch {
	case i == 0 && (isVowel(d.at(i+1)) || d.has(i, 2, "WH")):
		if isVowel(d.at(i + 1)) {
			d.r.pair("A", "F")
		} else {
			d.r.both("A")
		}
		return i + 1
	case (i == len(d.v)-1 && isVowel(d.at(i-1))) ||
		d.has(i-1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || d.has(0, 3, "SCH"):
		d.r.alternateOnly("F")
		return i + 1
	case d.has(i, 4, "WICZ", "WITZ"):
		d.r.pair("TS", "FX")
		return i + 4
	}
	return i + 1
}

func (d *dm) x(i int) int {
	if i == 0 {
		d.r.both("S")
		return i + 1
	}
	if !(i == len(d.v)-1 && (d.has(i-3, 3, "IAU", "EAU") || d.has(i-2, 2, "AU", "OU"))) {
		d.r.both("KS")
	}
	if d.has(i+1, 1, "C", "X") {
		return i + 2
	}
	return i + 1
}

func (d *dm) z(i int) int {
	if d.at(i+1) == 'H' {
		d.r.both("J")
		return i + 2
	}
	if d.has(i+1, 2, "ZO", "ZI", "ZA") || (d.slavo && i > 0 && d.at(i-1) != 'T') {
		d.r.pair("S", "TS")
	} else {
		d.r.both("S")
	}
	return d.skipDouble(i, 'Z')
}
