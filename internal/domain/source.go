package domain

import (
	"slices"
	"strings"
	"time"
)

// SourceKind is the kind of system a source is.
type SourceKind string

const (
	SourceHealth         SourceKind = "health"
	SourceEducation      SourceKind = "education"
	SourceBenefits       SourceKind = "benefits"
	SourceLocalAuthority SourceKind = "local-authority"
	SourceYouthJustice   SourceKind = "youth-justice"
	SourceOther          SourceKind = "other"
)

// SourceKinds lists every source kind.
var SourceKinds = []SourceKind{SourceHealth, SourceEducation, SourceBenefits, SourceLocalAuthority, SourceYouthJustice, SourceOther}

// ParseSourceKind validates a source kind.
func ParseSourceKind(field, s string) (SourceKind, error) {
	for _, k := range SourceKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", FieldError(field, "%q is not a source kind: use health, education, benefits, local-authority, youth-justice or other", s)
}

// Source is a system that feeds ContactPoint automatically.
type Source struct {
	Name         string
	Kind         SourceKind
	Organisation string
	// Authoritative lists what the source's values win, over the
	// precedence of source kinds, in the order of Authorities.
	Authoritative []Authority
	// HasKey says the source holds an API key for posting its feed;
	// KeyIssuedAt is when it was issued.
	HasKey      bool
	KeyIssuedAt time.Time
	CreatedAt   time.Time
}

// ValidSourceName checks a source's name: 1–64 lower-case letters, digits,
// hyphens and underscores, so it can stand in a URL path.
func ValidSourceName(field, s string) error {
	if s == "" || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return FieldError(field, "%q must be 1–64 lower-case letters, digits, hyphens or underscores", s)
	}
	return nil
}

// Authority is a part of a child's record a source can be authoritative
// for: its value from that source is shown whatever other sources say.
type Authority string

const (
	AuthorityNames       Authority = "names"         // given and family names
	AuthorityDateOfBirth Authority = "date_of_birth" // date of birth
	AuthorityGender      Authority = "gender"
	AuthorityDeath       Authority = "death" // date of death
	AuthorityAddress     Authority = "address"
	AuthorityEducation   Authority = "education" // the education setting
	AuthorityHealth      Authority = "health"    // the GP
)

// Authorities lists every authority, in the order they are shown.
var Authorities = []Authority{AuthorityNames, AuthorityDateOfBirth, AuthorityGender, AuthorityDeath,
	AuthorityAddress, AuthorityEducation, AuthorityHealth}

// ParseAuthorities validates a comma-separated list of authorities (spaces
// around the commas allowed, empty for none) and returns it in the order
// of Authorities, without repeats.
func ParseAuthorities(field, s string) ([]Authority, error) {
	var out []Authority
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" && strings.TrimSpace(s) == "" {
			continue
		}
		ok := false
		for _, a := range Authorities {
			if string(a) == part {
				ok = true
			}
		}
		if !ok {
			names := make([]string, len(Authorities))
			for i, a := range Authorities {
				names[i] = string(a)
			}
			return nil, FieldError(field, "%q is not something a source can be authoritative for: use a comma-separated list of %s", part, strings.Join(names, ", "))
		}
		if !slices.Contains(out, Authority(part)) {
			out = append(out, Authority(part))
		}
	}
	slices.SortFunc(out, func(a, b Authority) int {
		return slices.Index(Authorities, a) - slices.Index(Authorities, b)
	})
	return out, nil
}

// JoinAuthorities is the comma-separated form ParseAuthorities reads.
func JoinAuthorities(as []Authority) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = string(a)
	}
	return strings.Join(s, ",")
}

// AuthoritativeFor reports whether the source is authoritative for a.
func (s *Source) AuthoritativeFor(a Authority) bool { return slices.Contains(s.Authoritative, a) }

// SourceActorPrefix begins the audit trail's actor for work a source asked
// for over the API: "source:NAME".
const SourceActorPrefix = "source:"

// Actor returns the identity a source acts as when it posts its feed: a
// user with no roles, so that it can do nothing a person can, whose ID
// names the source in the audit trail.
func (s *Source) Actor() *User {
	return &User{ID: SourceActorPrefix + s.Name, Username: s.Name, FullName: s.Name, Organisation: s.Organisation}
}
