package match

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zoë", "ZOE"},
		{"Wiśniewski", "WISNIEWSKI"},
		{"Strauß", "STRAUSS"},
		{"Søren", "SOREN"},
		{"Łukasz", "LUKASZ"},
		{"Renée", "RENEE"},
		{"Nuñez", "NUNEZ"},
		{"Çelik", "CELIK"},
		{"Þór", "THOR"},
		{"Şahin", "SAHIN"},
		{"Zoe\u0308", "ZOE"}, // decomposed diaeresis
		{"O'Neill", "ONEILL"},
		{"O’Neill", "ONEILL"},
		{"ONeill", "ONEILL"},
		{"O Neill", "ONEILL"},
		{"Mac Donald", "MACDONALD"},
		{"van der Berg", "VANDERBERG"},
		{"Al-Hassan", "ALHASSAN"},
		{"  mary   jane ", "MARY JANE"},
		{"Smith-Jones", "SMITH JONES"},
		{"Smith – Jones", "SMITH JONES"},
		{"St. John", "STJOHN"},
		{"Ben Thomas", "BEN THOMAS"},
		{"J.R.", "J R"},
		{"Anne-Marie", "ANNE MARIE"},
		{"Смирнов", "СМИРНОВ"},
		{"123", ""},
		{"", ""},
		{"SMITH", "SMITH"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Name(tt.in); got != tt.want {
				t.Errorf("Name(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNameNoAllocWhenNormalised(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Name("MARY JANE") }); n != 0 {
		t.Errorf("Name of a normalised name: %v allocs; want 0", n)
	}
}

func TestNameTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Smith-Jones", []string{"SMITH", "JONES", "SMITHJONES"}},
		{"Smith Jones", []string{"SMITH", "JONES", "SMITHJONES"}},
		{"O'Neill", []string{"ONEILL"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NameTokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("NameTokens(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPostcode(t *testing.T) {
	tests := []struct{ in, want, district, area string }{
		{"sw1a1aa", "SW1A 1AA", "SW1A", "SW"},
		{"SW1A 1AA", "SW1A 1AA", "SW1A", "SW"},
		{"m1 1ae", "M1 1AE", "M1", "M"},
		{"B33 8TH", "B33 8TH", "B33", "B"},
		{"not a postcode", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Postcode(tt.in)
			if got != tt.want {
				t.Fatalf("Postcode(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if got == "" {
				return
			}
			if d := District(got); d != tt.district {
				t.Errorf("District(%q) = %q; want %q", got, d, tt.district)
			}
			if a := Area(got); a != tt.area {
				t.Errorf("Area(%q) = %q; want %q", got, a, tt.area)
			}
		})
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"Zoë", "O'Neill", "Smith-Jones", "Mac Donald", "ß", "  ", "\xff", "van der Berg", "Wiśniewski"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Name(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Name(%q) = %q: invalid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Name(%q) = %q: stray spaces", s, n)
		}
		if strings.ContainsAny(n, "abcdefghijklmnopqrstuvwxyz'-.0123456789") {
			t.Fatalf("Name(%q) = %q: lower case, digits or punctuation left", s, n)
		}
		if again := Name(n); again != n {
			t.Fatalf("Name not idempotent: Name(%q) = %q; Name of that = %q", s, n, again)
		}
	})
}
