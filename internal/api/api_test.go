package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/api"
	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

type fixture struct {
	srv  *httptest.Server
	db   *store.DB
	auth *auth.Service
	kid  *domain.Child
}

func newFixture(t *testing.T, dbURL string) *fixture {
	t.Helper()
	db := storetest.MustOpen(t, dbURL, storetest.NewClock())
	asvc := authtest.Service(db)
	h := api.New(api.Config{Auth: asvc, Search: search.New(db), Record: record.New(db), Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	kid := &domain.Child{GivenNames: "Amelia", FamilyName: "O'Neill", Gender: domain.GenderFemale, DateOfBirth: domain.MustDate("2015-03-14"),
		AddressStatus: domain.AddressCurrent, Addresses: []domain.ChildAddress{{Address: domain.Address{Line1: "1 High Street", Town: "Sheffield", Postcode: "S10 1AA"}, LACode: "E08000019"}},
		Involvements: []domain.Involvement{{Service: domain.ServiceSocialCare, Organisation: "Sheffield Children's Services", PractitionerName: "Sam Taylor", Contact: domain.Contact{Phone: "0114 496 0123"}, Start: domain.MustDate("2026-01-05")}}}
	if err := db.CreateChild(context.Background(), kid); err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, db: db, auth: asvc, kid: kid}
}

// call sends a request and decodes the JSON answer into a map.
func (f *fixture) call(t *testing.T, method, path, token string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: body %q is not JSON", method, path, b)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func (f *fixture) signIn(t *testing.T, role domain.Role) string {
	t.Helper()
	u := authtest.NewUser(t, f.auth, f.db, "E08000019", role)
	code, out, _ := f.call(t, "POST", "/api/v1/sessions", "", map[string]string{
		"username": u.Username, "password": authtest.Password, "pin": authtest.PIN, "token": authtest.Code(t, f.auth, u.Username)})
	if code != http.StatusCreated || out["token"] == "" || out["expires_at"] == "" {
		t.Fatalf("sign in: %d %v", code, out)
	}
	return out["token"].(string)
}

func TestAPIJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dbURL string) {
		f := newFixture(t, dbURL)
		token := f.signIn(t, domain.RolePractitioner)

		code, out, hdr := f.call(t, "GET", "/api/v1/children?given_names=amelia&family_name=ONeill&date_of_birth=2015-03-14", token, nil)
		if code != 200 || hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("search: %d %v (Cache-Control %q)", code, out, hdr.Get("Cache-Control"))
		}
		results := out["results"].([]any)
		if len(results) != 1 || out["too_many"] != false {
			t.Fatalf("search results %v; want one", out)
		}
		first := results[0].(map[string]any)
		if first["contactpoint_id"] != string(f.kid.ID) || first["score"].(float64) < 0.9 {
			t.Errorf("first result %v; want %s with a high score", first, f.kid.ID)
		}
		for _, k := range []string{"addresses", "parents", "involvements"} {
			if _, ok := first[k]; ok {
				t.Errorf("search result carries %s: only what tells children apart may be shown", k)
			}
		}

		path := "/api/v1/children/" + url.PathEscape(f.kid.ID.String())
		code, out, _ = f.call(t, "GET", path, token, nil)
		if code != 400 || !strings.Contains(out["error"].(string), "reason") {
			t.Errorf("record without reason: %d %v; want 400 naming reason", code, out)
		}
		code, out, hdr = f.call(t, "GET", path+"?reason=safeguarding", token, nil)
		if code != 200 || hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("record: %d %v", code, out)
		}
		inv := out["involvements"].([]any)[0].(map[string]any)
		if inv["practitioner_name"] != "Sam Taylor" || inv["contact"].(map[string]any)["phone"] != "0114 496 0123" {
			t.Errorf("involvement %v; want Sam Taylor and her phone", inv)
		}

		code, out, _ = f.call(t, "POST", path+"/involvements", token, map[string]any{"service": "school-nursing", "role": "school nurse"})
		if code != 201 || out["organisation"] != "Sheffield City Council" {
			t.Errorf("add involvement: %d %v", code, out)
		}
		code, _, _ = f.call(t, "POST", path+"/involvements/"+out["id"].(string)+"/end", token, map[string]any{})
		if code != 204 {
			t.Errorf("end involvement: %d", code)
		}
		code, out, _ = f.call(t, "PUT", path+"/lead-professional", token, map[string]any{"name": "Jo Green", "organisation": "Hillside School"})
		if code != 200 || out["name"] != "Jo Green" {
			t.Errorf("lead professional: %d %v", code, out)
		}
		code, out, _ = f.call(t, "POST", path+"/cafs", token, map[string]any{"holder_name": "Jo Green", "organisation": "Hillside School", "contact": map[string]any{"phone": "0114 496 0999"}})
		if code != 201 {
			t.Errorf("CAF: %d %v", code, out)
		}

		if code, _, _ = f.call(t, "DELETE", "/api/v1/sessions", token, nil); code != 204 {
			t.Errorf("sign out: %d", code)
		}
		if code, _, _ = f.call(t, "GET", path+"?reason=safeguarding", token, nil); code != 401 {
			t.Errorf("after sign out: %d; want 401", code)
		}
	})
}

func TestAPIRefusesBadInput(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	token := f.signIn(t, domain.RolePractitioner)
	id := url.PathEscape(string(f.kid.ID))
	tests := []struct {
		name, method, path string
		body               any
		auth               bool
		status             int
		msg                string
	}{
		{"no token", "GET", "/api/v1/children?contactpoint_id=" + id, nil, false, 401, "Bearer"},
		{"bad token", "GET", "/api/v1/children?contactpoint_id=" + id, nil, false, 401, "Sign in"},
		{"below minimum", "GET", "/api/v1/children?family_name=Smith&date_of_birth=2015-01-01", nil, true, 400, "add given name"},
		{"unknown parameter", "GET", "/api/v1/children?family_name=Smith&school=Hillside", nil, true, 400, "school"},
		{"malformed date", "GET", "/api/v1/children?given_names=A&family_name=B&date_of_birth=2015-02-30", nil, true, 400, "date_of_birth"},
		{"malformed ID", "GET", "/api/v1/children/ABC?reason=safeguarding", nil, true, 400, "contactpoint_id"},
		{"unknown reason", "GET", "/api/v1/children/" + id + "?reason=curious", nil, true, 400, "reason"},
		{"unknown record parameter", "GET", "/api/v1/children/" + id + "?reason=safeguarding&notes=x", nil, true, 400, "notes"},
		{"unknown child", "GET", "/api/v1/children/" + url.PathEscape(string(domain.NewID())) + "?reason=safeguarding", nil, true, 404, "no child"},
		{"case notes refused", "POST", "/api/v1/children/" + id + "/involvements", map[string]any{"service": "police", "notes": "known to police"}, true, 400, "notes"},
		{"unknown service", "POST", "/api/v1/children/" + id + "/involvements", map[string]any{"service": "astrology"}, true, 400, "service"},
		{"sign-in unknown field", "POST", "/api/v1/sessions", map[string]any{"username": "x", "password": "y", "pin": "1", "token": "2", "remember": true}, false, 400, "remember"},
		{"sign-in wrong factors", "POST", "/api/v1/sessions", map[string]any{"username": "nobody", "password": "y", "pin": "1", "token": "2"}, false, 401, "not right"},
		{"unknown endpoint", "GET", "/api/v1/schools", nil, true, 404, "openapi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := ""
			if tt.auth {
				tok = token
			} else if tt.name == "bad token" {
				tok = "not-a-token"
			}
			code, out, _ := f.call(t, tt.method, tt.path, tok, tt.body)
			if code != tt.status || !strings.Contains(out["error"].(string), tt.msg) {
				t.Errorf("%d %v; want %d saying %q", code, out, tt.status, tt.msg)
			}
		})
	}
}

func TestAPIRoles(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	q := "/api/v1/children?given_names=Amelia&family_name=ONeill&date_of_birth=2015-03-14"
	rec := "/api/v1/children/" + url.PathEscape(string(f.kid.ID)) + "?reason=safeguarding"
	tests := []struct {
		role         domain.Role
		search, view int
	}{
		{domain.RolePractitioner, 200, 200},
		{domain.RoleDataManager, 200, 200},
		{domain.RoleNationalAdmin, 200, 200},
		{domain.RoleLAAdmin, 403, 403},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			token := f.signIn(t, tt.role)
			if code, out, _ := f.call(t, "GET", q, token, nil); code != tt.search {
				t.Errorf("search: %d %v; want %d", code, out, tt.search)
			}
			if code, out, _ := f.call(t, "GET", rec, token, nil); code != tt.view {
				t.Errorf("view: %d %v; want %d", code, out, tt.view)
			}
		})
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	code, doc, _ := f.call(t, "GET", "/api/v1/openapi.json", "", nil)
	if code != 200 || doc["openapi"] != "3.0.3" {
		t.Fatalf("openapi: %d", code)
	}
	paths := doc["paths"].(map[string]any)
	for _, route := range []string{"/api/v1/sessions", "/api/v1/access-reasons", "/api/v1/children", "/api/v1/children/{id}",
		"/api/v1/children/{id}/involvements", "/api/v1/children/{id}/involvements/{involvement}/end",
		"/api/v1/children/{id}/lead-professional", "/api/v1/children/{id}/cafs", "/api/v1/children/{id}/contacts/{kind}/{item}"} {
		if _, ok := paths[route]; !ok {
			t.Errorf("route %s is not documented", route)
		}
	}
	code, out, _ := f.call(t, "GET", "/api/v1/access-reasons", "", nil)
	reasons := out["access_reasons"].([]any)
	if code != 200 || len(reasons) < 1 || reasons[0].(map[string]any)["code"] != "safeguarding" {
		t.Errorf("access reasons: %d %v", code, out)
	}
}

// TestAPIRouteWalk walks every route for every role and for a caller who
// is not signed in: only vetted, signed-in users with a searching role may
// touch children; anyone may sign in or read the public documents.
func TestAPIRouteWalk(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	id := url.PathEscape(string(f.kid.ID))
	full, err := f.db.Child(context.Background(), f.kid.ID)
	if err != nil {
		t.Fatal(err)
	}
	inv := full.Involvements[0].ID
	type route struct {
		method, path string
		body         any
		public       bool
		ok           int // the success status for a permitted caller
	}
	routes := []route{
		{"GET", "/api/v1/access-reasons", nil, true, 200},
		{"GET", "/api/v1/openapi.json", nil, true, 200},
		{"GET", "/api/v1/children?given_names=Amelia&family_name=ONeill&date_of_birth=2015-03-14", nil, false, 200},
		{"GET", "/api/v1/children/" + id + "?reason=safeguarding", nil, false, 200},
		{"POST", "/api/v1/children/" + id + "/involvements", map[string]any{"service": "youth-work"}, false, 201},
		{"PUT", "/api/v1/children/" + id + "/lead-professional", map[string]any{"name": "Jo Green"}, false, 200},
		{"POST", "/api/v1/children/" + id + "/cafs", map[string]any{"holder_name": "Jo Green"}, false, 201},
		{"PUT", "/api/v1/children/" + id + "/contacts/parent/nope", map[string]any{"phone": "0114 496 0000"}, false, 404},
		{"POST", "/api/v1/children/" + id + "/involvements/" + inv + "/end", map[string]any{}, false, 403}, // not theirs
	}
	callers := []struct {
		name    string
		role    domain.Role
		allowed bool
	}{
		{"signed out", "", false},
		{"practitioner", domain.RolePractitioner, true},
		{"data-manager", domain.RoleDataManager, true},
		{"national-admin", domain.RoleNationalAdmin, true},
		{"la-admin", domain.RoleLAAdmin, false},
	}
	for _, c := range callers {
		token := ""
		if c.role != "" {
			token = f.signIn(t, c.role)
		}
		for _, r := range routes {
			want := r.ok
			switch {
			case r.public:
			case c.role == "":
				want = 401
			case !c.allowed:
				want = 403
			case r.ok == 403 && c.role != domain.RolePractitioner:
				want = 204 // data managers and national admins may end any involvement
			}
			code, out, _ := f.call(t, r.method, r.path, token, r.body)
			// Once a data manager has ended the involvement, the next
			// permitted caller meets a conflict instead.
			if code != want && !(want == 204 && code == 409) {
				t.Errorf("%s: %s %s = %d %v; want %d", c.name, r.method, r.path, code, out, want)
			}
		}
	}
}

func TestAPISensitiveServiceNeedsABasis(t *testing.T) {
	f := newFixture(t, storetest.SQLiteURL(t))
	token := f.signIn(t, domain.RolePractitioner)
	path := "/api/v1/children/" + url.PathEscape(string(f.kid.ID)) + "/involvements"
	code, out, _ := f.call(t, "POST", path, token, map[string]any{"service": "sexual-health"})
	if code != 400 || !strings.Contains(out["error"].(string), "basis") {
		t.Errorf("sensitive service without a basis: %d %v; want 400 naming basis", code, out)
	}
	code, out, _ = f.call(t, "POST", path, token, map[string]any{"service": "sexual-health", "basis": "hunch"})
	if code != 400 || !strings.Contains(out["error"].(string), "basis") {
		t.Errorf("unknown basis: %d %v; want 400 naming basis", code, out)
	}
	if code, out, _ = f.call(t, "POST", path, token, map[string]any{"service": "sexual-health", "basis": "consent"}); code != 201 {
		t.Fatalf("with consent: %d %v", code, out)
	}
	// Another practitioner sees only that a sensitive service is involved.
	other := f.signIn(t, domain.RolePractitioner)
	code, out, _ = f.call(t, "GET", "/api/v1/children/"+url.PathEscape(string(f.kid.ID))+"?reason=safeguarding", other, nil)
	if code != 200 {
		t.Fatalf("view: %d %v", code, out)
	}
	for _, v := range out["involvements"].([]any) {
		inv := v.(map[string]any)
		if inv["service"] == "sexual-health" || strings.Contains(fmt.Sprint(inv), "Sheffield City Council") {
			t.Errorf("another practitioner sees the sensitive service's details: %v", inv)
		}
	}
}
