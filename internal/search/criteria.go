// Package search finds a child from what a practitioner knows, despite how
// people really write names, and never lets anyone browse: a search below
// the minimum criteria is refused, and one that matches too many children
// returns none.
package search

import (
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Criteria are what a practitioner searches with.
type Criteria struct {
	GivenNames     string
	FamilyName     string
	DateOfBirth    domain.Date
	Gender         domain.Gender // "" when not given
	Postcode       string        // standard form
	ContactPointID domain.ID
	NHSNumber      string // canonical
	UPN            string // canonical
}

// Params are the query parameters a search takes, in the order they are
// documented.
var Params = []string{"given_names", "family_name", "date_of_birth", "gender", "postcode", "contactpoint_id", "nhs_number", "upn"}

// maxParamLen bounds every parameter: nothing longer is a name or an
// identifier.
const maxParamLen = 100

// ParseCriteria reads criteria from query parameters. An unknown or
// repeated parameter, an over-long value, or a malformed date or identifier
// is an EInvalid error naming the parameter. extra names parameters the
// caller handles itself (such as "limit"), which are ignored here.
func ParseCriteria(q url.Values, extra ...string) (Criteria, error) {
	var c Criteria
	known := map[string]bool{}
	for _, p := range Params {
		known[p] = true
	}
	for _, p := range extra {
		known[p] = true
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "" {
			return c, domain.FieldError("query", "has a parameter with no name (a stray = or &)")
		}
		if !known[k] {
			return c, domain.FieldError(k, "unknown search parameter %q: use %s", truncate(k), strings.Join(Params, ", "))
		}
		if len(q[k]) > 1 {
			return c, domain.FieldError(k, "is given %d times; give it once", len(q[k]))
		}
		v := q[k][0]
		if !utf8.ValidString(v) {
			return c, domain.FieldError(k, "is not valid text")
		}
		if utf8.RuneCountInString(v) > maxParamLen {
			return c, domain.FieldError(k, "is too long: at most %d characters", maxParamLen)
		}
	}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	var err error
	if v := get("given_names"); v != "" {
		if err := domain.ValidName("given_names", v); err != nil {
			return c, err
		}
		c.GivenNames = v
	}
	if v := get("family_name"); v != "" {
		if err := domain.ValidName("family_name", v); err != nil {
			return c, err
		}
		c.FamilyName = v
	}
	if c.DateOfBirth, err = domain.ParseDate("date_of_birth", get("date_of_birth")); err != nil {
		return c, err
	}
	if v := get("gender"); v != "" {
		if c.Gender, err = domain.ParseGender("gender", v); err != nil {
			return c, err
		}
	}
	if v := get("postcode"); v != "" {
		if c.Postcode, err = domain.ParsePostcode("postcode", v); err != nil {
			return c, err
		}
	}
	if v := get("contactpoint_id"); v != "" {
		if c.ContactPointID, err = domain.ParseID("contactpoint_id", v); err != nil {
			return c, err
		}
	}
	if v := get("nhs_number"); v != "" {
		if c.NHSNumber, err = domain.ParseNHSNumber("nhs_number", v); err != nil {
			return c, err
		}
	}
	if v := get("upn"); v != "" {
		if c.UPN, err = domain.ParseUPN("upn", v); err != nil {
			return c, err
		}
	}
	return c, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// HasIdentifier reports whether the criteria hold an identifier.
func (c Criteria) HasIdentifier() bool {
	return c.ContactPointID != "" || c.NHSNumber != "" || c.UPN != ""
}

// Check enforces the minimum criteria, so that no one can browse: given and
// family name and date of birth; or family name, date of birth, gender and
// postcode; or given name, date of birth, gender and postcode; or an
// identifier. It returns an EInvalid error saying what to add.
func (c Criteria) Check() error {
	if c.HasIdentifier() {
		return nil
	}
	has := map[string]bool{
		"given_names":   c.GivenNames != "",
		"family_name":   c.FamilyName != "",
		"date_of_birth": !c.DateOfBirth.IsZero(),
		"gender":        c.Gender != "",
		"postcode":      c.Postcode != "",
	}
	sets := [][]string{
		{"given_names", "family_name", "date_of_birth"},
		{"family_name", "date_of_birth", "gender", "postcode"},
		{"given_names", "date_of_birth", "gender", "postcode"},
	}
	// Suggest the set that needs the fewest additions.
	best := []string(nil)
	for _, set := range sets {
		var missing []string
		for _, f := range set {
			if !has[f] {
				missing = append(missing, f)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if best == nil || len(missing) < len(best) {
			best = missing
		}
	}
	return &domain.Error{Code: domain.EInvalid, Field: best[0], Message: "not enough to search on: add " + joinAnd(labels(best)) +
		" (a search needs given name, family name and date of birth; or a name, date of birth, gender and postcode; or an identifier)"}
}

var fieldLabels = map[string]string{
	"given_names": "given name", "family_name": "family name", "date_of_birth": "date of birth",
	"gender": "gender", "postcode": "postcode",
}

func labels(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = fieldLabels[f]
	}
	return out
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// auditDetail is what the audit trail keeps of the criteria: the fields as
// typed, with identifiers reduced to their kind (the trail never holds an
// identifier in clear).
func (c Criteria) auditDetail() map[string]any {
	d := map[string]any{}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("given_names", c.GivenNames)
	set("family_name", c.FamilyName)
	set("date_of_birth", c.DateOfBirth.String())
	set("gender", string(c.Gender))
	set("postcode", c.Postcode)
	set("contactpoint_id", string(c.ContactPointID))
	if c.NHSNumber != "" {
		d["nhs_number"] = "given"
	}
	if c.UPN != "" {
		d["upn"] = "given"
	}
	return d
}
