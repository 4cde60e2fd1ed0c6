package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

const testSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// runFull runs Main.Run and returns stdout, stderr and the error.
func runFull(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	clock := storetest.NewClock()
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: clock.Now,
		Getenv: func(k string) string {
			if k == "CONTACTPOINT_SECRET" {
				return testSecret
			}
			return ""
		}}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), errOut.String(), err
}

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "cp.db")
	file := filepath.Join(dir, "health.csv")
	os.WriteFile(file, []byte("source_record_id,given_names,family_name,date_of_birth,postcode,la_code\n"+
		"H1,Oliver,Smith,2015-03-04,LS1 4AP,E08000035\n"+
		"H2,Amelia,Jones,2012-13-30,LS2 7EW,E08000035\n"+
		"H3,Noah,Taylor,2016-06-06,NOPE,E08000035\n"), 0o600)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("source_record_id,given_names,family_name,date_of_birth,shoe_size\n"), 0o600)

	if _, _, err := runFull(t, "import", "--db", db, "--source", "health", file); err == nil || !strings.Contains(oneLine(err), "health") {
		t.Errorf("unknown source: got %v; want an error naming it", err)
	}
	if _, _, err := runFull(t, "source", "add", "--db", db, "--name", "health", "--kind", "health"); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runFull(t, "import", "--db", db, "--source", "health", file)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out, "read=3 accepted=2 rejected=1 linked=0 created=2 review=0\n"; got != want {
		t.Errorf("summary: got %q; want %q", got, want)
	}
	// The batch is the source's in the audit trail, as over HTTP.
	st, err := store.Open(context.Background(), db, store.Options{Keys: keysOf(t, testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditEntries(context.Background(), domain.AuditFilter{Actions: []domain.Action{domain.ActionImport}})
	st.Close()
	if err != nil || len(entries) != 1 || entries[0].UserID != "source:health" {
		t.Errorf("import audit entries = %+v, %v; want one by source:health", entries, err)
	}
	if !strings.Contains(errOut, "line 3: date_of_birth: ") || !strings.Contains(errOut, "line 4: address.postcode: ") {
		t.Errorf("stderr: got %q; want line 3's date of birth rejected and line 4's postcode warned", errOut)
	}
	out, _, err = runFull(t, "import", "--db", db, "--source", "health", file)
	if err != nil || out != "read=3 accepted=2 rejected=1 linked=0 created=0 review=0\n" {
		t.Errorf("re-import: got %q, %v; want nothing changed", out, err)
	}
	if _, _, err := runFull(t, "import", "--db", db, "--source", "health", bad); err == nil || !strings.Contains(oneLine(err), "shoe_size") {
		t.Errorf("unknown column: got %v; want an error naming shoe_size", err)
	}
	out, _, err = runFull(t, "export", "links", "--db", db, "--source", "health")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != "source,source_record_id,contactpoint_id,status" {
		t.Fatalf("export: got %q; want the header and two rows", out)
	}
	for _, r := range rows[1:] {
		if _, err := domain.ParseID("id", r[2]); err != nil || r[0] != "health" || r[3] != "linked" {
			t.Errorf("export row %v: want health, a record ID, a ContactPoint ID, linked", r)
		}
	}
	out, _, err = runFull(t, "review", "list", "--db", db)
	if err != nil || out != "0 open\n" {
		t.Errorf("review list: got %q, %v; want 0 open", out, err)
	}
}

// TestImportKilled runs the real binary on a few thousand records, kills it
// (SIGKILL) part way, runs it again, and compares the outcome with an
// import that was never interrupted.
func TestImportKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "contactpoint")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if _, err := gen.Write(context.Background(), gen.Config{Children: 4000, Seed: 3, Today: domain.DateOf(time.Now()), Noise: gen.DefaultNoise()}, dir); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "sources", "health.csv"), filepath.Join(dir, "sources", "education.csv")}
	run := func(db string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--db", db)...)
		cmd.Env = append(os.Environ(), "CONTACTPOINT_SECRET="+testSecret)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return string(out)
	}
	load := func(db string, kill bool) {
		t.Helper()
		run(db, "source", "add", "--name", "health", "--kind", "health")
		run(db, "source", "add", "--name", "education", "--kind", "education")
		for i, f := range files {
			src := []string{"health", "education"}[i]
			if kill {
				cmd := exec.Command(bin, "import", "--db", db, "--batch", "50", "--source", src, f)
				cmd.Env = append(os.Environ(), "CONTACTPOINT_SECRET="+testSecret)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				raw, err := sql.Open("sqlite", strings.TrimPrefix(db, "sqlite:")+"?_pragma=busy_timeout(10000)")
				if err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(30 * time.Second)
				for time.Now().Before(deadline) {
					var n int
					if raw.QueryRow(`SELECT COUNT(*) FROM source_records WHERE source = $1`, src).Scan(&n); n >= 500 {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				raw.Close()
				cmd.Process.Kill()
				if err := cmd.Wait(); err == nil {
					t.Errorf("import of %s finished before it was killed", src)
				}
			}
			run(db, "import", "--source", src, f)
		}
	}
	killed := "sqlite:" + filepath.Join(dir, "killed.db")
	whole := "sqlite:" + filepath.Join(dir, "whole.db")
	load(killed, true)
	load(whole, false)
	a, b := partition(t, run(killed, "export", "links")), partition(t, run(whole, "export", "links"))
	if a != b {
		t.Errorf("after a kill and a re-run the links differ from an uninterrupted import")
	}
	if strings.Count(a, "\n") < 1000 {
		t.Errorf("only %d children", strings.Count(a, "\n"))
	}
	run(killed, "audit", "verify")
}

// partition describes an export without the random ContactPoint IDs: the
// groups of records that share a child, one line each, sorted, and the
// records in review.
func partition(t *testing.T, export string) string {
	rows, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string][]string{}
	for _, r := range rows[1:] {
		key := r[2]
		if r[3] == "review" {
			key = "review " + r[0] + r[1]
		}
		groups[key] = append(groups[key], r[0]+":"+r[1])
	}
	var lines []string
	for _, g := range groups {
		sort.Strings(g)
		lines = append(lines, strings.Join(g, " "))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
