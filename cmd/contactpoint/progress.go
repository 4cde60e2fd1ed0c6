package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress reports an import's progress on stderr: records read, the share
// of the file's bytes read, records per second and the time left. On a
// terminal it redraws one line in place (\r) a few times a second;
// elsewhere (a log file, a CI job) it writes one line per update, at most
// one a second.
type progress struct {
	w     io.Writer
	tty   bool
	total int64 // the file's size in bytes; 0 when unknown
	now   func() time.Time
	every time.Duration // at most one update this often

	bytes   atomic.Int64 // read from the file so far
	records atomic.Int64 // records the importer has handled

	mu     sync.Mutex
	start  time.Time
	last   time.Time // of the last update written
	width  int       // of the last line drawn in place
	failed bool      // the import stopped with an error
	stop   chan struct{}
	done   chan struct{}
}

// newProgress returns a progress report on w for a file of total bytes.
func newProgress(w io.Writer, tty bool, total int64, now func() time.Time) *progress {
	if now == nil {
		now = time.Now
	}
	p := &progress{w: w, tty: tty, total: total, now: now, every: time.Second}
	if tty {
		p.every = 250 * time.Millisecond
	}
	p.start = now()
	return p
}

// run updates the report every p.every until finish is called, so it moves
// while a long transaction commits.
func (p *progress) run() {
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(p.every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.update(false)
			}
		}
	}()
}

// read is the importer's Progress hook: n records handled so far.
func (p *progress) read(n int) {
	p.records.Store(int64(n))
	p.update(false)
}

// reader counts the bytes read through it.
func (p *progress) reader(r io.Reader) io.Reader { return &countingReader{r: r, n: &p.bytes} }

// update writes the report if p.every has passed since the last one, or
// always when force is set.
func (p *progress) update(force bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if !force && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	line := p.line(now, force)
	if !p.tty {
		fmt.Fprintln(p.w, line)
		return
	}
	pad := max(p.width-len(line), 0)
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

// finish stops the updates and writes the last report: how long the
// import took, or after how long it stopped when err is set.
func (p *progress) finish(err error) {
	p.failed = err != nil
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	p.update(true)
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// line is the report at now, such as
// "import: 12,000 records, 37% of 45.2 MiB, 3,950 records/s, 0:42 left";
// the final one says how long the import took.
func (p *progress) line(now time.Time, final bool) string {
	n, b := p.records.Load(), p.bytes.Load()
	elapsed := now.Sub(p.start)
	var s strings.Builder
	fmt.Fprintf(&s, "import: %s records", thousands(n))
	if p.total > 0 {
		frac := min(float64(b)/float64(p.total), 1)
		fmt.Fprintf(&s, ", %3.0f%% of %s", frac*100, size(p.total))
	}
	if secs := elapsed.Seconds(); secs > 0 {
		fmt.Fprintf(&s, ", %s records/s", thousands(int64(float64(n)/secs)))
	}
	switch {
	case final && p.failed:
		fmt.Fprintf(&s, ", stopped after %s", clock(elapsed))
	case final:
		fmt.Fprintf(&s, ", done in %s", clock(elapsed))
	case p.total > 0 && b > 0 && b < p.total:
		left := time.Duration(float64(elapsed) * float64(p.total-b) / float64(b))
		fmt.Fprintf(&s, ", %s left", clock(left))
	}
	return s.String()
}

// thousands formats n with commas: 12,000.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// size formats a byte count: 512 B, 45.2 MiB.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"KiB", "MiB", "GiB", "TiB"}[i])
}

// clock formats a duration as H:MM:SS or M:SS.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
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
