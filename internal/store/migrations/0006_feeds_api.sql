-- Feeds over HTTP: what each source is authoritative for, the credential
-- that lets it post its own feed, and the batches it has posted.

-- authoritative_for is a comma-separated list of domain.Authority (names,
-- date_of_birth, ...): a linked record from the source wins those fields
-- of the shown record over source-kind precedence.
ALTER TABLE sources ADD COLUMN authoritative_for TEXT NOT NULL DEFAULT '';
-- key_hash is the keyed hash of the source's API key ('' while it has
-- none, or after revocation); the key itself is never stored.
ALTER TABLE sources ADD COLUMN key_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN key_issued_at TEXT NOT NULL DEFAULT '';
CREATE INDEX sources_key ON sources (key_hash);

-- A batch posted to POST /api/v1/feeds/{source}/batches, written only once
-- all of it is imported: a batch cut off half-way has no row and runs again
-- when posted again (the records it committed are then unchanged).
-- summary is the JSON answer; body_sha256 tells a replay from a clash.
CREATE TABLE feed_batches (
	source      TEXT NOT NULL REFERENCES sources (name),
	batch_id    TEXT NOT NULL,
	body_sha256 TEXT NOT NULL,
	summary     TEXT NOT NULL,
	received_at TEXT NOT NULL,
	PRIMARY KEY (source, batch_id)
);
