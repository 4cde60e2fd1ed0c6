package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Password policy, after the NCSC's password guidance and GOV.UK's service
// manual: long (at least 12 characters, passphrases welcome, up to 256),
// no composition rules, no forced expiry, pasting allowed — but not one of
// the passwords attackers try first.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

//go:embed common.txt
var commonText string

// common is the deny list: the commonest breached passwords and the words
// they are made of.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonText, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			m[w] = true
		}
	}
	return m
}()

// CheckPassword returns an EInvalid error for field "password" when pw
// breaks the policy: too short or long, or predictable — a common password,
// the username or "contactpoint", keyboard or alphabet runs, repeated
// characters and years, alone or at most two of them with a few characters
// added ("Password2026!", "alice.smith123", "qwertyqwerty").
func CheckPassword(pw, username string) error {
	if !utf8.ValidString(pw) {
		return domain.FieldError("password", "is not valid text")
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return domain.FieldError("password", "must be at least %d characters long; a phrase of three or more unrelated words is easy to remember and hard to guess", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return domain.FieldError("password", "must be at most %d characters long", MaxPasswordLen)
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return domain.FieldError("password", "must not contain control characters")
		}
	}
	if predictable(pw, username) {
		return domain.FieldError("password", "is too easy to guess: it is a common password, or made from your username, the service's name, a keyboard pattern or repeated characters; try three or more unrelated words")
	}
	return nil
}

// predictable reports whether pw is made of at most two predictable pieces
// and fewer than four other letters or digits.
func predictable(pw, username string) bool {
	s := []rune(strings.ToLower(pw))
	if distinct(s) < 5 {
		return true
	}
	names := []string{"contactpoint"}
	if u := strings.ToLower(username); len(u) >= 3 {
		names = append(names, u)
		// The parts of a username such as "alice.smith" too.
		for _, p := range strings.FieldsFunc(u, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if len(p) >= 3 {
				names = append(names, p)
			}
		}
	}
	pieces, other := 0, 0
	for i := 0; i < len(s); {
		if !unicode.IsLetter(s[i]) && !unicode.IsDigit(s[i]) {
			i++ // spaces and symbols neither help nor hurt
			continue
		}
		if l := longestPiece(s[i:], names); l >= 3 {
			pieces++
			i += l
			continue
		}
		other++
		i++
	}
	return pieces <= 2 && other < 4
}

func distinct(s []rune) int {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return len(m)
}

// runs are sequences people type without thinking: keyboard rows, the
// alphabet and the digits, either way.
var runs = func() []string {
	fwd := []string{"qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz", "01234567890", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp"}
	var out []string
	for _, r := range fwd {
		b := []rune(r)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		out = append(out, r, string(b))
	}
	return out
}()

// longestPiece returns the length of the longest predictable piece at the
// start of s: a common word, a name, a keyboard or alphabet run, a repeated
// character, a year, or anything repeated ("monkeymonkey").
func longestPiece(s []rune, names []string) int {
	best := 0
	// Common words and names (longest first wins).
	for l := min(len(s), 32); l >= 3; l-- {
		w := string(s[:l])
		if common[w] {
			best = max(best, l)
			break
		}
	}
	for _, n := range names {
		if strings.HasPrefix(string(s), n) {
			best = max(best, utf8.RuneCountInString(n))
		}
	}
	// Runs of the keyboard, alphabet or digits.
	for _, r := range runs {
		for l := min(len(s), len(r)); l > best && l >= 3; l-- {
			if strings.Contains(r, string(s[:l])) {
				best = max(best, l)
				break
			}
		}
	}
	// The same character again and again.
	l := 1
	for l < len(s) && s[l] == s[0] {
		l++
	}
	if l >= 3 {
		best = max(best, l)
	}
	// A year from 1900 to 2099.
	if len(s) >= 4 && (s[0] == '1' && s[1] == '9' || s[0] == '2' && s[1] == '0') && unicode.IsDigit(s[2]) && unicode.IsDigit(s[3]) {
		best = max(best, 4)
	}
	// A word repeated: "monkeymonkey" counts as one piece.
	for p := 3; p*2 <= len(s) && p <= 32; p++ {
		if string(s[:p]) == string(s[p:2*p]) && p*2 > best {
			k := 2 * p
			for k+p <= len(s) && string(s[k:k+p]) == string(s[:p]) {
				k += p
			}
			best = k
		}
	}
	return best
}

// CheckPIN returns an EInvalid error for field "pin" unless pin is 6 to 8
// digits, not all the same and not a straight run up or down.
func CheckPIN(pin string) error {
	if len(pin) < 6 || len(pin) > 8 {
		return domain.FieldError("pin", "must be 6 to 8 digits")
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return domain.FieldError("pin", "must be 6 to 8 digits")
		}
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same = same && d == 0
		up = up && (d == 1 || d == -9)
		down = down && (d == -1 || d == 9)
	}
	if same || up || down || common[pin] {
		return domain.FieldError("pin", "is too easy to guess: avoid repeated digits, runs such as 123456 and dates")
	}
	return nil
}
