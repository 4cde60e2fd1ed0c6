package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// schoolAgeChildren calls fn for each live child of the authority who may be
// of compulsory school age on the date on, with their education settings.
func (db *DB) schoolAgeChildren(ctx context.Context, la string, on domain.Date, fn func(c *domain.CMEEntry, settings []domain.EducationSpan)) error {
	// Compulsory school age runs from about 4y4m to 16y10m: a margin either
	// side, then the domain decides.
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.given_names, c.family_name, c.date_of_birth,
		COALESCE(e.name, ''), COALESCE(e.home_educated, FALSE), COALESCE(e.start_date, ''), COALESCE(e.end_date, ''), e.id IS NOT NULL
		FROM children c LEFT JOIN education e ON e.child_id = c.id
		WHERE c.la_code = $1 AND c.archived_on = '' AND c.merged_into = '' AND c.date_of_death = ''
		AND c.date_of_birth > $2 AND c.date_of_birth <= $3
		ORDER BY c.family_name, c.given_names, c.id`, la, on.AddYears(-18).String(), on.AddYears(-4).String())
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur *domain.CMEEntry
	var settings []domain.EducationSpan
	flush := func() {
		if cur != nil {
			fn(cur, settings)
		}
	}
	for rows.Next() {
		var id, given, family, dob, name, start, end string
		var home, has bool
		if err := rows.Scan(&id, &given, &family, &dob, &name, &home, &start, &end, &has); err != nil {
			return err
		}
		if cur == nil || string(cur.ChildID) != id {
			flush()
			cur = &domain.CMEEntry{ChildID: domain.ID(id), GivenNames: given, FamilyName: family, DateOfBirth: parseDate(dob)}
			settings = settings[:0]
		}
		if has {
			settings = append(settings, domain.EducationSpan{Name: name, HomeEducated: home, Start: parseDate(start), End: parseDate(end)})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	flush()
	return nil
}

// MissingEducation returns the authority's children missing education on
// the date on under policy p (see domain.MissingEducation), by name.
func (db *DB) MissingEducation(ctx context.Context, la string, on domain.Date, p domain.Policy) ([]domain.CMEEntry, error) {
	p = p.OrDefault()
	if _, ok := domain.LookupLA(la); !ok {
		return nil, domain.FieldError("la_code", "%q is not the GSS code of an English local authority", la)
	}
	out := []domain.CMEEntry{}
	err := db.schoolAgeChildren(ctx, la, on, func(c *domain.CMEEntry, settings []domain.EducationSpan) {
		missing, reason, last, days := domain.MissingEducation(c.DateOfBirth, on, settings, p.CMESchoolDays)
		if !missing {
			return
		}
		c.Reason, c.LastSetting, c.LastEnded, c.SchoolDays = reason, last.Name, last.End, days
		if last.HomeEducated && c.LastSetting == "" {
			c.LastSetting = "elective home education"
		}
		out = append(out, *c)
	})
	return out, internal("store.MissingEducation", err)
}

// CMEHeader is the header of a children-missing-education CSV.
var CMEHeader = []string{"contactpoint_id", "given_names", "family_name", "date_of_birth", "reason", "last_setting", "last_setting_ended", "school_days_missing"}

// WriteCMECSV writes a children-missing-education report as CSV.
func WriteCMECSV(w io.Writer, entries []domain.CMEEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CMEHeader); err != nil {
		return err
	}
	for _, e := range entries {
		days := ""
		if e.Reason == domain.CMESettingEnded {
			days = strconv.Itoa(e.SchoolDays)
		}
		if err := cw.Write([]string{string(e.ChildID), csvSafe(e.GivenNames), csvSafe(e.FamilyName), e.DateOfBirth.String(),
			string(e.Reason), csvSafe(e.LastSetting), e.LastEnded.String(), days}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a value as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Report is a stored report.
type Report struct {
	LACode    string
	Kind      string // "cme"
	Period    string // "2026-12"
	On        domain.Date
	Rows      int
	Data      []byte // CSV
	CreatedAt time.Time
}

// Report kinds.
const ReportCME = "cme"

// WriteMonthlyReports stores the month's children-missing-education report
// for every authority (period YYYY-MM of on), unless already written. It
// returns how many it wrote.
func (db *DB) WriteMonthlyReports(ctx context.Context, p domain.Policy, on domain.Date) (int, error) {
	const op = "store.WriteMonthlyReports"
	period := fmt.Sprintf("%04d-%02d", on.Year(), on.Month())
	done, err := db.readColumn(ctx, `SELECT la_code FROM reports WHERE kind = $1 AND period = $2`, ReportCME, period)
	if err != nil {
		return 0, internal(op, err)
	}
	have := map[string]bool{}
	for _, la := range done {
		have[la] = true
	}
	n := 0
	for _, la := range domain.LocalAuthorities() {
		if have[la.Code] {
			continue
		}
		entries, err := db.MissingEducation(ctx, la.Code, on, p)
		if err != nil {
			return n, err
		}
		var b bytes.Buffer
		if err := WriteCMECSV(&b, entries); err != nil {
			return n, internal(op, err)
		}
		tx, err := db.begin(ctx)
		if err != nil {
			return n, internal(op, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports (la_code, kind, period, on_date, rows, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (la_code, kind, period) DO NOTHING`,
			la.Code, ReportCME, period, on.String(), len(entries), b.String(), formatTime(tx.now)); err != nil {
			tx.Rollback()
			return n, internal(op, err)
		}
		if err := tx.audit(ctx, &domain.AuditEntry{UserID: SystemID, LACode: la.Code, Action: domain.ActionReport,
			Detail: map[string]any{"report": ReportCME, "period": period, "rows": len(entries)}}); err != nil {
			tx.Rollback()
			return n, internal(op, err)
		}
		if err := tx.Commit(); err != nil {
			return n, internal(op, err)
		}
		n++
	}
	return n, nil
}

// StoredReport returns the authority's stored report of the kind for the
// period (YYYY-MM). It returns ENotFound when none was written.
func (db *DB) StoredReport(ctx context.Context, la, kind, period string) (*Report, error) {
	r := &Report{LACode: la, Kind: kind, Period: period}
	var on, data, at string
	err := db.read.QueryRowContext(ctx, `SELECT on_date, rows, data, created_at FROM reports WHERE la_code = $1 AND kind = $2 AND period = $3`,
		la, kind, period).Scan(&on, &r.Rows, &data, &at)
	if isNoRows(err) {
		return nil, domain.Errorf(domain.ENotFound, "no %s report for %s in %s", kind, la, period)
	}
	if err != nil {
		return nil, internal("store.StoredReport", err)
	}
	r.On, r.Data, r.CreatedAt = parseDate(on), []byte(data), parseTime(at)
	return r, nil
}

// StoredReports lists the authority's stored reports of the kind, newest
// period first, without their data.
func (db *DB) StoredReports(ctx context.Context, la, kind string) ([]Report, error) {
	const op = "store.StoredReports"
	rows, err := db.read.QueryContext(ctx, `SELECT period, on_date, rows, created_at FROM reports WHERE la_code = $1 AND kind = $2 ORDER BY period DESC`, la, kind)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r := Report{LACode: la, Kind: kind}
		var on, at string
		if err := rows.Scan(&r.Period, &on, &r.Rows, &at); err != nil {
			return nil, internal(op, err)
		}
		r.On, r.CreatedAt = parseDate(on), parseTime(at)
		out = append(out, r)
	}
	return out, internal(op, rows.Err())
}

// Quality counts the authority's live records that need attention on the
// date on. Counts that rest on the feed tables are taken tolerantly: when a
// query fails (an older schema), the count is 0 and a note says so.
func (db *DB) Quality(ctx context.Context, la string, on domain.Date, p domain.Policy) (*domain.QualityReport, error) {
	const op = "store.Quality"
	p = p.OrDefault()
	if _, ok := domain.LookupLA(la); !ok {
		return nil, domain.FieldError("la_code", "%q is not the GSS code of an English local authority", la)
	}
	q := &domain.QualityReport{LACode: la, On: on, GeneratedAt: db.Now().UTC()}
	live := `c.la_code = $1 AND c.archived_on = '' AND c.merged_into = ''`
	count := func(dst *int, query string, args ...any) error {
		return db.read.QueryRowContext(ctx, query, args...).Scan(dst)
	}
	if err := count(&q.Children, `SELECT COUNT(*) FROM children c WHERE `+live, la); err != nil {
		return nil, internal(op, err)
	}
	if err := count(&q.WithoutGP, `SELECT COUNT(*) FROM children c WHERE `+live+` AND NOT EXISTS (
		SELECT 1 FROM health h WHERE h.child_id = c.id AND (h.end_date = '' OR h.end_date >= $2))`, la, on.String()); err != nil {
		return nil, internal(op, err)
	}
	if err := count(&q.Shielded, `SELECT COUNT(*) FROM children c WHERE `+live+` AND c.shielded`, la); err != nil {
		return nil, internal(op, err)
	}
	if err := count(&q.ShieldsDue, `SELECT COUNT(*) FROM shields s JOIN children c ON c.id = s.child_id WHERE `+live+
		` AND c.shielded AND s.review_on <= $2`, la, on.AddDays(p.ShieldDueDays).String()); err != nil {
		return nil, internal(op, err)
	}
	err := db.schoolAgeChildren(ctx, la, on, func(c *domain.CMEEntry, settings []domain.EducationSpan) {
		if !domain.OfCompulsorySchoolAge(c.DateOfBirth, on) {
			return
		}
		for _, s := range settings {
			if (s.Start.IsZero() || !s.Start.After(on)) && (s.End.IsZero() || !s.End.Before(on)) {
				return
			}
		}
		q.WithoutSchool++
	})
	if err != nil {
		return nil, internal(op, err)
	}
	if err := count(&q.AwaitingReview, `SELECT COUNT(*) FROM review_items WHERE la_code = $1 AND decided_at = ''`, la); err != nil {
		q.AwaitingReview = 0
		q.Notes = append(q.Notes, "records awaiting review could not be counted: this database has no review queue")
	}
	if n, err := db.conflicts(ctx, la); err != nil {
		q.Notes = append(q.Notes, "conflicting values could not be counted: this database holds no source records")
	} else {
		q.Conflicting = n
		q.Notes = append(q.Notes, "conflicting values: children whose linked source records disagree on names, date of birth or gender")
	}
	return q, nil
}

// conflicts counts the authority's live children whose linked source
// records disagree on given names, family name, date of birth or gender.
func (db *DB) conflicts(ctx context.Context, la string) (int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.child_id, s.data FROM source_records s JOIN children c ON c.id = s.child_id
		WHERE c.la_code = $1 AND c.archived_on = '' AND c.merged_into = '' AND s.status = 'linked' ORDER BY s.child_id`, la)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	type said struct {
		C struct {
			GivenNames  string `json:"given_names"`
			FamilyName  string `json:"family_name"`
			Gender      string `json:"gender"`
			DateOfBirth string `json:"date_of_birth"`
		} `json:"c"`
	}
	n, cur, first, conflict := 0, "", said{}, false
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return 0, err
		}
		var s said
		if json.Unmarshal([]byte(data), &s) != nil {
			continue
		}
		if id != cur {
			if conflict {
				n++
			}
			cur, first, conflict = id, s, false
			continue
		}
		g1, g2 := first.C.Gender, s.C.Gender
		genderDiffers := g1 != g2 && g1 != "" && g2 != "" && g1 != string(domain.GenderNotSpecified) && g2 != string(domain.GenderNotSpecified)
		if foldName(first.C.GivenNames) != foldName(s.C.GivenNames) || foldName(first.C.FamilyName) != foldName(s.C.FamilyName) ||
			first.C.DateOfBirth != s.C.DateOfBirth || genderDiffers {
			conflict = true
		}
	}
	if conflict {
		n++
	}
	return n, rows.Err()
}

// SubjectAccess gathers everything held about the child (each item with
// its provenance), the sources that hold records of the child, and every
// look at the record with the looker's organisation, and appends e (a
// subject access) to the audit trail in the same transaction. It works on
// archived records too. It returns ENotFound for an unknown or purged
// child, and EForbidden when allowed, given the child's authority, says no.
func (db *DB) SubjectAccess(ctx context.Context, id domain.ID, allowed func(la string) bool, e *domain.AuditEntry) (*domain.SubjectAccess, error) {
	const op = "store.SubjectAccess"
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	sa := &domain.SubjectAccess{Generated: tx.now, Accesses: []domain.AccessEvent{}}
	if sa.Child, err = tx.child(ctx, id); err != nil {
		return nil, internal(op, err)
	}
	if !allowed(sa.Child.LACode) {
		return nil, &domain.Error{Code: domain.EForbidden, Op: op, Message: "only the child's local authority's data managers or a national admin may produce a subject access report"}
	}
	if sa.Life, err = tx.life(ctx, id); err != nil {
		return nil, internal(op, err)
	}
	if sa.Shield, err = tx.shield(ctx, id); err != nil {
		return nil, internal(op, err)
	}
	if sa.Transfers, err = tx.transfers(ctx, id); err != nil {
		return nil, internal(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT source, status, received_at, updated_at FROM source_records WHERE child_id = $1 ORDER BY source, received_at`, string(id))
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var h domain.SourceHolding
		var rec, upd string
		if err := rows.Scan(&h.Source, &h.Status, &rec, &upd); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		h.Received, h.Updated = parseTime(rec), parseTime(upd)
		sa.Sources = append(sa.Sources, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT a.at, a.action, a.user_id, a.la_code, a.detail, COALESCE(u.organisation, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.child_id = $1 AND a.action IN ('view', 'override') ORDER BY a.seq`, string(id))
	if err != nil {
		return nil, internal(op, err)
	}
	for rows.Next() {
		var ev domain.AccessEvent
		var at, action, user, detail string
		if err := rows.Scan(&at, &action, &user, &ev.LACode, &detail, &ev.Organisation); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		ev.At, ev.Action = parseTime(at), domain.Action(action)
		if ev.Organisation == "" {
			ev.Organisation = "ContactPoint service (" + user + ")"
		}
		var d map[string]any
		if json.Unmarshal([]byte(detail), &d) == nil {
			if r, ok := d["reason"].(string); ok {
				ev.Reason = r
			}
		}
		sa.Accesses = append(sa.Accesses, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	e.Action, e.ChildID = domain.ActionSubjectAccess, string(id)
	if err := tx.audit(ctx, e); err != nil {
		return nil, internal(op, err)
	}
	return sa, internal(op, tx.Commit())
}
