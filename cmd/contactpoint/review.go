package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

func (m *Main) reviewList(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("review list", &c)
	la := fs.String("la", "", "only this local authority's items (GSS code)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("review list: unexpected argument %q", pos[0]))
	}
	if *la != "" {
		if _, ok := domain.LookupLA(*la); !ok {
			return domain.FieldError("la", "%q is not the GSS code of an English local authority", *la)
		}
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	items, err := m.db.ReviewList(ctx, *la)
	if err != nil {
		return err
	}
	for _, it := range items {
		r := it.Record
		fmt.Fprintf(m.Stdout, "%s\t%s\t%s\t%s\t%s\n", it.ID, it.LACode, it.Source, it.RecordID, it.Reason)
		fmt.Fprintf(m.Stdout, "  record     %-24s %-24s %s %s %s\n", r.GivenNames, r.FamilyName, r.DateOfBirth, r.Gender, postcodes(r))
		for _, cd := range it.Candidates {
			line := fmt.Sprintf("  %s p=%.4f w=%.1f %s", cd.ChildID, cd.Probability, cd.Weight, cd.Decision)
			if cd.Child != nil {
				line += fmt.Sprintf("  %-24s %-24s %s %s %s", cd.Child.GivenNames, cd.Child.FamilyName, cd.Child.DateOfBirth,
					cd.Child.Gender, strings.Join(cd.Child.Postcodes, ";"))
			}
			var fl []string
			for _, f := range cd.Fields {
				fl = append(fl, fmt.Sprintf("%s=%d(%+.1f)", f.Field, f.Level, f.Weight))
			}
			fmt.Fprintf(m.Stdout, "%s\n    %s\n", line, strings.Join(fl, " "))
		}
	}
	fmt.Fprintf(m.Stdout, "%d open\n", len(items))
	return nil
}

func postcodes(c *domain.Child) string {
	var p []string
	for _, a := range c.Addresses {
		if a.Postcode != "" {
			p = append(p, a.Postcode)
		}
	}
	return strings.Join(p, ";")
}

func (m *Main) reviewDecide(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("review decide", &c)
	id := fs.String("id", "", "the review item")
	link := fs.String("link", "", "link the record to this child (ContactPoint ID)")
	isNew := fs.Bool("new", false, "make the record a new child")
	notMatch := fs.String("not-match", "", "rule this child out (remembered)")
	la := fs.String("la", "", "with --new, the child's authority when the record names none")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("review decide: unexpected argument %q", pos[0]))
	}
	n := 0
	var d store.ReviewDecision
	if *link != "" {
		n++
		cid, err := domain.ParseID("link", *link)
		if err != nil {
			return err
		}
		d = store.ReviewDecision{Action: store.DecideLink, ChildID: cid}
	}
	if *isNew {
		n++
		d = store.ReviewDecision{Action: store.DecideNew, LACode: *la}
	}
	if *notMatch != "" {
		n++
		cid, err := domain.ParseID("not-match", *notMatch)
		if err != nil {
			return err
		}
		d = store.ReviewDecision{Action: store.DecideNotMatch, ChildID: cid}
	}
	if *id == "" || n != 1 {
		return usageError("review decide: give --id and one of --link CHILD_ID, --new or --not-match CHILD_ID")
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	child, err := m.db.DecideReview(ctx, *id, d)
	if err != nil {
		return err
	}
	switch d.Action {
	case store.DecideNotMatch:
		fmt.Fprintf(m.Stdout, "%s ruled out for %s\n", d.ChildID, *id)
	default:
		fmt.Fprintf(m.Stdout, "%s %s %s\n", *id, d.Action, child)
	}
	return nil
}
