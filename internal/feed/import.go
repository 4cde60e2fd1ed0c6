package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
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
	// BatchSize is the number of records per transaction; 2,000 when zero.
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
	keys []string // match.QueryKeys(mrec)
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
	counts, err := im.DB.GivenNameCounts(ctx)
	if err != nil {
		return s, err
	}
	nm := &names{count: counts, created: map[domain.ID]bool{}}
	size := im.BatchSize
	if size <= 0 {
		size = 2000
	}
	batch := make([]pending, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var c Summary
		err := im.DB.ImportBatch(ctx, im.Source, im.Precedence, func(b *store.Batch) (map[string]any, error) {
			c = Summary{}
			if err := im.batch(b, &model, nm, batch, &c); err != nil {
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
	// Reading stays in order here; the work each record costs on its own
	// (validation, keyed hashes, sealing, JSON, match keys) runs on every
	// core in chunks ahead of the single writer.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := im.prepare(ctx, r, today)
	for ch := range chunks {
		<-ch.done
		for i := range ch.items {
			it := &ch.items[i]
			if it.fatal != nil {
				if ferr := flush(); ferr != nil {
					return s, ferr
				}
				return s, it.fatal
			}
			s.Read++
			if it.rowErr != nil {
				s.Rejected++
				s.Errors = append(s.Errors, it.rowErr)
				continue
			}
			s.Accepted++
			s.Warnings = append(s.Warnings, it.warns...)
			batch = append(batch, it.p)
			if len(batch) >= size {
				if err := flush(); err != nil {
					return s, err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return s, err
		}
	}
	if err := ctx.Err(); err != nil {
		return s, err
	}
	return s, flush()
}

// prepared is one row of the feed made ready for its batch: a record, or
// why the row was rejected, or the error that ends the feed.
type prepared struct {
	p      pending
	warns  []Warning
	rowErr *RowError
	fatal  error
}

// chunk is a run of rows, ready once done is closed.
type chunk struct {
	items []prepared
	recs  []Record
	done  chan struct{}
}

// prepare reads r in chunks and prepares each chunk on its own goroutine
// (as many at once as there are cores), handing the chunks on in the order
// read. It stops at the end of the feed, at an error that ends it, or when
// ctx is done.
func (im *Importer) prepare(ctx context.Context, r Reader, today domain.Date) <-chan *chunk {
	const chunkSize = 256
	out := make(chan *chunk, 2*runtime.GOMAXPROCS(0))
	work := make(chan *chunk, 2*runtime.GOMAXPROCS(0))
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		go func() {
			for ch := range work {
				for i := range ch.items {
					it := &ch.items[i]
					if it.fatal != nil || it.rowErr != nil {
						continue
					}
					im.prepareRecord(it, ch.recs[i], today)
				}
				ch.recs = nil
				close(ch.done)
			}
		}()
	}
	go func() {
		defer close(out)
		defer close(work)
		for {
			ch := &chunk{done: make(chan struct{})}
			end := false
			for len(ch.items) < chunkSize {
				rec, line, err := r.Next()
				if err == io.EOF {
					end = true
					break
				}
				var re *RowError
				switch {
				case errors.As(err, &re):
					ch.items = append(ch.items, prepared{rowErr: re})
				case err != nil:
					ch.items = append(ch.items, prepared{fatal: err})
					end = true
				default:
					ch.items = append(ch.items, prepared{p: pending{line: line}})
				}
				ch.recs = append(ch.recs, rec)
				if end {
					break
				}
			}
			if len(ch.items) > 0 {
				select {
				case work <- ch:
				case <-ctx.Done():
					return
				}
				select {
				case out <- ch:
				case <-ctx.Done():
					return
				}
			}
			if end {
				return
			}
		}
	}()
	return out
}

// prepareRecord validates one record and prepares it for the store and
// for matching.
func (im *Importer) prepareRecord(it *prepared, rec Record, today domain.Date) {
	line := it.p.line
	p, warns, err := Validate(rec, line, im.Source, today)
	if err != nil {
		var re *RowError
		if !errors.As(err, &re) {
			re = &RowError{Line: line, Err: err}
		}
		it.rowErr = re
		return
	}
	it.warns = warns
	sr, err := im.DB.NewSourceRecord(im.Source, p.SourceRecordID, p.NHSNumber, p.UPN, &p.Child)
	if err != nil {
		it.fatal = err
		return
	}
	mrec := matchRecord(sr)
	it.p = pending{line: line, rec: sr, mrec: mrec, keys: match.QueryKeys(mrec)}
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
func (im *Importer) batch(b *store.Batch, model *match.Model, nm *names, recs []pending, c *Summary) error {
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
	// One read of the index for every record the batch must place.
	var keysets [][]string
	for i := range recs {
		st, seen := stored[recs[i].rec.Hash]
		if !seen || st.ContentHash != recs[i].rec.ContentHash && st.Status != store.RecordLinked {
			keysets = append(keysets, recs[i].keys)
		}
	}
	if len(keysets) > 0 {
		if err := b.PrefetchCandidates(keysets, limit); err != nil {
			return err
		}
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
			if err := im.place(b, model, nm, &recs[i], seen, limit, c); err != nil {
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
	return decide(model, rec, la, cands, notMatch, nil)
}

// names is what the importer knows of given names: how many children and
// held records have each first given name (store.FirstName), and which
// children this import made (whose names no other source has confirmed).
type names struct {
	count   map[string]int
	created map[domain.ID]bool
}

func (n *names) add(given string) {
	if f := store.FirstName(given); f != "" {
		n.count[f]++
	}
}

// typo reports whether the first given names of a record and of a candidate
// child that is not new in this import differ by one typing error (one
// letter substituted, dropped, added or two swapped, the initial kept),
// their other given names agree where both have them, and one of the two is
// a name no child and no held record has, nor the nickname table, while the
// other is a name other children have. Twins are given real names (Lyla
// and Layla): a twin's name is known once the directory holds the twin or
// holds the twin's record for review, which a source sent before.
func (n *names) typo(rec, cand string, child domain.ID) bool {
	if n == nil || n.created[child] {
		return false
	}
	rf, rr, _ := strings.Cut(match.Name(rec), " ")
	cf, cr, _ := strings.Cut(match.Name(cand), " ")
	if rr != "" && cr != "" && rr != cr {
		return false
	}
	if len(rf) < 2 || len(cf) < 2 || rf[0] != cf[0] || match.DamerauLevenshtein(rf, cf) != 1 {
		return false
	}
	inTable := func(s string) bool { return len(match.NameRoots(s)) > 0 }
	// The candidate's own name is counted once for the candidate itself.
	rn, cn := n.count[rf], n.count[cf]-1
	unknownRec := rn == 0 && !inTable(rf)
	unknownCand := cn <= 0 && !inTable(cf)
	return unknownRec && cn > 0 || unknownCand && rn > 0
}

func decide(model *match.Model, rec match.Record, la string, cands []store.ImportCandidate, notMatch map[domain.ID]bool, nm *names) Outcome {
	q := match.Prepare(rec)
	var out Outcome
	links, reviews := 0, 0
	shielded := false
	var link domain.ID
	// siblingsOnly stays true while every candidate in review range has a
	// first given name that plainly differs (a sibling sharing a birthday,
	// a former family name or a mistaken NHS number), othersInexact while
	// none has the record's first given name; linkGiven is the given-name
	// level of the linking candidate.
	siblingsOnly, othersInexact := true, true
	linkGiven := match.GivenMissing
	for i := range cands {
		cd := &cands[i]
		if notMatch[cd.ID] {
			continue
		}
		crec := cd.Record()
		v := match.ComparePrepared(q, match.Prepare(crec))
		d, p := model.Classify(v)
		d = refine(model, v, d, p, rec.GivenNames, crec.GivenNames)
		if d == match.Review && v.PossibleTwin() && p >= model.LinkThreshold && v.Levels[match.FieldGender] != match.GenderDisagree &&
			nm.typo(rec.GivenNames, crec.GivenNames, cd.ID) {
			d = match.Link
		}
		if pc := v.Levels[match.FieldPostcode]; d == match.Link && pc >= match.PostcodeDistrict &&
			v.Levels[match.FieldIdentifier] != match.IDAgree && otherNamesDiffer(rec.GivenNames, crec.GivenNames) {
			// Freddie Dylan and Freddie Charlie, born the same day in
			// two towns: two children.
			d = match.NewChild
		}
		if g := v.Levels[match.FieldGiven]; d == match.Link && g != match.GivenExact && g != match.GivenMissing &&
			(v.Levels[match.FieldIdentifier] == match.IDDisagree || v.Levels[match.FieldFamily] != match.FamilyExact &&
				(v.Levels[match.FieldPostcode] == match.PostcodeExact || v.Levels[match.FieldPostcode] == match.PostcodePrevious)) {
			// Names alike but not equal with another NHS number (Hafsa
			// and Hafsah, a date mistyped), or under another family name
			// at the same home: a sister as likely as this child.
			d = match.Review
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
			linkGiven = v.Levels[match.FieldGiven]
		case match.Review:
			reviews++
			g := v.Levels[match.FieldGiven]
			if g != match.GivenDisagree && g != match.GivenInitial {
				siblingsOnly = false
			}
			if g == match.GivenExact || g == match.GivenMissing {
				othersInexact = false
			}
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
	case links == 1 && (siblingsOnly && linkGiven == match.GivenNickname || othersInexact && linkGiven == match.GivenExact):
		// One child has the record's first given name (or its nickname,
		// when the others' names plainly differ) and everything else
		// links it; the others in range have another first name: they
		// are brothers or sisters (a twin called Harvey beside Harry),
		// not doubts about this child.
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

// refine applies the importer's own guards to the model's decision d (at
// probability p) for the pair compared in v, whose given names are recGiven
// and candGiven. The model sends every possible twin (same family name,
// date of birth and home, first given names alike but not equal) to review;
// some of those are settled here:
//
//   - the given names are equal but for spaces, hyphens and case
//     (Ellie-May and EllieMay): one child, link;
//   - (an NHS number or UPN that agrees settles nothing: a twin's record
//     may carry the other twin's number;)
//   - an NHS number or UPN disagrees: twins (Harry and Harvey, each with
//     their own number), so a new child rather than a doubt;
//   - the only doubt is a nickname for the first given name (William and
//     Bill, everything else exact): twins are not given a name and its
//     nickname, so link.
func refine(model *match.Model, v match.Vector, d match.Decision, p float64, recGiven, candGiven string) match.Decision {
	if d != match.Review || !v.PossibleTwin() {
		return d
	}
	l := &v.Levels
	strong := p >= model.LinkThreshold && l[match.FieldGender] != match.GenderDisagree
	switch {
	case l[match.FieldIdentifier] == match.IDDisagree:
		return match.NewChild
	case strong && compactName(recGiven) == compactName(candGiven):
		return match.Link
	case strong && nicknameOnly(v) && trueNickname(recGiven, candGiven):
		return match.Link
	}
	return d
}

// trueNickname reports whether two first given names in one nickname group
// are far apart in spelling (William and Bill, Jacob and Jake), not
// variants twins are given (Sophie and Sophia, Mia and Maya), and no other
// given names contradict.
func trueNickname(a, b string) bool {
	af, ar, _ := strings.Cut(match.Name(a), " ")
	bf, br, _ := strings.Cut(match.Name(b), " ")
	if ar != "" && br != "" && ar != br {
		return false
	}
	return match.DamerauLevenshtein(af, bf) >= 3
}

// otherNamesDiffer reports whether both given-names fields have names
// after the first and none of them is shared.
func otherNamesDiffer(a, b string) bool {
	at := match.NameTokens(a)
	bt := match.NameTokens(b)
	if len(at) < 2 || len(bt) < 2 {
		return false
	}
	for _, x := range at[1:] {
		for _, y := range bt[1:] {
			if x == y {
				return false
			}
		}
	}
	return true
}

// compactName is a name normalised for comparison with its spaces removed.
func compactName(s string) string { return strings.ReplaceAll(match.Name(s), " ", "") }

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
func (im *Importer) place(b *store.Batch, model *match.Model, nm *names, p *pending, seen bool, limit int, c *Summary) error {
	r := p.rec
	cands, err := b.Candidates(p.keys, limit)
	if err != nil {
		return err
	}
	var notMatch map[domain.ID]bool
	if seen {
		if notMatch, err = b.NotMatched(r.Hash); err != nil {
			return err
		}
	}
	o := decide(model, p.mrec, r.Child.LACode, cands, notMatch, nm)
	switch o.Decision {
	case match.Link:
		c.Linked++
		return b.Link(r, o.ChildID)
	case match.NewChild:
		err := b.Create(r)
		if domain.ErrorCode(err) != domain.EInvalid {
			if err == nil {
				c.Created++
				nm.add(r.Child.GivenNames)
				nm.created[r.ChildID] = true
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
	nm.add(r.Child.GivenNames)
	return b.Hold(r, it)
}

func firstID(cs []store.ReviewCandidate) domain.ID {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].ChildID
}
