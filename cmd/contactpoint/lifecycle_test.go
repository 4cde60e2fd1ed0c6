package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

func TestLifecycleCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cp.db")
	env := map[string]string{"CONTACTPOINT_SECRET": e2eSecret, "CONTACTPOINT_NEW_PASSWORD": "correct horse battery staple", "CONTACTPOINT_NEW_PIN": "402917"}
	// Seed two children straight into the store on the CLI's clock.
	st, err := store.Open(context.Background(), db, store.Options{Keys: e2eKeys(t), Now: storetest.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	var ids []domain.ID
	for _, dob := range []string{"2008-11-30", "2016-05-01"} {
		c := &domain.Child{GivenNames: "Ada", FamilyName: "Lovelace", Gender: domain.GenderFemale, DateOfBirth: domain.MustDate(dob),
			AddressStatus: domain.AddressCurrent, Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Postcode: "S10 1AA"}, LACode: "E08000019"}}}
		if err := st.CreateChild(context.Background(), c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	st.Close()
	if _, err := runCLI(t, env, "user", "add", "--db", db, "--username", "cp.lead", "--role", "practitioner", "--la", "E08000035",
		"--organisation", "Leeds City Council", "--dbs-number", "001234567890", "--dbs-issued", "2025-01-01",
		"--training-completed", "2026-06-01", "--agreement-signed", "2026-06-01"); err != nil {
		t.Fatal(err)
	}
	young, old := string(ids[1]), string(ids[0])
	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr bool
	}{
		{"team default", []string{"la", "team", "show", "--la", "E08000019"}, "Sheffield ContactPoint team, 01632 960", false},
		{"team set", []string{"la", "team", "set", "--la", "E08000019", "--name", "Sheffield CP team", "--phone", "0114 496 0999", "--email", "cp@example.org"}, "Sheffield CP team", false},
		{"team bad phone", []string{"la", "team", "set", "--la", "E08000019", "--name", "X", "--phone", "12"}, "--team.phone", true},
		{"team shown", []string{"la", "team", "show", "--la", "E08000019"}, "0114 496 0999", false},
		{"grant", []string{"user", "grant", "--username", "cp.lead", "--permission", "child-protection-override"}, "granted", false},
		{"grant unknown permission", []string{"user", "grant", "--username", "cp.lead", "--permission", "god-mode"}, "not a permission", true},
		{"revoke", []string{"user", "revoke", "--username", "cp.lead", "--permission", "child-protection-override"}, "revoked", false},
		{"revoke again", []string{"user", "revoke", "--username", "cp.lead", "--permission", "child-protection-override"}, "does not hold", true},
		{"shield", []string{"shield", "set", "--child", young, "--reason", "risk of harm", "--review", "2026-12-10"}, "shielded (E08000019)", false},
		{"shield due", []string{"shield", "due", "--la", "E08000019"}, young + "\t2026-12-10\trisk of harm\n1 due", false},
		{"cme", []string{"report", "cme", "--la", "E08000019", "--on", "2026-11-24"}, strings.Join(store.CMEHeader, ",") + "\n" + young + ",Ada,Lovelace,2016-05-01,no-setting", false},
		{"cme bad la", []string{"report", "cme", "--la", "E99"}, "--la", true},
		{"quality", []string{"report", "quality", "--la", "E08000019"}, `"without_gp": 2`, false},
		{"extend too far", []string{"extend", "--child", old, "--until", "2040-01-01", "--basis", "send", "--consent-recorded", "2026-11-01"}, "25th birthday", true},
		{"archive before", []string{"archive", "--on", "2026-11-29"}, "archived=0", false},
		{"archive", []string{"archive", "--on", "2026-11-30"}, "archived=1", false},
		{"extend archived", []string{"extend", "--child", old, "--until", "2030-01-01", "--basis", "send", "--consent-recorded", "2026-11-01"}, "archived", true},
		{"verify", []string{"audit", "verify"}, "intact", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCLI(t, env, append(tt.args, "--db", db)...)
			if tt.wantErr {
				if err == nil || !strings.Contains(oneLine(err), tt.want) {
					t.Fatalf("err = %v; want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil || !strings.Contains(out, tt.want) {
				t.Fatalf("out = %q, err = %v; want %q", out, err, tt.want)
			}
		})
	}
	out, err := runCLI(t, env, "subject-access", "--db", db, "--child", young)
	if err != nil {
		t.Fatal(err)
	}
	var sa domain.SubjectAccess
	if err := json.Unmarshal([]byte(out), &sa); err != nil || sa.Child == nil || string(sa.Child.ID) != young || sa.Shield == nil {
		t.Errorf("subject access: %v\n%s", err, out)
	}
}
