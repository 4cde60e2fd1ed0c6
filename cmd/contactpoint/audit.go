package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/domain"
)

func (m *Main) auditVerify(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("audit verify", &c)
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("audit verify: unexpected argument %q", pos[0]))
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	n, err := m.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "audit trail intact: %d entries\n", n)
	return nil
}

func (m *Main) auditShow(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("audit show", &c)
	child := fs.String("child", "", "show who looked at or changed this child (ContactPoint ID)")
	user := fs.String("user", "", "show what this user (username) did")
	limit := fs.Int("limit", 50, "show at most this many entries, newest first")
	before := fs.Int64("before", 0, "show entries before this sequence number (the next page)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("audit show: unexpected argument %q", pos[0]))
	}
	if (*child == "") == (*user == "") {
		return usageError("audit show: give one of --child ID or --user USERNAME")
	}
	f := domain.AuditFilter{Limit: *limit, Before: *before}
	if *child != "" {
		id, err := domain.ParseID("--child", *child)
		if err != nil {
			return err
		}
		f.ChildID = string(id)
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if *user != "" {
		if *user == domain.OperatorID {
			f.UserID = domain.OperatorID
		} else {
			u, err := m.db.UserByUsername(ctx, *user)
			if err != nil {
				return err
			}
			f.UserID = u.ID
		}
	}
	entries, err := m.db.AuditEntries(ctx, f)
	if err != nil {
		return err
	}
	names := map[string]string{domain.OperatorID: domain.OperatorID, "": "-"}
	for _, e := range entries {
		name, ok := names[e.UserID]
		if !ok {
			name = e.UserID
			if u, err := m.db.User(ctx, e.UserID); err == nil {
				name = u.Username
			}
			names[e.UserID] = name
		}
		detail := e.Detail
		if e.OnBehalfOf != nil {
			detail = map[string]any{"on_behalf_of": e.OnBehalfOf}
			for k, v := range e.Detail {
				detail[k] = v
			}
		}
		d, _ := json.Marshal(detail)
		childID := e.ChildID
		if childID == "" {
			childID = "-"
		} else {
			childID = domain.ID(childID).String()
		}
		fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02T15:04:05Z"), name, e.LACode, e.Action, childID, d)
	}
	return nil
}
