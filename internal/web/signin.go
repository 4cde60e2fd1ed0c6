package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

func (h *Handler) start(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "start", &page{Title: "Find out who is working with a child"})
}

type signInData struct {
	Notice string // why the user is here: timed out, signed out
	Failed string // a sign-in failure the summary shows
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request) {
	if domain.UserFromContext(r.Context()) != nil {
		redirect(w, r, home(domain.UserFromContext(r.Context())), nil)
		return
	}
	d := signInData{}
	if r.URL.Query().Get("ended") != "" {
		d.Notice = "Your session has ended. Sign in again to continue."
	}
	h.render(w, r, http.StatusOK, "signin", &page{Title: "Sign in", Form: url.Values{}, Data: d})
}

func home(u *domain.User) string {
	if u != nil && !u.CanSearch() && canAdmin(u) {
		return "/admin/users"
	}
	return "/search"
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	p := &page{Title: "Sign in", Form: url.Values{"username": {f.Get("username")}}}
	for _, x := range []struct{ name, msg string }{
		{"username", "Enter your username"},
		{"password", "Enter your password"},
		{"pin", "Enter your PIN"},
		{"code", "Enter the 6-digit code from your security token"},
	} {
		if strings.TrimSpace(f.Get(x.name)) == "" {
			p.add(x.name, x.msg)
		}
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "signin", p)
		return
	}
	token, expires, err := h.cfg.Auth.SignIn(r.Context(), f.Get("username"), f.Get("password"), f.Get("pin"),
		strings.TrimSpace(f.Get("code")), r.RemoteAddr, domain.SessionWeb)
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EUnauthorised, domain.EForbidden:
			// One message for every failure: it says nothing of which
			// factor was wrong.
			p.add("username", sentence(serviceMessage(err)))
			status := http.StatusUnauthorized
			if domain.ErrorCode(err) == domain.EForbidden {
				status = http.StatusForbidden
			}
			h.render(w, r, status, "signin", p)
		default:
			h.fail(w, r, err)
		}
		return
	}
	setSessionCookie(w, r, token, expires)
	_, u, err := h.cfg.Auth.Session(r.Context(), token)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, home(u), nil)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		if sess, _, err := h.cfg.Auth.Session(r.Context(), c.Value); err == nil {
			h.forget(sess.ID)
		}
		if err := h.cfg.Auth.SignOut(r.Context(), c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	w.Header().Set("Cache-Control", "no-store")
	// Clear-Site-Data wipes anything the browser kept of the pages seen.
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	redirect(w, r, "/signed-out", nil)
}

func (h *Handler) signedOut(w http.ResponseWriter, r *http.Request) {
	timedOut := r.URL.Query().Get("timeout") != ""
	title := "You have been signed out"
	if timedOut {
		title = "You have been signed out because you did nothing for 20 minutes"
	}
	h.render(w, r, http.StatusOK, "signedout", &page{Title: title, Data: timedOut})
}

type sessionData struct {
	IdleMinutes int
}

func (h *Handler) sessionPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "session", &page{Title: "Your session",
		Data: sessionData{IdleMinutes: int(h.cfg.Auth.Config().IdleTimeout.Minutes())}})
}

// keepAlive is what the timeout warning's "Stay signed in" posts (the
// session was refreshed on the way in); it answers when the session will
// now end. Without JavaScript, the button is a form that comes back to the
// page it was on.
func (h *Handler) keepAlive(w http.ResponseWriter, r *http.Request) {
	p := &page{}
	h.fillPage(r, p)
	if r.Header.Get("Accept") == "application/json" {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"ends_at": p.SessionEnds.UTC().Format("2006-01-02T15:04:05Z07:00")})
		return
	}
	redirect(w, r, "/session", nil)
}

// forget drops what was remembered of a session.
func (h *Handler) forget(sessionID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range h.mediated {
		if strings.HasPrefix(k, sessionID+"/") {
			delete(h.mediated, k)
		}
	}
}
