package feed

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
)

// ModelName is the name under which the importer's trained model is
// stored: Import uses the newest one, or ImportModel when none is trained.
const ModelName = "import"

// TrainOptions bounds the work of Train. Zero values take the defaults.
type TrainOptions struct {
	Source        string // the feed's source: its identifiers are hashed as that source's
	Records       int    // feed records sampled; 20,000
	Children      int    // children sampled for u; 2,000
	Iterations    int    // EM iterations; 25
	MaxCandidates int    // candidates per record, as the importer; 50
	Seed          uint64 // the sampling's seed
	Now           func() time.Time
}

// TrainReport says what Train measured.
type TrainReport struct {
	Source string `json:"source"`
	// Children is the directory's size; Records the feed records
	// compared (of Read read), Pairs their record–candidate pairs.
	Children int `json:"children"`
	Read     int `json:"read"`
	Records  int `json:"records"`
	Pairs    int `json:"pairs"`
	// Sampled is the children sampled for u; RandomPairs the pairs among
	// them (u for scoring) and CandidatePairs the pairs of distinct
	// children the blocking brings together (u for EM).
	Sampled        int `json:"sampled"`
	RandomPairs    int `json:"random_pairs"`
	CandidatePairs int `json:"candidate_pairs"`
	// Share is the proportion of records whose child is among their
	// candidates, estimated directly: RuleRecords of Records have a
	// candidate with the same date of birth and either both names or an
	// identifier. EMMatches is what EM's last iteration expects, for
	// comparison.
	Share       float64 `json:"share"`
	RuleRecords int     `json:"rule_records"`
	EMMatches   float64 `json:"em_matches"`
	// Lambda is the prior that a record and a random child are the same
	// child: Share over Children.
	Lambda float64 `json:"lambda"`
	// Repeats is how many of the Read records repeat an earlier record
	// of the feed exactly on given names, family name, date of birth and
	// postcode, or on NHS number with the date of birth (a duplicate
	// within the source); DuplicateShare is their share, at least one
	// in a thousand, and SameSourceLambda the prior for a child that
	// already holds a record of the source: Lambda × DuplicateShare ÷
	// Share.
	Repeats          int     `json:"repeats"`
	DuplicateShare   float64 `json:"duplicate_share"`
	SameSourceLambda float64 `json:"same_source_lambda"`
	Iterations       int     `json:"iterations"`
}

// Train estimates the importer's matching model from the directory and a
// source's feed, as Splink does: u from pairs of children drawn at random,
// the prior directly (the share of the feed's records that a strict rule
// finds in the directory, over the directory's size), and m by
// expectation maximisation over the candidates the importer's blocking
// finds for the feed's records (match.EstimateMGrouped, with u measured
// among candidates so that brothers, sisters and namesakes are not taken
// for the same child). The thresholds are ImportModel's; exact name
// agreement is weighed by the name's frequency (TermFrequency). Train reads only:
// save the model with store.SaveModel. Train on a feed before importing
// it: a record already imported is compared with the child it made or
// joined, which agrees on everything. A directory with fewer than
// match.MinFrequencyPopulation children, or a feed none of whose records
// finds a candidate, is EInvalid.
func Train(ctx context.Context, db *store.DB, r Reader, opt TrainOptions) (match.Model, TrainReport, error) {
	const op = "feed.Train"
	opt.defaults()
	rep := TrainReport{Source: opt.Source, Iterations: opt.Iterations}
	base := ImportModel()
	rnd := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))

	n, err := db.CountChildren(ctx)
	if err != nil {
		return base, rep, err
	}
	rep.Children = n
	if n < match.MinFrequencyPopulation {
		return base, rep, &domain.Error{Code: domain.EInvalid, Op: op, Message: "the directory is too small to train on: import a first feed with the default model"}
	}

	// u: among random children, and among the candidates blocking finds
	// for a child (other children).
	children, err := db.SampleChildren(ctx, opt.Children, rnd)
	if err != nil {
		return base, rep, err
	}
	rep.Sampled = len(children)
	prepared := make([]*match.Prepared, len(children))
	for i := range children {
		prepared[i] = match.Prepare(children[i].Record())
	}
	random := make([]match.Vector, 0, len(children)*(len(children)-1)/2)
	for i := range prepared {
		for j := i + 1; j < len(prepared); j++ {
			random = append(random, match.ComparePrepared(prepared[i], prepared[j]))
		}
	}
	rep.RandomPairs = len(random)
	var blocked []match.Vector
	for i := range children {
		rec := children[i].Record()
		cands, err := db.Candidates(ctx, match.QueryKeys(rec), opt.MaxCandidates)
		if err != nil {
			return base, rep, err
		}
		for j := range cands {
			if cands[j].ID != children[i].ID {
				blocked = append(blocked, match.ComparePrepared(prepared[i], match.Prepare(cands[j].Record())))
			}
		}
	}
	rep.CandidatePairs = len(blocked)
	const minSeen = 10
	uRandom := match.EstimateUFrom(random, base.U, minSeen)
	uBlocked := match.EstimateUFrom(blocked, base.U, minSeen)

	// The feed: a uniform sample of its valid records (reservoir).
	sample, read, repeats, err := reservoir(r, opt.Records, rnd)
	if err != nil {
		return base, rep, err
	}
	rep.Read, rep.Repeats = read, repeats
	today := domain.DateOf(opt.Now())
	var groups [][]match.Vector
	for _, s := range sample {
		p, _, err := Validate(s.rec, s.line, opt.Source, today)
		if err != nil {
			continue // the import rejects it too
		}
		sr, err := db.NewSourceRecord(opt.Source, p.SourceRecordID, p.NHSNumber, p.UPN, &p.Child)
		if err != nil {
			return base, rep, err
		}
		mrec := matchRecord(sr)
		cands, err := db.Candidates(ctx, match.QueryKeys(mrec), opt.MaxCandidates)
		if err != nil {
			return base, rep, err
		}
		rep.Records++
		q := match.Prepare(mrec)
		g := make([]match.Vector, len(cands))
		found := false
		for j := range cands {
			g[j] = match.ComparePrepared(q, match.Prepare(cands[j].Record()))
			found = found || ruleMatch(g[j])
		}
		if found {
			rep.RuleRecords++
		}
		rep.Pairs += len(g)
		groups = append(groups, g)
	}
	if rep.RuleRecords == 0 {
		return base, rep, &domain.Error{Code: domain.EInvalid, Op: op, Message: "no record of the feed has a clear match in the directory: nothing to learn from"}
	}
	// The rule misses a child whose record has a typing error in every
	// name or its date of birth, so the share it gives is a floor; a
	// record whose child is not in the directory yet has no match.
	rep.Share = min(float64(rep.RuleRecords)/float64(rep.Records), 0.999)

	em := base
	em.U = uBlocked
	em, rep.EMMatches = match.EstimateMGrouped(groups, em, rep.Share, opt.Iterations)
	model := base
	model.M = match.FloorM(em.M, minM)
	model.U = uRandom
	rep.Lambda = rep.Share / float64(n)
	model.Lambda = rep.Lambda
	rep.DuplicateShare = max(float64(rep.Repeats)/float64(max(rep.Read, 1)), minDuplicateShare)
	rep.SameSourceLambda = rep.Lambda * min(rep.DuplicateShare/rep.Share, 1)
	model.SameSourceLambda = rep.SameSourceLambda
	model.TermFrequency = true
	model.Coverage = rep.Share
	return model, rep, nil
}

// minM is the least m a level keeps after EM. A level EM never saw
// among matches (a gender that disagrees, in a sample whose sources never
// mistype it) would otherwise weigh −20 bits, so that one slip in another
// source would part a child from their records for good.
const minM = 0.001

// ruleMatch is the strict rule that estimates the share of records found:
// date of birth exact, given and family names exact, or an identifier
// agreeing with the date of birth exact.
func ruleMatch(v match.Vector) bool {
	l := &v.Levels
	if l[match.FieldDOB] != match.DOBExact {
		return false
	}
	return l[match.FieldIdentifier] == match.IDAgree ||
		l[match.FieldGiven] == match.GivenExact && l[match.FieldFamily] == match.FamilyExact
}

// minDuplicateShare is the least share of a feed's records taken to
// repeat another record of the same feed: exact repeats undercount
// duplicates that differ by a typing error, and none found in a small
// feed is no proof there are none.
const minDuplicateShare = 0.001

type sampled struct {
	rec  Record
	line int
}

// reservoir reads r to the end and keeps a uniform sample of k records
// (Algorithm R); unreadable rows are skipped as the import rejects them.
// It counts the records that repeat an earlier one (repeatKeys).
func reservoir(r Reader, k int, rnd *rand.Rand) (out []sampled, read, repeats int, err error) {
	seen := map[uint64]bool{}
	for {
		rec, line, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, read, repeats, nil
		}
		var re *RowError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			return nil, read, repeats, err
		}
		read++
		repeat := false
		for _, key := range repeatKeys(&rec) {
			repeat = repeat || seen[key]
			seen[key] = true
		}
		if repeat {
			repeats++
		}
		if len(out) < k {
			out = append(out, sampled{rec, line})
		} else if j := rnd.IntN(read); j < k {
			out[j] = sampled{rec, line}
		}
	}
}

func (o *TrainOptions) defaults() {
	if o.Records <= 0 {
		o.Records = 20000
	}
	if o.Children <= 0 {
		o.Children = 2000
	}
	if o.Iterations <= 0 {
		o.Iterations = 25
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 50
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// repeatKeys are what a record repeating another of its feed shares with
// it: given names, family name, date of birth and postcode, normalised, and
// the NHS number with the date of birth. Twins share all but the given
// names; a record with no NHS number, or no postcode, has only the other
// key. The keys are hashed (FNV-1a, 64 bits) to keep the set small (a
// feed of eleven million records holds up to 22 million of them, some
// hundreds of MB); a record is taken for a repeat by a collision about
// once in 10^12.
func repeatKeys(r *Record) []uint64 {
	var out []uint64
	dob := strings.TrimSpace(r.DateOfBirth)
	if dob == "" {
		return nil
	}
	if pc := strings.ToUpper(strings.ReplaceAll(r.Postcode, " ", "")); pc != "" {
		out = append(out, hashKey("n", match.Name(r.GivenNames), match.Name(r.FamilyName), dob, pc))
	}
	if nhs := strings.ReplaceAll(r.NHSNumber, " ", ""); nhs != "" {
		out = append(out, hashKey("i", nhs, dob))
	}
	return out
}

func hashKey(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}
