-- Matching models trained from the directory and a feed (contactpoint
-- model train): the import uses the newest of its name. data is the
-- match.Model as JSON, report what training measured (pairs, the
-- estimated prior, the EM's iterations), so a link's weights can always be
-- traced to the model that gave them.
CREATE TABLE match_models (
	name       TEXT NOT NULL,
	trained_at TEXT NOT NULL,
	data       TEXT NOT NULL,
	report     TEXT NOT NULL,
	PRIMARY KEY (name, trained_at)
);
