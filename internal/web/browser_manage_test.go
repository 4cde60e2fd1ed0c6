package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// TestBrowserDataManagerJourney works the review queue as a data manager
// (open an item, link it), visits every data-manager page and state with
// axe-core, shields the record, then sees it as a practitioner holding
// the child-protection override and as a national administrator reading
// an archived record.
func TestBrowserDataManagerJourney(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t, f)
	id := f.kid.ID.String()
	f.holdRecord(t, "H1")
	dm := f.user(t, domain.RoleDataManager)

	b.signIn(dm)
	b.run("review queue", chromedp.Navigate(b.url("/manage/review")), chromedp.WaitVisible("#review-queue", chromedp.ByQuery))
	b.see("1 held record")
	b.checkA11y("review queue")
	b.run("open item", chromedp.Click("#review-queue a", chromedp.ByQuery), chromedp.WaitVisible("#candidate-0", chromedp.ByQuery))
	b.see("Is this a child ContactPoint already holds?")
	b.see("Matches another given name")
	b.checkA11y("review item")
	b.run("link", chromedp.Click("#link-0", chromedp.ByQuery), chromedp.WaitVisible(".govuk-notification-banner--success", chromedp.ByQuery))
	b.see("The record has been linked to the child")
	b.see("There are no records waiting for review")
	b.checkA11y("review queue, empty, with success banner")

	b.run("reason", chromedp.Navigate(b.url("/children/"+id+"/reason")), chromedp.WaitVisible("#reason", chromedp.ByQuery),
		chromedp.Click("#reason", chromedp.ByQuery), submit("form[action$='/reason']"), chromedp.WaitVisible("#child", chromedp.ByQuery))
	b.checkA11y("record as data manager")
	for _, pg := range []struct{ path, wait, name string }{
		{"/manage/merges", "#kept", "merges"},
		{"/manage/merges?child=" + id, "#child", "merge history"},
		{"/manage/merges?child=bad", ".govuk-error-summary", "merge history with errors"},
		{"/manage/shields", "h1", "shields due, empty"},
		{"/manage/alerts", "h1", "alerts, empty"},
		{"/manage/quality", "#quality", "data quality"},
		{"/manage/missing-education", "#on-day", "children missing education"},
		{"/manage/missing-education?on-day=31&on-month=2&on-year=2026", ".govuk-error-summary", "children missing education with errors"},
		{"/children/" + id + "/subject-access", "#accesses", "subject access"},
		{"/children/" + id + "/sources", "#sources", "what each source says"},
		{"/children/" + id + "/shield", "#reason", "shield form"},
	} {
		b.run(pg.name, chromedp.Navigate(b.url(pg.path)), chromedp.WaitVisible(pg.wait, chromedp.ByQuery))
		b.checkA11y(pg.name)
	}
	b.run("merge errors", chromedp.Navigate(b.url("/manage/merges")), chromedp.WaitVisible("#kept", chromedp.ByQuery),
		submit("form[action='/manage/merges'][method='post']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("merges with errors")
	b.run("shield errors", chromedp.Navigate(b.url("/children/"+id+"/shield")), chromedp.WaitVisible("#reason", chromedp.ByQuery),
		submit("form[action$='/shield']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.see("Enter why the record is to be shielded")
	b.checkA11y("shield form with errors")
	d := domain.DateOf(f.clock.T).AddDays(10)
	b.run("shield", chromedp.SendKeys("#reason", "Court order", chromedp.ByQuery),
		chromedp.SendKeys("#review-day", itoa(d.Day()), chromedp.ByQuery),
		chromedp.SendKeys("#review-month", itoa(int(d.Month())), chromedp.ByQuery),
		chromedp.SendKeys("#review-year", itoa(d.Year()), chromedp.ByQuery),
		submit("form[action$='/shield']"), chromedp.WaitVisible("#shield-status", chromedp.ByQuery))
	b.see("The record has been shielded")
	b.checkA11y("shielded record as data manager")
	b.run("shields due", chromedp.Navigate(b.url("/manage/shields")), chromedp.WaitVisible("#shields", chromedp.ByQuery))
	b.checkA11y("shields due")
	b.signOut()

	// A practitioner holding the override permission.
	pu := f.user(t, domain.RolePractitioner)
	if err := f.db.GrantPermission(t.Context(), pu.ID, domain.PermissionOverride, &domain.AuditEntry{UserID: domain.OperatorID}); err != nil {
		t.Fatal(err)
	}
	b.signIn(pu)
	b.run("restricted", chromedp.Navigate(b.url("/children/"+id+"/reason")), chromedp.WaitVisible("#reason", chromedp.ByQuery),
		chromedp.Click("#reason", chromedp.ByQuery), submit("form[action$='/reason']"), chromedp.WaitVisible("#shielded", chromedp.ByQuery))
	b.see("Sheffield ContactPoint team")
	b.checkA11y("shielded record, restricted")
	b.run("override form", chromedp.Click("a[href$='/override']", chromedp.ByQuery), chromedp.WaitVisible("#justification", chromedp.ByQuery))
	b.checkA11y("override form")
	b.run("override errors", submit("form[action$='/override']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("override form with errors")
	b.run("override", chromedp.SendKeys("#justification", "Strategy meeting today", chromedp.ByQuery), chromedp.Click("#acknowledge", chromedp.ByQuery),
		submit("form[action$='/override']"), chromedp.WaitVisible("#override-warning", chromedp.ByQuery))
	b.see("Crookes Primary School")
	b.checkA11y("shielded record under override")
	b.signOut()

	// The team's alert, seen by another of the authority's data managers
	// (a user's one-time code cannot be used twice).
	b.signIn(f.user(t, domain.RoleDataManager))
	b.run("alerts", chromedp.Navigate(b.url("/manage/alerts")), chromedp.WaitVisible("#alerts", chromedp.ByQuery))
	b.checkA11y("alerts")
	b.run("seen", submit("#alerts form"), chromedp.WaitVisible(".govuk-notification-banner--success", chromedp.ByQuery))
	b.checkA11y("alerts with success banner")
	b.signOut()

	// A national administrator and an archived record.
	na := f.user(t, domain.RoleNationalAdmin)
	b.signIn(na)
	b.run("investigation", chromedp.Navigate(b.url("/children/"+id+"/investigation")), chromedp.WaitVisible("#investigation_reason", chromedp.ByQuery))
	b.checkA11y("investigation form")
	b.run("investigation errors", submit("form[action$='/investigation']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	b.checkA11y("investigation form with errors")
}
