package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/api"
	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/gen"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

// feedBody is a batch: two good records, one without a date of birth
// (rejected, line 3) and one with a bad postcode (kept, warned, line 4).
const feedBody = `{"source_record_id":"G1","given_names":"Oliver","family_name":"Smith","date_of_birth":"2015-03-04","postcode":"LS1 4AP","la_code":"E08000035"}
{"source_record_id":"G2","given_names":"Amelia","family_name":"Jones","date_of_birth":"2012-11-30","postcode":"LS2 7EW","la_code":"E08000035"}
{"source_record_id":"G3","given_names":"Noah","family_name":"Taylor"}

{"source_record_id":"G4","given_names":"Isla","family_name":"Brown","date_of_birth":"2016-06-06","postcode":"NOPE","la_code":"E08000035"}
`

type feedFixture struct {
	*fixture
	gpKey, schoolKey string
}

func newFeedFixture(t testing.TB, dbURL string) *feedFixture {
	t.Helper()
	db := storetest.MustOpen(t, dbURL, storetest.NewClock())
	asvc := authtest.Service(db)
	h := api.New(api.Config{Auth: asvc, Search: search.New(db), Record: record.New(db), Logger: slog.New(slog.DiscardHandler), Feeds: db})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	f := &feedFixture{fixture: &fixture{srv: srv, db: db, auth: asvc}}
	for _, s := range []domain.Source{{Name: "gp", Kind: domain.SourceHealth}, {Name: "school", Kind: domain.SourceEducation}} {
		if err := db.AddSource(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if f.gpKey, err = db.IssueSourceKey(ctx, "gp"); err != nil {
		t.Fatal(err)
	}
	if f.schoolKey, err = db.IssueSourceKey(ctx, "school"); err != nil {
		t.Fatal(err)
	}
	return f
}

// post sends a feed batch and decodes the answer.
func (f *feedFixture) post(t testing.TB, source, key, batchID, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/feeds/"+source+"/batches", strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if batchID != "" {
		req.Header.Set("Batch-ID", batchID)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: body %q is not JSON", source, b)
	}
	return resp.StatusCode, out
}

func (f *feedFixture) auditActions(t *testing.T, a domain.Action) []domain.AuditEntry {
	t.Helper()
	es, err := f.db.AuditEntries(context.Background(), domain.AuditFilter{Actions: []domain.Action{a}})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestFeedBatchAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		f := newFeedFixture(t, dbURL)
		person := f.signIn(t, domain.RoleNationalAdmin)
		tests := []struct {
			name, source, key, batch string
			status                   int
			want                     string // in the error
		}{
			{"no key", "gp", "", "b1", 401, "API key"},
			{"wrong key", "gp", "cpsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "b1", 401, "not valid"},
			{"not a key", "gp", "rubbish", "b1", 401, "Sign in"},
			{"another source's key", "gp", f.schoolKey, "b1", 403, "school"},
			{"a person's session", "gp", person, "b1", 403, "person"},
			{"unknown source", "pharmacy", f.gpKey, "b1", 404, "pharmacy"},
			{"no batch ID", "gp", f.gpKey, "", 400, "Batch-ID"},
			{"bad batch ID", "gp", f.gpKey, "b 1/2", 400, "Batch-ID"},
			{"long batch ID", "gp", f.gpKey, strings.Repeat("b", 101), 400, "Batch-ID"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				code, out := f.post(t, tc.source, tc.key, tc.batch, feedBody)
				if code != tc.status || !strings.Contains(out["error"].(string), tc.want) {
					t.Errorf("got %d %v; want %d naming %q", code, out, tc.status, tc.want)
				}
			})
		}
		// No person may speak for a source, whatever their role.
		for _, role := range domain.Roles {
			if code, out := f.post(t, "gp", f.signIn(t, role), "b1", feedBody); code != 403 {
				t.Errorf("%s session: got %d %v; want 403", role, code, out)
			}
		}
		if n, _ := f.db.CountChildren(context.Background()); n != 0 {
			t.Errorf("children after refused posts: got %d; want 0", n)
		}
		if err := f.db.RevokeSourceKey(context.Background(), "gp"); err != nil {
			t.Fatal(err)
		}
		if code, out := f.post(t, "gp", f.gpKey, "b1", feedBody); code != 401 {
			t.Errorf("revoked key: got %d %v; want 401", code, out)
		}
	})
}

func TestFeedBatchImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := newFeedFixture(t, dbURL)
		code, out := f.post(t, "gp", f.gpKey, "2026-11-24.1", feedBody)
		if code != 201 {
			t.Fatalf("first post: %d %v; want 201", code, out)
		}
		for k, want := range map[string]float64{"read": 4, "accepted": 3, "rejected": 1, "linked": 0, "created": 3, "review": 0} {
			if out[k] != want {
				t.Errorf("%s: got %v; want %v", k, out[k], want)
			}
		}
		if out["batch_id"] != "2026-11-24.1" {
			t.Errorf("batch_id: got %v", out["batch_id"])
		}
		errs := out["errors"].([]any)
		if len(errs) != 1 {
			t.Fatalf("errors: got %v; want one", errs)
		}
		if e := errs[0].(map[string]any); e["line"] != 3.0 || e["field"] != "date_of_birth" || e["reason"] == "" {
			t.Errorf("error: got %v; want line 3, date_of_birth and a reason", e)
		}
		warns := out["warnings"].([]any)
		if len(warns) != 1 || warns[0].(map[string]any)["line"] != 5.0 || !strings.Contains(warns[0].(map[string]any)["field"].(string), "postcode") {
			t.Errorf("warnings: got %v; want line 5's postcode", warns)
		}
		imports := f.auditActions(t, domain.ActionImport)
		if len(imports) != 1 || imports[0].UserID != "source:gp" {
			t.Errorf("import audit: %+v; want one entry by source:gp", imports)
		}

		// The same batch again: the first answer, nothing imported again.
		code, again := f.post(t, "gp", f.gpKey, "2026-11-24.1", feedBody)
		if code != 200 || again["created"] != 3.0 || len(again["errors"].([]any)) != 1 {
			t.Errorf("same batch again: %d %v; want 200 with the first summary", code, again)
		}
		if n := len(f.auditActions(t, domain.ActionImport)); n != 1 {
			t.Errorf("import audit entries after a replay: got %d; want 1", n)
		}
		// The same batch ID with another body.
		code, out = f.post(t, "gp", f.gpKey, "2026-11-24.1", strings.Replace(feedBody, "Oliver", "Olly", 1))
		if code != 409 || !strings.Contains(out["error"].(string), "2026-11-24.1") {
			t.Errorf("same batch ID, another body: %d %v; want 409 naming the batch", code, out)
		}
		// The same records in a new batch: read again, nothing created.
		code, out = f.post(t, "gp", f.gpKey, "2026-11-24.2", feedBody)
		if code != 201 || out["created"] != 0.0 || out["accepted"] != 3.0 {
			t.Errorf("same records, new batch: %d %v; want 201, nothing created", code, out)
		}
		// Another source's batch IDs are its own.
		code, out = f.post(t, "school", f.schoolKey, "2026-11-24.1", `{"source_record_id":"S1","given_names":"Oliver","family_name":"Smith","date_of_birth":"2015-03-04","postcode":"LS1 4AP","la_code":"E08000035"}`)
		if code != 201 || out["linked"] != 1.0 {
			t.Errorf("school's batch with gp's ID: %d %v; want 201, linked to Oliver", code, out)
		}
		if n, _ := f.db.CountChildren(ctx); n != 3 {
			t.Errorf("children: got %d; want 3", n)
		}
		batches := f.auditActions(t, store.ActionFeedBatch)
		if len(batches) != 3 || batches[len(batches)-1].UserID != "source:gp" {
			t.Errorf("feed-batch audit: %+v; want three, the first by source:gp", batches)
		}
	})
}

// TestFeedBatchRerun: a batch cut off half-way (the server killed after
// some of its transactions committed) is not recorded as done, so posting
// it again runs it again and completes it without duplicates.
func TestFeedBatchRerun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		f := newFeedFixture(t, dbURL)
		// What the killed server committed: the first two records.
		half := strings.Join(strings.SplitAfter(feedBody, "\n")[:2], "")
		im := &feed.Importer{DB: f.db, Source: "gp", BatchSize: 1}
		if _, err := im.Import(ctx, feed.NewNDJSONReader(strings.NewReader(half))); err != nil {
			t.Fatal(err)
		}
		code, out := f.post(t, "gp", f.gpKey, "b1", feedBody)
		if code != 201 || out["read"] != 4.0 || out["created"] != 1.0 {
			t.Errorf("re-run: %d %v; want 201 with the one record not committed before created", code, out)
		}
		if n, _ := f.db.CountChildren(ctx); n != 3 {
			t.Errorf("children: got %d; want 3 (no duplicates)", n)
		}
	})
}

func TestFeedBatchBody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		f := newFeedFixture(t, dbURL)
		if code, out := f.post(t, "gp", f.gpKey, "empty", ""); code != 400 || !strings.Contains(out["error"].(string), "body") {
			t.Errorf("empty body: %d %v; want 400 naming body", code, out)
		}
		long := `{"source_record_id":"` + strings.Repeat("x", feed.MaxLine) + `"}`
		if code, out := f.post(t, "gp", f.gpKey, "long", long); code != 400 || !strings.Contains(out["error"].(string), "line 1") {
			t.Errorf("long line: %d %v; want 400 naming line 1", code, out)
		}
		big := bytes.Repeat([]byte(`{"source_record_id":"G1","given_names":"Oliver","family_name":"Smith","date_of_birth":"2015-03-04"}`+"\n"), 64<<20/100+1)
		if code, out := f.post(t, "gp", f.gpKey, "big", string(big)); code != 413 {
			t.Errorf("body over 64 MiB: %d %v; want 413", code, out)
		}
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/feeds/gp/batches", strings.NewReader(feedBody))
		req.Header.Set("Authorization", "Bearer "+f.gpKey)
		req.Header.Set("Batch-ID", "json")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("Content-Type application/json: got %d; want 400", resp.StatusCode)
		}
		if n, _ := f.db.CountChildren(context.Background()); n != 0 {
			t.Errorf("children after refused bodies: got %d; want 0", n)
		}
	})
}

func TestOpenAPIDocumentsFeeds(t *testing.T) {
	f := newFeedFixture(t, storetest.SQLiteURL(t))
	code, out, _ := f.call(t, "GET", "/api/v1/openapi.json", "", nil)
	if code != 200 {
		t.Fatalf("openapi: %d", code)
	}
	paths := out["paths"].(map[string]any)
	p, ok := paths["/api/v1/feeds/{source}/batches"].(map[string]any)
	if !ok {
		t.Fatalf("openapi has no feeds path: %v", paths)
	}
	b, _ := json.Marshal(p)
	for _, want := range []string{"Batch-ID", "application/x-ndjson", `"409"`, `"413"`, `"201"`, `"200"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("openapi feeds path lacks %s", want)
		}
	}
}

// BenchmarkFeedBatch posts a synthetic health extract
// (CONTACTPOINT_BENCH_FEED_CHILDREN children, 2,000 by default) to the
// feeds endpoint over HTTP, 5,000 records a batch, into a new SQLite
// directory, and reports records per second.
func BenchmarkFeedBatch(b *testing.B) {
	n := 2000
	if v := os.Getenv("CONTACTPOINT_BENCH_FEED_CHILDREN"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	if _, err := gen.Write(context.Background(), gen.Config{Children: n, Seed: 1, Noise: gen.DefaultNoise()}, dir); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "sources", "health.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFeedFixture(b, storetest.SQLiteURL(b))
		b.StartTimer()
		start, read := time.Now(), 0
		for j := 0; j < len(lines); j += 5000 {
			code, out := f.post(b, "gp", f.gpKey, "b"+strconv.Itoa(j), strings.Join(lines[j:min(j+5000, len(lines))], ""))
			if code != 201 {
				b.Fatalf("batch %d: %d %v", j, code, out)
			}
			read += int(out["read"].(float64))
		}
		b.ReportMetric(float64(read)/time.Since(start).Seconds(), "records/s")
	}
}
