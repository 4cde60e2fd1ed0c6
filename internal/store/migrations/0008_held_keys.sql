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

-- Held records an import's new children met (by held_keys), marked in the
-- batch that made the children and looked at again at the import's end:
-- marked in the batch's transaction, so that an import killed before its
-- end leaves them for the next import's end to look at.
CREATE TABLE held_recheck (
	source      TEXT NOT NULL,
	record_hash TEXT NOT NULL,
	PRIMARY KEY (source, record_hash)
);
