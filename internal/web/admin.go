package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

var adminFlashes = map[string]string{
	"suspend":   "The user has been suspended and signed out",
	"reinstate": "The user has been reinstated",
	"unlock":    "The user has been unlocked",
}

// adminLA is the authority whose users the administrator manages: their
// own, or for a national administrator "" (all).
func adminLA(u *domain.User) string {
	if u.HasRole(domain.RoleNationalAdmin) {
		return ""
	}
	return u.LACode
}

func (h *Handler) usersPage(w http.ResponseWriter, r *http.Request) {
	u := domain.UserFromContext(r.Context())
	users, err := h.cfg.Auth.Users(r.Context(), adminLA(u))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: "Users", Wide: true, Data: users}
	p.Flash = adminFlashes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "users", p)
}

type enrolData struct {
	Username, URI string
	New           bool
}

func (h *Handler) newUserForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "newuser", &page{Title: "Add a user", Form: url.Values{"role": {"practitioner"}}})
}

var userFields = map[string]string{"username": "username", "full_name": "full_name", "role": "role", "la": "la",
	"organisation": "organisation", "phone": "phone", "email": "email", "dbs_number": "dbs_number",
	"dbs_issued": "dbs-day", "training_completed": "training-day", "agreement_signed": "agreement-day",
	"password": "password", "pin": "pin"}

var userLabels = map[string]string{"username": "Username", "full_name": "Full name", "organisation": "Organisation",
	"phone": "Phone number", "email": "Email address", "dbs_number": "DBS certificate number", "password": "Password", "pin": "PIN"}

func (h *Handler) addUser(w http.ResponseWriter, r *http.Request) {
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	admin := domain.UserFromContext(r.Context())
	p := &page{Title: "Add a user", Form: f}
	today := domain.DateOf(h.cfg.Record.Now())
	nu := &domain.User{Username: strings.ToLower(trim(f, "username")), FullName: trim(f, "full_name"), Organisation: trim(f, "organisation"),
		Phone: trim(f, "phone"), Email: trim(f, "email"), DBSNumber: trim(f, "dbs_number"), LACode: admin.LACode}
	if admin.HasRole(domain.RoleNationalAdmin) && trim(f, "la") != "" {
		nu.LACode = strings.ToUpper(trim(f, "la"))
	}
	for _, x := range []struct{ k, msg string }{
		{"username", "Enter a username"}, {"full_name", "Enter the user's full name"},
	} {
		if trim(f, x.k) == "" {
			p.add(x.k, x.msg)
		}
	}
	for _, rs := range f["role"] {
		role, err := domain.ParseRole("role", rs)
		if err != nil {
			continue
		}
		if role == domain.RoleNationalAdmin && !admin.HasRole(domain.RoleNationalAdmin) {
			p.add("role", "Only a national administrator may add a national administrator")
			continue
		}
		nu.Roles = append(nu.Roles, role)
	}
	if len(nu.Roles) == 0 && p.Err("role") == "" {
		p.add("role", "Select at least one role")
	}
	for _, x := range []struct{ k, msg string }{{"organisation", "Enter the user's organisation"}, {"dbs_number", "Enter the enhanced DBS certificate number"}} {
		if trim(f, x.k) == "" {
			p.add(x.k, x.msg)
		}
	}
	nu.DBSIssued, _ = readDate(p, f, "dbs", "Date the DBS certificate was issued", true, today)
	nu.TrainingCompleted, _ = readDate(p, f, "training", "Date training was completed", true, today)
	nu.AgreementSigned, _ = readDate(p, f, "agreement", "Date the user agreement was signed", true, today)
	if f.Get("password") == "" {
		p.add("password", "Enter a password for the user")
	}
	if f.Get("pin") == "" {
		p.add("pin", "Enter a PIN for the user")
	}
	if len(p.Errors) == 0 {
		uri, err := h.cfg.Auth.AddUser(r.Context(), nu, f.Get("password"), f.Get("pin"))
		if err != nil {
			if domain.ErrorCode(err) == domain.EConflict {
				p.add("username", "That username is taken: choose another")
			} else if !serviceError(p, err, userFields, userLabels) {
				h.fail(w, r, err)
				return
			}
		} else {
			h.render(w, r, http.StatusOK, "enrolled", &page{Title: "User added", Data: enrolData{Username: nu.Username, URI: uri, New: true}})
			return
		}
	}
	// Never send a password or PIN back.
	p.Form.Del("password")
	p.Form.Del("pin")
	h.render(w, r, http.StatusBadRequest, "newuser", p)
}

func (h *Handler) userAction(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("username")
	ctx := r.Context()
	var err error
	switch a := r.PathValue("action"); a {
	case "suspend":
		err = h.cfg.Auth.Suspend(ctx, name)
	case "reinstate":
		err = h.cfg.Auth.Reinstate(ctx, name)
	case "unlock":
		err = h.cfg.Auth.Unlock(ctx, name)
	case "token":
		uri, err := h.cfg.Auth.ReissueToken(ctx, name)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, "enrolled", &page{Title: "New security token issued", Data: enrolData{Username: name, URI: uri}})
		return
	default:
		h.renderError(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/admin/users", url.Values{"done": {r.PathValue("action")}})
}

func (h *Handler) vettingPage(w http.ResponseWriter, r *http.Request) {
	u := domain.UserFromContext(r.Context())
	due, err := h.cfg.Auth.VettingDue(r.Context(), adminLA(u), 30)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sort.SliceStable(due, func(i, j int) bool { return due[i].Expires.Before(due[j].Expires) })
	h.render(w, r, http.StatusOK, "vetting", &page{Title: "Vetting due in the next 30 days", Wide: true, Data: due})
}

type auditRow struct {
	domain.AuditEntry
	Who    string
	Detail string
}

type auditData struct {
	Searched bool
	Child    string
	User     string
	Rows     []auditRow
}

// auditPage answers "who looked at this child" and "what did this user
// do". An LA administrator sees only what the users of their own
// authority did.
func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	admin := domain.UserFromContext(ctx)
	q := r.URL.Query()
	p := &page{Title: "Audit", Wide: true, Form: url.Values{"child": {q.Get("child")}, "user": {q.Get("user")}}}
	d := auditData{Child: strings.TrimSpace(q.Get("child")), User: strings.ToLower(strings.TrimSpace(q.Get("user")))}
	users, err := h.cfg.Auth.Users(ctx, adminLA(admin))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := map[string]string{}
	byName := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Username
		byName[u.Username] = u.ID
	}
	var filter domain.AuditFilter
	filter.Limit = 200
	if d.Child != "" {
		id, err := domain.ParseID("child", d.Child)
		if err != nil {
			p.add("child", "Enter a ContactPoint ID in the right format")
		}
		filter.ChildID = string(id)
	}
	if d.User != "" {
		id, ok := byName[d.User]
		if !ok {
			p.add("user", "There is no user with that username in your authority")
		}
		filter.UserID = id
	}
	if len(p.Errors) > 0 || (d.Child == "" && d.User == "") {
		status := http.StatusOK
		if len(p.Errors) > 0 {
			status = http.StatusBadRequest
		}
		p.Data = d
		h.render(w, r, status, "audit", p)
		return
	}
	// An la-admin sees their own authority's entries; the store filters,
	// so that the page's 200 are all theirs.
	filter.LACode = adminLA(admin)
	entries, err := h.cfg.DB.AuditEntries(ctx, filter)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Searched = true
	for _, e := range entries {
		who := names[e.UserID]
		if who == "" {
			who = e.UserID
		}
		d.Rows = append(d.Rows, auditRow{AuditEntry: e, Who: who, Detail: auditDetail(e)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "audit", p)
}

// auditDetail is an entry's detail in a line: the reason and for whom,
// or the search criteria.
func auditDetail(e domain.AuditEntry) string {
	var parts []string
	if v, ok := e.Detail["reason"].(string); ok {
		parts = append(parts, "Reason: "+domain.AccessReason(v).Label())
	}
	if e.OnBehalfOf != nil {
		parts = append(parts, fmt.Sprintf("For %s (%s, %s, %s)", e.OnBehalfOf.Name, e.OnBehalfOf.Role, e.OnBehalfOf.Organisation, e.OnBehalfOf.Phone))
	} else if m, ok := e.Detail["on_behalf_of"].(map[string]any); ok {
		parts = append(parts, fmt.Sprintf("For %v (%v, %v)", m["name"], m["role"], m["organisation"]))
	}
	if e.Action == domain.ActionSearch {
		var keys []string
		for k := range e.Detail {
			switch k {
			case "returned", "too_many":
				continue
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var crit []string
		for _, k := range keys {
			crit = append(crit, fmt.Sprintf("%s=%v", k, e.Detail[k]))
		}
		parts = append(parts, "Searched "+strings.Join(crit, ", "))
		if ids, ok := e.Detail["returned"].([]any); ok {
			parts = append(parts, fmt.Sprintf("%d results", len(ids)))
		}
	}
	for _, k := range []string{"service", "organisation", "username", "reason_failed"} {
		if v, ok := e.Detail[k].(string); ok && v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	return strings.Join(parts, ". ")
}

func (h *Handler) misusePage(w http.ResponseWriter, r *http.Request) {
	u := domain.UserFromContext(r.Context())
	la := u.LACode
	alerts, err := h.cfg.Auth.MisuseAlerts(r.Context(), la, store.MisuseOptions{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "misuse", &page{Title: "Misuse alerts", Wide: true, Data: alerts})
}
