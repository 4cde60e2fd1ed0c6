package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/store"
)

// manageFlashes are the success messages of the data manager's pages.
var manageFlashes = map[string]string{
	"link":              "The record has been linked to the child",
	"new":               "A new child has been created from the record",
	"not-match":         "The child has been ruled out: they will not be proposed for this record again",
	"merged":            "The children have been merged",
	"unmerged":          "The merge has been undone",
	"seen":              "The alert has been marked as seen",
	"notification-seen": "The notification has been marked as seen",
	"shielded":          "The record has been shielded",
	"lifted":            "The shield has been lifted",
}

// managedLA is the authority whose work the user sees: their own, or for
// a national administrator the one named by ?la= (their own when none).
func managedLA(r *http.Request) string {
	u := domain.UserFromContext(r.Context())
	if u.HasRole(domain.RoleNationalAdmin) {
		if la := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("la"))); la != "" {
			if _, ok := domain.LookupLA(la); ok {
				return la
			}
		}
	}
	return u.LACode
}

// reviewList is the open review items of the user's authority (all of
// them for a national administrator).
func (h *Handler) reviewList(r *http.Request) ([]store.ReviewItem, error) {
	u := domain.UserFromContext(r.Context())
	la := u.LACode
	if u.HasRole(domain.RoleNationalAdmin) {
		la = ""
	}
	return h.cfg.DB.ReviewList(r.Context(), la)
}

func (h *Handler) reviewQueue(w http.ResponseWriter, r *http.Request) {
	items, err := h.reviewList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: "Review queue", Wide: true, Data: items}
	p.Flash = manageFlashes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "review", p)
}

// reviewData is one held record beside the children it might be.
type reviewData struct {
	Item       store.ReviewItem
	Source     sideValues
	Candidates []candidateView
}

// sideValues are one side's values of the compared fields, as shown.
type sideValues map[string]string

type candidateView struct {
	store.ReviewCandidate
	Name   string
	Rows   []comparisonRow
	Hidden bool // shielded outside the user's authority: whereabouts withheld
	// CanSources says the user may see what each source says of the
	// child (store.ChildSources): the child is of their authority, or
	// they are a national administrator.
	CanSources bool
}

type comparisonRow struct {
	Label, Source, Child, Level string
	Weight                      float64
	Agree                       int // 1 agrees, 0 neutral or missing, -1 disagrees
}

var fieldLabels = map[string]string{"given": "Given names", "family": "Family name", "dob": "Date of birth",
	"gender": "Gender", "postcode": "Postcodes", "identifier": "Identifiers"}

// levelWords are the match package's comparison levels in words, by field;
// index 0 is always "missing".
var levelWords = map[string][]string{
	"given": {"Missing on one side", "Same first name", "Nicknames of each other", "Matches another given name",
		"Sound alike", "Spelt very similarly", "Spelt similarly", "Only the initial agrees", "Different"},
	"family": {"Missing on one side", "Same", "Part of the name or a former name agrees", "Sound alike",
		"Spelt very similarly", "Spelt similarly", "Given and family names swapped", "Different"},
	"dob":        {"Missing on one side", "Same date", "Day and month swapped", "One day apart", "Same month and year", "Same year only", "Different"},
	"gender":     {"Missing or not specified", "Same", "Different"},
	"postcode":   {"Missing on one side", "Same current postcode", "Matches a previous postcode", "Same district", "Same area", "Different"},
	"identifier": {"No identifier of the same kind on both sides", "An identifier is the same", "Identifiers of the same kind differ"},
}

// levelWord is a comparison level in words.
func levelWord(field string, level int) string {
	ws := levelWords[field]
	if level < 0 || level >= len(ws) {
		return "Level " + strconv.Itoa(level)
	}
	return ws[level]
}

func genderWord(g domain.Gender) string {
	switch g {
	case domain.GenderMale:
		return "Male"
	case domain.GenderFemale:
		return "Female"
	case domain.GenderOther:
		return "Other"
	}
	return "Not specified"
}

func nameWithFormer(name string, former []string) string {
	if len(former) == 0 {
		return name
	}
	return name + " (formerly " + strings.Join(former, ", ") + ")"
}

// identifierKinds lists the kinds of "kind:hash" identifiers, never the
// values.
func identifierKinds(ids []string) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ids {
		k, _, _ := strings.Cut(s, ":")
		if !seen[k] {
			seen[k] = true
			out = append(out, identifierLabel(k))
		}
	}
	if len(out) == 0 {
		return "None"
	}
	return strings.Join(out, ", ")
}

func identifierLabel(kind string) string {
	switch kind {
	case "nhs":
		return "NHS number"
	case "upn":
		return "UPN"
	}
	return strings.ToUpper(kind)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "None"
	}
	return s
}

// recordSide is what the held source record says, field by field.
func recordSide(c *domain.Child) sideValues {
	v := sideValues{}
	if c == nil {
		return v
	}
	v["given"] = orNone(c.GivenNames)
	v["family"] = orNone(nameWithFormer(c.FamilyName, c.FormerFamilyNames))
	v["dob"] = orNone(fmtDate(c.DateOfBirth))
	v["gender"] = genderWord(c.Gender)
	var pcs []string
	for _, a := range c.Addresses {
		if a.Address.Postcode != "" {
			pcs = append(pcs, a.Address.Postcode)
		}
	}
	v["postcode"] = orNone(strings.Join(pcs, ", "))
	var kinds []string
	for _, id := range c.Identifiers {
		kinds = append(kinds, string(id.Kind)+":")
	}
	v["identifier"] = identifierKinds(kinds)
	return v
}

func fmtDate(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2 January 2006")
}

// candidateSide is what the candidate child's record says, field by field.
func candidateSide(m *store.MatchData, hidden bool) sideValues {
	v := sideValues{}
	if m == nil {
		return v
	}
	v["given"] = orNone(m.GivenNames)
	v["family"] = orNone(nameWithFormer(m.FamilyName, m.FormerNames))
	v["dob"] = orNone(fmtDate(m.DateOfBirth))
	v["gender"] = genderWord(m.Gender)
	v["postcode"] = orNone(strings.Join(m.Postcodes, ", "))
	if hidden {
		v["postcode"] = "Withheld: the record is shielded"
	}
	v["identifier"] = identifierKinds(m.Identifiers)
	return v
}

func (h *Handler) reviewData(r *http.Request, it store.ReviewItem) reviewData {
	u := domain.UserFromContext(r.Context())
	d := reviewData{Item: it, Source: recordSide(it.Record)}
	for _, c := range it.Candidates {
		cv := candidateView{ReviewCandidate: c}
		if c.Child != nil {
			cv.Name = c.Child.GivenNames + " " + c.Child.FamilyName
			cv.Hidden = c.Shielded && !(u.HasRole(domain.RoleDataManager) && u.LACode == c.Child.LACode)
			cv.CanSources = u.HasRole(domain.RoleNationalAdmin) || (u.HasRole(domain.RoleDataManager) && u.LACode == c.Child.LACode)
		}
		side := candidateSide(c.Child, cv.Hidden)
		for _, f := range c.Fields {
			row := comparisonRow{Label: fieldLabels[f.Field], Source: d.Source[f.Field], Child: side[f.Field],
				Level: levelWord(f.Field, f.Level), Weight: f.Weight}
			if row.Label == "" {
				row.Label = f.Field
			}
			switch {
			case f.Weight > 0:
				row.Agree = 1
			case f.Weight < 0:
				row.Agree = -1
			}
			cv.Rows = append(cv.Rows, row)
		}
		d.Candidates = append(d.Candidates, cv)
	}
	return d
}

// findReview returns the open review item named in the path, or ENotFound.
func (h *Handler) findReview(r *http.Request) (store.ReviewItem, error) {
	items, err := h.reviewList(r)
	if err != nil {
		return store.ReviewItem{}, err
	}
	id := r.PathValue("item")
	for _, it := range items {
		if it.ID == id {
			return it, nil
		}
	}
	return store.ReviewItem{}, domain.Errorf(domain.ENotFound, "no open review item %q", id)
}

func reviewTitle(it store.ReviewItem) string {
	return "Held record from " + it.Source
}

func (h *Handler) reviewItem(w http.ResponseWriter, r *http.Request) {
	it, err := h.findReview(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: reviewTitle(it), Wide: true, Form: url.Values{}, Data: h.reviewData(r, it)}
	p.Flash = manageFlashes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "reviewitem", p)
}

func (h *Handler) decideReview(w http.ResponseWriter, r *http.Request) {
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	it, err := h.findReview(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &page{Title: reviewTitle(it), Wide: true, Form: f, Data: h.reviewData(r, it)}
	d := store.ReviewDecision{Action: f.Get("decision")}
	if v := trim(f, "child"); v != "" {
		// Pages show IDs with dashes; ParseID takes either form.
		if id, err := domain.ParseID("child", v); err == nil {
			d.ChildID = id
		}
	}
	switch d.Action {
	case store.DecideLink, store.DecideNotMatch:
		found := false
		for _, c := range it.Candidates {
			found = found || c.ChildID == d.ChildID
		}
		if !found {
			p.add("decision", "Choose one of the children shown")
		}
	case store.DecideNew:
		if it.Record == nil || it.Record.LACode == "" {
			d.LACode = strings.ToUpper(trim(f, "la_code"))
			if d.LACode == "" {
				p.add("la_code", "Enter the GSS code of the child's local authority")
			} else if _, ok := domain.LookupLA(d.LACode); !ok {
				p.add("la_code", "Enter a real GSS code, like E08000019")
			}
		}
	default:
		p.add("decision", "Choose what to do with this record")
	}
	if len(p.Errors) == 0 {
		if _, err := h.cfg.DB.DecideReview(r.Context(), it.ID, d); err != nil {
			if domain.ErrorCode(err) != domain.EInvalid {
				h.fail(w, r, err)
				return
			}
			field := "decision"
			if domain.ErrorField(err) == "la_code" {
				field = "la_code"
			}
			p.add(field, sentence(serviceMessage(err)))
		}
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "reviewitem", p)
		return
	}
	if d.Action == store.DecideNotMatch {
		// The item stays open for its other candidates.
		redirect(w, r, "/manage/review/"+url.PathEscape(it.ID), url.Values{"done": {d.Action}})
		return
	}
	redirect(w, r, "/manage/review", url.Values{"done": {d.Action}})
}

// mergesData is the merge form and one child's merge history.
type mergesData struct {
	Child   string
	History []mergeRow
	Looked  bool
}

type mergeRow struct {
	store.Merge
	By, UndoneBy string
}

// userName names a user by username and organisation, or by ID when the
// user cannot be read.
func (h *Handler) userName(r *http.Request, id string) string {
	if id == "" {
		return ""
	}
	if id == store.SystemID {
		return "ContactPoint"
	}
	u, err := h.cfg.DB.User(r.Context(), id)
	if err != nil {
		return id
	}
	if u.Organisation != "" {
		return u.Username + " (" + u.Organisation + ")"
	}
	return u.Username
}

// ownChild checks the child exists and, unless the user is a national
// administrator, belongs to the user's authority; errors are ENotFound
// and EForbidden.
func (h *Handler) ownChild(r *http.Request, id domain.ID) (*domain.Child, error) {
	c, err := h.cfg.DB.Child(r.Context(), id)
	if err != nil {
		return nil, err
	}
	u := domain.UserFromContext(r.Context())
	if !u.HasRole(domain.RoleNationalAdmin) && c.LACode != u.LACode {
		return nil, domain.Errorf(domain.EForbidden, "the child is not in your authority")
	}
	return c, nil
}

func (h *Handler) mergesPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := &page{Title: "Merge children", Wide: true, Form: url.Values{"child": {q.Get("child")}}}
	p.Flash = manageFlashes[q.Get("done")]
	d := mergesData{Child: strings.TrimSpace(q.Get("child"))}
	status := http.StatusOK
	if d.Child != "" {
		if err := h.mergeHistory(r, p, &d); err != nil {
			h.fail(w, r, err)
			return
		}
		if len(p.Errors) > 0 {
			status = http.StatusBadRequest
		}
	}
	p.Data = d
	h.render(w, r, status, "merges", p)
}

// mergeHistory fills d with the merges of d.Child, or adds an error to p.
func (h *Handler) mergeHistory(r *http.Request, p *page, d *mergesData) error {
	id, err := domain.ParseID("child", d.Child)
	if err != nil {
		p.add("child", "Enter a ContactPoint ID in the right format")
		return nil
	}
	if _, err := h.ownChild(r, id); err != nil {
		switch domain.ErrorCode(err) {
		case domain.ENotFound:
			p.add("child", "There is no child with that ContactPoint ID")
			return nil
		case domain.EForbidden:
			p.add("child", "That child is not in your authority")
			return nil
		}
		return err
	}
	ms, err := h.cfg.DB.Merges(r.Context(), id)
	if err != nil {
		return err
	}
	d.Looked = true
	for i := len(ms) - 1; i >= 0; i-- { // newest first
		d.History = append(d.History, mergeRow{Merge: ms[i], By: h.userName(r, ms[i].MergedBy), UndoneBy: h.userName(r, ms[i].UnmergedBy)})
	}
	return nil
}

func (h *Handler) merge(w http.ResponseWriter, r *http.Request) {
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	p := &page{Title: "Merge children", Wide: true, Form: f, Data: mergesData{}}
	ids := map[string]domain.ID{}
	for _, x := range []struct{ k, msg string }{
		{"kept", "Enter the ContactPoint ID of the child to keep"},
		{"merged", "Enter the ContactPoint ID of the child to merge into them"},
	} {
		v := trim(f, x.k)
		if v == "" {
			p.add(x.k, x.msg)
			continue
		}
		id, err := domain.ParseID(x.k, v)
		if err != nil {
			p.add(x.k, "Enter a ContactPoint ID in the right format")
			continue
		}
		ids[x.k] = id
	}
	if len(p.Errors) == 0 && ids["kept"] == ids["merged"] {
		p.add("merged", "Enter two different children")
	}
	if len(p.Errors) == 0 {
		for _, k := range []string{"kept", "merged"} {
			if _, err := h.ownChild(r, ids[k]); err != nil {
				switch domain.ErrorCode(err) {
				case domain.ENotFound:
					p.add(k, "There is no child with that ContactPoint ID")
				case domain.EForbidden:
					p.add(k, "That child is not in your authority")
				default:
					h.fail(w, r, err)
					return
				}
			}
		}
	}
	if len(p.Errors) == 0 {
		_, err := h.cfg.DB.MergeChildren(r.Context(), ids["kept"], ids["merged"])
		switch domain.ErrorCode(err) {
		case "":
		case domain.EConflict, domain.EInvalid, domain.ENotFound:
			p.add("merged", sentence(serviceMessage(err)))
		default:
			h.fail(w, r, err)
			return
		}
	}
	if len(p.Errors) > 0 {
		h.render(w, r, http.StatusBadRequest, "merges", p)
		return
	}
	redirect(w, r, "/manage/merges", url.Values{"child": {string(ids["kept"])}, "done": {"merged"}})
}

func (h *Handler) unmerge(w http.ResponseWriter, r *http.Request) {
	f, ok := h.formPost(w, r)
	if !ok {
		return
	}
	if err := h.cfg.DB.UnmergeChildren(r.Context(), r.PathValue("merge")); err != nil {
		h.fail(w, r, err)
		return
	}
	q := url.Values{"done": {"unmerged"}}
	if id, err := domain.ParseID("child", trim(f, "child")); err == nil {
		q.Set("child", string(id))
	}
	redirect(w, r, "/manage/merges", q)
}

type shieldRow struct {
	domain.Shield
	Name    string
	By      string
	Overdue bool
}

type shieldsData struct {
	LA   string
	Rows []shieldRow
}

func (h *Handler) shieldsDue(w http.ResponseWriter, r *http.Request) {
	la := managedLA(r)
	due, err := h.cfg.Lifecycle.ShieldsDue(r.Context(), la)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := domain.DateOf(h.cfg.Record.Now())
	d := shieldsData{LA: la}
	for _, s := range due {
		row := shieldRow{Shield: s, By: h.userName(r, s.By), Overdue: s.ReviewOn.Before(today)}
		if c, err := h.cfg.DB.Child(r.Context(), s.ChildID); err == nil {
			row.Name = c.GivenNames + " " + c.FamilyName
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, http.StatusOK, "shields", &page{Title: "Shields due for review", Wide: true, Data: d})
}

type alertRow struct {
	domain.Alert
	Who string
}

type alertsData struct {
	LA            string
	Alerts        []alertRow
	Notifications []domain.Notification
}

func (h *Handler) alertsPage(w http.ResponseWriter, r *http.Request) {
	la := managedLA(r)
	ctx := r.Context()
	as, err := h.cfg.Lifecycle.Alerts(ctx, la, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ns, err := h.cfg.Lifecycle.Notifications(ctx, la, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := alertsData{LA: la, Notifications: ns}
	for _, a := range as {
		d.Alerts = append(d.Alerts, alertRow{Alert: a, Who: h.userName(r, a.UserID)})
	}
	p := &page{Title: "Alerts and notifications", Wide: true, Data: d}
	p.Flash = manageFlashes[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "alerts", p)
}

func (h *Handler) alertSeen(w http.ResponseWriter, r *http.Request) {
	// The store does not check the caller: the lifecycle service does, on
	// reading the authority's alerts.
	h.markSeen(w, r, "seen", func(ctx context.Context, la string) error {
		_, err := h.cfg.Lifecycle.Alerts(ctx, la, true)
		return err
	}, func(ctx context.Context, la string) error {
		return h.cfg.DB.MarkAlertSeen(ctx, la, r.PathValue("alert"))
	})
}

func (h *Handler) notificationSeen(w http.ResponseWriter, r *http.Request) {
	h.markSeen(w, r, "notification-seen", func(ctx context.Context, la string) error {
		_, err := h.cfg.Lifecycle.Notifications(ctx, la, true)
		return err
	}, func(ctx context.Context, la string) error {
		return h.cfg.DB.MarkNotificationSeen(ctx, la, r.PathValue("notification"))
	})
}

// markSeen checks the caller may read the managed authority's alerts and
// notifications (check), marks one seen (mark) and goes back to the page
// saying so (done).
func (h *Handler) markSeen(w http.ResponseWriter, r *http.Request, done string, check, mark func(context.Context, string) error) {
	la := managedLA(r)
	if err := check(r.Context(), la); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := mark(r.Context(), la); err != nil {
		h.fail(w, r, err)
		return
	}
	q := url.Values{"done": {done}}
	if la != domain.UserFromContext(r.Context()).LACode {
		q.Set("la", la)
	}
	redirect(w, r, "/manage/alerts", q)
}
