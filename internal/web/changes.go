package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
)

type changeData struct {
	ID         domain.ID
	Involvment string
}

// changeChild checks, for a form about a child, that the child exists
// and that this session has given a reason to see them: a practitioner
// changes only a record they could look at. It reports false when it has
// answered the request itself.
func (h *Handler) changeChild(w http.ResponseWriter, r *http.Request) (domain.ID, bool) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	need, err := h.cfg.Record.NeedsReason(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	if need {
		redirect(w, r, "/children/"+id.String()+"/reason", nil)
		return "", false
	}
	return id, true
}

func (h *Handler) formPost(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return r.PostForm, true
}

func trim(f url.Values, k string) string { return strings.TrimSpace(f.Get(k)) }

// checkContact adds errors for a phone and e-mail pair, one of which is
// needed.
func checkContact(p *page, f url.Values, who string) domain.Contact {
	c := domain.Contact{Phone: trim(f, "phone"), Email: trim(f, "email")}
	if c.Phone == "" && c.Email == "" {
		p.add("phone", "Enter "+who+" phone number or email address")
		return c
	}
	if c.Phone != "" {
		if ph, err := domain.ParsePhone("phone", c.Phone); err != nil {
			p.add("phone", "Enter a phone number, like 0114 496 0123")
		} else {
			c.Phone = ph
		}
	}
	if c.Email != "" {
		if err := domain.ValidContact("contact", domain.Contact{Email: c.Email}); err != nil {
			p.add("email", "Enter an email address in the correct format, like name@example.org")
		}
	}
	return c
}

var contactFields = map[string]string{"phone": "phone", "email": "email", "role": "role", "organisation": "organisation",
	"name": "name", "holder_name": "name", "start": "start-day", "undertaken": "undertaken-day", "service": "service", "basis": "basis"}

var contactLabels = map[string]string{"phone": "Phone number", "email": "Email address", "role": "Role",
	"organisation": "Organisation", "name": "Name"}

func (h *Handler) involvementForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	u := domain.UserFromContext(r.Context())
	f := url.Values{"phone": {u.Phone}, "email": {u.Email}}
	h.render(w, r, http.StatusOK, "involvement", &page{Title: "Add your involvement", Form: f, Data: changeData{ID: id}})
}

func (h *Handler) addInvolvement(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Add your involvement", Form: f, Data: changeData{ID: id}}
	st, err := domain.ParseServiceType("service", f.Get("service"))
	if err != nil || f.Get("service") == "" {
		p.add("service", "Select the service you work for")
	}
	var basis domain.Basis
	if st.Sensitive() {
		switch b := domain.Basis(f.Get("basis")); b {
		case domain.BasisConsent, domain.BasisSignificantHarm:
			basis = b
		default:
			p.add("basis", "Select the basis for recording a sensitive service")
		}
	}
	role := trim(f, "role")
	if role == "" {
		p.add("role", "Enter your role, for example Family support worker")
	} else if err := domain.ValidText("role", role, domain.MaxShortLen); err != nil {
		p.add("role", "Role must be 200 characters or fewer, on one line")
	}
	c := checkContact(p, f, "your")
	if len(p.Errors) == 0 {
		_, err = h.cfg.Record.AddInvolvement(r.Context(), id, record.InvolvementRequest{Service: st, Role: role, Contact: c, Basis: basis})
		if err != nil && !serviceError(p, err, contactFields, contactLabels) {
			h.fail(w, r, err)
			return
		}
	}
	h.finishChange(w, r, p, "involvement", id, "involvement")
}

func (h *Handler) endInvolvementForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "endinvolvement", &page{Title: "End your involvement", Form: url.Values{},
		Data: changeData{ID: id, Involvment: r.PathValue("inv")}})
}

func (h *Handler) endInvolvement(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "End your involvement", Form: f, Data: changeData{ID: id, Involvment: r.PathValue("inv")}}
	end, ok := readDate(p, f, "end", "Date your involvement ended", false, domain.DateOf(h.cfg.Record.Now()))
	if ok {
		err := h.cfg.Record.EndInvolvement(r.Context(), id, r.PathValue("inv"), end)
		if err != nil && !serviceError(p, err, map[string]string{"end": "end-day"}, nil) {
			h.fail(w, r, err)
			return
		}
	}
	h.finishChange(w, r, p, "endinvolvement", id, "ended")
}

func (h *Handler) leadForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "lead", &page{Title: "Appoint a lead professional", Form: url.Values{}, Data: changeData{ID: id}})
}

// finishChange ends a change to a child's record: the form again with its
// errors (400), or back to the record saying what was done.
func (h *Handler) finishChange(w http.ResponseWriter, r *http.Request, p *page, tmpl string, id domain.ID, done string) {
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, tmpl, p)
		return
	}
	redirect(w, r, "/children/"+id.String(), url.Values{"done": {done}})
}

// person checks the name and organisation fields of a form.
func person(p *page, f url.Values, nameMsg string) (name, org string) {
	name, org = trim(f, "name"), trim(f, "organisation")
	if name == "" {
		p.add("name", nameMsg)
	} else if domain.ValidName("name", name) != nil {
		p.add("name", "Name must only include letters, spaces, hyphens and apostrophes")
	}
	if org == "" {
		p.add("organisation", "Enter their organisation")
	} else if domain.ValidText("organisation", org, domain.MaxShortLen) != nil {
		p.add("organisation", "Organisation must be 200 characters or fewer, on one line")
	}
	return name, org
}

func (h *Handler) appointLead(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Appoint a lead professional", Form: f, Data: changeData{ID: id}}
	name, org := person(p, f, "Enter the lead professional's name")
	role := trim(f, "role")
	if domain.ValidText("role", role, domain.MaxShortLen) != nil {
		p.add("role", "Role must be 200 characters or fewer, on one line")
	}
	c := checkContact(p, f, "their")
	start, _ := readDate(p, f, "start", "Date of appointment", false, domain.DateOf(h.cfg.Record.Now()))
	if len(p.Errors) == 0 {
		_, err := h.cfg.Record.AppointLeadProfessional(r.Context(), id, domain.LeadProfessional{Name: name, Organisation: org,
			Role: role, Contact: c, Start: start})
		if err != nil && !serviceError(p, err, contactFields, contactLabels) {
			h.fail(w, r, err)
			return
		}
	}
	h.finishChange(w, r, p, "lead", id, "lead")
}

func (h *Handler) cafForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "caf", &page{Title: "Record a CAF", Form: url.Values{}, Data: changeData{ID: id}})
}

func (h *Handler) recordCAF(w http.ResponseWriter, r *http.Request) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Record a CAF", Form: f, Data: changeData{ID: id}}
	undertaken, _ := readDate(p, f, "undertaken", "Date the CAF was undertaken", true, domain.DateOf(h.cfg.Record.Now()))
	name, org := person(p, f, "Enter the name of the practitioner who holds the CAF")
	c := checkContact(p, f, "their")
	if len(p.Errors) == 0 {
		_, err := h.cfg.Record.RecordCAF(r.Context(), id, domain.CAF{Undertaken: undertaken, HolderName: name, Organisation: org, Contact: c})
		if err != nil && !serviceError(p, err, contactFields, contactLabels) {
			h.fail(w, r, err)
			return
		}
	}
	h.finishChange(w, r, p, "caf", id, "caf")
}
