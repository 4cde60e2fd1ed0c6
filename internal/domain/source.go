package domain

import (
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
	CreatedAt    time.Time
}

// ValidSourceName checks a source's name: 1–64 lower-case letters, digits,
// hyphens and underscores, so it can stand in a URL path.
func ValidSourceName(field, s string) error {
	if s == "" || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return FieldError(field, "%q must be 1–64 lower-case letters, digits, hyphens or underscores", s)
	}
	return nil
}
