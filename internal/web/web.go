// Package web serves ContactPoint's pages to practitioners: server-rendered
// HTML that works without JavaScript.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
)

// Config is what the web handler needs.
type Config struct {
	Logger *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the web handler.
func New(cfg Config) *Handler {
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.start)
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secureHeaders(w.Header())
	h.mux.ServeHTTP(w, r)
}

// secureHeaders sets the headers every page carries.
func secureHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
}

var startPage = template.Must(template.New("start").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ContactPoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>ContactPoint</h1>
<p>Find a child in England and see who else is working with them, so you can contact them.</p>
<p>ContactPoint holds no case information. Every search and view is recorded.</p>
</main>
</body>
</html>
`))

func (h *Handler) start(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := startPage.Execute(w, nil); err != nil {
		h.cfg.Logger.Error("render start page", "err", err)
	}
}
