package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
)

// flashes are the success messages a form's redirect may ask for by name;
// the address carries only the name, never what was entered.
var flashes = map[string]string{
	"involvement": "Your involvement has been added",
	"ended":       "Your involvement has ended",
	"lead":        "The lead professional has been appointed",
	"caf":         "The CAF has been recorded",
	"shielded":    "The record has been shielded",
	"lifted":      "The shield has been lifted",
}

// childIDOf reads the child's ID from the path; a malformed one is
// ENotFound, as a page that cannot exist.
func childIDOf(r *http.Request) (domain.ID, error) {
	id, err := domain.ParseID("contactpoint_id", r.PathValue("id"))
	if err != nil {
		return "", domain.Errorf(domain.ENotFound, "no such child")
	}
	return id, nil
}

func mediatedKey(r *http.Request, id domain.ID) string {
	if s := domain.SessionFromContext(r.Context()); s != nil {
		return s.ID + "/" + string(id)
	}
	return ""
}

func (h *Handler) onBehalfOf(r *http.Request, id domain.ID) *domain.OnBehalfOf {
	h.mu.Lock()
	defer h.mu.Unlock()
	if o, ok := h.mediated[mediatedKey(r, id)]; ok {
		return &o
	}
	return nil
}

// view reads the child's record for a page, asking for a reason first
// when the session has not given one for this child. It reports false
// when it has answered the request itself.
func (h *Handler) view(w http.ResponseWriter, r *http.Request) (*domain.Child, bool) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	reason := r.URL.Query().Get("reason")
	if reason != "" {
		if _, err := domain.ParseAccessReason("reason", reason); err != nil {
			reason = ""
		}
	}
	if reason == "" {
		need, err := h.cfg.Record.NeedsReason(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return nil, false
		}
		if need {
			redirect(w, r, "/children/"+id.String()+"/reason", nil)
			return nil, false
		}
	}
	c, err := h.cfg.Record.View(r.Context(), record.ViewRequest{ID: id, Reason: reason, OnBehalfOf: h.onBehalfOf(r, id)})
	if err != nil {
		if domain.ErrorCode(err) == domain.EInvalid && domain.ErrorField(err) == "investigation" {
			// An archived record: a national admin gives the investigation first.
			var q url.Values
			if reason != "" {
				q = url.Values{"reason": {reason}}
			}
			redirect(w, r, "/children/"+id.String()+"/investigation", q)
			return nil, false
		}
		h.fail(w, r, err)
		return nil, false
	}
	return c, true
}

// recordData is the record as the page shows it.
type recordData struct {
	Child         *domain.Child
	Me            string
	Current       []involvementView
	Recent        []involvementView
	Lead          *domain.LeadProfessional
	CAF           *domain.CAF
	Addresses     []domain.ChildAddress
	OldAddresses  []domain.ChildAddress
	OnBehalfOf    *domain.OnBehalfOf
	Age           int
	HomeEducation bool

	// Restricted: a shielded record seen without the override; only the
	// names, gender, date of birth and ID are shown, with the team.
	Restricted  bool
	Override    bool // seen in full under the child-protection override, for this request only
	Archived    domain.Date
	Sensitive   bool
	Team        domain.LATeam
	CanOverride bool           // the reader holds the child-protection-override permission
	Shield      *domain.Shield // for the child's authority's data managers
	CanShield   bool           // the reader is a data manager of the child's authority
	CanSubject  bool           // the reader may produce a subject access report
	CanSources  bool           // the reader may see what each source says of the child
}

type involvementView struct {
	domain.Involvement
	Lead, CAFHolder, Mine bool
}

func sameName(a, b string) bool {
	return a != "" && strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func (h *Handler) recordData(r *http.Request, c *domain.Child) (recordData, error) {
	ctx := r.Context()
	u := domain.UserFromContext(ctx)
	d := recordData{Child: c, Me: u.ID, OnBehalfOf: h.onBehalfOf(r, c.ID), Age: c.DateOfBirth.AgeOn(domain.DateOf(h.cfg.Record.Now()))}
	if rs := c.Restriction; rs != nil {
		d.Restricted = rs.Shielded && !rs.Override
		d.Override = rs.Override
		d.Archived = rs.Archived
		d.Sensitive = rs.Sensitive
		d.Team = rs.Team
	}
	if d.Restricted {
		can, err := h.cfg.DB.HasPermission(ctx, u.ID, domain.PermissionOverride)
		if err != nil {
			return d, err
		}
		d.CanOverride = can
	}
	if ownDataManagerOf(u, c.LACode) {
		d.CanShield = true
		sh, err := h.cfg.DB.ShieldOf(ctx, c.ID)
		if err != nil {
			return d, err
		}
		d.Shield = sh
	}
	d.CanSubject = d.CanShield || u.HasRole(domain.RoleNationalAdmin)
	d.CanSources = d.CanSubject // the review queue's rule (store.ChildSources enforces it)
	for i := range c.LeadProfessionals {
		if c.LeadProfessionals[i].End.IsZero() && d.Lead == nil { // newest first
			d.Lead = &c.LeadProfessionals[i]
		}
	}
	for i := range c.CAFs {
		if c.CAFs[i].End.IsZero() && d.CAF == nil { // newest first
			d.CAF = &c.CAFs[i]
		}
	}
	for _, v := range c.Involvements {
		iv := involvementView{Involvement: v, Mine: v.User == u.ID && v.Source == "contactpoint"}
		iv.Lead = d.Lead != nil && sameName(v.PractitionerName, d.Lead.Name)
		iv.CAFHolder = d.CAF != nil && sameName(v.PractitionerName, d.CAF.HolderName)
		if v.End.IsZero() {
			d.Current = append(d.Current, iv)
		} else {
			d.Recent = append(d.Recent, iv)
		}
	}
	for _, a := range c.Addresses {
		if a.To.IsZero() {
			d.Addresses = append(d.Addresses, a)
		} else {
			d.OldAddresses = append(d.OldAddresses, a)
		}
	}
	return d, nil
}

// showRecord renders the record page for c.
func (h *Handler) showRecord(w http.ResponseWriter, r *http.Request, c *domain.Child) {
	d, err := h.recordData(r, c)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: c.GivenNames + " " + c.FamilyName, Wide: true, Data: d}
	p.Flash = flashes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "record", p)
}

func (h *Handler) recordPage(w http.ResponseWriter, r *http.Request) {
	c, ok := h.view(w, r)
	if !ok {
		return
	}
	h.showRecord(w, r, c)
}

func (h *Handler) contactSheet(w http.ResponseWriter, r *http.Request) {
	c, ok := h.view(w, r)
	if !ok {
		return
	}
	d, err := h.recordData(r, c)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: "Contact sheet for " + c.GivenNames + " " + c.FamilyName, Wide: true, Data: d}
	h.render(w, r, http.StatusOK, "contactsheet", p)
}

type reasonData struct {
	ID domain.ID
}

func (h *Handler) reasonForm(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "reason", &page{Title: "Why do you need to see this record?", Form: url.Values{}, Data: reasonData{id}})
}

func (h *Handler) reason(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	p := &page{Title: "Why do you need to see this record?", Form: f, Data: reasonData{id}}
	reason, err := domain.ParseAccessReason("reason", f.Get("reason"))
	if err != nil {
		p.add("reason", "Select why you need to see this record")
	}
	var obo *domain.OnBehalfOf
	if f.Get("mediated") == "yes" {
		obo = &domain.OnBehalfOf{Name: strings.TrimSpace(f.Get("obo_name")), Organisation: strings.TrimSpace(f.Get("obo_organisation")),
			Role: strings.TrimSpace(f.Get("obo_role")), Phone: strings.TrimSpace(f.Get("obo_phone"))}
		if obo.Name == "" {
			p.add("obo_name", "Enter the name of the practitioner you are acting for")
		} else if err := domain.ValidName("name", obo.Name); err != nil {
			p.add("obo_name", "Their name must only include letters, spaces, hyphens and apostrophes")
		}
		if obo.Organisation == "" {
			p.add("obo_organisation", "Enter their organisation")
		}
		if obo.Role == "" {
			p.add("obo_role", "Enter their role")
		}
		if obo.Phone == "" {
			p.add("obo_phone", "Enter their phone number")
		} else if _, err := domain.ParsePhone("phone", obo.Phone); err != nil {
			p.add("obo_phone", "Enter a phone number, like 0114 496 0123")
		}
		if len(p.Errors) == 0 {
			if err := obo.Validate(); err != nil {
				p.add("obo_name", sentence(serviceMessage(err)))
			}
		}
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "reason", p)
		return
	}
	if k := mediatedKey(r, id); k != "" {
		h.mu.Lock()
		if obo != nil {
			h.mediated[k] = *obo
		} else {
			delete(h.mediated, k)
		}
		h.mu.Unlock()
	}
	redirect(w, r, "/children/"+id.String(), url.Values{"reason": {string(reason)}})
}
