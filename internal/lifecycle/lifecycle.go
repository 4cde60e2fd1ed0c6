// Package lifecycle carries out a local authority's duties over the
// record's life: the nightly job that archives, purges and writes the
// monthly children-missing-education reports; extensions past 18; subject
// access; data-quality reports; the authority's ContactPoint team and the
// permissions and alerts of shielding. Authorisation travels in the
// context: every method checks the user in it.
package lifecycle

import (
	"context"
	"io"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Service runs the record's life on a database under a policy.
type Service struct {
	DB     *store.DB
	Policy domain.Policy
}

// New returns a service with the default policy.
func New(db *store.DB) *Service { return &Service{DB: db, Policy: domain.DefaultPolicy} }

// Today is the date in England on the store's clock.
func (s *Service) Today() domain.Date { return domain.DateOf(s.DB.Now()) }

// Run is the nightly job for the date on: it notes deaths, archives and
// purges records (store.RunLife) and, on the policy's report day of the
// month, writes every authority's children-missing-education report. It
// is idempotent for a date; the serve command calls it daily and
// `contactpoint archive` on demand. It needs no user: it is the service's
// own work.
func (s *Service) Run(ctx context.Context, on domain.Date) (store.LifeRun, error) {
	p := s.Policy.OrDefault()
	run, err := s.DB.RunLife(ctx, p, on)
	if err != nil {
		return run, err
	}
	if on.Day() == p.ReportMonthDay {
		n, err := s.DB.WriteMonthlyReports(ctx, p, on)
		run.Reports = n
		if err != nil {
			return run, err
		}
	}
	return run, nil
}

func caller(ctx context.Context, op string) (*domain.User, error) {
	u := domain.UserFromContext(ctx)
	if u == nil {
		return nil, &domain.Error{Code: domain.EUnauthorised, Op: op, Message: "sign in first"}
	}
	return u, nil
}

// forLA returns the caller when they may see the authority's reports: a
// national admin, or a data manager or LA admin of that authority
// (EForbidden otherwise).
func forLA(ctx context.Context, op, la string) (*domain.User, error) {
	u, err := caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if _, ok := domain.LookupLA(la); !ok {
		return nil, domain.FieldError("la_code", "%q is not the GSS code of an English local authority", la)
	}
	if u.HasRole(domain.RoleNationalAdmin) || ((u.HasRole(domain.RoleDataManager) || u.HasRole(domain.RoleLAAdmin)) && u.LACode == la) {
		return u, nil
	}
	return nil, &domain.Error{Code: domain.EForbidden, Op: op, Message: "only the authority's data managers and administrators, or a national admin, may see its reports"}
}

func nationalAdmin(ctx context.Context, op string) (*domain.User, error) {
	u, err := caller(ctx, op)
	if err != nil {
		return nil, err
	}
	if !u.HasRole(domain.RoleNationalAdmin) {
		return nil, &domain.Error{Code: domain.EForbidden, Op: op, Message: "only a national admin may do this"}
	}
	return u, nil
}

// dataManagerOf says whether u may act for the child of the authority la:
// its data managers, or a national admin.
func dataManagerOf(u *domain.User) func(la string) bool {
	return func(la string) bool {
		return u.HasRole(domain.RoleNationalAdmin) || (u.HasRole(domain.RoleDataManager) && u.LACode == la)
	}
}

// Extend keeps a care leaver's or a young person with SEND's record live
// until x.Until (at most the 25th birthday), with their recorded consent.
// The caller must be a data manager of the child's authority or a national
// admin (EForbidden); a bad extension is EInvalid.
func (s *Service) Extend(ctx context.Context, id domain.ID, x domain.Extension) error {
	const op = "lifecycle.Extend"
	u, err := caller(ctx, op)
	if err != nil {
		return err
	}
	c, err := s.DB.Child(ctx, id)
	if err != nil {
		return err
	}
	if !dataManagerOf(u)(c.LACode) {
		return &domain.Error{Code: domain.EForbidden, Op: op, Message: "only a data manager of the child's authority or a national admin may extend a record"}
	}
	return s.DB.Extend(ctx, id, x, s.Policy, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode})
}

// MissingEducation returns the authority's children missing education on
// the date on (today when zero).
func (s *Service) MissingEducation(ctx context.Context, la string, on domain.Date) ([]domain.CMEEntry, error) {
	const op = "lifecycle.MissingEducation"
	u, err := forLA(ctx, op, la)
	if err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = s.Today()
	}
	out, err := s.DB.MissingEducation(ctx, la, on, s.Policy)
	if err != nil {
		return nil, err
	}
	err = s.DB.Audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionReport,
		Detail: map[string]any{"report": store.ReportCME, "la_code": la, "on": on.String(), "rows": len(out)}})
	return out, err
}

// WriteMissingEducationCSV writes the report of MissingEducation as CSV.
func (s *Service) WriteMissingEducationCSV(ctx context.Context, w io.Writer, la string, on domain.Date) error {
	out, err := s.MissingEducation(ctx, la, on)
	if err != nil {
		return err
	}
	return store.WriteCMECSV(w, out)
}

// Quality returns the authority's data-quality counts on the date on
// (today when zero).
func (s *Service) Quality(ctx context.Context, la string, on domain.Date) (*domain.QualityReport, error) {
	const op = "lifecycle.Quality"
	u, err := forLA(ctx, op, la)
	if err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = s.Today()
	}
	q, err := s.DB.Quality(ctx, la, on, s.Policy)
	if err != nil {
		return nil, err
	}
	err = s.DB.Audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionReport,
		Detail: map[string]any{"report": "quality", "la_code": la}})
	return q, err
}

// SubjectAccess returns everything held about the child, from which
// source, and who has viewed the record, for the child or their parent.
// The caller must be a data manager of the child's authority or a national
// admin (EForbidden). It is audited.
func (s *Service) SubjectAccess(ctx context.Context, id domain.ID) (*domain.SubjectAccess, error) {
	const op = "lifecycle.SubjectAccess"
	u, err := caller(ctx, op)
	if err != nil {
		return nil, err
	}
	return s.DB.SubjectAccess(ctx, id, dataManagerOf(u), &domain.AuditEntry{UserID: u.ID, LACode: u.LACode})
}

// ShieldsDue returns the authority's shields due for review within the
// policy's ShieldDueDays of today (overdue ones included).
func (s *Service) ShieldsDue(ctx context.Context, la string) ([]domain.Shield, error) {
	if _, err := forLA(ctx, "lifecycle.ShieldsDue", la); err != nil {
		return nil, err
	}
	return s.DB.ShieldsDue(ctx, la, s.Today().AddDays(s.Policy.OrDefault().ShieldDueDays))
}

// SetLATeam sets an authority's ContactPoint team; national admins only.
func (s *Service) SetLATeam(ctx context.Context, t domain.LATeam) error {
	u, err := nationalAdmin(ctx, "lifecycle.SetLATeam")
	if err != nil {
		return err
	}
	return s.DB.SetLATeam(ctx, &t, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode})
}

// Grant grants the named user a permission; national admins only.
func (s *Service) Grant(ctx context.Context, username string, p domain.Permission) error {
	return s.permission(ctx, "lifecycle.Grant", username, p, true)
}

// Revoke withdraws the named user's permission; national admins only.
func (s *Service) Revoke(ctx context.Context, username string, p domain.Permission) error {
	return s.permission(ctx, "lifecycle.Revoke", username, p, false)
}

func (s *Service) permission(ctx context.Context, op, username string, p domain.Permission, grant bool) error {
	u, err := nationalAdmin(ctx, op)
	if err != nil {
		return err
	}
	if _, err := domain.ParsePermission("permission", string(p)); err != nil {
		return err
	}
	target, err := s.DB.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	e := &domain.AuditEntry{UserID: u.ID, LACode: u.LACode}
	if grant {
		return s.DB.GrantPermission(ctx, target.ID, p, e)
	}
	return s.DB.RevokePermission(ctx, target.ID, p, e)
}

// Alerts returns the authority's alerts (unseen ones only when unseen).
func (s *Service) Alerts(ctx context.Context, la string, unseen bool) ([]domain.Alert, error) {
	if _, err := forLA(ctx, "lifecycle.Alerts", la); err != nil {
		return nil, err
	}
	return s.DB.Alerts(ctx, la, unseen)
}

// Notifications returns the authority's notifications (unseen ones only
// when unseen).
func (s *Service) Notifications(ctx context.Context, la string, unseen bool) ([]domain.Notification, error) {
	if _, err := forLA(ctx, "lifecycle.Notifications", la); err != nil {
		return nil, err
	}
	return s.DB.Notifications(ctx, la, unseen)
}
