package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/search"
)

type searchData struct {
	Searched bool
	Results  *search.Results
}

// searchFields maps the search service's parameters to the form's ids.
var searchFields = map[string]string{
	"given_names": "given_names", "family_name": "family_name", "date_of_birth": "dob-day",
	"gender": "gender", "postcode": "postcode", "contactpoint_id": "contactpoint_id",
	"nhs_number": "nhs_number", "upn": "upn",
}

var searchLabels = map[string]string{
	"given_names": "Given names", "family_name": "Family name", "gender": "Gender", "postcode": "Postcode",
	"contactpoint_id": "ContactPoint ID", "nhs_number": "NHS number", "upn": "Unique pupil number",
}

func (h *Handler) searchPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "search", &page{Title: "Find a child", Form: url.Values{}, Data: searchData{}})
}

// doSearch runs a search posted from the form. Searches are posted, not
// sent in the address, so that no child's name is left in the browser's
// history or a proxy's log.
func (h *Handler) doSearch(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	p := &page{Title: "Find a child", Form: f, Data: searchData{}}
	q := url.Values{}
	text := func(name string, check func(string) error) {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return
		}
		if len([]rune(v)) > 100 {
			p.add(name, searchLabels[name]+" must be 100 characters or fewer")
			return
		}
		if err := check(v); err != nil {
			p.add(name, plainFieldError(name, v))
			return
		}
		q.Set(name, v)
	}
	name := func(field string) func(string) error {
		return func(v string) error { return domain.ValidName(field, v) }
	}
	text("given_names", name("given_names"))
	text("family_name", name("family_name"))
	dob, ok := readDate(p, f, "dob", "Date of birth", false, domain.DateOf(h.cfg.Record.Now()))
	if ok && !dob.IsZero() {
		q.Set("date_of_birth", dob.String())
	}
	switch g := f.Get("gender"); g {
	case "":
	case "female", "male", "other":
		q.Set("gender", g)
	default:
		p.add("gender", "Select the child's gender, or leave it blank")
	}
	text("postcode", func(v string) error { _, err := domain.ParsePostcode("postcode", v); return err })
	text("contactpoint_id", func(v string) error { _, err := domain.ParseID("contactpoint_id", v); return err })
	text("nhs_number", func(v string) error { _, err := domain.ParseNHSNumber("nhs_number", v); return err })
	text("upn", func(v string) error { _, err := domain.ParseUPN("upn", v); return err })
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "search", p)
		return
	}
	c, err := search.ParseCriteria(q)
	if err == nil {
		err = c.Check()
	}
	if err != nil {
		if domain.ErrorCode(err) != domain.EInvalid {
			h.fail(w, r, err)
			return
		}
		id := searchFields[domain.ErrorField(err)]
		if id == "" {
			id = "given_names"
		}
		p.add(id, minimumMessage(err))
		h.render(w, r, http.StatusBadRequest, "search", p)
		return
	}
	res, err := h.cfg.Search.Search(r.Context(), c)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Data = searchData{Searched: true, Results: res}
	p.Wide = true
	if len(res.Results) > 0 {
		p.Title = "Search results"
	}
	h.render(w, r, http.StatusOK, "search", p)
}

// minimumMessage turns the search service's "not enough to search on"
// into the page's words.
func minimumMessage(err error) string {
	msg := serviceMessage(err)
	if add, ok := strings.CutPrefix(msg, "not enough to search on: add "); ok {
		if i := strings.Index(add, " ("); i > 0 {
			add = add[:i]
		}
		return "Enter more details to search: add the child's " + add + ". You need a given name, family name and date of birth; or a name, date of birth, gender and postcode; or an identifier"
	}
	return sentence(msg)
}

func plainFieldError(name, v string) string {
	switch name {
	case "given_names", "family_name":
		return searchLabels[name] + " must only include letters, spaces, hyphens and apostrophes"
	case "postcode":
		return "Enter a real postcode, like S10 1AA"
	case "contactpoint_id":
		return "Enter a ContactPoint ID in the right format, like the one on a record's summary"
	case "nhs_number":
		return "Enter a real NHS number: 10 digits, like 943 476 5919"
	case "upn":
		return "Enter a real unique pupil number: a letter and 12 digits, like A123456789012"
	}
	return "Check " + strings.ToLower(searchLabels[name])
}
