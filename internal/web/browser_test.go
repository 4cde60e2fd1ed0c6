package web

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/contactpoint/contactpoint/internal/auth/authtest"
	"github.com/contactpoint/contactpoint/internal/domain"
)

// chromiumPath finds Debian's Chromium. Without it the browser tests
// skip, except under CI, which installs it.
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("CONTACTPOINT_CHROMIUM"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("chromium is not installed: CI must install it (apt-get install chromium chromium-driver)")
	}
	tb.Skip("chromium is not installed: browser tests skipped")
	return ""
}

// axeSource is axe-core's script, installed by the Makefile's npm step.
func axeSource(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("MAKELEVEL") != "" {
			tb.Fatalf("axe-core is not installed (run make assets): %v", err)
		}
		tb.Skipf("axe-core is not installed (run make assets): %v", err)
	}
	return string(b)
}

// browser is a headless Chromium with a fresh profile.
type browser struct {
	tb  testing.TB
	ctx context.Context
	axe string
	f   *fixture
}

func newBrowser(tb testing.TB, f *fixture) *browser {
	tb.Helper()
	exe := chromiumPath(tb)
	axe := axeSource(tb)
	// A fresh profile, removed after Chromium has exited (tb.TempDir's
	// cleanup can race the browser's last writes).
	profile, err := os.MkdirTemp("", "contactpoint-chromium-")
	if err != nil {
		tb.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	// Chromium's newer DevTools events that chromedp does not know are
	// logged as errors; they are noise here.
	bctx, cancel2 := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	// Start the browser on bctx, which lives as long as the test; each
	// test's actions then run under a timeout derived from it.
	if err := chromedp.Run(bctx); err != nil {
		cancel2()
		cancel()
		os.RemoveAll(profile)
		tb.Fatalf("start chromium: %v", err)
	}
	ctx, cancel3 := context.WithTimeout(bctx, 90*time.Second)
	tb.Cleanup(func() {
		cancel3()
		cctx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		go func() { chromedp.Cancel(bctx); done() }() // closes the browser and waits for it
		<-cctx.Done()
		cancel2()
		cancel()
		for i := 0; i < 20; i++ {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return &browser{tb: tb, ctx: ctx, axe: axe, f: f}
}

func (b *browser) run(what string, actions ...chromedp.Action) {
	b.tb.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.tb.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) url(path string) string { return b.f.srv.URL + path }

// see checks the page's h1 (or title) holds want.
func (b *browser) see(want string) {
	b.tb.Helper()
	var title, body string
	b.run("read page", chromedp.Title(&title), chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(title, want) && !strings.Contains(body, want) {
		b.tb.Fatalf("page %q does not show %q:\n%s", title, want, body)
	}
}

type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// checkA11y runs axe-core on the page with the WCAG 2.2 AA rules and fails
// on any violation.
func (b *browser) checkA11y(name string) {
	b.tb.Helper()
	var loaded bool
	b.run("inject axe", chromedp.Evaluate(`typeof axe !== 'undefined'`, &loaded))
	if !loaded {
		b.run("inject axe", chromedp.Evaluate(b.axe, nil))
	}
	var out string
	script := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(r => JSON.stringify({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html.slice(0, 200))}))}))`
	b.run("axe "+name, chromedp.Evaluate(script, &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	var res struct {
		Passes     int
		Violations []axeViolation
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		b.tb.Fatalf("axe %s: %v", name, err)
	}
	if res.Passes == 0 {
		b.tb.Fatalf("axe %s: no rule passed: axe did not check the page", name)
	}
	for _, v := range res.Violations {
		b.tb.Errorf("accessibility, %s: %s (%s) at %v", name, v.Help, v.ID, v.Nodes)
	}
}

func (b *browser) signIn(u *domain.User) {
	b.tb.Helper()
	b.run("sign in",
		chromedp.Navigate(b.url("/sign-in")),
		chromedp.SendKeys("#username", u.Username, chromedp.ByQuery),
		chromedp.SendKeys("#password", authtest.Password, chromedp.ByQuery),
		chromedp.SendKeys("#pin", authtest.PIN, chromedp.ByQuery),
		chromedp.SendKeys("#code", authtest.Code(b.tb, b.f.auth, u.Username), chromedp.ByQuery),
		chromedp.Click("form[action='/sign-in'] button", chromedp.ByQuery),
		chromedp.WaitVisible("#session-info", chromedp.ByQuery),
	)
}

// signOut signs out and waits until the signed-out page has loaded, so
// that the next navigation does not abort this one.
func (b *browser) signOut() {
	b.tb.Helper()
	b.run("sign out", chromedp.Click("form[action='/sign-out'] button", chromedp.ByQuery),
		chromedp.WaitVisible("#signed-out", chromedp.ByQuery))
}

func submit(form string) chromedp.Action {
	return chromedp.Click(form+" button[type=submit]", chromedp.ByQuery)
}

// TestBrowserPractitionerJourney drives Chromium through sign-in, search,
// reason, the record, adding an involvement and signing out, checking
// every page and state with axe-core.
func TestBrowserPractitionerJourney(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	u := f.user(t, domain.RolePractitioner)
	k := f.kid
	id := k.ID.String()

	b.run("start", chromedp.Navigate(b.url("/")), chromedp.WaitVisible("h1", chromedp.ByQuery))
	b.see("Find out who is working with a child")
	b.checkA11y("start page")
	b.run("start now", chromedp.Click(".govuk-button--start", chromedp.ByQuery), chromedp.WaitVisible("#username", chromedp.ByQuery))
	b.checkA11y("sign in")
	b.run("empty sign in", submit("form[action='/sign-in']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.see("Enter your username")
	b.checkA11y("sign in with errors")
	// GOV.UK Frontend moves focus to the error summary: JavaScript ran.
	var focused string
	b.run("focus", chromedp.Evaluate(`document.activeElement.className`, &focused))
	if !strings.Contains(focused, "govuk-error-summary") {
		t.Errorf("focus after errors is on %q, want the error summary", focused)
	}

	b.signIn(u)
	b.see("Find a child")
	b.checkA11y("search")
	b.run("too little", chromedp.SendKeys("#family_name", k.FamilyName, chromedp.ByQuery), submit("form[action='/search']"),
		chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.see("Enter more details to search")
	b.checkA11y("search with errors")
	b.run("search", chromedp.SendKeys("#given_names", "Amelia", chromedp.ByQuery),
		chromedp.SendKeys("#dob-day", itoa(k.DateOfBirth.Day()), chromedp.ByQuery),
		chromedp.SendKeys("#dob-month", itoa(int(k.DateOfBirth.Month())), chromedp.ByQuery),
		chromedp.SendKeys("#dob-year", itoa(k.DateOfBirth.Year()), chromedp.ByQuery),
		submit("form[action='/search']"), chromedp.WaitVisible("#results", chromedp.ByQuery))
	b.see("1 child matches")
	b.checkA11y("search results")

	b.run("open record", chromedp.Click("#results a", chromedp.ByQuery), chromedp.WaitVisible("#reason", chromedp.ByQuery))
	b.see("Why do you need to see this record?")
	b.checkA11y("reason")
	b.run("no reason", submit("form[action$='/reason']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("reason with errors")
	b.run("mediated reveal", chromedp.Click("#mediated", chromedp.ByQuery), chromedp.WaitVisible("#obo_name", chromedp.ByQuery))
	b.checkA11y("reason with mediated access")
	b.run("mediated off", chromedp.Click("#mediated", chromedp.ByQuery), chromedp.WaitNotVisible("#obo_name", chromedp.ByQuery))
	b.run("reason", chromedp.Click("#reason", chromedp.ByQuery), submit("form[action$='/reason']"), chromedp.WaitVisible("#child", chromedp.ByQuery))
	b.see("Amelia Rose O'Neill")
	b.see("Lead professional")
	b.checkA11y("record")

	b.run("contact sheet", chromedp.Navigate(b.url("/children/"+id+"/contact-sheet")), chromedp.WaitVisible("table", chromedp.ByQuery))
	b.checkA11y("contact sheet")

	b.run("add involvement", chromedp.Navigate(b.url("/children/"+id)), chromedp.WaitVisible("#child", chromedp.ByQuery),
		chromedp.Click("a[href$='/involvements/new']", chromedp.ByQuery), chromedp.WaitVisible("#service", chromedp.ByQuery))
	b.checkA11y("add involvement")
	b.run("clear phone", chromedp.Evaluate(`document.getElementById('phone').value = ''; document.getElementById('email').value = ''`, nil),
		submit("form[action$='/involvements/new']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.see("Select the service you work for")
	b.checkA11y("add involvement with errors")
	b.run("involvement", chromedp.Click("#service-1", chromedp.ByQuery), chromedp.SendKeys("#role", "Family support worker", chromedp.ByQuery),
		chromedp.SendKeys("#phone", "0114 496 0555", chromedp.ByQuery),
		submit("form[action$='/involvements/new']"), chromedp.WaitVisible(".govuk-notification-banner--success", chromedp.ByQuery))
	b.see("Your involvement has been added")
	b.see("Family support worker")
	b.checkA11y("record with success banner")

	for _, pg := range []struct{ path, wait, name string }{
		{"/children/" + id + "/lead-professional", "#name", "appoint lead professional"},
		{"/children/" + id + "/caf", "#undertaken-day", "record a CAF"},
		{"/session", "h1", "session"},
		{"/no/such/page", "h1", "page not found"},
	} {
		b.run(pg.name, chromedp.Navigate(b.url(pg.path)), chromedp.WaitVisible(pg.wait, chromedp.ByQuery))
		b.checkA11y(pg.name)
	}
	b.run("empty caf", chromedp.Navigate(b.url("/children/"+id+"/caf")), chromedp.WaitVisible("#name", chromedp.ByQuery),
		submit("form[action$='/caf']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("record a CAF with errors")
	b.run("empty lead", chromedp.Navigate(b.url("/children/"+id+"/lead-professional")), chromedp.WaitVisible("#name", chromedp.ByQuery),
		submit("form[action$='/lead-professional']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("appoint lead professional with errors")

	b.signOut()
	b.see("You have been signed out")
	b.checkA11y("signed out")
	b.run("after sign out", chromedp.Navigate(b.url("/children/"+id)), chromedp.WaitVisible("#username", chromedp.ByQuery))
}

// TestBrowserAdminJourney adds a user as an LA administrator and visits
// the administration pages.
func TestBrowserAdminJourney(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	admin := f.user(t, domain.RoleLAAdmin)
	p, _ := f.signIn(t, domain.RolePractitioner)
	p.giveReason(f.kid.ID)

	b.signIn(admin)
	b.see("Users")
	b.checkA11y("users")
	b.run("add user", chromedp.Click("a[href='/admin/users/new']", chromedp.ByQuery), chromedp.WaitVisible("#username", chromedp.ByQuery))
	b.checkA11y("add user")
	b.run("add user empty", submit("form[action='/admin/users/new']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.see("Enter a username")
	b.checkA11y("add user with errors")
	d := domain.DateOf(f.clock.T).AddDays(-10)
	actions := []chromedp.Action{
		chromedp.SendKeys("#username", "sam.new", chromedp.ByQuery),
		chromedp.SendKeys("#full_name", "Sam New", chromedp.ByQuery),
		chromedp.SendKeys("#organisation", "Hillside School", chromedp.ByQuery),
		chromedp.SendKeys("#dbs_number", "001234567899", chromedp.ByQuery),
		chromedp.SendKeys("#password", "orange kettle sideways seven", chromedp.ByQuery),
		chromedp.SendKeys("#pin", "739184", chromedp.ByQuery),
	}
	for _, k := range []string{"dbs", "training", "agreement"} {
		actions = append(actions,
			chromedp.SendKeys("#"+k+"-day", itoa(d.Day()), chromedp.ByQuery),
			chromedp.SendKeys("#"+k+"-month", itoa(int(d.Month())), chromedp.ByQuery),
			chromedp.SendKeys("#"+k+"-year", itoa(d.Year()), chromedp.ByQuery))
	}
	actions = append(actions, submit("form[action='/admin/users/new']"), chromedp.WaitVisible("#enrolment", chromedp.ByQuery))
	b.run("add user", actions...)
	b.see("User added")
	var uri string
	b.run("enrolment", chromedp.Text("#enrolment", &uri, chromedp.ByQuery))
	if !strings.HasPrefix(uri, "otpauth://totp/ContactPoint:sam.new?") {
		t.Errorf("enrolment URI %q", uri)
	}
	b.checkA11y("user added")
	for _, pg := range []struct{ path, name string }{
		{"/admin/users", "users with new user"},
		{"/admin/vetting", "vetting"},
		{"/admin/audit", "audit"},
		{"/admin/audit?child=" + f.kid.ID.String(), "audit of a child"},
		{"/admin/audit?user=nobody", "audit with errors"},
		{"/admin/misuse", "misuse alerts"},
		{"/search", "forbidden"},
	} {
		b.run(pg.name, chromedp.Navigate(b.url(pg.path)), chromedp.WaitVisible("h1", chromedp.ByQuery))
		b.checkA11y(pg.name)
	}
	b.run("users", chromedp.Navigate(b.url("/admin/users")), chromedp.WaitVisible("#users", chromedp.ByQuery))
	b.see("sam.new")
}

// TestBrowserKeyboardOnly signs in and searches with the keyboard alone
// (Tab, typing, Enter), with JavaScript turned off.
func TestBrowserKeyboardOnly(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	u := f.user(t, domain.RolePractitioner)
	k := f.kid
	b.run("no javascript", emulation.SetScriptExecutionDisabled(true))
	b.run("sign-in page", chromedp.Navigate(b.url("/sign-in")), chromedp.WaitVisible("#username", chromedp.ByQuery))

	// The first Tab stop is the skip link.
	b.run("tab", chromedp.KeyEvent(kb.Tab))
	if got := b.activeClass(); !strings.Contains(got, "govuk-skip-link") {
		t.Errorf("first Tab stop has class %q, want the skip link", got)
	}
	b.tabTo("username")
	b.run("type", chromedp.KeyEvent(u.Username))
	b.tabTo("password")
	b.run("type", chromedp.KeyEvent(authtest.Password))
	b.tabTo("pin")
	b.run("type", chromedp.KeyEvent(authtest.PIN))
	b.tabTo("code")
	b.run("type", chromedp.KeyEvent(authtest.Code(t, f.auth, u.Username)))
	b.run("enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#given_names", chromedp.ByQuery))
	b.see("Find a child")

	b.tabTo("given_names")
	b.run("type", chromedp.KeyEvent("Amelia"))
	b.tabTo("family_name")
	b.run("type", chromedp.KeyEvent(k.FamilyName))
	b.tabTo("dob-day")
	b.run("type", chromedp.KeyEvent(itoa(k.DateOfBirth.Day())))
	b.tabTo("dob-month")
	b.run("type", chromedp.KeyEvent(itoa(int(k.DateOfBirth.Month()))))
	b.tabTo("dob-year")
	b.run("type", chromedp.KeyEvent(itoa(k.DateOfBirth.Year())), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#results", chromedp.ByQuery))
	b.see("1 child matches")
	// Tab to the child's link and follow it with Enter.
	for i := 0; i < 40; i++ {
		var href string
		b.run("tab", chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.getAttribute('href') || ''`, &href))
		if strings.HasPrefix(href, "/children/") {
			b.run("enter", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#reason", chromedp.ByQuery))
			b.see("Why do you need to see this record?")
			return
		}
	}
	t.Fatal("Tab never reached the result's link")
}

func (b *browser) activeClass() string {
	var s string
	b.run("active element", chromedp.Evaluate(`document.activeElement.className`, &s))
	return s
}

// tabTo presses Tab until the element with id has focus.
func (b *browser) tabTo(id string) {
	b.tb.Helper()
	for i := 0; i < 20; i++ {
		var got string
		b.run("active element", chromedp.Evaluate(`document.activeElement.id`, &got))
		if got == id {
			return
		}
		b.run("tab", chromedp.KeyEvent(kb.Tab))
	}
	b.tb.Fatalf("Tab never reached #%s", id)
}

// TestBrowserSessionTimeoutWarning shows the timeout warning two minutes
// before the session ends, and "Stay signed in" extends the session.
func TestBrowserSessionTimeoutWarning(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	u := f.user(t, domain.RolePractitioner)
	// The server's clock runs 19 minutes behind the browser's, so the
	// session (20 minutes idle) ends a minute from now as the browser sees it.
	f.clock.Add(-19 * time.Minute)
	b.signIn(u)
	b.run("warning", chromedp.WaitVisible("dialog.app-timeout-dialog", chromedp.ByQuery))
	b.see("Find a child")
	var text string
	b.run("warning text", chromedp.Text("dialog.app-timeout-dialog", &text, chromedp.ByQuery))
	if !strings.Contains(text, "You’re about to be signed out") || !strings.Contains(text, "seconds") {
		t.Errorf("warning says %q", text)
	}
	b.checkA11y("session timeout warning")
	// Time passes on the server; staying signed in refreshes the session.
	f.clock.Add(5 * time.Minute)
	b.run("stay", chromedp.Click("dialog .app-timeout-stay", chromedp.ByQuery), chromedp.WaitNotVisible("dialog.app-timeout-dialog", chromedp.ByQuery))
	time.Sleep(1500 * time.Millisecond)
	var open bool
	b.run("still closed", chromedp.Evaluate(`document.querySelector('dialog.app-timeout-dialog').open`, &open))
	if open {
		t.Error("the warning came back after Stay signed in")
	}
}
