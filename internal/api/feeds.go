package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/store"
)

// Feeds over HTTP: a source system posts a batch of NDJSON records (the
// format `contactpoint import` reads) to POST /api/v1/feeds/{source}/batches
// with its own API key (`contactpoint source credential`) and a Batch-ID
// header. A batch is imported once: posting the same ID and body again
// answers the first answer, a different body under the same ID is refused.

// maxFeedBody bounds a feed batch's body.
const maxFeedBody = 64 << 20

// maxFeedMessages bounds the row errors and warnings a batch's answer lists
// (each list); the rest are counted in errors_omitted / warnings_omitted.
const maxFeedMessages = 1000

// feedDeadline is how long a feed post may take to arrive and be imported:
// far past the server's timeouts for ordinary requests.
const feedDeadline = 30 * time.Minute

// feedImport lets one feed batch import at a time: the store takes one
// writer anyway, and batches run one after another find each other's
// children (two at once could each create the same child).
var feedImport sync.Mutex

// BatchSummary is the answer to a feed batch: the import's counts, every
// rejected row and every dropped value.
type BatchSummary struct {
	BatchID         string          `json:"batch_id"`
	Read            int             `json:"read"`
	Accepted        int             `json:"accepted"`
	Rejected        int             `json:"rejected"`
	Linked          int             `json:"linked"`
	Created         int             `json:"created"`
	Review          int             `json:"review"`
	Settled         int             `json:"settled,omitempty"`
	Errors          []BatchRowError `json:"errors"`
	Warnings        []BatchRowError `json:"warnings"`
	ErrorsOmitted   int             `json:"errors_omitted,omitempty"`
	WarningsOmitted int             `json:"warnings_omitted,omitempty"`
}

// BatchRowError is a rejected row or a dropped value: its line in the
// body, the field and why.
type BatchRowError struct {
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// validBatchID checks a Batch-ID: 1–100 letters, digits, dots, hyphens and
// underscores.
func validBatchID(id string) error {
	if id == "" || len(id) > 100 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "" {
		return domain.FieldError("Batch-ID", "%q must be 1–100 letters, digits, dots, hyphens or underscores", id)
	}
	return nil
}

// feedSource authenticates a feed post: only the API key of the source
// named in the path may post to it. No key or a wrong one is EUnauthorised;
// another source's key, or a person's session token, EForbidden.
func (h *Handler) feedSource(r *http.Request, name string) (*domain.Source, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	token = strings.TrimSpace(token)
	if !ok || token == "" {
		return nil, &domain.Error{Code: domain.EUnauthorised, Message: "send Authorization: Bearer KEY with the source's API key (contactpoint source credential)"}
	}
	db := h.cfg.Feeds
	if !store.IsSourceKey(token) {
		// A person's session may do much, but not speak for a source.
		if _, _, err := h.cfg.Auth.Session(r.Context(), token); err != nil {
			return nil, err
		}
		return nil, &domain.Error{Code: domain.EForbidden, Message: "a person's session cannot post a feed: use the source's API key"}
	}
	src, err := db.SourceByKey(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if src.Name != name {
		if _, err := db.Source(r.Context(), name); err != nil {
			return nil, err
		}
		return nil, &domain.Error{Code: domain.EForbidden, Message: "this API key is for source " + src.Name + ": it may post only to its own feed"}
	}
	return src, nil
}

// postBatch imports one NDJSON batch for the source: 201 with the summary
// the first time, 200 with the same summary for the same Batch-ID and
// body again, 409 for the same Batch-ID with another body.
func (h *Handler) postBatch(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("source")
	if err := domain.ValidSourceName("source", name); err != nil {
		h.error(w, r, &domain.Error{Code: domain.ENotFound, Message: "no source named " + strings.ToValidUTF8(name, "?")})
		return
	}
	if err := onlyParams(r); err != nil {
		h.error(w, r, err)
		return
	}
	src, err := h.feedSource(r, name)
	if err != nil {
		if domain.ErrorCode(err) == domain.EUnauthorised {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ContactPoint feeds"`)
		}
		h.error(w, r, err)
		return
	}
	id := r.Header.Get("Batch-ID")
	if err := validBatchID(id); err != nil {
		h.error(w, r, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		if mt != "application/x-ndjson" && mt != "application/ndjson" && mt != "application/jsonl" {
			h.error(w, r, domain.FieldError("Content-Type", "must be application/x-ndjson: one JSON record per line"))
			return
		}
	}
	// A large batch takes longer to arrive and to import than the server
	// allows an ordinary request.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(feedDeadline))
	rc.SetWriteDeadline(time.Now().Add(feedDeadline))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "body: a batch may be at most 64 MiB: split it into several batches"})
			return
		}
		h.error(w, r, domain.FieldError("body", "could not be read: %v", err))
		return
	}
	if err := checkLines(body); err != nil {
		h.error(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])

	feedImport.Lock()
	defer feedImport.Unlock()
	db := h.cfg.Feeds
	ctx := domain.NewContextWithUser(r.Context(), src.Actor())
	if done, err := db.FeedBatch(ctx, name, id); err == nil {
		if done.BodySHA256 != digest {
			h.error(w, r, store.FeedBatchConflict(id))
			return
		}
		writeRaw(w, http.StatusOK, done.Summary)
		return
	} else if domain.ErrorCode(err) != domain.ENotFound {
		h.error(w, r, err)
		return
	}
	im := &feed.Importer{DB: db, Source: name, Now: db.Now}
	s, err := im.Import(ctx, feed.NewNDJSONReader(bytes.NewReader(body)))
	if err != nil {
		// What was committed stays; the batch is not recorded, so posting
		// it again runs it again (and finds those records unchanged).
		h.error(w, r, err)
		return
	}
	out := batchSummary(id, &s)
	b, err := json.Marshal(out)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec := &store.FeedBatch{Source: name, ID: id, BodySHA256: digest, Summary: b}
	counts := map[string]any{"read": s.Read, "accepted": s.Accepted, "rejected": s.Rejected,
		"linked": s.Linked, "created": s.Created, "review": s.Review}
	if err := db.RecordFeedBatch(ctx, rec, counts); err != nil {
		h.error(w, r, err)
		return
	}
	h.cfg.Logger.Info("feed batch imported", "source", name, "batch_id", id, "read", s.Read, "rejected", s.Rejected,
		"linked", s.Linked, "created", s.Created, "review", s.Review)
	writeRaw(w, http.StatusCreated, rec.Summary)
}

// checkLines refuses a body with a line longer than a feed allows, before
// anything is imported.
func checkLines(body []byte) error {
	line := 1
	for len(body) > 0 {
		n := bytes.IndexByte(body, '\n')
		if n < 0 {
			n = len(body)
		}
		if n > feed.MaxLine {
			return domain.FieldError("body", "line %d is longer than %d bytes", line, feed.MaxLine)
		}
		body = body[min(n+1, len(body)):]
		line++
	}
	if line == 1 {
		return domain.FieldError("body", "is empty: send one JSON record per line")
	}
	return nil
}

// batchSummary is the answer for an import's summary.
func batchSummary(id string, s *feed.Summary) *BatchSummary {
	out := &BatchSummary{BatchID: id, Read: s.Read, Accepted: s.Accepted, Rejected: s.Rejected,
		Linked: s.Linked, Created: s.Created, Review: s.Review, Settled: s.Settled,
		Errors: []BatchRowError{}, Warnings: []BatchRowError{}}
	for _, e := range s.Errors {
		if len(out.Errors) == maxFeedMessages {
			out.ErrorsOmitted++
			continue
		}
		field := domain.ErrorField(e.Err)
		reason := domain.ErrorMessage(e.Err)
		if field != "" {
			reason = strings.TrimPrefix(reason, field+": ")
		}
		out.Errors = append(out.Errors, BatchRowError{Line: e.Line, Field: field, Reason: reason})
	}
	for _, wn := range s.Warnings {
		if len(out.Warnings) == maxFeedMessages {
			out.WarningsOmitted++
			continue
		}
		out.Warnings = append(out.Warnings, BatchRowError{Line: wn.Line, Field: wn.Field, Reason: wn.Message})
	}
	return out
}

// writeRaw answers JSON already encoded.
func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}
