package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/store"
)

// TestModelTrainAndExplain trains the import's model from a generated
// directory and the next source's feed, imports that feed with it, and
// reads every decision's explanation back from export links --explain.
func TestModelTrainAndExplain(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "cp.db")
	work := filepath.Join(dir, "gen")
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, err := runFull(t, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	mustRun("gen", "--children", "3000", "--seed", "4", "--out", work)
	mustRun("source", "add", "--db", db, "--name", "benefits", "--kind", "benefits")
	mustRun("source", "add", "--db", db, "--name", "health", "--kind", "health")
	health := filepath.Join(work, "sources", "health.csv")
	if _, _, err := runFull(t, "model", "train", "--db", db, "--source", "health", health); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Errorf("train on an empty directory: got %v; want an error saying it is too small", err)
	}
	mustRun("import", "--db", db, "--source", "benefits", "--progress=false", filepath.Join(work, "sources", "benefits.csv"))
	if out := mustRun("model", "show", "--db", db); !strings.Contains(out, "no model trained") {
		t.Errorf("model show before training: %q; want it to say none is trained", out)
	}
	out := mustRun("model", "train", "--db", db, "--source", "health", health)
	for _, want := range []string{"saved: import uses this model", "share of records found", "dob", "transposed",
		"records repeating an earlier one of the feed", "prior, same source"} {
		if !strings.Contains(out, want) {
			t.Errorf("model train printed %q; want %q in it", out, want)
		}
	}
	if out := mustRun("model", "show", "--db", db); !strings.Contains(out, "trained_at") || !strings.Contains(out, "source health") {
		t.Errorf("model show after training: %q; want the trained model and its report", out)
	}
	mustRun("import", "--db", db, "--source", "health", "--progress=false", health)
	out = mustRun("export", "links", "--db", db, "--source", "health", "--explain")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "source,source_record_id,contactpoint_id,status,explanation" {
		t.Fatalf("header %q; want the contract's columns and explanation", got)
	}
	decisions := map[string]int{}
	for _, r := range rows[1:] {
		var e store.Explanation
		if err := json.Unmarshal([]byte(r[4]), &e); err != nil {
			t.Fatalf("row %v: explanation is not JSON: %v", r, err)
		}
		decisions[e.Decision]++
		if !strings.HasPrefix(e.Model, "trained ") {
			t.Errorf("row %v: model %q; want the trained one", r, e.Model)
		}
		switch e.Decision {
		case "link":
			if r[3] != "linked" || string(e.Against) != r[2] || len(e.Fields) != 6 {
				t.Fatalf("link %v: explanation %+v; want the linked child and six fields", r, e)
			}
			sum := 0.0
			for _, f := range e.Fields {
				sum += f.Weight
			}
			if math.Abs(sum-e.Weight) > 1e-6 {
				t.Errorf("link %v: fields weigh %v in all, the total says %v", r, sum, e.Weight)
			}
			if e.Probability < 0.9 && e.Rule == "" {
				t.Errorf("link %v at probability %v with no rule: below the link threshold", r, e.Probability)
			}
		case "review":
			if r[3] != "review" || e.Rule == "" {
				t.Errorf("review %v: explanation %+v; want the reason", r, e)
			}
		case "new-child":
			if r[3] != "linked" || r[2] == "" {
				t.Errorf("new child %v: want linked to the child it made", r)
			}
		default:
			t.Errorf("row %v: decision %q", r, e.Decision)
		}
	}
	if decisions["link"] < (len(rows)-1)*8/10 || decisions["new-child"] == 0 {
		t.Errorf("decisions %v of %d records; want most linked and some new children", decisions, len(rows)-1)
	}
}
