// Package feed reads what source systems send (the demographic CSV and the
// NDJSON with nested contacts), validates each record alone, and hands good
// records on to matching and the store.
package feed

import "github.com/contactpoint/contactpoint/internal/domain"

// Record is one source record as a source sends it. The CSV carries the
// demographic fields only; NDJSON may also carry the nested contacts. Dates
// are YYYY-MM-DD strings here and are validated by the parser, so that an
// error names the field.
type Record struct {
	SourceRecordID    string   `json:"source_record_id"`
	GivenNames        string   `json:"given_names"`
	FamilyName        string   `json:"family_name"`
	FormerFamilyNames []string `json:"former_family_names,omitempty"`
	Gender            string   `json:"gender,omitempty"`
	DateOfBirth       string   `json:"date_of_birth"`
	AddressLine1      string   `json:"address_line_1,omitempty"`
	AddressLine2      string   `json:"address_line_2,omitempty"`
	Town              string   `json:"town,omitempty"`
	Postcode          string   `json:"postcode,omitempty"`
	Phone             string   `json:"phone,omitempty"`
	NHSNumber         string   `json:"nhs_number,omitempty"`
	UPN               string   `json:"upn,omitempty"`
	LACode            string   `json:"la_code,omitempty"`

	// NDJSON only.
	AddressStatus    string            `json:"address_status,omitempty"` // current, last-known, none, left-england
	ReturnIntent     string            `json:"return_intent,omitempty"`  // yes, no, not-known (left England only)
	DateOfDeath      string            `json:"date_of_death,omitempty"`
	Parents          []Parent          `json:"parents,omitempty"`
	Education        *Education        `json:"education,omitempty"`
	GP               *GP               `json:"gp,omitempty"`
	Involvements     []Involvement     `json:"involvements,omitempty"`
	LeadProfessional *LeadProfessional `json:"lead_professional,omitempty"`
	CAF              *CAF              `json:"caf,omitempty"`
}

// CSVColumns are the demographic CSV's columns (any order; a header row is
// required). FormerFamilyNames are separated by semicolons in the CSV.
var CSVColumns = []string{
	"source_record_id", "given_names", "family_name", "former_family_names",
	"gender", "date_of_birth", "address_line_1", "address_line_2", "town",
	"postcode", "phone", "nhs_number", "upn", "la_code",
}

// Parent is a parent or carer in a feed record.
type Parent struct {
	Name                   string         `json:"name"`
	Relationship           string         `json:"relationship"`
	ParentalResponsibility bool           `json:"parental_responsibility"`
	Contact                domain.Contact `json:"contact,omitzero"`
}

// Education is the child's education setting, or elective home education.
type Education struct {
	Name         string         `json:"name,omitempty"`
	URN          string         `json:"urn,omitempty"`
	HomeEducated bool           `json:"home_educated,omitempty"`
	Contact      domain.Contact `json:"contact,omitzero"`
	Start        string         `json:"start,omitempty"`
	End          string         `json:"end,omitempty"` // set when the child has left
}

// GP is the child's GP practice registration.
type GP struct {
	Name    string         `json:"name"`
	ODSCode string         `json:"ods_code,omitempty"`
	Contact domain.Contact `json:"contact,omitzero"`
	Start   string         `json:"start,omitempty"`
	End     string         `json:"end,omitempty"` // set when deregistered
}

// Involvement is a service working with the child.
type Involvement struct {
	Service          string         `json:"service"`
	Organisation     string         `json:"organisation"`
	PractitionerName string         `json:"practitioner_name,omitempty"`
	Role             string         `json:"role,omitempty"`
	Contact          domain.Contact `json:"contact,omitzero"`
	Start            string         `json:"start,omitempty"`
	End              string         `json:"end,omitempty"`
}

// LeadProfessional is the child's lead professional.
type LeadProfessional struct {
	Name         string         `json:"name"`
	Organisation string         `json:"organisation,omitempty"`
	Role         string         `json:"role,omitempty"`
	Contact      domain.Contact `json:"contact,omitzero"`
	Start        string         `json:"start,omitempty"`
	End          string         `json:"end,omitempty"`
}

// CAF says a CAF assessment has been undertaken and who holds it.
type CAF struct {
	Undertaken   string         `json:"undertaken,omitempty"`
	HolderName   string         `json:"holder_name"`
	Organisation string         `json:"organisation,omitempty"`
	Contact      domain.Contact `json:"contact,omitzero"`
	End          string         `json:"end,omitempty"`
}
