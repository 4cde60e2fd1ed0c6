package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// runCLI runs Main.Run with args against db and env, returning stdout and
// the error.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	clock := storetest.NewClock()
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: clock.Now,
		Getenv: func(k string) string { return env[k] }}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

func TestUserAddThenAuditVerify(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cp.db")
	env := map[string]string{
		"CONTACTPOINT_SECRET":       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"CONTACTPOINT_NEW_PASSWORD": "correct horse battery staple",
		"CONTACTPOINT_NEW_PIN":      "402917",
	}
	add := []string{"user", "add", "--db", db, "--username", "sam.taylor", "--role", "practitioner", "--role", "la-admin,practitioner",
		"--la", "E08000019", "--organisation", "Sheffield City Council", "--dbs-number", "001234567890",
		"--dbs-issued", "2025-01-01", "--training-completed", "2026-06-01", "--agreement-signed", "2026-06-01"}
	out, err := runCLI(t, env, add...)
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	uri := regexp.MustCompile(`(?m)^otpauth://totp/ContactPoint:sam\.taylor\?\S*secret=[A-Z2-7]+\S*$`)
	if !uri.MatchString(out) {
		t.Errorf("user add printed %q; want an otpauth:// URI on a line of its own", out)
	}

	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string // in stdout, or in the error when wantErr
		wantErr bool
	}{
		{"verify", env, []string{"audit", "verify", "--db", db}, "audit trail intact: 1 entries", false},
		{"duplicate", env, add, "username sam.taylor is already taken", true},
		{"weak password", map[string]string{"CONTACTPOINT_SECRET": env["CONTACTPOINT_SECRET"], "CONTACTPOINT_NEW_PASSWORD": "password1234", "CONTACTPOINT_NEW_PIN": "402917"},
			append(append([]string{}, add[:5]...), "x.y", "--role", "practitioner"), "password:", true},
		{"no password, no terminal", map[string]string{"CONTACTPOINT_SECRET": env["CONTACTPOINT_SECRET"]}, add, "CONTACTPOINT_NEW_PASSWORD", true},
		{"bad role", env, []string{"user", "add", "--db", db, "--role", "boss"}, "--role", true},
		{"bad date", env, []string{"user", "add", "--db", db, "--username", "a.b", "--role", "practitioner", "--dbs-issued", "1/1/2025"}, "--dbs-issued", true},
		{"bad la", env, append(append([]string{}, add...), "--la", "E99999999", "--username", "c.d"), "--la", true},
		{"lapsed training", env, append(append([]string{}, add...), "--training-completed", "2024-01-01", "--username", "e.f"), "--training-completed", true},
		{"list", env, []string{"user", "list", "--db", db}, "sam.taylor\tla-admin,practitioner\tE08000019", false},
		{"code", env, []string{"user", "code", "--db", db, "--username", "sam.taylor"}, "", false},
		{"suspend", env, []string{"user", "suspend", "--db", db, "--username", "sam.taylor"}, "suspended", false},
		{"unlock", env, []string{"user", "unlock", "--db", db, "--username", "sam.taylor"}, "unlocked", false},
		{"reissue", env, []string{"user", "reissue-token", "--db", db, "--username", "sam.taylor"}, "otpauth://totp/ContactPoint:sam.taylor?", false},
		{"unknown user", env, []string{"user", "suspend", "--db", db, "--username", "nobody"}, "no user", true},
		{"verify again", env, []string{"audit", "verify", "--db", db}, "audit trail intact: 5 entries", false},
		{"show user", env, []string{"audit", "show", "--db", db, "--user", "operator"}, "user-suspend", false},
		{"show neither", env, []string{"audit", "show", "--db", db}, "--child", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCLI(t, tt.env, tt.args...)
			if tt.wantErr {
				if err == nil || !strings.Contains(oneLine(err), tt.want) {
					t.Errorf("err = %v; want an error containing %q", err, tt.want)
				}
				return
			}
			if err != nil || !strings.Contains(out, tt.want) {
				t.Errorf("out = %q, err = %v; want %q", out, err, tt.want)
			}
		})
	}

	raw, err := sql.Open("sqlite", strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_log SET action = 'user-unlock' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	_, err = runCLI(t, env, "audit", "verify", "--db", db)
	if err == nil || !strings.Contains(oneLine(err), "entry 3") || exitCode(err) == 0 {
		t.Errorf("verify after tampering: err = %v; want a failure naming entry 3", err)
	}
}
