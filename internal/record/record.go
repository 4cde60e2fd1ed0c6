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
}

// View returns the child's record as the caller may see it and audits the
// view with its reason. It returns EInvalid (field "reason") when a reason
// is needed and missing or unknown, and ENotFound for an unknown child.
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
	detail := map[string]any{}
	if reason != "" {
		detail["reason"] = string(reason)
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionView, Detail: detail, OnBehalfOf: req.OnBehalfOf}
	sessionID := ""
	if sess := domain.SessionFromContext(ctx); sess != nil {
		sessionID = sess.ID
	}
	c, err := s.DB.ViewChild(ctx, req.ID, e, sessionID, reason)
	if err != nil {
		return nil, err
	}
	s.redact(u, c)
	return c, nil
}

// redact removes what the caller may not see: identifiers (shown only to
// the source that supplied them) and, except for data managers, items that
// ended longer ago than RecentMonths.
func (s *Service) redact(u *domain.User, c *domain.Child) {
	c.Identifiers = nil
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
	v := &domain.Involvement{Service: req.Service, Organisation: u.Organisation, PractitionerName: displayName(u),
		Role: req.Role, Contact: contact, Start: req.Start, Provenance: domain.Provenance{Source: "contactpoint", User: u.ID}}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionInvolvementAdd,
		Detail: map[string]any{"service": string(req.Service)}}
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
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionChildUpdate,
		Detail: map[string]any{"item": string(kind), "item_id": itemID, "change": "contact"}}
	return s.DB.UpdateContact(ctx, id, kind, itemID, c, e)
}

func displayName(u *domain.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}

// Now is exposed for templates that show dates relative to today.
func (s *Service) Now() time.Time { return s.DB.Now() }
