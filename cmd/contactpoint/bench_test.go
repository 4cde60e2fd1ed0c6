package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchSearchSmall runs the search benchmark end to end on a small
// directory: it loads the population, queries with noisy records in both
// sets, signs in over HTTP, and checks the audit trail after; the quality
// it reports must be a real measurement (most queries find their child).
func TestBenchSearchSmall(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runFull(t, "bench", "search", "--db", "sqlite:"+filepath.Join(dir, "cp.db"), "--children", "2000",
		"--queries", "200", "--duration", "1s", "--work", filepath.Join(dir, "work"))
	if err != nil {
		t.Fatalf("bench search: %v\n%s", err, errOut)
	}
	for _, want := range []string{"- load: 2000 children", "quality, mixed set", "family name, date of birth, gender, postcode:",
		"HTTP on loopback (the mixed set)", "audit trail verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`mixed set: (\d+) noisy queries.*right child first ([0-9.]+)%`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no mixed-set quality line in:\n%s", out)
	}
	asked, _ := strconv.Atoi(m[1])
	first, _ := strconv.ParseFloat(m[2], 64)
	if asked < 150 || first < 90 {
		t.Errorf("mixed set: %d queries, right child first %.2f%%; want at least 150 queries and 90%%", asked, first)
	}
}
