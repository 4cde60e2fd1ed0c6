package main

import (
	"context"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
)

// shieldSet shields a child's record from the operator CLI (a data manager
// does it in the web service); audited as the operator.
func (m *Main) shieldSet(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("shield set", &c)
	child := fs.String("child", "", "the child's ContactPoint ID")
	reason := fs.String("reason", "", "why, briefly (at most 200 characters; not case notes)")
	review := fs.String("review", "", "when the shield is to be reviewed, YYYY-MM-DD")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("shield set: unexpected argument %q", pos[0]))
	}
	id, err := domain.ParseID("--child", *child)
	if err != nil {
		return err
	}
	reviewOn, err := domain.ParseDate("--review", *review)
	if err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	sh := &domain.Shield{Reason: *reason, ReviewOn: reviewOn}
	if err := m.db.Shield(ctx, id, sh, func(string) bool { return true }, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
		return flagError(err)
	}
	fmt.Fprintf(m.Stdout, "record %s shielded (%s); review on %s\n", id, sh.LACode, sh.ReviewOn)
	return nil
}

// shieldLift lifts a child's shield from the operator CLI.
func (m *Main) shieldLift(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("shield lift", &c)
	child := fs.String("child", "", "the child's ContactPoint ID")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("shield lift: unexpected argument %q", pos[0]))
	}
	id, err := domain.ParseID("--child", *child)
	if err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if err := m.db.Unshield(ctx, id, func(string) bool { return true }, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "record %s no longer shielded\n", id)
	return nil
}

// shieldDue lists an authority's shields due for review within the
// policy's period (30 days), overdue ones first.
func (m *Main) shieldDue(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("shield due", &c)
	la := fs.String("la", "", "the authority's GSS code")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("shield due: unexpected argument %q", pos[0]))
	}
	if err := laFlag(*la); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	due, err := m.lifecycle().ShieldsDue(auth.Operator(ctx), *la)
	if err != nil {
		return err
	}
	for _, s := range due {
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\n", string(s.ChildID), s.ReviewOn, s.Reason)
	}
	fmt.Fprintf(m.Stdout, "%d due\n", len(due))
	return nil
}

// laTeamSet sets an authority's ContactPoint team.
func (m *Main) laTeamSet(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("la team set", &c)
	var t domain.LATeam
	fs.StringVar(&t.LACode, "la", "", "the authority's GSS code")
	fs.StringVar(&t.Name, "name", "", "the team's name")
	fs.StringVar(&t.Phone, "phone", "", "the team's phone number")
	fs.StringVar(&t.Email, "email", "", "the team's e-mail address")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("la team set: unexpected argument %q", pos[0]))
	}
	if err := laFlag(t.LACode); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return flagError(err)
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if err := m.lifecycle().SetLATeam(auth.Operator(ctx), t); err != nil {
		return flagError(err)
	}
	fmt.Fprintf(m.Stdout, "%s: %s, %s, %s\n", t.LACode, t.Name, t.Phone, t.Email)
	return nil
}

// laTeamShow prints an authority's ContactPoint team (its default when
// none is set).
func (m *Main) laTeamShow(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("la team show", &c)
	la := fs.String("la", "", "the authority's GSS code")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("la team show: unexpected argument %q", pos[0]))
	}
	if err := laFlag(*la); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	t, err := m.db.LATeam(ctx, *la)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %s, %s, %s\n", t.LACode, t.Name, t.Phone, t.Email)
	return nil
}

func (m *Main) userGrant(ctx context.Context, args []string) error {
	return m.userPermission(ctx, "user grant", args, true)
}

func (m *Main) userRevoke(ctx context.Context, args []string) error {
	return m.userPermission(ctx, "user revoke", args, false)
}

func (m *Main) userPermission(ctx context.Context, name string, args []string, grant bool) error {
	var c common
	fs := m.flags(name, &c)
	username := fs.String("username", "", "the user's sign-in name")
	perm := fs.String("permission", "", string(domain.PermissionOverride))
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("%s: unexpected argument %q", name, pos[0]))
	}
	if *username == "" {
		return domain.FieldError("--username", "is required")
	}
	p, err := domain.ParsePermission("--permission", *perm)
	if err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	s := m.lifecycle()
	if grant {
		err = s.Grant(auth.Operator(ctx), *username, p)
	} else {
		err = s.Revoke(auth.Operator(ctx), *username, p)
	}
	if err != nil {
		return err
	}
	verb := "granted"
	if !grant {
		verb = "revoked"
	}
	fmt.Fprintf(m.Stdout, "%s %s %s\n", *username, p, verb)
	return nil
}
