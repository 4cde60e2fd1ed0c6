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
	if err := w.Write([]string{"source", "source_record_id", "contactpoint_id", "status"}); err != nil {
		return err
	}
	e := &domain.AuditEntry{UserID: domain.OperatorID}
	err := m.db.ExportLinks(ctx, *source, e, func(l store.SourceLink) error {
		return w.Write([]string{l.Source, l.RecordID, string(l.ChildID), l.Status})
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
