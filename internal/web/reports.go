package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// laQuery is the ?la= a national administrator's links carry to stay on
// the authority they chose; empty for everyone else.
func laQuery(r *http.Request, la string) url.Values {
	q := url.Values{}
	if u := domain.UserFromContext(r.Context()); u.HasRole(domain.RoleNationalAdmin) && la != u.LACode {
		q.Set("la", la)
	}
	return q
}

// laChooser is the national administrator's choice of authority on a
// report page.
type laChooser struct {
	LA     string
	Choose bool // a national administrator may choose another
}

func chooser(r *http.Request, la string) laChooser {
	return laChooser{LA: la, Choose: domain.UserFromContext(r.Context()).HasRole(domain.RoleNationalAdmin)}
}

type qualityData struct {
	laChooser
	Report *domain.QualityReport
	Manage bool
}

func (h *Handler) qualityPage(w http.ResponseWriter, r *http.Request) {
	la := managedLA(r)
	q, err := h.cfg.Lifecycle.Quality(r.Context(), la, domain.Date{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := domain.UserFromContext(r.Context())
	p := &page{Title: "Data quality", Wide: true, Form: url.Values{"la": {la}},
		Data: qualityData{laChooser: chooser(r, la), Report: q, Manage: canManage(u)}}
	h.render(w, r, http.StatusOK, "quality", p)
}

type cmeData struct {
	laChooser
	On      domain.Date
	Entries []domain.CMEEntry
	CSV     string // the download's address
	Stored  []storedReport
}

type storedReport struct {
	store.Report
	Href string
}

// cmeDate reads the date chooser of the missing-education pages: today
// when it is empty.
func (h *Handler) cmeDate(p *page, q url.Values) (domain.Date, bool) {
	on, ok := readDate(p, q, "on", "Date of the report", false, domain.Date{})
	if ok && on.IsZero() {
		on = domain.DateOf(h.cfg.Record.Now())
	}
	return on, ok
}

func (h *Handler) cmePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	la := managedLA(r)
	p := &page{Title: "Children missing education", Wide: true, Form: url.Values{"la": {la}}}
	for _, k := range []string{"on-day", "on-month", "on-year"} {
		p.Form.Set(k, q.Get(k))
	}
	d := cmeData{laChooser: chooser(r, la)}
	on, ok := h.cmeDate(p, q)
	status := http.StatusOK
	if ok {
		entries, err := h.cfg.Lifecycle.MissingEducation(r.Context(), la, on)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.On, d.Entries = on, entries
		if p.Val("on-day") == "" {
			setDate(p.Form, "on", on)
		}
		cq := laQuery(r, la)
		setDate(cq, "on", on)
		d.CSV = "/manage/missing-education/report.csv?" + cq.Encode()
	} else {
		status = http.StatusBadRequest
	}
	stored, err := h.cfg.DB.StoredReports(r.Context(), la, store.ReportCME)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, s := range stored {
		href := "/manage/missing-education/reports/" + s.Period
		if lq := laQuery(r, la); len(lq) > 0 {
			href += "?" + lq.Encode()
		}
		d.Stored = append(d.Stored, storedReport{Report: s, Href: href})
	}
	p.Data = d
	h.render(w, r, status, "cme", p)
}

func attachment(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

func (h *Handler) cmeCSV(w http.ResponseWriter, r *http.Request) {
	la := managedLA(r)
	p := &page{}
	on, ok := h.cmeDate(p, r.URL.Query())
	if !ok {
		h.renderError(w, r, http.StatusBadRequest, p.Errors[0].Message+".")
		return
	}
	var buf bytes.Buffer
	if err := h.cfg.Lifecycle.WriteMissingEducationCSV(r.Context(), &buf, la, on); err != nil {
		h.fail(w, r, err)
		return
	}
	attachment(w, fmt.Sprintf("missing-education-%s-%s.csv", la, on), buf.Bytes())
}

var periodRE = regexp.MustCompile(`^\d{4}-\d{2}$`)

func (h *Handler) storedCME(w http.ResponseWriter, r *http.Request) {
	la := managedLA(r)
	period := r.PathValue("period")
	if !periodRE.MatchString(period) {
		h.renderError(w, r, http.StatusNotFound, "")
		return
	}
	rep, err := h.cfg.DB.StoredReport(r.Context(), la, store.ReportCME, period)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	attachment(w, fmt.Sprintf("missing-education-%s-%s.csv", la, period), rep.Data)
}

func (h *Handler) subjectAccess(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sa, err := h.cfg.Lifecycle.SubjectAccess(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c := sa.Child
	p := &page{Title: "Subject access report for " + c.GivenNames + " " + c.FamilyName, Wide: true,
		Data: sa}
	h.render(w, r, http.StatusOK, "subjectaccess", p)
}
