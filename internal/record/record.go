// Package record is the child's record as a practitioner meets it: who else
// is working with the child and how to reach them, read only with a reason
// and always audited, and the few changes a practitioner may make (their own
// involvement, the lead professional, the CAF, contact details).
package record

import (
	"context"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Service reads and changes children's records on behalf of the user in the
// context.
type Service struct {
	DB *store.DB
	// RecentMonths is how long an ended involvement still shows as "recently
	// involved" (12 months by default).
	RecentMonths int
	// Policy decides who may read an archived record and when.
	Policy domain.Policy
}

// New returns a record service with the default settings.
func New(db *store.DB) *Service { return &Service{DB: db, RecentMonths: 12} }

func (s *Service) caller(ctx context.Context, op string) (*domain.User, error) {
	u := domain.UserFromContext(ctx)
	if u == nil {
		return nil, &domain.Error{Code: domain.EUnauthorised, Op: op, Message: "sign in to see children's records"}
	}
	if !u.CanSearch() {
		return nil, &domain.Error{Code: domain.EForbidden, Op: op, Message: "your role does not include seeing children's records"}
	}
	return u, nil
}

func (s *Service) today() domain.Date { return domain.DateOf(s.DB.Now()) }

// NeedsReason reports whether the caller must give a reason before seeing
// the child's record: the first view of a child in a session asks for one.
func (s *Service) NeedsReason(ctx context.Context, id domain.ID) (bool, error) {
	sess := domain.SessionFromContext(ctx)
	if sess == nil {
		return true, nil
	}
	r, err := s.DB.SessionReason(ctx, sess.ID, string(id))
	return r == "", err
}

// ViewRequest is a request to see a child's record.
type ViewRequest struct {
	ID domain.ID
	// Reason is required on the first view of the child in a session.
	Reason string
	// OnBehalfOf, when set, is the practitioner the caller acts for.
	OnBehalfOf *domain.OnBehalfOf
	// Override asks to see a shielded record in full for child protection,
	// for this view only. The caller must hold the
	// child-protection-override permission and give a short Justification;
	// the view is audited as an override and the child's authority's team
	// is alerted at once.
	Override      bool
	Justification string
	// Investigation is required of a national admin reading an archived
	// record after the authority's first year.
	Investigation *domain.Investigation
}

// View returns the child's record as the caller may see it and audits the
// view with its reason. It returns EInvalid (field "reason") when a reason
// is needed and missing or unknown, and ENotFound for an unknown child.
//
// A shielded record shows others only names, gender, date of birth and the
// ID, with the authority's ContactPoint team (Child.Restriction); its
// authority's data managers see it whole, and so does a holder of the
// child-protection-override permission who asks (Override, with a
// Justification: EInvalid without one, EForbidden without the permission).
// Sensitive services show others only that one is involved. An archived
// record is read only by its authority's data managers in the policy's
// first year, then only by a national admin giving an Investigation;
// others get ENotFound, as if it had gone.
func (s *Service) View(ctx context.Context, req ViewRequest) (*domain.Child, error) {
	const op = "record.View"
	u, err := s.caller(ctx, op)
	if err != nil {
		return nil, err
	}
	var reason domain.AccessReason
	if req.Reason != "" {
		if reason, err = domain.ParseAccessReason("reason", req.Reason); err != nil {
			return nil, err
		}
	} else {
		need, err := s.NeedsReason(ctx, req.ID)
		if err != nil {
			return nil, err
		}
		if need {
			_, err := domain.ParseAccessReason("reason", "")
			return nil, err
		}
	}
	if req.OnBehalfOf != nil {
		if err := req.OnBehalfOf.Validate(); err != nil {
			return nil, err
		}
	}
	if req.Override {
		if req.Justification, err = domain.ValidJustification("justification", req.Justification); err != nil {
			return nil, err
		}
	}
	if req.Investigation != nil {
		if err := req.Investigation.Validate(); err != nil {
			return nil, err
		}
	}
	detail := map[string]any{}
	if reason != "" {
		detail["reason"] = string(reason)
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionView, Detail: detail, OnBehalfOf: req.OnBehalfOf}
	sessionID := ""
	if sess := domain.SessionFromContext(ctx); sess != nil {
		sessionID = sess.ID
	}
	today := s.today()
	var restrict *domain.Restriction
	investigating := false
	decide := func(c *domain.Child, st *store.RecordStatus) error {
		team := st.Team
		ownDM := u.HasRole(domain.RoleDataManager) && u.LACode == c.LACode
		if !st.Life.ArchivedOn.IsZero() {
			switch {
			case ownDM && s.Policy.ManagerMayRead(st.Life, today):
			case ownDM && !u.HasRole(domain.RoleNationalAdmin):
				return domain.Errorf(domain.EForbidden, "the record was archived on %s: after the first year only a national admin may read it, for a recorded investigation", st.Life.ArchivedOn)
			case u.HasRole(domain.RoleNationalAdmin):
				if req.Investigation == nil {
					return domain.FieldError("investigation", "the record was archived on %s: give the investigation's reason and reference", st.Life.ArchivedOn)
				}
				detail["investigation_reason"] = req.Investigation.Reason
				detail["investigation_reference"] = req.Investigation.Reference
				investigating = true
			default:
				return domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", c.ID)
			}
			detail["archived"] = st.Life.ArchivedOn.String()
			restrict = &domain.Restriction{Archived: st.Life.ArchivedOn, Team: team}
		}
		if st.Shield != nil && !ownDM && !investigating {
			if req.Override {
				if !st.CanOverride {
					return domain.Errorf(domain.EForbidden, "the record is shielded and you do not hold the child-protection-override permission: contact %s on %s", team.Name, team.Phone)
				}
				e.Action = domain.ActionOverride
				detail["justification"] = req.Justification
				restrict = orNew(restrict, team)
				restrict.Shielded, restrict.Override = true, true
			} else {
				restrict = orNew(restrict, team)
				restrict.Shielded = true
			}
		}
		return nil
	}
	c, _, err := s.DB.ViewRecord(ctx, req.ID, e, sessionID, reason, decide)
	if err != nil {
		return nil, err
	}
	c.Restriction = restrict
	if restrict != nil && restrict.Shielded && !restrict.Override {
		return shieldedView(c), nil
	}
	s.redact(ctx, u, c, restrict)
	return c, nil
}

func orNew(r *domain.Restriction, team domain.LATeam) *domain.Restriction {
	if r == nil {
		return &domain.Restriction{Team: team}
	}
	return r
}

// shieldedView is all of a shielded record that others see.
func shieldedView(c *domain.Child) *domain.Child {
	return &domain.Child{ID: c.ID, GivenNames: c.GivenNames, FamilyName: c.FamilyName, Gender: c.Gender,
		DateOfBirth: c.DateOfBirth, Restriction: c.Restriction}
}

// redact removes what the caller may not see: identifiers (shown only to
// the source that supplied them); except for data managers, items that
// ended longer ago than RecentMonths; and, except for the child's
// authority's data managers and the practitioner who recorded it, the
// details of a sensitive service's involvement, which becomes "a sensitive
// service: ask the authority's ContactPoint team".
func (s *Service) redact(ctx context.Context, u *domain.User, c *domain.Child, restrict *domain.Restriction) {
	c.Identifiers = nil
	ownDM := u.HasRole(domain.RoleDataManager) && u.LACode == c.LACode
	if !ownDM {
		var team domain.LATeam
		if restrict != nil {
			team = restrict.Team
		}
		if team.LACode == "" {
			t, err := s.DB.LATeam(ctx, c.LACode)
			if err != nil {
				t = domain.DefaultLATeam(c.LACode)
			}
			team = t
		}
		sensitive := false
		for i := range c.Involvements {
			v := &c.Involvements[i]
			if !v.Service.Sensitive() || v.User == u.ID {
				continue
			}
			sensitive = true
			*v = domain.Involvement{ID: v.ID, Service: domain.ServiceSensitive, Organisation: team.Name,
				Contact: domain.Contact{Phone: team.Phone, Email: team.Email}, End: v.End, Restricted: true}
		}
		if sensitive {
			if c.Restriction == nil {
				c.Restriction = &domain.Restriction{Team: team}
			}
			c.Restriction.Sensitive = true
		}
	}
	if u.HasRole(domain.RoleDataManager) {
		return
	}
	since := s.today().Time().AddDate(0, -s.recent(), 0)
	recent := func(end domain.Date) bool { return end.IsZero() || !end.Time().Before(since) }
	c.Involvements = keep(c.Involvements, func(v domain.Involvement) bool { return recent(v.End) })
	c.LeadProfessionals = keep(c.LeadProfessionals, func(l domain.LeadProfessional) bool { return recent(l.End) })
	c.CAFs = keep(c.CAFs, func(f domain.CAF) bool { return recent(f.End) })
	c.Education = keep(c.Education, func(e domain.EducationSetting) bool { return recent(e.End) })
	c.Health = keep(c.Health, func(h domain.HealthProvider) bool { return recent(h.End) })
}

func (s *Service) recent() int {
	if s.RecentMonths <= 0 {
		return 12
	}
	return s.RecentMonths
}

func keep[T any](xs []T, ok func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// InvolvementRequest adds the caller's own involvement with a child.
type InvolvementRequest struct {
	Service domain.ServiceType
	Role    string
	Contact domain.Contact // the caller's contact details for this child
	Start   domain.Date    // today when zero
	// Basis is required for a sensitive service (consent or
	// significant-harm) and refused for others.
	Basis domain.Basis
}

// AddInvolvement records the caller's involvement: their organisation and
// name, the service and role, and how to reach them.
func (s *Service) AddInvolvement(ctx context.Context, id domain.ID, req InvolvementRequest) (*domain.Involvement, error) {
	const op = "record.AddInvolvement"
	u, err := s.caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if req.Start.IsZero() {
		req.Start = s.today()
	}
	if req.Start.After(s.today()) {
		return nil, domain.FieldError("start", "%s is in the future", req.Start)
	}
	contact := req.Contact
	if contact.Phone == "" && contact.Email == "" {
		contact.Phone, contact.Email = u.Phone, u.Email
	}
	if contact.Phone == "" && contact.Email == "" {
		return nil, domain.FieldError("contact.phone", "give a phone number or e-mail address so others can reach you")
	}
	if err := s.live(ctx, id); err != nil {
		return nil, err
	}
	v := &domain.Involvement{Service: req.Service, Organisation: u.Organisation, PractitionerName: displayName(u),
		Role: req.Role, Contact: contact, Start: req.Start, Basis: req.Basis, Provenance: domain.Provenance{Source: "contactpoint", User: u.ID}}
	// The audit trail is read by more people than the record: it names a
	// sensitive service only as sensitive.
	service := string(req.Service)
	if req.Service.Sensitive() {
		service = string(domain.ServiceSensitive)
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionInvolvementAdd,
		Detail: map[string]any{"service": service}}
	if err := s.DB.AddInvolvement(ctx, id, v, e); err != nil {
		return nil, err
	}
	return v, nil
}

// EndInvolvement ends an involvement the caller recorded (a data manager
// may end any).
func (s *Service) EndInvolvement(ctx context.Context, id domain.ID, involvementID string, end domain.Date) error {
	const op = "record.EndInvolvement"
	u, err := s.caller(ctx, op)
	if err != nil {
		return err
	}
	if err := s.live(ctx, id); err != nil {
		return err
	}
	if end.IsZero() {
		end = s.today()
	}
	if end.After(s.today()) {
		return domain.FieldError("end", "%s is in the future", end)
	}
	allowed := func(v *domain.Involvement) bool {
		return v.User == u.ID || u.HasRole(domain.RoleDataManager) || u.HasRole(domain.RoleNationalAdmin)
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionInvolvementEnd,
		Detail: map[string]any{"involvement": involvementID, "end": end.String()}}
	return s.DB.EndInvolvement(ctx, id, involvementID, end, allowed, e)
}

// AppointLeadProfessional appoints or changes the child's lead
// professional; the previous one's appointment ends.
func (s *Service) AppointLeadProfessional(ctx context.Context, id domain.ID, l domain.LeadProfessional) (*domain.LeadProfessional, error) {
	const op = "record.AppointLeadProfessional"
	u, err := s.caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := s.live(ctx, id); err != nil {
		return nil, err
	}
	if l.Start.After(s.today()) {
		return nil, domain.FieldError("start", "%s is in the future", l.Start)
	}
	l.End = domain.Date{}
	l.Provenance = domain.Provenance{Source: "contactpoint", User: u.ID}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionLeadProfessional,
		Detail: map[string]any{"organisation": l.Organisation}}
	if err := s.DB.AppointLeadProfessional(ctx, id, &l, e); err != nil {
		return nil, err
	}
	return &l, nil
}

// RecordCAF records that a CAF has been undertaken and who holds it.
func (s *Service) RecordCAF(ctx context.Context, id domain.ID, f domain.CAF) (*domain.CAF, error) {
	const op = "record.RecordCAF"
	u, err := s.caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := s.live(ctx, id); err != nil {
		return nil, err
	}
	f.End = domain.Date{}
	f.Provenance = domain.Provenance{Source: "contactpoint", User: u.ID}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionCAF,
		Detail: map[string]any{"organisation": f.Organisation}}
	if err := s.DB.RecordCAF(ctx, id, &f, e); err != nil {
		return nil, err
	}
	return &f, nil
}

// UpdateContact replaces a parent's or a setting's contact details.
func (s *Service) UpdateContact(ctx context.Context, id domain.ID, kind store.ContactItem, itemID string, c domain.Contact) error {
	const op = "record.UpdateContact"
	u, err := s.caller(ctx, op)
	if err != nil {
		return err
	}
	if err := s.live(ctx, id); err != nil {
		return err
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionChildUpdate,
		Detail: map[string]any{"item": string(kind), "item_id": itemID, "change": "contact"}}
	return s.DB.UpdateContact(ctx, id, kind, itemID, c, e)
}

// live returns ENotFound when the child's record is archived: an
// archived record takes no changes.
func (s *Service) live(ctx context.Context, id domain.ID) error {
	l, err := s.DB.Life(ctx, id)
	if err != nil {
		return err
	}
	if !l.ArchivedOn.IsZero() {
		return domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id)
	}
	return nil
}

// Shield shields the child's record with a short reason and a review date.
// Only a data manager of the child's authority may (EForbidden); a bad
// reason or date is EInvalid.
func (s *Service) Shield(ctx context.Context, id domain.ID, reason string, reviewOn domain.Date) (*domain.Shield, error) {
	const op = "record.Shield"
	u, err := s.caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := s.live(ctx, id); err != nil {
		return nil, err
	}
	sh := &domain.Shield{Reason: reason, ReviewOn: reviewOn}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionShield}
	if err := s.DB.Shield(ctx, id, sh, ownDataManager(u), e); err != nil {
		return nil, err
	}
	return sh, nil
}

// Unshield lifts the child's shield: as for Shield; EConflict when the
// record is not shielded.
func (s *Service) Unshield(ctx context.Context, id domain.ID) error {
	const op = "record.Unshield"
	u, err := s.caller(ctx, op)
	if err != nil {
		return err
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionUnshield}
	return s.DB.Unshield(ctx, id, ownDataManager(u), e)
}

// ownDataManager says whether u is a data manager of the authority la.
func ownDataManager(u *domain.User) func(la string) bool {
	return func(la string) bool { return u.HasRole(domain.RoleDataManager) && u.LACode == la }
}

func displayName(u *domain.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}

// Now is exposed for templates that show dates relative to today.
func (s *Service) Now() time.Time { return s.DB.Now() }
