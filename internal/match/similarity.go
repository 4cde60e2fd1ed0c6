package match

// stackLen is the longest string the similarity functions handle without
// allocating; names are far shorter.
const stackLen = 64

// JaroWinkler returns the Jaro-Winkler similarity of a and b in 0..1 (1 for
// equal strings, 0 when either is empty and the other is not), with the
// standard prefix scale 0.1, a common prefix of at most four bytes and the
// boost applied only above a Jaro similarity of 0.7. It compares bytes, so
// pass names through Name first. The result does not depend on the order of
// the arguments.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	// Put the shorter (then lesser) string first so that the greedy
	// matching, and so the result, is symmetric.
	if len(a) > len(b) || (len(a) == len(b) && a > b) {
		a, b = b, a
	}
	j := jaro(a, b)
	if j <= 0.7 {
		return j
	}
	l := 0
	for l < 4 && l < len(a) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*0.1*(1-j)
}

func jaro(a, b string) float64 {
	var fa, fb [stackLen]bool
	ma, mb := fa[:], fb[:]
	if len(a) > stackLen {
		ma = make([]bool, len(a))
	}
	if len(b) > stackLen {
		mb = make([]bool, len(b))
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	m := 0
	for i := 0; i < len(a); i++ {
		lo := max(0, i-window)
		hi := min(len(b), i+window+1)
		for k := lo; k < hi; k++ {
			if !mb[k] && a[i] == b[k] {
				ma[i], mb[k] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < len(a); i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	fm := float64(m)
	return (fm/float64(len(a)) + fm/float64(len(b)) + (fm-float64(t/2))/fm) / 3
}

// DamerauLevenshtein returns the optimal string alignment distance between
// a and b: the fewest insertions, deletions, substitutions and transpositions
// of adjacent bytes turning one into the other, no substring being edited
// twice. Unlike true Damerau-Levenshtein it does not obey the triangle
// inequality (CA→AC→ABC is 1+1 but CA→ABC is 3).
func DamerauLevenshtein(a, b string) int {
	if a == b {
		return 0
	}
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	var buf [3 * (stackLen + 1)]int
	n := len(b) + 1
	var rows []int
	if n <= stackLen+1 {
		rows = buf[:3*n]
	} else {
		rows = make([]int, 3*n)
	}
	prev2, prev, cur := rows[:n], rows[n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
