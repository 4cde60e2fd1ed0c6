package gen

import (
	"math"
	"math/rand/v2"
	"strings"
)

// sampler draws an index with fixed weights in O(log n).
type sampler struct {
	cum []uint64 // cumulative weights scaled to 1<<32
}

func newSampler(w []float64) sampler {
	total := 0.0
	for _, x := range w {
		total += x
	}
	cum := make([]uint64, len(w))
	acc := 0.0
	for i, x := range w {
		acc += x
		cum[i] = uint64(acc / total * (1 << 32))
	}
	cum[len(cum)-1] = 1 << 32
	return sampler{cum}
}

func (s sampler) draw(r *rand.Rand) int {
	u := uint64(r.Uint32())
	lo, hi := 0, len(s.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if s.cum[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// zipf returns Zipf-like weights (rank+offset)^-s for n ranks.
func zipf(n int, offset, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i+1)+offset, -s)
	}
	return w
}

// nameTable is a list of names with, per age 0–17, a sampler that favours
// rising names among the young and falling ones among teenagers.
type nameTable struct {
	names  []string
	byAge  [18]sampler           // every name
	byComm [numComms][18]sampler // the names of one community
	lookup map[string]int
}

func newNameTable(raw []string) *nameTable {
	t := &nameTable{names: make([]string, len(raw)), lookup: make(map[string]int, len(raw))}
	era := make([]int, len(raw))
	for i, n := range raw {
		switch {
		case strings.HasSuffix(n, "+"):
			n, era[i] = n[:len(n)-1], 1
		case strings.HasSuffix(n, "-") && !strings.Contains(n[:len(n)-1], "-"):
			n, era[i] = n[:len(n)-1], -1
		}
		t.names[i] = n
		if _, ok := t.lookup[n]; !ok {
			t.lookup[n] = i
		}
	}
	// member[c][i] says name i belongs to community c; a name in no
	// community's list is general.
	var member [numComms][]bool
	for c := range member {
		member[c] = make([]bool, len(raw))
	}
	for c := 1; c < numComms; c++ {
		for _, n := range commGiven[c] {
			for i, m := range t.names {
				if m == n {
					member[c][i] = true
				}
			}
		}
	}
	for i := range t.names {
		member[commGeneral][i] = true
		for c := 1; c < numComms; c++ {
			if member[c][i] {
				member[commGeneral][i] = false
			}
		}
	}
	base := zipf(len(raw), 10, 0.7)
	for age := 0; age < 18; age++ {
		w := make([]float64, len(raw))
		f := float64(age) / 17
		for i := range w {
			switch era[i] {
			case 1:
				w[i] = base[i] * (1.6 - 1.2*f)
			case -1:
				w[i] = base[i] * (0.4 + 1.2*f)
			default:
				w[i] = base[i]
			}
		}
		t.byAge[age] = newSampler(w)
		for c := range member {
			cw := make([]float64, len(w))
			any := false
			for i := range cw {
				if member[c][i] {
					cw[i], any = w[i], true
				}
			}
			if !any {
				copy(cw, w)
			}
			t.byComm[c][age] = newSampler(cw)
		}
	}
	return t
}

// draw draws a name for a child aged age in community comm: mostly the
// community's names, sometimes the general ones, now and then any.
func (t *nameTable) draw(r *rand.Rand, age, comm int) string {
	u := r.Float64()
	switch {
	case comm != commGeneral && u < 0.8:
		return t.names[t.byComm[comm][age].draw(r)]
	case u < 0.95:
		return t.names[t.byComm[commGeneral][age].draw(r)]
	}
	return t.names[t.byAge[age].draw(r)]
}

var (
	boys      = newNameTable(boysNames)
	girls     = newNameTable(girlsNames)
	surnameW  = newSampler(zipf(len(surnames), 10, 0.75))
	streetW   = newSampler(zipf(len(streetNames), 5, 0.5))
	kindW     = newSampler([]float64{30, 20, 12, 12, 10, 8, 6, 5, 5, 4, 4, 3, 2, 2, 1, 1, 1, 1})
	ageWeight = []float64{ // England 0–17 by single year of age, thousands (mid-2020s)
		590, 605, 620, 635, 650, 665, 680, 690, 700, 705, 710, 712, 705, 695, 685, 672, 655, 640,
	}
	ageW = newSampler(ageWeight)
)

// slugs maps names to the ASCII lower-case letters used in e-mail addresses.
var slugFold = strings.NewReplacer(
	"ł", "l", "ś", "s", "ó", "o", "ź", "z", "ż", "z", "ą", "a", "ę", "e", "ć", "c", "ń", "n",
	"ë", "e", "é", "e", "í", "i", "ï", "i", "Ł", "L", "Ś", "S", "Ż", "Z",
)

func slug(s string) string {
	s = slugFold.Replace(s)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

var slugCache = func() map[string]string {
	m := map[string]string{}
	for _, l := range [][]string{surnames, adultGivenNames} {
		for _, n := range l {
			m[n] = slug(n)
		}
	}
	return m
}()

func slugOf(s string) string {
	if v, ok := slugCache[s]; ok {
		return v
	}
	return slug(s)
}
