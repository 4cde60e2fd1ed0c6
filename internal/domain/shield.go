package domain

import (
	"fmt"
	"strings"
	"time"
)

// Shield hides a child's whereabouts and services from everyone but the
// child's authority's data managers: others see only the child's names,
// gender, date of birth and ContactPoint ID, and the authority's
// ContactPoint team, who broker any contact.
type Shield struct {
	ChildID  ID        `json:"contactpoint_id"`
	LACode   string    `json:"la_code"`
	Reason   string    `json:"reason"`    // short: why, never case notes
	ReviewOn Date      `json:"review_on"` // when the shield must be looked at again
	By       string    `json:"shielded_by"`
	At       time.Time `json:"shielded_at"`
}

// MaxShieldReview is how far ahead a shield's review may be set.
const MaxShieldReview = 2 // years

// Validate checks the reason and that the review date falls after today
// and within MaxShieldReview years.
func (s *Shield) Validate(today Date) error {
	s.Reason = strings.TrimSpace(s.Reason)
	if s.Reason == "" {
		return FieldError("reason", "is required: say briefly why the record is shielded")
	}
	if err := ValidText("reason", s.Reason, MaxShortLen); err != nil {
		return err
	}
	if s.ReviewOn.IsZero() {
		return FieldError("review_on", "is required: set the date the shield is to be reviewed")
	}
	if !s.ReviewOn.After(today) {
		return FieldError("review_on", "%s must be after today", s.ReviewOn)
	}
	if s.ReviewOn.After(today.AddYears(MaxShieldReview)) {
		return FieldError("review_on", "%s is more than %d years ahead", s.ReviewOn, MaxShieldReview)
	}
	return nil
}

// ShieldVisibleFields are the search fields that may find a shielded child:
// a search using any other field (a postcode, an NHS number, a UPN) never
// returns one, so that probing cannot confirm where a child lives.
var ShieldVisibleFields = []string{"given_names", "family_name", "date_of_birth", "gender", "contactpoint_id"}

// LATeam is an authority's ContactPoint team: who to ask about a shielded
// child or a sensitive service.
type LATeam struct {
	LACode string `json:"la_code"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	Email  string `json:"email"`
}

// Validate checks the team's name, phone and e-mail.
func (t *LATeam) Validate() error {
	if _, ok := LookupLA(t.LACode); !ok {
		return FieldError("la_code", "%q is not the GSS code of an English local authority", t.LACode)
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return FieldError("name", "is required")
	}
	if err := ValidText("name", t.Name, MaxShortLen); err != nil {
		return err
	}
	if t.Phone == "" && t.Email == "" {
		return FieldError("phone", "give a phone number or an e-mail address")
	}
	return ValidContact("team", Contact{Phone: t.Phone, Email: t.Email})
}

// DefaultLATeam is the team shown for an authority whose team has not been
// set: synthetic, with a phone number in Ofcom's 01632 960xxx drama range
// and an e-mail address at a reserved domain.
func DefaultLATeam(code string) LATeam {
	la, _ := LookupLA(code)
	name := la.Name
	if name == "" {
		name = code
	}
	i := laByCode[code] % 1000
	return LATeam{
		LACode: code,
		Name:   name + " ContactPoint team",
		Phone:  fmt.Sprintf("01632 960%03d", i),
		Email:  "contactpoint-" + strings.ToLower(code) + "@example.org",
	}
}

// Permission is something granted to a named user beyond their roles.
type Permission string

// PermissionOverride lets a user see a shielded record in full, one view
// at a time, for child protection.
const PermissionOverride Permission = "child-protection-override"

// ParsePermission validates a permission.
func ParsePermission(field, s string) (Permission, error) {
	if Permission(s) == PermissionOverride {
		return PermissionOverride, nil
	}
	return "", FieldError(field, "%q is not a permission: use %s", s, PermissionOverride)
}

// ValidJustification checks the justification given for an override: it
// is required and short, a statement of need, not case notes.
func ValidJustification(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, "is required: say briefly why child protection needs the shielded details")
	}
	if err := ValidText(field, s, MaxShortLen); err != nil {
		return "", err
	}
	return s, nil
}

// AlertKind names an alert.
type AlertKind string

// AlertOverride: someone used the child-protection override on a shielded
// record of the authority.
const AlertOverride AlertKind = "override"

// Alert is something an authority's ContactPoint team must look at now.
type Alert struct {
	ID      string    `json:"id"`
	LACode  string    `json:"la_code"`
	Kind    AlertKind `json:"kind"`
	ChildID ID        `json:"contactpoint_id"`
	UserID  string    `json:"user_id"`
	At      time.Time `json:"at"`
	Seen    bool      `json:"seen"`
}

// Restriction tells the reader of a record what was withheld and whom to
// ask.
type Restriction struct {
	// Shielded: only names, gender, date of birth and the ID are shown.
	Shielded bool `json:"shielded,omitempty"`
	// Override: the reader used the child-protection override for this
	// view only; everything is shown.
	Override bool `json:"override,omitempty"`
	// Sensitive: one or more sensitive services are involved; ask the team.
	Sensitive bool `json:"sensitive,omitempty"`
	// Archived is the date the record was archived, when it has been.
	Archived Date `json:"archived,omitzero"`
	// Team is the authority's ContactPoint team, who broker contact.
	Team LATeam `json:"team"`
}

// Investigation is the recorded reason a national administrator reads an
// archived record after the authority's first year.
type Investigation struct {
	Reason    string `json:"reason"`
	Reference string `json:"reference"`
}

// Validate checks both parts are given and short.
func (i *Investigation) Validate() error {
	i.Reason, i.Reference = strings.TrimSpace(i.Reason), strings.TrimSpace(i.Reference)
	if i.Reason == "" {
		return FieldError("investigation.reason", "is required to read an archived record")
	}
	if err := ValidText("investigation.reason", i.Reason, MaxShortLen); err != nil {
		return err
	}
	if i.Reference == "" {
		return FieldError("investigation.reference", "is required to read an archived record")
	}
	return ValidText("investigation.reference", i.Reference, 64)
}

// Actions of this file's features, beside those in audit.go.
const (
	ActionUnshield         Action = "unshield"
	ActionLATeam           Action = "la-team"
	ActionPermissionGrant  Action = "permission-grant"
	ActionPermissionRevoke Action = "permission-revoke"
	ActionSubjectAccess    Action = "subject-access"
	ActionReport           Action = "report"
)
