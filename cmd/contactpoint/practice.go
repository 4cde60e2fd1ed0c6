package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
)

// The practice commands (search, record ...) are what the JSON API offers a
// case-management system, for an operator at a terminal. They act as a
// vetted practitioner, never as the operator: each signs in with all four
// factors as the API does, runs the same services (which authorise and audit
// as for the API), and signs out.

// practitioner holds the flags every practice command takes.
type practitioner struct {
	common
	username string
}

// practiceFlags is m.flags with --username, the practitioner to sign in as.
func (m *Main) practiceFlags(name string, p *practitioner) *flag.FlagSet {
	fs := m.flags(name, &p.common)
	fs.StringVar(&p.username, "username", m.env("CONTACTPOINT_USERNAME", ""),
		"the practitioner to sign in as (env CONTACTPOINT_USERNAME); the password, PIN and security code come from "+
			"CONTACTPOINT_PASSWORD, CONTACTPOINT_PIN and CONTACTPOINT_CODE or are asked for on the terminal")
	return fs
}

// parseNone parses flags and refuses positional arguments.
func parseNone(name string, fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError(fmt.Sprintf("%s: unexpected argument %q", name, pos[0]))
	}
	return nil
}

// asPractitioner signs p.username in with password, PIN and security code,
// as the API's POST /api/v1/sessions does, runs do with the user and the
// session in the context, as the API's handlers have them, and signs out
// whatever happens. Errors naming a field are renamed as the flag of fs that
// sets it.
func (m *Main) asPractitioner(ctx context.Context, p *practitioner, fs *flag.FlagSet, do func(ctx context.Context) error) (err error) {
	if p.username == "" {
		return domain.FieldError("--username", "is required (or set CONTACTPOINT_USERNAME): the practitioner to sign in as")
	}
	// Secrets never come from flags, where they would show in the process
	// list and shell history.
	password, err := m.secretInput("CONTACTPOINT_PASSWORD", "password", "Password", false)
	if err != nil {
		return err
	}
	pin, err := m.secretInput("CONTACTPOINT_PIN", "pin", "PIN", false)
	if err != nil {
		return err
	}
	code, err := m.secretInput("CONTACTPOINT_CODE", "code", "Security code", false)
	if err != nil {
		return err
	}
	if err := m.setup(ctx, &p.common, false); err != nil {
		return err
	}
	a := m.authService()
	token, _, err := a.SignIn(ctx, p.username, password, pin, code, "cli", domain.SessionAPI)
	if err != nil {
		return err
	}
	defer func() {
		// Sign out even when interrupted: the session must not outlive the command.
		if serr := a.SignOut(context.WithoutCancel(ctx), token); err == nil {
			err = serr
		}
	}()
	sess, u, err := a.Session(ctx, token)
	if err != nil {
		return err
	}
	ctx = domain.NewContextWithSession(domain.NewContextWithUser(ctx, u), sess)
	return flagFor(fs, do(ctx))
}

// flagFor renames the field of a service's error (involvements.contact.phone)
// as the flag of fs that sets it (--phone), trying the field's shorter and
// shorter suffixes. An error naming no flag of fs is returned as it is.
func flagFor(fs *flag.FlagSet, err error) error {
	var e *domain.Error
	if !errors.As(err, &e) || e.Field == "" || strings.HasPrefix(e.Field, "--") {
		return err
	}
	parts := strings.Split(e.Field, ".")
	for i := range parts {
		name := strings.ReplaceAll(strings.Join(parts[i:], "-"), "_", "-")
		if fs.Lookup(name) != nil {
			c := *e
			c.Field = "--" + name
			return &c
		}
	}
	return err
}

// childFlag parses the required --child.
func childFlag(s string) (domain.ID, error) {
	if s == "" {
		return "", domain.FieldError("--child", "is required: the child's ContactPoint ID")
	}
	return domain.ParseID("--child", s)
}

// contactFlags adds the flags of a domain.Contact to fs, named as the feed's
// columns are; whose begins each flag's description ("the holder's").
func contactFlags(fs *flag.FlagSet, whose string) *domain.Contact {
	c := &domain.Contact{}
	fs.StringVar(&c.Phone, "phone", "", whose+" phone number")
	fs.StringVar(&c.Email, "email", "", whose+" e-mail address")
	fs.StringVar(&c.Address.Line1, "address-line-1", "", whose+" address: first line")
	fs.StringVar(&c.Address.Line2, "address-line-2", "", whose+" address: second line")
	fs.StringVar(&c.Address.Town, "town", "", whose+" address: town")
	fs.StringVar(&c.Address.Postcode, "postcode", "", whose+" address: postcode")
	return c
}

// dateFlag parses an optional YYYY-MM-DD flag value; the zero Date when empty.
func dateFlag(flagName, s string) (domain.Date, error) {
	return domain.ParseDate("--"+flagName, s)
}

// searchFlagHelp describes each of search.Params as a flag.
var searchFlagHelp = map[string]string{
	"given_names":     "the child's given names",
	"family_name":     "the child's family name",
	"date_of_birth":   "the child's date of birth, YYYY-MM-DD",
	"gender":          "male, female, other or not-specified",
	"postcode":        "the child's postcode",
	"contactpoint_id": "the child's ContactPoint ID",
	"nhs_number":      "the child's NHS number",
	"upn":             "the child's unique pupil number",
}

// practiceSearch is GET /api/v1/children: the same criteria, minimum
// criteria and ranking, audited as the practitioner's search.
func (m *Main) practiceSearch(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("search", &p)
	// The flags are the API's parameters (given_names: --given-names), so
	// the two cannot drift apart.
	values := map[string]*string{}
	for _, param := range search.Params {
		values[param] = fs.String(strings.ReplaceAll(param, "_", "-"), "", searchFlagHelp[param])
	}
	if err := parseNone("search", fs, args); err != nil {
		return helpOK(err)
	}
	q := url.Values{}
	for param, v := range values {
		if *v != "" {
			q.Set(param, *v)
		}
	}
	crit, err := search.ParseCriteria(q)
	if err == nil {
		// Search checks this too; checking first spares asking for secrets
		// to no end.
		err = crit.Check()
	}
	if err != nil {
		return flagFor(fs, err)
	}
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		svc := m.searchService()
		// The prior the server uses for this directory's size.
		if err := svc.Calibrate(ctx); err != nil {
			return err
		}
		res, err := svc.Search(ctx, crit)
		if err != nil {
			return err
		}
		switch {
		case res.TooMany:
			fmt.Fprintln(m.Stdout, "too many matches: add more detail")
		case len(res.Results) == 0:
			fmt.Fprintln(m.Stdout, "no matches")
		}
		for _, r := range res.Results {
			place := strings.TrimSpace(r.Town + " " + r.District)
			if place == "" {
				place = "-"
			}
			fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%.3f", r.ID, r.GivenNames, r.FamilyName, r.DateOfBirth, r.Gender, place, r.Score)
			if r.Shielded {
				// The authority's ContactPoint team brokers contact.
				fmt.Fprint(m.Stdout, "\tshielded")
			}
			fmt.Fprintln(m.Stdout)
		}
		return nil
	})
}

// recordShow is GET /api/v1/children/{id}: the record as the practitioner
// may see it, with a reason, audited as a view; indented JSON.
func (m *Main) recordShow(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record show", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	reason := fs.String("reason", "", "why you need to see the record: "+domain.AccessReasonCodes())
	var obo domain.OnBehalfOf
	fs.StringVar(&obo.Name, "on-behalf-of-name", "", "the practitioner you look for, when acting for one (with --on-behalf-of-organisation)")
	fs.StringVar(&obo.Organisation, "on-behalf-of-organisation", "", "their organisation")
	fs.StringVar(&obo.Role, "on-behalf-of-role", "", "their role")
	fs.StringVar(&obo.Phone, "on-behalf-of-phone", "", "their phone number")
	if err := parseNone("record show", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	// Every CLI run is a new session, which has not been given a reason:
	// ask for it now rather than after signing in.
	if _, err := domain.ParseAccessReason("--reason", *reason); err != nil {
		return err
	}
	req := record.ViewRequest{ID: id, Reason: *reason}
	if obo.Name != "" || obo.Organisation != "" {
		req.OnBehalfOf = &obo
	}
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		c, err := record.New(m.db).View(ctx, req)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(m.Stdout, "%s\n", b)
		return err
	})
}

// involvementAdd is POST /api/v1/children/{id}/involvements: the
// practitioner's own involvement with the child.
func (m *Main) involvementAdd(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record involvement add", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	service := fs.String("service", "", "the service you work with the child in, such as social-care, youth-work, school-nursing")
	basis := fs.String("basis", "", "for a sensitive service only (sexual-health, mental-health, substance-misuse): consent or significant-harm")
	role := fs.String("role", "", "your role with the child (without --phone and --email, your own phone and e-mail are recorded)")
	start := fs.String("start", "", "when you became involved, YYYY-MM-DD (default today)")
	contact := contactFlags(fs, "for reaching you about the child: your")
	if err := parseNone("record involvement add", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	req := record.InvolvementRequest{Role: *role, Contact: *contact}
	if req.Service, err = domain.ParseServiceType("--service", *service); err != nil {
		return err
	}
	if req.Basis, err = domain.ParseBasis("--basis", *basis); err != nil {
		return err
	}
	if req.Start, err = dateFlag("start", *start); err != nil {
		return err
	}
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		v, err := record.New(m.db).AddInvolvement(ctx, id, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "involvement %s added to %s: %s, %s, from %s\n", v.ID, id, v.Service, v.Organisation, v.Start)
		return nil
	})
}

// involvementEnd is POST /api/v1/children/{id}/involvements/{involvement}/end.
func (m *Main) involvementEnd(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record involvement end", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	item := fs.String("involvement", "", "the involvement's ID (record show lists them)")
	on := fs.String("on", "", "when it ended, YYYY-MM-DD (default today)")
	if err := parseNone("record involvement end", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	if *item == "" {
		return domain.FieldError("--involvement", "is required: the involvement's ID")
	}
	end, err := dateFlag("on", *on)
	if err != nil {
		return err
	}
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		rs := record.New(m.db)
		if err := rs.EndInvolvement(ctx, id, *item, end); err != nil {
			return err
		}
		if end.IsZero() {
			end = domain.DateOf(rs.Now())
		}
		fmt.Fprintf(m.Stdout, "involvement %s of %s ended on %s\n", *item, id, end)
		return nil
	})
}

// leadSet is PUT /api/v1/children/{id}/lead-professional: appoints the
// child's lead professional; the previous one's appointment ends.
func (m *Main) leadSet(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record lead set", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	l := domain.LeadProfessional{}
	fs.StringVar(&l.Name, "name", "", "the lead professional's name")
	fs.StringVar(&l.Organisation, "organisation", "", "their organisation")
	fs.StringVar(&l.Role, "role", "", "their role")
	start := fs.String("start", "", "when the appointment starts, YYYY-MM-DD (default today)")
	contact := contactFlags(fs, "the lead professional's")
	if err := parseNone("record lead set", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	if l.Start, err = dateFlag("start", *start); err != nil {
		return err
	}
	l.Contact = *contact
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		got, err := record.New(m.db).AppointLeadProfessional(ctx, id, l)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "lead professional %s appointed for %s: %s, %s, from %s\n", got.ID, id, got.Name, got.Organisation, got.Start)
		return nil
	})
}

// cafAdd is POST /api/v1/children/{id}/cafs: that a CAF has been undertaken
// and who holds it (never the assessment itself).
func (m *Main) cafAdd(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record caf add", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	f := domain.CAF{}
	fs.StringVar(&f.HolderName, "holder-name", "", "who holds the CAF")
	fs.StringVar(&f.Organisation, "organisation", "", "the holder's organisation")
	undertaken := fs.String("undertaken", "", "when the CAF was undertaken, YYYY-MM-DD (default today)")
	contact := contactFlags(fs, "the holder's")
	if err := parseNone("record caf add", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	if f.Undertaken, err = dateFlag("undertaken", *undertaken); err != nil {
		return err
	}
	f.Contact = *contact
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		got, err := record.New(m.db).RecordCAF(ctx, id, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "caf %s recorded for %s: held by %s, %s, undertaken %s\n", got.ID, id, got.HolderName, got.Organisation, got.Undertaken)
		return nil
	})
}

// contactUpdate is PUT /api/v1/children/{id}/contacts/{kind}/{item}: it
// replaces a parent's or a setting's contact details with those given.
func (m *Main) contactUpdate(ctx context.Context, args []string) error {
	var p practitioner
	fs := m.practiceFlags("record contact update", &p)
	child := fs.String("child", "", "the child's ContactPoint ID")
	kind := fs.String("kind", "", "parent, education or health; the contact details given replace all the item's")
	item := fs.String("item", "", "the parent's, setting's or provider's ID (record show lists them)")
	contact := contactFlags(fs, "the new")
	if err := parseNone("record contact update", fs, args); err != nil {
		return helpOK(err)
	}
	id, err := childFlag(*child)
	if err != nil {
		return err
	}
	switch k := store.ContactItem(*kind); k {
	case store.ContactParent, store.ContactEducation, store.ContactHealth:
	default:
		return domain.FieldError("--kind", "%q must be parent, education or health", *kind)
	}
	if *item == "" {
		return domain.FieldError("--item", "is required: the item's ID")
	}
	// The API takes an empty contact as clearing it; at a terminal that is
	// more likely a forgotten flag.
	if *contact == (domain.Contact{}) {
		return usageError("record contact update: give the new contact details: --phone, --email, --address-line-1, --address-line-2, --town, --postcode")
	}
	return m.asPractitioner(ctx, &p, fs, func(ctx context.Context) error {
		if err := record.New(m.db).UpdateContact(ctx, id, store.ContactItem(*kind), *item, *contact); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s %s of %s: contact details updated\n", *kind, *item, id)
		return nil
	})
}
