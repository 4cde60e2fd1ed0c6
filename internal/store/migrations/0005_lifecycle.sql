-- Local authority duties and the record's life: shields, the authority's
-- ContactPoint team, override permissions and alerts, sensitive services,
-- responsibility and moves, archiving and purging, and monthly reports.

-- A shield hides a child's whereabouts and services from everyone but the
-- child's authority. children.shielded (0004) is the flag feeds read; this
-- table holds why and when the shield is next reviewed.
CREATE TABLE shields (
	child_id   TEXT PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE,
	la_code    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	review_on  TEXT NOT NULL,
	shielded_by TEXT NOT NULL,
	shielded_at TEXT NOT NULL
);
CREATE INDEX shields_review ON shields (la_code, review_on);

-- Each authority's ContactPoint team, who broker contact for shielded
-- children and sensitive services. An authority with no row gets a
-- synthetic default (domain.DefaultLATeam).
CREATE TABLE la_teams (
	la_code    TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	phone      TEXT NOT NULL,
	email      TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- Permissions granted to named users beyond their roles, such as
-- child-protection-override.
CREATE TABLE user_permissions (
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	permission TEXT NOT NULL,
	granted_by TEXT NOT NULL,
	granted_at TEXT NOT NULL,
	PRIMARY KEY (user_id, permission)
);

-- Alerts for an authority's team that need a person to look now (an
-- override of a shield).
CREATE TABLE alerts (
	id       TEXT PRIMARY KEY,
	la_code  TEXT NOT NULL,
	kind     TEXT NOT NULL,
	child_id TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	at       TEXT NOT NULL,
	seen     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX alerts_la ON alerts (la_code, seen, at);

-- Sensitive services are recorded only with a basis: consent or
-- significant-harm. Empty for every other service.
ALTER TABLE involvements ADD COLUMN basis TEXT NOT NULL DEFAULT '';

-- Responsibility moves with the child's current address; the history stays.
CREATE TABLE transfers (
	id       TEXT PRIMARY KEY,
	child_id TEXT NOT NULL,
	from_la  TEXT NOT NULL,
	to_la    TEXT NOT NULL,
	at       TEXT NOT NULL
);
CREATE INDEX transfers_child ON transfers (child_id, at);

-- Notifications for an authority's team that can wait for the working day
-- (a child moved in or out).
CREATE TABLE notifications (
	id       TEXT PRIMARY KEY,
	la_code  TEXT NOT NULL,
	kind     TEXT NOT NULL,
	child_id TEXT NOT NULL,
	detail   TEXT NOT NULL,
	at       TEXT NOT NULL,
	seen     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX notifications_la ON notifications (la_code, seen, at);

-- The record's life. archived_on is set at the 18th birthday (or the end of
-- an extension, or a year after a death was notified); the record leaves
-- search and view and is purged some years later.
ALTER TABLE children ADD COLUMN archived_on TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN death_notified TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN extended_until TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN extension_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN consent_recorded TEXT NOT NULL DEFAULT '';
CREATE INDEX children_life ON children (archived_on, date_of_birth);

-- Reports written by the nightly job (the monthly children-missing-education
-- list), one per authority, kind and period.
CREATE TABLE reports (
	la_code    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	period     TEXT NOT NULL,
	on_date    TEXT NOT NULL,
	rows       BIGINT NOT NULL,
	data       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (la_code, kind, period)
);
