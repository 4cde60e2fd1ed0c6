package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Importer reads one source's feed into the directory: each good record is
// matched to the child it describes and linked, made a new child, or held
// for a data manager.
//
// Records are written in batches, each batch one transaction holding every
// record it handled whole (child, items, identifiers, source record row)
// and the batch's audit entry. A kill leaves no half record; running the
// import again skips what was committed (a record whose content hash is
// unchanged changes nothing) and ends in the same state.
type Importer struct {
	DB     *store.DB
	Model  match.Model // match.DefaultModel() when its thresholds are zero
	Source string
	// Now is the clock for validation (dates of birth in the future);
	// time.Now when nil. The store's clock stamps the rows.
	Now func() time.Time
	// BatchSize is the number of records per transaction; 500 when zero.
	BatchSize int
	// MaxCandidates bounds the children scored per record; 50 when zero.
	MaxCandidates int
	// Precedence orders source kinds for the shown demographics;
	// store.DefaultPrecedence when nil.
	Precedence []domain.SourceKind
	// Progress, when set, is called after each batch with the rows read.
	Progress func(read int)
}

// Summary is what an import did. Linked counts records linked to an
// existing child (Updated of them newer versions of records already
// linked); Created records that made a new child; Review records held for
// a data manager; Unchanged records received before with the same content.
type Summary struct {
	Read, Accepted, Rejected                    int
	Linked, Created, Review, Unchanged, Updated int
	Warnings                                    []Warning
	Errors                                      []*RowError
}

// String is the contract's summary line.
func (s *Summary) String() string {
	return fmt.Sprintf("read=%d accepted=%d rejected=%d linked=%d created=%d review=%d",
		s.Read, s.Accepted, s.Rejected, s.Linked, s.Created, s.Review)
}

// Review reasons.
const (
	ReasonPossibleMatch = "possible match"
	ReasonSeveral       = "several children match"
	ReasonShielded      = "may be a shielded child"
	ReasonNoLA          = "no local authority"
)

// pending is a validated record waiting for its batch.
type pending struct {
	line int
	rec  *store.SourceRecord
	mrec match.Record
}

// Import reads r to the end. Rows that break a mandatory rule are rejected
// alone (Summary.Errors); bad optional values are dropped with a warning.
// It returns an error only when the feed cannot be read on, or the
// database fails; what was committed before stays.
func (im *Importer) Import(ctx context.Context, r Reader) (Summary, error) {
	var s Summary
	if _, err := im.DB.Source(ctx, im.Source); err != nil {
		return s, err
	}
	model := im.Model
	if model.LinkThreshold == 0 && model.ReviewThreshold == 0 {
		model = ImportModel()
	}
	now := im.Now
	if now == nil {
		now = time.Now
	}
	today := domain.DateOf(now())
	size := im.BatchSize
	if size <= 0 {
		size = 500
	}
	batch := make([]pending, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var c Summary
		err := im.DB.ImportBatch(ctx, im.Source, im.Precedence, func(b *store.Batch) (map[string]any, error) {
			c = Summary{}
			if err := im.batch(b, &model, batch, &c); err != nil {
				return nil, err
			}
			return map[string]any{"records": len(batch), "linked": c.Linked, "created": c.Created,
				"review": c.Review, "unchanged": c.Unchanged, "updated": c.Updated}, nil
		})
		if err != nil {
			return err
		}
		s.Linked += c.Linked
		s.Created += c.Created
		s.Review += c.Review
		s.Unchanged += c.Unchanged
		s.Updated += c.Updated
		batch = batch[:0]
		if im.Progress != nil {
			im.Progress(s.Read)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		rec, line, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			s.Read++
			s.Rejected++
			s.Errors = append(s.Errors, re)
			continue
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return s, ferr
			}
			return s, err
		}
		s.Read++
		p, warns, err := Validate(rec, line, im.Source, today)
		if err != nil {
			s.Rejected++
			if errors.As(err, &re) {
				s.Errors = append(s.Errors, re)
			} else {
				s.Errors = append(s.Errors, &RowError{Line: line, Err: err})
			}
			continue
		}
		s.Accepted++
		s.Warnings = append(s.Warnings, warns...)
		sr, err := im.DB.NewSourceRecord(im.Source, p.SourceRecordID, p.NHSNumber, p.UPN, &p.Child)
		if err != nil {
			return s, err
		}
		batch = append(batch, pending{line: line, rec: sr, mrec: matchRecord(sr)})
		if len(batch) >= size {
			if err := flush(); err != nil {
				return s, err
			}
		}
	}
	return s, flush()
}

// matchRecord is what matching compares of a source record.
func matchRecord(r *store.SourceRecord) match.Record {
	c := r.Child
	m := match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, FormerFamilyNames: c.FormerFamilyNames,
		DateOfBirth: c.DateOfBirth, Gender: c.Gender, Identifiers: r.MatchIdentifiers()}
	for _, current := range []bool{true, false} {
		for _, a := range c.Addresses {
			if a.To.IsZero() == current && a.Postcode != "" {
				m.Postcodes = append(m.Postcodes, a.Postcode)
			}
		}
	}
	return m
}

// batch handles one batch's records inside its transaction.
func (im *Importer) batch(b *store.Batch, model *match.Model, recs []pending, c *Summary) error {
	hashes := make([]string, len(recs))
	for i := range recs {
		hashes[i] = recs[i].rec.Hash
	}
	stored, err := b.Lookup(hashes)
	if err != nil {
		return err
	}
	limit := im.MaxCandidates
	if limit <= 0 {
		limit = 50
	}
	for i := range recs {
		r := recs[i].rec
		st, seen := stored[r.Hash]
		switch {
		case seen && st.ContentHash == r.ContentHash:
			c.Unchanged++
			continue
		case seen && st.Status == store.RecordLinked:
			if err := b.Link(r, st.ChildID); err != nil {
				return fmt.Errorf("line %d: %w", recs[i].line, err)
			}
			c.Linked++
			c.Updated++
		default:
			if err := im.place(b, model, &recs[i], seen, limit, c); err != nil {
				return fmt.Errorf("line %d: %w", recs[i].line, err)
			}
		}
		stored[r.Hash] = store.Stored{ChildID: r.ChildID, Status: r.Status, ContentHash: r.ContentHash}
	}
	return nil
}

// ImportModel is match.DefaultModel tuned on generated extracts with truth
// (see docs/benchmarks.md): a date of birth that disagrees outright (not a
// transposition, a day out or the same month) is far rarer between records
// of one child than the default allows, which keeps siblings at one address
// out of the review queue; a postcode that disagrees is commoner (sources
// hold stale addresses), and a link needs probability 0.9, so a child who
// moved still links on names and date of birth.
func ImportModel() match.Model {
	m := match.DefaultModel()
	m.M[match.FieldDOB][match.DOBDisagree] = 0.001
	m.M[match.FieldPostcode][match.PostcodeDisagree] = 0.15
	m.LinkThreshold = 0.9
	return m
}

// Outcome is what matching decided for a source record.
type Outcome struct {
	Decision   match.Decision
	ChildID    domain.ID // for Link
	Reason     string    // for Review
	Candidates []store.ReviewCandidate
}

// Decide matches a source record against candidate children: Link to the
// best when exactly one candidate links and no other is within review
// range; Review when several link (twins), any is in review range, or a
// shielded child scores at review or above; NewChild otherwise (Review when
// the record names no local authority). Children in notMatch were ruled out
// by a data manager and are skipped.
func Decide(model *match.Model, rec match.Record, la string, cands []store.ImportCandidate, notMatch map[domain.ID]bool) Outcome {
	q := match.Prepare(rec)
	var out Outcome
	links, reviews := 0, 0
	shielded := false
	var link domain.ID
	for i := range cands {
		cd := &cands[i]
		if notMatch[cd.ID] {
			continue
		}
		v := match.ComparePrepared(q, match.Prepare(cd.Record()))
		d, p := model.Classify(v)
		if d == match.Review && nicknameOnly(v) && p >= model.LinkThreshold {
			// Twins are not given one name and its nickname (William
			// and Bill): the twin guard's sound-alike worry does not
			// apply, so a nickname with everything else agreeing links.
			d = match.Link
		}
		if g := v.Levels[match.FieldGiven]; d == match.Link && (g == match.GivenDisagree || g == match.GivenInitial) {
			d = match.Review // a step-sibling sharing a birthday and a former name, say
		}
		if cd.Shielded && p >= model.ReviewThreshold {
			shielded = true
		}
		switch d {
		case match.Link:
			links++
			link = cd.ID
		case match.Review:
			reviews++
		}
		if d != match.NewChild || (cd.Shielded && p >= model.ReviewThreshold) {
			out.Candidates = append(out.Candidates, reviewCandidate(model, cd, v, d, p))
		}
	}
	switch {
	case shielded:
		out.Decision, out.Reason = match.Review, ReasonShielded
	case links == 1 && reviews == 0:
		out.Decision, out.ChildID = match.Link, link
	case links > 1:
		out.Decision, out.Reason = match.Review, ReasonSeveral
	case links+reviews > 0:
		out.Decision, out.Reason = match.Review, ReasonPossibleMatch
	case la == "":
		out.Decision, out.Reason = match.Review, ReasonNoLA
	default:
		out.Decision = match.NewChild
	}
	return out
}

// nicknameOnly reports whether the pair's only doubt is a nickname for the
// first given name: family name, date of birth and postcode agree exactly
// and no identifier disagrees.
func nicknameOnly(v match.Vector) bool {
	l := &v.Levels
	return l[match.FieldGiven] == match.GivenNickname && l[match.FieldFamily] == match.FamilyExact &&
		l[match.FieldDOB] == match.DOBExact && l[match.FieldIdentifier] != match.IDDisagree &&
		l[match.FieldGender] != match.GenderDisagree
}

func reviewCandidate(model *match.Model, cd *store.ImportCandidate, v match.Vector, d match.Decision, p float64) store.ReviewCandidate {
	rc := store.ReviewCandidate{ChildID: cd.ID, Probability: p, Weight: model.MatchWeight(v), Decision: d.String(), Shielded: cd.Shielded}
	for f := match.Field(0); f < match.NumFields; f++ {
		rc.Fields = append(rc.Fields, store.FieldComparison{Field: f.String(), Level: int(v.Levels[f]),
			Weight: model.WeightTF(f, v.Levels[f], v.TF[f])})
	}
	return rc
}

// place matches a record that is new, or was held for review and has
// changed, and links it, creates a child or holds it.
func (im *Importer) place(b *store.Batch, model *match.Model, p *pending, seen bool, limit int, c *Summary) error {
	r := p.rec
	cands, err := b.Candidates(match.QueryKeys(p.mrec), limit)
	if err != nil {
		return err
	}
	var notMatch map[domain.ID]bool
	if seen {
		if notMatch, err = b.NotMatched(r.Hash); err != nil {
			return err
		}
	}
	o := Decide(model, p.mrec, r.Child.LACode, cands, notMatch)
	switch o.Decision {
	case match.Link:
		c.Linked++
		return b.Link(r, o.ChildID)
	case match.NewChild:
		err := b.Create(r)
		if domain.ErrorCode(err) != domain.EInvalid {
			if err == nil {
				c.Created++
			}
			return err
		}
		// Validated before anything was written: hold it rather than
		// fail the batch.
		o.Reason = domain.ErrorMessage(err)
	}
	c.Review++
	it := &store.ReviewItem{Reason: o.Reason, Candidates: o.Candidates}
	if r.Child.LACode == "" {
		for _, cd := range cands {
			if cd.ID == firstID(o.Candidates) {
				it.LACode = cd.LACode
			}
		}
	}
	return b.Hold(r, it)
}

func firstID(cs []store.ReviewCandidate) domain.ID {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].ChildID
}
