package match

import (
	"fmt"
	"testing"
	gotime "time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

func TestCompareGiven(t *testing.T) {
	tests := []struct {
		a, b string
		want Level
	}{
		{"Oliver", "oliver", GivenExact},
		{"Zoë", "Zoe", GivenExact},
		{"Ollie", "Oliver", GivenNickname},
		{"Bill", "William James", GivenNickname},
		{"James", "William James", GivenMiddle},
		{"Mary Jane", "Maryjane", GivenMiddle},
		{"Ellie-May", "Ellie May", GivenExact}, // a hyphenated first name, spelt with a space
		{"Ellie-May Rose", "EllieMay", GivenExact},
		{"Ellie-May Maeve", "Ellie Rose", GivenNickname}, // Ellie is a short form of Ellie-May, not her first name
		{"Ellie-May", "Ellie-Mai", GivenPhonetic},
		{"Lily-Rose", "Lily", GivenNickname},           // the first part of a hyphenated name, as a short form
		{"Niamh Aleena", "Iris Aleena", GivenDisagree}, // sisters may share a middle name
		{"Rohan", "Oliver Rohan", GivenMiddle},
		{"Catherine", "Kathryn", GivenNickname}, // listed as a spelling variant
		{"Aiden", "Aidan", GivenPhonetic},
		{"Jayden", "Jaydon", GivenPhonetic},
		{"Christina", "Christine", GivenNickname},
		{"Archie", "Archer", GivenJW92},
		{"Dwayne", "Duane", GivenPhonetic},
		{"Anna", "Annabel", GivenJW85},
		{"J", "John", GivenInitial},
		{"Olivia", "Oscar", GivenInitial},
		{"Olivia", "Amelia", GivenDisagree},
		{"", "Amelia", GivenMissing},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := CompareGiven(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareGiven(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
			if got := CompareGiven(tt.b, tt.a); got != tt.want {
				t.Errorf("CompareGiven(%q, %q) = %d; want %d", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestCompareFamily(t *testing.T) {
	tests := []struct {
		a       string
		aFormer []string
		b       string
		bFormer []string
		want    Level
	}{
		{"Smith", nil, "SMITH", nil, FamilyExact},
		{"O'Neill", nil, "O Neill", nil, FamilyExact},
		{"Smith-Jones", nil, "Smith Jones", nil, FamilyExact},
		{"Smith-Jones", nil, "Jones", nil, FamilyPart},
		{"Smith Jones", nil, "Smith", nil, FamilyPart},
		{"Brown", nil, "Smith", []string{"Brown"}, FamilyPart},
		{"Smyth", nil, "Smith", nil, FamilyPhonetic},
		{"Wiśniewski", nil, "Wisniewsky", nil, FamilyPhonetic},
		{"Johnson", nil, "Jonhson", nil, FamilyPhonetic},
		{"Miller", nil, "Milner", nil, FamilyJW92},
		{"Baker", nil, "Barker", nil, FamilyJW85},
		{"Smith", nil, "Jones", nil, FamilyDisagree},
		{"", nil, "Jones", nil, FamilyMissing},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := CompareFamily(tt.a, tt.aFormer, tt.b, tt.bFormer); got != tt.want {
				t.Errorf("CompareFamily(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
			if got := CompareFamily(tt.b, tt.bFormer, tt.a, tt.aFormer); got != tt.want {
				t.Errorf("CompareFamily(%q, %q) = %d; want %d", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestSwapped(t *testing.T) {
	a := Record{GivenNames: "Smith", FamilyName: "John"}
	b := Record{GivenNames: "John", FamilyName: "Smith"}
	if !Swapped(a, b) {
		t.Errorf("Swapped(Smith John, John Smith) = false; want true")
	}
	v := Compare(a, b)
	if got := v.Levels[FieldFamily]; got != FamilySwapped {
		t.Errorf("Compare family level = %d; want FamilySwapped", got)
	}
	if Swapped(b, b) {
		t.Errorf("Swapped(John Smith, John Smith) = true; want false")
	}
}

func TestCompareDOB(t *testing.T) {
	d := domain.MustDate
	tests := []struct {
		a, b string
		want Level
	}{
		{"2015-03-04", "2015-03-04", DOBExact},
		{"2015-03-04", "2015-04-03", DOBTransposed},
		{"2015-03-04", "2015-03-05", DOBOneDay},
		{"2015-12-31", "2016-01-01", DOBOneDay},
		{"2015-03-04", "2015-03-20", DOBYearMonth},
		{"2015-03-04", "2015-09-20", DOBYear},
		{"2015-03-04", "2014-03-04", DOBDisagree},
		{"2015-03-04", "", DOBMissing},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := CompareDOB(d(tt.a), d(tt.b)); got != tt.want {
				t.Errorf("CompareDOB(%s, %s) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
			if got := CompareDOB(d(tt.b), d(tt.a)); got != tt.want {
				t.Errorf("CompareDOB(%s, %s) = %d; want %d", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func FuzzCompareDOB(f *testing.F) {
	f.Add(2015, 3, 4, 2015, 4, 3)
	f.Add(2015, 12, 31, 2016, 1, 1)
	f.Fuzz(func(t *testing.T, y1, m1, d1, y2, m2, d2 int) {
		clamp := func(v, lo, hi int) int { return lo + (v%(hi-lo+1)+(hi-lo+1))%(hi-lo+1) }
		a := domain.NewDate(clamp(y1, 1900, 2100), gotime.Month(clamp(m1, 1, 12)), clamp(d1, 1, 31))
		b := domain.NewDate(clamp(y2, 1900, 2100), gotime.Month(clamp(m2, 1, 12)), clamp(d2, 1, 31))
		l := CompareDOB(a, b)
		if r := CompareDOB(b, a); r != l {
			t.Fatalf("CompareDOB(%s, %s) = %d but reversed %d", a, b, l, r)
		}
		if l < DOBExact || l > DOBDisagree {
			t.Fatalf("CompareDOB(%s, %s) = %d: not a level", a, b, l)
		}
		if (l == DOBExact) != a.Equal(b) {
			t.Fatalf("CompareDOB(%s, %s) = %d", a, b, l)
		}
	})
}

func TestCompareGender(t *testing.T) {
	tests := []struct {
		a, b domain.Gender
		want Level
	}{
		{domain.GenderFemale, domain.GenderFemale, GenderAgree},
		{domain.GenderFemale, domain.GenderMale, GenderDisagree},
		{domain.GenderNotSpecified, domain.GenderMale, GenderMissing},
		{"", domain.GenderMale, GenderMissing},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.a, "/", tt.b), func(t *testing.T) {
			if got := CompareGender(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareGender(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestComparePostcodes(t *testing.T) {
	tests := []struct {
		a, b []string
		want Level
	}{
		{[]string{"sw1a 1aa"}, []string{"SW1A1AA"}, PostcodeExact},
		{[]string{"M1 1AE"}, []string{"SW1A 1AA", "M1 1AE"}, PostcodePrevious},
		{[]string{"SW1A 2AA"}, []string{"SW1A 1AA"}, PostcodeDistrict},
		{[]string{"SW2 1AA"}, []string{"SW1A 1AA"}, PostcodeArea},
		{[]string{"M1 1AE"}, []string{"SW1A 1AA"}, PostcodeDisagree},
		{nil, []string{"SW1A 1AA"}, PostcodeMissing},
		{[]string{"rubbish"}, []string{"SW1A 1AA"}, PostcodeMissing},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.a, tt.b), func(t *testing.T) {
			if got := ComparePostcodes(tt.a, tt.b); got != tt.want {
				t.Errorf("ComparePostcodes(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestCompareIdentifiers(t *testing.T) {
	tests := []struct {
		a, b []string
		want Level
	}{
		{[]string{"nhs:aa"}, []string{"upn:bb", "nhs:aa"}, IDAgree},
		{[]string{"nhs:aa"}, []string{"nhs:cc"}, IDDisagree},
		{[]string{"nhs:aa"}, []string{"upn:cc"}, IDMissing},
		{[]string{"aa"}, []string{"cc"}, IDDisagree},
		{nil, []string{"nhs:cc"}, IDMissing},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.a, tt.b), func(t *testing.T) {
			if got := CompareIdentifiers(tt.a, tt.b); got != tt.want {
				t.Errorf("CompareIdentifiers(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
