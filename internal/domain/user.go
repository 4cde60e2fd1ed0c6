package domain

import (
	"log/slog"
	"time"
)

// Role is what a user may do.
type Role string

const (
	RolePractitioner  Role = "practitioner"
	RoleLAAdmin       Role = "la-admin"       // manages the users of their own authority
	RoleDataManager   Role = "data-manager"   // the authority's ContactPoint team
	RoleNationalAdmin Role = "national-admin" // runs the service
)

// Roles lists every role.
var Roles = []Role{RolePractitioner, RoleLAAdmin, RoleDataManager, RoleNationalAdmin}

// ParseRole validates a role.
func ParseRole(field, s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldError(field, "%q is not a role: use practitioner, la-admin, data-manager or national-admin", s)
}

// User is a vetted person who may use ContactPoint.
type User struct {
	ID                string
	Username          string
	FullName          string
	Roles             []Role
	LACode            string
	Organisation      string
	Phone             string
	Email             string
	DBSNumber         string
	DBSIssued         Date
	TrainingCompleted Date
	AgreementSigned   Date
	Suspended         bool
	FailedSignIns     int
	Locked            bool
	CreatedAt         time.Time
}

// HasRole reports whether u holds role r.
func (u *User) HasRole(r Role) bool {
	for _, x := range u.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// LogValue logs a user by ID and authority only.
func (u *User) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user_id", u.ID), slog.String("la_code", u.LACode))
}

// CanSearch reports whether u may search for children and view records:
// practitioners, data managers and national admins. An la-admin manages
// users and reads the audit trail but does not look children up.
func (u *User) CanSearch() bool {
	return u.HasRole(RolePractitioner) || u.HasRole(RoleDataManager) || u.HasRole(RoleNationalAdmin)
}
