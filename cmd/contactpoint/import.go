package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
)

// importFeed imports a source's file. Progress goes to stderr when stderr
// is a terminal, or whenever --progress is given (--progress=false: never);
// the summary line on stdout is the contract's and never changes.
func (m *Main) importFeed(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("import", &c)
	source := fs.String("source", "", "the source system the file comes from (see source add)")
	batch := fs.Int("batch", 0, "records per transaction (0: the importer's default, 2,000)")
	showProgress := fs.Bool("progress", false, "report progress on stderr (default: only when stderr is a terminal)")
	pos, err := parse(fs, args)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) != 1 {
		return usageError("import: name one file: contactpoint import --source NAME FILE")
	}
	if *source == "" {
		return usageError("import: --source is required")
	}
	progressSet := false
	fs.Visit(func(f *flag.Flag) { progressSet = progressSet || f.Name == "progress" })
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if _, err := m.db.Source(ctx, *source); err != nil {
		return err
	}
	name := pos[0]
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var in io.Reader = f
	var bar *progress
	tty := isTerminal(m.Stderr)
	if *showProgress || !progressSet && tty {
		var total int64
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			total = st.Size()
		}
		bar = newProgress(m.Stderr, tty, total, nil)
		in = bar.reader(f)
	}
	r, err := feed.NewReader(name, in)
	if err != nil {
		return err
	}
	src, err := m.db.Source(ctx, *source)
	if err != nil {
		return err
	}
	// The batches are the source's in the audit trail, as over HTTP.
	ctx = domain.NewContextWithUser(ctx, src.Actor())
	im := &feed.Importer{DB: m.db, Source: *source, Now: m.Now, BatchSize: *batch}
	if bar != nil {
		im.Progress = bar.read
		bar.run()
	}
	if p := m.Getenv("CONTACTPOINT_IMPORT_CPUPROFILE"); p != "" {
		// A CPU profile of the import, for finding where the time goes.
		pf, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	s, err := im.Import(ctx, r)
	if bar != nil {
		bar.records.Store(int64(s.Read)) // the last batch may have had nothing to commit
		bar.finish(err)
	}
	for _, e := range s.Errors {
		fmt.Fprintln(m.Stderr, e.Error())
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(m.Stderr, w.String())
	}
	if err != nil {
		return err
	}
	if s.Settled > 0 {
		fmt.Fprintf(m.Stderr, "linked %d records held earlier (for want of a local authority, or beside a twin): children made since are theirs\n", s.Settled)
	}
	fmt.Fprintln(m.Stdout, s.String())
	return nil
}
