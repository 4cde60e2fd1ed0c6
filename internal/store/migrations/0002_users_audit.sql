-- Users, sessions and the audit trail. Times are RFC 3339 UTC text and dates
-- YYYY-MM-DD text, as in 0001. Secrets are never held in clear: passwords and
-- PINs as argon2id PHC strings, the TOTP secret sealed with the server key,
-- sessions by the SHA-256 of their token.

CREATE TABLE users (
	id                 TEXT PRIMARY KEY,
	username           TEXT NOT NULL UNIQUE,
	kind               TEXT NOT NULL DEFAULT 'person', -- person, source or cms
	full_name          TEXT NOT NULL,
	roles              TEXT NOT NULL,                  -- comma-separated domain.Role
	la_code            TEXT NOT NULL,
	organisation       TEXT NOT NULL,
	phone              TEXT NOT NULL,
	email              TEXT NOT NULL,
	dbs_number         TEXT NOT NULL,
	dbs_issued         TEXT NOT NULL,
	training_completed TEXT NOT NULL,
	agreement_signed   TEXT NOT NULL,
	password_hash      TEXT NOT NULL,
	pin_hash           TEXT NOT NULL,
	totp_secret        TEXT NOT NULL,                  -- sealed; never clear
	last_totp_step     BIGINT NOT NULL DEFAULT 0,      -- each code is accepted once
	failed_sign_ins    BIGINT NOT NULL DEFAULT 0,
	locked             BOOLEAN NOT NULL DEFAULT FALSE,
	suspended          BOOLEAN NOT NULL DEFAULT FALSE,
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL
);
CREATE INDEX users_la ON users (la_code);

-- A session is found by the SHA-256 (hex) of its bearer token; the token
-- itself is never stored.
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,  -- web or api
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL,  -- absolute: no activity extends it
	revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The reason given for looking at a child, once per child per session.
CREATE TABLE session_reasons (
	session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	child_id   TEXT NOT NULL,
	reason     TEXT NOT NULL,
	given_at   TEXT NOT NULL,
	PRIMARY KEY (session_id, child_id)
);

-- The audit trail: an append-only hash chain. mac = HMAC(audit key,
-- prev_mac, canonical entry). No foreign keys: entries outlive what they
-- name. detail is JSON holding IDs and criteria, never a child's details.
CREATE TABLE audit_log (
	seq      BIGINT PRIMARY KEY,
	at       TEXT NOT NULL,
	user_id  TEXT NOT NULL,
	la_code  TEXT NOT NULL,
	action   TEXT NOT NULL,
	child_id TEXT NOT NULL,
	detail   TEXT NOT NULL,
	prev_mac TEXT NOT NULL,
	mac      TEXT NOT NULL
);
CREATE INDEX audit_log_child ON audit_log (child_id, seq);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The head of the chain: the last entry's seq and mac, and a MAC over both
-- (head_mac) so that truncating the log and fixing the head is seen.
-- Appenders lock this row (PostgreSQL) to take turns.
CREATE TABLE audit_head (
	id       BIGINT PRIMARY KEY,
	seq      BIGINT NOT NULL,
	mac      TEXT NOT NULL,
	head_mac TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, mac, head_mac) VALUES (1, 0, '', '');
