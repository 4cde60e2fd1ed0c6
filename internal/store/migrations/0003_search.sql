-- The search index. child_keys holds each child's blocking keys (see the
-- match package); child_match a compact copy of what matching and the
-- result list need, so a search reads one row per candidate. Both are
-- derived from the record and rewritten in the transaction that changes it.

CREATE TABLE child_keys (
	key      TEXT NOT NULL,
	child_id TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	PRIMARY KEY (key, child_id)
) /*WITHOUT ROWID*/;
CREATE INDEX child_keys_child ON child_keys (child_id);

CREATE TABLE child_match (
	child_id TEXT PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE,
	data     TEXT NOT NULL
);
