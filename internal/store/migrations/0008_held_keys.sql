-- The blocking keys a source record held for review looks up
-- (match.QueryKeys of the record), so that an import which makes a child
-- finds, by the child's own keys, the held records that child may settle
-- (a twin's record held beside the other twin until its own child was
-- made). Rows of records no longer held are deleted when their review
-- item closes in an import; a reader keeps only open items' rows.
CREATE TABLE held_keys (
	key         TEXT NOT NULL,
	source      TEXT NOT NULL,
	record_hash TEXT NOT NULL,
	PRIMARY KEY (key, source, record_hash)
);
CREATE INDEX held_keys_record ON held_keys (source, record_hash);
