-- Feeds: what each source said of each child, the review queue, the
-- decisions data managers made, and merges. A source's record ID is never
-- held in clear: record_hash is its keyed hash (for look-up) and sealed_id
-- its value sealed to the source (for export back to that source).

-- A shielded child's record must never be duplicated by a feed: a source
-- record that might be that child goes to review.
ALTER TABLE children ADD COLUMN shielded BOOLEAN NOT NULL DEFAULT FALSE;
-- A child merged into another keeps its row (so an unmerge can restore it)
-- but leaves the search index; merged_into names the child kept.
ALTER TABLE children ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';

CREATE TABLE source_records (
	source       TEXT NOT NULL REFERENCES sources (name),
	record_hash  TEXT NOT NULL,
	sealed_id    TEXT NOT NULL,
	child_id     TEXT REFERENCES children (id),
	status       TEXT NOT NULL, -- linked or review
	content_hash TEXT NOT NULL, -- SHA-256 of the canonical parsed record
	data         TEXT NOT NULL, -- the parsed record, identifiers as hashes and sealed values
	received_at  TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (source, record_hash)
);
CREATE INDEX source_records_child ON source_records (child_id);

CREATE TABLE review_items (
	id          TEXT PRIMARY KEY,
	source      TEXT NOT NULL,
	record_hash TEXT NOT NULL,
	la_code     TEXT NOT NULL,
	reason      TEXT NOT NULL,
	candidates  TEXT NOT NULL, -- JSON: child IDs, scores, comparison levels and weights
	created_at  TEXT NOT NULL,
	decided_at  TEXT NOT NULL DEFAULT '',
	decision    TEXT NOT NULL DEFAULT '', -- link, new, not-match, superseded
	decided_by  TEXT NOT NULL DEFAULT '',
	child_id    TEXT NOT NULL DEFAULT ''  -- the child linked or created, or ruled out
);
CREATE INDEX review_items_open ON review_items (decided_at, la_code);
CREATE INDEX review_items_record ON review_items (source, record_hash);

-- Pairs a data manager ruled not to be the same child: never asked again.
CREATE TABLE match_decisions (
	source      TEXT NOT NULL,
	record_hash TEXT NOT NULL,
	child_id    TEXT NOT NULL,
	decision    TEXT NOT NULL, -- not-match
	decided_by  TEXT NOT NULL,
	decided_at  TEXT NOT NULL,
	PRIMARY KEY (source, record_hash, child_id)
);

-- Merges of two children, and their undoing. moved (JSON) lists every row
-- that moved from the merged child to the kept one, so unmerge can move
-- exactly those back.
CREATE TABLE merges (
	id          TEXT PRIMARY KEY,
	kept_id     TEXT NOT NULL,
	merged_id   TEXT NOT NULL,
	moved       TEXT NOT NULL,
	merged_at   TEXT NOT NULL,
	merged_by   TEXT NOT NULL,
	unmerged_at TEXT NOT NULL DEFAULT '',
	unmerged_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX merges_kept ON merges (kept_id);
CREATE INDEX merges_merged ON merges (merged_id);
