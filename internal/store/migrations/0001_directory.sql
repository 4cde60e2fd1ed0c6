-- The directory: children and who is working with them. Dates are
-- YYYY-MM-DD text and times RFC 3339 UTC text in both databases, so the SQL
-- is shared and they sort correctly. Contact details are a small JSON object.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE children (
	id            TEXT PRIMARY KEY,
	given_names   TEXT NOT NULL,
	family_name   TEXT NOT NULL,
	gender        TEXT NOT NULL,
	date_of_birth TEXT NOT NULL,
	date_of_death TEXT NOT NULL DEFAULT '',
	address_status TEXT NOT NULL,
	return_intent TEXT NOT NULL DEFAULT '',
	la_code       TEXT NOT NULL,
	version       BIGINT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) /*WITHOUT ROWID*/; -- keyed by its text ID: one b-tree descent per look-up on SQLite
CREATE INDEX children_la ON children (la_code);

CREATE TABLE former_names (
	child_id TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	position BIGINT NOT NULL,
	name     TEXT NOT NULL,
	PRIMARY KEY (child_id, position)
);

CREATE TABLE addresses (
	id          TEXT PRIMARY KEY,
	child_id    TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	line_1      TEXT NOT NULL,
	line_2      TEXT NOT NULL,
	town        TEXT NOT NULL,
	postcode    TEXT NOT NULL,
	la_code     TEXT NOT NULL,
	from_date   TEXT NOT NULL,
	to_date     TEXT NOT NULL,
	source      TEXT NOT NULL,
	user_id     TEXT NOT NULL,
	recorded_at TEXT NOT NULL
);
CREATE INDEX addresses_child ON addresses (child_id);

CREATE TABLE parents (
	id           TEXT PRIMARY KEY,
	child_id     TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	position     BIGINT NOT NULL,
	name         TEXT NOT NULL,
	relationship TEXT NOT NULL,
	parental_responsibility BOOLEAN NOT NULL,
	contact      TEXT NOT NULL,
	source       TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	recorded_at  TEXT NOT NULL
);
CREATE INDEX parents_child ON parents (child_id);

CREATE TABLE education (
	id            TEXT PRIMARY KEY,
	child_id      TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	urn           TEXT NOT NULL,
	home_educated BOOLEAN NOT NULL,
	contact       TEXT NOT NULL,
	start_date    TEXT NOT NULL,
	end_date      TEXT NOT NULL,
	source        TEXT NOT NULL,
	user_id       TEXT NOT NULL,
	recorded_at   TEXT NOT NULL
);
CREATE INDEX education_child ON education (child_id);

CREATE TABLE health (
	id          TEXT PRIMARY KEY,
	child_id    TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	name        TEXT NOT NULL,
	ods_code    TEXT NOT NULL,
	contact     TEXT NOT NULL,
	start_date  TEXT NOT NULL,
	end_date    TEXT NOT NULL,
	source      TEXT NOT NULL,
	user_id     TEXT NOT NULL,
	recorded_at TEXT NOT NULL
);
CREATE INDEX health_child ON health (child_id);

CREATE TABLE involvements (
	id                TEXT PRIMARY KEY,
	child_id          TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	service           TEXT NOT NULL,
	organisation      TEXT NOT NULL,
	practitioner_name TEXT NOT NULL,
	role              TEXT NOT NULL,
	contact           TEXT NOT NULL,
	start_date        TEXT NOT NULL,
	end_date          TEXT NOT NULL,
	source            TEXT NOT NULL,
	user_id           TEXT NOT NULL,
	recorded_at       TEXT NOT NULL
);
CREATE INDEX involvements_child ON involvements (child_id);

CREATE TABLE lead_professionals (
	id           TEXT PRIMARY KEY,
	child_id     TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	organisation TEXT NOT NULL,
	role         TEXT NOT NULL,
	contact      TEXT NOT NULL,
	start_date   TEXT NOT NULL,
	end_date     TEXT NOT NULL,
	source       TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	recorded_at  TEXT NOT NULL
);
CREATE INDEX lead_professionals_child ON lead_professionals (child_id);

CREATE TABLE cafs (
	id           TEXT PRIMARY KEY,
	child_id     TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	undertaken   TEXT NOT NULL,
	holder_name  TEXT NOT NULL,
	organisation TEXT NOT NULL,
	contact      TEXT NOT NULL,
	end_date     TEXT NOT NULL,
	source       TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	recorded_at  TEXT NOT NULL
);
CREATE INDEX cafs_child ON cafs (child_id);

-- Identifiers are held as keyed hashes (for look-up) and sealed values
-- (shown back only to the source that supplied them), never in clear.
CREATE TABLE identifiers (
	child_id TEXT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
	kind     TEXT NOT NULL,
	source   TEXT NOT NULL,
	hash     TEXT NOT NULL,
	sealed   TEXT NOT NULL,
	PRIMARY KEY (child_id, kind, source, hash)
);
CREATE INDEX identifiers_hash ON identifiers (hash);

CREATE TABLE sources (
	name         TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	organisation TEXT NOT NULL,
	created_at   TEXT NOT NULL
);
