package domain

import (
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Gender is how a child's gender is recorded.
type Gender string

const (
	GenderMale         Gender = "male"
	GenderFemale       Gender = "female"
	GenderOther        Gender = "other"
	GenderNotSpecified Gender = "not-specified"
)

// ParseGender accepts male, female, other, and unknown, not specified or
// empty (all "not specified"), in any case.
func ParseGender(field, s string) (Gender, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "male", "m":
		return GenderMale, nil
	case "female", "f":
		return GenderFemale, nil
	case "other":
		return GenderOther, nil
	case "", "unknown", "not-specified", "not specified", "u":
		return GenderNotSpecified, nil
	}
	return "", FieldError(field, "%q is not a gender: use male, female, other or unknown", s)
}

// AddressStatus says what is known of where a child lives.
type AddressStatus string

const (
	AddressCurrent     AddressStatus = "current"      // one or more current addresses
	AddressLastKnown   AddressStatus = "last-known"   // the child has moved on; this is the last we knew
	AddressNone        AddressStatus = "none"         // no known address
	AddressLeftEngland AddressStatus = "left-england" // see ReturnIntent
)

// ReturnIntent records whether a child who left England intends to return
// within three years.
type ReturnIntent string

const (
	ReturnYes      ReturnIntent = "yes"
	ReturnNo       ReturnIntent = "no"
	ReturnNotKnown ReturnIntent = "not-known"
)

// Address is a postal address in England.
type Address struct {
	Line1    string `json:"line_1,omitempty"`
	Line2    string `json:"line_2,omitempty"`
	Town     string `json:"town,omitempty"`
	Postcode string `json:"postcode,omitempty"`
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool { return a == Address{} }

// Contact is how to reach a person or a setting.
type Contact struct {
	Phone   string  `json:"phone,omitempty"`
	Email   string  `json:"email,omitempty"`
	Address Address `json:"address,omitzero"`
}

// Provenance says which source supplied an item and when. Items entered by
// a practitioner carry the source "contactpoint" and the user's ID.
type Provenance struct {
	Source   string    `json:"source,omitempty"`
	User     string    `json:"user,omitempty"`
	Recorded time.Time `json:"recorded,omitzero"`
}

// ChildAddress is an address a child lives or lived at. To is zero while it
// is current.
type ChildAddress struct {
	ID string `json:"id,omitempty"`
	Address
	LACode string `json:"la_code,omitempty"`
	From   Date   `json:"from,omitzero"`
	To     Date   `json:"to,omitzero"`
	Provenance
}

// Parent is a parent or carer.
type Parent struct {
	ID                     string  `json:"id,omitempty"`
	Name                   string  `json:"name"`
	Relationship           string  `json:"relationship"`
	ParentalResponsibility bool    `json:"parental_responsibility"`
	Contact                Contact `json:"contact,omitzero"`
	Provenance
}

// EducationSetting is a school or other setting, or elective home education
// (HomeEducated, with no URN): a recorded state, not a missing setting.
type EducationSetting struct {
	ID           string  `json:"id,omitempty"`
	Name         string  `json:"name,omitempty"`
	URN          string  `json:"urn,omitempty"` // DfE unique reference number, six digits
	HomeEducated bool    `json:"home_educated,omitempty"`
	Contact      Contact `json:"contact,omitzero"`
	Start        Date    `json:"start,omitzero"`
	End          Date    `json:"end,omitzero"`
	Provenance
}

// HealthProvider is a GP practice.
type HealthProvider struct {
	ID      string  `json:"id,omitempty"`
	Name    string  `json:"name"`
	ODSCode string  `json:"ods_code,omitempty"`
	Contact Contact `json:"contact,omitzero"`
	Start   Date    `json:"start,omitzero"`
	End     Date    `json:"end,omitzero"`
	Provenance
}

// ServiceType is one of a fixed list of services that may be involved.
type ServiceType string

const (
	ServiceSocialCare      ServiceType = "social-care"
	ServiceEarlyHelp       ServiceType = "early-help"
	ServiceYouthOffending  ServiceType = "youth-offending-team"
	ServiceYouthWork       ServiceType = "youth-work"
	ServiceSchoolNursing   ServiceType = "school-nursing"
	ServiceHealthVisiting  ServiceType = "health-visiting"
	ServiceCAMHS           ServiceType = "camhs"
	ServicePolice          ServiceType = "police"
	ServiceVoluntarySector ServiceType = "voluntary-sector"
	ServiceOther           ServiceType = "other"

	// Sensitive services: recorded only with a basis (consent or
	// significant harm), and shown in detail only to the child's
	// authority's data managers.
	ServiceSexualHealth    ServiceType = "sexual-health"
	ServiceMentalHealth    ServiceType = "mental-health"
	ServiceSubstanceMisuse ServiceType = "substance-misuse"

	// ServiceSensitive is what others see in place of a sensitive
	// service: that one is involved, not which. It is never stored.
	ServiceSensitive ServiceType = "sensitive"
)

// ServiceTypes lists every service type in display order.
var ServiceTypes = []ServiceType{
	ServiceSocialCare, ServiceEarlyHelp, ServiceYouthOffending, ServiceYouthWork,
	ServiceSchoolNursing, ServiceHealthVisiting, ServiceCAMHS, ServicePolice,
	ServiceVoluntarySector, ServiceOther,
	ServiceSexualHealth, ServiceMentalHealth, ServiceSubstanceMisuse,
}

var serviceLabels = map[ServiceType]string{
	ServiceSocialCare:      "Social care",
	ServiceEarlyHelp:       "Early help",
	ServiceYouthOffending:  "Youth offending team",
	ServiceYouthWork:       "Youth work",
	ServiceSchoolNursing:   "School nursing",
	ServiceHealthVisiting:  "Health visiting",
	ServiceCAMHS:           "CAMHS",
	ServicePolice:          "Police",
	ServiceVoluntarySector: "Voluntary sector",
	ServiceOther:           "Other",
	ServiceSexualHealth:    "Sexual health",
	ServiceMentalHealth:    "Mental health",
	ServiceSubstanceMisuse: "Substance misuse",
}

// Label returns the service type as people read it.
func (s ServiceType) Label() string {
	if s == ServiceSensitive {
		return "A sensitive service"
	}
	return serviceLabels[s]
}

// Sensitive reports whether the service is one whose involvement is
// recorded only with a basis and shown in detail only to the child's
// authority.
func (s ServiceType) Sensitive() bool {
	switch s {
	case ServiceSexualHealth, ServiceMentalHealth, ServiceSubstanceMisuse, ServiceSensitive:
		return true
	}
	return false
}

// Basis is the lawful basis on which a sensitive service's involvement is
// recorded.
type Basis string

const (
	BasisConsent         Basis = "consent"          // the young person (or parent) consented
	BasisSignificantHarm Basis = "significant-harm" // without consent, to protect from significant harm
)

// ParseBasis validates a basis; empty is allowed (and means none).
func ParseBasis(field, s string) (Basis, error) {
	switch b := Basis(strings.TrimSpace(s)); b {
	case "", BasisConsent, BasisSignificantHarm:
		return b, nil
	}
	return "", FieldError(field, "%q is not a basis: use consent or significant-harm", s)
}

// ParseServiceType validates a service type.
func ParseServiceType(field, s string) (ServiceType, error) {
	st := ServiceType(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := serviceLabels[st]; ok {
		return st, nil
	}
	return "", FieldError(field, "%q is not a service type: use one of %s", s, joinServiceTypes())
}

func joinServiceTypes() string {
	var b strings.Builder
	for i, s := range ServiceTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// Involvement is another service working with the child.
type Involvement struct {
	ID               string      `json:"id,omitempty"`
	Service          ServiceType `json:"service"`
	Organisation     string      `json:"organisation"`
	PractitionerName string      `json:"practitioner_name,omitempty"`
	Role             string      `json:"role,omitempty"`
	Contact          Contact     `json:"contact,omitzero"`
	Start            Date        `json:"start,omitzero"`
	End              Date        `json:"end,omitzero"`
	// Basis is required for a sensitive service and refused for others.
	Basis Basis `json:"basis,omitempty"`
	// Restricted says the details were withheld from the reader: only that
	// a sensitive service is involved, and the authority's team to ask.
	Restricted bool `json:"restricted,omitempty"`
	Provenance
}

// LeadProfessional is the practitioner who coordinates support. At most one
// is current (End zero) at a time; earlier ones are kept as history.
type LeadProfessional struct {
	ID           string  `json:"id,omitempty"`
	Name         string  `json:"name"`
	Organisation string  `json:"organisation,omitempty"`
	Role         string  `json:"role,omitempty"`
	Contact      Contact `json:"contact,omitzero"`
	Start        Date    `json:"start,omitzero"`
	End          Date    `json:"end,omitzero"`
	Provenance
}

// CAF records that a Common Assessment Framework assessment has been
// undertaken and who holds it. The assessment itself is never held here.
type CAF struct {
	ID           string  `json:"id,omitempty"`
	Undertaken   Date    `json:"undertaken,omitzero"`
	HolderName   string  `json:"holder_name"`
	Organisation string  `json:"organisation,omitempty"`
	Contact      Contact `json:"contact,omitzero"`
	End          Date    `json:"end,omitzero"`
	Provenance
}

// Identifier is an identifier a source gave a child. Value is in clear only
// on input and when shown back to the source that supplied it; the store
// keeps a keyed hash for look-up and a sealed copy for that source.
type Identifier struct {
	Kind   IdentifierKind `json:"kind"`
	Source string         `json:"source"`
	Value  string         `json:"value,omitempty"`
}

// Child is one child's record: who they are, where they live, and who else
// is working with them. It holds no case information.
type Child struct {
	ID                ID                 `json:"contactpoint_id"`
	GivenNames        string             `json:"given_names"`
	FamilyName        string             `json:"family_name"`
	FormerFamilyNames []string           `json:"former_family_names,omitempty"`
	Gender            Gender             `json:"gender"`
	DateOfBirth       Date               `json:"date_of_birth"`
	DateOfDeath       Date               `json:"date_of_death,omitzero"`
	AddressStatus     AddressStatus      `json:"address_status"`
	ReturnIntent      ReturnIntent       `json:"return_intent,omitempty"`
	Addresses         []ChildAddress     `json:"addresses,omitempty"`
	LACode            string             `json:"la_code"` // the responsible local authority
	Parents           []Parent           `json:"parents,omitempty"`
	Education         []EducationSetting `json:"education,omitempty"`
	Health            []HealthProvider   `json:"health,omitempty"`
	Involvements      []Involvement      `json:"involvements,omitempty"`
	LeadProfessionals []LeadProfessional `json:"lead_professionals,omitempty"`
	CAFs              []CAF              `json:"cafs,omitempty"`
	Identifiers       []Identifier       `json:"identifiers,omitempty"`
	// Restriction, when set, says what was withheld from the reader and
	// whom to ask (a shield, an archived record); set by the record
	// service, never stored.
	Restriction *Restriction `json:"restriction,omitempty"`
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at,omitzero"`
	UpdatedAt   time.Time    `json:"updated_at,omitzero"`
}

// LogValue keeps a child's details out of the logs: only the ID is logged.
func (c *Child) LogValue() slog.Value {
	return slog.GroupValue(slog.String("contactpoint_id", string(c.ID)))
}

// MaxAge is the age at which a child leaves the directory.
const MaxAge = 18

// Limits on what may be typed, so no field can carry case notes.
const (
	MaxNameLen  = 100
	MaxShortLen = 200
)

// Validate checks every rule a child's record must keep on the date today.
// It returns the first EInvalid error, naming the field.
func (c *Child) Validate(today Date) error {
	if err := ValidName("given_names", c.GivenNames); err != nil {
		return err
	}
	if err := ValidName("family_name", c.FamilyName); err != nil {
		return err
	}
	for _, n := range c.FormerFamilyNames {
		if err := ValidName("former_family_names", n); err != nil {
			return err
		}
	}
	if _, err := ParseGender("gender", string(c.Gender)); err != nil || c.Gender == "" {
		return FieldError("gender", "%q is not a gender: use male, female, other or not-specified", c.Gender)
	}
	if err := ValidBirthDate("date_of_birth", c.DateOfBirth, today); err != nil {
		return err
	}
	if !c.DateOfDeath.IsZero() {
		if c.DateOfDeath.Before(c.DateOfBirth) || c.DateOfDeath.After(today) {
			return FieldError("date_of_death", "%s must fall between the date of birth and today", c.DateOfDeath)
		}
	}
	if c.LACode != "" {
		if _, ok := LookupLA(c.LACode); !ok {
			return FieldError("la_code", "%q is not the GSS code of an English local authority", c.LACode)
		}
	}
	if err := c.validateAddresses(); err != nil {
		return err
	}
	for i := range c.Parents {
		p := &c.Parents[i]
		if err := ValidName("parents.name", p.Name); err != nil {
			return err
		}
		if err := ValidText("parents.relationship", p.Relationship, MaxShortLen); err != nil {
			return err
		}
		if err := ValidContact("parents.contact", p.Contact); err != nil {
			return err
		}
	}
	for i := range c.Education {
		e := &c.Education[i]
		if !e.HomeEducated {
			if err := ValidText("education.name", e.Name, MaxShortLen); err != nil {
				return err
			}
			if e.Name == "" {
				return FieldError("education.name", "is required (or record elective home education)")
			}
		}
		if e.URN != "" {
			if err := ValidURN("education.urn", e.URN); err != nil {
				return err
			}
		}
		if err := validPeriod("education", e.Start, e.End); err != nil {
			return err
		}
		if err := ValidContact("education.contact", e.Contact); err != nil {
			return err
		}
	}
	for i := range c.Health {
		h := &c.Health[i]
		if h.Name == "" {
			return FieldError("health.name", "is required")
		}
		if err := ValidText("health.name", h.Name, MaxShortLen); err != nil {
			return err
		}
		if h.ODSCode != "" {
			if err := ValidODSCode("health.ods_code", h.ODSCode); err != nil {
				return err
			}
		}
		if err := validPeriod("health", h.Start, h.End); err != nil {
			return err
		}
		if err := ValidContact("health.contact", h.Contact); err != nil {
			return err
		}
	}
	for i := range c.Involvements {
		if err := c.Involvements[i].Validate(); err != nil {
			return err
		}
	}
	current := 0
	for i := range c.LeadProfessionals {
		l := &c.LeadProfessionals[i]
		if err := ValidName("lead_professional.name", l.Name); err != nil {
			return err
		}
		if err := validPeriod("lead_professional", l.Start, l.End); err != nil {
			return err
		}
		if err := ValidContact("lead_professional.contact", l.Contact); err != nil {
			return err
		}
		if l.End.IsZero() {
			current++
		}
	}
	if current > 1 {
		return FieldError("lead_professional", "a child has at most one current lead professional, found %d", current)
	}
	for i := range c.CAFs {
		f := &c.CAFs[i]
		if err := ValidName("caf.holder_name", f.HolderName); err != nil {
			return err
		}
		if err := ValidContact("caf.contact", f.Contact); err != nil {
			return err
		}
	}
	for _, id := range c.Identifiers {
		if _, err := ValidIdentifier(id.Kind, id.Value); err != nil {
			return err
		}
	}
	return nil
}

func (c *Child) validateAddresses() error {
	current := 0
	for i := range c.Addresses {
		a := &c.Addresses[i]
		if err := ValidAddress("addresses", a.Address); err != nil {
			return err
		}
		if a.LACode != "" {
			if _, ok := LookupLA(a.LACode); !ok {
				return FieldError("addresses.la_code", "%q is not the GSS code of an English local authority", a.LACode)
			}
		}
		if err := validPeriod("addresses", a.From, a.To); err != nil {
			return err
		}
		if a.To.IsZero() {
			current++
		}
	}
	switch c.AddressStatus {
	case AddressCurrent:
		if current == 0 {
			return FieldError("address_status", "is current but no current address is held")
		}
	case AddressLastKnown:
		if len(c.Addresses) == 0 {
			return FieldError("address_status", "is last-known but no address is held")
		}
	case AddressNone:
	case AddressLeftEngland:
		switch c.ReturnIntent {
		case ReturnYes, ReturnNo, ReturnNotKnown:
		default:
			return FieldError("return_intent", "%q must be yes, no or not-known for a child who left England", c.ReturnIntent)
		}
	default:
		return FieldError("address_status", "%q must be current, last-known, none or left-england", c.AddressStatus)
	}
	if c.AddressStatus != AddressLeftEngland && c.ReturnIntent != "" {
		return FieldError("return_intent", "is recorded only for a child who left England")
	}
	return nil
}

// Validate checks an involvement's fields.
func (v *Involvement) Validate() error {
	if _, err := ParseServiceType("involvements.service", string(v.Service)); err != nil {
		return err
	}
	if _, err := ParseBasis("involvements.basis", string(v.Basis)); err != nil {
		return err
	}
	switch {
	case v.Service.Sensitive() && v.Basis == "":
		return FieldError("involvements.basis", "is required for a %s service: record consent or significant-harm", strings.ToLower(v.Service.Label()))
	case !v.Service.Sensitive() && v.Basis != "":
		return FieldError("involvements.basis", "is recorded only for a sensitive service (sexual-health, mental-health, substance-misuse)")
	}
	if v.Organisation == "" {
		return FieldError("involvements.organisation", "is required")
	}
	if err := ValidText("involvements.organisation", v.Organisation, MaxShortLen); err != nil {
		return err
	}
	if v.PractitionerName != "" {
		if err := ValidName("involvements.practitioner_name", v.PractitionerName); err != nil {
			return err
		}
	}
	if err := ValidText("involvements.role", v.Role, MaxShortLen); err != nil {
		return err
	}
	if err := validPeriod("involvements", v.Start, v.End); err != nil {
		return err
	}
	return ValidContact("involvements.contact", v.Contact)
}

// ValidBirthDate checks that a child born on dob is under 18 and not yet
// unborn on today.
func ValidBirthDate(field string, dob, today Date) error {
	if dob.IsZero() {
		return FieldError(field, "is required")
	}
	if dob.After(today) {
		return FieldError(field, "%s is in the future", dob)
	}
	if dob.AgeOn(today) >= MaxAge {
		return FieldError(field, "%s makes the child %d: ContactPoint holds children under %d", dob, dob.AgeOn(today), MaxAge)
	}
	return nil
}

func validPeriod(field string, start, end Date) error {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return FieldError(field+".end", "%s is before the start date %s", end, start)
	}
	return nil
}

// ValidName checks a person's name: present, printable, at most MaxNameLen
// characters, and made of letters, spaces, hyphens, apostrophes and full
// stops.
func ValidName(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return FieldError(field, "is required")
	}
	if err := ValidText(field, s, MaxNameLen); err != nil {
		return err
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == ' ' || r == '-' || r == '\'' || r == '’' || r == '.') {
			return FieldError(field, "%q may hold only letters, spaces, hyphens and apostrophes", s)
		}
	}
	return nil
}

// ValidText checks free-standing short text (a name, an organisation): valid
// UTF-8, no control characters, at most max characters.
func ValidText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return FieldError(field, "is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return FieldError(field, "is %d characters long; at most %d are allowed", n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return FieldError(field, "must not contain control characters or line breaks")
		}
	}
	return nil
}

// ValidAddress checks an address's parts and postcode.
func ValidAddress(field string, a Address) error {
	for _, p := range []struct{ name, v string }{{"line_1", a.Line1}, {"line_2", a.Line2}, {"town", a.Town}} {
		if err := ValidText(field+"."+p.name, p.v, MaxShortLen); err != nil {
			return err
		}
	}
	if a.Postcode != "" {
		if _, err := ParsePostcode(field+".postcode", a.Postcode); err != nil {
			return err
		}
	}
	return nil
}

// ValidContact checks phone, e-mail and address.
func ValidContact(field string, c Contact) error {
	if c.Phone != "" {
		if _, err := ParsePhone(field+".phone", c.Phone); err != nil {
			return err
		}
	}
	if c.Email != "" {
		if err := ValidText(field+".email", c.Email, MaxShortLen); err != nil {
			return err
		}
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			return FieldError(field+".email", "%q is not an e-mail address", c.Email)
		}
	}
	return ValidAddress(field+".address", c.Address)
}

// ParsePhone checks a UK phone number as typed (digits, spaces, hyphens,
// brackets, a leading +44) and returns it with single spaces.
func ParsePhone(field, s string) (string, error) {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return "", FieldError(field, "%q is not a phone number", s)
		}
	}
	if digits < 10 || digits > 13 {
		return "", FieldError(field, "%q is not a phone number: it has %d digits", s, digits)
	}
	return strings.Join(strings.Fields(s), " "), nil
}

// ParsePostcode validates a UK postcode in any case and spacing and returns
// it in its standard form, such as "SW1A 1AA".
func ParsePostcode(field, s string) (string, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		default:
			return "", FieldError(field, "%q is not a postcode", s)
		}
	}
	if len(b) < 5 || len(b) > 7 {
		return "", FieldError(field, "%q is not a postcode", s)
	}
	out, in := b[:len(b)-3], b[len(b)-3:]
	// Inward code: digit letter letter. Outward: letter, then 1–3 of
	// letters and digits, ending in a digit or (e.g. W1A) a letter.
	if !isDigit(in[0]) || !isLetter(in[1]) || !isLetter(in[2]) || !isLetter(out[0]) {
		return "", FieldError(field, "%q is not a postcode", s)
	}
	hasDigit := false
	for _, c := range out[1:] {
		if isDigit(c) {
			hasDigit = true
		}
	}
	if !hasDigit {
		return "", FieldError(field, "%q is not a postcode", s)
	}
	return string(out) + " " + string(in), nil
}

// PostcodeDistrict returns the outward code of a standard-form postcode
// ("SW1A" of "SW1A 1AA").
func PostcodeDistrict(pc string) string {
	if i := strings.IndexByte(pc, ' '); i > 0 {
		return pc[:i]
	}
	return pc
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// ValidURN checks a DfE unique reference number: six digits.
func ValidURN(field, s string) error {
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return FieldError(field, "%q is not a DfE URN (six digits)", s)
	}
	return nil
}

// ValidODSCode checks a GP practice's ODS code: a letter and five digits.
func ValidODSCode(field, s string) error {
	if len(s) != 6 || !isLetter(s[0]) || strings.Trim(s[1:], "0123456789") != "" {
		return FieldError(field, "%q is not a GP practice ODS code (a letter and five digits)", s)
	}
	return nil
}

// ValidIdentifier validates an identifier of the given kind and returns its
// canonical form.
func ValidIdentifier(kind IdentifierKind, v string) (string, error) {
	switch kind {
	case IdentifierNHS:
		return ParseNHSNumber("nhs_number", v)
	case IdentifierUPN:
		return ParseUPN("upn", v)
	case IdentifierSourceRecord:
		v = strings.TrimSpace(v)
		if v == "" {
			return "", FieldError("source_record_id", "is required")
		}
		if err := ValidText("source_record_id", v, 64); err != nil {
			return "", err
		}
		return v, nil
	}
	return "", FieldError("identifiers.kind", "%q is not an identifier kind", kind)
}
