package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
)

// laFlag checks an --la flag before anything is opened.
func laFlag(la string) error {
	if la == "" {
		return domain.FieldError("--la", "is required: the authority's GSS code, such as E08000019")
	}
	if _, ok := domain.LookupLA(la); !ok {
		return domain.FieldError("--la", "%q is not the GSS code of an English local authority", la)
	}
	return nil
}

// reportArgs reads the flags every report takes (--la, --on) and opens
// the database. done is set when the user only asked for --help.
func (m *Main) reportArgs(ctx context.Context, name string, args []string) (la string, on domain.Date, done bool, err error) {
	var c common
	fs := m.flags(name, &c)
	laf := fs.String("la", "", "the authority's GSS code")
	onf := fs.String("on", "", "as of this date, YYYY-MM-DD (default today)")
	if pos, err := parse(fs, args); err != nil {
		return "", domain.Date{}, true, helpOK(err)
	} else if len(pos) > 0 {
		return "", domain.Date{}, true, usageError(fmt.Sprintf("%s: unexpected argument %q", name, pos[0]))
	}
	if err := laFlag(*laf); err != nil {
		return "", domain.Date{}, true, err
	}
	if _, err := domain.ParseDate("--on", *onf); err != nil {
		return "", domain.Date{}, true, err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return "", domain.Date{}, true, err
	}
	on, err = m.onDate(*onf)
	return *laf, on, err != nil, err
}

// reportCME prints an authority's children missing education as CSV.
func (m *Main) reportCME(ctx context.Context, args []string) error {
	la, on, done, err := m.reportArgs(ctx, "report cme", args)
	if done {
		return err
	}
	return m.lifecycle().WriteMissingEducationCSV(auth.Operator(ctx), m.Stdout, la, on)
}

// reportQuality prints an authority's data-quality counts as JSON.
func (m *Main) reportQuality(ctx context.Context, args []string) error {
	la, on, done, err := m.reportArgs(ctx, "report quality", args)
	if done {
		return err
	}
	q, err := m.lifecycle().Quality(auth.Operator(ctx), la, on)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(q)
}
