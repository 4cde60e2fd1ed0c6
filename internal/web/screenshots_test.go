package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// TestScreenshots saves PNGs of the key pages to docs/screenshots when
// CONTACTPOINT_SCREENSHOTS=1:
//
//	CONTACTPOINT_SCREENSHOTS=1 go test -run TestScreenshots ./internal/web/
func TestScreenshots(t *testing.T) {
	if os.Getenv("CONTACTPOINT_SCREENSHOTS") == "" {
		t.Skip("set CONTACTPOINT_SCREENSHOTS=1 to save screenshots to docs/screenshots")
	}
	if !HasGOVUKAssets() {
		t.Fatal("run make assets first: the screenshots would be unstyled")
	}
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	b := newBrowser(t, f)
	shot := func(name string) {
		t.Helper()
		var png []byte
		b.run("screenshot "+name, chromedp.FullScreenshot(&png, 100))
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k := f.kid
	b.run("sign in page", chromedp.Navigate(b.url("/sign-in")), chromedp.WaitVisible("#username", chromedp.ByQuery))
	shot("sign-in")
	b.run("sign in errors", submit("form[action='/sign-in']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	shot("sign-in-errors")
	b.signIn(f.user(t, domain.RolePractitioner))
	shot("search")
	b.run("search", chromedp.SendKeys("#given_names", "Amelia", chromedp.ByQuery),
		chromedp.SendKeys("#family_name", k.FamilyName, chromedp.ByQuery),
		chromedp.SendKeys("#dob-day", itoa(k.DateOfBirth.Day()), chromedp.ByQuery),
		chromedp.SendKeys("#dob-month", itoa(int(k.DateOfBirth.Month())), chromedp.ByQuery),
		chromedp.SendKeys("#dob-year", itoa(k.DateOfBirth.Year()), chromedp.ByQuery),
		submit("form[action='/search']"), chromedp.WaitVisible("#results", chromedp.ByQuery))
	shot("search-results")
	b.run("reason", chromedp.Click("#results a", chromedp.ByQuery), chromedp.WaitVisible("#reason", chromedp.ByQuery))
	shot("reason")
	b.run("record", chromedp.Click("#reason", chromedp.ByQuery), submit("form[action$='/reason']"), chromedp.WaitVisible("#child", chromedp.ByQuery))
	shot("record")
	b.run("contact sheet", chromedp.Navigate(b.url("/children/"+k.ID.String()+"/contact-sheet")), chromedp.WaitVisible("table", chromedp.ByQuery))
	shot("contact-sheet")
	b.run("involvement", chromedp.Navigate(b.url("/children/"+k.ID.String()+"/involvements/new")), chromedp.WaitVisible("#service", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById('phone').value = ''; document.getElementById('email').value = ''`, nil),
		submit("form[action$='/involvements/new']"), chromedp.WaitVisible(".govuk-error-summary", chromedp.ByQuery))
	shot("add-involvement-errors")

	b2 := newBrowser(t, f)
	b = b2
	f.user(t, domain.RolePractitioner)
	b.signIn(f.user(t, domain.RoleLAAdmin))
	shot("la-admin-users")
	b.run("add user", chromedp.Navigate(b.url("/admin/users/new")), chromedp.WaitVisible("#username", chromedp.ByQuery))
	shot("la-admin-add-user")

	// A data manager: the review queue, a held record and the children
	// missing education.
	f.holdRecord(t, "H1")
	today := domain.DateOf(f.clock.T)
	f.newChild(t, "Oliver", "Twist", today.AddYears(-10))
	f.newChild(t, "Jack", "Dawkins", today.AddYears(-12).AddDays(-90))
	b = newBrowser(t, f)
	dm := f.user(t, domain.RoleDataManager)
	b.signIn(dm)
	b.run("review queue", chromedp.Navigate(b.url("/manage/review")), chromedp.WaitVisible("#review-queue", chromedp.ByQuery))
	shot("review-queue")
	b.run("review item", chromedp.Click("#review-queue a", chromedp.ByQuery), chromedp.WaitVisible("#candidate-0", chromedp.ByQuery))
	shot("review-item")
	b.run("cme", chromedp.Navigate(b.url("/manage/missing-education")), chromedp.WaitVisible("#cme", chromedp.ByQuery))
	shot("cme")

	// The record shielded, as a practitioner sees it.
	ctx := domain.NewContextWithUser(t.Context(), dm)
	if _, err := f.h.cfg.Record.Shield(ctx, k.ID, "Court order", today.AddDays(60)); err != nil {
		t.Fatal(err)
	}
	b = newBrowser(t, f)
	b.signIn(f.user(t, domain.RolePractitioner))
	b.run("shielded record", chromedp.Navigate(b.url("/children/"+k.ID.String()+"/reason")), chromedp.WaitVisible("#reason", chromedp.ByQuery),
		chromedp.Click("#reason", chromedp.ByQuery), submit("form[action$='/reason']"), chromedp.WaitVisible("#shielded", chromedp.ByQuery))
	shot("shielded-record")
}
