package domain

import (
	"strings"
	"time"
)

// Policy is how long a record lives and how long it is kept. Every period
// is configurable; DefaultPolicy holds the statutory defaults.
type Policy struct {
	ArchiveAge     int // the record archives at this birthday (18)
	ExtendedAge    int // an extension may run to this birthday at most (25)
	DeathYears     int // a death keeps the record live this long after notification (1)
	ManagerYears   int // the authority's data managers may read an archived record this long (1)
	PurgeYears     int // an archived record is purged this long after archiving (6)
	CMESchoolDays  int // a setting ended more than this many school days ago counts as missing (20)
	ShieldDueDays  int // shields due for review within this many days are listed (30)
	ReportMonthDay int // the monthly reports are written on this day of the month (1)
}

// DefaultPolicy is the policy when none is configured.
var DefaultPolicy = Policy{ArchiveAge: 18, ExtendedAge: 25, DeathYears: 1, ManagerYears: 1, PurgeYears: 6,
	CMESchoolDays: 20, ShieldDueDays: 30, ReportMonthDay: 1}

// OrDefault fills unset periods from DefaultPolicy.
func (p Policy) OrDefault() Policy {
	d := DefaultPolicy
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&p.ArchiveAge, d.ArchiveAge)
	set(&p.ExtendedAge, d.ExtendedAge)
	set(&p.DeathYears, d.DeathYears)
	set(&p.ManagerYears, d.ManagerYears)
	set(&p.PurgeYears, d.PurgeYears)
	set(&p.CMESchoolDays, d.CMESchoolDays)
	set(&p.ShieldDueDays, d.ShieldDueDays)
	set(&p.ReportMonthDay, d.ReportMonthDay)
	return p
}

// ExtensionBasis is why a record is kept past the 18th birthday.
type ExtensionBasis string

const (
	ExtensionCareLeaver ExtensionBasis = "care-leaver"
	ExtensionSEND       ExtensionBasis = "send" // special educational needs and disabilities
)

// ParseExtensionBasis validates an extension basis.
func ParseExtensionBasis(field, s string) (ExtensionBasis, error) {
	switch b := ExtensionBasis(strings.TrimSpace(s)); b {
	case ExtensionCareLeaver, ExtensionSEND:
		return b, nil
	}
	return "", FieldError(field, "%q is not an extension basis: use care-leaver or send", s)
}

// Life is what decides a record's stage: birth, death and its
// notification, an extension, and archiving.
type Life struct {
	DateOfBirth     Date           `json:"date_of_birth"`
	DateOfDeath     Date           `json:"date_of_death,omitzero"`
	DeathNotified   Date           `json:"death_notified,omitzero"`
	ExtendedUntil   Date           `json:"extended_until,omitzero"`
	ExtensionBasis  ExtensionBasis `json:"extension_basis,omitempty"`
	ConsentRecorded Date           `json:"consent_recorded,omitzero"`
	ArchivedOn      Date           `json:"archived_on,omitzero"`
}

// ArchiveOn returns the day the record is to be archived: a year (DeathYears)
// after a death was notified; else the end of an extension; else the
// ArchiveAge birthday.
func (p Policy) ArchiveOn(l Life) Date {
	p = p.OrDefault()
	switch {
	case !l.DeathNotified.IsZero():
		return l.DeathNotified.AddYears(p.DeathYears)
	case !l.DateOfDeath.IsZero():
		// Not yet noticed by the nightly job: notified today at the earliest.
		return Date{}
	case !l.ExtendedUntil.IsZero():
		return l.ExtendedUntil
	}
	return l.DateOfBirth.AddYears(p.ArchiveAge)
}

// ArchiveDue reports whether a live record is due to be archived on today.
func (p Policy) ArchiveDue(l Life, today Date) bool {
	if !l.ArchivedOn.IsZero() {
		return false
	}
	on := p.ArchiveOn(l)
	return !on.IsZero() && !today.Before(on)
}

// PurgeDue reports whether an archived record is due to be purged on today.
func (p Policy) PurgeDue(l Life, today Date) bool {
	p = p.OrDefault()
	return !l.ArchivedOn.IsZero() && !today.Before(l.ArchivedOn.AddYears(p.PurgeYears))
}

// ManagerMayRead reports whether the authority's data managers may still
// read the archived record on today (its first ManagerYears).
func (p Policy) ManagerMayRead(l Life, today Date) bool {
	p = p.OrDefault()
	return !l.ArchivedOn.IsZero() && today.Before(l.ArchivedOn.AddYears(p.ManagerYears))
}

// Extension keeps a care leaver's or a young person with SEND's record past
// the ArchiveAge birthday, with their consent.
type Extension struct {
	Until           Date           `json:"until"`
	Basis           ExtensionBasis `json:"basis"`
	ConsentRecorded Date           `json:"consent_recorded"`
}

// Validate checks the extension for a child born on dob, on today: a basis,
// consent recorded on or before today, and an end after today, after the
// ArchiveAge birthday and no later than the ExtendedAge birthday.
func (p Policy) ValidateExtension(x Extension, dob, today Date) error {
	p = p.OrDefault()
	if _, err := ParseExtensionBasis("basis", string(x.Basis)); err != nil {
		return err
	}
	if x.ConsentRecorded.IsZero() {
		return FieldError("consent_recorded", "is required: an extension needs the young person's recorded consent")
	}
	if x.ConsentRecorded.After(today) {
		return FieldError("consent_recorded", "%s is in the future", x.ConsentRecorded)
	}
	if x.Until.IsZero() {
		return FieldError("until", "is required")
	}
	if !x.Until.After(today) {
		return FieldError("until", "%s must be after today", x.Until)
	}
	if !x.Until.After(dob.AddYears(p.ArchiveAge)) {
		return FieldError("until", "%s must be after the %dth birthday (%s)", x.Until, p.ArchiveAge, dob.AddYears(p.ArchiveAge))
	}
	if x.Until.After(dob.AddYears(p.ExtendedAge)) {
		return FieldError("until", "%s is after the %dth birthday (%s): a record may be kept no longer", x.Until, p.ExtendedAge, dob.AddYears(p.ExtendedAge))
	}
	return nil
}

// Transfer is a move of responsibility for a child between authorities.
type Transfer struct {
	ChildID ID        `json:"contactpoint_id"`
	FromLA  string    `json:"from_la"`
	ToLA    string    `json:"to_la"`
	At      time.Time `json:"at"`
}

// Notification is something an authority's team should know about, such
// as a child moving in or out.
type Notification struct {
	ID      string    `json:"id"`
	LACode  string    `json:"la_code"`
	Kind    string    `json:"kind"` // transfer-in, transfer-out
	ChildID ID        `json:"contactpoint_id"`
	Detail  string    `json:"detail"`
	At      time.Time `json:"at"`
	Seen    bool      `json:"seen"`
}

// Notification kinds.
const (
	NotifyTransferIn  = "transfer-in"
	NotifyTransferOut = "transfer-out"
)

// CMEReason says why a child is listed as missing education.
type CMEReason string

const (
	CMENoSetting    CMEReason = "no-setting"    // of school age and no setting ever recorded
	CMESettingEnded CMEReason = "setting-ended" // the last setting ended too many school days ago
)

// CMEEntry is one child in a children-missing-education report.
type CMEEntry struct {
	ChildID     ID        `json:"contactpoint_id"`
	GivenNames  string    `json:"given_names"`
	FamilyName  string    `json:"family_name"`
	DateOfBirth Date      `json:"date_of_birth"`
	Reason      CMEReason `json:"reason"`
	LastSetting string    `json:"last_setting,omitempty"`
	LastEnded   Date      `json:"last_ended,omitzero"`
	SchoolDays  int       `json:"school_days_missing,omitempty"` // school days since the last setting ended
}

// EducationSpan is the part of an education setting CME needs.
type EducationSpan struct {
	Name         string
	HomeEducated bool
	Start, End   Date
}

// MissingEducation decides whether a child born on dob with the education
// settings given is missing education on the date on: of compulsory school
// age, with no current setting and not electively home educated, and either
// never with a setting or with the last one ended more than schoolDays
// school days ago. It returns the reason and the last setting that ended.
func MissingEducation(dob, on Date, settings []EducationSpan, schoolDays int) (missing bool, reason CMEReason, last EducationSpan, days int) {
	if !OfCompulsorySchoolAge(dob, on) {
		return false, "", EducationSpan{}, 0
	}
	for _, s := range settings {
		if !s.Start.IsZero() && s.Start.After(on) {
			continue
		}
		if s.End.IsZero() || !s.End.Before(on) {
			return false, "", EducationSpan{}, 0 // current (home education included)
		}
		if last.End.IsZero() || s.End.After(last.End) {
			last = s
		}
	}
	if last.End.IsZero() {
		return true, CMENoSetting, EducationSpan{}, 0
	}
	// Days missed count from the later of the setting's end and the start of
	// compulsory school age.
	from := last.End
	if start, _ := CompulsorySchoolAge(dob); from.Before(start) {
		from = start.AddDays(-1)
	}
	days = SchoolDaysBetween(from, on)
	if days > schoolDays {
		return true, CMESettingEnded, last, days
	}
	return false, "", last, days
}

// AccessEvent is one look at a child's record, for subject access: who
// (by organisation) looked, when, and why.
type AccessEvent struct {
	At           time.Time `json:"at"`
	Action       Action    `json:"action"`
	Organisation string    `json:"organisation"`
	LACode       string    `json:"la_code,omitempty"`
	Reason       string    `json:"reason,omitempty"`
}

// SourceHolding is one source's record of a child, for subject access.
type SourceHolding struct {
	Source   string    `json:"source"`
	Status   string    `json:"status"`
	Received time.Time `json:"received"`
	Updated  time.Time `json:"updated"`
}

// SubjectAccess is everything held about a child, where each item came
// from, and who has looked at the record.
type SubjectAccess struct {
	Generated time.Time       `json:"generated"`
	Child     *Child          `json:"child"` // items carry their provenance
	Life      Life            `json:"life"`
	Shield    *Shield         `json:"shield,omitempty"`
	Transfers []Transfer      `json:"transfers,omitempty"`
	Sources   []SourceHolding `json:"sources,omitempty"`
	Accesses  []AccessEvent   `json:"accesses"`
}

// QualityReport counts an authority's records that need attention.
type QualityReport struct {
	LACode         string    `json:"la_code"`
	On             Date      `json:"on"`
	Children       int       `json:"children"`
	WithoutGP      int       `json:"without_gp"`
	WithoutSchool  int       `json:"without_school"` // of compulsory school age, no current setting
	Conflicting    int       `json:"conflicting"`    // linked sources disagree on names, birth date or gender
	AwaitingReview int       `json:"awaiting_review"`
	Shielded       int       `json:"shielded"`
	ShieldsDue     int       `json:"shields_due"`
	Notes          []string  `json:"notes,omitempty"`
	GeneratedAt    time.Time `json:"generated_at"`
}

// Actions of the record's life.
const (
	ActionArchive  Action = "archive"
	ActionPurge    Action = "purge"
	ActionExtend   Action = "extend"
	ActionTransfer Action = "transfer"
	ActionDeath    Action = "death-notified"
	ActionMove     Action = "address-change"
)
