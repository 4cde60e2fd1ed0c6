package gen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
)

// Stats says what Write wrote.
type Stats struct {
	Children   int
	Households int
	Records    map[string]int // source records per source, duplicates included
	Duplicates map[string]int // of which extra copies of a child already recorded
	TruthRows  int
	Bytes      int64 // total size of the files written
}

// batchSize is how many people travel together through Write's pipeline.
const batchSize = 512

type batch struct {
	seq    int
	people []Person
	n      int
	out    [numSources][2]bytes.Buffer // CSV and NDJSON
	truth  bytes.Buffer
	recs   [numSources]int
	dups   [numSources]int
	hh     int
	err    error
}

// Write generates the population cfg describes and writes each source's
// extract as outDir/sources/NAME.csv and outDir/sources/NAME.ndjson, and
// outDir/truth.csv saying which person each source record describes. The
// files are byte-identical for the same Children, Seed, Today, Authorities
// and Noise. Memory stays bounded whatever the population's size.
func Write(ctx context.Context, cfg Config, outDir string) (Stats, error) {
	if cfg.Today.IsZero() {
		cfg.Today = DefaultToday
	}
	pl, err := newPlan(cfg)
	if err != nil {
		return Stats{}, err
	}
	dir := filepath.Join(outDir, "sources")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	type file struct {
		f *os.File
		w *bufio.Writer
	}
	var files []*file
	open := func(path string, header string) (*file, error) {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("gen: %w", err)
		}
		fl := &file{f, bufio.NewWriterSize(f, 1<<20)}
		files = append(files, fl)
		fl.w.WriteString(header)
		return fl, nil
	}
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	var outs [numSources][2]*file
	csvHeader := strings.Join(feed.CSVColumns, ",") + "\n"
	want, err := wanted(cfg.Sources)
	if err != nil {
		return Stats{}, err
	}
	for s, src := range Sources {
		if !want[s] {
			continue
		}
		if outs[s][0], err = open(filepath.Join(dir, src.Name+".csv"), csvHeader); err != nil {
			return Stats{}, err
		}
		if cfg.CSVOnly {
			continue
		}
		if outs[s][1], err = open(filepath.Join(dir, src.Name+".ndjson"), ""); err != nil {
			return Stats{}, err
		}
	}
	truth, err := open(filepath.Join(outDir, "truth.csv"), "source,source_record_id,person\n")
	if err != nil {
		return Stats{}, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	free := make(chan *batch, 2*workers+2)
	for i := 0; i < cap(free); i++ {
		free <- &batch{people: make([]Person, batchSize)}
	}
	todo := make(chan *batch, cap(free))
	done := make(chan *batch, cap(free))

	// Generate: one goroutine walks the population in order.
	var genErr error
	go func() {
		defer close(todo)
		seq := 0
		var b *batch
		lastHH := ""
		flush := func() bool {
			b.seq = seq
			seq++
			select {
			case todo <- b:
				b = nil
				return true
			case <-ctx.Done():
				return false
			}
		}
		for i := range pl.las {
			g := pl.authority(i)
			for p := g.next(); p != nil; p = g.next() {
				if b == nil {
					select {
					case b = <-free:
					case <-ctx.Done():
						genErr = ctx.Err()
						return
					}
					b.n, b.hh = 0, 0
				}
				copyPerson(&b.people[b.n], p)
				b.n++
				if p.HouseholdID != lastHH {
					b.hh++
					lastHH = p.HouseholdID
				}
				if b.n == batchSize && !flush() {
					genErr = ctx.Err()
					return
				}
			}
		}
		if b != nil && b.n > 0 && !flush() {
			genErr = ctx.Err()
		}
	}()

	// Render: workers turn people into records.
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := newRenderer(cfg)
			for b := range todo {
				rd.render(b)
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Write, in order.
	st := Stats{Records: map[string]int{}, Duplicates: map[string]int{}}
	pending := map[int]*batch{}
	nextSeq := 0
	var werr error
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[nextSeq]
			if !ok {
				break
			}
			delete(pending, nextSeq)
			nextSeq++
			if werr == nil && b.err != nil {
				werr = fmt.Errorf("gen: %w", b.err)
				cancel()
			}
			if werr == nil {
				for s := range Sources {
					for k := 0; k < 2; k++ {
						if outs[s][k] == nil {
							continue
						}
						if _, err := outs[s][k].w.Write(b.out[s][k].Bytes()); err != nil {
							werr = fmt.Errorf("gen: %w", err)
						}
					}
					st.Records[Sources[s].Name] += b.recs[s]
					st.Duplicates[Sources[s].Name] += b.dups[s]
					st.TruthRows += b.recs[s]
				}
				if _, err := truth.w.Write(b.truth.Bytes()); err != nil {
					werr = fmt.Errorf("gen: %w", err)
				}
				st.Children += b.n
				st.Households += b.hh
				if werr != nil {
					cancel()
				}
			}
			free <- b
		}
	}
	if werr != nil {
		return st, werr
	}
	if genErr != nil {
		return st, genErr
	}
	for _, f := range files {
		if err := f.w.Flush(); err != nil {
			return st, fmt.Errorf("gen: %w", err)
		}
		fi, err := f.f.Stat()
		if err != nil {
			return st, fmt.Errorf("gen: %w", err)
		}
		st.Bytes += fi.Size()
		if err := f.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			return st, fmt.Errorf("gen: %w", err)
		}
	}
	return st, nil
}

// copyPerson makes dst a deep copy of src, reusing dst's slices' storage.
func copyPerson(dst, src *Person) {
	d := dst.Child
	*dst = *src
	c := &dst.Child
	c.FormerFamilyNames = append(d.FormerFamilyNames[:0], src.Child.FormerFamilyNames...)
	c.Addresses = append(d.Addresses[:0], src.Child.Addresses...)
	c.Parents = append(d.Parents[:0], src.Child.Parents...)
	c.Education = append(d.Education[:0], src.Child.Education...)
	c.Health = append(d.Health[:0], src.Child.Health...)
	c.Involvements = append(d.Involvements[:0], src.Child.Involvements...)
	c.LeadProfessionals = append(d.LeadProfessionals[:0], src.Child.LeadProfessionals...)
	c.CAFs = append(d.CAFs[:0], src.Child.CAFs...)
	c.Identifiers = append(d.Identifiers[:0], src.Child.Identifiers...)
}

// renderer turns people into source records; one per worker.
type renderer struct {
	cfg   Config
	pcg   rand.PCG
	r     *rand.Rand
	rates [numSources]Rates
	keys  [numSources]uint64
	row   []byte
	enc   [numSources]*json.Encoder
	want  [numSources]bool // the sources written (Config.Sources)
}

func newRenderer(cfg Config) *renderer {
	rd := &renderer{cfg: cfg}
	rd.r = rand.New(&rd.pcg)
	rd.want, _ = wanted(cfg.Sources) // checked by Write
	for s, src := range Sources {
		rd.rates[s] = cfg.Noise.Sources[src.Name]
		rd.keys[s] = mix(cfg.Seed ^ uint64(s+1)*0x9e3779b97f4a7c15)
	}
	return rd
}

func (rd *renderer) render(b *batch) {
	for s := range b.out {
		b.out[s][0].Reset()
		b.out[s][1].Reset()
		b.recs[s], b.dups[s] = 0, 0
	}
	b.truth.Reset()
	for i := 0; i < b.n; i++ {
		p := &b.people[i]
		for s := 0; s < numSources; s++ {
			if !rd.want[s] {
				continue // each source's records are seeded alone: skipping one changes no other
			}
			seedRecord(&rd.pcg, rd.cfg.Seed, s, p.Index)
			if !includes(s, p, rd.cfg.Today, rd.r) {
				continue
			}
			clean := project(s, p, rd.r)
			copies := 1
			if rt := rd.rates[s].Duplicate; rt > 0 && rd.r.Float64() < rt {
				copies = 2
				b.dups[s]++
			}
			for k := 0; k < copies; k++ {
				rec := clean
				addNoise(&rec, p, rd.cfg.Seed, &rd.rates[s], rd.r)
				rec.SourceRecordID = recordID(recordPrefix[s], rd.keys[s], p.Index, k)
				rd.writeCSV(&b.out[s][0], &rec)
				if !rd.cfg.CSVOnly {
					if err := json.NewEncoder(&b.out[s][1]).Encode(&rec); err != nil && b.err == nil {
						b.err = err
					}
				}
				b.truth.WriteString(Sources[s].Name)
				b.truth.WriteByte(',')
				b.truth.WriteString(rec.SourceRecordID)
				b.truth.WriteByte(',')
				b.truth.WriteString(p.PersonID)
				b.truth.WriteByte('\n')
				b.recs[s]++
			}
		}
	}
}

func (rd *renderer) writeCSV(w *bytes.Buffer, r *feed.Record) {
	row := rd.row[:0]
	former := strings.Join(r.FormerFamilyNames, ";")
	for i, v := range [...]string{r.SourceRecordID, r.GivenNames, r.FamilyName, former, r.Gender, r.DateOfBirth,
		r.AddressLine1, r.AddressLine2, r.Town, r.Postcode, r.Phone, r.NHSNumber, r.UPN, r.LACode} {
		if i > 0 {
			row = append(row, ',')
		}
		row = appendCSVField(row, v)
	}
	row = append(row, '\n')
	w.Write(row)
	rd.row = row
}

// appendCSVField appends v as an RFC 4180 field, quoted when it must be
// (and when it has spaces at either end, so readers keep them).
func appendCSVField(b []byte, v string) []byte {
	if v == "" || !strings.ContainsAny(v, ",\"\r\n") && v[0] != ' ' && v[len(v)-1] != ' ' {
		return append(b, v...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(v, `"`, `""`)...)
	return append(b, '"')
}

// wanted says which of Sources names lists; all when names is empty. An
// unknown name is an error naming it.
func wanted(names []string) ([numSources]bool, error) {
	var w [numSources]bool
	for s := range w {
		w[s] = len(names) == 0
	}
	for _, n := range names {
		found := false
		for s, src := range Sources {
			if src.Name == n {
				w[s], found = true, true
			}
		}
		if !found {
			var all []string
			for _, src := range Sources {
				all = append(all, src.Name)
			}
			return w, domain.FieldError("sources", "%q is not a source: use %s", n, strings.Join(all, ", "))
		}
	}
	return w, nil
}
