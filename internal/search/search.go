package search

import (
	"context"
	"sort"
	"sync/atomic"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Result is one child in a result list: only what is needed to tell
// children apart. The full record needs a reason for access.
type Result struct {
	ID          domain.ID     `json:"contactpoint_id"`
	GivenNames  string        `json:"given_names"`
	FamilyName  string        `json:"family_name"`
	DateOfBirth domain.Date   `json:"date_of_birth"`
	Gender      domain.Gender `json:"gender"`
	Town        string        `json:"town,omitempty"`
	District    string        `json:"postcode_district,omitempty"`
	Score       float64       `json:"score"`
	// Shielded says the child's record is shielded: only names, date of
	// birth, gender and the ID are shown; the child's authority's
	// ContactPoint team brokers contact.
	Shielded bool `json:"shielded,omitempty"`
	weight   float64
}

// Results is a search's answer. When more children pass the threshold than
// may be shown, Results is empty and TooMany is set: add more detail.
type Results struct {
	Results []Result `json:"results"`
	TooMany bool     `json:"too_many"`
}

// Service searches the directory.
type Service struct {
	DB    *store.DB
	Model match.Model
	// Prior is the prior probability that a candidate is the child sought.
	// It is far higher than the linkage model's (one in the population):
	// the searcher knows the child exists, and blocking has already kept
	// only children who share a name sound, a birthday or a postcode.
	Prior float64
	// Threshold is the lowest score returned.
	Threshold float64
	// MaxResults is how many results may be shown (10; at most 50).
	MaxResults int
	// CandidateLimit bounds the candidates scored per search.
	CandidateLimit int
	// ExpectedMatches sets the prior once Calibrate knows the directory's
	// size: at most ExpectedMatches over the number of children.
	ExpectedMatches float64
	// Trace, when set, is told how long each step of a search took:
	// "candidates" (reading the index, with the fallback keys when they
	// were needed), "score" and "audit" (the entry committed). The
	// benchmark uses it to say where the slowest searches spend their
	// time. It is called on the searching goroutine.
	Trace func(step string, took time.Duration)

	cal atomic.Pointer[calibration]
}

// calibration is what Calibrate learnt of the directory.
type calibration struct {
	prior    float64
	freq     *match.Frequencies
	children int
}

// Calibrate counts the directory's children and their names. From then on
// a search's prior is Prior or ExpectedMatches over the number of
// children, whichever is smaller, and, when Model.TermFrequency is set,
// exact agreement on a name weighs by how common the name is
// (match.Frequencies): in a directory of eleven million, five times as
// many children share a given name and a birthday as in one of two
// million, and OLIVIA agreeing says less than a rare name. Prior was set
// on a directory of a million; a smaller one keeps it.
// Safe to call while searches run (serve calls it at start and nightly).
func (s *Service) Calibrate(ctx context.Context) error {
	c := &calibration{prior: s.Prior}
	if s.Model.TermFrequency {
		counts, err := s.DB.NameCounts(ctx, store.NameCountsOf{Frequencies: true})
		if err != nil {
			return err
		}
		c.freq, c.children = counts.Frequencies(), counts.Children
	} else {
		n, err := s.DB.CountChildren(ctx)
		if err != nil {
			return err
		}
		c.children = n
	}
	if c.children > 0 && s.ExpectedMatches > 0 {
		c.prior = min(s.Prior, s.ExpectedMatches/float64(c.children))
	}
	s.cal.Store(c)
	return nil
}

// Calibrated returns the prior a search uses and the number of children
// Calibrate counted (0 before it has run).
func (s *Service) Calibrated() (prior float64, children int) {
	if c := s.cal.Load(); c != nil {
		return c.prior, c.children
	}
	return s.Prior, 0
}

// MaxResultsLimit is the most results a search may be configured to show.
const MaxResultsLimit = 50

// New returns a search service with the default model and settings.
//
// 50 candidates: each costs a look-up of its match data, most of a
// search's time at a million children, and the right child is almost
// always among those holding the most keys. At 1,000,000 children (3,000
// noisy queries) 50 scored as well as 100 (right child first 98.90% and
// 98.87%, top 3 99.87% and 99.83%) for two thirds of the CPU.
//
// Exact names weigh by their frequency once calibrated: at 11,000,000
// children it put the right child in the top 3 for 98.47% of noisy
// queries against 97.50% without, and answered "too many matches" twice
// in 3,000 queries against 32 times; at 1,000,000 it cost 0.36 points of
// top 3 (99.37% against 99.73%), queries whose family name the source
// wrote wrong (docs/benchmarks.md).
func New(db *store.DB) *Service {
	model := match.DefaultModel()
	model.TermFrequency = true
	return &Service{DB: db, Model: model, Prior: 1e-5, Threshold: 0.25, MaxResults: 10, CandidateLimit: 50,
		ExpectedMatches: 10}
}

// Search finds the children matching c, best first, and audits the search
// with its criteria and the IDs it returned. The caller must be signed in
// (EUnauthorised) with a role that may search (EForbidden); criteria below
// the minimum are EInvalid.
func (s *Service) Search(ctx context.Context, c Criteria) (*Results, error) {
	const op = "search.Search"
	u := domain.UserFromContext(ctx)
	if u == nil {
		return nil, &domain.Error{Code: domain.EUnauthorised, Op: op, Message: "sign in to search"}
	}
	if !u.CanSearch() {
		return nil, &domain.Error{Code: domain.EForbidden, Op: op, Message: "your role does not include searching for children"}
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	res, err := s.find(ctx, u, c)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Results))
	for i, r := range res.Results {
		ids[i] = string(r.ID)
	}
	detail := c.auditDetail()
	detail["returned"] = ids
	detail["too_many"] = res.TooMany
	defer s.trace("audit", time.Now())
	if err := s.DB.Audit(ctx, &domain.AuditEntry{UserID: u.ID, LACode: u.LACode, Action: domain.ActionSearch, Detail: detail}); err != nil {
		return nil, err
	}
	return res, nil
}

// trace reports the time since start as step's when s.Trace is set.
func (s *Service) trace(step string, start time.Time) {
	if s.Trace != nil {
		s.Trace(step, time.Since(start))
	}
}

// HiddenFields reports whether the criteria use a field a shielded record
// hides (anything but names, date of birth, gender and the ID): such a
// search never returns a shielded child to a reader outside the child's
// authority's team, so that probing cannot confirm where a child lives.
func (c Criteria) HiddenFields() bool {
	return c.Postcode != "" || c.NHSNumber != "" || c.UPN != ""
}

// seesShielded reports whether u sees a shielded child of the authority la
// as anyone else: its authority's data managers do.
func seesShielded(u *domain.User, la string) bool {
	return u != nil && u.HasRole(domain.RoleDataManager) && u.LACode == la
}

// find runs the search for u without auditing it. Archived children are
// never found; shielded ones as HiddenFields and seesShielded say.
func (s *Service) find(ctx context.Context, u *domain.User, c Criteria) (*Results, error) {
	q := s.query(c)
	var cands []store.Candidate
	var keys, fallback []string
	var err error
	start := time.Now()
	switch {
	case c.ContactPointID != "":
		cands, err = s.DB.MatchDataOf(ctx, []domain.ID{c.ContactPointID})
	case c.NHSNumber != "" || c.UPN != "":
		var ids []domain.ID
		for _, idf := range []struct {
			kind domain.IdentifierKind
			v    string
		}{{domain.IdentifierNHS, c.NHSNumber}, {domain.IdentifierUPN, c.UPN}} {
			if idf.v == "" {
				continue
			}
			found, err := s.DB.ChildrenByIdentifier(ctx, idf.kind, idf.v)
			if err != nil {
				return nil, err
			}
			ids = append(ids, found...)
		}
		cands, err = s.DB.MatchDataOf(ctx, dedupe(ids))
	default:
		keys, fallback = match.SplitFallback(match.QueryKeys(q), q.DateOfBirth)
		cands, err = s.DB.Candidates(ctx, keys, s.CandidateLimit)
	}
	if err != nil {
		return nil, err
	}
	s.trace("candidates", start)
	pq := match.Prepare(q)
	prior := s.Prior
	var freq *match.Frequencies
	if c := s.cal.Load(); c != nil {
		prior, freq = c.prior, c.freq
	}
	sc := scorer{s: s, pq: pq, qf: freq.Of(pq), prior: prior,
		onlyID: c.HasIdentifier() && c.GivenNames == "" && c.FamilyName == "" && c.DateOfBirth.IsZero()}
	start = time.Now()
	scored, from := sc.score(cands)
	s.trace("score", start)
	if len(scored) == 0 && len(fallback) > 0 {
		// Nobody found: the date of birth may be wrong beyond the
		// variants the first keys try.
		start = time.Now()
		cands, err = s.DB.Candidates(ctx, append(keys, fallback...), s.CandidateLimit)
		if err != nil {
			return nil, err
		}
		s.trace("candidates", start)
		start = time.Now()
		scored, from = sc.score(cands)
		s.trace("score", start)
	}
	var passed []Result
	hidden := c.HiddenFields()
	for i, r := range scored {
		cd := from[i]
		restricted := cd.Shielded && !seesShielded(u, cd.LACode)
		if restricted && hidden {
			continue
		}
		r.Shielded = cd.Shielded
		if restricted {
			r.Town, r.District = "", ""
		}
		passed = append(passed, r)
	}
	sort.SliceStable(passed, func(i, j int) bool {
		if passed[i].weight != passed[j].weight {
			return passed[i].weight > passed[j].weight
		}
		return passed[i].ID < passed[j].ID
	})
	max := s.MaxResults
	if max <= 0 || max > MaxResultsLimit {
		max = 10
	}
	if len(passed) > max {
		return &Results{Results: []Result{}, TooMany: true}, nil
	}
	if passed == nil {
		passed = []Result{}
	}
	return &Results{Results: passed}, nil
}

// scorer scores a search's candidates.
type scorer struct {
	s      *Service
	pq     *match.Prepared
	qf     match.NameFrequencies // the query's names, looked up once
	prior  float64
	onlyID bool // the query is an identifier alone
}

// score returns the candidates that pass the threshold, as results and as
// the candidates they came from. Which of them may be shown depends only
// on each one's own flags, so those are checked after.
func (sc *scorer) score(cands []store.Candidate) ([]Result, []*store.Candidate) {
	var scored []Result
	var from []*store.Candidate
	for i := range cands {
		cd := &cands[i]
		r := Result{ID: cd.ID, GivenNames: cd.GivenNames, FamilyName: cd.FamilyName, DateOfBirth: cd.DateOfBirth,
			Gender: cd.Gender, Town: cd.Town}
		if len(cd.Postcodes) > 0 {
			r.District = domain.PostcodeDistrict(cd.Postcodes[0])
		}
		if sc.onlyID {
			// An identifier alone: every holder is a match.
			r.Score, r.weight = 1, 1
		} else {
			v := match.ComparePrepared(sc.pq, match.Prepare(cd.Record()))
			sc.qf.Apply(&v)
			r.weight = sc.s.Model.MatchWeight(v)
			r.Score = match.Probability(r.weight, sc.prior)
		}
		if r.Score >= sc.s.Threshold {
			scored = append(scored, r)
			from = append(from, cd)
		}
	}
	return scored, from
}

// query turns criteria into a match record; identifiers become the keyed
// hashes the store holds, so an exact identifier weighs in the score.
func (s *Service) query(c Criteria) match.Record {
	r := match.Record{GivenNames: c.GivenNames, FamilyName: c.FamilyName, DateOfBirth: c.DateOfBirth, Gender: c.Gender}
	if c.Postcode != "" {
		r.Postcodes = []string{c.Postcode}
	}
	if c.NHSNumber != "" {
		r.Identifiers = append(r.Identifiers, "nhs:"+s.DB.IdentifierHash(domain.IdentifierNHS, c.NHSNumber))
	}
	if c.UPN != "" {
		r.Identifiers = append(r.Identifiers, "upn:"+s.DB.IdentifierHash(domain.IdentifierUPN, c.UPN))
	}
	return r
}

func dedupe(ids []domain.ID) []domain.ID {
	seen := map[domain.ID]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
