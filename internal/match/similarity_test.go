package match

import (
	"math"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.9611},
		{"DWAYNE", "DUANE", 0.84},
		{"DIXON", "DICKSONX", 0.8133},
		{"JONES", "JOHNSON", 0.8323},
		{"SMITH", "SMITH", 1},
		{"", "", 1},
		{"A", "", 0},
		{"ABC", "XYZ", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			got := JaroWinkler(tt.a, tt.b)
			if math.Abs(got-tt.want) > 0.0005 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f; want %.4f", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestDamerauLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"SMITH", "SMITH", 0},
		{"SMITH", "SMIHT", 1},
		{"SMITH", "SMYTH", 1},
		{"SMITH", "SMITHE", 1},
		{"CA", "ABC", 3},
		{"KITTEN", "SITTING", 3},
		{"", "ABC", 3},
		{"ABC", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := DamerauLevenshtein(tt.a, tt.b); got != tt.want {
				t.Errorf("DamerauLevenshtein(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestSimilarityNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = JaroWinkler("CATHERINE", "KATHRYN") }); n != 0 {
		t.Errorf("JaroWinkler: %v allocs; want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = DamerauLevenshtein("CATHERINE", "KATHRYN") }); n != 0 {
		t.Errorf("DamerauLevenshtein: %v allocs; want 0", n)
	}
}

func FuzzJaroWinkler(f *testing.F) {
	f.Add("MARTHA", "MARHTA")
	f.Add("", "X")
	f.Add("ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB", "BA")
	f.Fuzz(func(t *testing.T, a, b string) {
		x, y := JaroWinkler(a, b), JaroWinkler(b, a)
		if x != y {
			t.Fatalf("JaroWinkler(%q, %q) = %v but reversed %v", a, b, x, y)
		}
		if x < 0 || x > 1 || math.IsNaN(x) {
			t.Fatalf("JaroWinkler(%q, %q) = %v: out of 0..1", a, b, x)
		}
		if a == b && x != 1 {
			t.Fatalf("JaroWinkler(%q, %q) = %v; want 1", a, b, x)
		}
	})
}

func FuzzDamerauLevenshtein(f *testing.F) {
	f.Add("KITTEN", "SITTING")
	f.Add("CA", "ABC")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := DamerauLevenshtein(a, b)
		if r := DamerauLevenshtein(b, a); r != d {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d but reversed %d", a, b, d, r)
		}
		if (d == 0) != (a == b) {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d", a, b, d)
		}
		lo, hi := len(a)-len(b), max(len(a), len(b))
		if lo < 0 {
			lo = -lo
		}
		if d < lo || d > hi {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d; want within %d..%d", a, b, d, lo, hi)
		}
		// OSA is not a metric, but going through a third string can save
		// at most the transpositions it splits: bounded by twice the sum.
		c := a + b
		if d > 2*(DamerauLevenshtein(a, c)+DamerauLevenshtein(c, b)) {
			t.Fatalf("DamerauLevenshtein(%q, %q) = %d breaks the relaxed triangle through %q", a, b, d, c)
		}
	})
}
