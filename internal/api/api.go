// Package api is ContactPoint's JSON API for case-management systems:
// sign in with the four factors for a bearer token, search, read a record
// with a reason, and record involvement. Every response carries
// Cache-Control: no-store; errors are {"error": "..."} with the status the
// error's code maps to.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Config is what the API needs.
type Config struct {
	Auth   *auth.Service
	Search *search.Service
	Record *record.Service
	Logger *slog.Logger
	// Feeds, when set, is the store source systems post their feeds to
	// (POST /api/v1/feeds/{source}/batches); the endpoint is off when nil.
	Feeds *store.DB
}

// Handler serves /api/v1/.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// maxBody bounds a request body.
const maxBody = 64 << 10

// New returns the API handler.
func New(cfg Config) *Handler {
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /api/v1/sessions", h.signIn)
	h.mux.HandleFunc("DELETE /api/v1/sessions", h.authed(h.signOut))
	h.mux.HandleFunc("GET /api/v1/access-reasons", h.accessReasons)
	h.mux.HandleFunc("GET /api/v1/openapi.json", h.openAPI)
	h.mux.HandleFunc("GET /api/v1/children", h.authed(h.searchChildren))
	h.mux.HandleFunc("GET /api/v1/children/{id}", h.authed(h.child))
	h.mux.HandleFunc("POST /api/v1/children/{id}/involvements", h.authed(h.addInvolvement))
	h.mux.HandleFunc("POST /api/v1/children/{id}/involvements/{involvement}/end", h.authed(h.endInvolvement))
	h.mux.HandleFunc("PUT /api/v1/children/{id}/lead-professional", h.authed(h.leadProfessional))
	h.mux.HandleFunc("POST /api/v1/children/{id}/cafs", h.authed(h.caf))
	h.mux.HandleFunc("PUT /api/v1/children/{id}/contacts/{kind}/{item}", h.authed(h.updateContact))
	if cfg.Feeds != nil {
		h.mux.HandleFunc("POST /api/v1/feeds/{source}/batches", h.postBatch)
	}
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		h.error(w, r, &domain.Error{Code: domain.ENotFound, Message: "no such API endpoint: see /api/v1/openapi.json"})
	})
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	limit := int64(maxBody)
	if strings.HasPrefix(r.URL.Path, "/api/v1/feeds/") {
		limit = maxFeedBody // a feed batch
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	h.mux.ServeHTTP(w, r)
}

// authed requires a bearer token and puts the user and session in the
// request's context.
func (h *Handler) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ContactPoint"`)
			h.error(w, r, &domain.Error{Code: domain.EUnauthorised, Message: "send Authorization: Bearer TOKEN from POST /api/v1/sessions"})
			return
		}
		sess, u, err := h.cfg.Auth.Session(r.Context(), strings.TrimSpace(token))
		if err != nil {
			if domain.ErrorCode(err) == domain.EUnauthorised {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ContactPoint", error="invalid_token"`)
			}
			h.error(w, r, err)
			return
		}
		ctx := domain.NewContextWithSession(domain.NewContextWithUser(r.Context(), u), sess)
		next(w, r.WithContext(ctx))
	}
}

// Status maps an error's code to its HTTP status.
func Status(err error) int {
	switch domain.ErrorCode(err) {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EUnauthorised:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.EConflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func (h *Handler) error(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status, err = http.StatusRequestEntityTooLarge, domain.Errorf(domain.EInvalid, "request body is larger than %d bytes", maxBody)
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	if status == http.StatusInternalServerError {
		h.cfg.Logger.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]string{"error": domain.ErrorMessage(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decode reads a JSON body into v, refusing unknown fields by name and
// anything after the object.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return domain.FieldError("Content-Type", "must be application/json")
	}
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &mbe):
			return err
		case errors.Is(err, io.EOF):
			return domain.FieldError("body", "a JSON object is required")
		case errors.As(err, &te):
			return domain.FieldError(te.Field, "must be a %s", te.Type)
		case errors.As(err, &se):
			return domain.FieldError("body", "is not valid JSON: %v", se)
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			f = strings.Trim(f, `"`)
			return domain.FieldError(f, "unknown field %q: ContactPoint holds no such information", f)
		}
		var de *domain.Error
		if errors.As(err, &de) {
			return err
		}
		return domain.FieldError("body", "cannot be read: %v", err)
	}
	if d.More() {
		return domain.FieldError("body", "must hold one JSON object")
	}
	return nil
}

// onlyParams refuses query parameters other than those allowed.
func onlyParams(r *http.Request, allowed ...string) error {
	for k := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return domain.FieldError(k, "unknown parameter %q", k)
		}
	}
	return nil
}
