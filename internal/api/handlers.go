package api

import (
	"net/http"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/record"
	"github.com/contactpoint/contactpoint/internal/search"
	"github.com/contactpoint/contactpoint/internal/store"
)

type signInRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	PIN      string `json:"pin"`
	Token    string `json:"token"`
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	var req signInRequest
	if err := decode(r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	token, expires, err := h.cfg.Auth.SignIn(r.Context(), req.Username, req.Password, req.PIN, req.Token, r.RemoteAddr, domain.SessionAPI)
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": token, "expires_at": expires.UTC().Format(time.RFC3339)})
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get("Authorization")[len("Bearer "):]
	if err := h.cfg.Auth.SignOut(r.Context(), token); err != nil {
		h.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) accessReasons(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"access_reasons": domain.AccessReasons})
}

func (h *Handler) searchChildren(w http.ResponseWriter, r *http.Request) {
	c, err := search.ParseCriteria(r.URL.Query())
	if err != nil {
		h.error(w, r, err)
		return
	}
	res, err := h.cfg.Search.Search(r.Context(), c)
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func childID(r *http.Request) (domain.ID, error) {
	return domain.ParseID("contactpoint_id", r.PathValue("id"))
}

// childRequest reads the child's ID from the path and the JSON body into
// dst. On a bad ID or body it writes the error and returns false.
func (h *Handler) childRequest(w http.ResponseWriter, r *http.Request, dst any) (domain.ID, bool) {
	id, err := childID(r)
	if err == nil {
		err = decode(r, dst)
	}
	if err != nil {
		h.error(w, r, err)
		return "", false
	}
	return id, true
}

var onBehalfParams = []string{"on_behalf_of_name", "on_behalf_of_organisation", "on_behalf_of_role", "on_behalf_of_phone"}

func (h *Handler) child(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, append([]string{"reason"}, onBehalfParams...)...); err != nil {
		h.error(w, r, err)
		return
	}
	id, err := childID(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	q := r.URL.Query()
	// The API asks for a reason on every request: a case-management system
	// has no page on which to have given one earlier.
	if _, err := domain.ParseAccessReason("reason", q.Get("reason")); err != nil {
		h.error(w, r, err)
		return
	}
	req := record.ViewRequest{ID: id, Reason: q.Get("reason")}
	if q.Get("on_behalf_of_name") != "" || q.Get("on_behalf_of_organisation") != "" {
		req.OnBehalfOf = &domain.OnBehalfOf{Name: q.Get("on_behalf_of_name"), Organisation: q.Get("on_behalf_of_organisation"),
			Role: q.Get("on_behalf_of_role"), Phone: q.Get("on_behalf_of_phone")}
	}
	c, err := h.cfg.Record.View(r.Context(), req)
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type involvementRequest struct {
	Service string         `json:"service"`
	Basis   string         `json:"basis"`
	Role    string         `json:"role"`
	Contact domain.Contact `json:"contact"`
	Start   string         `json:"start"`
}

func (h *Handler) addInvolvement(w http.ResponseWriter, r *http.Request) {
	var req involvementRequest
	id, ok := h.childRequest(w, r, &req)
	if !ok {
		return
	}
	st, err := domain.ParseServiceType("service", req.Service)
	if err != nil {
		h.error(w, r, err)
		return
	}
	start, err := domain.ParseDate("start", req.Start)
	if err != nil {
		h.error(w, r, err)
		return
	}
	var basis domain.Basis
	if req.Basis != "" {
		if basis, err = domain.ParseBasis("basis", req.Basis); err != nil {
			h.error(w, r, err)
			return
		}
	}
	v, err := h.cfg.Record.AddInvolvement(r.Context(), id, record.InvolvementRequest{Service: st, Basis: basis, Role: req.Role, Contact: req.Contact, Start: start})
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

type endRequest struct {
	End string `json:"end"`
}

func (h *Handler) endInvolvement(w http.ResponseWriter, r *http.Request) {
	var req endRequest
	id, ok := h.childRequest(w, r, &req)
	if !ok {
		return
	}
	end, err := domain.ParseDate("end", req.End)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.cfg.Record.EndInvolvement(r.Context(), id, r.PathValue("involvement"), end); err != nil {
		h.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type leadProfessionalRequest struct {
	Name         string         `json:"name"`
	Organisation string         `json:"organisation"`
	Role         string         `json:"role"`
	Contact      domain.Contact `json:"contact"`
	Start        string         `json:"start"`
}

func (h *Handler) leadProfessional(w http.ResponseWriter, r *http.Request) {
	var req leadProfessionalRequest
	id, ok := h.childRequest(w, r, &req)
	if !ok {
		return
	}
	start, err := domain.ParseDate("start", req.Start)
	if err != nil {
		h.error(w, r, err)
		return
	}
	l, err := h.cfg.Record.AppointLeadProfessional(r.Context(), id, domain.LeadProfessional{Name: req.Name, Organisation: req.Organisation,
		Role: req.Role, Contact: req.Contact, Start: start})
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

type cafRequest struct {
	Undertaken   string         `json:"undertaken"`
	HolderName   string         `json:"holder_name"`
	Organisation string         `json:"organisation"`
	Contact      domain.Contact `json:"contact"`
}

func (h *Handler) caf(w http.ResponseWriter, r *http.Request) {
	var req cafRequest
	id, ok := h.childRequest(w, r, &req)
	if !ok {
		return
	}
	undertaken, err := domain.ParseDate("undertaken", req.Undertaken)
	if err != nil {
		h.error(w, r, err)
		return
	}
	f, err := h.cfg.Record.RecordCAF(r.Context(), id, domain.CAF{Undertaken: undertaken, HolderName: req.HolderName,
		Organisation: req.Organisation, Contact: req.Contact})
	if err != nil {
		h.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, f)
}

func (h *Handler) updateContact(w http.ResponseWriter, r *http.Request) {
	var c domain.Contact
	id, ok := h.childRequest(w, r, &c)
	if !ok {
		return
	}
	if err := h.cfg.Record.UpdateContact(r.Context(), id, store.ContactItem(r.PathValue("kind")), r.PathValue("item"), c); err != nil {
		h.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
