package auth

import (
	"context"
	"errors"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Operator returns ctx acting as the operator CLI: a national
// administrator recorded in the audit trail as "operator".
func Operator(ctx context.Context) context.Context {
	return domain.NewContextWithUser(ctx, &domain.User{ID: domain.OperatorID, Username: domain.OperatorID,
		Roles: []domain.Role{domain.RoleNationalAdmin}})
}

// mayManage returns nil when the actor in ctx may manage users of the
// authority laCode: a national administrator any, an LA administrator
// only their own. Others get EForbidden; no actor, EUnauthorised.
func mayManage(ctx context.Context, laCode string) (*domain.User, error) {
	a := domain.UserFromContext(ctx)
	switch {
	case a == nil:
		return nil, domain.Errorf(domain.EUnauthorised, "sign in to manage users")
	case a.HasRole(domain.RoleNationalAdmin):
		return a, nil
	case a.HasRole(domain.RoleLAAdmin) && a.LACode == laCode:
		return a, nil
	case a.HasRole(domain.RoleLAAdmin):
		return nil, domain.Errorf(domain.EForbidden, "you may manage only the users of your own local authority")
	}
	return nil, domain.Errorf(domain.EForbidden, "only an LA administrator or a national administrator may manage users")
}

// AddUser creates a vetted user with a password, a PIN and a new security
// token, and returns the token's enrolment URI (otpauth://totp/...). The
// actor in ctx must be a national administrator, or an LA administrator of
// u's authority (who may not create national administrators). It returns
// EInvalid naming the field at fault (weak password or PIN, vetting
// missing or lapsed), EForbidden, or EConflict for a taken username.
func (s *Service) AddUser(ctx context.Context, u *domain.User, password, pin string) (enrolment string, err error) {
	if err := store.ValidateUser(u); err != nil {
		return "", err
	}
	a, err := mayManage(ctx, u.LACode)
	if err != nil {
		return "", err
	}
	if u.HasRole(domain.RoleNationalAdmin) && !a.HasRole(domain.RoleNationalAdmin) {
		return "", domain.Errorf(domain.EForbidden, "only a national administrator may create a national administrator")
	}
	if err := s.cfg.Vetting.Check(u, domain.DateOf(s.db.Now())); err != nil {
		var e *domain.Error
		if errors.As(err, &e) { // a creation is refused as bad input, not forbidden
			return "", &domain.Error{Code: domain.EInvalid, Field: e.Field, Message: e.Message}
		}
		return "", err
	}
	if err := CheckPassword(password, u.Username); err != nil {
		return "", err
	}
	if err := CheckPIN(pin); err != nil {
		return "", err
	}
	key, err := newTOTPKey(u.Username)
	if err != nil {
		return "", err
	}
	c := store.Credentials{PasswordHash: s.cfg.Argon2.Hash(password), PINHash: s.cfg.Argon2.Hash(pin), TOTPSecret: key.Secret()}
	if err := s.db.CreateUser(ctx, u, domain.UserPerson, c); err != nil {
		return "", err
	}
	return EnrolmentURI(u.Username, key.Secret()), nil
}

// managed returns the user named username if the actor may manage them.
// A user of another authority is ENotFound for an LA administrator, who
// need not learn that they exist.
func (s *Service) managed(ctx context.Context, username string) (*domain.User, error) {
	u, err := s.db.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	if _, err := mayManage(ctx, u.LACode); err != nil {
		if domain.ErrorCode(err) == domain.EForbidden && domain.UserFromContext(ctx).HasRole(domain.RoleLAAdmin) {
			return nil, domain.Errorf(domain.ENotFound, "no user %q in your local authority", username)
		}
		return nil, err
	}
	return u, nil
}

// Suspend suspends a user, ending all their sessions at once.
func (s *Service) Suspend(ctx context.Context, username string) error {
	u, err := s.managed(ctx, username)
	if err != nil {
		return err
	}
	return s.db.SuspendUser(ctx, u.ID)
}

// Reinstate lifts a user's suspension.
func (s *Service) Reinstate(ctx context.Context, username string) error {
	u, err := s.managed(ctx, username)
	if err != nil {
		return err
	}
	return s.db.ReinstateUser(ctx, u.ID)
}

// Unlock unlocks a user locked after failed sign-ins.
func (s *Service) Unlock(ctx context.Context, username string) error {
	u, err := s.managed(ctx, username)
	if err != nil {
		return err
	}
	return s.db.UnlockUser(ctx, u.ID)
}

// ReissueToken gives a user a new security token (lost or replaced device)
// and returns its enrolment URI; the old token's codes stop working.
func (s *Service) ReissueToken(ctx context.Context, username string) (enrolment string, err error) {
	u, err := s.managed(ctx, username)
	if err != nil {
		return "", err
	}
	key, err := newTOTPKey(u.Username)
	if err != nil {
		return "", err
	}
	if err := s.db.SetTOTPSecret(ctx, u.ID, key.Secret()); err != nil {
		return "", err
	}
	return EnrolmentURI(u.Username, key.Secret()), nil
}

// Users lists the users of an authority ("" for all, national
// administrators only).
func (s *Service) Users(ctx context.Context, laCode string) ([]domain.User, error) {
	if a := domain.UserFromContext(ctx); laCode == "" && a != nil && !a.HasRole(domain.RoleNationalAdmin) {
		laCode = a.LACode
	}
	if _, err := mayManage(ctx, laCode); err != nil {
		return nil, err
	}
	return s.db.Users(ctx, laCode)
}

// VettingDue lists the vetting of an authority's users that lapses within
// days, for its administrator.
func (s *Service) VettingDue(ctx context.Context, laCode string, days int) ([]domain.VettingDue, error) {
	if _, err := mayManage(ctx, laCode); err != nil {
		return nil, err
	}
	return s.db.VettingDue(ctx, laCode, s.cfg.Vetting, days)
}

// MisuseAlerts returns the misuse alerts of an authority's users, for its
// administrator.
func (s *Service) MisuseAlerts(ctx context.Context, laCode string, opts store.MisuseOptions) ([]domain.MisuseAlert, error) {
	if _, err := mayManage(ctx, laCode); err != nil {
		return nil, err
	}
	return s.db.MisuseAlerts(ctx, laCode, opts)
}

// CurrentCode returns the code a user's security token shows now, for the
// operator helping a newcomer (and for demonstrations). Only the operator
// (who holds the server secret) may; it is audited.
func (s *Service) CurrentCode(ctx context.Context, username string) (string, error) {
	a := domain.UserFromContext(ctx)
	if a == nil || a.ID != domain.OperatorID {
		return "", domain.Errorf(domain.EForbidden, "only the operator may read a user's current code")
	}
	u, c, err := s.db.UserCredentials(ctx, username)
	if err != nil {
		return "", err
	}
	if err := s.db.AuditUserCode(ctx, u.ID); err != nil {
		return "", err
	}
	return CurrentCode(c.TOTPSecret, s.db.Now())
}
