package gen

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
)

// Source indexes into Sources.
const (
	srcBenefits = iota
	srcHealth
	srcEducation
	srcLocalAuthority
	srcYouthJustice
	numSources
)

var recordPrefix = [numSources]string{"CHB", "GPR", "CEN", "LAC", "YJS"}

// seedRecord seeds r for what source src records of person idx, so that one
// person's records depend on nothing else.
func seedRecord(pcg *rand.PCG, seed uint64, src, idx int) {
	pcg.Seed(mix(seed^uint64(src)<<56), mix(uint64(idx)*numSources+uint64(src)))
}

// currentSetting returns the child's current education setting, or nil.
func currentSetting(c *domain.Child) *domain.EducationSetting {
	for i := range c.Education {
		if c.Education[i].End.IsZero() {
			return &c.Education[i]
		}
	}
	return nil
}

func hasService(c *domain.Child, kinds ...domain.ServiceType) bool {
	for _, v := range c.Involvements {
		for _, k := range kinds {
			if v.Service == k {
				return true
			}
		}
	}
	return false
}

// includes reports whether source src holds a record of p.
func includes(src int, p *Person, today domain.Date, r *rand.Rand) bool {
	c := &p.Child
	switch src {
	case srcBenefits:
		if p.Deceased || p.LeftEngland && r.Float64() < 0.7 {
			return false
		}
		return r.Float64() < 0.96
	case srcHealth:
		return len(c.Health) > 0
	case srcEducation:
		e := currentSetting(c)
		age := c.DateOfBirth.AgeOn(today)
		return e != nil && e.URN != "" && age >= 4 && age <= 16
	case srcLocalAuthority:
		return p.HomeEducated || p.MissingEducation || len(c.LeadProfessionals) > 0 || len(c.CAFs) > 0 ||
			hasService(c, domain.ServiceSocialCare, domain.ServiceEarlyHelp, domain.ServiceYouthWork, domain.ServiceVoluntarySector)
	case srcYouthJustice:
		return c.DateOfBirth.AgeOn(today) >= 10 && hasService(c, domain.ServiceYouthOffending)
	}
	return false
}

func identifier(c *domain.Child, k domain.IdentifierKind) string {
	for _, id := range c.Identifiers {
		if id.Kind == k {
			return id.Value
		}
	}
	return ""
}

func involvementsOf(c *domain.Child, kinds ...domain.ServiceType) []feed.Involvement {
	var out []feed.Involvement
	for _, v := range c.Involvements {
		for _, k := range kinds {
			if v.Service == k {
				out = append(out, feed.Involvement{Service: string(v.Service), Organisation: v.Organisation,
					PractitionerName: v.PractitionerName, Role: v.Role, Contact: v.Contact,
					Start: v.Start.String(), End: v.End.String()})
			}
		}
	}
	return out
}

func parentsOf(c *domain.Child, n int) []feed.Parent {
	if n > len(c.Parents) {
		n = len(c.Parents)
	}
	out := make([]feed.Parent, n)
	for i := range out {
		p := &c.Parents[i]
		// Parents live with the child here, so sources send no second
		// copy of the address.
		out[i] = feed.Parent{Name: p.Name, Relationship: p.Relationship, ParentalResponsibility: p.ParentalResponsibility,
			Contact: domain.Contact{Phone: p.Contact.Phone, Email: p.Contact.Email}}
	}
	return out
}

// phoneAndEmail drops a setting's address: sources name a school or GP
// practice by its code and give only how to reach it.
func phoneAndEmail(c domain.Contact) domain.Contact {
	return domain.Contact{Phone: c.Phone, Email: c.Email}
}

// project returns the clean record source src holds of p: what the
// source would send if it made no mistakes.
func project(src int, p *Person, r *rand.Rand) feed.Record {
	c := &p.Child
	rec := feed.Record{
		GivenNames:    c.GivenNames,
		FamilyName:    c.FamilyName,
		DateOfBirth:   c.DateOfBirth.String(),
		LACode:        c.LACode,
		AddressStatus: string(c.AddressStatus),
		ReturnIntent:  string(c.ReturnIntent),
	}
	if c.Gender != domain.GenderNotSpecified {
		rec.Gender = string(c.Gender)
	}
	if src != srcBenefits {
		rec.FormerFamilyNames = c.FormerFamilyNames
	}
	if c.AddressStatus != domain.AddressNone && len(c.Addresses) > 0 {
		a := c.Addresses[0]
		rec.AddressLine1, rec.AddressLine2, rec.Town, rec.Postcode = a.Line1, a.Line2, a.Town, a.Postcode
		rec.LACode = a.LACode
	}
	parentPhone := ""
	if len(c.Parents) > 0 {
		parentPhone = c.Parents[0].Contact.Phone
	}
	nhs := identifier(c, domain.IdentifierNHS)
	upn := identifier(c, domain.IdentifierUPN)
	switch src {
	case srcBenefits:
		rec.Phone = parentPhone
		rec.Parents = parentsOf(c, 1)
	case srcHealth:
		if r.Float64() < 0.6 {
			rec.Phone = parentPhone
		}
		rec.NHSNumber = nhs
		rec.DateOfDeath = c.DateOfDeath.String()
		h := &c.Health[0]
		rec.GP = &feed.GP{Name: h.Name, ODSCode: h.ODSCode, Contact: phoneAndEmail(h.Contact), Start: h.Start.String(), End: h.End.String()}
		rec.Involvements = involvementsOf(c, domain.ServiceHealthVisiting, domain.ServiceSchoolNursing, domain.ServiceCAMHS)
	case srcEducation:
		if r.Float64() < 0.8 {
			rec.Phone = parentPhone
		}
		rec.UPN = upn
		if e := currentSetting(c); e != nil {
			rec.Education = &feed.Education{Name: e.Name, URN: e.URN, Contact: phoneAndEmail(e.Contact), Start: e.Start.String()}
		}
		rec.Parents = parentsOf(c, 2)
	case srcLocalAuthority:
		if r.Float64() < 0.7 {
			rec.Phone = parentPhone
		}
		if r.Float64() < 0.6 {
			rec.NHSNumber = nhs
		}
		if r.Float64() < 0.5 {
			rec.UPN = upn
		}
		rec.DateOfDeath = c.DateOfDeath.String()
		rec.Parents = parentsOf(c, 2)
		rec.Involvements = involvementsOf(c, domain.ServiceSocialCare, domain.ServiceEarlyHelp, domain.ServiceYouthWork, domain.ServiceVoluntarySector)
		for _, l := range c.LeadProfessionals {
			if l.End.IsZero() {
				rec.LeadProfessional = &feed.LeadProfessional{Name: l.Name, Organisation: l.Organisation, Role: l.Role, Contact: l.Contact, Start: l.Start.String()}
			}
		}
		if len(c.CAFs) > 0 {
			f := c.CAFs[0]
			rec.CAF = &feed.CAF{Undertaken: f.Undertaken.String(), HolderName: f.HolderName, Organisation: f.Organisation, Contact: f.Contact, End: f.End.String()}
		}
		if p.HomeEducated {
			rec.Education = &feed.Education{HomeEducated: true, Start: c.Education[0].Start.String()}
		}
	case srcYouthJustice:
		if r.Float64() < 0.5 {
			rec.Phone = parentPhone
		}
		if r.Float64() < 0.3 {
			rec.NHSNumber = nhs
		}
		if r.Float64() < 0.2 {
			rec.UPN = upn
		}
		rec.Parents = parentsOf(c, 2)
		rec.Involvements = involvementsOf(c, domain.ServiceYouthOffending)
	}
	return rec
}

// Noise kinds, in the order they are applied; applied is a bit set of them.
const (
	nSurname = 1 << iota
	nNickname
	nTypo
	nCase
	nWhitespace
	nSwap
	nDayOff
	nStale
	nMissing
	nWrongID
)

// addNoise puts errors into rec (a copy of a clean record) at the rates.
func addNoise(rec *feed.Record, p *Person, seed uint64, rt *Rates, r *rand.Rand) (applied int) {
	if rt.SurnameChange > 0 && r.Float64() < rt.SurnameChange {
		alt := surnames[surnameW.draw(r)]
		if alt == rec.FamilyName {
			alt = surnames[(surnameW.draw(r)+1)%len(surnames)]
		}
		if r.Float64() < 0.5 {
			rec.FormerFamilyNames = append(append([]string(nil), rec.FormerFamilyNames...), rec.FamilyName)
		}
		rec.FamilyName = alt
		applied |= nSurname
	}
	if rt.Nickname > 0 {
		first, rest := splitFirst(rec.GivenNames)
		if alts, ok := nicknames[first]; ok && r.Float64() < rt.Nickname {
			rec.GivenNames = alts[r.IntN(len(alts))] + rest
			applied |= nNickname
		}
	}
	if rt.Typo > 0 && r.Float64() < rt.Typo {
		if r.IntN(2) == 0 {
			first, rest := splitFirst(rec.GivenNames)
			rec.GivenNames = typo(first, r) + rest
		} else {
			rec.FamilyName = typo(rec.FamilyName, r)
		}
		applied |= nTypo
	}
	if rt.Case > 0 && r.Float64() < rt.Case {
		f := &rec.FamilyName
		if r.IntN(2) == 0 {
			f = &rec.GivenNames
		}
		if r.IntN(3) == 0 {
			*f = strings.ToLower(*f)
		} else {
			*f = strings.ToUpper(*f)
		}
		applied |= nCase
	}
	if rt.Whitespace > 0 && r.Float64() < rt.Whitespace {
		f := &rec.FamilyName
		switch r.IntN(3) {
		case 0:
			f = &rec.GivenNames
		case 1:
			if rec.Postcode != "" {
				f = &rec.Postcode
			}
		}
		switch r.IntN(3) {
		case 0:
			*f = " " + *f
		case 1:
			*f += " "
		default:
			if i := strings.IndexByte(*f, ' '); i > 0 {
				*f = (*f)[:i] + " " + (*f)[i:]
			} else {
				*f = "  " + *f
			}
		}
		applied |= nWhitespace
	}
	dob := p.Child.DateOfBirth
	if rt.SwapDayMonth > 0 && dob.Day() <= 12 && dob.Day() != int(dob.Month()) && r.Float64() < rt.SwapDayMonth {
		b := []byte(rec.DateOfBirth)
		b[5], b[6], b[8], b[9] = b[8], b[9], b[5], b[6]
		rec.DateOfBirth = string(b)
		applied |= nSwap
	}
	if rt.DayOff > 0 && r.Float64() < rt.DayOff {
		d := domain.MustDate(rec.DateOfBirth)
		if r.IntN(2) == 0 {
			d = d.AddDays(-1)
		} else {
			d = d.AddDays(1)
		}
		rec.DateOfBirth = d.String()
		applied |= nDayOff
	}
	if rt.StaleAddress > 0 && p.Moved && rec.Postcode != "" && r.Float64() < rt.StaleAddress {
		a := p.Previous
		rec.AddressLine1, rec.AddressLine2, rec.Town, rec.Postcode, rec.LACode = a.Line1, a.Line2, a.Town, a.Postcode, a.LACode
		applied |= nStale
	}
	if rt.MissingField > 0 && r.Float64() < rt.MissingField {
		fields := [...]*string{&rec.Gender, &rec.AddressLine1, &rec.Town, &rec.Postcode, &rec.Phone, &rec.NHSNumber, &rec.UPN, &rec.LACode}
		var present [len(fields)]int
		n := 0
		for i, f := range fields {
			if *f != "" {
				present[n] = i
				n++
			}
		}
		if n > 0 {
			i := present[r.IntN(n)]
			*fields[i] = ""
			if i == 1 { // the whole first line: the second moves up or goes too
				rec.AddressLine1, rec.AddressLine2 = rec.AddressLine2, ""
			}
			applied |= nMissing
		}
	}
	if rt.WrongIdentifier > 0 && (rec.NHSNumber != "" || rec.UPN != "") && r.Float64() < rt.WrongIdentifier {
		other := p.Index + 1
		if r.IntN(2) == 0 && p.Index > 0 {
			other = p.Index - 1
		}
		if rec.NHSNumber != "" {
			if r.IntN(2) == 0 {
				rec.NHSNumber = nhsNumber(seed, other) // often a sibling's
			} else {
				rec.NHSNumber = randomNHS(r.Uint64())
			}
		} else {
			rec.UPN = randomUPN(r.Uint64())
		}
		applied |= nWrongID
	}
	return applied
}

func splitFirst(s string) (first, rest string) {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

const typoLetters = "abcdefghijklmnopqrstuvwxyz"

// typo makes one typing error in s: a letter substituted, deleted,
// inserted or two neighbours transposed. The result is still a name.
func typo(s string, r *rand.Rand) string {
	rs := []rune(s)
	if len(rs) < 2 {
		return s + string(rune(typoLetters[r.IntN(26)]))
	}
	letter := func(old rune) rune {
		for {
			c := rune(typoLetters[r.IntN(26)])
			if unicode.IsUpper(old) {
				c = unicode.ToUpper(c)
			}
			if c != old {
				return c
			}
		}
	}
	i := 1 + r.IntN(len(rs)-1) // keep the initial, as most typists do
	switch r.IntN(4) {
	case 0:
		if unicode.IsLetter(rs[i]) {
			rs[i] = letter(rs[i])
			break
		}
		fallthrough
	case 1:
		if len(rs) > 2 {
			rs = append(rs[:i], rs[i+1:]...)
			break
		}
		fallthrough
	case 2:
		rs = append(rs[:i], append([]rune{letter(0)}, rs[i:]...)...)
	default:
		j := i - 1
		if rs[i] == rs[j] || j == 0 {
			if i+1 < len(rs) && rs[i] != rs[i+1] {
				j = i + 1
			} else {
				rs[i] = letter(rs[i])
				break
			}
		}
		rs[i], rs[j] = rs[j], rs[i]
	}
	out := string(rs)
	if !utf8.ValidString(out) || out == s {
		return s + "e"
	}
	return out
}
