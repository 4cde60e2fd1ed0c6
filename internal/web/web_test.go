package web

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
)

func TestAssetsEmbedded(t *testing.T) {
	// Under make (which runs the assets step first) and in CI, GOV.UK
	// Frontend must be in the binary; a bare `go test` on a clean clone
	// renders unstyled pages instead.
	if os.Getenv("MAKELEVEL") == "" && os.Getenv("CI") != "true" {
		if !HasGOVUKAssets() {
			t.Skip("GOV.UK Frontend assets not built: run make assets")
		}
	}
	if !HasGOVUKAssets() {
		t.Fatal("static/govuk/govuk-frontend.min.css is missing: the Makefile's assets step did not run")
	}
	f := newFixture(t)
	c := f.anon(t)
	for _, path := range []string{"/assets/govuk-frontend.min.css", "/assets/govuk-frontend.min.js", "/assets/fonts/bold-b542beb274-v2.woff2",
		"/assets/images/favicon.ico", "/assets/contactpoint.js", "/assets/contactpoint.css", "/assets/print.css"} {
		if r := c.get(path); r.status != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", path, r.status)
		}
	}
	if r := c.get("/assets/"); r.status != http.StatusNotFound {
		t.Errorf("GET /assets/: got %d, want 404 (no listing)", r.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	r := c.get("/")
	want(t, r, http.StatusOK, "Find out who is working with a child", `href="/sign-in"`)
	csp := r.header.Get("Content-Security-Policy")
	for _, s := range []string{"frame-ancestors 'none'", "script-src 'self' 'sha256-", "default-src 'self'"} {
		if !strings.Contains(csp, s) {
			t.Errorf("CSP %q lacks %q", csp, s)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows unsafe-inline: %q", csp)
	}
	if !strings.Contains(csp, scriptHash(snippet)) || !strings.Contains(r.body, "<script>"+snippet+"</script>") {
		t.Error("the inline script and the CSP's hash of it differ")
	}
	if got := r.header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") {
		t.Errorf("HSTS: got %q", got)
	}
	// Every inline <script> must be the hashed snippet.
	for _, m := range regexp.MustCompile(`<script>([^<]*)</script>`).FindAllStringSubmatch(r.body, -1) {
		if m[1] != snippet {
			t.Errorf("inline script not covered by the CSP: %q", m[1])
		}
	}
	if strings.Contains(r.body, ` style="`) {
		t.Error("inline style attribute: the CSP forbids it")
	}

	pc, _ := f.signIn(t, domain.RolePractitioner)
	r = pc.get("/search")
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("signed-in page Cache-Control: got %q, want no-store", got)
	}
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t)
	u := f.user(t, domain.RolePractitioner)
	c := f.anon(t)
	r := c.post("/sign-in", url.Values{"username": {u.Username}, "password": {authtest.Password}, "pin": {authtest.PIN},
		"code": {authtest.Code(t, f.auth, u.Username)}})
	want(t, r, http.StatusSeeOther)
	if r.location != "/search" {
		t.Errorf("redirect: got %q, want /search", r.location)
	}
	sc := r.header.Get("Set-Cookie")
	for _, s := range []string{"cp_session=", "Path=/", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(sc, s) {
			t.Errorf("Set-Cookie %q lacks %s", sc, s)
		}
	}
	// Plain HTTP on loopback: not Secure, or the browser would drop it.
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q is Secure on plain HTTP to loopback", sc)
	}
	req := httptestRequest("GET", "http://contactpoint.example/", "203.0.113.9:5000")
	if !secureRequest(req) {
		t.Error("a request from another host must get a Secure cookie")
	}
}

func httptestRequest(method, target, remote string) *http.Request {
	r, _ := http.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	return r
}

func TestSignIn(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	want(t, c.get("/sign-in"), http.StatusOK, "<title>Sign in – ContactPoint – GOV.UK</title>", `name="username"`, `name="password"`, `name="pin"`, `name="code"`)

	t.Run("empty", func(t *testing.T) {
		r := c.post("/sign-in", url.Values{})
		want(t, r, http.StatusBadRequest, "<title>Error: Sign in", "There is a problem", `href="#username"`, "Enter your username",
			"Enter your password", "Enter your PIN", "Enter the 6-digit code", `class="govuk-error-message"`, `aria-describedby="pin-hint pin-error"`)
	})
	t.Run("wrong", func(t *testing.T) {
		u := f.user(t, domain.RolePractitioner)
		r := c.post("/sign-in", url.Values{"username": {u.Username}, "password": {"wrong password here"}, "pin": {authtest.PIN}, "code": {"123456"}})
		want(t, r, http.StatusUnauthorized, "Error: Sign in", "The details you entered are not right")
		wantNot(t, r, "wrong password here")
	})
	t.Run("signed out", func(t *testing.T) {
		pc, _ := f.signIn(t, domain.RolePractitioner)
		r := pc.post("/sign-out", url.Values{})
		want(t, r, http.StatusSeeOther)
		if r.location != "/signed-out" {
			t.Errorf("sign out redirect: got %q", r.location)
		}
		want(t, pc.get("/signed-out"), http.StatusOK, "You have been signed out")
		r = pc.get("/search")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/sign-in") {
			t.Errorf("after sign out, /search: got %d %q, want a redirect to sign in", r.status, r.location)
		}
		want(t, pc.get("/signed-out?timeout=1"), http.StatusOK, "did nothing for 20 minutes")
	})
	t.Run("timed out", func(t *testing.T) {
		pc, _ := f.signIn(t, domain.RolePractitioner)
		f.clock.Add(21 * 60e9)
		defer f.clock.Add(-21 * 60e9)
		r := pc.get("/search")
		if r.status != http.StatusSeeOther || r.location != "/sign-in?ended=1" {
			t.Errorf("idle session: got %d %q", r.status, r.location)
		}
		want(t, pc.get("/sign-in?ended=1"), http.StatusOK, "Your session has ended")
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t)
	c, _ := f.signIn(t, domain.RolePractitioner)
	c.hdr = http.Header{"Sec-Fetch-Site": {"cross-site"}}
	r := c.post("/search", url.Values{"given_names": {"Amelia"}, "family_name": {"O'Neill"}})
	want(t, r, http.StatusForbidden, "came from another website")
	c.hdr = http.Header{"Origin": {"https://evil.example"}}
	want(t, c.post("/sign-out", url.Values{}), http.StatusForbidden)
	// The session survived both.
	c.hdr = nil
	want(t, c.get("/search"), http.StatusOK)
	c.hdr = http.Header{"Sec-Fetch-Site": {"same-origin"}}
	want(t, c.post("/search", searchForm(f.kid)), http.StatusOK)
}

func searchForm(k *domain.Child) url.Values {
	return url.Values{"given_names": {"Amelia"}, "family_name": {k.FamilyName},
		"dob-day": {itoa(k.DateOfBirth.Day())}, "dob-month": {itoa(int(k.DateOfBirth.Month()))}, "dob-year": {itoa(k.DateOfBirth.Year())}}
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return fmtInt(i/10) + string(rune('0'+i%10))
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	c, _ := f.signIn(t, domain.RolePractitioner)
	r := c.get("/search")
	want(t, r, http.StatusOK, "<h1 class=\"govuk-heading-l\">Find a child</h1>", `id="dob-day"`, `name="dob-month"`, `name="gender"`,
		`name="postcode"`, `name="nhs_number"`, `name="upn"`, `name="contactpoint_id"`, "You will be signed out at")

	t.Run("results", func(t *testing.T) {
		r := c.post("/search", searchForm(f.kid))
		want(t, r, http.StatusOK, "Search results", "1 child matches", `href="/children/`+f.kid.ID.String()+`"`,
			"Amelia Rose O&#39;Neill", "Female", "Sheffield, S10", "%</td>")
	})
	t.Run("no match", func(t *testing.T) {
		r := c.post("/search", url.Values{"given_names": {"Zebedee"}, "family_name": {"Quirk"}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {"2020"}})
		want(t, r, http.StatusOK, "No children match")
	})
	t.Run("minimum criteria", func(t *testing.T) {
		r := c.post("/search", url.Values{"family_name": {"O'Neill"}})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Enter more details to search: add the child&#39;s", "given name", "date of birth")
	})
	t.Run("date parts", func(t *testing.T) {
		r := c.post("/search", url.Values{"given_names": {"Amelia"}, "family_name": {"O'Neill"}, "dob-day": {"3"}, "dob-year": {"2015"}})
		want(t, r, http.StatusBadRequest, "Date of birth must include a month", `href="#dob-month"`, `govuk-input--error" id="dob-month"`)
		wantNot(t, r, `govuk-input--error" id="dob-day"`)
		r = c.post("/search", url.Values{"given_names": {"Amelia"}, "family_name": {"O'Neill"}, "dob-day": {"31"}, "dob-month": {"2"}, "dob-year": {"2015"}})
		want(t, r, http.StatusBadRequest, "Date of birth must be a real date")
		r = c.post("/search", url.Values{"given_names": {"Amelia"}, "family_name": {"O'Neill"}, "dob-day": {"3"}, "dob-month": {"2"}, "dob-year": {"15"}})
		want(t, r, http.StatusBadRequest, "Year must include 4 numbers")
	})
	t.Run("bad fields", func(t *testing.T) {
		r := c.post("/search", url.Values{"given_names": {"Am3lia"}, "postcode": {"NOPE"}, "nhs_number": {"1234567890"}})
		want(t, r, http.StatusBadRequest, "Given names must only include letters", "Enter a real postcode", "Enter a real NHS number",
			`href="#given_names"`, `href="#postcode"`, `href="#nhs_number"`, `value="Am3lia"`)
	})
	t.Run("identifier", func(t *testing.T) {
		r := c.post("/search", url.Values{"contactpoint_id": {string(f.kid.ID)}})
		want(t, r, http.StatusOK, "1 child matches", "100%")
	})
	t.Run("too many", func(t *testing.T) {
		f.h.cfg.Search.MaxResults = 1
		defer func() { f.h.cfg.Search.MaxResults = 10 }()
		twin := fullChild(domain.DateOf(f.clock.T))
		twin.GivenNames = "Amelia"
		twin.DateOfBirth = f.kid.DateOfBirth
		if err := f.db.CreateChild(t.Context(), twin); err != nil {
			t.Fatal(err)
		}
		r := c.post("/search", searchForm(f.kid))
		want(t, r, http.StatusOK, "Too many children match", "Add more detail")
	})
}

func TestReasonAndRecord(t *testing.T) {
	f := newFixture(t)
	c, u := f.signIn(t, domain.RolePractitioner)
	id := f.kid.ID.String()
	r := c.get("/children/" + id)
	want(t, r, http.StatusSeeOther)
	if r.location != "/children/"+id+"/reason" {
		t.Fatalf("first view: redirect %q, want the reason page", r.location)
	}
	r = c.get(r.location)
	want(t, r, http.StatusOK, "Why do you need to see this record?", "Safeguarding concern", "Checking or correcting the record",
		"I am acting for another practitioner", `name="obo_phone"`)

	t.Run("no reason", func(t *testing.T) {
		r := c.post("/children/"+id+"/reason", url.Values{})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Select why you need to see this record", `href="#reason"`)
	})
	t.Run("mediated incomplete", func(t *testing.T) {
		r := c.post("/children/"+id+"/reason", url.Values{"reason": {"safeguarding"}, "mediated": {"yes"}, "obo_name": {"Jo Bloggs"}, "obo_phone": {"12"}})
		want(t, r, http.StatusBadRequest, "Enter their organisation", "Enter their role", "Enter a phone number", `value="Jo Bloggs"`, `checked`)
	})
	t.Run("mediated", func(t *testing.T) {
		r := c.post("/children/"+id+"/reason", url.Values{"reason": {"assessment"}, "mediated": {"yes"}, "obo_name": {"Jo Bloggs"},
			"obo_organisation": {"Hillside Surgery"}, "obo_role": {"Health visitor"}, "obo_phone": {"0114 496 0999"}})
		want(t, r, http.StatusSeeOther)
		if r.location != "/children/"+id+"?reason=assessment" {
			t.Fatalf("redirect: got %q", r.location)
		}
		r = c.get(r.location)
		want(t, r, http.StatusOK, "You are looking at this record for Jo Bloggs, Health visitor at Hillside Surgery")
		es, err := f.db.AuditEntries(t.Context(), domain.AuditFilter{ChildID: string(f.kid.ID), UserID: u.ID, Actions: []domain.Action{domain.ActionView}})
		if err != nil || len(es) == 0 {
			t.Fatalf("audit: %v %v", es, err)
		}
		if es[0].Detail["reason"] != "assessment" || es[0].OnBehalfOf == nil || es[0].OnBehalfOf.Name != "Jo Bloggs" {
			t.Errorf("view audited as %+v, want reason assessment on behalf of Jo Bloggs", es[0])
		}
	})
	t.Run("full record", func(t *testing.T) {
		r := c.get("/children/" + id)
		want(t, r, http.StatusOK, "<title>Amelia Rose O&#39;Neill – ContactPoint", "ContactPoint ID "+id,
			"Former family names", "Brown", "(age 9)", "Female", "1 High Street, Crookes, Sheffield, S10 1AA", "Previous address",
			"Claire O&#39;Neill", "has parental responsibility", "Crookes Primary School", "URN 107001",
			"GP practice: Crookes Valley Medical Centre", "Services involved now", "Social care", "Sam Taylor",
			"0114 496 0123", "mailto:sam.taylor@example.org", "Lead professional</strong>", "CAF holder</strong>",
			"Services involved recently", "CAMHS", "Tom Reid", "Add my involvement", "/contact-sheet")
		if n := strings.Count(r.body, "govuk-tag--purple"); n < 2 {
			t.Errorf("lead professional tag shown %d times, want on the lead card and on the involvement", n)
		}
	})
	t.Run("empty record", func(t *testing.T) {
		bare := &domain.Child{GivenNames: "Noah", FamilyName: "Green", Gender: domain.GenderMale, DateOfBirth: domain.DateOf(f.clock.T).AddYears(-3),
			AddressStatus: domain.AddressNone, LACode: la}
		if err := f.db.CreateChild(t.Context(), bare); err != nil {
			t.Fatal(err)
		}
		c.giveReason(bare.ID)
		r := c.get("/children/" + string(bare.ID))
		want(t, r, http.StatusOK, "No known address", "No lead professional has been appointed", "No CAF has been recorded",
			"No services have recorded", "No GP practice recorded")
	})
	t.Run("contact sheet", func(t *testing.T) {
		r := c.get("/children/" + id + "/contact-sheet")
		want(t, r, http.StatusOK, "Multi-agency contact sheet", "Who to contact", "Lead professional", "CAF holder", "Crookes Primary School", `media="print"`)
	})
	t.Run("not found", func(t *testing.T) {
		want(t, c.get("/children/nonsense"), http.StatusNotFound, "Page not found")
		want(t, c.get("/no/such/page"), http.StatusNotFound, "Page not found")
	})
}

func TestChangeForms(t *testing.T) {
	f := newFixture(t)
	c, u := f.signIn(t, domain.RolePractitioner)
	id := f.kid.ID.String()
	base := "/children/" + id

	// Before a reason is given, the forms send the user to give one.
	r := c.get(base + "/involvements/new")
	if r.status != http.StatusSeeOther || r.location != base+"/reason" {
		t.Errorf("form before reason: got %d %q", r.status, r.location)
	}
	c.giveReason(f.kid.ID)

	t.Run("involvement", func(t *testing.T) {
		r := c.get(base + "/involvements/new")
		want(t, r, http.StatusOK, "Add your involvement", "Youth offending team", `value="`+u.Phone+`"`)
		r = c.post(base+"/involvements/new", url.Values{"phone": {""}, "email": {"not-an-email"}})
		want(t, r, http.StatusBadRequest, "<title>Error:", "Select the service you work for", "Enter your role", "Enter an email address in the correct format", `href="#service"`)
		r = c.post(base+"/involvements/new", url.Values{"service": {"early-help"}, "role": {"Family support worker"}, "phone": {"0114 496 0555"}})
		want(t, r, http.StatusSeeOther)
		if r.location != base+"?done=involvement" {
			t.Fatalf("redirect: got %q", r.location)
		}
		r = c.get(r.location)
		want(t, r, http.StatusOK, "govuk-notification-banner--success", "Your involvement has been added", "Early help", "Family support worker", "0114 496 0555", "End my involvement")
	})
	t.Run("end involvement", func(t *testing.T) {
		r := c.get(base)
		m := regexp.MustCompile(`href="(/children/[^"]+/involvements/[^"]+/end)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no End my involvement link")
		}
		want(t, c.get(html.UnescapeString(m[1])), http.StatusOK, "End your involvement")
		r = c.post(html.UnescapeString(m[1]), url.Values{"end-day": {"1"}})
		want(t, r, http.StatusBadRequest, "must include a month and year")
		r = c.post(html.UnescapeString(m[1]), url.Values{})
		want(t, r, http.StatusSeeOther)
		want(t, c.get(r.location), http.StatusOK, "Your involvement has ended")
	})
	t.Run("lead professional", func(t *testing.T) {
		want(t, c.get(base+"/lead-professional"), http.StatusOK, "Appoint a lead professional")
		r := c.post(base+"/lead-professional", url.Values{"name": {"R2D2"}})
		want(t, r, http.StatusBadRequest, "Name must only include letters", "Enter their organisation", "Enter their phone number or email address")
		r = c.post(base+"/lead-professional", url.Values{"name": {"Alex Morgan"}, "organisation": {"Sheffield Early Help"}, "role": {"Key worker"}, "email": {"alex.morgan@example.org"}})
		want(t, r, http.StatusSeeOther)
		r = c.get(r.location)
		want(t, r, http.StatusOK, "The lead professional has been appointed", "Alex Morgan", "Sheffield Early Help")
	})
	t.Run("caf", func(t *testing.T) {
		want(t, c.get(base+"/caf"), http.StatusOK, "Record a CAF", "Do not enter anything from the assessment")
		r := c.post(base+"/caf", url.Values{})
		want(t, r, http.StatusBadRequest, "Enter date the CAF was undertaken", "Enter the name of the practitioner who holds the CAF")
		r = c.post(base+"/caf", url.Values{"undertaken-day": {"1"}, "undertaken-month": {"1"}, "undertaken-year": {"3000"}, "name": {"Kim Lee"}, "organisation": {"Hillside School"}, "phone": {"0114 496 0777"}})
		want(t, r, http.StatusBadRequest, "must be today or in the past")
		d := domain.DateOf(f.clock.T).AddDays(-3)
		r = c.post(base+"/caf", url.Values{"undertaken-day": {itoa(d.Day())}, "undertaken-month": {itoa(int(d.Month()))}, "undertaken-year": {itoa(d.Year())},
			"name": {"Kim Lee"}, "organisation": {"Hillside School"}, "phone": {"0114 496 0777"}})
		want(t, r, http.StatusSeeOther)
		want(t, c.get(r.location), http.StatusOK, "The CAF has been recorded", "Held by Kim Lee")
	})
}

func TestAdminPages(t *testing.T) {
	f := newFixture(t)
	c, admin := f.signIn(t, domain.RoleLAAdmin)
	p, pu := f.signIn(t, domain.RolePractitioner)
	p.giveReason(f.kid.ID)
	p.post("/search", searchForm(f.kid))

	r := c.get("/admin/users")
	want(t, r, http.StatusOK, "Users", admin.Username, pu.Username, "Active", "Suspend", "Re-issue token", "Add a user")

	t.Run("add user errors", func(t *testing.T) {
		r := c.post("/admin/users/new", url.Values{"username": {"new.user"}, "password": {"secret words here"}})
		want(t, r, http.StatusBadRequest, "<title>Error: Add a user", "Enter the user&#39;s full name", "Select at least one role",
			"Enter the enhanced DBS certificate number", "Enter date the DBS certificate was issued", "Enter a PIN for the user", `value="new.user"`)
		wantNot(t, r, "secret words here", `value="national-admin"`)
	})
	t.Run("add user", func(t *testing.T) {
		today := domain.DateOf(f.clock.T).AddDays(-10)
		form := url.Values{"username": {"jo.bloggs"}, "full_name": {"Jo Bloggs"}, "organisation": {"Hillside School"}, "role": {"practitioner"},
			"dbs_number": {"001234567899"}, "password": {"orange kettle sideways seven"}, "pin": {"739184"}}
		for _, k := range []string{"dbs", "training", "agreement"} {
			form.Set(k+"-day", itoa(today.Day()))
			form.Set(k+"-month", itoa(int(today.Month())))
			form.Set(k+"-year", itoa(today.Year()))
		}
		r := c.post("/admin/users/new", form)
		want(t, r, http.StatusOK, "User added", "jo.bloggs", "otpauth://totp/ContactPoint:jo.bloggs", "shown once only")
		want(t, c.get("/admin/users"), http.StatusOK, "jo.bloggs", "Jo Bloggs")
		r = c.post("/admin/users/new", form)
		want(t, r, http.StatusBadRequest, "That username is taken")
	})
	t.Run("suspend, reinstate, token", func(t *testing.T) {
		r := c.post("/admin/users/jo.bloggs/suspend", url.Values{})
		want(t, r, http.StatusSeeOther)
		want(t, c.get(r.location), http.StatusOK, "The user has been suspended", "Suspended", "Reinstate")
		r = c.post("/admin/users/jo.bloggs/reinstate", url.Values{})
		want(t, c.get(r.location), http.StatusOK, "The user has been reinstated")
		want(t, c.post("/admin/users/jo.bloggs/token", url.Values{}), http.StatusOK, "New security token issued", "otpauth://totp/")
		want(t, c.post("/admin/users/jo.bloggs/unlock", url.Values{}), http.StatusSeeOther)
		want(t, c.post("/admin/users/nobody.here/suspend", url.Values{}), http.StatusNotFound)
	})
	t.Run("vetting", func(t *testing.T) {
		want(t, c.get("/admin/vetting"), http.StatusOK, "Vetting due in the next 30 days")
	})
	t.Run("audit", func(t *testing.T) {
		// Another authority's look at the same child is theirs to see.
		if err := f.db.Audit(t.Context(), &domain.AuditEntry{UserID: "leeds.practitioner", LACode: "E08000035", Action: domain.ActionView,
			ChildID: string(f.kid.ID), Detail: map[string]any{"reason": "safeguarding"}}); err != nil {
			t.Fatal(err)
		}
		want(t, c.get("/admin/audit"), http.StatusOK, "Who looked at this child?")
		r := c.get("/admin/audit?child=" + string(f.kid.ID))
		want(t, r, http.StatusOK, pu.Username, "view", "Reason: Safeguarding concern")
		if strings.Contains(r.body, "leeds.practitioner") {
			t.Error("an la-admin sees another authority's audit entry")
		}
		r = c.get("/admin/audit?user=" + pu.Username)
		want(t, r, http.StatusOK, "search", "view", "Searched")
		want(t, c.get("/admin/audit?user=nobody.at.all"), http.StatusBadRequest, "There is no user with that username")
		want(t, c.get("/admin/audit?child=bad"), http.StatusBadRequest, "Enter a ContactPoint ID")
	})
	t.Run("misuse", func(t *testing.T) {
		want(t, c.get("/admin/misuse"), http.StatusOK, "Misuse alerts")
	})
}

// TestRoleWalk requests every page as every role and signed out.
func TestRoleWalk(t *testing.T) {
	f := newFixture(t)
	id := f.kid.ID.String()
	const (
		ok     = http.StatusOK
		signIn = http.StatusSeeOther
		forbid = http.StatusForbidden
	)
	type route struct {
		method, path string
		form         url.Values
		search       bool                    // for roles that may search
		admin        bool                    // for administrators
		anyone       bool                    // for every signed-in user
		signedOut    int                     // the status when signed out
		allow        func(*domain.User) bool // when set, decides alone who is admitted
	}
	item := f.holdRecord(t, "walk")
	isNA := func(u *domain.User) bool { return u.HasRole(domain.RoleNationalAdmin) }
	isDM := func(u *domain.User) bool { return u.HasRole(domain.RoleDataManager) }
	nobody := func(*domain.User) bool { return false } // needs a permission no role carries
	routes := []route{
		{"GET", "/", nil, false, false, true, ok, nil},
		{"GET", "/session", nil, false, false, true, signIn, nil},
		{"GET", "/search", nil, true, false, false, signIn, nil},
		{"POST", "/search", searchForm(f.kid), true, false, false, signIn, nil},
		{"GET", "/children/" + id, nil, true, false, false, signIn, nil},
		{"GET", "/children/" + id + "/reason", nil, true, false, false, signIn, nil},
		{"GET", "/children/" + id + "/contact-sheet", nil, true, false, false, signIn, nil},
		{"GET", "/children/" + id + "/involvements/new", nil, true, false, false, signIn, nil},
		{"GET", "/children/" + id + "/lead-professional", nil, true, false, false, signIn, nil},
		{"GET", "/children/" + id + "/caf", nil, true, false, false, signIn, nil},
		{"GET", "/admin/users", nil, false, true, false, signIn, nil},
		{"GET", "/admin/users/new", nil, false, true, false, signIn, nil},
		{"GET", "/admin/vetting", nil, false, true, false, signIn, nil},
		{"GET", "/admin/audit", nil, false, true, false, signIn, nil},
		{"GET", "/admin/misuse", nil, false, true, false, signIn, nil},
		{"GET", "/manage/review", nil, false, false, false, signIn, canManage},
		{"GET", "/manage/review/" + item, nil, false, false, false, signIn, canManage},
		{"GET", "/manage/merges", nil, false, false, false, signIn, canManage},
		{"GET", "/manage/shields", nil, false, false, false, signIn, canManage},
		{"GET", "/manage/alerts", nil, false, false, false, signIn, canManage},
		{"GET", "/manage/quality", nil, false, false, false, signIn, canReport},
		{"GET", "/manage/missing-education", nil, false, false, false, signIn, canReport},
		{"GET", "/manage/missing-education/report.csv", nil, false, false, false, signIn, canReport},
		{"GET", "/children/" + id + "/subject-access", nil, false, false, false, signIn, canManage},
		{"GET", "/children/" + id + "/sources", nil, false, false, false, signIn, canManage},
		{"GET", "/children/" + id + "/shield", nil, false, false, false, signIn, isDM},
		{"GET", "/children/" + id + "/override", nil, false, false, false, signIn, nobody},
		{"GET", "/children/" + id + "/investigation", nil, false, false, false, signIn, isNA},
	}
	roles := []domain.Role{domain.RolePractitioner, domain.RoleLAAdmin, domain.RoleDataManager, domain.RoleNationalAdmin}
	for _, role := range append(roles, "") {
		name := string(role)
		if name == "" {
			name = "signed-out"
		}
		t.Run(name, func(t *testing.T) {
			var c *client
			var u *domain.User
			if role == "" {
				c = f.anon(t)
			} else {
				c, u = f.signIn(t, role)
				if u.CanSearch() {
					c.giveReason(f.kid.ID)
				}
			}
			for _, rt := range routes {
				wantStatus := rt.signedOut
				if u != nil {
					allowed := rt.anyone || (rt.search && u.CanSearch()) || (rt.admin && canAdmin(u))
					if rt.allow != nil {
						allowed = rt.allow(u)
					}
					wantStatus = forbid
					if allowed {
						wantStatus = ok
					}
				}
				r := c.do(rt.method, rt.path, rt.form)
				if r.status != wantStatus {
					t.Errorf("%s %s as %s: got %d, want %d", rt.method, rt.path, name, r.status, wantStatus)
				}
				if wantStatus == signIn && !strings.HasPrefix(r.location, "/sign-in") {
					t.Errorf("%s %s as %s: redirect to %q, want /sign-in", rt.method, rt.path, name, r.location)
				}
				if u != nil && r.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s %s as %s: Cache-Control %q, want no-store", rt.method, rt.path, name, r.header.Get("Cache-Control"))
				}
			}
			if r := c.get("/no/such/page"); r.status != http.StatusNotFound {
				t.Errorf("unknown page as %s: got %d, want 404", name, r.status)
			}
		})
	}
}

func TestForbiddenPosts(t *testing.T) {
	f := newFixture(t)
	id := f.kid.ID.String()
	pc, _ := f.signIn(t, domain.RolePractitioner)
	ac, _ := f.signIn(t, domain.RoleLAAdmin)
	for _, tc := range []struct {
		c    *client
		path string
	}{
		{pc, "/admin/users/new"},
		{pc, "/admin/users/" + "someone" + "/suspend"},
		{ac, "/search"},
		{ac, "/children/" + id + "/reason"},
		{ac, "/children/" + id + "/involvements/new"},
		{ac, "/children/" + id + "/caf"},
		{ac, "/children/" + id + "/lead-professional"},
		{pc, "/manage/review/some-item"},
		{pc, "/manage/merges"},
		{pc, "/manage/merges/some-merge/unmerge"},
		{pc, "/manage/alerts/some-alert/seen"},
		{pc, "/manage/notifications/some-notification/seen"},
		{pc, "/children/" + id + "/shield"},
		{pc, "/children/" + id + "/unshield"},
		{ac, "/children/" + id + "/override"},
		{ac, "/children/" + id + "/investigation"},
	} {
		if r := tc.c.post(tc.path, url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("POST %s: got %d, want 403", tc.path, r.status)
		}
	}
	if r := f.anon(t).post("/children/"+id+"/caf", url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("signed-out POST: got %d, want a redirect to sign in", r.status)
	}
}

func TestInternalErrorPage(t *testing.T) {
	f := newFixture(t)
	c, _ := f.signIn(t, domain.RolePractitioner)
	f.db.Close()
	r := c.get("/search")
	want(t, r, http.StatusInternalServerError, "Sorry, there is a problem with the service", "Nothing you entered was saved")
	wantNot(t, r, "sql", "database")
}
