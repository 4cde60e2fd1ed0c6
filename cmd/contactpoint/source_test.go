package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSourceCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cp.db")
	out, _, err := runFull(t, "source", "add", "--db", db, "--name", "gro", "--kind", "other",
		"--organisation", "General Register Office", "--authoritative-for", "death, names,date_of_birth")
	if err != nil || out != "source gro (other), authoritative for names,date_of_birth,death\n" {
		t.Fatalf("source add: %q, %v", out, err)
	}
	_, _, err = runFull(t, "source", "add", "--db", db, "--name", "x", "--kind", "other", "--authoritative-for", "names,shoe_size")
	if err == nil || exitCode(err) != 1 || !strings.Contains(oneLine(err), "--authoritative-for") ||
		!strings.Contains(oneLine(err), "shoe_size") || !strings.Contains(oneLine(err), "names, date_of_birth, gender, death, address, education, health") {
		t.Errorf("bad --authoritative-for: got %v; want one line naming the flag, the value and the allowed values", err)
	}
	// Adding again succeeds; flags left out keep what the source had.
	if out, _, err := runFull(t, "source", "add", "--db", db, "--name", "gro", "--kind", "other"); err != nil || out != "source gro (other), authoritative for names,date_of_birth,death\n" {
		t.Errorf("source add again: %q, %v; want success, unchanged", out, err)
	}
	// Flags given replace what it had.
	if out, _, err := runFull(t, "source", "add", "--db", db, "--name", "gro", "--kind", "other", "--authoritative-for", "names"); err != nil || out != "source gro (other), authoritative for names\n" {
		t.Errorf("source add with a new --authoritative-for: %q, %v", out, err)
	}
	if _, _, err := runFull(t, "source", "add", "--db", db, "--name", "gro", "--kind", "health"); err == nil || !strings.Contains(oneLine(err), "kind") {
		t.Errorf("another kind: got %v; want a conflict naming kind", err)
	}
	if _, _, err := runFull(t, "source", "add", "--db", db, "--name", "gp", "--kind", "health"); err != nil {
		t.Fatal(err)
	}
	out, _, err = runFull(t, "source", "list", "--db", db)
	if want := "gp\thealth\t\t-\tno key\ngro\tother\tGeneral Register Office\tnames\tno key\n"; err != nil || out != want {
		t.Errorf("source list: got %q, %v; want %q", out, err, want)
	}

	out, errOut, err := runFull(t, "source", "credential", "--db", db, "--name", "gp")
	key := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(key, "cpsk_") || strings.Count(out, "\n") != 1 || !strings.Contains(errOut, "shown once") {
		t.Fatalf("source credential: %q (stderr %q), %v; want the key alone on stdout", out, errOut, err)
	}
	out, _, _ = runFull(t, "source", "list", "--db", db)
	if !strings.HasPrefix(out, "gp\thealth\t\t-\tkey issued 2026-11-24T10:00:00Z\n") || strings.Contains(out, key) {
		t.Errorf("source list after credential: %q; want the key's issue time, never the key", out)
	}
	again, _, err := runFull(t, "source", "credential", "--db", db, "--name", "gp")
	if err != nil || strings.TrimSpace(again) == key {
		t.Errorf("re-issue: %q, %v; want a new key", again, err)
	}
	if out, _, err := runFull(t, "source", "revoke", "--db", db, "--name", "gp"); err != nil || out != "source gp: API key revoked\n" {
		t.Errorf("revoke: %q, %v", out, err)
	}
	out, _, _ = runFull(t, "source", "list", "--db", db)
	if !strings.HasPrefix(out, "gp\thealth\t\t-\tno key\n") {
		t.Errorf("source list after revoke: %q", out)
	}
	if _, _, err := runFull(t, "source", "credential", "--db", db, "--name", "nope"); err == nil || !strings.Contains(oneLine(err), "nope") {
		t.Errorf("credential for an unknown source: got %v; want an error naming it", err)
	}
	if _, _, err := runFull(t, "source", "credential", "--db", db); err == nil || exitCode(err) != 2 {
		t.Errorf("credential without --name: got %v; want a usage error", err)
	}
}
