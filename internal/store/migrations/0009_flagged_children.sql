-- The children a search or an import must treat apart: shielded, archived
-- or merged into another. A candidate query joins each candidate to this
-- index alone (a left join on its condition, flaggedChild in index.go),
-- not to the children table: a few children among millions, so the join
-- reads a small hot index instead of one children row a candidate, and
-- the flags still come from the children table itself, in the query's
-- own snapshot.
CREATE INDEX children_flagged ON children (id) WHERE shielded OR archived_on <> '' OR merged_into <> '';
