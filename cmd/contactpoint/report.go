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

// reportCME prints an authority's children missing education as CSV.
func (m *Main) reportCME(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("report cme", &c)
	la := fs.String("la", "", "the authority's GSS code")
	on := fs.String("on", "", "as of this date, YYYY-MM-DD (default today)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("report cme: unexpected argument %q", pos[0]))
	}
	if err := laFlag(*la); err != nil {
		return err
	}
	if _, err := domain.ParseDate("--on", *on); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	d, err := m.onDate(*on)
	if err != nil {
		return err
	}
	return m.lifecycle().WriteMissingEducationCSV(auth.Operator(ctx), m.Stdout, *la, d)
}

// reportQuality prints an authority's data-quality counts as JSON.
func (m *Main) reportQuality(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("report quality", &c)
	la := fs.String("la", "", "the authority's GSS code")
	on := fs.String("on", "", "as of this date, YYYY-MM-DD (default today)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("report quality: unexpected argument %q", pos[0]))
	}
	if err := laFlag(*la); err != nil {
		return err
	}
	if _, err := domain.ParseDate("--on", *on); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	d, err := m.onDate(*on)
	if err != nil {
		return err
	}
	q, err := m.lifecycle().Quality(auth.Operator(ctx), *la, d)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(q)
}
