package domain

import (
	"fmt"
	"strings"
	"time"
)

// SessionKind says how a session was opened.
type SessionKind string

const (
	SessionWeb SessionKind = "web" // a browser, with a cookie
	SessionAPI SessionKind = "api" // a case-management system, with a bearer token
)

// ParseSessionKind validates a session kind.
func ParseSessionKind(field, s string) (SessionKind, error) {
	switch SessionKind(s) {
	case SessionWeb, SessionAPI:
		return SessionKind(s), nil
	}
	return "", FieldError(field, "%q is not a session kind: use web or api", s)
}

// Session is a signed-in user's session. ID is the SHA-256 (hex) of the
// bearer token; the token itself is known only to the client.
type Session struct {
	ID         string
	UserID     string
	Kind       SessionKind
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute: activity does not extend it
	Revoked    bool
}

// UserKind says what a user is: a person, or a machine identity that a
// source system or a case-management system signs in with.
type UserKind string

const (
	UserPerson UserKind = "person"
	UserSource UserKind = "source"
	UserCMS    UserKind = "cms"
)

// AccessReason is why a practitioner looks at a child's record. The first
// look at a child in a session asks for one; it is audited with the look.
type AccessReason string

const (
	ReasonSafeguarding     AccessReason = "safeguarding"
	ReasonChildProtection  AccessReason = "child-protection"
	ReasonAssessment       AccessReason = "assessment"
	ReasonServiceProvision AccessReason = "service-provision"
	ReasonEducationWelfare AccessReason = "education-welfare"
	ReasonHealthCare       AccessReason = "health-care"
	ReasonYouthJustice     AccessReason = "youth-justice"
	ReasonDataQuality      AccessReason = "data-quality"
)

// AccessReasonInfo is an access reason's code and the label shown for it.
type AccessReasonInfo struct {
	Code  AccessReason `json:"code"`
	Label string       `json:"label"`
}

// AccessReasons lists every access reason, in the order offered.
var AccessReasons = []AccessReasonInfo{
	{ReasonSafeguarding, "Safeguarding concern"},
	{ReasonChildProtection, "Child protection enquiry or plan"},
	{ReasonAssessment, "Assessment of needs (including CAF)"},
	{ReasonServiceProvision, "Providing or arranging a service"},
	{ReasonEducationWelfare, "Education welfare or attendance"},
	{ReasonHealthCare, "Health care"},
	{ReasonYouthJustice, "Youth justice"},
	{ReasonDataQuality, "Checking or correcting the record"},
}

// Label returns the reason's label, or its code when it is not known.
func (r AccessReason) Label() string {
	for _, x := range AccessReasons {
		if x.Code == r {
			return x.Label
		}
	}
	return string(r)
}

// ParseAccessReason validates an access reason code.
func ParseAccessReason(field, s string) (AccessReason, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, "is required: give the reason you need to see this record (%s)", AccessReasonCodes())
	}
	for _, x := range AccessReasons {
		if string(x.Code) == s {
			return x.Code, nil
		}
	}
	return "", FieldError(field, "%q is not an access reason: use one of %s", s, AccessReasonCodes())
}

// AccessReasonCodes lists the access reasons' codes, comma-separated.
func AccessReasonCodes() string {
	codes := make([]string, len(AccessReasons))
	for i, x := range AccessReasons {
		codes[i] = string(x.Code)
	}
	return strings.Join(codes, ", ")
}

// OnBehalfOf names the practitioner a user acts for in mediated access: a
// colleague with no computer of their own who asked by telephone. It is
// recorded in the audit entry of every look made for them.
type OnBehalfOf struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Role         string `json:"role"`
	Phone        string `json:"phone"`
}

// Validate checks that the practitioner is named fully enough to be traced.
func (o *OnBehalfOf) Validate() error {
	if err := ValidName("on_behalf_of.name", o.Name); err != nil {
		return err
	}
	if strings.TrimSpace(o.Organisation) == "" {
		return FieldError("on_behalf_of.organisation", "is required")
	}
	if err := ValidText("on_behalf_of.organisation", o.Organisation, MaxShortLen); err != nil {
		return err
	}
	if strings.TrimSpace(o.Role) == "" {
		return FieldError("on_behalf_of.role", "is required")
	}
	if err := ValidText("on_behalf_of.role", o.Role, MaxShortLen); err != nil {
		return err
	}
	p, err := ParsePhone("on_behalf_of.phone", o.Phone)
	if err != nil {
		return err
	}
	o.Phone = p
	return nil
}

// Vetting is the policy a user's vetting must meet to be created and to
// sign in: a recent enhanced DBS check, recent mandatory training and a
// signed user agreement.
type Vetting struct {
	DBSValidity      time.Duration // from the DBS certificate's issue date; 3 years by default
	TrainingValidity time.Duration // from completing mandatory training; 1 year by default
}

// DefaultVetting is the policy when none is configured.
var DefaultVetting = Vetting{DBSValidity: 3 * 365 * 24 * time.Hour, TrainingValidity: 365 * 24 * time.Hour}

func (v Vetting) orDefault() Vetting {
	if v.DBSValidity <= 0 {
		v.DBSValidity = DefaultVetting.DBSValidity
	}
	if v.TrainingValidity <= 0 {
		v.TrainingValidity = DefaultVetting.TrainingValidity
	}
	return v
}

func addPeriod(d Date, p time.Duration) Date {
	// Whole years move by calendar years, so 3 years from 2024-02-29 is
	// 2027-03-01 as in England; anything else moves by days.
	const year = 365 * 24 * time.Hour
	if p%year == 0 {
		return d.AddYears(int(p / year))
	}
	return d.AddDays(int(p / (24 * time.Hour)))
}

// VettingItem is one of the things vetting checks.
type VettingItem string

const (
	VettingDBS       VettingItem = "dbs"
	VettingTraining  VettingItem = "training"
	VettingAgreement VettingItem = "agreement"
)

// VettingDue is one vetting item of a user and when it lapses.
type VettingDue struct {
	User    User
	Item    VettingItem
	Expires Date // the first day it is no longer valid; zero for an unsigned agreement
}

// Expiries returns the first day each vetting item of u is no longer valid.
// The agreement does not lapse once signed.
func (v Vetting) Expiries(u *User) (dbs, training Date) {
	v = v.orDefault()
	if !u.DBSIssued.IsZero() {
		dbs = addPeriod(u.DBSIssued, v.DBSValidity)
	}
	if !u.TrainingCompleted.IsZero() {
		training = addPeriod(u.TrainingCompleted, v.TrainingValidity)
	}
	return dbs, training
}

// Check returns an EForbidden error saying which vetting item of u is
// missing or has lapsed on today, or nil when u is vetted.
func (v Vetting) Check(u *User, today Date) error {
	dbs, training := v.Expiries(u)
	switch {
	case u.DBSIssued.IsZero() || strings.TrimSpace(u.DBSNumber) == "":
		return vettingError("dbs_issued", "an enhanced DBS check is required before using ContactPoint")
	case u.DBSIssued.After(today):
		return vettingError("dbs_issued", "the DBS check's issue date is in the future")
	case !today.Before(dbs):
		return vettingError("dbs_issued", fmt.Sprintf("the enhanced DBS check expired on %s: a new check must be recorded", dbs))
	case u.TrainingCompleted.IsZero():
		return vettingError("training_completed", "mandatory ContactPoint training is required before using ContactPoint")
	case u.TrainingCompleted.After(today):
		return vettingError("training_completed", "the training date is in the future")
	case !today.Before(training):
		return vettingError("training_completed", fmt.Sprintf("the mandatory training expired on %s: the refresher training must be completed and recorded", training))
	case u.AgreementSigned.IsZero():
		return vettingError("agreement_signed", "the ContactPoint user agreement must be signed before using ContactPoint")
	case u.AgreementSigned.After(today):
		return vettingError("agreement_signed", "the agreement date is in the future")
	}
	return nil
}

func vettingError(field, msg string) *Error {
	return &Error{Code: EForbidden, Field: field, Message: msg}
}
