package domain

import (
	"strconv"
	"strings"
	"testing"
)

func TestNewIDValidates(t *testing.T) {
	seen := map[ID]bool{}
	for i := 0; i < 2000; i++ {
		id := NewID()
		if seen[id] {
			t.Fatalf("NewID repeated %s", id)
		}
		seen[id] = true
		got, err := ParseID("id", id.String())
		if err != nil || got != id {
			t.Fatalf("ParseID(%q) = %q, %v; want %q", id.String(), got, err, id)
		}
	}
}

// checkAllErrors asserts that every single-symbol substitution and every
// adjacent transposition of id is refused.
func checkAllErrors(t *testing.T, id ID) {
	s := string(id)
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(idAlphabet); j++ {
			if idAlphabet[j] == s[i] {
				continue
			}
			bad := s[:i] + string(idAlphabet[j]) + s[i+1:]
			if _, err := ParseID("id", bad); err == nil {
				t.Fatalf("substitution %s -> %s accepted", s, bad)
			}
		}
		if i+1 < len(s) && s[i] != s[i+1] {
			bad := s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
			if _, err := ParseID("id", bad); err == nil {
				t.Fatalf("transposition %s -> %s accepted", s, bad)
			}
		}
	}
}

func TestIDCatchesEverySingleErrorAndTransposition(t *testing.T) {
	for i := 0; i < 500; i++ {
		checkAllErrors(t, NewID())
	}
}

func FuzzIDCheck(f *testing.F) {
	f.Add("0000000")
	f.Add("7KM4QX9T")
	f.Fuzz(func(t *testing.T, s string) {
		// Any 8-symbol body given its check symbol is a valid ID that no
		// single error or adjacent swap turns into another valid one.
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if r < 128 && idValue(byte(r)) >= 0 {
				b.WriteRune(r)
			}
			if b.Len() == idRandomLen {
				break
			}
		}
		if b.Len() != idRandomLen {
			if _, err := ParseID("id", s); err == nil && len(strings.Trim(strings.ToUpper(s), " -")) < idLen {
				t.Fatalf("ParseID accepted %q", s)
			}
			return
		}
		id := ID(b.String() + string(idAlphabet[idCheck(b.String())]))
		if _, err := ParseID("id", string(id)); err != nil {
			t.Fatalf("ParseID(%q): %v", id, err)
		}
		checkAllErrors(t, id)
	})
}

func TestParseIDErrors(t *testing.T) {
	id := NewID()
	tests := []struct{ in, want string }{
		{"", "has 0 characters"},
		{"ACD", "has 3 characters"},
		{string(id) + "0", "has 10 characters"},
		{"OOO-OOO-OOO", "not one of its characters"},
		{strings.ToLower(id.String()), ""},
		{" " + string(id)[:3] + " " + string(id)[3:] + " ", ""},
	}
	for _, tt := range tests {
		_, err := ParseID("contactpoint_id", tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ParseID(%q) = %v; want ok", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || ErrorField(err) != "contactpoint_id"):
			t.Errorf("ParseID(%q) = %v; want error naming contactpoint_id with %q", tt.in, err, tt.want)
		}
	}
}

func TestNHSNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"943 476 5919", "9434765919", true},
		{"943-476-5919", "9434765919", true},
		{"9434765918", "", false}, // wrong check digit
		{"943476591", "", false},  // too short
		{"94347659190", "", false},
		{"943476591X", "", false},
	}
	for _, tt := range tests {
		got, err := ParseNHSNumber("nhs_number", tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseNHSNumber(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorField(err) != "nhs_number" {
			t.Errorf("error %v does not name nhs_number", err)
		}
	}
	// Nine digits whose check would be 10 have no valid NHS number.
	for i := 0; i < 100000; i += 7 {
		nine := strconv.Itoa(100000000 + i*997)
		c := NHSCheckDigit(nine)
		for d := 0; d <= 9; d++ {
			_, err := ParseNHSNumber("n", nine+strconv.Itoa(d))
			if (err == nil) != (d == c) {
				t.Fatalf("%s%d: err=%v, check digit %d", nine, d, err, c)
			}
		}
	}
}

func FuzzNHSNumber(f *testing.F) {
	f.Add("9434765919")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNHSNumber("nhs_number", s)
		if err != nil {
			return
		}
		if len(n) != 10 || NHSCheckDigit(n[:9]) != int(n[9]-'0') {
			t.Fatalf("accepted %q as %q", s, n)
		}
		// Every single-digit change of a valid number is refused.
		for i := 0; i < 10; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d == n[i] {
					continue
				}
				bad := n[:i] + string(d) + n[i+1:]
				if _, err := ParseNHSNumber("n", bad); err == nil {
					t.Fatalf("single error %s -> %s accepted", n, bad)
				}
			}
		}
	})
}

func TestUPN(t *testing.T) {
	body := "201401234567"
	good := string(UPNCheckLetter(body)) + body
	temp := "80120100001" + "A"
	goodTemp := string(UPNCheckLetter(temp)) + temp
	tests := []struct {
		in string
		ok bool
	}{
		{good, true},
		{strings.ToLower(good), true},
		{goodTemp, true},
		{"Z" + body, good[0] == 'Z'},
		{good[:12], false},
		{"1" + body, false},
		{string(UPNCheckLetter(body)) + "20140123456X", false},
	}
	for _, tt := range tests {
		_, err := ParseUPN("upn", tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseUPN(%q) = %v; want ok=%v", tt.in, err, tt.ok)
		}
	}
}

func FuzzUPN(f *testing.F) {
	f.Add("A201401234567")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUPN("upn", s)
		if err != nil {
			return
		}
		if len(u) != 13 || UPNCheckLetter(u[1:]) != u[0] {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestAgeAndBirthDate(t *testing.T) {
	today := MustDate("2026-11-24")
	tests := []struct {
		dob string
		age int
		ok  bool
	}{
		{"2026-11-24", 0, true},
		{"2008-11-25", 17, true},
		{"2008-11-24", 18, false},
		{"2026-11-25", -1, false},
		{"2012-02-29", 14, true},
	}
	for _, tt := range tests {
		d := MustDate(tt.dob)
		if tt.age >= 0 && d.AgeOn(today) != tt.age {
			t.Errorf("AgeOn(%s) = %d; want %d", tt.dob, d.AgeOn(today), tt.age)
		}
		if err := ValidBirthDate("date_of_birth", d, today); (err == nil) != tt.ok {
			t.Errorf("ValidBirthDate(%s) = %v; want ok=%v", tt.dob, err, tt.ok)
		}
	}
	// 29 February birthdays fall on 1 March in other years.
	if got := MustDate("2012-02-29").AgeOn(MustDate("2030-02-28")); got != 17 {
		t.Errorf("age on 28 Feb = %d; want 17", got)
	}
	if got := MustDate("2012-02-29").AgeOn(MustDate("2030-03-01")); got != 18 {
		t.Errorf("age on 1 Mar = %d; want 18", got)
	}
	for _, bad := range []string{"2015-02-30", "15-03-2015", "2015/03/14", "2015-3-4"} {
		if _, err := ParseDate("date_of_birth", bad); err == nil || ErrorField(err) != "date_of_birth" {
			t.Errorf("ParseDate(%q) = %v; want error naming date_of_birth", bad, err)
		}
	}
}

func TestPostcode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sw1a1aa", "SW1A 1AA"},
		{" S10 1AA ", "S10 1AA"},
		{"M1 1AE", "M1 1AE"},
		{"B33 8TH", "B33 8TH"},
		{"W1A 0AX", "W1A 0AX"},
		{"S1", ""},
		{"12345", ""},
		{"SW1A-1AA", ""},
		{"ABC 1AA", ""},
	}
	for _, tt := range tests {
		got, err := ParsePostcode("postcode", tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParsePostcode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestIDFromNumberIsOrderedAndValid(t *testing.T) {
	nums := []uint64{0, 1, 28, 29, 12345678, IDSpace/2 + 7, IDSpace - 2, IDSpace - 1}
	var prev ID
	for i, v := range nums {
		id := IDFromNumber(v)
		if _, err := ParseID("id", string(id)); err != nil {
			t.Fatalf("IDFromNumber(%d) = %s: %v", v, id, err)
		}
		if i > 0 && !(prev < id) {
			t.Errorf("IDFromNumber(%d) = %s is not after IDFromNumber(%d) = %s", v, id, nums[i-1], prev)
		}
		prev = id
	}
	if got := IDFromNumber(0); got[:8] != "00000000" {
		t.Errorf("IDFromNumber(0) = %s, want body 00000000", got)
	}
	if got := IDFromNumber(IDSpace - 1); got[:8] != "YYYYYYYY" {
		t.Errorf("IDFromNumber(max) = %s, want body YYYYYYYY", got)
	}
	if got := IDFromNumber(29); got[:8] != "00000010" {
		t.Errorf("IDFromNumber(29) = %s, want body 00000010", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("IDFromNumber(IDSpace) did not panic")
		}
	}()
	IDFromNumber(IDSpace)
}
