package main

import (
	"context"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/lifecycle"
)

// lifecycle is the record's-life service over the open database.
func (m *Main) lifecycle() *lifecycle.Service { return lifecycle.New(m.db) }

// onDate parses an --on flag: today on the store's clock when empty.
func (m *Main) onDate(s string) (domain.Date, error) {
	if s == "" {
		return domain.DateOf(m.db.Now()), nil
	}
	return domain.ParseDate("--on", s)
}

// archive runs the nightly job once: deaths noted, records archived and
// purged, and on the first of the month the children-missing-education
// reports written. serve runs the same job daily.
func (m *Main) archive(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("archive", &c)
	on := fs.String("on", "", "run as of this date, YYYY-MM-DD (default today)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("archive: unexpected argument %q", pos[0]))
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
	r, err := m.lifecycle().Run(ctx, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "on=%s deaths_noted=%d archived=%d purged=%d reports=%d\n", r.On, r.DeathsNoted, r.Archived, r.Purged, r.Reports)
	return nil
}

// extend keeps a care leaver's or a young person with SEND's record live
// past 18, to at most 25, with their recorded consent.
func (m *Main) extend(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("extend", &c)
	child := fs.String("child", "", "the child's ContactPoint ID")
	until := fs.String("until", "", "keep the record live until this date, YYYY-MM-DD (at most the 25th birthday)")
	basis := fs.String("basis", "", "care-leaver or send")
	consent := fs.String("consent-recorded", "", "the date the young person's consent was recorded, YYYY-MM-DD")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("extend: unexpected argument %q", pos[0]))
	}
	id, err := domain.ParseID("--child", *child)
	if err != nil {
		return err
	}
	x := domain.Extension{}
	if x.Until, err = domain.ParseDate("--until", *until); err != nil {
		return err
	}
	if x.ConsentRecorded, err = domain.ParseDate("--consent-recorded", *consent); err != nil {
		return err
	}
	if x.Basis, err = domain.ParseExtensionBasis("--basis", *basis); err != nil {
		return err
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if err := m.lifecycle().Extend(auth.Operator(ctx), id, x); err != nil {
		return flagError(err)
	}
	fmt.Fprintf(m.Stdout, "record %s extended until %s (%s)\n", id, x.Until, x.Basis)
	return nil
}
