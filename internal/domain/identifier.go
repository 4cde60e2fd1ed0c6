package domain

import (
	"strings"
)

// IdentifierKind says what an identifier is. Identifiers are used to find and
// match children; they are stored only as keyed hashes (for look-up) and
// sealed values (shown back to the source that supplied them).
type IdentifierKind string

const (
	IdentifierNHS          IdentifierKind = "nhs"    // NHS number, modulus 11
	IdentifierUPN          IdentifierKind = "upn"    // unique pupil number, DfE check letter
	IdentifierSourceRecord IdentifierKind = "record" // a source's own record ID
)

// ParseNHSNumber validates an NHS number: ten digits (spaces and hyphens
// allowed when typed), the last a modulus 11 check digit. It returns the ten
// digits, or an EInvalid error naming field.
func ParseNHSNumber(field, s string) (string, error) {
	d := make([]byte, 0, 10)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-':
		default:
			return "", FieldError(field, "NHS number must be 10 digits, found %q", string(rune(c)))
		}
	}
	if len(d) != 10 {
		return "", FieldError(field, "NHS number must be 10 digits, found %d", len(d))
	}
	if !validNHS(d) {
		return "", FieldError(field, "%s is not a valid NHS number (check digit is wrong)", d)
	}
	return string(d), nil
}

func validNHS(d []byte) bool {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9]-'0')
}

// NHSCheckDigit returns the check digit for nine NHS number digits, or -1
// when no check digit exists (such numbers are never issued).
func NHSCheckDigit(nine string) int {
	if len(nine) != 9 {
		return -1
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := nine[i]
		if c < '0' || c > '9' {
			return -1
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0
	case 10:
		return -1
	}
	return check
}

// upnLetters is the DfE check-letter alphabet: A–Z less I, O and S.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// UPNCheckLetter returns the DfE check letter for the twelve characters that
// follow it in a UPN (positions 2–13): each is weighted by its position,
// digits by their value and a letter in position 13 (a temporary UPN) by its
// place in the check-letter alphabet; the sum modulo 23 picks the letter. It
// returns 0 when the characters are not a UPN body.
func UPNCheckLetter(body string) byte {
	if len(body) != 12 {
		return 0
	}
	sum := 0
	for i := 0; i < 12; i++ {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 11 && strings.IndexByte(upnLetters, c) >= 0:
			v = strings.IndexByte(upnLetters, c)
		default:
			return 0
		}
		sum += v * (i + 2)
	}
	return upnLetters[sum%23]
}

// ParseUPN validates a unique pupil number: a check letter, eleven digits and
// a final digit or (for a temporary UPN) letter. It returns the UPN in upper
// case, or an EInvalid error naming field.
func ParseUPN(field, s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if len(u) != 13 {
		return "", FieldError(field, "UPN must be 13 characters, found %d", len(u))
	}
	want := UPNCheckLetter(u[1:])
	if want == 0 {
		return "", FieldError(field, "UPN must be a letter, 11 digits and a digit or letter")
	}
	if u[0] != want {
		return "", FieldError(field, "%s is not a valid UPN (check letter is wrong)", u)
	}
	return u, nil
}
