package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
	"github.com/contactpoint/contactpoint/internal/store/storetest"
)

const la = "E08000019" // Sheffield

type fixture struct {
	db    *store.DB
	auth  *auth.Service
	h     *Handler
	srv   *httptest.Server
	clock *storetest.Clock
	kid   *domain.Child // a child with a full record
}

// newFixture serves the web pages on a new SQLite database holding one
// child with a full record. The clock stands still at the real time, so
// that a browser accepts the session cookie's expiry.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	clock := &storetest.Clock{T: time.Now().UTC().Truncate(time.Second)}
	db := storetest.MustOpen(tb, storetest.SQLiteURL(tb), clock)
	asvc := authtest.Service(db)
	h := New(Config{Auth: asvc, Search: search.New(db), Record: record.New(db), DB: db, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	f := &fixture{db: db, auth: asvc, h: h, srv: srv, clock: clock, kid: fullChild(domain.DateOf(clock.T))}
	if err := db.CreateChild(context.Background(), f.kid); err != nil {
		tb.Fatal(err)
	}
	return f
}

// fullChild is a child with something in every part of the record.
func fullChild(today domain.Date) *domain.Child {
	return &domain.Child{GivenNames: "Amelia Rose", FamilyName: "O'Neill", FormerFamilyNames: []string{"Brown"},
		Gender: domain.GenderFemale, DateOfBirth: today.AddYears(-9).AddDays(-40), AddressStatus: domain.AddressCurrent, LACode: la,
		Addresses: []domain.ChildAddress{
			{Address: domain.Address{Line1: "1 High Street", Line2: "Crookes", Town: "Sheffield", Postcode: "S10 1AA"}, LACode: la, From: today.AddYears(-2)},
			{Address: domain.Address{Line1: "9 Low Road", Town: "Sheffield", Postcode: "S2 4QP"}, LACode: la, From: today.AddYears(-6), To: today.AddYears(-2)},
		},
		Parents: []domain.Parent{
			{Name: "Claire O'Neill", Relationship: "Mother", ParentalResponsibility: true, Contact: domain.Contact{Phone: "0114 496 0001"}},
			{Name: "David Brown", Relationship: "Father", Contact: domain.Contact{Email: "david.brown@example.org"}},
		},
		Education: []domain.EducationSetting{{Name: "Crookes Primary School", URN: "107001", Start: today.AddYears(-4),
			Contact: domain.Contact{Phone: "0114 496 0200", Address: domain.Address{Line1: "School Road", Town: "Sheffield", Postcode: "S10 1BN"}}}},
		Health: []domain.HealthProvider{{Name: "Crookes Valley Medical Centre", ODSCode: "C88001", Contact: domain.Contact{Phone: "0114 496 0300"}}},
		Involvements: []domain.Involvement{
			{Service: domain.ServiceSocialCare, Organisation: "Sheffield Children's Services", PractitionerName: "Sam Taylor", Role: "Social worker",
				Contact: domain.Contact{Phone: "0114 496 0123", Email: "sam.taylor@example.org"}, Start: today.AddDays(-200)},
			{Service: domain.ServiceSchoolNursing, Organisation: "Sheffield Children's NHS Trust", PractitionerName: "Priya Shah", Role: "School nurse",
				Contact: domain.Contact{Phone: "0114 496 0456"}, Start: today.AddDays(-100)},
			{Service: domain.ServiceCAMHS, Organisation: "Sheffield CAMHS", PractitionerName: "Tom Reid", Role: "Clinical psychologist",
				Contact: domain.Contact{Phone: "0114 496 0789"}, Start: today.AddDays(-300), End: today.AddDays(-60)},
		},
		LeadProfessionals: []domain.LeadProfessional{{Name: "Sam Taylor", Organisation: "Sheffield Children's Services", Role: "Social worker",
			Contact: domain.Contact{Phone: "0114 496 0123"}, Start: today.AddDays(-150)}},
		CAFs: []domain.CAF{{Undertaken: today.AddDays(-120), HolderName: "Priya Shah", Organisation: "Sheffield Children's NHS Trust",
			Contact: domain.Contact{Phone: "0114 496 0456"}}},
	}
}

func (f *fixture) user(tb testing.TB, roles ...domain.Role) *domain.User {
	tb.Helper()
	return authtest.NewUser(tb, f.auth, f.db, la, roles...)
}

// client is a browser stand-in: it keeps cookies and does not follow
// redirects, so tests see each answer.
type client struct {
	tb  testing.TB
	f   *fixture
	hc  *http.Client
	hdr http.Header // extra headers on every request
}

func (f *fixture) anon(tb testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{tb: tb, f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn returns a client signed in, through the sign-in form, as a new
// user with roles.
func (f *fixture) signIn(tb testing.TB, roles ...domain.Role) (*client, *domain.User) {
	tb.Helper()
	u := f.user(tb, roles...)
	c := f.anon(tb)
	r := c.post("/sign-in", url.Values{"username": {u.Username}, "password": {authtest.Password}, "pin": {authtest.PIN},
		"code": {authtest.Code(tb, f.auth, u.Username)}})
	if r.status != http.StatusSeeOther {
		tb.Fatalf("sign in: status %d, body %s", r.status, r.body)
	}
	return c, u
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values) resp {
	c.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.f.srv.URL+path, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) resp                   { return c.do("GET", path, nil) }
func (c *client) post(path string, form url.Values) resp { return c.do("POST", path, form) }

// giveReason gives a reason to see the fixture's child in this session.
func (c *client) giveReason(id domain.ID) {
	c.tb.Helper()
	r := c.post("/children/"+string(id)+"/reason", url.Values{"reason": {"safeguarding"}})
	if r.status != http.StatusSeeOther {
		c.tb.Fatalf("reason: status %d, body %s", r.status, r.body)
	}
	if r2 := c.get(r.location); r2.status != http.StatusOK {
		c.tb.Fatalf("record after reason: status %d", r2.status)
	}
}

// want checks a response's status and that its body holds every string.
func want(tb testing.TB, r resp, status int, has ...string) {
	tb.Helper()
	if r.status != status {
		tb.Errorf("status: got %d, want %d (location %q)\n%s", r.status, status, r.location, excerpt(r.body))
	}
	for _, s := range has {
		if !strings.Contains(r.body, s) {
			tb.Errorf("body lacks %q\n%s", s, excerpt(r.body))
		}
	}
}

func wantNot(tb testing.TB, r resp, not ...string) {
	tb.Helper()
	for _, s := range not {
		if strings.Contains(r.body, s) {
			tb.Errorf("body holds %q", s)
		}
	}
}

// excerpt is the main part of a page, for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000]
	}
	return body
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
