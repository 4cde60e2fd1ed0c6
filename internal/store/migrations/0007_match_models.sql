-- Matching models trained from the directory and a feed (contactpoint
-- model train): the import uses the newest of its name. data is the
-- match.Model as JSON, report what training measured (pairs, the
-- estimated prior, the EM's iterations), so a link's weights can always be
-- traced to the model that gave them.
-- Why each source record is where it is: for a record matching linked or
-- made a new child, the decision, its probability and weight, and the
-- field-by-field levels and weights against the child (JSON); for one a
-- data manager decided, who and which review item. '' for records
-- imported before this column.
ALTER TABLE source_records ADD COLUMN explanation TEXT NOT NULL DEFAULT '';

CREATE TABLE match_models (
	name       TEXT NOT NULL,
	trained_at TEXT NOT NULL,
	data       TEXT NOT NULL,
	report     TEXT NOT NULL,
	PRIMARY KEY (name, trained_at)
);
