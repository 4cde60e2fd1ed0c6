package gen

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// setting is a school, college or GP practice in an authority.
type setting struct {
	name    string
	code    string // URN or ODS code
	contact domain.Contact
}

// practitioner works for a service.
type practitioner struct {
	name    string
	contact domain.Contact
}

// service is one of an authority's services with its practitioners.
type service struct {
	kind  domain.ServiceType
	org   string
	role  string
	staff []practitioner
}

// Service indexes into laGen.services.
const (
	svcSocialCare = iota
	svcEarlyHelp
	svcYOT
	svcYouthWork
	svcSchoolNursing
	svcHealthVisiting
	svcCAMHS
	svcVoluntary
	numServices
)

var serviceDefs = [numServices]struct {
	kind      domain.ServiceType
	org, role string
	perChild  int // one practitioner per this many children
}{
	{domain.ServiceSocialCare, "%s Children's Social Care", "Social worker", 800},
	{domain.ServiceEarlyHelp, "%s Early Help Service", "Family support worker", 1200},
	{domain.ServiceYouthOffending, "%s Youth Offending Team", "YOT case manager", 6000},
	{domain.ServiceYouthWork, "%s Youth Service", "Youth worker", 4000},
	{domain.ServiceSchoolNursing, "%s School Nursing Service", "School nurse", 3000},
	{domain.ServiceHealthVisiting, "%s Health Visiting Team", "Health visitor", 1500},
	{domain.ServiceCAMHS, "%s CAMHS", "CAMHS practitioner", 3000},
	{domain.ServiceVoluntarySector, "%s Family Support Trust", "Project worker", 8000},
}

// laGen makes the households of one authority.
type laGen struct {
	p       *plan
	i       int // index in plan.las
	gi      int // index in domain.LocalAuthorities()
	la      domain.LocalAuthority
	r       *rand.Rand
	n, made int
	towns   []string
	slug    string
	land    phonePlan
	areas   sampler

	primaries, secondaries, colleges, practices []setting
	services                                    [numServices]service

	queue []Person // the current household; slots and their slices are reused
	nq    int
	qpos  int
}

func (p *plan) authority(i int) *laGen {
	la := p.las[i]
	g := &laGen{
		p: p, i: i, gi: p.laIdx[i], la: la, n: p.counts[i],
		r:     rand.New(rand.NewPCG(p.cfg.Seed, mix(uint64(p.laIdx[i])+0x51ed))),
		towns: towns(la.Code, la.Name),
		slug:  slug(la.Name),
		land:  landlinePlan(la.Code),
	}
	w := make([]float64, len(la.PostcodeAreas))
	for j := range w {
		w[j] = 1
	}
	w[0] = 3
	g.areas = newSampler(w)
	g.buildSettings()
	return g
}

func atLeast(n, min int) int {
	if n < min {
		return min
	}
	return n
}

func (g *laGen) buildSettings() {
	r := g.r
	code := 0
	urn := func() string {
		b := pad(nil, uint64(100000+g.gi*5000+code%5000), 6)
		code++
		return string(b)
	}
	street := func() string { return streetNames[streetW.draw(r)] }
	mk := func(name, c string) setting {
		return setting{name: name, code: c, contact: domain.Contact{
			Phone:   g.land.number(r.IntN(1000)),
			Email:   "enquiries@" + slug(name) + ".example.org",
			Address: g.address(g.la.Code),
		}}
	}
	town := g.towns[0]
	for j := atLeast(g.n*7/18/280, 1); j > 0; j-- {
		var name string
		switch u := r.IntN(10); {
		case u < 4:
			name = street() + " Primary School"
		case u < 5:
			name = "St " + saints[r.IntN(len(saints))] + " C of E Primary School"
		case u < 6:
			name = "St " + saints[r.IntN(len(saints))] + " Catholic Primary School"
		case u < 8:
			name = street() + " Primary Academy"
		default:
			name = street() + " Junior and Infant School"
		}
		g.primaries = append(g.primaries, mk(name, urn()))
	}
	for j := atLeast(g.n*5/18/950, 1); j > 0; j-- {
		var name string
		switch u := r.IntN(10); {
		case u < 4:
			name = street() + " Academy"
		case u < 6:
			name = street() + " School"
		case u < 7:
			name = "St " + saints[r.IntN(len(saints))] + " Catholic High School"
		default:
			name = street() + " Community College"
		}
		g.secondaries = append(g.secondaries, mk(name, urn()))
	}
	for j := atLeast(g.n*2/18/3000, 1); j > 0; j-- {
		name := g.towns[r.IntN(len(g.towns))] + " College"
		if j%2 == 0 {
			name = g.towns[r.IntN(len(g.towns))] + " Sixth Form College"
		}
		g.colleges = append(g.colleges, mk(name, urn()))
	}
	letter := byte('A' + g.gi%25)
	for j := 0; j < atLeast(g.n/2200, 1); j++ {
		var name string
		switch u := r.IntN(5); u {
		case 0:
			name = street() + " Surgery"
		case 1:
			name = street() + " Medical Centre"
		case 2:
			name = street() + " Health Centre"
		case 3:
			name = "The " + street() + " Practice"
		default:
			name = town + " Family Practice"
		}
		ods := string(pad([]byte{letter}, uint64(g.gi*600+j%600), 5))
		g.practices = append(g.practices, mk(name, ods))
	}
	label := strings.TrimSuffix(strings.TrimSuffix(g.la.Name, ", City of"), ", County of")
	for s, d := range serviceDefs {
		sv := service{kind: d.kind, org: strings.Replace(d.org, "%s", label, 1), role: d.role}
		for j := atLeast(g.n/d.perChild, 2); j > 0; j-- {
			given := adultGivenNames[r.IntN(len(adultGivenNames))]
			fam := surnames[surnameW.draw(r)]
			sv.staff = append(sv.staff, practitioner{
				name: given + " " + fam,
				contact: domain.Contact{
					Phone: g.land.number(r.IntN(1000)),
					Email: slugOf(given) + "." + slugOf(fam) + "@" + g.slug + ".example.org",
				},
			})
		}
		g.services[s] = sv
	}
}

// communityShare is the share of households of each community (other
// than general) in England, and in authorities where it differs most.
var communityShare = map[string][numComms]float64{
	"":          {0, 0.05, 0.025, 0.04, 0.035},
	"E08000025": {0, 0.30, 0.04, 0.03, 0.06}, // Birmingham
	"E08000032": {0, 0.35, 0.03, 0.04, 0.01}, // Bradford
	"E09000030": {0, 0.40, 0.02, 0.02, 0.04}, // Tower Hamlets
	"E09000025": {0, 0.30, 0.10, 0.06, 0.10}, // Newham
	"E09000026": {0, 0.25, 0.15, 0.04, 0.05}, // Redbridge
	"E06000032": {0, 0.28, 0.04, 0.07, 0.05}, // Luton
	"E06000008": {0, 0.35, 0.05, 0.02, 0.01}, // Blackburn with Darwen
	"E06000016": {0, 0.20, 0.25, 0.04, 0.04}, // Leicester
	"E06000039": {0, 0.25, 0.20, 0.10, 0.04}, // Slough
	"E08000003": {0, 0.20, 0.03, 0.05, 0.08}, // Manchester
	"E08000028": {0, 0.12, 0.12, 0.04, 0.06}, // Sandwell
	"E09000005": {0, 0.18, 0.15, 0.08, 0.10}, // Brent
	"E09000015": {0, 0.10, 0.25, 0.10, 0.04}, // Harrow
	"E09000018": {0, 0.12, 0.15, 0.08, 0.05}, // Hounslow
	"E09000017": {0, 0.10, 0.15, 0.08, 0.05}, // Hillingdon
	"E09000022": {0, 0.06, 0.02, 0.04, 0.20}, // Lambeth
	"E09000028": {0, 0.06, 0.02, 0.04, 0.22}, // Southwark
	"E09000023": {0, 0.05, 0.02, 0.04, 0.20}, // Lewisham
	"E09000008": {0, 0.08, 0.06, 0.04, 0.18}, // Croydon
	"E09000002": {0, 0.12, 0.05, 0.12, 0.20}, // Barking and Dagenham
	"E09000012": {0, 0.12, 0.02, 0.05, 0.15}, // Hackney
	"E06000031": {0, 0.10, 0.03, 0.15, 0.03}, // Peterborough
	"E10000019": {0, 0.01, 0.01, 0.10, 0.01}, // Lincolnshire
}

// community draws the community a new household belongs to.
func (g *laGen) community() int {
	share, ok := communityShare[g.la.Code]
	if !ok {
		share = communityShare[""]
	}
	u := g.r.Float64()
	for c := 1; c < numComms; c++ {
		if u < share[c] {
			return c
		}
		u -= share[c]
	}
	return commGeneral
}

// address makes a plausible address in the authority with the code.
func (g *laGen) address(code string) domain.Address {
	r := g.r
	la := g.la
	ts := g.towns
	areas := la.PostcodeAreas
	area := areas[g.areas.draw(r)]
	if code != la.Code {
		la, _ = domain.LookupLA(code)
		ts = towns(la.Code, la.Name)
		area = la.PostcodeAreas[r.IntN(len(la.PostcodeAreas))]
	}
	maxD := 30
	if len(area) == 2 {
		maxD = 20
	}
	num := 1 + r.IntN(180)
	if r.IntN(3) == 0 {
		num = 1 + r.IntN(40)
	}
	st := streetNames[streetW.draw(r)] + " " + streetKinds[kindW.draw(r)]
	a := domain.Address{
		Town:     ts[r.IntN(len(ts))],
		Postcode: postcode(area, 1+r.IntN(maxD), r.IntN(10), r.IntN(400)),
	}
	line := make([]byte, 0, 32)
	line = pad(line, uint64(num), 1)
	line = append(line, ' ')
	line = append(line, st...)
	if r.IntN(6) == 0 { // a flat
		flat := make([]byte, 0, 32)
		flat = append(flat, "Flat "...)
		flat = pad(flat, uint64(1+r.IntN(24)), 1)
		a.Line1 = string(flat)
		a.Line2 = string(line)
	} else {
		a.Line1 = string(line)
	}
	return a
}

// next returns the authority's next person, or nil when it has made them
// all.
// The Person is reused by the call after next.
func (g *laGen) next() *Person {
	for g.qpos >= g.nq {
		if g.made >= g.n {
			return nil
		}
		g.nq, g.qpos = 0, 0
		g.household()
	}
	p := &g.queue[g.qpos]
	g.qpos++
	return p
}

// slot returns the household's next Person slot, cleared but keeping its
// slices' storage.
func (g *laGen) slot() *Person {
	if g.nq == len(g.queue) {
		g.queue = append(g.queue, Person{})
	}
	p := &g.queue[g.nq]
	g.nq++
	p.reset()
	return p
}

func toDate(day int) domain.Date { return epoch.AddDays(day) }

func idString(prefix byte, n int) string {
	b := make([]byte, 1, 9)
	b[0] = prefix
	return string(pad(b, uint64(n), 8))
}

// Kinds of household.
const (
	couple     = iota // two parents
	stepCouple        // mother, her children by an earlier partner, step-father
	loneMother
	loneFather
	kinship // a grandparent looks after the children
)

var birthsW = newSampler([]float64{42, 38, 14, 4.5, 1.5})

// household makes one household's children and queues them.
func (g *laGen) household() {
	r := g.r
	at := &g.p.ages
	today := at.todayDay
	first := g.p.offset[g.i] + g.made
	hid := idString('H', first)

	// Who looks after the children.
	var kind int
	switch u := r.Float64(); {
	case u < 0.64:
		kind = couple
	case u < 0.72:
		kind = stepCouple
	case u < 0.95:
		kind = loneMother
	case u < 0.975:
		kind = loneFather
	default:
		kind = kinship
	}
	comm := g.community()
	motherSur := surnames[commSurnameW[comm].draw(r)]
	if comm == commGeneral {
		motherSur = surnames[surnameW.draw(r)]
		comm = communityOf(motherSur)
	}
	fatherSur := motherSur
	if kind == stepCouple || r.Float64() < 0.4 {
		fatherSur = drawSurname(r, comm)
	}
	absentSur := drawSurname(r, comm) // a parent who does not live here
	addr := g.address(g.la.Code)
	mobile := func() string { return mobilePlan.number(r.IntN(1000)) }
	parent := func(given, fam, rel string, pr bool) domain.Parent {
		p := domain.Parent{Name: given + " " + fam, Relationship: rel, ParentalResponsibility: pr,
			Contact: domain.Contact{Phone: mobile(), Address: addr}}
		if r.Float64() < 0.6 {
			e := make([]byte, 0, 40)
			e = append(e, slugOf(given)...)
			e = append(e, '.')
			e = append(e, slugOf(fam)...)
			e = pad(e, uint64(r.IntN(100)), 2)
			e = append(e, "@example."...)
			e = append(e, []string{"com", "org", "net"}[r.IntN(3)]...)
			p.Contact.Email = string(e)
		}
		return p
	}
	var adults []domain.Parent // parents of the household's own children
	var step []domain.Parent   // parents of a step-parent's stepchildren
	mother := parent(drawAdult(r, comm, false), motherSur, "mother", true)
	switch kind {
	case couple:
		adults = []domain.Parent{mother, parent(drawAdult(r, comm, true), fatherSur, "father", true)}
	case stepCouple:
		sf := parent(drawAdult(r, comm, true), fatherSur, "step-father", false)
		f := sf
		f.Relationship, f.ParentalResponsibility = "father", true
		adults = []domain.Parent{mother, f}
		step = []domain.Parent{mother, sf}
	case loneMother:
		adults = []domain.Parent{mother}
	case loneFather:
		adults = []domain.Parent{parent(drawAdult(r, comm, true), fatherSur, "father", true)}
	case kinship:
		adults = []domain.Parent{parent(drawAdult(r, comm, false), motherSur, "grandmother", r.IntN(2) == 0)}
	}

	// Births, oldest first, spaced at least nine months apart.
	type birth struct{ dob, n int }
	var bs [8]birth
	nb := 1 + birthsW.draw(r)
	births := bs[:0]
	for k := 0; k < nb; k++ {
		var d int
		for try := 0; try < 6; try++ {
			d = at.dob(r, ageW.draw(r))
			ok := true
			for _, b := range births {
				if diff := d - b.dob; diff < 270 && diff > -270 {
					ok = false
					break
				}
			}
			if ok {
				break
			}
		}
		m := 1
		switch u := r.Float64(); {
		case u < 0.0004:
			m = 3
		case u < 0.0152:
			m = 2
		}
		births = append(births, birth{d, m})
	}
	for a := 1; a < len(births); a++ { // insertion sort by dob
		for b := a; b > 0 && births[b].dob < births[b-1].dob; b-- {
			births[b], births[b-1] = births[b-1], births[b]
		}
	}
	youngest := births[len(births)-1].dob
	stepBirths := 0
	if kind == stepCouple {
		stepBirths = 1 + r.IntN(len(births))
	}

	// Where the household lived before, and whether it is still here.
	moveDay := 0
	var prev domain.Address
	prevLA := ""
	if r.Float64() < 0.12 {
		moveDay = today - 30 - r.IntN(5*365)
		prevLA = g.la.Code
		if r.Float64() < 0.3 {
			prevLA = domain.LocalAuthorities()[g.p.movers.draw(r)].Code
		}
		prev = g.address(prevLA)
	}
	leftDay, left := 0, false
	var intent domain.ReturnIntent
	if r.Float64() < 0.002 {
		left = true
		leftDay = youngest + r.IntN(today-youngest+1)
		intent = []domain.ReturnIntent{domain.ReturnYes, domain.ReturnNo, domain.ReturnNotKnown}[r.IntN(3)]
	}
	noAddress := !left && r.Float64() < 0.0005
	primary := r.IntN(len(g.primaries))
	secondary := r.IntN(len(g.secondaries))
	practice := r.IntN(len(g.practices))
	socialCare := r.Float64() < 0.035
	earlyHelp := !socialCare && r.Float64() < 0.03
	swIdx := r.IntN(len(g.services[svcSocialCare].staff))
	ehIdx := r.IntN(len(g.services[svcEarlyHelp].staff))
	caseStart := today - r.IntN(3*365)

	// The children's surname is a household's choice; half-siblings by
	// another father may have his.
	ownSur := fatherSur
	switch kind {
	case couple:
		if motherSur != fatherSur {
			switch u := r.Float64(); {
			case u < 0.55:
			case u < 0.9:
				ownSur = motherSur
			default:
				ownSur = motherSur + "-" + fatherSur
			}
		}
	case loneMother, kinship:
		ownSur = absentSur
		if r.Float64() < 0.5 {
			ownSur = motherSur
		}
	}
	var firstNames [16]string
	nf := 0
	for bi, b := range births {
		mbID := ""
		if b.n > 1 {
			mbID = idString('M', g.p.offset[g.i]+g.made)
		}
		var sexes [3]bool
		var pair [2]string
		for k := 0; k < b.n; k++ {
			if g.made >= g.n {
				return
			}
			male := r.Float64() < 0.512
			if k > 0 && r.Float64() < 0.65 {
				male = sexes[0]
			}
			sexes[k] = male
			if k == 1 && sexes[0] == male && r.Float64() < 0.3 {
				// Twins with sound-alike names; the first is renamed too.
				if male {
					pair = soundAlikeBoys[r.IntN(len(soundAlikeBoys))]
				} else {
					pair = soundAlikeGirls[r.IntN(len(soundAlikeGirls))]
				}
				prevP := &g.queue[g.nq-1]
				rest := ""
				if sp := strings.IndexByte(prevP.Child.GivenNames, ' '); sp > 0 {
					rest = prevP.Child.GivenNames[sp:]
				}
				prevP.Child.GivenNames = pair[0] + rest
			}
			p := g.slot()
			p.Index = g.p.offset[g.i] + g.made
			p.HouseholdID = hid
			p.MultipleBirthID = mbID
			if b.n > 1 {
				p.MultipleBirth = b.n
			}
			p.PersonID = idString('P', p.Index)
			isStep := bi < stepBirths
			g.child(p, b.dob, male, pair[1], firstNames[:nf], childCtx{
				kind: kind, comm: comm, isStep: isStep, ownSur: ownSur, halfSib: k == 0 && kind == loneMother && bi > 0 && r.Float64() < 0.15, motherSur: motherSur, fatherSur: fatherSur, absentSur: absentSur,
				adults: adults, step: step, addr: addr, moveDay: moveDay, prev: prev, prevLA: prevLA,
				left: left, leftDay: leftDay, intent: intent, noAddress: noAddress,
				primary: primary, secondary: secondary, practice: practice,
				socialCare: socialCare, earlyHelp: earlyHelp, swIdx: swIdx, ehIdx: ehIdx, caseStart: caseStart,
			})
			if k == 1 && pair[1] != "" {
				pair[1] = ""
			}
			if nf < len(firstNames) {
				firstNames[nf] = firstGiven(p.Child.GivenNames)
				nf++
			}
			g.made++
		}
	}
}

func firstGiven(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

// childCtx is what a child takes from the household.
type childCtx struct {
	kind, comm                      int
	ownSur                          string // the surname the household's own children have
	halfSib                         bool   // a half-sibling by a father who does not live here
	isStep                          bool
	motherSur, fatherSur, absentSur string
	adults, step                    []domain.Parent
	addr                            domain.Address
	moveDay                         int
	prev                            domain.Address
	prevLA                          string
	left                            bool
	leftDay                         int
	intent                          domain.ReturnIntent
	noAddress                       bool
	primary, secondary, practice    int
	socialCare, earlyHelp           bool
	swIdx, ehIdx                    int
	caseStart                       int
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// child fills in one child of a household.
func (g *laGen) child(p *Person, dob int, male bool, given string, siblings []string, h childCtx) {
	r := g.r
	at := &g.p.ages
	today := at.todayDay
	c := &p.Child
	c.DateOfBirth = toDate(dob)
	age := c.DateOfBirth.AgeOn(at.today)
	c.Gender = domain.GenderFemale
	table := girls
	if male {
		c.Gender = domain.GenderMale
		table = boys
	}
	if r.Float64() < 0.0005 {
		c.Gender = domain.GenderNotSpecified
	}

	// Names.
	if given == "" {
		given = table.draw(r, age, h.comm)
		for try := 0; try < 3; try++ {
			dup := false
			for _, s := range siblings {
				if s == given {
					dup = true
				}
			}
			if !dup {
				break
			}
			given = table.draw(r, age, h.comm)
		}
	}
	if r.Float64() < 0.7 {
		mid := table.draw(r, age, h.comm)
		if mid != given {
			given = given + " " + mid
		}
	}
	c.GivenNames = given
	c.FamilyName = h.ownSur
	switch {
	case h.isStep:
		p.StepChild = true
		c.FamilyName = h.absentSur
		if r.Float64() < 0.3 {
			c.FamilyName = h.fatherSur
			c.FormerFamilyNames = append(c.FormerFamilyNames, h.absentSur)
			p.SurnameChanged = true
		}
	case h.halfSib:
		c.FamilyName = drawSurname(r, h.comm)
	case h.kind == loneMother && c.FamilyName == h.motherSur && r.Float64() < 0.05:
		// A lone mother who changed her children's surname to hers.
		c.FormerFamilyNames = append(c.FormerFamilyNames, h.absentSur)
		p.SurnameChanged = true
	}
	if h.isStep {
		c.Parents = append(c.Parents, h.step...)
	} else {
		c.Parents = append(c.Parents, h.adults...)
	}

	// Where the child lives, or lived.
	end := 0 // the day the child left the directory's view
	c.LACode = g.la.Code
	c.AddressStatus = domain.AddressCurrent
	if r.Float64() < 0.0003 && dob < today {
		p.Deceased = true
		end = dob + 1 + r.IntN(today-dob)
		c.DateOfDeath = toDate(end)
		c.AddressStatus = domain.AddressLastKnown
	}
	if h.left {
		p.LeftEngland = true
		if end == 0 || h.leftDay < end {
			end = h.leftDay
		}
		if !p.Deceased {
			c.AddressStatus = domain.AddressLeftEngland
			c.ReturnIntent = h.intent
		}
	}
	if h.noAddress && !p.Deceased {
		c.AddressStatus = domain.AddressNone
	} else {
		from := dob
		moved := h.moveDay > dob
		if moved {
			from = h.moveDay
		}
		if end != 0 && from > end {
			from = end
		}
		c.Addresses = append(c.Addresses, domain.ChildAddress{Address: h.addr, LACode: g.la.Code, From: toDate(from)})
		if end != 0 {
			c.Addresses[0].To = toDate(end)
		}
		if moved {
			p.Moved = true
			p.MovedLA = h.prevLA != g.la.Code
			p.Previous = domain.ChildAddress{Address: h.prev, LACode: h.prevLA, From: toDate(dob), To: toDate(h.moveDay - 1)}
			c.Addresses = append(c.Addresses, p.Previous)
		}
	}
	leaveOr := func() domain.Date { // an end date, or zero while current
		if end != 0 {
			return toDate(end)
		}
		return domain.Date{}
	}

	// Identifiers.
	nhs := nhsNumber(g.p.cfg.Seed, p.Index)
	c.Identifiers = append(c.Identifiers, domain.Identifier{Kind: domain.IdentifierNHS, Source: "health", Value: nhs})

	// Health: a GP registration.
	if r.Float64() < 0.97 {
		pr := g.practices[h.practice]
		if r.Float64() < 0.05 {
			pr = g.practices[r.IntN(len(g.practices))]
		}
		start := dob + 14 + r.IntN(60)
		if h.moveDay > dob {
			start = h.moveDay + r.IntN(30)
		}
		if start > today {
			start = today
		}
		hp := domain.HealthProvider{Name: pr.name, ODSCode: pr.code, Contact: pr.contact, Start: toDate(start), End: leaveOr()}
		if end != 0 && end < start {
			hp.Start = hp.End
		}
		c.Health = append(c.Health, hp)
	}

	// Education. The academic age is the age on 31 August at the start of
	// this school year: 4 in reception, 10 in year 6, 15 in year 11.
	aa := at.acYear - c.DateOfBirth.Year()
	if c.DateOfBirth.Month() >= time.September {
		aa--
	}
	school := func(s setting, startYear int) domain.EducationSetting {
		st := dayNum(domain.NewDate(startYear, time.September, 1+r.IntN(5)))
		if h.moveDay > st && !h.left {
			st = h.moveDay + r.IntN(20)
		}
		if st > today {
			st = today
		}
		e := domain.EducationSetting{Name: s.name, URN: s.code, Contact: s.contact, Start: toDate(st), End: leaveOr()}
		if end != 0 && end < st {
			e.Start = e.End
		}
		return e
	}
	atSchool := false
	switch {
	case aa < 4:
	case aa >= 5 && aa <= 15 && r.Float64() < 0.012:
		p.HomeEducated = true
		st := today - r.IntN(maxInt(1, (aa-4)*365))
		c.Education = append(c.Education, domain.EducationSetting{HomeEducated: true, Start: toDate(maxInt(st, dob))})
		atSchool = aa >= 6
	case aa >= 5 && aa <= 15 && r.Float64() < 0.003:
		p.MissingEducation = true
		atSchool = true
	case aa <= 10:
		pi := h.primary
		if r.Float64() < 0.1 {
			pi = r.IntN(len(g.primaries))
		}
		c.Education = append(c.Education, school(g.primaries[pi], at.acYear-(aa-4)))
		atSchool = true
	case aa <= 15:
		si := h.secondary
		if r.Float64() < 0.15 {
			si = r.IntN(len(g.secondaries))
		}
		cur := school(g.secondaries[si], at.acYear-(aa-11))
		prevSchool := g.primaries[r.IntN(len(g.primaries))]
		ps := dayNum(domain.NewDate(at.acYear-(aa-4), time.September, 3))
		pe := dayNum(domain.NewDate(at.acYear-(aa-11), time.July, 20))
		pst := domain.EducationSetting{Name: prevSchool.name, URN: prevSchool.code, Contact: prevSchool.contact,
			Start: toDate(ps), End: toDate(pe)}
		c.Education = append(c.Education, cur, pst)
		atSchool = true
	default: // 16 and 17
		switch u := r.Float64(); {
		case u < 0.4:
			c.Education = append(c.Education, school(g.secondaries[h.secondary], at.acYear-(aa-16)))
		case u < 0.85:
			c.Education = append(c.Education, school(g.colleges[r.IntN(len(g.colleges))], at.acYear-(aa-16)))
		}
		atSchool = true
	}
	if atSchool {
		c.Identifiers = append(c.Identifiers, domain.Identifier{Kind: domain.IdentifierUPN, Source: "education", Value: upn(g.p.cfg.Seed, g.gi, p.Index)})
	}

	// Services.
	involve := func(s int, staff int, start int) {
		sv := &g.services[s]
		if start < dob {
			start = dob
		}
		if start > today {
			start = today
		}
		pr := sv.staff[staff%len(sv.staff)]
		v := domain.Involvement{Service: sv.kind, Organisation: sv.org, PractitionerName: pr.name,
			Role: sv.role, Contact: pr.contact, Start: toDate(start)}
		if r.Float64() < 0.25 {
			v.End = toDate(start + r.IntN(today-start+1))
		} else if end != 0 {
			v.End = toDate(maxInt(end, start))
		}
		c.Involvements = append(c.Involvements, v)
	}
	if h.socialCare {
		involve(svcSocialCare, h.swIdx, h.caseStart)
	}
	if h.earlyHelp {
		involve(svcEarlyHelp, h.ehIdx, h.caseStart)
	}
	recent := func() int { return today - r.IntN(2*365) }
	if age < 5 && r.Float64() < 0.35 {
		involve(svcHealthVisiting, r.IntN(1<<20), dob+10+r.IntN(20))
	}
	if aa >= 5 && aa <= 15 && r.Float64() < 0.04 {
		involve(svcSchoolNursing, r.IntN(1<<20), recent())
	}
	if age >= 5 && r.Float64() < 0.03 {
		involve(svcCAMHS, r.IntN(1<<20), recent())
	}
	if age >= 10 && r.Float64() < 0.01 {
		involve(svcYOT, r.IntN(1<<20), recent())
	}
	if age >= 11 && r.Float64() < 0.02 {
		involve(svcYouthWork, r.IntN(1<<20), recent())
	}
	if r.Float64() < 0.005 {
		involve(svcVoluntary, r.IntN(1<<20), recent())
	}

	// A lead professional and CAF where a service coordinates support.
	if (h.socialCare || h.earlyHelp) && len(c.Involvements) > 0 {
		v := c.Involvements[0]
		if v.End.IsZero() && r.Float64() < 0.85 {
			c.LeadProfessionals = append(c.LeadProfessionals, domain.LeadProfessional{Name: v.PractitionerName, Organisation: v.Organisation,
				Role: v.Role, Contact: v.Contact, Start: v.Start})
		}
		if h.earlyHelp && r.Float64() < 0.75 || h.socialCare && r.Float64() < 0.2 {
			c.CAFs = append(c.CAFs, domain.CAF{Undertaken: v.Start, HolderName: v.PractitionerName, Organisation: v.Organisation, Contact: v.Contact})
		}
	}
}
