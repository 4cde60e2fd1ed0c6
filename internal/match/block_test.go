package match

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

func trueChild() Record {
	return Record{
		GivenNames: "William James", FamilyName: "Smith-Jones", FormerFamilyNames: []string{"Brown"},
		DateOfBirth: domain.MustDate("2015-03-04"), Gender: domain.GenderMale,
		Postcodes:   []string{"M1 1AE", "SW1A 1AA"},
		Identifiers: []string{"nhs:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
	}
}

func intersects(a, b []string) string {
	for _, k := range a {
		if _, ok := slices.BinarySearch(b, k); ok {
			return k
		}
	}
	return ""
}

func TestKeysFindNoisyQueries(t *testing.T) {
	stored := Keys(trueChild())
	dob := domain.MustDate
	type q = Record
	tests := []struct {
		criteria, noise string
		query           Record
	}{
		// Given name, family name and date of birth.
		{"given+family+dob", "exact", q{GivenNames: "William", FamilyName: "Smith-Jones", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "nickname", q{GivenNames: "Bill", FamilyName: "Smith-Jones", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "sound-alike", q{GivenNames: "William", FamilyName: "Smyth-Jones", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "typo in given", q{GivenNames: "Wlliam", FamilyName: "Smith-Jones", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "typo in family", q{GivenNames: "William", FamilyName: "Smiht-Joens", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "swapped", q{GivenNames: "Jones", FamilyName: "William", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "one part of surname", q{GivenNames: "William", FamilyName: "Jones", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "former surname", q{GivenNames: "William", FamilyName: "Brown", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "middle name", q{GivenNames: "James", FamilyName: "Smith", DateOfBirth: dob("2015-03-04")}},
		{"given+family+dob", "transposed", q{GivenNames: "William", FamilyName: "Smith-Jones", DateOfBirth: dob("2015-04-03")}},
		{"given+family+dob", "day after", q{GivenNames: "William", FamilyName: "Smith-Jones", DateOfBirth: dob("2015-03-05")}},
		{"given+family+dob", "day before, nickname", q{GivenNames: "Will", FamilyName: "Smith Jones", DateOfBirth: dob("2015-03-03")}},
		{"given+family+dob", "transposed, typo in family", q{GivenNames: "William", FamilyName: "Smiht", DateOfBirth: dob("2015-04-03")}},
		// Family name, date of birth, gender and postcode.
		{"family+dob+gender+postcode", "exact", q{FamilyName: "Smith-Jones", DateOfBirth: dob("2015-03-04"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		{"family+dob+gender+postcode", "sound-alike", q{FamilyName: "Smyth", DateOfBirth: dob("2015-03-04"), Gender: domain.GenderMale, Postcodes: []string{"m11ae"}}},
		{"family+dob+gender+postcode", "typo, previous postcode", q{FamilyName: "Smiht", DateOfBirth: dob("2015-03-04"), Gender: domain.GenderMale, Postcodes: []string{"SW1A 1AA"}}},
		{"family+dob+gender+postcode", "former surname, transposed", q{FamilyName: "Brown", DateOfBirth: dob("2015-04-03"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		{"family+dob+gender+postcode", "typo, day after", q{FamilyName: "Smiht", DateOfBirth: dob("2015-03-05"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		{"family+dob+gender+postcode", "wrong year, right postcode", q{FamilyName: "Jones", DateOfBirth: dob("2016-03-04"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		// Given name, date of birth, gender and postcode.
		{"given+dob+gender+postcode", "exact", q{GivenNames: "William", DateOfBirth: dob("2015-03-04"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		{"given+dob+gender+postcode", "nickname, previous postcode", q{GivenNames: "Liam", DateOfBirth: dob("2015-03-04"), Gender: domain.GenderMale, Postcodes: []string{"SW1A 1AA"}}},
		{"given+dob+gender+postcode", "typo, transposed", q{GivenNames: "Wiliam", DateOfBirth: dob("2015-04-03"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		{"given+dob+gender+postcode", "middle name, day before", q{GivenNames: "Jamie", DateOfBirth: dob("2015-03-03"), Gender: domain.GenderMale, Postcodes: []string{"M1 1AE"}}},
		// An identifier.
		{"identifier", "exact", q{Identifiers: []string{"nhs:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
	}
	for _, tt := range tests {
		t.Run(tt.criteria+"/"+tt.noise, func(t *testing.T) {
			qk := QueryKeys(tt.query)
			if intersects(qk, stored) == "" {
				t.Errorf("query keys %q\nmiss stored keys %q", qk, stored)
			}
		})
	}
}

func TestKeysMissUnrelated(t *testing.T) {
	stored := Keys(trueChild())
	other := Record{GivenNames: "Amelia", FamilyName: "Patel", DateOfBirth: domain.MustDate("2012-10-22"),
		Gender: domain.GenderFemale, Postcodes: []string{"LS1 4AP"}, Identifiers: []string{"nhs:0123"}}
	if k := intersects(QueryKeys(other), stored); k != "" {
		t.Errorf("unrelated query shares key %q", k)
	}
}

func TestKeysShort(t *testing.T) {
	for _, k := range append(Keys(trueChild()), QueryKeys(trueChild())...) {
		if len(k) > 25 {
			t.Errorf("key %q is %d bytes; want at most 25", k, len(k))
		}
	}
	if n := len(Keys(trueChild())); n > 60 {
		t.Errorf("%d stored keys for one child; want at most 60", n)
	}
}

func FuzzKeys(f *testing.F) {
	f.Add("William James", "Smith-Jones", "Brown", 2015, 3, 4, "M1 1AE", "nhs:abc")
	f.Add("", "", "", 0, 0, 0, "", "")
	f.Add("Ł", "O'", "ß", 2000, 12, 12, "sw1a1aa", ":")
	f.Fuzz(func(t *testing.T, given, family, former string, y, m, d int, pc, id string) {
		var dob domain.Date
		if y > 0 {
			dob = domain.NewDate(1900+y%200, time.Month(1+(m%12+12)%12), 1+(d%31+31)%31)
		}
		r := Record{GivenNames: given, FamilyName: family, FormerFamilyNames: []string{former},
			DateOfBirth: dob, Postcodes: []string{pc}, Identifiers: []string{id}}
		for _, k := range append(Keys(r), QueryKeys(r)...) {
			if k == "" || strings.ContainsAny(k, " \n") || !utf8.ValidString(k) {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}

// TestSplitFallback: a query's family-sound, year and initial keys, and
// its given-name keys of the date's variants, are held back; the keys of
// the date as written, the family-name keys of its variants, the postcode
// and identifier keys go first, and when nothing else is left the
// fallback keys are all first.
func TestSplitFallback(t *testing.T) {
	dob := domain.MustDate("2015-03-04")
	r := Record{GivenNames: "Oliver", FamilyName: "Smith", DateOfBirth: dob, Postcodes: []string{"LS1 4AB"}}
	keys := QueryKeys(r)
	first, fallback := SplitFallback(keys, dob)
	if len(first)+len(fallback) != len(keys) || len(first) == 0 || len(fallback) == 0 {
		t.Fatalf("split %d keys into %d and %d; want both parts non-empty and every key kept", len(keys), len(first), len(fallback))
	}
	held := func(k string) bool {
		return k[0] == 'Y' || (k[0] == 'G' && k[1:9] != "20150304")
	}
	kinds := map[byte]int{}
	for _, k := range fallback {
		kinds[k[0]]++
		if !held(k) {
			t.Errorf("fallback key %q; want only family-year-initial keys and given-name keys of another date", k)
		}
	}
	for _, k := range first {
		kinds[k[0]+32]++ // lower case: first
		if held(k) {
			t.Errorf("first key %q should be held back", k)
		}
	}
	// Every kind the split decides on is on the side it belongs: the
	// date's variants' family keys and the exact date's given keys first,
	// the variants' given keys back.
	for _, want := range []byte{'Y', 'G', 'g', 'f', 'd', 'p', 'q'} {
		if kinds[want] == 0 {
			t.Errorf("no %q keys on their side (%v); first %q, fallback %q", want, kinds, first, fallback)
		}
	}
	if kinds['f'] < 4 {
		t.Errorf("%d family-name keys first; want the date's and its three variants'", kinds['f'])
	}
	only := []string{"YSM02015O", "YSMT2015O"}
	if first, fallback := SplitFallback(only, dob); len(first) != 2 || fallback != nil {
		t.Errorf("fallback keys alone: first %q, fallback %q; want all first", first, fallback)
	}
}
