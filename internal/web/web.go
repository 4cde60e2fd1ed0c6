// Package web serves ContactPoint's "secure weblink" to practitioners:
// server-rendered pages on the GOV.UK Design System that work without
// JavaScript. A session cookie carries the auth bearer token; every
// non-GET request passes Go's cross-origin protection; every page after
// sign-in is marked no-store, since most of them hold a child's details.
package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/lifecycle"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Config is what the web handler needs. Auth, Search, Record and DB are
// required for every page after the start page; Logger defaults to
// discarding.
type Config struct {
	Auth   *auth.Service
	Search *search.Service
	Record *record.Service
	DB     *store.DB // for the audit pages (store.AuditEntries)
	// Lifecycle serves the authority's reports, shields, alerts and
	// subject access; it defaults to lifecycle.New(DB).
	Lifecycle *lifecycle.Service
	Logger    *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	cfg  Config
	mux  *http.ServeMux
	next http.Handler // mux behind the cross-origin protection

	// mediated remembers, per session and child, the practitioner a user
	// said they act for, so that every look in that session is audited
	// with them. It lives in memory: after a restart the user is asked
	// again only if they give a new reason.
	mu       sync.Mutex
	mediated map[string]domain.OnBehalfOf
}

// New returns the web handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Lifecycle == nil && cfg.DB != nil {
		cfg.Lifecycle = lifecycle.New(cfg.DB)
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), mediated: map[string]domain.OnBehalfOf{}}
	h.routes()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, http.StatusForbidden, "This request came from another website, so it was refused. Go back to ContactPoint and try again.")
	}))
	h.next = cop.Handler(h.mux)
	return h
}

func (h *Handler) routes() {
	m := h.mux
	m.Handle("GET /assets/", assetHandler())
	m.HandleFunc("GET /{$}", h.optional(h.start))
	m.HandleFunc("GET /sign-in", h.optional(h.signInForm))
	m.HandleFunc("POST /sign-in", h.optional(h.signIn))
	m.HandleFunc("POST /sign-out", h.signOut)
	m.HandleFunc("GET /signed-out", h.optional(h.signedOut))
	m.HandleFunc("GET /session", h.need(nil, h.sessionPage))
	m.HandleFunc("POST /session/keep-alive", h.need(nil, h.keepAlive))

	m.HandleFunc("GET /search", h.need(canSearch, h.searchPage))
	m.HandleFunc("POST /search", h.need(canSearch, h.doSearch))
	m.HandleFunc("GET /children/{id}", h.need(canSearch, h.recordPage))
	m.HandleFunc("GET /children/{id}/contact-sheet", h.need(canSearch, h.contactSheet))
	m.HandleFunc("GET /children/{id}/reason", h.need(canSearch, h.reasonForm))
	m.HandleFunc("POST /children/{id}/reason", h.need(canSearch, h.reason))
	m.HandleFunc("GET /children/{id}/involvements/new", h.need(canSearch, h.involvementForm))
	m.HandleFunc("POST /children/{id}/involvements/new", h.need(canSearch, h.addInvolvement))
	m.HandleFunc("GET /children/{id}/involvements/{inv}/end", h.need(canSearch, h.endInvolvementForm))
	m.HandleFunc("POST /children/{id}/involvements/{inv}/end", h.need(canSearch, h.endInvolvement))
	m.HandleFunc("GET /children/{id}/lead-professional", h.need(canSearch, h.leadForm))
	m.HandleFunc("POST /children/{id}/lead-professional", h.need(canSearch, h.appointLead))
	m.HandleFunc("GET /children/{id}/caf", h.need(canSearch, h.cafForm))
	m.HandleFunc("POST /children/{id}/caf", h.need(canSearch, h.recordCAF))

	m.HandleFunc("GET /children/{id}/override", h.need(canSearch, h.overrideForm))
	m.HandleFunc("POST /children/{id}/override", h.need(canSearch, h.override))
	m.HandleFunc("GET /children/{id}/investigation", h.need(canSearch, h.investigationForm))
	m.HandleFunc("POST /children/{id}/investigation", h.need(canSearch, h.investigation))
	m.HandleFunc("GET /children/{id}/shield", h.need(canManage, h.shieldForm))
	m.HandleFunc("POST /children/{id}/shield", h.need(canManage, h.shield))
	m.HandleFunc("POST /children/{id}/unshield", h.need(canManage, h.unshield))
	m.HandleFunc("GET /children/{id}/subject-access", h.need(canManage, h.subjectAccess))
	m.HandleFunc("GET /children/{id}/sources", h.need(canManage, h.sourcesPage))

	m.HandleFunc("GET /manage/review", h.need(canManage, h.reviewQueue))
	m.HandleFunc("GET /manage/review/{item}", h.need(canManage, h.reviewItem))
	m.HandleFunc("POST /manage/review/{item}", h.need(canManage, h.decideReview))
	m.HandleFunc("GET /manage/merges", h.need(canManage, h.mergesPage))
	m.HandleFunc("POST /manage/merges", h.need(canManage, h.merge))
	m.HandleFunc("POST /manage/merges/{merge}/unmerge", h.need(canManage, h.unmerge))
	m.HandleFunc("GET /manage/shields", h.need(canManage, h.shieldsDue))
	m.HandleFunc("GET /manage/alerts", h.need(canManage, h.alertsPage))
	m.HandleFunc("POST /manage/alerts/{alert}/seen", h.need(canManage, h.alertSeen))
	m.HandleFunc("POST /manage/notifications/{notification}/seen", h.need(canManage, h.notificationSeen))
	m.HandleFunc("GET /manage/quality", h.need(canReport, h.qualityPage))
	m.HandleFunc("GET /manage/missing-education", h.need(canReport, h.cmePage))
	m.HandleFunc("GET /manage/missing-education/report.csv", h.need(canReport, h.cmeCSV))
	m.HandleFunc("GET /manage/missing-education/reports/{period}", h.need(canReport, h.storedCME))

	m.HandleFunc("GET /admin/users", h.need(canAdmin, h.usersPage))
	m.HandleFunc("GET /admin/users/new", h.need(canAdmin, h.newUserForm))
	m.HandleFunc("POST /admin/users/new", h.need(canAdmin, h.addUser))
	m.HandleFunc("POST /admin/users/{username}/{action}", h.need(canAdmin, h.userAction))
	m.HandleFunc("GET /admin/vetting", h.need(canAdmin, h.vettingPage))
	m.HandleFunc("GET /admin/audit", h.need(canAdmin, h.auditPage))
	m.HandleFunc("GET /admin/misuse", h.need(canAdmin, h.misusePage))

	m.HandleFunc("/", h.optional(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, http.StatusNotFound, "")
	}))
}

func canSearch(u *domain.User) bool { return u.CanSearch() }

// canManage admits the authority's data managers and national
// administrators: the review queue, shields, alerts, subject access and
// what each source says of a child.
func canManage(u *domain.User) bool {
	return u.HasRole(domain.RoleDataManager) || u.HasRole(domain.RoleNationalAdmin)
}

// canReport admits those the lifecycle service lets see an authority's
// reports: its data managers and administrators, and national admins.
func canReport(u *domain.User) bool { return canManage(u) || u.HasRole(domain.RoleLAAdmin) }

func canAdmin(u *domain.User) bool {
	return u.HasRole(domain.RoleLAAdmin) || u.HasRole(domain.RoleNationalAdmin)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secureHeaders(w.Header())
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	}
	h.next.ServeHTTP(w, r)
}

// snippet is the one inline script, allowed by its hash: GOV.UK Frontend's
// marker that JavaScript (and ES modules) are available.
const snippet = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');`

var csp = "default-src 'self'; script-src 'self' '" + scriptHash(snippet) + "'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// secureHeaders sets the headers every response carries.
func secureHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

type ctxKey int

const tokenKey ctxKey = 1

// cookieName names the session cookie. A __Host- prefix would need Secure,
// which a browser refuses on plain HTTP to localhost.
const cookieName = "cp_session"

// secureRequest reports whether the session cookie must be Secure: always,
// except on plain HTTP from loopback (a developer's machine, the tests).
func secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", Expires: expires,
		Secure: secureRequest(r), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		Secure: secureRequest(r), HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// session returns the signed-in user's context, or the error saying why
// there is none.
func (h *Handler) session(r *http.Request) (context.Context, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, domain.Errorf(domain.EUnauthorised, "Sign in to continue.")
	}
	sess, u, err := h.cfg.Auth.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	ctx := domain.NewContextWithSession(domain.NewContextWithUser(r.Context(), u), sess)
	return context.WithValue(ctx, tokenKey, c.Value), nil
}

// optional runs next with the user in the context when one is signed in,
// and without otherwise.
func (h *Handler) optional(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ctx, err := h.session(r); err == nil {
			w.Header().Set("Cache-Control", "no-store")
			r = r.WithContext(ctx)
		}
		next(w, r)
	}
}

// need runs next only for a signed-in user whom allow (when set) admits:
// others are sent to sign in (303) or shown a 403 page.
func (h *Handler) need(allow func(*domain.User) bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ctx, err := h.session(r)
		if err != nil {
			if domain.ErrorCode(err) == domain.EUnauthorised {
				if _, cerr := r.Cookie(cookieName); cerr == nil {
					clearSessionCookie(w, r)
					http.Redirect(w, r, "/sign-in?ended=1", http.StatusSeeOther)
					return
				}
				http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
				return
			}
			h.fail(w, r, err)
			return
		}
		r = r.WithContext(ctx)
		if allow != nil && !allow(domain.UserFromContext(ctx)) {
			h.renderError(w, r, http.StatusForbidden, "Your role does not include this part of ContactPoint.")
			return
		}
		next(w, r)
	}
}

// fail shows the page for an error from a service.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	var mbe *http.MaxBytesError
	switch code := domain.ErrorCode(err); {
	case errors.As(err, &mbe):
		h.renderError(w, r, http.StatusRequestEntityTooLarge, "What you sent is too large.")
	case code == domain.ENotFound:
		h.renderError(w, r, http.StatusNotFound, "")
	case code == domain.EUnauthorised:
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
	case code == domain.EForbidden:
		h.renderError(w, r, http.StatusForbidden, sentence(domain.ErrorMessage(err)))
	case code == domain.EInvalid || code == domain.EConflict:
		h.renderError(w, r, http.StatusBadRequest, sentence(domain.ErrorMessage(err)))
	default:
		h.cfg.Logger.Error("web", "method", r.Method, "path", r.URL.Path, "err", err)
		h.renderError(w, r, http.StatusInternalServerError, "")
	}
}

// redirect sends the browser to a path on this site. Only paths are ever
// used: a redirect never names another host.
func redirect(w http.ResponseWriter, r *http.Request, path string, q url.Values) {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		path = "/"
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// sentence turns a service message into a sentence: a capital first letter
// and a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// render writes a page with status, buffering it so that a template error
// becomes a 500 page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	h.fillPage(r, p)
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.cfg.Logger.Error("render", "page", name, "err", err)
		if name != "error" {
			h.renderError(w, r, http.StatusInternalServerError, "")
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := &page{Title: http.StatusText(status), Data: errorData{Status: status, Message: msg}}
	switch status {
	case http.StatusNotFound:
		p.Title = "Page not found"
	case http.StatusForbidden:
		p.Title = "You cannot use this page"
	case http.StatusInternalServerError:
		p.Title = "Sorry, there is a problem with the service"
	case http.StatusBadRequest:
		p.Title = "There is a problem"
	}
	h.render(w, r, status, "error", p)
}

type errorData struct {
	Status  int
	Message string
}

// fillPage adds what the layout needs: the user, the navigation and when
// the session will end.
func (h *Handler) fillPage(r *http.Request, p *page) {
	ctx := r.Context()
	p.User = domain.UserFromContext(ctx)
	p.Path = r.URL.Path
	if s := domain.SessionFromContext(ctx); s != nil && h.cfg.Auth != nil {
		end := s.LastSeenAt.Add(h.cfg.Auth.Config().IdleTimeout)
		if s.ExpiresAt.Before(end) {
			end = s.ExpiresAt
		}
		p.SessionEnds = end
	}
}
