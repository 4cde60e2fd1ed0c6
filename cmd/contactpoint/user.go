package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
)

// roleList is a --role flag that may be given more than once or hold a
// comma-separated list.
type roleList []domain.Role

func (r *roleList) String() string {
	var s []string
	for _, x := range *r {
		s = append(s, string(x))
	}
	return strings.Join(s, ",")
}

func (r *roleList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		role, err := domain.ParseRole("--role", p)
		if err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		*r = append(*r, role)
	}
	return nil
}

// flagError renames a domain error's field (dbs_issued) as the flag the
// operator typed (--dbs-issued).
func flagError(err error) error {
	var e *domain.Error
	if errors.As(err, &e) && e.Field != "" && !strings.HasPrefix(e.Field, "--") {
		c := *e
		c.Field = "--" + strings.ReplaceAll(c.Field, "_", "-")
		return &c
	}
	return err
}

// authService is the sign-in and user service over the open database.
func (m *Main) authService() *auth.Service {
	return auth.New(m.db, auth.Config{})
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("user add", &c)
	var roles roleList
	u := &domain.User{}
	fs.StringVar(&u.Username, "username", "", "the user's sign-in name: lower-case letters, digits, '.', '-', '_' and '@'")
	fs.Var(&roles, "role", "practitioner, la-admin, data-manager or national-admin; repeat or separate with commas")
	fs.StringVar(&u.LACode, "la", "", "GSS code of the user's local authority, such as E08000019")
	fs.StringVar(&u.Organisation, "organisation", "", "the organisation the user works for")
	fs.StringVar(&u.FullName, "full-name", "", "the user's full name")
	fs.StringVar(&u.Phone, "phone", "", "the user's work phone number")
	fs.StringVar(&u.Email, "email", "", "the user's work e-mail address")
	fs.StringVar(&u.DBSNumber, "dbs-number", "", "the enhanced DBS certificate number")
	dbs := fs.String("dbs-issued", "", "the DBS certificate's issue date, YYYY-MM-DD")
	training := fs.String("training-completed", "", "when mandatory ContactPoint training was completed, YYYY-MM-DD")
	agreement := fs.String("agreement-signed", "", "when the user agreement was signed, YYYY-MM-DD")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("user add: unexpected argument %q", pos[0]))
	}
	u.Roles = roles
	var err error
	for _, d := range []struct {
		flag string
		s    string
		to   *domain.Date
	}{{"--dbs-issued", *dbs, &u.DBSIssued}, {"--training-completed", *training, &u.TrainingCompleted}, {"--agreement-signed", *agreement, &u.AgreementSigned}} {
		if *d.to, err = domain.ParseDate(d.flag, d.s); err != nil {
			return err
		}
	}
	// Check what can be checked before asking for secrets.
	if u.Username == "" {
		return domain.FieldError("--username", "is required")
	}
	if len(u.Roles) == 0 {
		return domain.FieldError("--role", "is required: practitioner, la-admin, data-manager or national-admin")
	}
	password, err := m.secretInput("CONTACTPOINT_NEW_PASSWORD", "password", "Password (at least 12 characters; a phrase is best)", true)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, u.Username); err != nil {
		return err
	}
	pin, err := m.secretInput("CONTACTPOINT_NEW_PIN", "pin", "PIN (6 to 8 digits)", true)
	if err != nil {
		return err
	}
	if err := auth.CheckPIN(pin); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	uri, err := m.authService().AddUser(auth.Operator(ctx), u, password, pin)
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(m.Stdout, "user %s added (%s, %s); enrol their security token with:\n", u.Username, (*roleList)(&u.Roles).String(), u.LACode)
	fmt.Fprintln(m.Stdout, uri)
	return nil
}

// secretInput reads a secret from the environment variable env, or asks
// for it on the terminal without echo, twice when confirm is set (a new
// secret). It never comes from a flag,
// where it would show in the process list and shell history.
func (m *Main) secretInput(env, field, prompt string, confirm bool) (string, error) {
	if v := m.Getenv(env); v != "" {
		return v, nil
	}
	f, ok := m.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", domain.FieldError(field, "set %s or run the command on a terminal to be asked for it", env)
	}
	read := func(p string) (string, error) {
		fmt.Fprint(m.Stderr, p+": ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		return string(b), err
	}
	a, err := read(prompt)
	if err != nil || !confirm {
		return a, err
	}
	b, err := read("Again")
	if err != nil {
		return "", err
	}
	if a != b {
		return "", domain.FieldError(field, "the two entries do not match")
	}
	return a, nil
}

// userCommand runs an action on one user named by --username.
func (m *Main) userCommand(ctx context.Context, name string, args []string, do func(ctx context.Context, s *auth.Service, username string) error) error {
	var c common
	fs := m.flags(name, &c)
	username := fs.String("username", "", "the user's sign-in name")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("%s: unexpected argument %q", name, pos[0]))
	}
	if *username == "" {
		return domain.FieldError("--username", "is required")
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	return flagError(do(auth.Operator(ctx), m.authService(), *username))
}

func (m *Main) userSuspend(ctx context.Context, args []string) error {
	return m.userCommand(ctx, "user suspend", args, func(ctx context.Context, s *auth.Service, username string) error {
		if err := s.Suspend(ctx, username); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "user %s suspended; their sessions have ended\n", username)
		return nil
	})
}

func (m *Main) userReinstate(ctx context.Context, args []string) error {
	return m.userCommand(ctx, "user reinstate", args, func(ctx context.Context, s *auth.Service, username string) error {
		if err := s.Reinstate(ctx, username); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "user %s reinstated\n", username)
		return nil
	})
}

func (m *Main) userUnlock(ctx context.Context, args []string) error {
	return m.userCommand(ctx, "user unlock", args, func(ctx context.Context, s *auth.Service, username string) error {
		if err := s.Unlock(ctx, username); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "user %s unlocked\n", username)
		return nil
	})
}

func (m *Main) userReissueToken(ctx context.Context, args []string) error {
	return m.userCommand(ctx, "user reissue-token", args, func(ctx context.Context, s *auth.Service, username string) error {
		uri, err := s.ReissueToken(ctx, username)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "user %s has a new security token; the old one no longer works. Enrol it with:\n", username)
		fmt.Fprintln(m.Stdout, uri)
		return nil
	})
}

func (m *Main) userCode(ctx context.Context, args []string) error {
	return m.userCommand(ctx, "user code", args, func(ctx context.Context, s *auth.Service, username string) error {
		code, err := s.CurrentCode(ctx, username)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, code)
		return nil
	})
}

func (m *Main) userList(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("user list", &c)
	la := fs.String("la", "", "only the users of this local authority (GSS code)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("user list: unexpected argument %q", pos[0]))
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	s := m.authService()
	users, err := s.Users(auth.Operator(ctx), *la)
	if err != nil {
		return flagError(err)
	}
	today := domain.DateOf(m.db.Now())
	for _, u := range users {
		status := "active"
		switch {
		case u.Suspended:
			status = "suspended"
		case u.Locked:
			status = "locked"
		case s.Config().Vetting.Check(&u, today) != nil:
			status = "vetting-lapsed"
		}
		dbs, training := s.Config().Vetting.Expiries(&u)
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\t%s\tdbs-until=%s\ttraining-until=%s\n", u.Username, (*roleList)(&u.Roles).String(),
			u.LACode, u.Organisation, status, dbs, training)
	}
	return nil
}
