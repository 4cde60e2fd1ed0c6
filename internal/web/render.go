package web

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

//go:embed templates/*.html
var templateFS embed.FS

// static holds app/ (committed) and govuk/ (made by `make assets`). The
// pattern names the folder, which always holds README.md, so a clean clone
// compiles without the GOV.UK files.
//
//go:embed static
var static embed.FS

func scriptHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// assetHandler serves /assets/NAME from static/govuk/NAME (GOV.UK
// Frontend's CSS, JS, fonts and images, which its CSS expects under
// /assets/) or static/app/NAME.
func assetHandler() http.Handler {
	govuk, _ := fs.Sub(static, "static/govuk")
	app, _ := fs.Sub(static, "static/app")
	gs, as := http.FileServerFS(govuk), http.FileServerFS(app)
	return http.StripPrefix("/assets", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if strings.HasSuffix(r.URL.Path, "/") || name == "" || name == "." {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		if _, err := fs.Stat(app, name); err == nil {
			as.ServeHTTP(w, r)
			return
		}
		gs.ServeHTTP(w, r)
	}))
}

// HasGOVUKAssets reports whether GOV.UK Frontend's stylesheet was embedded
// (that is, whether `make assets` ran before the build).
func HasGOVUKAssets() bool {
	_, err := fs.Stat(static, "static/govuk/govuk-frontend.min.css")
	return err == nil
}

// page is what every template gets.
type page struct {
	Title       string
	User        *domain.User
	Path        string
	SessionEnds time.Time
	Errors      []fieldError // for the error summary, in form order
	Form        url.Values
	Flash       string
	Wide        bool // full-width main column
	Data        any
	bad         map[string]bool // date parts at fault
}

// fieldError is one validation error: the field's id (the summary links
// to it) and the message.
type fieldError struct {
	Field   string
	Message string
}

// Err returns the message for field, or "".
func (p *page) Err(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Val returns the submitted value of field.
func (p *page) Val(field string) string { return p.Form.Get(field) }

// Has reports whether value is among the submitted values of field.
func (p *page) Has(field, value string) bool {
	for _, v := range p.Form[field] {
		if v == value {
			return true
		}
	}
	return false
}

func (p *page) add(field, msg string) { p.Errors = append(p.Errors, fieldError{field, msg}) }

// input describes a text input for the "input" template.
type input struct {
	P            *page
	Name, Label  string
	Hint         string
	Type         string
	Autocomplete string
	Width        string // govuk-input--width-N class suffix
	Spell        bool
	Heading      bool // the label is the page's heading
}

var funcs = template.FuncMap{
	"in": func(p *page, name, label string, opts ...string) input {
		in := input{P: p, Name: name, Label: label, Type: "text"}
		for _, o := range opts {
			k, v, _ := strings.Cut(o, "=")
			switch k {
			case "hint":
				in.Hint = v
			case "type":
				in.Type = v
			case "auto":
				in.Autocomplete = v
			case "width":
				in.Width = v
			case "heading":
				in.Heading = true
			}
		}
		return in
	},
	"date": func(d domain.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Time().Format("2 January 2006")
	},
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(london).Format("2 January 2006 at 3:04pm")
	},
	"clock": func(t time.Time) string { return t.In(london).Format("3:04pm") },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"gender": func(g domain.Gender) string {
		switch g {
		case domain.GenderMale:
			return "Male"
		case domain.GenderFemale:
			return "Female"
		case domain.GenderOther:
			return "Other"
		}
		return "Not specified"
	},
	"age": func(d domain.Date, now time.Time) int { return d.AgeOn(domain.DateOf(now)) },
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"la": func(code string) string {
		if la, ok := domain.LookupLA(code); ok {
			return la.Name
		}
		return code
	},
	"join": strings.Join,
	"roles": func(rs []domain.Role) string {
		s := make([]string, len(rs))
		for i, r := range rs {
			s[i] = roleLabel(r)
		}
		return strings.Join(s, ", ")
	},
	"role":      roleLabel,
	"has":       func(u *domain.User, r string) bool { return u != nil && u.HasRole(domain.Role(r)) },
	"search":    func(u *domain.User) bool { return u != nil && u.CanSearch() },
	"admin":     func(u *domain.User) bool { return u != nil && canAdmin(u) },
	"manage":    func(u *domain.User) bool { return u != nil && canManage(u) },
	"report":    func(u *domain.User) bool { return u != nil && canReport(u) },
	"prefix":    strings.HasPrefix,
	"basis":     basisLabel,
	"bases":     func() []domain.Basis { return []domain.Basis{domain.BasisConsent, domain.BasisSignificantHarm} },
	"sensitive": func(s domain.ServiceType) bool { return s.Sensitive() },
	"level":     levelWord,
	"weight":    func(f float64) string { return fmt.Sprintf("%+.1f", f) },
	"services":  func() []domain.ServiceType { return domain.ServiceTypes },
	"reasons":   func() []domain.AccessReasonInfo { return domain.AccessReasons },
	"allRoles":  func() []domain.Role { return domain.Roles },
	"address": func(a domain.Address) string {
		var parts []string
		for _, s := range []string{a.Line1, a.Line2, a.Town, a.Postcode} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	},
}

var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// basisLabel is the basis for recording a sensitive service, in words.
func basisLabel(b domain.Basis) string {
	switch b {
	case domain.BasisConsent:
		return "Consent"
	case domain.BasisSignificantHarm:
		return "Reasonable cause to suspect significant harm"
	}
	return string(b)
}

func roleLabel(r domain.Role) string {
	switch r {
	case domain.RolePractitioner:
		return "Practitioner"
	case domain.RoleLAAdmin:
		return "LA administrator"
	case domain.RoleDataManager:
		return "Data manager"
	case domain.RoleNationalAdmin:
		return "National administrator"
	}
	return string(r)
}

// pages are the parsed templates by name: each page file with the layout
// and the shared parts.
var pages = func() map[string]*template.Template {
	addFuncs()
	base := template.Must(template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return out
}()

// DateErr returns the message of the error on any part of the date input
// name.
func (p *page) DateErr(name string) string {
	for _, e := range p.Errors {
		if strings.HasPrefix(e.Field, name+"-") {
			return e.Message
		}
	}
	return ""
}

// Bad reports whether the date part field (such as "dob-day") is at fault.
func (p *page) Bad(field string) bool { return p.bad[field] }

type navItem struct {
	Href, Text string
	Active     bool
}

type dateInput struct {
	P                 *page
	Name, Label, Hint string
}

type datePart struct {
	Key, Label string
	Width      int
}

func addFuncs() {
	funcs["invArgs"] = func(v involvementView, id domain.ID) invArgs { return invArgs{v, id} }
	funcs["nav"] = func(p *page, href, text string) navItem {
		return navItem{href, text, p.Path == href || strings.HasPrefix(p.Path, href+"/")}
	}
	funcs["args"] = func(p *page, action string) laArgs { return laArgs{p, action} }
	funcs["reason"] = func(s string) string { return domain.AccessReason(s).Label() }
	funcs["di"] = func(p *page, name, label, hint string) dateInput { return dateInput{p, name, label, hint} }
	funcs["dateParts"] = func() []datePart {
		return []datePart{{"day", "Day", 2}, {"month", "Month", 2}, {"year", "Year", 4}}
	}
}

type laArgs struct {
	P      *page
	Action string
}

type invArgs struct {
	V     involvementView
	Child domain.ID
}
