package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/secret"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

const e2eSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// run runs the program as the binary would, with env, and returns stdout.
func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: time.Now,
		Getenv: func(k string) string { return env[k] }}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

// TestEndToEnd runs the real Main: users and sources by the operator CLI, a
// seeded directory, then the server on port 0, signed into over the API
// with all four factors, searched, a record read with a reason, and shut
// down gracefully. On SQLite and PostgreSQL.
func TestEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		env := map[string]string{"CONTACTPOINT_SECRET": e2eSecret, "CONTACTPOINT_DB": dbURL,
			"CONTACTPOINT_NEW_PASSWORD": "quiet harbour lantern moss", "CONTACTPOINT_NEW_PIN": "731904"}
		today := time.Now().Format(time.DateOnly)
		if _, err := run(t, env, "user", "add", "--username", "nurse.jones", "--role", "practitioner", "--la", "E08000019",
			"--organisation", "Sheffield Children's NHS", "--dbs-number", "001234567890", "--dbs-issued", today,
			"--training-completed", today, "--agreement-signed", today); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if out, err := run(t, env, "source", "add", "--name", "health", "--kind", "health"); err != nil || out != "source health (health)\n" {
				t.Fatalf("source add %d: %q, %v", i, out, err)
			}
		}
		if _, err := run(t, env, "source", "add", "--name", "x", "--kind", "astrology"); err == nil || exitCode(err) != 1 || !strings.Contains(oneLine(err), "kind") {
			t.Errorf("source add with a bad kind: %v; want a one-line error naming kind", err)
		}
		if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
			// demo seeds a synthetic directory (SQLite only).
			if _, err := run(t, env, "demo", "--no-serve", "--children", "300"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + ".demo-users.json"); err != nil {
				t.Errorf("demo users file: %v", err)
			}
		} else if err := seedDirect(t, dbURL); err != nil {
			t.Fatal(err)
		}

		// Pick a seeded child to look for.
		keys := e2eKeys(t)
		db, err := store.Open(context.Background(), dbURL, store.Options{Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		var given, family, dob, id string
		n, err := db.CountChildren(context.Background())
		if err != nil || n < 100 {
			t.Fatalf("seeded %d children, %v", n, err)
		}
		ids, err := childIDs(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.Child(context.Background(), ids[len(ids)/2])
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		given, family, dob, id = strings.Fields(c.GivenNames)[0], c.FamilyName, c.DateOfBirth.String(), string(c.ID)

		// Serve on port 0 until cancelled.
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		var logs bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Now: time.Now, Ready: ready,
			Getenv: func(k string) string { return env[k] }}
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
		var base string
		select {
		case addr := <-ready:
			base = "http://" + addr
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not start")
		}
		for _, p := range []string{"/healthz", "/readyz", "/"} {
			resp, err := http.Get(base + p)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET %s: %v %v", p, resp, err)
			}
			resp.Body.Close()
		}

		code, err := run(t, env, "user", "code", "--username", "nurse.jones")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(map[string]string{"username": "nurse.jones", "password": env["CONTACTPOINT_NEW_PASSWORD"],
			"pin": env["CONTACTPOINT_NEW_PIN"], "token": strings.TrimSpace(code)})
		resp, err := http.Post(base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var sess struct {
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
		}
		json.NewDecoder(resp.Body).Decode(&sess)
		resp.Body.Close()
		if resp.StatusCode != 201 || sess.Token == "" {
			t.Fatalf("sign in: %s", resp.Status)
		}
		if _, err := time.Parse(time.RFC3339, sess.ExpiresAt); err != nil {
			t.Errorf("expires_at %q is not RFC 3339", sess.ExpiresAt)
		}
		get := func(path string) (int, map[string]any) {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer "+sess.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		q := url.Values{"given_names": {given}, "family_name": {family}, "date_of_birth": {dob}}
		status, res := get("/api/v1/children?" + q.Encode())
		if status != 200 {
			t.Fatalf("search: %d %v", status, res)
		}
		found := false
		for _, r := range res["results"].([]any) {
			found = found || r.(map[string]any)["contactpoint_id"] == id
		}
		if !found {
			t.Errorf("search for %s %s %s: %v; want %s", given, family, dob, res, id)
		}
		if status, res = get("/api/v1/children/" + id + "?reason=safeguarding"); status != 200 || res["family_name"] != family {
			t.Errorf("record: %d %v", status, res)
		}

		// A source system posts a batch with its own key; the same batch
		// again changes nothing.
		keyOut, err := run(t, env, "source", "credential", "--name", "health")
		if err != nil {
			t.Fatal(err)
		}
		var key string
		for _, f := range strings.Fields(keyOut) {
			if strings.HasPrefix(f, "cpsk_") {
				key = f
			}
		}
		if key == "" {
			t.Fatalf("source credential printed no key: %q", keyOut)
		}
		feedBody := `{"source_record_id":"E2E-1","given_names":"Tobias","family_name":"Quenby","date_of_birth":"2016-02-03","postcode":"S1 2HE","la_code":"E08000019"}` + "\n" +
			`{"source_record_id":"E2E-2","given_names":"Tobias","family_name":"Quenby"}` + "\n"
		post := func() (int, map[string]any) {
			req, _ := http.NewRequest("POST", base+"/api/v1/feeds/health/batches", strings.NewReader(feedBody))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Batch-ID", "e2e-1")
			req.Header.Set("Content-Type", "application/x-ndjson")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		if status, res := post(); status != 201 || res["accepted"] != 1.0 || res["rejected"] != 1.0 || res["created"] != 1.0 {
			t.Errorf("feed batch: %d %v; want 201 with one accepted, one rejected, one created", status, res)
		}
		if status, res := post(); status != 200 || res["created"] != 1.0 {
			t.Errorf("feed batch again: %d %v; want 200 and the stored summary", status, res)
		}
		q = url.Values{"given_names": {"Tobias"}, "family_name": {"Quenby"}, "date_of_birth": {"2016-02-03"}}
		if status, res = get("/api/v1/children?" + q.Encode()); status != 200 || len(res["results"].([]any)) != 1 {
			t.Errorf("search for the fed child: %d %v; want exactly one", status, res)
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v on shutdown", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not shut down")
		}
		if err := m.Close(); err != nil {
			t.Error(err)
		}
		if !strings.Contains(logs.String(), "nightly job") {
			t.Errorf("logs do not show the nightly job's first run:\n%s", logs.String())
		}
		if !strings.Contains(logs.String(), "stopped") {
			t.Errorf("logs do not show a graceful stop:\n%s", logs.String())
		}
		if out, err := run(t, env, "audit", "verify"); err != nil || !strings.Contains(out, "intact") {
			t.Errorf("audit verify: %q %v", out, err)
		}
	})
}

// e2eKeys is the keyring the program derives from e2eSecret.
func e2eKeys(t *testing.T) *secret.Keyring { return keysOf(t, e2eSecret) }

// keysOf is the keyring of a CONTACTPOINT_SECRET value.
func keysOf(t *testing.T, hexSecret string) *secret.Keyring {
	raw, _, err := secret.Load(func(k string) string {
		if k == "CONTACTPOINT_SECRET" {
			return hexSecret
		}
		return ""
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// seedDirect loads synthetic children straight into the store, as demo
// does on SQLite.
func seedDirect(t *testing.T, dbURL string) error {
	keys := e2eKeys(t)
	db, err := store.Open(context.Background(), dbURL, store.Options{Keys: keys})
	if err != nil {
		return err
	}
	defer db.Close()
	var batch []*domain.Child
	err = gen.People(gen.Config{Children: 300, Seed: 1, Today: domain.DateOf(time.Now()), Authorities: demoLAs}, func(p *gen.Person) error {
		c := p.Clone().Child
		batch = append(batch, &c)
		return nil
	})
	if err != nil {
		return err
	}
	return db.CreateChildren(context.Background(), batch, nil)
}

// childIDs lists the directory's children, read straight from the database.
func childIDs(dbURL string) ([]domain.ID, error) {
	driver, dsn := "pgx", dbURL
	if p, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", p
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id FROM children ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []domain.ID
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, domain.ID(id))
	}
	return ids, rows.Err()
}

func TestGenIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := run(t, nil, "gen", "--children", "500", "--seed", "7", "--today", "2026-11-24", "--out", dir); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"truth.csv", "sources/health.csv", "sources/local-authority.ndjson"} {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) || len(x) == 0 {
			t.Errorf("%s differs between runs with the same seed (%v, %v)", f, err1, err2)
		}
	}
	head, _ := os.ReadFile(filepath.Join(a, "truth.csv"))
	if !strings.HasPrefix(string(head), "source,source_record_id,person\n") {
		t.Errorf("truth.csv header: %q", strings.SplitN(string(head), "\n", 2)[0])
	}
	if _, err := run(t, nil, "gen", "--children", "0", "--out", a); exitCode(err) != 2 {
		t.Errorf("gen --children 0: %v; want a usage error", err)
	}
}

// TestHelpAligned: every command in the help is listed, and every summary
// starts in one column however long the command's name.
func TestHelpAligned(t *testing.T) {
	out, _, err := runFull(t, "help")
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	listed := 0
	for _, line := range strings.Split(out, "\n") {
		for _, c := range commands() {
			if !strings.HasPrefix(line, "  "+c.name+"  ") {
				continue
			}
			at := strings.Index(line, c.summary)
			if col == -1 {
				col = at
			}
			if at != col || at <= len(c.name)+2 {
				t.Errorf("%q: summary at column %d; want %d, after the name", line, at, col)
			}
			listed++
			break
		}
	}
	if listed != len(commands()) {
		t.Errorf("help lists %d commands; want %d:\n%s", listed, len(commands()), out)
	}
}
