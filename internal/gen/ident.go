package gen

import (
	"strconv"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// mix is SplitMix64's finaliser: a bijection on uint64 that scatters bits.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// affine permutes [0, m) by x → (a·x + b) mod m; a must be coprime with m.
func affine(x, a, b, m uint64) uint64 { return (x%m*a + b) % m }

// pad writes v in n decimal digits into dst.
func pad(dst []byte, v uint64, n int) []byte {
	var buf [20]byte
	s := strconv.AppendUint(buf[:0], v, 10)
	for i := len(s); i < n; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// nhsNumber returns the NHS number of the person with index i: unique per
// index, valid modulus 11, scattered over the number space by the seed.
func nhsNumber(seed uint64, i int) string {
	b := mix(seed) % 600_000_000
	for t := uint64(0); ; t++ {
		// 11 candidates per person, all distinct across people (for up
		// to 54 million people); a candidate fails only when its check
		// digit would be 10, so one of the first few succeeds.
		x := 400_000_000 + affine(uint64(i)*11+t, 282_475_249, b, 600_000_000)
		var buf [10]byte
		d := pad(buf[:0], x, 9)
		c := domain.NHSCheckDigit(string(d))
		if c >= 0 {
			return string(append(d, byte('0'+c)))
		}
	}
}

// upn returns the unique pupil number of the person with index i, first
// allocated by the authority with index la.
func upn(seed uint64, la, i int) string {
	var buf [13]byte
	body := pad(buf[1:1], uint64(201+la), 3)
	body = pad(body, affine(uint64(i), 48_828_127, mix(seed^0x7570)%999_999_937, 999_999_937), 9)
	buf[0] = domain.UPNCheckLetter(string(body))
	return string(buf[:])
}

// randomNHS returns a valid NHS number drawn from u: usually nobody's in
// the population, sometimes by chance someone else's.
func randomNHS(u uint64) string {
	for t := uint64(0); ; t++ {
		var buf [10]byte
		d := pad(buf[:0], mix(u+t)%1_000_000_000, 9)
		if c := domain.NHSCheckDigit(string(d)); c >= 0 {
			return string(append(d, byte('0'+c)))
		}
	}
}

// randomUPN returns a valid UPN drawn from u.
func randomUPN(u uint64) string {
	var buf [13]byte
	body := pad(buf[1:1], 201+u%153, 3)
	body = pad(body, mix(u)%1_000_000_000, 9)
	buf[0] = domain.UPNCheckLetter(string(body))
	return string(buf[:])
}

// recordID returns a source's record ID for person index i's copy n: a
// bijection of (i, n) scattered by the source's key, so IDs are unique per
// source and say nothing about the person.
func recordID(prefix string, key uint64, i, n int) string {
	const bits = 42
	const mask = 1<<bits - 1
	x := (uint64(i)*4 + uint64(n)) & mask
	for r := 0; r < 3; r++ { // invertible steps on 42 bits
		x = (x * 0x5DEECE66D) & mask // odd multiplier
		x ^= x >> 21
		x = (x + key) & mask
	}
	b := make([]byte, 0, len(prefix)+13)
	b = append(b, prefix...)
	b = pad(b, x, 13)
	return string(b)
}

const unitLetters = "ABDEFGHJLNPQRSTUWXYZ"

// postcode returns a well-formed postcode in area.
func postcode(area string, district, sector, unit int) string {
	b := make([]byte, 0, 8)
	b = append(b, area...)
	b = strconv.AppendInt(b, int64(district), 10)
	b = append(b, ' ', byte('0'+sector), unitLetters[unit%20], unitLetters[unit/20%20])
	return string(b)
}

// Ofcom reserves these numbers for drama: none rings a real person.
type phonePlan struct {
	prefix string // up to the last three or four digits
	digits int
}

var mobilePlan = phonePlan{"07700 900", 3}

var landlineByLA = map[string]phonePlan{
	"E08000035": {"0113 496 0", 3}, // Leeds
	"E08000019": {"0114 496 0", 3}, // Sheffield
	"E06000018": {"0115 496 0", 3}, // Nottingham
	"E06000016": {"0116 496 0", 3}, // Leicester
	"E06000023": {"0117 496 0", 3}, // Bristol
	"E06000038": {"0118 496 0", 3}, // Reading
	"E08000025": {"0121 496 0", 3}, // Birmingham
	"E08000012": {"0151 496 0", 3}, // Liverpool
	"E08000003": {"0161 496 0", 3}, // Manchester
	"E08000021": {"0191 498 0", 3}, // Newcastle upon Tyne
	"E08000024": {"0191 498 0", 3}, // Sunderland
	"E08000037": {"0191 498 0", 3}, // Gateshead
	"E08000022": {"0191 498 0", 3}, // North Tyneside
	"E08000023": {"0191 498 0", 3}, // South Tyneside
}

func landlinePlan(la string) phonePlan {
	if p, ok := landlineByLA[la]; ok {
		return p
	}
	if la[:3] == "E09" {
		return phonePlan{"020 7946 0", 3}
	}
	return phonePlan{"01632 960", 3}
}

func (p phonePlan) number(n int) string {
	b := make([]byte, 0, len(p.prefix)+p.digits)
	b = append(b, p.prefix...)
	b = pad(b, uint64(n%1000), p.digits)
	return string(b)
}
