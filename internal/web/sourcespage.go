package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// sourcesData is what each source says of a child, beside what the child
// shows.
type sourcesData struct {
	store.ChildSources
	Rows       []sourceRow
	Summary    string
	Precedence string // the kinds of source in precedence order, in words
}

// sourceRow is one source record as the page shows it.
type sourceRow struct {
	store.SourceView
	KindLabel     string // the kind of source, in words
	Authoritative string // what the source is authoritative for, in words
	Matched       string // how the record came to be linked
	MatchedNote   string // the importer's rule, or who decided
}

// sourceKindLabels name the kinds of source in words.
var sourceKindLabels = map[domain.SourceKind]string{
	domain.SourceHealth: "Health", domain.SourceEducation: "Education", domain.SourceLocalAuthority: "Local authority",
	domain.SourceBenefits: "Benefits", domain.SourceYouthJustice: "Youth justice", domain.SourceOther: "Other",
}

func sourceKindLabel(k domain.SourceKind) string {
	if s, ok := sourceKindLabels[k]; ok {
		return s
	}
	return string(k)
}

// authorityLabels name what a source can be authoritative for.
var authorityLabels = map[domain.Authority]string{
	domain.AuthorityNames: "names", domain.AuthorityDateOfBirth: "date of birth", domain.AuthorityGender: "gender",
	domain.AuthorityDeath: "death", domain.AuthorityAddress: "address", domain.AuthorityEducation: "education",
	domain.AuthorityHealth: "GP",
}

// andList joins words as a sentence does: "a", "a and b", "a, b and c".
func andList(ws []string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// sourcesSummary is the page's summary line: how many source records, and
// how many of them disagree with the record on which values.
func sourcesSummary(vs []store.SourceView) string {
	n := fmt.Sprintf("%d source records", len(vs))
	if len(vs) == 1 {
		n = "1 source record"
	}
	var k int
	var d store.Differs
	for _, v := range vs {
		if v.Differs.Any() {
			k++
		}
		d.GivenNames = d.GivenNames || v.Differs.GivenNames
		d.FamilyName = d.FamilyName || v.Differs.FamilyName
		d.DateOfBirth = d.DateOfBirth || v.Differs.DateOfBirth
		d.Gender = d.Gender || v.Differs.Gender
	}
	switch {
	case len(vs) == 0:
		return "No source system has sent a record of this child."
	case k == 0 && len(vs) == 1:
		return n + ": it agrees with the record."
	case k == 0:
		return n + ": all agree with the record."
	}
	var on []string
	for _, f := range []struct {
		differs bool
		label   string
	}{{d.GivenNames, "given names"}, {d.FamilyName, "family name"}, {d.DateOfBirth, "date of birth"}, {d.Gender, "gender"}} {
		if f.differs {
			on = append(on, f.label)
		}
	}
	verb := "disagree"
	if k == 1 {
		verb = "disagrees"
	}
	return fmt.Sprintf("%s: %d %s with the record on %s.", n, k, verb, andList(on))
}

// matchedHow says in words how a source record came to be linked.
func (h *Handler) matchedHow(r *http.Request, e *store.Explanation) (how, note string) {
	switch {
	case e == nil:
		return "Not recorded", "Linked before ContactPoint kept how records were matched"
	case e.DecidedBy != "":
		how = "Decided by a data manager"
		if e.Decision == store.DecideNew {
			how += ": a new child"
		}
		return how, h.userName(r, e.DecidedBy)
	case e.Decision == "link":
		return "Matched: " + fmtPct(e.Probability) + " likely the same child", e.Rule
	case e.Decision == "new-child" && e.Against != "":
		return "Made a new child", "The closest child held was " + fmtPct(e.Probability) + " likely the same"
	case e.Decision == "new-child":
		return "Made a new child", e.Rule
	}
	return e.Decision, e.Rule
}

func fmtPct(p float64) string { return fmt.Sprintf("%.0f%%", p*100) }

func (h *Handler) sourcesPage(w http.ResponseWriter, r *http.Request) {
	id, err := childIDOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := h.cfg.DB.ChildSources(r.Context(), id)
	if domain.ErrorCode(err) == domain.EForbidden {
		// The store's message speaks of the review queue, whose rule this is.
		h.renderError(w, r, http.StatusForbidden, "Only a data manager of the child's local authority, or a national administrator, may see what each source says about the child.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := sourcesData{ChildSources: *cs, Summary: sourcesSummary(cs.Sources)}
	var prec []string
	for _, k := range store.DefaultPrecedence {
		prec = append(prec, strings.ToLower(sourceKindLabel(k)))
	}
	d.Precedence = strings.Join(prec, ", ")
	for _, v := range cs.Sources {
		row := sourceRow{SourceView: v, KindLabel: sourceKindLabel(v.Kind)}
		var auth []string
		for _, a := range v.Authoritative {
			auth = append(auth, authorityLabels[a])
		}
		row.Authoritative = andList(auth)
		row.Matched, row.MatchedNote = h.matchedHow(r, v.Explanation)
		d.Rows = append(d.Rows, row)
	}
	c := cs.Child
	p := &page{Title: "What each source says about " + c.GivenNames + " " + c.FamilyName, Wide: true, Data: d}
	h.render(w, r, http.StatusOK, "sources", p)
}
