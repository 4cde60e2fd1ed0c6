package gen

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// benchChildren is the population size for the benchmarks: GEN_BENCH_CHILDREN
// when set (the full-size run is 11000000), else 100000.
func benchChildren(b *testing.B) int {
	if s := os.Getenv("GEN_BENCH_CHILDREN"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("GEN_BENCH_CHILDREN=%q: %v", s, err)
		}
		return n
	}
	return 100_000
}

func BenchmarkPeople(b *testing.B) {
	n := benchChildren(b)
	cfg := Config{Children: n, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		if err := People(cfg, func(*Person) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
}

// BenchmarkWrite writes every extract to GEN_BENCH_OUT (default a temporary
// directory).
func BenchmarkWrite(b *testing.B) {
	n := benchChildren(b)
	out := os.Getenv("GEN_BENCH_OUT")
	if out == "" {
		out = b.TempDir()
	}
	cfg := Config{Children: n, Seed: 1, Noise: DefaultNoise()}
	var st Stats
	for b.Loop() {
		var err error
		if st, err = Write(context.Background(), cfg, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "children/s")
	b.ReportMetric(float64(st.TruthRows), "records")
	b.ReportMetric(float64(st.Bytes)/(1<<20), "MiB")
}
