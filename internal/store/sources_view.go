package store

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// ChildSources is what each source says of a child, beside what the child
// shows: the conflicts between sources, made visible to data managers.
type ChildSources struct {
	// Child holds the demographics the child shows (ID, names, date of
	// birth, gender and authority) and no items.
	Child *domain.Child
	// Shielded says the child's record is shielded.
	Shielded bool
	// Sources are the child's linked source records in the order the
	// shown demographics read them (DefaultPrecedence of source kinds,
	// then the most recently updated first).
	Sources []SourceView
}

// SourceView is one source record linked to a child: what the source
// said of the child and when, how the record came to be linked, and which
// of its values differ from those the child shows.
type SourceView struct {
	Source string
	Kind   domain.SourceKind
	// Authoritative lists what the source's values win over the
	// precedence of source kinds.
	Authoritative []domain.Authority
	ReceivedAt    time.Time // when the record was first received
	UpdatedAt     time.Time // when its current version was received
	GivenNames    string
	FamilyName    string
	DateOfBirth   domain.Date
	Gender        domain.Gender
	// Postcodes are those of the record's current addresses, and LACode
	// the authority the record names. Both are empty when Withheld: the
	// child is shielded and the caller is not a data manager of its
	// authority, so its whereabouts are held back (as the review queue
	// holds back a shielded candidate's).
	Postcodes []string
	LACode    string
	Withheld  bool
	// Explanation is why the record is linked to the child; nil for a
	// record linked before explanations were kept.
	Explanation *Explanation
	// Differs says which of the record's values differ from the child's.
	Differs Differs
}

// Differs says which of a source record's demographics differ from the
// ones its child shows. A value the record leaves out (no given names, no
// date of birth, gender missing or not specified) differs from nothing.
// Names are compared ignoring case and runs of spaces (foldName).
type Differs struct {
	GivenNames, FamilyName, DateOfBirth, Gender bool
}

// Any reports whether any value differs.
func (d Differs) Any() bool { return d.GivenNames || d.FamilyName || d.DateOfBirth || d.Gender }

// foldName is a name as compared with another: upper case, with single
// spaces between its parts.
func foldName(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

// differs compares what a source record says with what the child shows.
func differs(r, shown *domain.Child) Differs {
	return Differs{
		GivenNames:  r.GivenNames != "" && foldName(r.GivenNames) != foldName(shown.GivenNames),
		FamilyName:  r.FamilyName != "" && foldName(r.FamilyName) != foldName(shown.FamilyName),
		DateOfBirth: !r.DateOfBirth.IsZero() && r.DateOfBirth != shown.DateOfBirth,
		Gender:      r.Gender != "" && r.Gender != domain.GenderNotSpecified && r.Gender != shown.Gender,
	}
}

// ChildSources returns the child's shown demographics and every source
// record linked to it, each with what it says and which values differ
// from the shown ones, and audits the read as a view ({"view":"sources"})
// in the same transaction. The caller must be a data manager of the
// child's authority or a national administrator, as for the review queue
// (EForbidden); ENotFound for an unknown child.
func (db *DB) ChildSources(ctx context.Context, id domain.ID) (*ChildSources, error) {
	const op = "store.ChildSources"
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, internal(op, err)
	}
	defer tx.Rollback()
	out := &ChildSources{Child: &domain.Child{ID: id}}
	c := out.Child
	var gender, dob string
	err = tx.QueryRowContext(ctx, `SELECT given_names, family_name, gender, date_of_birth, la_code, shielded FROM children WHERE id = $1`, string(id)).
		Scan(&c.GivenNames, &c.FamilyName, &gender, &dob, &c.LACode, &out.Shielded)
	if isNoRows(err) {
		return nil, internal(op, domain.Errorf(domain.ENotFound, "no child with ContactPoint ID %s", id))
	}
	if err != nil {
		return nil, internal(op, err)
	}
	c.Gender, c.DateOfBirth = domain.Gender(gender), parseDate(dob)
	if err := mayReview(ctx, c.LACode); err != nil {
		return nil, internal(op, err)
	}
	u := domain.UserFromContext(ctx)
	withheld := out.Shielded && u != nil && !(u.HasRole(domain.RoleDataManager) && u.LACode == c.LACode)

	// What refresh reads of each record (loadedRecord), for its order,
	// and what the view adds.
	type viewed struct {
		loadedRecord
		received, explanation string
	}
	rows, err := tx.QueryContext(ctx, linkedRecordsSQL("r.received_at, r.explanation"), string(id))
	if err != nil {
		return nil, internal(op, err)
	}
	var recs []viewed
	for rows.Next() {
		var v viewed
		if err := scanLinked(rows, &v.loadedRecord, &v.received, &v.explanation); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		recs = append(recs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	sort.SliceStable(recs, func(i, j int) bool { return precedes(DefaultPrecedence, &recs[i].loadedRecord, &recs[j].loadedRecord) })

	out.Sources = make([]SourceView, 0, len(recs))
	for i := range recs {
		v := &recs[i]
		r := &v.data.Child
		sv := SourceView{Source: v.source, Kind: v.kind, ReceivedAt: parseTime(v.received), UpdatedAt: parseTime(v.updated),
			GivenNames: r.GivenNames, FamilyName: r.FamilyName, DateOfBirth: r.DateOfBirth, Gender: r.Gender,
			Withheld: withheld, Differs: differs(r, c)}
		sv.Authoritative, _ = domain.ParseAuthorities("authoritative_for", v.auth) // written validated
		if !withheld {
			sv.LACode = r.LACode
			for _, a := range r.Addresses {
				if a.To.IsZero() && a.Postcode != "" && !slices.Contains(sv.Postcodes, a.Postcode) {
					sv.Postcodes = append(sv.Postcodes, a.Postcode)
				}
			}
		}
		if v.explanation != "" {
			sv.Explanation = new(Explanation)
			if err := json.Unmarshal([]byte(v.explanation), sv.Explanation); err != nil {
				return nil, internal(op, err)
			}
		}
		out.Sources = append(out.Sources, sv)
	}
	if err := tx.audit(ctx, &domain.AuditEntry{UserID: actor(ctx), Action: domain.ActionView, ChildID: string(id),
		Detail: map[string]any{"view": "sources"}}); err != nil {
		return nil, internal(op, err)
	}
	return out, internal(op, tx.Commit())
}
