package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProgressLines drives the report with a fake clock: one line per
// update off a terminal, at most one a second, with the rate and time left;
// on a terminal, redrawn in place.
func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	clk := func() time.Time { return now }
	p := newProgress(&out, false, 10<<20, clk)

	now = now.Add(2 * time.Second)
	p.bytes.Store(5 << 20)
	p.read(4000)
	now = now.Add(500 * time.Millisecond)
	p.read(5000) // within a second of the last: not written
	now = now.Add(2 * time.Second)
	p.bytes.Store(10 << 20)
	p.read(9000)
	p.finish(nil)

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		"import: 4,000 records,  50% of 10.0 MiB, 2,000 records/s, 0:02 left",
		"import: 9,000 records, 100% of 10.0 MiB, 2,000 records/s",
		"import: 9,000 records, 100% of 10.0 MiB, 2,000 records/s, done in 0:05",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines %q; want %d", len(lines), lines, len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: got %q; want %q", i+1, lines[i], want[i])
		}
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("off a terminal the report has no \\r: %q", out.String())
	}

	out.Reset()
	p = newProgress(&out, true, 1000, clk)
	now = now.Add(time.Second)
	p.bytes.Store(100)
	p.read(123456)
	now = now.Add(time.Second)
	p.bytes.Store(1000)
	p.finish(os.ErrClosed)
	got := out.String()
	if !strings.HasPrefix(got, "\rimport: 123,456 records,  10% of 1000 B, 123,456 records/s, 0:09 left\rimport: 123,456 records, 100% of 1000 B, 61,728 records/s, stopped after 0:02") ||
		!strings.HasSuffix(got, "\n") {
		t.Errorf("terminal: got %q; want two lines drawn in place, the last saying it stopped, then a newline", got)
	}
}

func TestProgressFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{thousands(0), "0"}, {thousands(999), "999"}, {thousands(1000), "1,000"}, {thousands(1234567), "1,234,567"},
		{size(512), "512 B"}, {size(1536), "1.5 KiB"}, {size(64 << 20), "64.0 MiB"}, {size(3 << 30), "3.0 GiB"},
		{clock(42 * time.Second), "0:42"}, {clock(61 * time.Minute), "1:01:00"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q; want %q", tc.got, tc.want)
		}
	}
}

// TestImportProgressFlag: --progress reports on stderr even when it is not
// a terminal, --progress=false never does, nor does the default off a
// terminal; the summary on stdout is the same every time.
func TestImportProgressFlag(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "cp.db")
	// Records unlike each other (names and dates of birth apart), so that
	// matching has little to do.
	var b strings.Builder
	born := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 2500 {
		family := string(rune('A'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26)) + "ley"
		b.WriteString(`{"source_record_id":"N` + thousands(int64(i)) + `","given_names":"` + family[1:] + `o","family_name":"` + family +
			`","date_of_birth":"` + born.AddDate(0, 0, i*2).Format(time.DateOnly) + `","la_code":"E08000035"}` + "\n")
	}
	file := filepath.Join(dir, "gp.ndjson")
	os.WriteFile(file, []byte(b.String()), 0o600)
	if _, _, err := runFull(t, "source", "add", "--db", db, "--name", "gp", "--kind", "health"); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runFull(t, "import", "--db", db, "--source", "gp", "--progress", "--batch", "1000", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "read=2500 accepted=2500 rejected=0 ") || strings.Count(out, "\n") != 1 {
		t.Errorf("stdout: got %q; want the summary line alone", out)
	}
	last := strings.TrimSpace(errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:])
	if !strings.HasPrefix(last, "import: 2,500 records, 100% of ") || !strings.Contains(last, " records/s, done in ") {
		t.Errorf("progress: last line %q of stderr %q; want 2,500 records, 100%%, a rate and the time taken", last, errOut)
	}
	for _, args := range [][]string{{"--progress=false"}, {}} {
		out2, errOut, err := runFull(t, append(append([]string{"import", "--db", db, "--source", "gp"}, args...), file)...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(errOut, "import: ") {
			t.Errorf("import %v: stderr %q; want no progress", args, errOut)
		}
		if !strings.HasPrefix(out2, "read=2500 accepted=2500 rejected=0 linked=0 created=0 ") {
			t.Errorf("import %v again: stdout %q", args, out2)
		}
	}
}
