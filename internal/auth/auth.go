// Package auth signs users in with three factors (password, PIN and a
// time-based code from their security token), keeps their sessions, and
// manages users on behalf of administrators, checking that the actor in
// the context may manage the user concerned. It stores through the store
// package and audits every sign-in, failure and administrative action.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Config is the sign-in policy. Zero fields take the defaults.
type Config struct {
	IdleTimeout     time.Duration // a session ends after this long without activity; 20 minutes
	AbsoluteTimeout time.Duration // and this long after sign-in whatever happens; 10 hours
	LockAfter       int           // consecutive failures that lock a user; 5
	Vetting         domain.Vetting
	Argon2          Argon2 // DefaultArgon2 when zero
	// AddrFailures failures from one address within AddrWindow refuse
	// sign-in from it for AddrBlock; 20 in 15 minutes, for 15 minutes.
	AddrFailures int
	AddrWindow   time.Duration
	AddrBlock    time.Duration
}

func (c Config) withDefaults() Config {
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 20 * time.Minute
	}
	if c.AbsoluteTimeout <= 0 {
		c.AbsoluteTimeout = 10 * time.Hour
	}
	if c.LockAfter <= 0 {
		c.LockAfter = 5
	}
	if c.Vetting.DBSValidity <= 0 {
		c.Vetting.DBSValidity = domain.DefaultVetting.DBSValidity
	}
	if c.Vetting.TrainingValidity <= 0 {
		c.Vetting.TrainingValidity = domain.DefaultVetting.TrainingValidity
	}
	if c.Argon2 == (Argon2{}) {
		c.Argon2 = DefaultArgon2
	}
	if c.AddrFailures <= 0 {
		c.AddrFailures = 20
	}
	if c.AddrWindow <= 0 {
		c.AddrWindow = 15 * time.Minute
	}
	if c.AddrBlock <= 0 {
		c.AddrBlock = 15 * time.Minute
	}
	return c
}

// Service signs users in and manages them.
type Service struct {
	db       *store.DB
	cfg      Config
	throttle *throttle
	dummy    string // a hash to verify against for unknown users
	dummyKey string // a TOTP secret for unknown users
}

// New returns a Service storing in db.
func New(db *store.DB, cfg Config) *Service {
	cfg = cfg.withDefaults()
	key, err := newTOTPKey("unknown")
	if err != nil {
		panic("auth: " + err.Error())
	}
	return &Service{
		db: db, cfg: cfg,
		throttle: newThrottle(cfg.AddrFailures, cfg.AddrWindow, cfg.AddrBlock),
		dummy:    cfg.Argon2.Hash("not a real password, never matched"),
		dummyKey: key.Secret(),
	}
}

// Config returns the policy in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// SignInFailed is the one message for any wrong factor or unknown user, so
// that a failure says nothing about which part was wrong or whether the
// username exists.
const SignInFailed = "The details you entered are not right. Check your username, password, PIN and security code, and try again."

func errSignIn() error {
	return &domain.Error{Code: domain.EUnauthorised, Op: "auth.SignIn", Message: SignInFailed}
}

// Limits on what is even considered, so a huge input costs nothing.
const (
	maxUsernameLen = 64
	maxInputLen    = 1024
)

// SignIn checks username, password, PIN and the security token's code
// and, when all are right, opens a session of the given kind. It returns
// the bearer token (shown to the client once, never stored) and the
// session's absolute expiry.
//
// Every factor is checked, with the same argon2 work for an unknown user,
// before anything is decided; any wrong factor gives the same
// EUnauthorised SignInFailed. Only someone who has given every factor right
// learns that the user is locked, suspended or not vetted (EForbidden for
// vetting, naming the item). Five failures in a row lock the user; an
// address with too many failures is refused for a while (EUnauthorised).
func (s *Service) SignIn(ctx context.Context, username, password, pin, code, remoteAddr string, kind domain.SessionKind) (token string, expires time.Time, err error) {
	const op = "auth.SignIn"
	if _, err := domain.ParseSessionKind("kind", string(kind)); err != nil {
		return "", time.Time{}, err
	}
	now := s.db.Now()
	if s.throttle.blocked(remoteAddr, now) {
		return "", time.Time{}, &domain.Error{Code: domain.EUnauthorised, Op: op,
			Message: "There have been too many failed sign-ins from your network. Wait 15 minutes and try again."}
	}
	username = strings.ToLower(strings.TrimSpace(username))
	tooLong := len(username) > maxUsernameLen || len(password) > maxInputLen || len(pin) > maxInputLen || len(code) > maxInputLen
	if tooLong {
		username, password, pin, code = "", "", "", ""
	}

	var u *domain.User
	var cred *store.Credentials
	if username != "" && !tooLong {
		u, cred, err = s.db.UserCredentials(ctx, username)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return "", time.Time{}, err
		}
	}
	pwHash, pinHash, secret := s.dummy, s.dummy, s.dummyKey
	if u != nil {
		pwHash, pinHash, secret = cred.PasswordHash, cred.PINHash, cred.TOTPSecret
	}
	// Every factor, always: the time taken must not say which was wrong.
	pwOK, err1 := Verify(pwHash, password)
	pinOK, err2 := Verify(pinHash, pin)
	step := matchCode(secret, code, now)
	if err := errors.Join(err1, err2); err != nil && u != nil {
		return "", time.Time{}, &domain.Error{Code: domain.EInternal, Op: op, Err: err}
	}

	var wrong []string
	switch {
	case u == nil:
		wrong = append(wrong, "unknown-user")
	default:
		if !pwOK {
			wrong = append(wrong, "password")
		}
		if !pinOK {
			wrong = append(wrong, "pin")
		}
		if step == 0 {
			wrong = append(wrong, "code")
		} else if step <= cred.LastTOTPStep {
			wrong = append(wrong, "code-reused")
		}
	}
	if len(wrong) > 0 {
		return "", time.Time{}, s.fail(ctx, u, username, remoteAddr, strings.Join(wrong, ","), now)
	}

	// Every factor is right: now, and only now, say what else stops them.
	refuse := func(reason string, e error) (string, time.Time, error) {
		if _, err := s.db.RecordSignInFailure(ctx, u, username, remoteAddr, reason, 0); err != nil {
			return "", time.Time{}, err
		}
		return "", time.Time{}, e
	}
	switch {
	case u.Locked:
		return refuse("locked", &domain.Error{Code: domain.EUnauthorised, Op: op,
			Message: "Your account is locked after too many failed sign-ins. Ask your local authority's ContactPoint administrator to unlock it."})
	case u.Suspended:
		return refuse("suspended", &domain.Error{Code: domain.EUnauthorised, Op: op,
			Message: "Your account is suspended. Contact your local authority's ContactPoint administrator."})
	}
	if err := s.cfg.Vetting.Check(u, domain.DateOf(now)); err != nil {
		return refuse("vetting:"+domain.ErrorField(err), err)
	}

	token, id := newToken()
	sess := &domain.Session{ID: id, Kind: kind, ExpiresAt: now.Add(s.cfg.AbsoluteTimeout)}
	if err := s.db.RecordSignIn(ctx, u, step, sess, remoteAddr); err != nil {
		if domain.ErrorCode(err) == domain.EUnauthorised { // the code was used by a concurrent sign-in
			return "", time.Time{}, s.fail(ctx, u, username, remoteAddr, "code-reused", now)
		}
		return "", time.Time{}, err
	}
	return token, sess.ExpiresAt, nil
}

func (s *Service) fail(ctx context.Context, u *domain.User, username, addr, reason string, now time.Time) error {
	s.throttle.fail(addr, now)
	if len(username) > maxUsernameLen {
		username = username[:maxUsernameLen]
	}
	if _, err := s.db.RecordSignInFailure(ctx, u, username, addr, reason, s.cfg.LockAfter); err != nil {
		return err
	}
	return errSignIn()
}

// newToken returns a new bearer token (32 bytes from crypto/rand,
// base64url) and its session ID.
func newToken() (token, id string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, SessionID(token)
}

// SessionID returns the ID under which the session of token is stored:
// the SHA-256 of the token in hex. A database reader cannot use it as a
// token.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func errSession(msg string) error {
	return &domain.Error{Code: domain.EUnauthorised, Op: "auth.Authenticate", Message: msg}
}

// Authenticate returns the user signed in with token, refreshing the
// session's last activity. It returns EUnauthorised for a missing,
// unknown, revoked, idle or expired session, or a suspended or locked user,
// and EForbidden when the user's vetting has lapsed since signing in.
func (s *Service) Authenticate(ctx context.Context, token string) (*domain.User, error) {
	_, u, err := s.Session(ctx, token)
	return u, err
}

// Session is Authenticate returning the session too: its ID keys the
// access reasons given in it (store.SessionReason).
func (s *Service) Session(ctx context.Context, token string) (*domain.Session, *domain.User, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, errSession("Sign in to continue.")
	}
	sess, u, err := s.db.SessionUser(ctx, SessionID(token))
	if domain.ErrorCode(err) == domain.ENotFound {
		return nil, nil, errSession("Sign in to continue.")
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.db.Now()
	switch {
	case sess.Revoked:
		return nil, nil, errSession("You have been signed out. Sign in again to continue.")
	case !now.Before(sess.ExpiresAt):
		return nil, nil, errSession("Your session has ended. Sign in again to continue.")
	case now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout:
		return nil, nil, errSession("You were signed out after a period without activity. Sign in again to continue.")
	case u.Suspended || u.Locked:
		return nil, nil, errSession("Your account is not active. Contact your local authority's ContactPoint administrator.")
	}
	if err := s.cfg.Vetting.Check(u, domain.DateOf(now)); err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.LastSeenAt) >= 10*time.Second { // spare the single writer a write per request
		if err := s.db.TouchSession(ctx, sess.ID); err != nil {
			return nil, nil, err
		}
		sess.LastSeenAt = now
	}
	return sess, u, nil
}

// SignOut ends the session of token. Signing out twice does nothing.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.db.RevokeSession(ctx, SessionID(token))
}

// TOTP: RFC 6238 with SHA-1, 6 digits and 30-second steps, which every
// authenticator app supports.
const (
	totpPeriod = 30
	totpIssuer = "ContactPoint"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func newTOTPKey(username string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: username,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, SecretSize: 20})
}

// EnrolmentURI is the otpauth:// URI an authenticator app enrols secret
// with.
func EnrolmentURI(username, secret string) string {
	return "otpauth://totp/" + totpIssuer + ":" + username + "?algorithm=SHA1&digits=6&issuer=" + totpIssuer +
		"&period=30&secret=" + secret
}

// matchCode returns the time step whose code code is, allowing one step of
// clock drift either way, or 0 when it matches none. All three are
// compared whatever happens.
func matchCode(secret, code string, now time.Time) int64 {
	code = strings.ReplaceAll(code, " ", "")
	cur := now.Unix() / totpPeriod
	var found int64
	for _, st := range []int64{cur - 1, cur, cur + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totpOpts)
		if err != nil {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && len(code) == 6 {
			found = st // later steps win: a replayed earlier code cannot shadow them
		}
	}
	return found
}

// CurrentCode returns the code a user's security token shows at now. It
// needs the server secret, so only an operator can run it.
func CurrentCode(secret string, now time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, now, totpOpts)
}
