package domain

import (
	"strings"
	"time"
)

// Action names what an audit entry records.
type Action string

// Actions. Every sign-in, every administrative change to a user and every
// look at or change to a child's record is one of these.
const (
	ActionSignIn           Action = "sign-in"
	ActionSignInFailed     Action = "sign-in-failed"
	ActionSignOut          Action = "sign-out"
	ActionUserCreate       Action = "user-create"
	ActionUserSuspend      Action = "user-suspend"
	ActionUserReinstate    Action = "user-reinstate"
	ActionUserUnlock       Action = "user-unlock"
	ActionUserLock         Action = "user-lock" // five failures in a row
	ActionUserTokenReissue Action = "user-token-reissue"
	ActionUserCode         Action = "user-code" // an operator read a user's current code

	ActionSearch           Action = "search"
	ActionView             Action = "view"
	ActionChildCreate      Action = "child-create"
	ActionChildUpdate      Action = "child-update"
	ActionInvolvementAdd   Action = "involvement-add"
	ActionInvolvementEnd   Action = "involvement-end"
	ActionLeadProfessional Action = "lead-professional"
	ActionCAF              Action = "caf"
	ActionExport           Action = "export"
	ActionImport           Action = "import"
	ActionShield           Action = "shield"
	ActionOverride         Action = "override" // emergency access to a shielded record
)

// AuditEntry is one link of the audit chain. Detail holds identifiers and
// criteria (a search's fields, an access reason), never a child's details:
// the audit trail is read by more people than the record.
type AuditEntry struct {
	Seq        int64 // assigned when appended: the head's seq + 1
	At         time.Time
	UserID     string // who acted; "operator" for the operator CLI; "" when unknown
	LACode     string // the actor's authority when they acted
	Action     Action
	ChildID    string         // the child concerned, when there is one
	Detail     map[string]any // JSON object; values are strings, numbers, booleans or lists of them
	OnBehalfOf *OnBehalfOf    // mediated access; recorded in Detail as "on_behalf_of"
	PrevMAC    string
	MAC        string
}

// AuditFilter selects audit entries, newest first, a page at a time.
type AuditFilter struct {
	ChildID string // who looked at this child
	UserID  string // what this user did
	// LACode, when set, keeps entries recorded for that local authority
	// (an la-admin sees only their own authority's trail).
	LACode  string
	Actions []Action
	// Before, when positive, returns entries with seq < Before: pass the
	// last seq of one page to get the next.
	Before int64
	Limit  int // 50 when zero; at most 1000
}

// OperatorID is the user ID the operator CLI acts as in the audit trail.
const OperatorID = "operator"

// MisuseKind names why an audit entry or a user's day looks wrong.
type MisuseKind string

const (
	// MisuseFamilyName: the user searched for or viewed a child with their
	// own family name.
	MisuseFamilyName MisuseKind = "family-name"
	// MisuseVolume: the user viewed more children in a day than is usual.
	MisuseVolume MisuseKind = "volume"
	// MisuseHours: the user searched or viewed between 22:00 and 06:00
	// London time.
	MisuseHours MisuseKind = "out-of-hours"
)

// MisuseAlert is a reason for an authority's administrator to ask a user
// what they were doing. It is a prompt to look, not a finding.
type MisuseAlert struct {
	Kind     MisuseKind
	UserID   string
	Username string
	Seq      int64 // the entry concerned; 0 for a volume alert
	At       time.Time
	ChildID  string // for family-name and out-of-hours alerts
	Day      Date   // London day, for a volume alert
	Count    int    // views that day, for a volume alert
}

// FamilyName returns the last word of a full name, lower-cased, which is
// what misuse checks compare with a child's family name.
func FamilyName(fullName string) string {
	f := strings.Fields(strings.ToLower(fullName))
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}
