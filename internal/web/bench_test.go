package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

var (
	benchGiven  = []string{"Oliver", "Amelia", "George", "Isla", "Noah", "Ava", "Muhammad", "Olivia", "Leo", "Freya", "Arthur", "Lily", "Oscar", "Grace", "Harry", "Sophia", "Jack", "Ivy", "Charlie", "Mia"}
	benchFamily = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Wood"}
)

// loadDirectory adds n synthetic children in batches.
func loadDirectory(tb testing.TB, f *fixture, n int) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	today := domain.DateOf(f.clock.T)
	const batch = 1000
	for done := 0; done < n; done += batch {
		cs := make([]*domain.Child, 0, batch)
		for i := 0; i < batch && done+i < n; i++ {
			pc := fmt.Sprintf("S%d %d%c%c", 1+rng.IntN(20), rng.IntN(10), 'A'+rune(rng.IntN(26)), 'A'+rune(rng.IntN(26)))
			cs = append(cs, &domain.Child{GivenNames: benchGiven[rng.IntN(len(benchGiven))], FamilyName: benchFamily[rng.IntN(len(benchFamily))],
				Gender: []domain.Gender{domain.GenderMale, domain.GenderFemale}[rng.IntN(2)], DateOfBirth: today.AddDays(-1 - rng.IntN(17*365)),
				AddressStatus: domain.AddressCurrent, LACode: la,
				Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: strconv.Itoa(1+rng.IntN(200)) + " Church Road", Town: "Sheffield", Postcode: pc}, LACode: la}}})
		}
		if err := f.db.CreateChildren(context.Background(), cs, nil); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkRecordPage measures the server time of the record page (a
// signed-in practitioner who has given a reason; a child with a full
// record) on a directory of CONTACTPOINT_BENCH_CHILDREN children (200,000
// by default), and reports the 50th and 99th percentiles.
//
//	go test -run '^$' -bench BenchmarkRecordPage -benchtime 2000x ./internal/web/
func BenchmarkRecordPage(b *testing.B) {
	n := 200000
	if s := os.Getenv("CONTACTPOINT_BENCH_CHILDREN"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	f := newFixture(b)
	start := time.Now()
	loadDirectory(b, f, n)
	b.Logf("loaded %d children in %s", n, time.Since(start).Round(time.Millisecond))
	c, _ := f.signIn(b, domain.RolePractitioner)
	c.giveReason(f.kid.ID)
	cookies := c.hc.Jar.Cookies(mustURL(f.srv.URL))
	path := "/children/" + f.kid.ID.String()

	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.RemoteAddr = "127.0.0.1:5000"
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		t0 := time.Now()
		f.h.ServeHTTP(w, req)
		durs = append(durs, time.Since(t0))
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
