package match

import (
	"testing"
)

func TestDoubleMetaphoneCodes(t *testing.T) {
	tests := []struct{ in, p, a string }{
		{"Smith", "SM0", "XMT"},
		{"Schmidt", "XMT", "SMT"},
		{"Catherine", "K0RN", "KTRN"},
		{"Thomas", "TMS", "TMS"},
		{"Jose", "HS", "HS"},
		{"Xavier", "SF", "SFR"},
		{"Michael", "MKL", "MXL"},
		{"Knight", "NT", "NT"},
		{"Laugh", "LF", "LF"},
		{"Wright", "RT", "RT"},
		{"Jayden", "JTN", "ATN"},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, a := DoubleMetaphone(tt.in)
			if p != tt.p || a != tt.a {
				t.Errorf("DoubleMetaphone(%q) = %q, %q; want %q, %q", tt.in, p, a, tt.p, tt.a)
			}
		})
	}
}

func soundAlike(x, y string) bool {
	xp, xa := metaphone(Name(x))
	yp, ya := metaphone(Name(y))
	tx, ty := token{p: xp, a: xa}, token{p: yp, a: ya}
	return tx.soundsLike(&ty)
}

func TestDoubleMetaphoneAgrees(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Smyth", "Smith", true},
		{"Mohammed", "Muhammad", true},
		{"Jayden", "Jaydon", true},
		{"Aiden", "Aidan", true},
		{"Catherine", "Kathryn", true},
		{"Philip", "Filip", true},
		{"Stephen", "Steven", true},
		{"Olivia", "Amelia", false},
		{"Smith", "Jones", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := soundAlike(tt.a, tt.b); got != tt.want {
				pa, aa := DoubleMetaphone(tt.a)
				pb, ab := DoubleMetaphone(tt.b)
				t.Errorf("sound alike %q (%s/%s) and %q (%s/%s) = %v; want %v", tt.a, pa, aa, tt.b, pb, ab, got, tt.want)
			}
		})
	}
}

func FuzzDoubleMetaphone(f *testing.F) {
	for _, s := range []string{"Smith", "Caesar", "Gnocchi", "Jose", "McLaughlin", "Filipowicz", "X", "GH", "ZZ", "Chiantia", "Bacher", "Sugar", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, a := DoubleMetaphone(s)
		for _, c := range []string{p, a} {
			if len(c) > codeLen {
				t.Fatalf("DoubleMetaphone(%q) = %q, %q: code longer than %d", s, p, a, codeLen)
			}
			for i := 0; i < len(c); i++ {
				if !(c[i] >= 'A' && c[i] <= 'Z' || c[i] == '0') {
					t.Fatalf("DoubleMetaphone(%q) = %q, %q: bad character", s, p, a)
				}
			}
		}
	})
}
