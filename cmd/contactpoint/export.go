package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

func (m *Main) exportLinks(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("export links", &c)
	source := fs.String("source", "", "only this source's records")
	explain := fs.Bool("explain", false, "add a column explaining each decision (JSON: decision, probability, weight, field-by-field levels and weights, model, rule)")
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("export links: unexpected argument %q", pos[0]))
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(m.Stdout, 1<<16)
	w := csv.NewWriter(bw)
	header := []string{"source", "source_record_id", "contactpoint_id", "status"}
	if *explain {
		header = append(header, "explanation")
	}
	if err := w.Write(header); err != nil {
		return err
	}
	e := &domain.AuditEntry{UserID: domain.OperatorID}
	err := m.db.ExportLinks(ctx, *source, e, func(l store.SourceLink) error {
		row := []string{l.Source, l.RecordID, string(l.ChildID), l.Status}
		if *explain {
			row = append(row, l.Explanation)
		}
		return w.Write(row)
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
