package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// runOn runs Main.Run like runFull, but on a clock the caller keeps and with
// env answering Getenv, so that a test can sign in as a practitioner.
func runOn(t *testing.T, clock *storetest.Clock, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: clock.Now,
		Getenv: func(k string) string { return env[k] }}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), errOut.String(), err
}

// practiceRecord is what the tests read of record show's JSON.
type practiceRecord struct {
	ID           string `json:"contactpoint_id"`
	FamilyName   string `json:"family_name"`
	Involvements []struct {
		ID      string `json:"id"`
		Service string `json:"service"`
		End     string `json:"end"`
	} `json:"involvements"`
	LeadProfessionals []struct {
		Name string `json:"name"`
	} `json:"lead_professionals"`
	CAFs []struct {
		HolderName string `json:"holder_name"`
	} `json:"cafs"`
	Parents []struct {
		ID      string         `json:"id"`
		Contact domain.Contact `json:"contact"`
	} `json:"parents"`
}

func TestPracticeCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "cp.db")
	clock := storetest.NewClock()
	env := map[string]string{"CONTACTPOINT_SECRET": testSecret, "CONTACTPOINT_DB": db,
		"CONTACTPOINT_NEW_PASSWORD": "correct horse battery staple", "CONTACTPOINT_NEW_PIN": "402917"}
	operator := func(args ...string) string {
		t.Helper()
		out, _, err := runOn(t, clock, env, args...)
		if err != nil {
			t.Fatalf("%s: %v", strings.Join(args[:2], " "), err)
		}
		return out
	}

	// Two children from a source's feed; Oliver has a parent.
	feedFile := filepath.Join(dir, "la.ndjson")
	os.WriteFile(feedFile, []byte(
		`{"source_record_id":"L1","given_names":"Oliver","family_name":"Smith","gender":"male","date_of_birth":"2015-03-04","postcode":"LS1 4AP","la_code":"E08000035",`+
			`"parents":[{"name":"Emma Smith","relationship":"mother","parental_responsibility":true,"contact":{"phone":"0113 496 0001"}}]}`+"\n"+
			`{"source_record_id":"L2","given_names":"Amelia","family_name":"Jones","gender":"female","date_of_birth":"2012-10-30","postcode":"LS2 7EW","la_code":"E08000035"}`+"\n"), 0o600)
	operator("source", "add", "--name", "leeds", "--kind", "local-authority")
	if out := operator("import", "--source", "leeds", feedFile); !strings.HasPrefix(out, "read=2 accepted=2 ") {
		t.Fatalf("import: got %q; want both records accepted", out)
	}
	rows, err := csv.NewReader(strings.NewReader(operator("export", "links", "--source", "leeds"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var oliver string
	for _, r := range rows {
		if r[1] == "L1" {
			oliver = r[2]
		}
	}
	if oliver == "" {
		t.Fatalf("export links: %v; want L1's child", rows)
	}
	shown := domain.ID(oliver).String() // E3F-4T1-P5X, as the commands print it

	// A vetted practitioner, whose security codes the test computes as their
	// authenticator app would.
	out := operator("user", "add", "--username", "pat.lee", "--role", "practitioner", "--la", "E08000035",
		"--organisation", "Leeds City Council", "--full-name", "Pat Lee", "--phone", "0113 496 0500",
		"--dbs-number", "001234567890", "--dbs-issued", "2025-01-01", "--training-completed", "2026-06-01", "--agreement-signed", "2026-06-01")
	uri := regexp.MustCompile(`(?m)^otpauth://\S+$`).FindString(out)
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatalf("user add printed %q: %v", out, err)
	}
	signIn := map[string]string{"CONTACTPOINT_SECRET": testSecret, "CONTACTPOINT_DB": db, "CONTACTPOINT_USERNAME": "pat.lee",
		"CONTACTPOINT_PASSWORD": env["CONTACTPOINT_NEW_PASSWORD"], "CONTACTPOINT_PIN": env["CONTACTPOINT_NEW_PIN"]}
	// as runs a command as pat.lee. Each sign-in needs a code not used
	// before, so the clock moves on a step first, as it would between two
	// commands typed at a terminal.
	as := func(change map[string]string, args ...string) (string, string, error) {
		t.Helper()
		clock.Add(30 * time.Second)
		code, err := totp.GenerateCode(key.Secret(), clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		e := map[string]string{"CONTACTPOINT_CODE": code}
		for k, v := range signIn {
			e[k] = v
		}
		for k, v := range change {
			e[k] = v
		}
		return runOn(t, clock, e, args...)
	}
	show := func() practiceRecord {
		t.Helper()
		out, _, err := as(nil, "record", "show", "--child", oliver, "--reason", "safeguarding")
		if err != nil {
			t.Fatalf("record show: %v", err)
		}
		var r practiceRecord
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("record show printed %q: %v", out, err)
		}
		return r
	}

	t.Run("search", func(t *testing.T) {
		out, _, err := as(nil, "search", "--given-names", "Oliver", "--family-name", "Smith", "--date-of-birth", "2015-03-04")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		f := strings.Split(lines[0], "\t")
		if len(f) != 7 || f[0] != shown || f[1] != "Oliver" || f[2] != "Smith" || f[3] != "2015-03-04" || f[4] != "male" ||
			!regexp.MustCompile(`^[01]\.\d{3}$`).MatchString(f[6]) {
			t.Errorf("search: got %q; want %s first: ID, names, date of birth, gender, place, score", out, shown)
		}
		out, _, err = as(nil, "search", "--given-names", "Nobody", "--family-name", "Atall", "--date-of-birth", "2001-01-01")
		if err != nil || out != "no matches\n" {
			t.Errorf("search for no one: got %q, %v; want %q", out, err, "no matches\n")
		}
	})
	t.Run("below minimum criteria", func(t *testing.T) {
		_, _, err := as(nil, "search", "--family-name", "Smith")
		if got, want := oneLine(err), "--given-names: not enough to search on: add given name and date of birth"; err == nil || !strings.HasPrefix(got, want) || exitCode(err) != 1 {
			t.Errorf("search --family-name only: got %q; want %q... (exit 1)", got, want)
		}
	})
	t.Run("wrong pin", func(t *testing.T) {
		_, _, err := as(map[string]string{"CONTACTPOINT_PIN": "999999"}, "search", "--given-names", "Oliver", "--family-name", "Smith", "--date-of-birth", "2015-03-04")
		if got, want := oneLine(err), auth.SignInFailed; got != want {
			t.Errorf("wrong PIN: got %q; want %q", got, want)
		}
	})
	t.Run("no password, no terminal", func(t *testing.T) {
		_, _, err := as(map[string]string{"CONTACTPOINT_PASSWORD": ""}, "record", "show", "--child", oliver, "--reason", "safeguarding")
		if got, want := oneLine(err), "CONTACTPOINT_PASSWORD"; !strings.Contains(got, want) {
			t.Errorf("no password: got %q; want an error naming %s", got, want)
		}
	})
	t.Run("reason", func(t *testing.T) {
		for _, reason := range []string{"", "curiosity"} {
			_, _, err := as(nil, "record", "show", "--child", oliver, "--reason", reason)
			if got := oneLine(err); err == nil || !strings.HasPrefix(got, "--reason: ") || !strings.Contains(got, "safeguarding") {
				t.Errorf("record show --reason %q: got %q; want a --reason error listing the reasons", reason, got)
			}
		}
		if r := show(); r.ID != oliver || r.FamilyName != "Smith" {
			t.Errorf("record show: got %+v; want %s, Smith", r, oliver)
		}
	})

	var involvement string
	t.Run("involvement add", func(t *testing.T) {
		out, _, err := as(nil, "record", "involvement", "add", "--child", oliver, "--service", "youth-work", "--role", "Youth worker")
		f := strings.Fields(out)
		if err != nil || len(f) < 2 || f[0] != "involvement" || !strings.Contains(out, "youth-work, Leeds City Council, from 2026-11-24") {
			t.Fatalf("involvement add: got %q, %v; want the new involvement's ID", out, err)
		}
		involvement = f[1]
		r := show()
		if len(r.Involvements) != 1 || r.Involvements[0].ID != involvement || r.Involvements[0].Service != "youth-work" || r.Involvements[0].End != "" {
			t.Errorf("record show after involvement add: got %+v; want youth-work %s, not ended", r.Involvements, involvement)
		}
		_, _, err = as(nil, "record", "involvement", "add", "--child", oliver, "--service", "youth-work", "--phone", "12")
		if got := oneLine(err); !strings.HasPrefix(got, "--phone: ") {
			t.Errorf("involvement add --phone 12: got %q; want a --phone error", got)
		}
	})
	t.Run("involvement end", func(t *testing.T) {
		out, _, err := as(nil, "record", "involvement", "end", "--child", oliver, "--involvement", involvement, "--on", "2026-11-24")
		if want := "involvement " + involvement + " of " + shown + " ended on 2026-11-24\n"; err != nil || out != want {
			t.Fatalf("involvement end: got %q, %v; want %q", out, err, want)
		}
		if r := show(); len(r.Involvements) != 1 || r.Involvements[0].End != "2026-11-24" {
			t.Errorf("record show after involvement end: got %+v; want it ended on 2026-11-24", r.Involvements)
		}
	})
	t.Run("lead set and caf add", func(t *testing.T) {
		out, _, err := as(nil, "record", "lead", "set", "--child", oliver, "--name", "Jo Bloggs", "--organisation", "Leeds City Council",
			"--role", "Family support worker", "--phone", "0113 496 0700")
		if err != nil || !strings.HasPrefix(out, "lead professional ") || !strings.Contains(out, "Jo Bloggs") {
			t.Errorf("lead set: got %q, %v", out, err)
		}
		out, _, err = as(nil, "record", "caf", "add", "--child", oliver, "--holder-name", "Sam Patel", "--organisation", "Leeds City Council",
			"--undertaken", "2026-11-01", "--email", "sam.patel@example.org")
		if err != nil || !strings.HasPrefix(out, "caf ") || !strings.Contains(out, "held by Sam Patel") {
			t.Errorf("caf add: got %q, %v", out, err)
		}
		r := show()
		if len(r.LeadProfessionals) != 1 || r.LeadProfessionals[0].Name != "Jo Bloggs" {
			t.Errorf("lead professionals: got %+v; want Jo Bloggs", r.LeadProfessionals)
		}
		if len(r.CAFs) != 1 || r.CAFs[0].HolderName != "Sam Patel" {
			t.Errorf("CAFs: got %+v; want one held by Sam Patel", r.CAFs)
		}
	})
	t.Run("contact update", func(t *testing.T) {
		r := show()
		if len(r.Parents) != 1 {
			t.Fatalf("parents: got %+v; want Emma Smith", r.Parents)
		}
		out, _, err := as(nil, "record", "contact", "update", "--child", oliver, "--kind", "parent", "--item", r.Parents[0].ID, "--phone", "0113 496 0999")
		if err != nil || !strings.Contains(out, "contact details updated") {
			t.Errorf("contact update: got %q, %v", out, err)
		}
		if r := show(); len(r.Parents) != 1 || r.Parents[0].Contact.Phone != "0113 496 0999" {
			t.Errorf("parent after contact update: got %+v; want phone 0113 496 0999", r.Parents)
		}
		if _, _, err := as(nil, "record", "contact", "update", "--child", oliver, "--kind", "gp", "--item", "x", "--phone", "0113 496 0999"); !strings.HasPrefix(oneLine(err), "--kind: ") {
			t.Errorf("contact update --kind gp: got %v; want a --kind error", err)
		}
	})
	t.Run("audit", func(t *testing.T) {
		out, _, err := runOn(t, clock, env, "audit", "show", "--user", "pat.lee", "--limit", "100")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`(?m)\tpat\.lee\tE08000035\tsearch\t-\t.*"Oliver"`),
			regexp.MustCompile(`(?m)\tpat\.lee\tE08000035\tview\t` + shown + `\t.*"safeguarding"`),
			regexp.MustCompile(`(?m)\tinvolvement-add\t` + shown + `\t`),
			regexp.MustCompile(`(?m)\tsign-in-failed\t`),
		} {
			if !want.MatchString(out) {
				t.Errorf("audit show --user pat.lee: got\n%s\nwant a line matching %s", out, want)
			}
		}
		// Every command signed out: as many sign-outs as sign-ins.
		ins, outs := strings.Count(out, "\tsign-in\t"), strings.Count(out, "\tsign-out\t")
		if ins < 10 || ins != outs {
			t.Errorf("audit show --user pat.lee: %d sign-ins, %d sign-outs; want every command's session ended", ins, outs)
		}
		if out, _, err := runOn(t, clock, env, "audit", "verify"); err != nil || !strings.Contains(out, "intact") {
			t.Errorf("audit verify: got %q, %v", out, err)
		}
	})
}
