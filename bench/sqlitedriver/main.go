// Command sqlitedriver measures the two candidate SQLite drivers for
// ContactPoint, modernc.org/sqlite (pure Go) and github.com/mattn/go-sqlite3
// (cgo), through database/sql on the project's workload:
//
//   - bulk import of children (~10 TEXT columns + ~500-byte JSON blob) with 8
//     search keys per child in child_keys(key, child_id), 1000 children per
//     transaction;
//   - search: 4 keys -> SELECT child_id FROM child_keys WHERE key IN (...),
//     then fetch each child by primary key; single-threaded latency and
//     throughput with 2 and 8 goroutines;
//   - point read by primary key.
//
// Both drivers use WAL, foreign_keys on, busy_timeout 5000, synchronous
// NORMAL, set through the DSN; the program reads the pragmas back on every
// connection of both pools and exits non-zero if any is not applied.
//
// Usage: go run . -n 200000 [-drivers modernc,mattn] [-build] [-crosscheck]
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers "sqlite3"
	_ "modernc.org/sqlite"          // registers "sqlite"
)

// driver describes one candidate: its database/sql name and DSN builder.
type driver struct {
	name    string // label in the results table
	sqlName string // database/sql driver name
	dsn     func(path string) string
	probe   string // build probe package
}

var drivers = map[string]driver{
	"modernc": {
		name:    "modernc.org/sqlite",
		sqlName: "sqlite",
		dsn: func(p string) string {
			return "file:" + p + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
				"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		},
		probe: "./buildprobe/modernc",
	},
	"mattn": {
		name:    "mattn/go-sqlite3",
		sqlName: "sqlite3",
		dsn: func(p string) string {
			return "file:" + p + "?_busy_timeout=5000&_journal_mode=WAL" +
				"&_foreign_keys=on&_synchronous=NORMAL"
		},
		probe: "./buildprobe/mattn",
	},
}

const schema = `
CREATE TABLE children (
	id           TEXT PRIMARY KEY,
	given_name   TEXT NOT NULL,
	middle_name  TEXT,
	family_name  TEXT NOT NULL,
	dob          TEXT NOT NULL,
	sex          TEXT,
	postcode     TEXT,
	la_code      TEXT,
	nhs_number   TEXT,
	upn          TEXT,
	updated_at   TEXT,
	data         TEXT
);
CREATE TABLE child_keys (
	key      TEXT NOT NULL,
	child_id TEXT NOT NULL REFERENCES children(id)
);
CREATE INDEX child_keys_key_child ON child_keys(key, child_id);
`

const childCols = `id, given_name, middle_name, family_name, dob, sex, postcode, la_code, nhs_number, upn, updated_at, data`

type child struct {
	f    [12]string // in childCols order
	keys [8]string
}

// ---------------------------------------------------------------- data

func genNames(r *rand.Rand, n int) []string {
	syl := []string{"al", "be", "ca", "da", "el", "fi", "ga", "ha", "is", "jo", "ka", "li", "mo", "na", "ol", "pe", "ra", "sa", "ta", "un", "vi", "wi", "ya", "zo", "son", "ton", "ley", "ford", "well", "ham"}
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		k := 2 + r.IntN(2)
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		s := strings.ToUpper(b.String()[:1]) + b.String()[1:]
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func genData(n int, seed uint64) []child {
	r := rand.New(rand.NewPCG(seed, 1))
	given := genNames(r, 600)
	family := genNames(r, 3000)
	postcodes := make([]string, 60000)
	for i := range postcodes {
		postcodes[i] = fmt.Sprintf("%c%c%d %d%c%c", 'A'+r.IntN(26), 'A'+r.IntN(26), 1+r.IntN(99), r.IntN(10), 'A'+r.IntN(26), 'A'+r.IntN(26))
	}
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789 "
	base := time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]child, n)
	for i := range out {
		c := &out[i]
		gn, fn := given[r.IntN(len(given))], family[r.IntN(len(family))]
		mn := ""
		if r.IntN(2) == 0 {
			mn = given[r.IntN(len(given))]
		}
		dob := base.AddDate(0, 0, r.IntN(18*365)).Format("2006-01-02")
		pc := postcodes[r.IntN(len(postcodes))]
		la := fmt.Sprintf("E%08d", 6000000+r.IntN(350))
		nhs := fmt.Sprintf("%010d", r.Int64N(1e10))
		upn := fmt.Sprintf("%c%012d", 'A'+r.IntN(26), r.Int64N(1e12))
		id := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint64()&0xffffffffffff)
		sex := []string{"F", "M", "U"}[r.IntN(3)]
		upd := base.Add(time.Duration(r.Int64N(int64(18 * 365 * 24 * time.Hour)))).Format(time.RFC3339)
		head := fmt.Sprintf(`{"source":"import","la":%q,"school":{"urn":"%06d","name":"%s Primary School"},"contacts":[{"role":"parent","name":"%s %s","phone":"07%09d"}],"flags":["cp","cin"],"notes":"`, la, r.IntN(1e6), family[r.IntN(len(family))], given[r.IntN(len(given))], fn, r.IntN(1e9))
		pad := make([]byte, 500-len(head)-2)
		for j := range pad {
			pad[j] = letters[r.IntN(len(letters))]
		}
		data := head + string(pad) + `"}`
		c.f = [12]string{id, gn, mn, fn, dob, sex, pc, la, nhs, upn, upd, data}
		low := strings.ToLower
		c.keys = [8]string{
			"nhs:" + nhs,
			"upn:" + upn,
			"fn_dob:" + low(fn) + "|" + dob,
			"gn_dob:" + low(gn) + "|" + dob,
			"fn_pc:" + low(fn) + "|" + pc,
			"gn_fn_yob:" + low(gn) + "|" + low(fn) + "|" + dob[:4],
			"dob_pc:" + dob + "|" + pc,
			"fn3_gn3_dob:" + low(fn)[:3] + "|" + low(gn)[:3] + "|" + dob,
		}
	}
	return out
}

// ---------------------------------------------------------------- helpers

func die(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "FATAL: "+format+"\n", a...)
	os.Exit(1)
}

type pragmas struct {
	journal     string
	fk, busy, s int
}

func readPragmas(ctx context.Context, c *sql.Conn) (p pragmas, err error) {
	if err = c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&p.journal); err != nil {
		return
	}
	if err = c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&p.fk); err != nil {
		return
	}
	if err = c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&p.busy); err != nil {
		return
	}
	err = c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&p.s)
	return
}

func (p pragmas) ok() bool {
	return strings.EqualFold(p.journal, "wal") && p.fk == 1 && p.busy == 5000 && p.s == 1
}

func (p pragmas) String() string {
	return fmt.Sprintf("journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d", p.journal, p.fk, p.busy, p.s)
}

// verifyPool holds n connections of db open at once (so each is a distinct
// connection created from the DSN) and checks the pragmas on every one.
func verifyPool(db *sql.DB, n int, label string) pragmas {
	ctx := context.Background()
	conns := make([]*sql.Conn, n)
	var last pragmas
	for i := range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			die("%s: conn: %v", label, err)
		}
		conns[i] = c
		p, err := readPragmas(ctx, c)
		if err != nil {
			die("%s: read pragmas: %v", label, err)
		}
		if !p.ok() {
			die("%s conn %d: pragmas NOT applied by DSN: %s", label, i, p)
		}
		last = p
	}
	for _, c := range conns {
		c.Close()
	}
	return last
}

type lat []time.Duration

func (l lat) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := append(lat(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1e3) }

// ---------------------------------------------------------------- benchmark

type result struct {
	version                string
	writerP, readerP       pragmas
	importDur              time.Duration
	childrenPerS, rowsPerS float64
	dbBytes                int64
	s1p50, s1p99           time.Duration
	s1qps                  float64
	conc                   map[int][3]float64 // goroutines -> qps, p50 µs, p99 µs
	avgHits                float64
	pr50, pr99             time.Duration
	prqps                  float64
}

type searcher struct {
	keyQ, childQ *sql.Stmt
}

func (s *searcher) search(ctx context.Context, keys []any) (int, error) {
	rows, err := s.keyQ.QueryContext(ctx, keys...)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.get(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

func (s *searcher) get(ctx context.Context, id string) error {
	var f [12]sql.NullString
	return s.childQ.QueryRowContext(ctx, id).Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11])
}

func pickKeys(r *rand.Rand, data []child) []any {
	c := &data[r.IntN(len(data))]
	perm := r.Perm(8)
	out := make([]any, 4)
	for i := 0; i < 4; i++ {
		out[i] = c.keys[perm[i]]
	}
	return out
}

func run(d driver, data []child, batch, searches, reads int, concDur time.Duration) result {
	var res result
	ctx := context.Background()
	dir, err := os.MkdirTemp("/tmp", "sqlitedriver-")
	if err != nil {
		die("%v", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bench.db")
	dsn := d.dsn(path)

	// Writer pool: exactly one connection.
	w, err := sql.Open(d.sqlName, dsn)
	if err != nil {
		die("%s open: %v", d.name, err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	res.writerP = verifyPool(w, 1, d.name+" writer")
	if err := w.QueryRow("select sqlite_version()").Scan(&res.version); err != nil {
		die("%v", err)
	}
	if _, err := w.Exec(schema); err != nil {
		die("%s schema: %v", d.name, err)
	}

	// Import.
	insC := fmt.Sprintf("INSERT INTO children (%s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", childCols)
	insK := "INSERT INTO child_keys (key, child_id) VALUES (?, ?)"
	start := time.Now()
	for lo := 0; lo < len(data); lo += batch {
		hi := min(lo+batch, len(data))
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			die("begin: %v", err)
		}
		sc, err := tx.PrepareContext(ctx, insC)
		if err != nil {
			die("prepare: %v", err)
		}
		sk, err := tx.PrepareContext(ctx, insK)
		if err != nil {
			die("prepare: %v", err)
		}
		for i := lo; i < hi; i++ {
			c := &data[i]
			if _, err := sc.ExecContext(ctx, c.f[0], c.f[1], c.f[2], c.f[3], c.f[4], c.f[5], c.f[6], c.f[7], c.f[8], c.f[9], c.f[10], c.f[11]); err != nil {
				die("insert child: %v", err)
			}
			for _, k := range c.keys {
				if _, err := sk.ExecContext(ctx, k, c.f[0]); err != nil {
					die("insert key: %v", err)
				}
			}
		}
		sc.Close()
		sk.Close()
		if err := tx.Commit(); err != nil {
			die("commit: %v", err)
		}
	}
	res.importDur = time.Since(start)
	res.childrenPerS = float64(len(data)) / res.importDur.Seconds()
	res.rowsPerS = float64(len(data)*9) / res.importDur.Seconds()
	// Foreign keys really enforced? An orphan key must be rejected.
	if _, err := w.Exec("INSERT INTO child_keys (key, child_id) VALUES ('x', 'no-such-child')"); err == nil {
		die("%s: foreign key not enforced", d.name)
	}
	if _, err := w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		die("checkpoint: %v", err)
	}
	if st, err := os.Stat(path); err == nil {
		res.dbBytes = st.Size()
	}

	// Reader pool: up to 8 connections.
	rd, err := sql.Open(d.sqlName, dsn)
	if err != nil {
		die("%v", err)
	}
	defer rd.Close()
	rd.SetMaxOpenConns(8)
	rd.SetMaxIdleConns(8)
	rd.SetConnMaxLifetime(0)
	res.readerP = verifyPool(rd, 8, d.name+" reader")
	keyQ, err := rd.Prepare("SELECT DISTINCT child_id FROM child_keys WHERE key IN (?, ?, ?, ?)")
	if err != nil {
		die("%v", err)
	}
	defer keyQ.Close()
	childQ, err := rd.Prepare("SELECT " + childCols + " FROM children WHERE id = ?")
	if err != nil {
		die("%v", err)
	}
	defer childQ.Close()
	s := &searcher{keyQ, childQ}

	// Warm-up (also fills every reader connection's statement cache).
	r := rand.New(rand.NewPCG(42, 7))
	for i := 0; i < 500; i++ {
		if _, err := s.search(ctx, pickKeys(r, data)); err != nil {
			die("search: %v", err)
		}
	}

	// Single-threaded search latency.
	l := make(lat, 0, searches)
	hits := 0
	start = time.Now()
	for i := 0; i < searches; i++ {
		k := pickKeys(r, data)
		t := time.Now()
		n, err := s.search(ctx, k)
		l = append(l, time.Since(t))
		if err != nil {
			die("search: %v", err)
		}
		if n == 0 {
			die("search found nothing for an existing child")
		}
		hits += n
	}
	res.s1qps = float64(searches) / time.Since(start).Seconds()
	res.s1p50, res.s1p99 = l.pct(0.50), l.pct(0.99)
	res.avgHits = float64(hits) / float64(searches)

	// Concurrent search throughput.
	res.conc = map[int][3]float64{}
	for _, g := range []int{2, 8} {
		var mu sync.Mutex
		var all lat
		var wg sync.WaitGroup
		deadline := time.Now().Add(concDur)
		start := time.Now()
		for gi := 0; gi < g; gi++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, 9))
				var mine lat
				for time.Now().Before(deadline) {
					k := pickKeys(r, data)
					t := time.Now()
					if _, err := s.search(ctx, k); err != nil {
						die("search: %v", err)
					}
					mine = append(mine, time.Since(t))
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			}(uint64(gi + 100))
		}
		wg.Wait()
		el := time.Since(start)
		res.conc[g] = [3]float64{float64(len(all)) / el.Seconds(), float64(all.pct(0.5).Microseconds()), float64(all.pct(0.99).Microseconds())}
	}

	// Point reads by primary key.
	l = l[:0]
	start = time.Now()
	for i := 0; i < reads; i++ {
		id := data[r.IntN(len(data))].f[0]
		t := time.Now()
		if err := s.get(ctx, id); err != nil {
			die("get: %v", err)
		}
		l = append(l, time.Since(t))
	}
	res.prqps = float64(reads) / time.Since(start).Seconds()
	res.pr50, res.pr99 = l.pct(0.50), l.pct(0.99)
	return res
}

// ---------------------------------------------------------------- build probe

type buildRes struct {
	dur  time.Duration
	size int64
}

func buildProbe(pkg string) buildRes {
	dir, err := os.MkdirTemp("/tmp", "sqlitedriver-build-")
	if err != nil {
		die("%v", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "probe")
	cmd := exec.Command("go", "build", "-a", "-o", out, pkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		die("go build -a %s: %v", pkg, err)
	}
	d := time.Since(start)
	st, err := os.Stat(out)
	if err != nil {
		die("%v", err)
	}
	return buildRes{d, st.Size()}
}

// crosscheck opens each driver with the *other* driver's DSN style and shows
// what is applied, demonstrating why the read-back check is needed.
func crosscheck() {
	fmt.Print("\n### DSN cross-check (each driver given the other's pragma syntax)\n\n")
	fmt.Println("| driver | DSN style | result |")
	fmt.Println("|---|---|---|")
	for _, name := range []string{"modernc", "mattn"} {
		d := drivers[name]
		other := drivers[map[string]string{"modernc": "mattn", "mattn": "modernc"}[name]]
		dir, _ := os.MkdirTemp("/tmp", "sqlitedriver-x-")
		path := filepath.Join(dir, "x.db")
		db, err := sql.Open(d.sqlName, other.dsn(path))
		msg := ""
		if err == nil {
			var c *sql.Conn
			c, err = db.Conn(context.Background())
			if err == nil {
				var p pragmas
				p, err = readPragmas(context.Background(), c)
				c.Close()
				if err == nil {
					msg = p.String()
				}
			}
			db.Close()
		}
		if err != nil {
			msg = "error: " + err.Error()
		}
		os.RemoveAll(dir)
		fmt.Printf("| %s | %s | %s |\n", d.name, other.name, msg)
	}
}

func main() {
	n := flag.Int("n", 200000, "children to import (0 = skip the workload)")
	batch := flag.Int("batch", 1000, "children per import transaction")
	searches := flag.Int("searches", 5000, "single-threaded searches")
	reads := flag.Int("reads", 20000, "single-threaded point reads")
	concDur := flag.Duration("conc", 5*time.Second, "duration of each concurrent search run")
	which := flag.String("drivers", "modernc,mattn", "drivers to run, in order (modernc, mattn)")
	build := flag.Bool("build", false, "also time `go build -a` of a minimal program per driver and report binary size")
	cross := flag.Bool("crosscheck", false, "show what each driver does with the other's DSN syntax")
	flag.Parse()

	var names []string
	for _, s := range strings.Split(*which, ",") {
		s = strings.TrimSpace(s)
		if _, ok := drivers[s]; !ok {
			die("unknown driver %q", s)
		}
		names = append(names, s)
	}

	fmt.Printf("## SQLite driver benchmark\n\n%s, GOOS/GOARCH %s/%s, GOMAXPROCS %d, n=%d children, batch=%d, %d single-threaded searches, %d point reads, %s per concurrent run\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), *n, *batch, *searches, *reads, *concDur)

	if *n > 0 {
		fmt.Fprintf(os.Stderr, "generating %d children...\n", *n)
		data := genData(*n, 2024)
		res := map[string]result{}
		for _, name := range names {
			fmt.Fprintf(os.Stderr, "running %s...\n", name)
			runtime.GC()
			res[name] = run(drivers[name], data, *batch, *searches, *reads, *concDur)
		}
		row := func(label string, f func(r result) string) {
			fmt.Printf("| %s |", label)
			for _, nm := range names {
				fmt.Printf(" %s |", f(res[nm]))
			}
			fmt.Println()
		}
		fmt.Printf("| metric |")
		for _, nm := range names {
			fmt.Printf(" %s |", drivers[nm].name)
		}
		fmt.Printf("\n|---|%s\n", strings.Repeat("---:|", len(names)))
		row("SQLite version", func(r result) string { return r.version })
		row("pragmas read back (writer + 8 reader conns)", func(r result) string { return r.readerP.String() })
		row("import: children/s (1000/tx, 8 keys each)", func(r result) string { return fmt.Sprintf("%.0f", r.childrenPerS) })
		row("import: rows/s (children + keys)", func(r result) string { return fmt.Sprintf("%.0f", r.rowsPerS) })
		row("import: total time", func(r result) string { return r.importDur.Round(10 * time.Millisecond).String() })
		row("DB size after import", func(r result) string { return fmt.Sprintf("%.0f MiB", float64(r.dbBytes)/(1<<20)) })
		row("search, 1 goroutine: p50", func(r result) string { return us(r.s1p50) })
		row("search, 1 goroutine: p99", func(r result) string { return us(r.s1p99) })
		row("search, 1 goroutine: searches/s", func(r result) string { return fmt.Sprintf("%.0f", r.s1qps) })
		for _, g := range []int{2, 8} {
			row(fmt.Sprintf("search, %d goroutines: searches/s", g), func(r result) string { return fmt.Sprintf("%.0f", r.conc[g][0]) })
			row(fmt.Sprintf("search, %d goroutines: p50 / p99", g), func(r result) string {
				return fmt.Sprintf("%.0f / %.0f µs", r.conc[g][1], r.conc[g][2])
			})
		}
		row("search: children fetched per search (avg)", func(r result) string { return fmt.Sprintf("%.2f", r.avgHits) })
		row("point read by PK: p50", func(r result) string { return us(r.pr50) })
		row("point read by PK: p99", func(r result) string { return us(r.pr99) })
		row("point read by PK: reads/s", func(r result) string { return fmt.Sprintf("%.0f", r.prqps) })
	}

	if *build {
		fmt.Print("\n### Build cost (`go build -a` of a minimal program, once each)\n\n")
		fmt.Println("| program | go build -a time | binary size |")
		fmt.Println("|---|---:|---:|")
		for _, p := range []struct{ label, pkg string }{
			{"baseline (database/sql, no driver)", "./buildprobe/baseline"},
			{drivers["modernc"].name, drivers["modernc"].probe},
			{drivers["mattn"].name + " (cgo)", drivers["mattn"].probe},
		} {
			fmt.Fprintf(os.Stderr, "go build -a %s...\n", p.pkg)
			b := buildProbe(p.pkg)
			fmt.Printf("| %s | %.1f s | %.1f MiB |\n", p.label, b.dur.Seconds(), float64(b.size)/(1<<20))
		}
	}
	if *cross {
		crosscheck()
	}
}
