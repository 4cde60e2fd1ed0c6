package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// TestBenchSearchSmall runs the search benchmark end to end on a small
// directory: it loads the population, queries with noisy records in both
// sets, signs in over HTTP, and checks the audit trail after; the quality
// it reports must be a real measurement (most queries find their child).
func TestBenchSearchSmall(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Now: storetest.NewClock().Now,
		Getenv: func(k string) string {
			switch k {
			case "CONTACTPOINT_SECRET":
				return testSecret
			case "CONTACTPOINT_BENCH_SLOW":
				return "3"
			}
			return ""
		}}
	err := m.Run(context.Background(), []string{"bench", "search", "--db", "sqlite:" + filepath.Join(dir, "cp.db"), "--children", "2000",
		"--queries", "200", "--duration", "1s", "--work", filepath.Join(dir, "work")})
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	out, errOut := stdout.String(), stderr.String()
	if err != nil {
		t.Fatalf("bench search: %v\n%s", err, errOut)
	}
	// CONTACTPOINT_BENCH_SLOW lists that many slowest searches, slowest
	// first, each with the time of its steps.
	slow := regexp.MustCompile(`(?m)^slow: (\S+) candidates=\S+ score=\S+ .*audit=\S+ \S*date_of_birth=`).FindAllStringSubmatch(errOut, -1)
	if len(slow) != 3 {
		t.Errorf("slowest searches listed: %d; want 3:\n%s", len(slow), errOut)
	}
	for i := 1; i < len(slow); i++ {
		a, _ := time.ParseDuration(slow[i-1][1])
		b, _ := time.ParseDuration(slow[i][1])
		if b > a {
			t.Errorf("slow searches not slowest first: %s before %s", slow[i-1][1], slow[i][1])
		}
	}
	for _, want := range []string{"- load: 2000 children", "quality, mixed set", "family name, date of birth, gender, postcode:",
		"HTTP on loopback (the mixed set)", "audit trail verified", "by step, p50 / p99: candidates ", "read from disk during these searches: ", "memory stalls meanwhile"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	q := regexp.MustCompile(`mixed set: (\d+) noisy queries.*right child first ([0-9.]+)%`).FindStringSubmatch(out)
	if q == nil {
		t.Fatalf("no mixed-set quality line in:\n%s", out)
	}
	asked, _ := strconv.Atoi(q[1])
	first, _ := strconv.ParseFloat(q[2], 64)
	if asked < 150 || first < 90 {
		t.Errorf("mixed set: %d queries, right child first %.2f%%; want at least 150 queries and 90%%", asked, first)
	}
}
