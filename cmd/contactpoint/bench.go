package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/search"
)

// benchSearch measures search as issue figures ask: quality on noisy
// source records, latency inside the server, and authenticated, audited
// searches per second over HTTP on loopback.
func (m *Main) benchSearch(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("bench search", &c)
	n := fs.Int("children", 100000, "directory size: load this many synthetic children when the database holds fewer")
	seed := fs.Uint64("seed", 1, "generator seed")
	queries := fs.Int("queries", 2000, "noisy source records to query with")
	dur := fs.Duration("duration", 15*time.Second, "how long to run the HTTP load")
	conc := fs.Int("concurrency", 8, "concurrent HTTP clients")
	work := fs.String("work", "", "directory for the generated extracts (default: a temporary one)")
	population := fs.String("today", "", "the date the synthetic population's ages are reckoned on, YYYY-MM-DD (default: today); "+
		"give the date a directory was loaded on to query it again on a later day")
	tf := fs.Bool("name-frequencies", true, "weigh exact name agreement by the name's frequency (search.Service.Model.TermFrequency)")
	if _, err := parse(fs, args); err != nil {
		return helpOK(err)
	}
	// One date for the whole run: a load that crosses midnight would
	// otherwise find the generator's oldest children turned 18.
	start := m.Now()
	m.Now = func() time.Time { return start.Add(time.Since(start)) }
	if d := domain.DateOf(start); !domain.DateOf(start.Add(2 * time.Hour)).Equal(d) {
		m.Now = func() time.Time { return start.Add(-3 * time.Hour).Add(time.Since(start)) }
	}
	if err := m.setup(ctx, &c, true); err != nil {
		return err
	}
	defer m.tuneServerGC()() // the server's collector settings, as serve has them
	today := domain.DateOf(m.Now())
	cfg := gen.Config{Children: *n, Seed: *seed, Today: today, Noise: gen.DefaultNoise()}
	if *population != "" {
		d, err := domain.ParseDate("today", *population)
		if err != nil {
			return err
		}
		cfg.Today = d
	}
	have, err := m.db.CountChildren(ctx)
	if err != nil {
		return err
	}
	out := m.Stdout
	fmt.Fprintf(out, "## Search benchmark (%s, %d children)\n\n", m.db.Dialect(), *n)
	fmt.Fprintf(out, "- machine: %d cores, %s, %s\n", runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Fprintf(out, "- population: seed %d, ages reckoned on %s (--today to query this directory again on a later day)\n", *seed, cfg.Today)
	if have < *n {
		if have != 0 {
			return fmt.Errorf("the database holds %d children, not %d: use an empty database", have, *n)
		}
		start := time.Now()
		if err := m.loadTruth(ctx, cfg); err != nil {
			return err
		}
		el := time.Since(start)
		fmt.Fprintf(out, "- load: %d children in %s (%.0f children/s)\n", *n, el.Round(time.Second), float64(*n)/el.Seconds())
	}

	// A load whose end was cut off is finished now (nothing otherwise).
	if _, err := m.db.FinishBulkLoad(ctx); err != nil {
		return err
	}
	// Planner statistics, as autovacuum would gather after the load.
	if err := m.db.Analyze(ctx); err != nil {
		return err
	}

	dir := *work
	if dir == "" {
		if dir, err = os.MkdirTemp("", "cp-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "truth.csv")); err != nil {
		// The queries come from the health and education extracts only
		// (eleven million children's full set is over 35 GB).
		cfg.Sources, cfg.CSVOnly = []string{"health", "education"}, true
		if _, err := gen.Write(ctx, cfg, dir); err != nil {
			return err
		}
	}
	qs, err := sampleQueries(dir, *queries, *seed)
	if err != nil {
		return err
	}

	// A vetted user to search as.
	svc := auth.New(m.db, auth.Config{})
	user, password, pin := "bench.practitioner", "bench passphrase not for service", "583920"
	if _, err := m.db.UserByUsername(ctx, user); err != nil {
		u := &domain.User{Username: user, FullName: "Bench Practitioner", Roles: []domain.Role{domain.RolePractitioner}, LACode: "E08000019",
			Organisation: "Benchmark", DBSNumber: "001234567890", DBSIssued: today.AddDays(-1), TrainingCompleted: today.AddDays(-1), AgreementSigned: today.AddDays(-1)}
		if _, err := svc.AddUser(auth.Operator(ctx), u, password, pin); err != nil {
			return err
		}
	}
	bu, err := m.db.UserByUsername(ctx, user)
	if err != nil {
		return err
	}

	// A server that has run a while holds the search's tables in memory;
	// one just loaded or restarted reads them in once (serve does too).
	warmStart := time.Now()
	keys, indexed, err := m.db.WarmSearchIndex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "- search index read into memory in %s: %d blocking keys, %d children's match data\n",
		time.Since(warmStart).Round(time.Millisecond), keys, indexed)

	// Quality and latency inside the server: the search service itself.
	searcher := m.searchService()
	searcher.Model.TermFrequency = *tf
	calStart := time.Now()
	if err := searcher.Calibrate(ctx); err != nil {
		return err
	}
	prior, counted := searcher.Calibrated()
	fmt.Fprintf(out, "- calibrated in %s: %d children, prior %.3g, exact names weighed by frequency: %v\n",
		time.Since(calStart).Round(time.Millisecond), counted, prior, *tf)
	uctx := domain.NewContextWithUser(ctx, bu)
	read0 := diskRead()
	reclaim0, compact0 := kernelStalls()
	faults0 := majorFaults()
	var timed []timedQuery // each search's time and query
	var steps []string     // the current search's steps
	tracing := false       // the current search is one search1 times
	stepTimes := map[string][]time.Duration{}
	searcher.Trace = func(step string, took time.Duration) {
		if !tracing {
			return
		}
		steps = append(steps, step+"="+took.Round(time.Microsecond).String())
		stepTimes[step] = append(stepTimes[step], took)
	}
	// search1 runs one query of the quality run and times it; nil
	// results for criteria below the minimum.
	search1 := func(v url.Values) (*search.Results, error) {
		crit, err := search.ParseCriteria(v)
		if err != nil || crit.Check() != nil {
			return nil, nil
		}
		steps, tracing = nil, true
		start := time.Now()
		res, err := searcher.Search(uctx, crit)
		tracing = false
		timed = append(timed, timedQuery{time.Since(start), v, steps})
		return res, err
	}
	var names tally
	var idQueries, idWrongAbove, idOthers int
	wants := make([]domain.ID, len(qs)) // each query's child ("" when not one)
	for qi, q := range qs {
		want, err := m.db.ChildrenByIdentifier(ctx, domain.IdentifierSourceRecord, q.person)
		if err != nil || len(want) != 1 {
			continue
		}
		wants[qi] = want[0]
		res, err := search1(q.names)
		if err != nil {
			return err
		}
		if res == nil {
			continue
		}
		names.add(res, want[0])
		if os.Getenv("CONTACTPOINT_BENCH_MISSES") != "" && (len(res.Results) == 0 || res.Results[0].ID != want[0]) {
			got := "none"
			if len(res.Results) > 0 {
				got = res.Results[0].GivenNames + " " + res.Results[0].FamilyName + " " + res.Results[0].DateOfBirth.String()
			}
			truth, _ := m.db.MatchDataOf(ctx, want)
			if len(truth) == 1 {
				fmt.Fprintf(m.Stderr, "miss: query %v; first %s (too many %v); truth %s %s %s\n", q.names, got, res.TooMany,
					truth[0].GivenNames, truth[0].FamilyName, truth[0].DateOfBirth)
			}
		}
		if q.withID == nil {
			continue
		}
		crit, err := search.ParseCriteria(q.withID)
		if err != nil {
			continue
		}
		// Only an identifier that is the right child's own makes an
		// exact-identifier query: the generator's sources sometimes carry
		// a sibling's, and then its holder rightly ranks first.
		kind, value := domain.IdentifierNHS, crit.NHSNumber
		if value == "" {
			kind, value = domain.IdentifierUPN, crit.UPN
		}
		if holders, err := m.db.ChildrenByIdentifier(ctx, kind, value); err != nil {
			return err
		} else if !slices.Contains(holders, want[0]) {
			idOthers++
			continue
		}
		res, err = searcher.Search(uctx, crit)
		if err != nil {
			return err
		}
		idQueries++
		for _, r := range res.Results {
			if r.ID == want[0] {
				break
			}
			idWrongAbove++ // a wrong child ranked above the right one
			if os.Getenv("CONTACTPOINT_BENCH_MISSES") != "" {
				fmt.Fprintf(m.Stderr, "miss: query %v; first %s %s %s %s (score %.3f), the right child is %s\n", q.withID,
					r.ID, r.GivenNames, r.FamilyName, r.DateOfBirth, r.Score, want[0])
			}
			break
		}
	}
	fmt.Fprintf(out, "- quality: %d noisy queries (given name, family name, date of birth as the source wrote them): right child first %.2f%% "+
		"(first or tied with the first's score %.2f%%), in top 3 %.2f%% (%d answered \"too many matches\")\n",
		names.asked, names.pct(names.first), names.pct(names.first+names.tied), names.pct(names.top3), names.tooMany)

	// The mixed set: each query in one of the minimum criteria's forms.
	var all tally
	byForm := make([]tally, len(mixedForms))
	for qi, q := range qs {
		if wants[qi] == "" {
			continue
		}
		res, err := search1(q.mixed)
		if err != nil {
			return err
		}
		if res == nil {
			continue
		}
		byForm[q.form].add(res, wants[qi])
		all.add(res, wants[qi])
	}
	fmt.Fprintf(out, "- quality, mixed set: %d noisy queries, each in one of the minimum criteria's forms in turn: right child first %.2f%% "+
		"(first or tied %.2f%%), in top 3 %.2f%% (%d \"too many matches\")\n",
		all.asked, all.pct(all.first), all.pct(all.first+all.tied), all.pct(all.top3), all.tooMany)
	for i, t := range byForm {
		fmt.Fprintf(out, "  - %s: %d queries, first %.2f%% (or tied %.2f%%), top 3 %.2f%%, %d too many\n",
			mixedForms[i], t.asked, t.pct(t.first), t.pct(t.first+t.tied), t.pct(t.top3), t.tooMany)
	}
	fmt.Fprintf(out, "- with the exact NHS number or UPN added: %d queries, %d with a wrong child above the right one (%d more left out: the source wrote another child's identifier)\n",
		idQueries, idWrongAbove, idOthers)
	if n, err := strconv.Atoi(m.Getenv("CONTACTPOINT_BENCH_SLOW")); err == nil && n > 0 {
		// The slowest searches, to find what makes the tail.
		slices.SortFunc(timed, func(a, b timedQuery) int { return int(b.took - a.took) })
		for _, t := range timed[:min(n, len(timed))] {
			fmt.Fprintf(m.Stderr, "slow: %s %s %s\n", t.took.Round(time.Microsecond), strings.Join(t.steps, " "), t.query.Encode())
		}
	}
	lat := make([]time.Duration, len(timed))
	for i, t := range timed {
		lat[i] = t.took
	}
	p50, p99 := percentile(lat, 50), percentile(lat, 99)
	fmt.Fprintf(out, "- one search inside the server (service call, audited; both sets): p50 %s, p99 %s\n", p50, p99)
	var byStep []string
	for _, step := range []string{"candidates", "score", "audit"} {
		if d := stepTimes[step]; len(d) > 0 {
			byStep = append(byStep, fmt.Sprintf("%s %s / %s", step, percentile(d, 50), percentile(d, 99)))
		}
	}
	fmt.Fprintf(out, "  - by step, p50 / p99: %s\n", strings.Join(byStep, ", "))
	if read := diskRead(); read >= 0 && read0 >= 0 {
		// Pages the operating system's cache did not hold: a search that
		// waits on the disk is slow whatever its query.
		fmt.Fprintf(out, "  - read from disk during these searches: %.1f MiB (%d searches)\n", float64(read-read0)/(1<<20), len(timed))
	}
	if reclaim, compact := kernelStalls(); reclaim >= 0 && compact >= 0 && reclaim0 >= 0 && compact0 >= 0 {
		// A process that waits for the kernel to free or compact memory
		// stops for tens of milliseconds, whatever step it is in.
		fmt.Fprintf(out, "  - the machine's memory stalls meanwhile (/proc/vmstat): %d direct reclaims, %d compactions\n",
			reclaim-reclaim0, compact-compact0)
	}
	if faults := majorFaults(); faults >= 0 && faults0 >= 0 {
		fmt.Fprintf(out, "  - this process's major page faults meanwhile: %d\n", faults-faults0)
	}

	// Over HTTP on loopback: sign in, then concurrent searches.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: m.handler()}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}}
	var sess struct{ Token string }
	for try := 0; sess.Token == ""; try++ {
		code, err := svc.CurrentCode(auth.Operator(ctx), user)
		if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"username": user, "password": password, "pin": pin, "token": code})
		resp, err := client.Post(base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		json.NewDecoder(resp.Body).Decode(&sess)
		resp.Body.Close()
		if sess.Token != "" {
			break
		}
		if try == 1 || resp.StatusCode != http.StatusUnauthorized {
			return fmt.Errorf("bench: sign-in over HTTP failed: %s", resp.Status)
		}
		// A run less than 30 seconds ago used this time step's code,
		// which works once: wait for the next step.
		time.Sleep(time.Until(time.Now().Truncate(30 * time.Second).Add(31 * time.Second)))
	}
	var paths []string
	var ids []string
	for qi, q := range qs {
		if crit, err := search.ParseCriteria(q.mixed); err == nil && crit.Check() == nil {
			paths = append(paths, "/api/v1/children?"+q.mixed.Encode())
		}
		if wants[qi] != "" {
			ids = append(ids, string(wants[qi]))
		}
	}
	get := func(path string) (time.Duration, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("bench: GET %s: %s", path, resp.Status)
		}
		return time.Since(start), nil
	}
	if p := m.Getenv("CONTACTPOINT_BENCH_CPUPROFILE"); p != "" {
		// A CPU profile of the HTTP load, for finding where the time goes.
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	cpu0 := cpuTime()
	var done atomic.Int64
	var errOnce sync.Once
	var loadErr error
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	for g := 0; g < *conc; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; time.Now().Before(deadline); i += *conc {
				if _, err := get(paths[i%len(paths)]); err != nil {
					errOnce.Do(func() { loadErr = err })
					return
				}
				done.Add(1)
			}
		}(g)
	}
	wg.Wait()
	if loadErr != nil {
		return loadErr
	}
	cpu := cpuTime() - cpu0
	fmt.Fprintf(out, "- HTTP on loopback (the mixed set), %d clients, %s: %d authenticated, audited searches, %.0f searches/s\n",
		*conc, *dur, done.Load(), float64(done.Load())/dur.Seconds())
	// CPU time says more than the rate on a shared machine: it is what
	// this process (server and client together: they share the cores)
	// spent per search, whatever else ran beside it.
	fmt.Fprintf(out, "- CPU (server and client in one process): %s per search, %.2f cores busy\n",
		(cpu / time.Duration(max(done.Load(), 1))).Round(time.Microsecond), cpu.Seconds()/dur.Seconds())

	// Record views over HTTP, one at a time: the server's time dominates.
	var vlat []time.Duration
	for i, id := range ids {
		if i == 1000 {
			break
		}
		d, err := get("/api/v1/children/" + url.PathEscape(id) + "?reason=safeguarding")
		if err != nil {
			return err
		}
		vlat = append(vlat, d)
	}
	fmt.Fprintf(out, "- record view over HTTP (one client): p50 %s, p99 %s (%d views)\n", percentile(vlat, 50), percentile(vlat, 99), len(vlat))
	fmt.Fprintf(out, "- process memory: peak resident %s, now %s\n", procStatus("VmHWM"), procStatus("VmRSS"))
	n2, err := m.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "- audit trail verified after the run: %d entries\n", n2)
	return nil
}

// loadTruth loads the true population into the directory, each child
// carrying its person ID as a "truth" record identifier so that queries
// can be checked against the right answer. It is a bulk load (keys staged,
// identifier index built at the end) and the children's IDs, spread over
// the whole ID space, are given in increasing order, so that the tables
// keyed by child are written at their ends: eleven million children then
// load in a fraction of the time random IDs take.
func (m *Main) loadTruth(ctx context.Context, cfg gen.Config) error {
	load, err := m.db.BeginBulkLoad(ctx)
	if err != nil {
		return err
	}
	// The population is generated on one goroutine while the store writes
	// the previous batch (whose own CPU work runs on every core), in
	// batches of 5,000: larger batches write the index in longer runs.
	const size = 5000
	batches := make(chan []*domain.Child, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	step := domain.IDSpace / uint64(cfg.Children)
	var genErr error
	go func() {
		defer close(batches)
		batch := make([]*domain.Child, 0, size)
		var i uint64
		genErr = gen.People(cfg, func(p *gen.Person) error {
			c := p.Clone().Child
			c.ID = domain.IDFromNumber(i*step + rand.Uint64N(step))
			i++
			c.Identifiers = append(c.Identifiers, domain.Identifier{Kind: domain.IdentifierSourceRecord, Source: "truth", Value: p.PersonID})
			batch = append(batch, &c)
			if len(batch) == size {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]*domain.Child, 0, size)
			}
			return nil
		})
		if genErr == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
		}
	}()
	for batch := range batches {
		if err == nil {
			err = load.Create(ctx, batch, map[string]any{"source": "benchmark load"})
			if err != nil {
				cancel()
			}
		}
	}
	if err := errorsJoin(err, genErr); err != nil {
		return err
	}
	st, err := load.Finish(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "- load's end: %d blocking keys moved in %s, identifier index built in %s",
		st.Keys, st.KeysTook.Round(time.Second), st.IndexesTook.Round(time.Second))
	if st.VacuumTook > 0 {
		fmt.Fprintf(m.Stdout, ", search tables vacuumed and analysed in %s", st.VacuumTook.Round(time.Second))
	}
	fmt.Fprintln(m.Stdout)
	return nil
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// timedQuery is one search of the quality run and how long it took.
type timedQuery struct {
	took  time.Duration
	query url.Values
	steps []string // "step=duration", from search.Service.Trace
}

// tally counts where a query set's searches ranked the right child.
type tally struct{ asked, first, tied, top3, tooMany int }

// add counts one search's results, want being the right child.
func (t *tally) add(res *search.Results, want domain.ID) {
	t.asked++
	if res.TooMany {
		t.tooMany++
	}
	for i, r := range res.Results {
		if r.ID != want {
			continue
		}
		switch {
		case i == 0:
			t.first++
		case r.Score == res.Results[0].Score:
			// Scored as the first: the query cannot tell them apart
			// (two Simran Kaurs born the same day).
			t.tied++
		}
		if i < 3 {
			t.top3++
		}
	}
}

// pct is n as a percentage of the searches asked.
func (t *tally) pct(n int) float64 { return 100 * float64(n) / float64(max(t.asked, 1)) }

// benchQuery is a noisy source record turned into search parameters.
type benchQuery struct {
	person string
	names  url.Values // given name, family name, date of birth
	withID url.Values // the same with the record's NHS number or UPN
	// mixed is one of the minimum criteria's forms (mixedForms), in turn
	// from query to query, as the source wrote the record.
	mixed url.Values
	form  int
}

// mixedForms names the forms of the mixed query set: the minimum
// criteria, with the gender and postcode a practitioner at the door would
// know. A record without a gender or postcode gives the first form.
var mixedForms = []string{
	"given name, family name, date of birth",
	"the same with gender and postcode",
	"family name, date of birth, gender, postcode",
	"given name, date of birth, gender, postcode",
}

// sampleQueries draws up to n records from the health and education
// extracts (they carry identifiers) and pairs each with its person.
func sampleQueries(dir string, n int, seed uint64) ([]benchQuery, error) {
	f, err := os.Open(filepath.Join(dir, "truth.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	rng := rand.New(rand.NewPCG(seed, 7))
	// A uniform sample of 3n health and education records (reservoir
	// sampling), whatever the directory's size: the benchmark's own memory
	// must not crowd the server it measures (a sample that grew with the
	// directory held 760 MiB at eleven million children, and under the
	// server's soft memory limit the collector then ran without pause).
	type pick struct{ record, person string }
	keep := 3 * n
	sample := make([]pick, 0, keep)
	seen := 0
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if row[0] != "health" && row[0] != "education" {
			continue
		}
		seen++
		p := pick{row[0] + "/" + row[1], row[2]}
		if len(sample) < keep {
			sample = append(sample, p)
		} else if j := rng.IntN(seen); j < keep {
			sample[j] = p
		}
	}
	truth := make(map[string]string, len(sample))
	for _, p := range sample {
		truth[p.record] = p.person
	}
	var out []benchQuery
	for _, src := range []string{"health", "education"} {
		f, err := os.Open(filepath.Join(dir, "sources", src+".csv"))
		if err != nil {
			return nil, err
		}
		rd, err := feed.NewCSVReader(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		for {
			rec, _, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			person, ok := truth[src+"/"+rec.SourceRecordID]
			if !ok {
				continue
			}
			given := strings.Fields(rec.GivenNames)
			if len(given) == 0 {
				continue
			}
			q := benchQuery{person: person, names: url.Values{"given_names": {given[0]}, "family_name": {rec.FamilyName}, "date_of_birth": {rec.DateOfBirth}}}
			idq := url.Values{"given_names": {given[0]}, "family_name": {rec.FamilyName}, "date_of_birth": {rec.DateOfBirth}}
			switch {
			case rec.NHSNumber != "":
				idq.Set("nhs_number", rec.NHSNumber)
				q.withID = idq
			case rec.UPN != "":
				idq.Set("upn", rec.UPN)
				q.withID = idq
			}
			q.mixed = url.Values{"given_names": {given[0]}, "family_name": {rec.FamilyName}, "date_of_birth": {rec.DateOfBirth},
				"gender": {rec.Gender}, "postcode": {rec.Postcode}}
			out = append(out, q)
		}
		f.Close()
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > n {
		out = slices.Clone(out[:n]) // let the rest go
	}
	for i := range out {
		q := &out[i]
		q.form = i % len(mixedForms)
		if q.mixed.Get("gender") == "" || q.mixed.Get("postcode") == "" {
			q.form = 0
		}
		switch q.form {
		case 0:
			q.mixed = q.names
		case 2:
			q.mixed.Del("given_names")
		case 3:
			q.mixed.Del("family_name")
		}
	}
	return out, nil
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(10 * time.Microsecond)
}

func procStatus(key string) string {
	if v, ok := procValue("/proc/self/status", key+":"); ok {
		return v
	}
	return "?"
}

// procValue returns what follows prefix on the first line of the /proc
// file that starts with it, trimmed.
func procValue(file, prefix string) (string, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// diskRead is what this process has read from the disk so far, in bytes
// (read_bytes of /proc/self/io: reads the page cache served do not count);
// -1 where the system does not say.
func diskRead() int64 {
	v, ok := procValue("/proc/self/io", "read_bytes:")
	n, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil {
		return -1
	}
	return n
}

// kernelStalls is how often, so far and on the whole machine, a process
// waited for the kernel to free memory itself (direct reclaim) or to
// compact it (/proc/vmstat); -1 where the system does not say.
func kernelStalls() (reclaim, compact int64) {
	reclaim, compact = -1, -1
	b, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, ok := strings.Cut(line, " ")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(name, "allocstall_"):
			reclaim = max(reclaim, 0) + n
		case name == "compact_stall":
			compact = n
		}
	}
	return
}

// majorFaults is how many times this process has waited for the disk to
// page in memory it touched (majflt in /proc/self/stat: its own program
// text, for one, when the page cache evicted it); -1 where the system
// does not say.
func majorFaults() int64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 10 {
		return -1
	}
	n, err := strconv.ParseInt(f[9], 10, 64) // majflt, the 12th field
	if err != nil {
		return -1
	}
	return n
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
