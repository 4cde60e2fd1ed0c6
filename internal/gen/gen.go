// Package gen generates a synthetic population of children in England and
// the extracts that source systems (benefits, health, education, local
// authority, youth justice) would send about them, with the errors such
// extracts really carry. Everything is made up: names come from frequency
// tables, identifiers are valid but synthetic, phone numbers are in Ofcom's
// drama ranges and e-mail addresses use reserved example domains.
//
// Generation is deterministic (the same Children, Seed and Today give the
// same people and byte-identical files) and streaming: people are made
// authority by authority and household by household, so memory does not
// grow with the population.
package gen

import (
	"fmt"
	"math/rand/v2"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Config says what population to generate.
type Config struct {
	Children    int         // how many children in all
	Seed        uint64      // the same seed gives the same population
	Today       domain.Date // the date ages are reckoned on; zero means DefaultToday
	Authorities []string    // GSS codes to populate; empty means all of England
	Noise       NoiseConfig // per-source error rates for Write; zero means clean extracts
	// Sources names the extracts Write writes (and truth.csv covers);
	// empty means all. Each extract is the same whichever others are
	// written.
	Sources []string
	// CSVOnly makes Write leave out the NDJSON extracts.
	CSVOnly bool
}

// MaxChildren is the largest population People and Write can make with unique
// identifiers.
const MaxChildren = 50_000_000

// DefaultToday is the date used when Config.Today is zero, so that output
// never depends on the clock.
var DefaultToday = domain.MustDate("2025-04-01")

// Rates are the probabilities of each kind of error in one source's
// records. Each applies to a record independently.
type Rates struct {
	Nickname        float64 // a short form or spelling variant of the first given name (William → Will)
	Typo            float64 // one character substituted, deleted, inserted or transposed in a name
	SwapDayMonth    float64 // day and month of birth transposed (only when that is still a date)
	DayOff          float64 // date of birth a day out
	MissingField    float64 // one optional field left blank
	SurnameChange   float64 // a different family name in use, the registered one sometimes kept as former
	StaleAddress    float64 // the previous address instead of the current one (of records that have one)
	Case            float64 // a name in capitals or lower case
	Whitespace      float64 // stray spaces around or inside a name or postcode
	Duplicate       float64 // the same child recorded twice under different record IDs
	WrongIdentifier float64 // an NHS number or UPN that is valid but not the child's
}

// NoiseConfig holds the error rates per source, by source name. A source
// with no entry is clean.
type NoiseConfig struct {
	Sources map[string]Rates
}

// DefaultNoise returns realistic rates: benefits is cleanest, health and
// education moderate, local authority and youth justice noisiest.
func DefaultNoise() NoiseConfig {
	return NoiseConfig{Sources: map[string]Rates{
		"benefits": {Nickname: 0.005, Typo: 0.003, SwapDayMonth: 0.001, DayOff: 0.001, MissingField: 0.01,
			SurnameChange: 0.005, StaleAddress: 0.02, Case: 0.005, Whitespace: 0.005, Duplicate: 0.002},
		"health": {Nickname: 0.03, Typo: 0.01, SwapDayMonth: 0.003, DayOff: 0.003, MissingField: 0.03,
			SurnameChange: 0.01, StaleAddress: 0.08, Case: 0.02, Whitespace: 0.02, Duplicate: 0.01, WrongIdentifier: 0.002},
		"education": {Nickname: 0.04, Typo: 0.01, SwapDayMonth: 0.002, DayOff: 0.002, MissingField: 0.03,
			SurnameChange: 0.015, StaleAddress: 0.05, Case: 0.01, Whitespace: 0.01, Duplicate: 0.005, WrongIdentifier: 0.002},
		"local-authority": {Nickname: 0.08, Typo: 0.03, SwapDayMonth: 0.01, DayOff: 0.01, MissingField: 0.1,
			SurnameChange: 0.03, StaleAddress: 0.15, Case: 0.05, Whitespace: 0.05, Duplicate: 0.03, WrongIdentifier: 0.005},
		"youth-justice": {Nickname: 0.12, Typo: 0.04, SwapDayMonth: 0.01, DayOff: 0.01, MissingField: 0.12,
			SurnameChange: 0.03, StaleAddress: 0.2, Case: 0.06, Whitespace: 0.06, Duplicate: 0.04, WrongIdentifier: 0.01},
	}}
}

// Source is a source system whose extract Write produces.
type Source struct {
	Name string
	Kind domain.SourceKind
}

// Sources are the extracts Write produces, in the order it writes them.
var Sources = []Source{
	{"benefits", domain.SourceBenefits},
	{"health", domain.SourceHealth},
	{"education", domain.SourceEducation},
	{"local-authority", domain.SourceLocalAuthority},
	{"youth-justice", domain.SourceYouthJustice},
}

// Person is one true child with what the generator knows about them.
type Person struct {
	Index           int    // position in the population, 0 to Children-1
	PersonID        string // stable ID, such as "P00000123"; truth.csv names people by it
	HouseholdID     string // shared by children who live together
	MultipleBirthID string // shared by twins or triplets; empty for a single birth
	MultipleBirth   int    // 2 for a twin, 3 for a triplet, 0 otherwise

	// Facts that make matching hard or records special.
	StepChild        bool // lives with a step-parent
	Moved            bool // has a previous address
	MovedLA          bool // the previous address is in another authority
	SurnameChanged   bool // has a former family name
	HomeEducated     bool
	MissingEducation bool // of school age with no setting and not home educated
	Deceased         bool
	LeftEngland      bool

	// Child is the true record, with NHS number and UPN in clear among
	// its Identifiers. It validates on the configured Today.
	Child domain.Child

	// Previous is the previous address (zero unless Moved).
	Previous domain.ChildAddress
}

// People streams the true population, one person at a time, in a fixed
// order (authority by authority in GSS code order). To allocate little, the
// Person passed to fn (and every slice in it) is reused for the next
// person once fn returns: fn must copy what it keeps, with Clone or by
// copying values out. People stops at the first error fn returns and
// returns it.
func People(cfg Config, fn func(*Person) error) error {
	plan, err := newPlan(cfg)
	if err != nil {
		return err
	}
	for i := range plan.las {
		g := plan.authority(i)
		for {
			p := g.next()
			if p == nil {
				break
			}
			if err := fn(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan is how many children each authority gets and where its people
// start in the population's numbering.
type plan struct {
	cfg    Config
	las    []domain.LocalAuthority
	laIdx  []int // index in domain.LocalAuthorities()
	counts []int
	offset []int
	movers sampler // picks the authority a child moved from
	ages   ageTable
}

func newPlan(cfg Config) (*plan, error) {
	if cfg.Children < 0 || cfg.Children > MaxChildren {
		return nil, fmt.Errorf("gen: children must be 0 to %d, got %d", MaxChildren, cfg.Children)
	}
	if cfg.Today.IsZero() {
		cfg.Today = DefaultToday
	}
	all := domain.LocalAuthorities()
	p := &plan{cfg: cfg}
	if len(cfg.Authorities) == 0 {
		p.las = all
		for i := range all {
			p.laIdx = append(p.laIdx, i)
		}
	} else {
		want := map[string]bool{}
		for _, c := range cfg.Authorities {
			if _, ok := domain.LookupLA(c); !ok {
				return nil, fmt.Errorf("gen: %q is not the GSS code of an English local authority", c)
			}
			want[c] = true
		}
		for i, la := range all {
			if want[la.Code] {
				p.las = append(p.las, la)
				p.laIdx = append(p.laIdx, i)
			}
		}
	}
	// Largest remainder, so the counts add up to exactly Children.
	total := 0
	for _, la := range p.las {
		total += la.Children
	}
	p.counts = make([]int, len(p.las))
	rem := make([]float64, len(p.las))
	given := 0
	for i, la := range p.las {
		exact := float64(cfg.Children) * float64(la.Children) / float64(total)
		p.counts[i] = int(exact)
		rem[i] = exact - float64(p.counts[i])
		given += p.counts[i]
	}
	for given < cfg.Children {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		p.counts[best]++
		rem[best] = -1
		given++
	}
	p.offset = make([]int, len(p.las))
	for i := 1; i < len(p.las); i++ {
		p.offset[i] = p.offset[i-1] + p.counts[i-1]
	}
	w := make([]float64, len(all))
	for i, la := range all {
		w[i] = float64(la.Children)
	}
	p.movers = newSampler(w)
	p.ages = newAgeTable(cfg.Today)
	return p, nil
}

// ageTable holds, for each age, the range of birth dates (as days since
// 1970) that give that age on today.
type ageTable struct {
	today    domain.Date
	todayDay int
	lo, hi   [18]int
	acYear   int // the year the current academic year began
}

var epoch = domain.NewDate(1970, 1, 1)

func dayNum(d domain.Date) int { return epoch.DaysUntil(d) }

func newAgeTable(today domain.Date) ageTable {
	t := ageTable{today: today, todayDay: dayNum(today)}
	for a := 0; a < 18; a++ {
		t.hi[a] = dayNum(today.AddYears(-a))
		t.lo[a] = dayNum(today.AddYears(-(a + 1))) + 1
	}
	t.acYear = today.Year()
	if today.Month() < 9 {
		t.acYear--
	}
	return t
}

func (t *ageTable) dob(r *rand.Rand, age int) int {
	return t.lo[age] + r.IntN(t.hi[age]-t.lo[age]+1)
}

// reset clears p but keeps the storage of its slices for reuse.
func (p *Person) reset() {
	c := &p.Child
	keep := domain.Child{
		FormerFamilyNames: c.FormerFamilyNames[:0],
		Addresses:         c.Addresses[:0],
		Parents:           c.Parents[:0],
		Education:         c.Education[:0],
		Health:            c.Health[:0],
		Involvements:      c.Involvements[:0],
		LeadProfessionals: c.LeadProfessionals[:0],
		CAFs:              c.CAFs[:0],
		Identifiers:       c.Identifiers[:0],
	}
	*p = Person{Child: keep}
}

// Clone returns a deep copy of p that shares nothing mutable with it.
func (p *Person) Clone() *Person {
	q := *p
	c := &q.Child
	c.FormerFamilyNames = cloneSlice(c.FormerFamilyNames)
	c.Addresses = cloneSlice(c.Addresses)
	c.Parents = cloneSlice(c.Parents)
	c.Education = cloneSlice(c.Education)
	c.Health = cloneSlice(c.Health)
	c.Involvements = cloneSlice(c.Involvements)
	c.LeadProfessionals = cloneSlice(c.LeadProfessionals)
	c.CAFs = cloneSlice(c.CAFs)
	c.Identifiers = cloneSlice(c.Identifiers)
	return &q
}

// cloneSlice copies s; an empty slice comes back nil.
func cloneSlice[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append([]T(nil), s...)
}
