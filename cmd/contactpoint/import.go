package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/contactpoint/contactpoint/internal/feed"
)

// progressMin is the file size from which import draws a progress bar (on
// a terminal only).
const progressMin = 8 << 20

func (m *Main) importFeed(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("import", &c)
	source := fs.String("source", "", "the source system the file comes from (see source add)")
	batch := fs.Int("batch", 0, "records per transaction (0: the importer's default, 2,000)")
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
	if st, err := f.Stat(); err == nil && st.Size() >= progressMin && isTerminal(m.Stderr) {
		bar = &progress{w: m.Stderr, total: st.Size()}
		in = &countingReader{r: f, n: &bar.done}
	}
	r, err := feed.NewReader(name, in)
	if err != nil {
		return err
	}
	im := &feed.Importer{DB: m.db, Source: *source, Now: m.Now, BatchSize: *batch}
	if bar != nil {
		im.Progress = func(int) { bar.draw() }
	}
	s, err := im.Import(ctx, r)
	if bar != nil {
		bar.clear()
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
	fmt.Fprintln(m.Stdout, s.String())
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progress draws a one-line bar on a terminal.
type progress struct {
	w     io.Writer
	total int64
	done  atomic.Int64
}

func (p *progress) draw() {
	frac := float64(p.done.Load()) / float64(p.total)
	frac = min(max(frac, 0), 1)
	const width = 40
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%%", strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100)
}

func (p *progress) clear() { fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 48)) }
