package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
)

// shieldFormData is the shield form's child and whether it renews a
// shield.
type shieldFormData struct {
	ID    domain.ID
	Renew bool
}

// ownDataManagerOf reports whether u is a data manager of the child's
// authority: the only user who may shield or lift a shield.
func ownDataManagerOf(u *domain.User, la string) bool {
	return u.HasRole(domain.RoleDataManager) && u.LACode == la
}

// shieldChild checks the child exists, the session has given a reason
// for it and the user is a data manager of its authority.
func (h *Handler) shieldChild(w http.ResponseWriter, r *http.Request) (domain.ID, bool) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return "", false
	}
	c, err := h.cfg.DB.Child(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	if !ownDataManagerOf(domain.UserFromContext(r.Context()), c.LACode) {
		h.renderError(w, r, http.StatusForbidden, "Only a data manager of the child's local authority may shield the record or lift a shield.")
		return "", false
	}
	return id, true
}

func (h *Handler) shieldForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.shieldChild(w, r)
	if !ok {
		return
	}
	sh, err := h.cfg.DB.ShieldOf(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := url.Values{}
	d := shieldFormData{ID: id}
	if sh != nil {
		f.Set("reason", sh.Reason)
		setDate(f, "review", sh.ReviewOn)
		d.Renew = true
	}
	h.render(w, r, http.StatusOK, "shield", &page{Title: "Shield this record", Form: f, Data: d})
}

func (h *Handler) shield(w http.ResponseWriter, r *http.Request) {
	id, ok := h.shieldChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Shield this record", Form: f, Data: shieldFormData{ID: id, Renew: f.Get("renew") == "yes"}}
	reason := trim(f, "reason")
	switch {
	case reason == "":
		p.add("reason", "Enter why the record is to be shielded")
	case utf8.RuneCountInString(reason) > domain.MaxShortLen:
		p.add("reason", "Reason must be 200 characters or fewer")
	case domain.ValidText("reason", reason, domain.MaxShortLen) != nil:
		p.add("reason", "Reason must be on one line, without special characters")
	}
	today := domain.DateOf(h.cfg.Record.Now())
	review, ok := readDate(p, f, "review", "Review date", true, domain.Date{})
	if ok && !review.After(today) {
		ok = false
		p.bad = map[string]bool{"review-day": true, "review-month": true, "review-year": true}
		p.add("review-day", "Review date must be in the future")
	}
	if ok && review.After(today.AddYears(domain.MaxShieldReview)) {
		p.bad = map[string]bool{"review-day": true, "review-month": true, "review-year": true}
		p.add("review-day", "Review date must be within 2 years")
	}
	if len(p.Errors) == 0 {
		_, err := h.cfg.Record.Shield(r.Context(), id, reason, review)
		if err != nil && !serviceError(p, err, map[string]string{"reason": "reason", "review_on": "review-day"},
			map[string]string{"reason": "Reason", "review-day": "Review date"}) {
			h.fail(w, r, err)
			return
		}
	}
	h.finishChange(w, r, p, "shield", id, "shielded")
}

func (h *Handler) unshield(w http.ResponseWriter, r *http.Request) {
	id, ok := h.shieldChild(w, r)
	if !ok {
		return
	}
	if err := h.cfg.Record.Unshield(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/children/"+id.String(), url.Values{"done": {"lifted"}})
}

type overrideData struct {
	ID   domain.ID
	Name string
}

// overrideChild checks, for the override form, that the session has
// given a reason for the child and that the user holds the permission.
func (h *Handler) overrideChild(w http.ResponseWriter, r *http.Request) (domain.ID, bool) {
	id, ok := h.changeChild(w, r)
	if !ok {
		return "", false
	}
	u := domain.UserFromContext(r.Context())
	can, err := h.cfg.DB.HasPermission(r.Context(), u.ID, domain.PermissionOverride)
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	if !can {
		h.renderError(w, r, http.StatusForbidden, "You do not hold the child-protection override permission. Contact the local authority's ContactPoint team shown on the record.")
		return "", false
	}
	return id, true
}

func (h *Handler) overrideForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.overrideChild(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "override", &page{Title: "See the shielded record for child protection", Form: url.Values{}, Data: overrideData{ID: id}})
}

// override shows the whole shielded record for this request only: the
// page is the answer to the POST, so a reload or a later look shows the
// restricted record again.
func (h *Handler) override(w http.ResponseWriter, r *http.Request) {
	id, ok := h.overrideChild(w, r)
	if !ok {
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "See the shielded record for child protection", Form: f, Data: overrideData{ID: id}}
	just := trim(f, "justification")
	switch {
	case just == "":
		p.add("justification", "Enter why child protection needs the shielded details")
	case utf8.RuneCountInString(just) > domain.MaxShortLen:
		p.add("justification", "Justification must be 200 characters or fewer")
	case domain.ValidText("justification", strings.Join(strings.Fields(just), " "), domain.MaxShortLen) != nil:
		p.add("justification", "Justification must not include special characters")
	}
	if f.Get("acknowledge") != "yes" {
		p.add("acknowledge", "Confirm that you understand your use of the override will be investigated")
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "override", p)
		return
	}
	c, err := h.cfg.Record.View(r.Context(), record.ViewRequest{ID: id, OnBehalfOf: h.onBehalfOf(r, id),
		Override: true, Justification: strings.Join(strings.Fields(just), " ")})
	if err != nil {
		if serviceError(p, err, map[string]string{"justification": "justification"}, map[string]string{"justification": "Justification"}) {
			h.render(w, r, http.StatusBadRequest, "override", p)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.showRecord(w, r, c)
}

type investigationData struct {
	ID     domain.ID
	Reason string // the access reason, carried from the reason page
}

func (h *Handler) investigationForm(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !domain.UserFromContext(r.Context()).HasRole(domain.RoleNationalAdmin) {
		h.renderError(w, r, http.StatusForbidden, "Only a national administrator may read an archived record, for an investigation.")
		return
	}
	h.render(w, r, http.StatusOK, "investigation", &page{Title: "This record has been archived", Form: url.Values{},
		Data: investigationData{ID: id, Reason: validReason(r.URL.Query().Get("reason"))}})
}

func validReason(s string) string {
	if _, err := domain.ParseAccessReason("reason", s); err != nil {
		return ""
	}
	return s
}

// investigation shows an archived record to a national administrator
// for this request only, with the investigation's reason and reference
// recorded in the audit trail.
func (h *Handler) investigation(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !domain.UserFromContext(r.Context()).HasRole(domain.RoleNationalAdmin) {
		h.renderError(w, r, http.StatusForbidden, "Only a national administrator may read an archived record, for an investigation.")
		return
	}
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	d := investigationData{ID: id, Reason: validReason(f.Get("reason"))}
	p := &page{Title: "This record has been archived", Form: f, Data: d}
	inv := &domain.Investigation{Reason: trim(f, "investigation_reason"), Reference: trim(f, "investigation_reference")}
	if inv.Reason == "" {
		p.add("investigation_reason", "Enter the reason for the investigation")
	} else if domain.ValidText("reason", inv.Reason, domain.MaxShortLen) != nil {
		p.add("investigation_reason", "Reason must be 200 characters or fewer, on one line")
	}
	if inv.Reference == "" {
		p.add("investigation_reference", "Enter the investigation's reference")
	} else if domain.ValidText("reference", inv.Reference, 64) != nil {
		p.add("investigation_reference", "Reference must be 64 characters or fewer, on one line")
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "investigation", p)
		return
	}
	c, err := h.cfg.Record.View(r.Context(), record.ViewRequest{ID: id, Reason: d.Reason, OnBehalfOf: h.onBehalfOf(r, id), Investigation: inv})
	if err != nil {
		fields := map[string]string{"investigation.reason": "investigation_reason", "investigation.reference": "investigation_reference"}
		if domain.ErrorField(err) == "reason" {
			redirect(w, r, "/children/"+id.String()+"/reason", nil)
			return
		}
		if serviceError(p, err, fields, map[string]string{"investigation_reason": "Reason", "investigation_reference": "Reference"}) {
			h.render(w, r, http.StatusBadRequest, "investigation", p)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.showRecord(w, r, c)
}
