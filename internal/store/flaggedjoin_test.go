package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// TestCandidateQueriesJoinFlaggedIndex: the candidate query and the
// import's match data query reach a candidate's children row only through
// the partial index of shielded, archived and merged children
// (dialect.flaggedJoin, migration 0009), so that the join reads a small
// index, not a children row a candidate. A planner takes a partial index
// only when the query's condition repeats the index's: a change to either
// one alone would read the whole row again, or on SQLite fail.
func TestCandidateQueriesJoinFlaggedIndex(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	plan := func(q string, args []any) string {
		t.Helper()
		rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "\n")
	}
	cq, cargs := candidateQuery(db.dialect, []string{"Fkey1", "Gkey2"}, 50)
	b := &Batch{tx: &Tx{db: db}}
	mq, margs := b.matchDataQuery([]domain.ID{"a", "b"})
	for name, p := range map[string]string{"candidate query": plan(cq, cargs), "match data query": plan(mq, margs)} {
		if !strings.Contains(p, "USING INDEX children_flagged") {
			t.Errorf("%s does not join children through children_flagged:\n%s", name, p)
		}
		if strings.Contains(p, "ch USING PRIMARY KEY") || strings.Contains(p, "SCAN ch") {
			t.Errorf("%s reads children rows beside the flagged index:\n%s", name, p)
		}
	}
}
