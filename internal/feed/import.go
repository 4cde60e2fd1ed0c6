package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
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
	DB *store.DB
	// Model is the matching model; when its thresholds are zero, the
	// newest trained one (Train, store.SaveModel), or ImportModel.
	Model  match.Model
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
//
// Settled counts records that earlier imports (of any source) held for
// want of a local authority and that this import's end linked, because
// the import made their child.
type Summary struct {
	Read, Accepted, Rejected                    int
	Linked, Created, Review, Unchanged, Updated int
	Settled                                     int
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
	ReasonHeldTwin      = "a record held for review gives this record's names: they may be a twin's, beside this child"
)

// model returns the model to match with and its name for explanations:
// im.Model when set ("given"), else the newest trained one (contactpoint
// model train; named by when it was trained), else ImportModel
// ("built-in").
func (im *Importer) model(ctx context.Context) (match.Model, string, error) {
	if im.Model.LinkThreshold != 0 || im.Model.ReviewThreshold != 0 {
		return im.Model, "given", nil
	}
	m, err := im.DB.LatestModel(ctx, ModelName)
	switch {
	case err == nil:
		return m.Model, "trained " + m.TrainedAt.Format(time.RFC3339), nil
	case domain.ErrorCode(err) == domain.ENotFound:
		return ImportModel(), "built-in", nil
	}
	return match.Model{}, "", err
}

// pending is a validated record waiting for its batch.
type pending struct {
	line int
	rec  *store.SourceRecord
	mrec match.Record
	keys []string // match.QueryKeys(mrec)
	// first are the keys a record looks up first (firstKeys); it looks
	// up the rest only when these find no child to link it to.
	first []string
}

// firstKeys returns the query keys of r (keys, match.QueryKeys) that a
// child with r's own fields would hold (match.Keys), less the fallback
// ones (match.SplitFallback): the date of birth as written, the names the
// way round they were written, the postcodes and the identifiers. Most
// records link by these alone. The rest (the date's typing errors, the
// names swapped, the family name's sound with the year and an initial)
// hold many more children between them: at a million children they were
// most of an import's reads.
func firstKeys(r match.Record, keys []string) []string {
	own, _ := match.SplitFallback(match.Keys(r), r.DateOfBirth)
	var out []string
	for _, k := range own {
		if _, found := slices.BinarySearch(keys, k); found {
			out = append(out, k)
		}
	}
	return out
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
	model, label, err := im.model(ctx)
	if err != nil {
		return s, err
	}
	now := im.Now
	if now == nil {
		now = time.Now
	}
	today := domain.DateOf(now())
	counts, err := im.DB.NameCounts(ctx, store.NameCountsOf{Given: true, Frequencies: model.TermFrequency})
	if err != nil {
		return s, err
	}
	nm := &names{count: counts.Given, created: map[domain.ID]bool{}, model: label}
	if model.TermFrequency {
		nm.freq = counts.Frequencies()
	}
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
	if err := flush(); err != nil {
		return s, err
	}
	return s, im.settleHeld(ctx, &model, nm, &s)
}

// settledRule explains a link made when a held record was looked at
// again, by the reason it was held.
func settledRule(reason string) string {
	switch reason {
	case ReasonNoLA:
		return "held for want of a local authority until a later record made the child"
	default:
		return "held as " + reason + " until a later record made the child"
	}
}

// errNoneSettled rolls back a batch of settleHeld that linked nothing.
var errNoneSettled = errors.New("feed: no held record settled")

// settleHeld looks again at the held records (of any source) that children
// made by this import, or by an earlier one killed before its end, may be
// the child of: those filed under one of the new children's blocking keys,
// marked in the batch that made them (Batch.MarkHeldMeeting). A record
// naming no local authority that matches nobody cannot make a child, and
// a twin's record that arrives before its own child is made waits beside
// the other twin as a possible match; a later feed (a GP's, a school's)
// may make that child. Each that now links (by the same decision as any
// record, against every candidate now there) is linked; the rest stay
// held. A batch per source and 500 records, like an import's, unmarks
// what it looked at.
func (im *Importer) settleHeld(ctx context.Context, model *match.Model, nm *names, s *Summary) error {
	bySource, err := im.DB.HeldToRecheck(ctx)
	if err != nil || len(bySource) == 0 {
		return err
	}
	sources := make([]string, 0, len(bySource))
	for src := range bySource {
		sources = append(sources, src)
	}
	slices.Sort(sources)
	limit := im.MaxCandidates
	if limit <= 0 {
		limit = 50
	}
	for _, src := range sources {
		recs := bySource[src]
		for start := 0; start < len(recs); start += 500 {
			part := recs[start:min(start+500, len(recs))]
			hashes := make([]string, len(part))
			for i, h := range part {
				hashes[i] = h.Hash
			}
			settled := 0
			err := im.DB.ImportBatch(ctx, src, im.Precedence, func(b *store.Batch) (map[string]any, error) {
				settled = 0
				for _, h := range part {
					if h.Reason == "" {
						continue // no longer held
					}
					r, err := b.Held(h.Hash)
					if domain.ErrorCode(err) == domain.ENotFound {
						continue
					}
					if err != nil {
						return nil, err
					}
					mrec := matchRecord(r)
					keys := match.QueryKeys(mrec)
					cands, err := b.Candidates(keys, limit)
					if err != nil {
						return nil, err
					}
					notMatch, err := b.NotMatched(h.Hash)
					if err != nil {
						return nil, err
					}
					o := decide(model, mrec, src, r.Child.LACode, cands, notMatch, nm)
					if o.Decision != match.Link {
						continue
					}
					if held, err := heldNamesake(b, r, keys, cands, o.ChildID); err != nil {
						return nil, err
					} else if held {
						continue
					}
					r.Explanation = o.Explanation
					r.Explanation.Model = nm.model
					if r.Explanation.Rule == "" {
						r.Explanation.Rule = settledRule(h.Reason)
					} else {
						r.Explanation.Rule = settledRule(h.Reason) + "; " + r.Explanation.Rule
					}
					if err := b.Link(r, o.ChildID); err != nil {
						return nil, err
					}
					settled++
				}
				if settled == 0 {
					return nil, errNoneSettled // nothing to write or audit
				}
				if err := b.Rechecked(hashes); err != nil {
					return nil, err
				}
				return map[string]any{"held": len(part), "settled": settled}, nil
			})
			if errors.Is(err, errNoneSettled) {
				err = im.DB.Unmark(ctx, src, hashes)
			} else if err == nil {
				s.Settled += settled
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
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
	keys := match.QueryKeys(mrec)
	it.p = pending{line: line, rec: sr, mrec: mrec, keys: keys, first: firstKeys(mrec, keys)}
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
// It marks the held records that the children it made may be the child
// of (Batch.MarkHeldMeeting), for settleHeld.
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
	// One read of the index for every record the batch must place, and
	// one of what linking newer versions of linked records reads of their
	// children.
	var keysets [][]string
	var updated []domain.ID
	var made []string // the blocking keys of the children made
	for i := range recs {
		st, seen := stored[recs[i].rec.Hash]
		switch {
		case !seen:
			keysets = append(keysets, recs[i].first)
		case st.ContentHash == recs[i].rec.ContentHash: // unchanged: nothing to read
		case st.Status == store.RecordLinked:
			updated = append(updated, st.ChildID)
		default:
			keysets = append(keysets, recs[i].first)
		}
	}
	if len(keysets) > 0 {
		if err := b.PrefetchCandidates(keysets, limit); err != nil {
			return err
		}
	}
	if len(updated) > 0 {
		if err := b.PrefetchChildren(updated); err != nil {
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
			if err := im.place(b, model, nm, &recs[i], seen, limit, c, &made); err != nil {
				return fmt.Errorf("line %d: %w", recs[i].line, err)
			}
		}
		stored[r.Hash] = store.Stored{ChildID: r.ChildID, Status: r.Status, ContentHash: r.ContentHash}
	}
	if len(made) == 0 {
		return nil
	}
	slices.Sort(made)
	_, err = b.MarkHeldMeeting(slices.Compact(made))
	return err
}

// place matches a record that is new, or was held for review and has
// changed, and links it, creates a child or holds it.
// The blocking keys of a child it makes are added to made.
func (im *Importer) place(b *store.Batch, model *match.Model, nm *names, p *pending, seen bool, limit int, c *Summary, made *[]string) error {
	r := p.rec
	cands, err := b.Candidates(p.first, limit)
	if err != nil {
		return err
	}
	var notMatch map[domain.ID]bool
	if seen {
		if notMatch, err = b.NotMatched(r.Hash); err != nil {
			return err
		}
	}
	o := decide(model, p.mrec, im.Source, r.Child.LACode, cands, notMatch, nm)
	if o.Decision != match.Link && len(p.first) < len(p.keys) {
		// Most records link by their first keys. One that does not is
		// decided again with all of them (the date's typing errors, the
		// names swapped, the family name's sound with the year and an
		// initial), among every candidate they bring.
		if cands, err = b.Candidates(p.keys, limit); err != nil {
			return err
		}
		o = decide(model, p.mrec, im.Source, r.Child.LACode, cands, notMatch, nm)
	}
	if o.Decision == match.Link {
		held, err := heldNamesake(b, r, p.first, cands, o.ChildID)
		if err != nil {
			return err
		}
		if held {
			o.Decision, o.Reason = match.Review, ReasonHeldTwin
		}
	}
	r.Explanation = o.Explanation
	if r.Explanation != nil {
		r.Explanation.Model = nm.model
	}
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
				*made = append(*made, match.Keys(p.mrec)...)
			}
			return err
		}
		// Validated before anything was written: hold it rather than
		// fail the batch.
		o.Reason = domain.ErrorMessage(err)
	}
	c.Review++
	r.Explanation = &store.Explanation{Decision: match.Review.String(), Rule: o.Reason, Model: nm.model}
	it := &store.ReviewItem{Reason: o.Reason, Candidates: o.Candidates, Keys: p.keys}
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

// heldNamesake reports whether a record that would link to child, under
// given names not the child's own (Luka Thomas to a Luka), shares its
// given names, family name and date of birth with a record held for
// review. Such a held record is often a twin's, held beside this child
// because the twins' names were alike (a source wrote Luca as Luka): this
// record is then that twin's too, and waits beside it rather than merging
// the twins. A million children had one such pair merged.
//
// keys are the record's blocking keys the held records are looked up by.
// It applies to a held record looked at again (settleHeld) as to a new
// one: a million children had the pair merged that way once the first
// look held it.
func heldNamesake(b *store.Batch, r *store.SourceRecord, keys []string, cands []store.ImportCandidate, child domain.ID) (bool, error) {
	rc := r.Child
	i := slices.IndexFunc(cands, func(c store.ImportCandidate) bool { return c.ID == child })
	if i < 0 || compactName(rc.GivenNames) == compactName(cands[i].GivenNames) {
		return false, nil
	}
	held, err := b.HeldMeeting(keys)
	if err != nil {
		return false, err
	}
	for _, h := range held {
		hc := h.Child
		if (h.Source != r.Source || h.Hash != r.Hash) && compactName(hc.GivenNames) == compactName(rc.GivenNames) &&
			match.Name(hc.FamilyName) == match.Name(rc.FamilyName) && hc.DateOfBirth.Equal(rc.DateOfBirth) {
			return true, nil
		}
	}
	return false, nil
}

func firstID(cs []store.ReviewCandidate) domain.ID {
	if len(cs) == 0 {
		return ""
	}
	return cs[0].ChildID
}
