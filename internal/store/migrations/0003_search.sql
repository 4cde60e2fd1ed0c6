-- The search index. child_keys holds each child's blocking keys (see the
-- match package); child_match a compact copy of what matching and the
-- result list need, so a search reads one row per candidate. Both are
-- derived from the record and rewritten in the transaction that changes it.

-- child_keys has no foreign key and no index by child: it is the largest
-- table (about 14 rows a child), so the store removes a child's old keys by
-- recomputing them from child_match rather than paying for a second index.
CREATE TABLE child_keys (
	key      TEXT NOT NULL,
	child_id TEXT NOT NULL,
	PRIMARY KEY (key, child_id)
) /*WITHOUT ROWID*/;

CREATE TABLE child_match (
	child_id TEXT PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE,
	data     TEXT NOT NULL
) /*WITHOUT ROWID*/;
