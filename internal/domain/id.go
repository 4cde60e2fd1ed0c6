package domain

import (
	"crypto/rand"
	"strings"
)

// A ContactPoint ID names one child for life. It is nine symbols from a
// 29-symbol alphabet chosen to be read over the phone (no B, I, L, O, S, U or
// Z, which are confused with digits or with each other): eight random symbols
// and one check symbol, shown in groups of three, such as "7KM-4QX-9TC".
//
// The check symbol is an ISO 7064 pure system over the prime modulus 29 with
// radix 2. Because 29 is prime and every symbol value is below it, a change
// of any one symbol changes the weighted sum by (a-b)·2^i, never 0 mod 29,
// and swapping two neighbours changes it by (a-b)·2^i·(2-1), never 0 mod 29:
// every single-symbol error and every adjacent transposition is caught.
type ID string

// idAlphabet is the 29 symbols of a ContactPoint ID, in value order.
const idAlphabet = "0123456789ACDEFGHJKMNPQRTVWXY"

const (
	idRandomLen = 8
	idLen       = idRandomLen + 1
	idModulus   = 29
)

func idValue(c byte) int {
	return strings.IndexByte(idAlphabet, c)
}

// idCheck returns the value of the check symbol for body, whose symbols must
// all be in idAlphabet.
func idCheck(body string) int {
	// Horner's rule gives sum = Σ a_i·2^(n-i+1) mod 29 over the n body
	// symbols; the check c (weight 1) makes the whole sum ≡ 0 (mod 29).
	sum := 0
	for i := 0; i < len(body); i++ {
		sum = (sum + idValue(body[i])) * 2 % idModulus
	}
	return (idModulus - sum) % idModulus
}

// NewID returns a new random ContactPoint ID from crypto/rand.
func NewID() ID {
	var b [idRandomLen]byte
	body := make([]byte, idRandomLen, idLen)
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("domain: crypto/rand failed: " + err.Error())
		}
		ok := true
		for i, v := range b {
			// Reject values that would bias the draw (256 = 8*29 + 24).
			if v >= 8*idModulus {
				ok = false
				break
			}
			body[i] = idAlphabet[int(v)%idModulus]
		}
		if ok {
			break
		}
	}
	return ID(append(body, idAlphabet[idCheck(string(body))]))
}

// ParseID parses a ContactPoint ID as a person types it: any case, with or
// without spaces and hyphens. It returns an EInvalid error naming field when
// the ID is malformed or its check symbol is wrong.
func ParseID(field, s string) (ID, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == ' ' || r == '-':
			continue
		case r < 128 && idValue(byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", FieldError(field, "%q is not a ContactPoint ID: %q is not one of its characters", s, r)
		}
	}
	c := b.String()
	if len(c) != idLen {
		return "", FieldError(field, "%q is not a ContactPoint ID: it has %d characters, not %d", s, len(c), idLen)
	}
	if idAlphabet[idCheck(c[:idRandomLen])] != c[idRandomLen] {
		return "", FieldError(field, "%q is not a ContactPoint ID: the check character is wrong (a character mistyped or two swapped?)", s)
	}
	return ID(c), nil
}

// String returns the ID in groups of three, as it is shown and read aloud.
func (id ID) String() string {
	s := string(id)
	if len(s) != idLen {
		return s
	}
	return s[0:3] + "-" + s[3:6] + "-" + s[6:9]
}

// IDSpace is the number of distinct ContactPoint IDs: 29^8 bodies.
const IDSpace uint64 = 29 * 29 * 29 * 29 * 29 * 29 * 29 * 29

// IDFromNumber returns the ID whose body is v written in base 29 (v below
// IDSpace), with its check symbol. IDs compare as strings as their numbers
// compare, so a bulk load can give a large generated population IDs spread
// over the whole space yet in increasing order, and every table keyed by
// child ID is then written at its end rather than all over.
func IDFromNumber(v uint64) ID {
	if v >= IDSpace {
		panic("domain: ID number out of range")
	}
	body := make([]byte, idRandomLen, idLen)
	for i := idRandomLen - 1; i >= 0; i-- {
		body[i] = idAlphabet[v%idModulus]
		v /= idModulus
	}
	return ID(append(body, idAlphabet[idCheck(string(body))]))
}
