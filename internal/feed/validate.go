package feed

import (
	"fmt"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Parsed is a source record that passed validation: what the source says of
// one child, in the domain's terms. Items carry the source's provenance.
type Parsed struct {
	Line           int
	SourceRecordID string
	NHSNumber      string // canonical; empty when absent or dropped
	UPN            string // canonical; empty when absent or dropped
	// Child holds the demographics and the nested items. Its ID is empty:
	// matching decides which child the record describes.
	Child domain.Child
}

// Warning is a bad optional value that was kept out of a record that was
// otherwise accepted.
type Warning struct {
	Line    int
	Field   string
	Message string
}

func (w Warning) String() string {
	return fmt.Sprintf("line %d: %s: %s (value dropped)", w.Line, w.Field, w.Message)
}

// Validate checks rec on the date today. A broken mandatory rule returns a
// *RowError naming the field, and the row is rejected; a bad optional value
// is dropped with a Warning and the row is kept.
func Validate(rec Record, line int, source string, today domain.Date) (*Parsed, []Warning, error) {
	v := validator{line: line}
	p := &Parsed{Line: line}
	reject := func(err error) (*Parsed, []Warning, error) {
		return nil, nil, &RowError{Line: line, Err: err}
	}

	id, err := domain.ValidIdentifier(domain.IdentifierSourceRecord, rec.SourceRecordID)
	if err != nil {
		return reject(err)
	}
	p.SourceRecordID = id
	c := &p.Child
	c.GivenNames = collapse(rec.GivenNames)
	if err := domain.ValidName("given_names", c.GivenNames); err != nil {
		return reject(err)
	}
	c.FamilyName = collapse(rec.FamilyName)
	if err := domain.ValidName("family_name", c.FamilyName); err != nil {
		return reject(err)
	}
	if rec.DateOfBirth == "" {
		return reject(domain.FieldError("date_of_birth", "is required"))
	}
	if c.DateOfBirth, err = domain.ParseDate("date_of_birth", rec.DateOfBirth); err != nil {
		return reject(err)
	}
	if err := domain.ValidBirthDate("date_of_birth", c.DateOfBirth, today); err != nil {
		return reject(err)
	}

	for _, n := range rec.FormerFamilyNames {
		n = collapse(n)
		if v.ok(domain.ValidName("former_family_names", n)) {
			c.FormerFamilyNames = append(c.FormerFamilyNames, n)
		}
	}
	c.Gender = domain.GenderNotSpecified
	if g, err := domain.ParseGender("gender", rec.Gender); v.ok(err) {
		c.Gender = g
	}
	if rec.NHSNumber != "" {
		if n, err := domain.ParseNHSNumber("nhs_number", rec.NHSNumber); v.ok(err) {
			p.NHSNumber = n
		}
	}
	if rec.UPN != "" {
		if u, err := domain.ParseUPN("upn", rec.UPN); v.ok(err) {
			p.UPN = u
		}
	}
	if rec.LACode != "" {
		if _, ok := domain.LookupLA(rec.LACode); ok {
			c.LACode = rec.LACode
		} else {
			v.warn("la_code", fmt.Sprintf("%q is not the GSS code of an English local authority", rec.LACode))
		}
	}
	if rec.DateOfDeath != "" {
		if d, err := domain.ParseDate("date_of_death", rec.DateOfDeath); v.ok(err) {
			if d.Before(c.DateOfBirth) || d.After(today) {
				v.warn("date_of_death", d.String()+" must fall between the date of birth and today")
			} else {
				c.DateOfDeath = d
			}
		}
	}

	addr := v.address("address", domain.Address{Line1: rec.AddressLine1, Line2: rec.AddressLine2, Town: rec.Town, Postcode: rec.Postcode})
	status := domain.AddressStatus(rec.AddressStatus)
	switch status {
	case "":
		status = domain.AddressNone
		if !addr.IsZero() {
			status = domain.AddressCurrent
		}
	case domain.AddressCurrent, domain.AddressLastKnown, domain.AddressNone:
	case domain.AddressLeftEngland:
		switch domain.ReturnIntent(rec.ReturnIntent) {
		case domain.ReturnYes, domain.ReturnNo, domain.ReturnNotKnown:
			c.ReturnIntent = domain.ReturnIntent(rec.ReturnIntent)
		case "":
			c.ReturnIntent = domain.ReturnNotKnown
		default:
			v.warn("return_intent", fmt.Sprintf("%q must be yes, no or not-known", rec.ReturnIntent))
			c.ReturnIntent = domain.ReturnNotKnown
		}
	default:
		v.warn("address_status", fmt.Sprintf("%q must be current, last-known, none or left-england", rec.AddressStatus))
		status = domain.AddressNone
		if !addr.IsZero() {
			status = domain.AddressCurrent
		}
	}
	if (status == domain.AddressCurrent || status == domain.AddressLastKnown) && addr.IsZero() {
		v.warn("address_status", string(status)+" needs an address")
		status = domain.AddressNone
	}
	c.AddressStatus = status
	if !addr.IsZero() {
		a := domain.ChildAddress{Address: addr, LACode: c.LACode}
		if status == domain.AddressLastKnown || status == domain.AddressLeftEngland || status == domain.AddressNone {
			a.To = today // no longer lived at
		}
		c.Addresses = append(c.Addresses, a)
	}
	if rec.Phone != "" {
		if _, err := domain.ParsePhone("phone", rec.Phone); v.ok(err) {
			// A child's own phone is not an item the directory holds; the
			// household's goes on the first parent when there is one.
			if len(rec.Parents) > 0 && rec.Parents[0].Contact.Phone == "" {
				rec.Parents[0].Contact.Phone = rec.Phone
			}
		}
	}

	prov := domain.Provenance{Source: source}
	for i, pr := range rec.Parents {
		f := fmt.Sprintf("parents[%d]", i)
		par := domain.Parent{Name: collapse(pr.Name), Relationship: collapse(pr.Relationship),
			ParentalResponsibility: pr.ParentalResponsibility, Contact: v.contact(f+".contact", pr.Contact), Provenance: prov}
		if v.ok(domain.ValidName(f+".name", par.Name)) && v.ok(domain.ValidText(f+".relationship", par.Relationship, domain.MaxShortLen)) {
			c.Parents = append(c.Parents, par)
		}
	}
	if e := rec.Education; e != nil {
		s := domain.EducationSetting{Name: collapse(e.Name), URN: strings.TrimSpace(e.URN), HomeEducated: e.HomeEducated,
			Contact: v.contact("education.contact", e.Contact), Provenance: prov}
		s.Start, s.End = v.period("education", e.Start, e.End)
		switch {
		case s.URN != "" && !v.ok(domain.ValidURN("education.urn", s.URN)):
			s.URN = ""
		}
		if !s.HomeEducated && s.Name == "" {
			v.warn("education.name", "is required (or home_educated)")
		} else if v.ok(domain.ValidText("education.name", s.Name, domain.MaxShortLen)) {
			c.Education = append(c.Education, s)
		}
	}
	if g := rec.GP; g != nil {
		h := domain.HealthProvider{Name: collapse(g.Name), ODSCode: strings.ToUpper(strings.TrimSpace(g.ODSCode)),
			Contact: v.contact("gp.contact", g.Contact), Provenance: prov}
		h.Start, h.End = v.period("gp", g.Start, g.End)
		if h.ODSCode != "" && !v.ok(domain.ValidODSCode("gp.ods_code", h.ODSCode)) {
			h.ODSCode = ""
		}
		if h.Name == "" {
			v.warn("gp.name", "is required")
		} else if v.ok(domain.ValidText("gp.name", h.Name, domain.MaxShortLen)) {
			c.Health = append(c.Health, h)
		}
	}
	for i, in := range rec.Involvements {
		f := fmt.Sprintf("involvements[%d]", i)
		iv := domain.Involvement{Service: domain.ServiceType(strings.TrimSpace(in.Service)), Organisation: collapse(in.Organisation),
			PractitionerName: collapse(in.PractitionerName), Role: collapse(in.Role), Contact: v.contact(f+".contact", in.Contact), Provenance: prov}
		iv.Start, iv.End = v.period(f, in.Start, in.End)
		if v.ok(iv.Validate()) {
			c.Involvements = append(c.Involvements, iv)
		}
	}
	if l := rec.LeadProfessional; l != nil {
		lp := domain.LeadProfessional{Name: collapse(l.Name), Organisation: collapse(l.Organisation), Role: collapse(l.Role),
			Contact: v.contact("lead_professional.contact", l.Contact), Provenance: prov}
		lp.Start, lp.End = v.period("lead_professional", l.Start, l.End)
		if v.ok(domain.ValidName("lead_professional.name", lp.Name)) && v.ok(domain.ValidText("lead_professional.organisation", lp.Organisation, domain.MaxShortLen)) {
			c.LeadProfessionals = append(c.LeadProfessionals, lp)
		}
	}
	if f := rec.CAF; f != nil {
		cf := domain.CAF{HolderName: collapse(f.HolderName), Organisation: collapse(f.Organisation),
			Contact: v.contact("caf.contact", f.Contact), Provenance: prov}
		cf.Undertaken, cf.End = v.period("caf", f.Undertaken, f.End)
		if v.ok(domain.ValidName("caf.holder_name", cf.HolderName)) && v.ok(domain.ValidText("caf.organisation", cf.Organisation, domain.MaxShortLen)) {
			c.CAFs = append(c.CAFs, cf)
		}
	}
	for i := range c.Addresses {
		c.Addresses[i].Provenance = prov
	}
	return p, v.warnings, nil
}

// validator collects warnings for dropped optional values.
type validator struct {
	line     int
	warnings []Warning
}

func (v *validator) warn(field, msg string) {
	v.warnings = append(v.warnings, Warning{Line: v.line, Field: field, Message: msg})
}

// ok records err (an optional value's failure) as a warning and reports
// whether there was none.
func (v *validator) ok(err error) bool {
	if err == nil {
		return true
	}
	field := domain.ErrorField(err)
	msg := domain.ErrorMessage(err)
	msg = strings.TrimPrefix(msg, field+": ")
	v.warn(field, msg)
	return false
}

func (v *validator) address(field string, a domain.Address) domain.Address {
	a = domain.Address{Line1: collapse(a.Line1), Line2: collapse(a.Line2), Town: collapse(a.Town), Postcode: strings.TrimSpace(a.Postcode)}
	if a.Postcode != "" {
		if pc, err := domain.ParsePostcode(field+".postcode", a.Postcode); v.ok(err) {
			a.Postcode = pc
		} else {
			a.Postcode = ""
		}
	}
	for _, p := range []*string{&a.Line1, &a.Line2, &a.Town} {
		if !v.ok(domain.ValidText(field, *p, domain.MaxShortLen)) {
			*p = ""
		}
	}
	return a
}

func (v *validator) contact(field string, c domain.Contact) domain.Contact {
	out := domain.Contact{Address: v.address(field+".address", c.Address)}
	if c.Phone != "" {
		if p, err := domain.ParsePhone(field+".phone", c.Phone); v.ok(err) {
			out.Phone = p
		}
	}
	if c.Email != "" {
		if v.ok(domain.ValidContact(field, domain.Contact{Email: strings.TrimSpace(c.Email)})) {
			out.Email = strings.TrimSpace(c.Email)
		}
	}
	return out
}

func (v *validator) period(field, start, end string) (domain.Date, domain.Date) {
	s, err := domain.ParseDate(field+".start", start)
	if !v.ok(err) {
		s = domain.Date{}
	}
	e, err := domain.ParseDate(field+".end", end)
	if !v.ok(err) {
		e = domain.Date{}
	}
	if !s.IsZero() && !e.IsZero() && e.Before(s) {
		v.warn(field+".end", e.String()+" is before the start "+s.String())
		e = domain.Date{}
	}
	return s, e
}

// collapse trims and folds runs of white space, which sources send freely.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
