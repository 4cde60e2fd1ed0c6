package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Credentials are a user's sign-in secrets as the store keeps them: the
// password and PIN as argon2id PHC strings (hashed by the auth package) and
// the TOTP secret, which is clear here and sealed in the database.
type Credentials struct {
	PasswordHash string
	PINHash      string
	TOTPSecret   string
	LastTOTPStep int64 // the last time step whose code was accepted
}

const userColumns = `id, username, kind, full_name, roles, la_code, organisation, phone, email, dbs_number,
	dbs_issued, training_completed, agreement_signed, failed_sign_ins, locked, suspended, created_at`

func scanUser(row interface{ Scan(...any) error }) (*domain.User, domain.UserKind, error) {
	var u domain.User
	var kind, roles, dbs, training, agreement, created string
	var failed int64
	if err := row.Scan(&u.ID, &u.Username, &kind, &u.FullName, &roles, &u.LACode, &u.Organisation, &u.Phone, &u.Email,
		&u.DBSNumber, &dbs, &training, &agreement, &failed, &u.Locked, &u.Suspended, &created); err != nil {
		return nil, "", err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, domain.Role(r))
		}
	}
	u.DBSIssued, u.TrainingCompleted, u.AgreementSigned = parseDate(dbs), parseDate(training), parseDate(agreement)
	u.FailedSignIns, u.CreatedAt = int(failed), parseTime(created)
	return &u, domain.UserKind(kind), nil
}

// ValidateUser checks a user's fields (not their vetting, which depends on
// policy and the date): username, roles, authority, organisation and
// contact details. It normalises roles (sorted, no repeats) and phone.
func ValidateUser(u *domain.User) error {
	if err := ValidUsername("username", u.Username); err != nil {
		return err
	}
	if len(u.Roles) == 0 {
		return domain.FieldError("role", "at least one role is required: practitioner, la-admin, data-manager or national-admin")
	}
	seen := map[domain.Role]bool{}
	var roles []domain.Role
	for _, r := range u.Roles {
		if _, err := domain.ParseRole("role", string(r)); err != nil {
			return err
		}
		if !seen[r] {
			seen[r] = true
			roles = append(roles, r)
		}
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i] < roles[j] })
	u.Roles = roles
	if _, ok := domain.LookupLA(u.LACode); !ok {
		return domain.FieldError("la", "%q is not the GSS code of an English local authority with children's services (such as E08000019)", u.LACode)
	}
	if strings.TrimSpace(u.Organisation) == "" {
		return domain.FieldError("organisation", "is required")
	}
	if err := domain.ValidText("organisation", u.Organisation, domain.MaxShortLen); err != nil {
		return err
	}
	if u.FullName != "" {
		if err := domain.ValidName("full_name", u.FullName); err != nil {
			return err
		}
	}
	if u.Phone != "" {
		p, err := domain.ParsePhone("phone", u.Phone)
		if err != nil {
			return err
		}
		u.Phone = p
	}
	if err := domain.ValidContact("email", domain.Contact{Email: u.Email}); err != nil {
		return domain.FieldError("email", "%q is not an e-mail address", u.Email)
	}
	if err := domain.ValidText("dbs_number", u.DBSNumber, 32); err != nil {
		return err
	}
	if u.DBSNumber != "" {
		for _, r := range u.DBSNumber {
			if r < '0' || r > '9' {
				return domain.FieldError("dbs_number", "%q is not a DBS certificate number: use its 12 digits", u.DBSNumber)
			}
		}
	}
	return nil
}

// ValidUsername checks a username: 3 to 64 lower-case letters, digits,
// dots, hyphens, underscores and @, starting with a letter or digit.
func ValidUsername(field, s string) error {
	if s == "" {
		return domain.FieldError(field, "is required")
	}
	if len(s) < 3 || len(s) > 64 {
		return domain.FieldError(field, "must be 3 to 64 characters long")
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (i > 0 && strings.ContainsRune(".-_@", r))
		if !ok {
			return domain.FieldError(field, "%q may hold only lower-case letters, digits, '.', '-', '_' and '@', starting with a letter or digit", s)
		}
	}
	return nil
}

// sealAD binds a sealed TOTP secret to its user, so it cannot be copied to
// another user's row.
func totpAD(userID string) string { return "totp/" + userID }

// CreateUser stores a new user with their credentials and audits it as an
// action of the user in ctx. It gives u an ID. The caller (the auth
// service) has checked the actor's rights, the vetting and the secrets'
// strength. It returns EInvalid naming a field, or EConflict when the
// username is taken.
func (db *DB) CreateUser(ctx context.Context, u *domain.User, kind domain.UserKind, c Credentials) error {
	const op = "store.CreateUser"
	if err := ValidateUser(u); err != nil {
		return internal(op, err)
	}
	if kind == "" {
		kind = domain.UserPerson
	}
	if c.PasswordHash == "" || c.PINHash == "" || c.TOTPSecret == "" {
		return internal(op, domain.Errorf(domain.EInvalid, "password, PIN and security token are all required"))
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	u.ID = newItemID()
	u.CreatedAt = tx.now
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = $1`, u.Username).Scan(&exists); err != nil {
		return internal(op, err)
	}
	if exists > 0 {
		return internal(op, &domain.Error{Code: domain.EConflict, Field: "username", Message: "username " + u.Username + " is already taken"})
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username, kind, full_name, roles, la_code, organisation, phone, email,
		dbs_number, dbs_issued, training_completed, agreement_signed, password_hash, pin_hash, totp_secret,
		last_totp_step, failed_sign_ins, locked, suspended, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, 0, FALSE, FALSE, $17, $17)`,
		u.ID, u.Username, string(kind), u.FullName, strings.Join(roles, ","), u.LACode, u.Organisation, u.Phone, u.Email,
		u.DBSNumber, u.DBSIssued.String(), u.TrainingCompleted.String(), u.AgreementSigned.String(),
		c.PasswordHash, c.PINHash, db.keys.Seal(c.TOTPSecret, totpAD(u.ID)), formatTime(tx.now))
	if err != nil {
		if isUniqueViolation(err) {
			return internal(op, &domain.Error{Code: domain.EConflict, Field: "username", Message: "username " + u.Username + " is already taken"})
		}
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{Action: domain.ActionUserCreate, Detail: map[string]any{
		"subject_id": u.ID, "username": u.Username, "roles": roles, "la_code": u.LACode, "kind": string(kind)}}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// User returns the user with the given ID, or ENotFound.
func (db *DB) User(ctx context.Context, id string) (*domain.User, error) {
	u, _, err := db.userWhere(ctx, "id", id)
	return u, internal("store.User", err)
}

// UserByUsername returns the user with the given username, or ENotFound.
func (db *DB) UserByUsername(ctx context.Context, username string) (*domain.User, error) {
	u, _, err := db.userWhere(ctx, "username", username)
	return u, internal("store.UserByUsername", err)
}

// UserKind returns the kind of the user with the given ID.
func (db *DB) UserKind(ctx context.Context, id string) (domain.UserKind, error) {
	_, k, err := db.userWhere(ctx, "id", id)
	return k, internal("store.UserKind", err)
}

func (db *DB) userWhere(ctx context.Context, col, v string) (*domain.User, domain.UserKind, error) {
	u, k, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+col+` = $1`, v))
	if isNoRows(err) {
		return nil, "", domain.Errorf(domain.ENotFound, "no user %q", v)
	}
	return u, k, err
}

func (tx *Tx) user(ctx context.Context, id string) (*domain.User, error) {
	u, _, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if isNoRows(err) {
		return nil, domain.Errorf(domain.ENotFound, "no user %q", id)
	}
	return u, err
}

// Users lists users by username: those of one authority, or every user
// when laCode is "".
func (db *DB) Users(ctx context.Context, laCode string) ([]domain.User, error) {
	const op = "store.Users"
	var rows *sql.Rows
	var err error
	if laCode == "" {
		rows, err = db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	} else {
		rows, err = db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE la_code = $1 ORDER BY username`, laCode)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []domain.User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, *u)
	}
	return out, internal(op, rows.Err())
}

// UserCredentials returns the user and their credentials (the TOTP secret
// opened) for signing in, or ENotFound.
func (db *DB) UserCredentials(ctx context.Context, username string) (*domain.User, *Credentials, error) {
	const op = "store.UserCredentials"
	var c Credentials
	var sealed string
	row := db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash, pin_hash, totp_secret, last_totp_step
		FROM users WHERE username = $1`, username)
	u, _, err := scanUser(scanFunc(func(dest ...any) error {
		return row.Scan(append(dest, &c.PasswordHash, &c.PINHash, &sealed, &c.LastTOTPStep)...)
	}))
	if isNoRows(err) {
		return nil, nil, internal(op, domain.Errorf(domain.ENotFound, "no user %q", username))
	}
	if err != nil {
		return nil, nil, internal(op, err)
	}
	if c.TOTPSecret, err = db.keys.Open(sealed, totpAD(u.ID)); err != nil {
		return nil, nil, internal(op, err)
	}
	return u, &c, nil
}

type scanFunc func(...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// SuspendUser suspends a user and revokes all their sessions at once.
func (db *DB) SuspendUser(ctx context.Context, id string) error {
	return db.changeUser(ctx, "store.SuspendUser", id, domain.ActionUserSuspend, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET suspended = TRUE, updated_at = $2 WHERE id = $1`, id, formatTime(tx.now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = TRUE WHERE user_id = $1 AND revoked = FALSE`, id)
		return err
	})
}

// ReinstateUser lifts a suspension.
func (db *DB) ReinstateUser(ctx context.Context, id string) error {
	return db.changeUser(ctx, "store.ReinstateUser", id, domain.ActionUserReinstate, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET suspended = FALSE, updated_at = $2 WHERE id = $1`, id, formatTime(tx.now))
		return err
	})
}

// UnlockUser unlocks a user locked by failed sign-ins.
func (db *DB) UnlockUser(ctx context.Context, id string) error {
	return db.changeUser(ctx, "store.UnlockUser", id, domain.ActionUserUnlock, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET locked = FALSE, failed_sign_ins = 0, updated_at = $2 WHERE id = $1`, id, formatTime(tx.now))
		return err
	})
}

// SetTOTPSecret replaces a user's security token (a lost or new device):
// codes of the old one stop working at once.
func (db *DB) SetTOTPSecret(ctx context.Context, id, totpSecret string) error {
	return db.changeUser(ctx, "store.SetTOTPSecret", id, domain.ActionUserTokenReissue, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $3, last_totp_step = 0, updated_at = $2 WHERE id = $1`,
			id, formatTime(tx.now), db.keys.Seal(totpSecret, totpAD(id)))
		return err
	})
}

// AuditUserCode records that the operator read a user's current code.
func (db *DB) AuditUserCode(ctx context.Context, id string) error {
	return db.changeUser(ctx, "store.AuditUserCode", id, domain.ActionUserCode, func(*Tx) error { return nil })
}

// changeUser runs change on user id and audits action, in one transaction.
func (db *DB) changeUser(ctx context.Context, op, id string, action domain.Action, change func(tx *Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return internal(op, err)
	}
	defer tx.Rollback()
	u, err := tx.user(ctx, id)
	if err != nil {
		return internal(op, err)
	}
	if err := change(tx); err != nil {
		return internal(op, err)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{Action: action, Detail: map[string]any{"subject_id": u.ID, "username": u.Username}}); err != nil {
		return internal(op, err)
	}
	return internal(op, tx.Commit())
}

// VettingDue lists the vetting items of an authority's users that lapse
// within days from today (or have lapsed), soonest first, for the
// authority's administrator.
func (db *DB) VettingDue(ctx context.Context, laCode string, policy domain.Vetting, days int) ([]domain.VettingDue, error) {
	users, err := db.Users(ctx, laCode)
	if err != nil {
		return nil, internal("store.VettingDue", err)
	}
	limit := domain.DateOf(db.Now()).AddDays(days)
	var out []domain.VettingDue
	for _, u := range users {
		if u.Suspended {
			continue
		}
		dbs, training := policy.Expiries(&u)
		if dbs.IsZero() || !dbs.After(limit) {
			out = append(out, domain.VettingDue{User: u, Item: domain.VettingDBS, Expires: dbs})
		}
		if training.IsZero() || !training.After(limit) {
			out = append(out, domain.VettingDue{User: u, Item: domain.VettingTraining, Expires: training})
		}
		if u.AgreementSigned.IsZero() {
			out = append(out, domain.VettingDue{User: u, Item: domain.VettingAgreement})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Expires.Before(out[j].Expires) })
	return out, nil
}
