package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAuthorities(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"  ", "", true},
		{"names", "names", true},
		{"death, names,date_of_birth", "names,date_of_birth,death", true},
		{"health,health", "health", true},
		{"names,,death", "", false},
		{"Names", "", false},
		{"shoe_size", "", false},
	} {
		got, err := ParseAuthorities("--authoritative-for", tt.in)
		if (err == nil) != tt.ok || JoinAuthorities(got) != tt.want {
			t.Errorf("ParseAuthorities(%q) = %q, %v; want %q (ok %v)", tt.in, JoinAuthorities(got), err, tt.want, tt.ok)
		}
		if err != nil && (ErrorField(err) != "--authoritative-for" || !strings.Contains(err.Error(), "date_of_birth, gender")) {
			t.Errorf("ParseAuthorities(%q): error %q; want it to name the field and the allowed values", tt.in, err)
		}
	}
}

func FuzzParseAuthorities(f *testing.F) {
	for _, s := range []string{"", "names", "death, names,date_of_birth", "x", "names,,", " health ,education"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAuthorities("f", s)
		if err != nil {
			return
		}
		for _, a := range got {
			if !slices.Contains(Authorities, a) {
				t.Fatalf("ParseAuthorities(%q) gave %q, not an authority", s, a)
			}
		}
		again, err := ParseAuthorities("f", JoinAuthorities(got))
		if err != nil || !slices.Equal(again, got) {
			t.Fatalf("round trip of %q: %q, %v; want %q", s, again, err, got)
		}
	})
}
