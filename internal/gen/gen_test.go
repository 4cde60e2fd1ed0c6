package gen

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
)

var testToday = domain.MustDate("2025-04-01")

// collect returns clones of the whole population cfg describes.
func collect(t testing.TB, cfg Config) []*Person {
	t.Helper()
	var ps []*Person
	if err := People(cfg, func(p *Person) error { ps = append(ps, p.Clone()); return nil }); err != nil {
		t.Fatal(err)
	}
	return ps
}

func checkContact(t *testing.T, who, field string, c domain.Contact) {
	t.Helper()
	if c.Phone != "" && !strings.HasPrefix(c.Phone, "07700 900") && !strings.HasPrefix(c.Phone, "01632 960") &&
		!strings.Contains(c.Phone, " 496 0") && !strings.Contains(c.Phone, " 498 0") && !strings.HasPrefix(c.Phone, "020 7946 0") {
		t.Errorf("%s %s phone = %q; want an Ofcom drama number", who, field, c.Phone)
	}
	if c.Email != "" {
		a, err := mail.ParseAddress(c.Email)
		if err != nil || !(strings.HasSuffix(a.Address, "example.org") || strings.HasSuffix(a.Address, "example.com") || strings.HasSuffix(a.Address, "example.net")) {
			t.Errorf("%s %s email = %q; want an address at a reserved example domain", who, field, c.Email)
		}
	}
}

func TestPeopleValid(t *testing.T) {
	cfg := Config{Children: 8000, Seed: 7, Today: testToday}
	nhs := map[string]bool{}
	upns := map[string]bool{}
	n := 0
	err := People(cfg, func(p *Person) error {
		n++
		c := &p.Child
		if err := c.Validate(cfg.Today); err != nil {
			t.Errorf("%s: Validate: %v", p.PersonID, err)
		}
		if c.LACode == "" {
			t.Errorf("%s: no la_code", p.PersonID)
		}
		for _, id := range c.Identifiers {
			var err error
			switch id.Kind {
			case domain.IdentifierNHS:
				_, err = domain.ParseNHSNumber("nhs", id.Value)
				if nhs[id.Value] {
					t.Errorf("%s: NHS number %s given twice", p.PersonID, id.Value)
				}
				nhs[id.Value] = true
			case domain.IdentifierUPN:
				_, err = domain.ParseUPN("upn", id.Value)
				if upns[id.Value] {
					t.Errorf("%s: UPN %s given twice", p.PersonID, id.Value)
				}
				upns[id.Value] = true
			}
			if err != nil {
				t.Errorf("%s: %v", p.PersonID, err)
			}
		}
		for _, a := range c.Addresses {
			if got, err := domain.ParsePostcode("postcode", a.Postcode); err != nil || got != a.Postcode {
				t.Errorf("%s: postcode %q: got %q, %v; want it unchanged", p.PersonID, a.Postcode, got, err)
			}
		}
		for _, e := range c.Education {
			if !e.HomeEducated && domain.ValidURN("urn", e.URN) != nil {
				t.Errorf("%s: URN %q is not six digits", p.PersonID, e.URN)
			}
			checkContact(t, p.PersonID, "education", e.Contact)
		}
		for _, h := range c.Health {
			if domain.ValidODSCode("ods", h.ODSCode) != nil {
				t.Errorf("%s: ODS code %q", p.PersonID, h.ODSCode)
			}
			checkContact(t, p.PersonID, "health", h.Contact)
		}
		for _, pa := range c.Parents {
			checkContact(t, p.PersonID, "parent", pa.Contact)
		}
		for _, v := range c.Involvements {
			checkContact(t, p.PersonID, "involvement", v.Contact)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != cfg.Children {
		t.Errorf("got %d people; want %d", n, cfg.Children)
	}
}

func TestPeopleAuthorities(t *testing.T) {
	for _, tc := range []struct {
		name  string
		codes []string
		err   bool
	}{
		{"sheffield", []string{"E08000019"}, false},
		{"two", []string{"E09000007", "E08000025"}, false},
		{"unknown", []string{"E99999999"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Children: 1000, Seed: 3, Today: testToday, Authorities: tc.codes}
			n := 0
			err := People(cfg, func(p *Person) error {
				n++
				if !slices.Contains(tc.codes, p.Child.LACode) {
					t.Fatalf("%s: la_code %s; want one of %v", p.PersonID, p.Child.LACode, tc.codes)
				}
				return nil
			})
			if got := err != nil; got != tc.err {
				t.Fatalf("People: error %v; want error %v", err, tc.err)
			}
			if !tc.err && n != 1000 {
				t.Errorf("got %d people; want 1000", n)
			}
		})
	}
}

func TestDistributions(t *testing.T) {
	const n = 60000
	cfg := Config{Children: n, Seed: 11, Today: testToday}
	var (
		ages                                    [18]int
		multiple, male, middle, homeEd, school5 int
		moved, stepChild, lead, caf, deceased   int
		perLA                                   = map[string]int{}
		households                              = map[string]bool{}
		withUPN, withGP, socialCare, movedLA    int
	)
	err := People(cfg, func(p *Person) error {
		c := &p.Child
		age := c.DateOfBirth.AgeOn(testToday)
		ages[age]++
		if p.MultipleBirth > 0 {
			multiple++
		}
		if c.Gender == domain.GenderMale {
			male++
		}
		if strings.Contains(c.GivenNames, " ") {
			middle++
		}
		if age >= 6 && age <= 14 {
			school5++
			if p.HomeEducated {
				homeEd++
			}
		}
		if p.Moved {
			moved++
		}
		if p.MovedLA {
			movedLA++
		}
		if p.StepChild {
			stepChild++
		}
		if len(c.LeadProfessionals) > 0 {
			lead++
		}
		if len(c.CAFs) > 0 {
			caf++
		}
		if p.Deceased {
			deceased++
		}
		if len(c.Health) > 0 {
			withGP++
		}
		if identifier(c, domain.IdentifierUPN) != "" {
			withUPN++
		}
		if hasService(c, domain.ServiceSocialCare) {
			socialCare++
		}
		perLA[c.LACode]++
		households[p.HouseholdID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	frac := func(k int) float64 { return float64(k) / n }
	for _, tc := range []struct {
		name     string
		got      float64
		min, max float64
	}{
		{"multiple births", frac(multiple), 0.024, 0.037},
		{"male", frac(male), 0.49, 0.53},
		{"middle name", frac(middle), 0.64, 0.72},
		{"home educated (6–14)", float64(homeEd) / float64(school5), 0.007, 0.017},
		{"moved", frac(moved), 0.06, 0.14},
		{"moved from another authority", float64(movedLA) / float64(moved), 0.2, 0.4},
		{"step-children", frac(stepChild), 0.03, 0.10},
		{"lead professional", frac(lead), 0.02, 0.08},
		{"CAF", frac(caf), 0.01, 0.05},
		{"social care", frac(socialCare), 0.02, 0.06},
		{"deceased", frac(deceased), 0, 0.002},
		{"GP registered", frac(withGP), 0.95, 0.99},
		{"with a UPN", frac(withUPN), 0.6, 0.85},
		{"children per household", float64(n) / float64(len(households)), 1.5, 2.2},
	} {
		if tc.got < tc.min || tc.got > tc.max {
			t.Errorf("%s = %.4f; want %.4f..%.4f", tc.name, tc.got, tc.min, tc.max)
		}
	}

	// The age profile follows England's within 10% at each age.
	total := 0.0
	for _, w := range ageWeight {
		total += w
	}
	for a, got := range ages {
		want := ageWeight[a] / total * n
		if math.Abs(float64(got)-want) > 0.1*want {
			t.Errorf("children aged %d = %d; want %.0f ± 10%%", a, got, want)
		}
	}

	// Authorities get children in proportion to their populations.
	all := 0
	for _, la := range domain.LocalAuthorities() {
		all += la.Children
	}
	for _, la := range domain.LocalAuthorities() {
		want := float64(n) * float64(la.Children) / float64(all)
		if got := perLA[la.Code]; math.Abs(float64(got)-want) > 1 {
			t.Errorf("children in %s = %d; want %.1f", la.Name, got, want)
		}
	}
}

// testRates gives every kind of error the same rate in every source, so
// that each can be measured.
func testRates(rate float64) NoiseConfig {
	rt := Rates{Nickname: rate, Typo: rate, SwapDayMonth: rate, DayOff: rate, MissingField: rate, SurnameChange: rate,
		StaleAddress: rate, Case: rate, Whitespace: rate, Duplicate: rate, WrongIdentifier: rate}
	nc := NoiseConfig{Sources: map[string]Rates{}}
	for _, s := range Sources {
		nc.Sources[s.Name] = rt
	}
	return nc
}

func readTruth(t *testing.T, dir string) map[[2]string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(rows[0], ","), "source,source_record_id,person"; got != want {
		t.Errorf("truth.csv header = %q; want %q", got, want)
	}
	m := map[[2]string]string{}
	for _, r := range rows[1:] {
		k := [2]string{r[0], r[1]}
		if _, dup := m[k]; dup {
			t.Errorf("truth.csv: %s %s appears twice", r[0], r[1])
		}
		m[k] = r[2]
	}
	return m
}

func readNDJSON(t *testing.T, path string) []feed.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []feed.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r feed.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, r)
	}
	return out
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Children: 10000, Seed: 5, Today: testToday, Noise: DefaultNoise()}
	st, err := Write(context.Background(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Children != cfg.Children {
		t.Errorf("Stats.Children = %d; want %d", st.Children, cfg.Children)
	}
	truth := readTruth(t, dir)
	if got, want := len(truth), st.TruthRows; got != want {
		t.Errorf("truth.csv has %d rows; want %d", got, want)
	}
	rows := 0
	for _, src := range Sources {
		t.Run(src.Name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, "sources", src.Name+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cr := csv.NewReader(f)
			head, err := cr.Read()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(head, feed.CSVColumns) {
				t.Errorf("header = %v; want %v", head, feed.CSVColumns)
			}
			var ids []string
			for {
				r, err := cr.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r[0])
				if _, ok := truth[[2]string{src.Name, r[0]}]; !ok {
					t.Errorf("row %s is not in truth.csv", r[0])
				}
				if strings.TrimSpace(r[1]) == "" || strings.TrimSpace(r[2]) == "" {
					t.Errorf("row %s: empty name", r[0])
				}
				if _, err := domain.ParseDate("dob", r[5]); err != nil {
					t.Errorf("row %s: %v", r[0], err)
				}
				if r[9] != "" {
					if _, err := domain.ParsePostcode("postcode", r[9]); err != nil {
						t.Errorf("row %s: %v", r[0], err)
					}
				}
				if r[11] != "" {
					if _, err := domain.ParseNHSNumber("nhs", r[11]); err != nil {
						t.Errorf("row %s: %v", r[0], err)
					}
				}
				if r[12] != "" {
					if _, err := domain.ParseUPN("upn", r[12]); err != nil {
						t.Errorf("row %s: %v", r[0], err)
					}
				}
			}
			rows += len(ids)
			if got, want := len(ids), st.Records[src.Name]; got != want {
				t.Errorf("CSV rows = %d; want %d", got, want)
			}
			recs := readNDJSON(t, filepath.Join(dir, "sources", src.Name+".ndjson"))
			if len(recs) != len(ids) {
				t.Fatalf("NDJSON records = %d; want %d (as the CSV)", len(recs), len(ids))
			}
			for i, r := range recs {
				if r.SourceRecordID != ids[i] {
					t.Fatalf("NDJSON record %d is %s; want %s (as the CSV)", i, r.SourceRecordID, ids[i])
				}
			}
			if len(ids) == 0 {
				t.Errorf("no records")
			}
		})
	}
	if rows != len(truth) {
		t.Errorf("source rows = %d; want %d (truth.csv rows)", rows, len(truth))
	}
}

func hashDir(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestWriteDeterministic(t *testing.T) {
	write := func(seed uint64) string {
		dir := t.TempDir()
		if _, err := Write(context.Background(), Config{Children: 6000, Seed: seed, Today: testToday, Noise: DefaultNoise()}, dir); err != nil {
			t.Fatal(err)
		}
		return hashDir(t, dir)
	}
	a, b, c := write(42), write(42), write(43)
	if a != b {
		t.Errorf("same seed: output hashes %s and %s; want identical", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43: identical output; want different")
	}
}

func TestWriteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Write(ctx, Config{Children: 100000, Seed: 1, Today: testToday}, t.TempDir())
	if err == nil {
		t.Errorf("Write with a cancelled context: nil error; want context.Canceled")
	}
}

// oneEdit reports whether a and b are one edit (substitution, deletion,
// insertion or adjacent transposition) apart.
func oneEdit(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	switch len(y) - len(x) {
	case 0:
		var diff []int
		for i := range x {
			if x[i] != y[i] {
				diff = append(diff, i)
			}
		}
		if len(diff) == 1 {
			return true
		}
		return len(diff) == 2 && diff[1] == diff[0]+1 && x[diff[0]] == y[diff[1]] && x[diff[1]] == y[diff[0]]
	case 1:
		i := 0
		for i < len(x) && x[i] == y[i] {
			i++
		}
		return string(x[i:]) == string(y[i+1:])
	}
	return false
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func oddSpace(s string) bool {
	return s != "" && (s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  "))
}

func oneCase(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && (s == strings.ToUpper(s) || s == strings.ToLower(s))
}

// TestNoiseRates compares each noisy record with what the source would
// have sent without errors, and checks that every kind of error happens
// at its configured rate.
func TestNoiseRates(t *testing.T) {
	const rate = 0.05
	dir := t.TempDir()
	cfg := Config{Children: 30000, Seed: 9, Today: testToday, Noise: testRates(rate)}
	if _, err := Write(context.Background(), cfg, dir); err != nil {
		t.Fatal(err)
	}
	people := map[string]*Person{}
	for _, p := range collect(t, cfg) {
		people[p.PersonID] = p
	}
	truth := readTruth(t, dir)
	type count struct{ hit, of int }
	got := map[string]*count{}
	see := func(kind string, eligible, hit bool) {
		if got[kind] == nil {
			got[kind] = &count{}
		}
		if eligible {
			got[kind].of++
			if hit {
				got[kind].hit++
			}
		}
	}
	var pcg rand.PCG
	r := rand.New(&pcg)
	for s, src := range Sources {
		perPerson := map[string]int{}
		for _, rec := range readNDJSON(t, filepath.Join(dir, "sources", src.Name+".ndjson")) {
			pid := truth[[2]string{src.Name, rec.SourceRecordID}]
			p := people[pid]
			if p == nil {
				t.Fatalf("%s %s: person %q not found", src.Name, rec.SourceRecordID, pid)
			}
			perPerson[pid]++
			seedRecord(&pcg, cfg.Seed, s, p.Index)
			if !includes(s, p, testToday, r) {
				t.Fatalf("%s %s: %s should not be in this source", src.Name, rec.SourceRecordID, pid)
			}
			clean := project(s, p, r)
			cFirst, _ := splitFirst(clean.GivenNames)
			nFirst, _ := splitFirst(strings.TrimSpace(rec.GivenNames))
			_, hasNick := nicknames[cFirst]
			nick := false
			for _, n := range nicknames[cFirst] {
				nick = nick || strings.EqualFold(n, nFirst)
			}
			see("nickname", hasNick, nick)
			surname := norm(rec.FamilyName) != norm(clean.FamilyName) && !oneEdit(norm(rec.FamilyName), norm(clean.FamilyName))
			see("surname change", true, surname)
			see("typo", true, oneEdit(norm(nFirst), norm(cFirst)) && !nick || oneEdit(norm(rec.FamilyName), norm(clean.FamilyName)))
			see("case", true, oneCase(rec.GivenNames) || oneCase(rec.FamilyName))
			see("whitespace", true, oddSpace(rec.GivenNames) || oddSpace(rec.FamilyName) || oddSpace(rec.Postcode))
			d := p.Child.DateOfBirth
			swapped := fmt.Sprintf("%04d-%02d-%02d", d.Year(), d.Day(), d.Month())
			see("day/month swap", d.Day() <= 12 && d.Day() != int(d.Month()), rec.DateOfBirth == swapped)
			if nd, err := domain.ParseDate("dob", rec.DateOfBirth); err == nil {
				diff := d.DaysUntil(nd)
				see("day off", true, diff == 1 || diff == -1)
			}
			stale := p.Moved && clean.Postcode != ""
			see("stale address", stale, stale && strings.TrimSpace(rec.Postcode) == p.Previous.Postcode)
			missing := false
			for _, f := range [][2]string{{rec.Gender, clean.Gender}, {rec.Town, clean.Town}, {rec.Postcode, clean.Postcode},
				{rec.Phone, clean.Phone}, {rec.NHSNumber, clean.NHSNumber}, {rec.UPN, clean.UPN}, {rec.LACode, clean.LACode},
				{rec.AddressLine1 + rec.AddressLine2, clean.AddressLine1 + clean.AddressLine2}} {
				missing = missing || f[0] == "" && f[1] != ""
			}
			see("missing field", true, missing)
			hasID := clean.NHSNumber != "" || clean.UPN != ""
			wrong := rec.NHSNumber != "" && rec.NHSNumber != clean.NHSNumber || rec.UPN != "" && rec.UPN != clean.UPN
			see("wrong identifier", hasID, wrong)
		}
		for _, k := range perPerson {
			see("duplicate", true, k > 1)
		}
	}
	for _, kind := range []string{"nickname", "surname change", "typo", "case", "whitespace", "day/month swap", "day off",
		"stale address", "missing field", "wrong identifier", "duplicate"} {
		c := got[kind]
		want := rate * float64(c.of)
		sd := math.Sqrt(want * (1 - rate))
		t.Logf("%-16s %6d of %6d (%.4f)", kind, c.hit, c.of, float64(c.hit)/float64(c.of))
		if math.Abs(float64(c.hit)-want) > 4*sd+0.15*want {
			t.Errorf("%s: %d of %d records (%.4f); want rate %.2f", kind, c.hit, c.of, float64(c.hit)/float64(c.of), rate)
		}
	}
}

func TestTypo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range []string{"Smith", "Wiśniewski", "O'Neill", "Zoë", "Li", "Van der Berg", "Smith-Jones"} {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 200; i++ {
				got := typo(name, r)
				if !oneEdit(got, name) {
					t.Fatalf("typo(%q) = %q; want one edit away", name, got)
				}
				if err := domain.ValidName("name", got); err != nil {
					t.Fatalf("typo(%q) = %q: %v", name, got, err)
				}
			}
		})
	}
}

func TestIdentifiers(t *testing.T) {
	seen := map[string]bool{}
	ids := map[string]bool{}
	for i := 0; i < 20000; i++ {
		n := nhsNumber(99, i)
		if _, err := domain.ParseNHSNumber("nhs", n); err != nil {
			t.Fatalf("nhsNumber(99, %d) = %s: %v", i, n, err)
		}
		if seen[n] {
			t.Fatalf("nhsNumber(99, %d) = %s: given twice", i, n)
		}
		seen[n] = true
		if u := upn(99, i%153, i); !validUPN(u) {
			t.Fatalf("upn(99, %d) = %s: invalid", i, u)
		}
		for k := 0; k < 2; k++ {
			id := recordID("CHB", 12345, i, k)
			if ids[id] {
				t.Fatalf("recordID(%d, %d) = %s: given twice", i, k, id)
			}
			ids[id] = true
		}
		if _, err := domain.ParseNHSNumber("nhs", randomNHS(uint64(i))); err != nil {
			t.Fatalf("randomNHS(%d): %v", i, err)
		}
		if _, err := domain.ParseUPN("upn", randomUPN(uint64(i))); err != nil {
			t.Fatalf("randomUPN(%d): %v", i, err)
		}
	}
}

func TestAppendCSVField(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"Smith", "Smith"}, {"O'Neill", "O'Neill"}, {"a,b", `"a,b"`}, {`say "hi"`, `"say ""hi"""`},
		{" Smith", `" Smith"`}, {"Smith ", `"Smith "`},
	} {
		if got := string(appendCSVField(nil, tc.in)); got != tc.want {
			t.Errorf("appendCSVField(%q) = %s; want %s", tc.in, got, tc.want)
		}
	}
}

func validUPN(u string) bool {
	_, err := domain.ValidIdentifier(domain.IdentifierUPN, u)
	return err == nil
}

// TestWriteSomeSources checks that writing only some extracts, as CSV,
// writes exactly what a full Write writes of them, and truth only for them.
func TestWriteSomeSources(t *testing.T) {
	cfg := Config{Children: 4000, Seed: 9, Today: testToday, Noise: DefaultNoise()}
	all, some := t.TempDir(), t.TempDir()
	if _, err := Write(context.Background(), cfg, all); err != nil {
		t.Fatal(err)
	}
	cfg.Sources, cfg.CSVOnly = []string{"health", "education"}, true
	st, err := Write(context.Background(), cfg, some)
	if err != nil {
		t.Fatal(err)
	}
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, src := range []string{"health", "education"} {
		if read(filepath.Join(some, "sources", src+".csv")) != read(filepath.Join(all, "sources", src+".csv")) {
			t.Errorf("%s.csv differs from the full write's", src)
		}
		if _, err := os.Stat(filepath.Join(some, "sources", src+".ndjson")); !os.IsNotExist(err) {
			t.Errorf("%s.ndjson written with CSVOnly (stat: %v)", src, err)
		}
	}
	if _, err := os.Stat(filepath.Join(some, "sources", "benefits.csv")); !os.IsNotExist(err) {
		t.Errorf("benefits.csv written though not asked for (stat: %v)", err)
	}
	var want []string
	for _, line := range strings.Split(read(filepath.Join(all, "truth.csv")), "\n") {
		if strings.HasPrefix(line, "source,") || strings.HasPrefix(line, "health,") || strings.HasPrefix(line, "education,") {
			want = append(want, line)
		}
	}
	if got := read(filepath.Join(some, "truth.csv")); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("truth.csv holds %d lines; want the full truth's %d health and education lines", strings.Count(got, "\n"), len(want))
	}
	if st.Records["benefits"] != 0 || st.Records["health"] == 0 {
		t.Errorf("stats %v; want health counted and benefits not", st.Records)
	}
	cfg.Sources = []string{"health", "dentist"}
	if _, err := Write(context.Background(), cfg, t.TempDir()); domain.ErrorField(err) != "sources" || !strings.Contains(err.Error(), "dentist") {
		t.Errorf("unknown source: got %v; want an error naming sources and dentist", err)
	}
}
