package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
)

// subjectAccess prints, as JSON, everything held about a child, from which
// source, and which organisations viewed the record and when. It is
// audited.
func (m *Main) subjectAccess(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("subject-access", &c)
	child := fs.String("child", "", "the child's ContactPoint ID")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("subject-access: unexpected argument %q", pos[0]))
	}
	id, err := domain.ParseID("--child", *child)
	if err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	sa, err := m.lifecycle().SubjectAccess(auth.Operator(ctx), id)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sa)
}
