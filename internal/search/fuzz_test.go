package search

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
)

// FuzzParseCriteria feeds raw query strings to the search's parser: it
// never panics; every error is EInvalid and names a parameter; accepted
// criteria hold only valid, bounded text, Check either accepts them or
// says what to add, and what they make of a query (match keys, the audit
// detail) is computed without panicking.
func FuzzParseCriteria(f *testing.F) {
	for _, s := range []string{
		"given_names=Oliver&family_name=Smith&date_of_birth=2015-03-14",
		"family_name=O%27Neill-Wi%C5%9Bniewski&date_of_birth=2012-11-30&gender=female&postcode=ls62de",
		"given_names=Zo%C3%AB&date_of_birth=2016-07-07&gender=female&postcode=S10+1AA",
		"nhs_number=943+476+5919", "upn=A123456789012", "contactpoint_id=E3F-4T1-P5X",
		"given_names=a&given_names=b", "shoe_size=9", "date_of_birth=2015-02-30", "given_names=%ff",
		"given_names=" + strings.Repeat("x", 101),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		c, err := ParseCriteria(q)
		if err != nil {
			if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorField(err) == "" {
				t.Fatalf("ParseCriteria(%q): %v; want an invalid-input error naming a parameter", raw, err)
			}
			return
		}
		for _, s := range []string{c.GivenNames, c.FamilyName, c.Postcode, c.NHSNumber, c.UPN, string(c.ContactPointID)} {
			if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxParamLen {
				t.Fatalf("ParseCriteria(%q) accepted %q", raw, s)
			}
		}
		if err := c.Check(); err != nil && (domain.ErrorCode(err) != domain.EInvalid || !strings.Contains(err.Error(), "add ")) {
			t.Fatalf("Check(%q): %v; want nil or a message saying what to add", raw, err)
		}
		r := match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, DateOfBirth: c.DateOfBirth, Gender: c.Gender}
		if c.Postcode != "" {
			r.Postcodes = []string{c.Postcode}
		}
		_ = match.QueryKeys(r)
		_ = c.auditDetail()
	})
}
