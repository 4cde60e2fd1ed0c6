package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
	"github.com/contactpoint/contactpoint/internal/feed"
	"github.com/contactpoint/contactpoint/internal/match"
	"github.com/contactpoint/contactpoint/internal/store"
)

// modelTrain estimates the import's matching model from the directory and
// a source's feed (feed.Train), saves it as the one import uses from then
// on (unless --dry-run), and prints how it was trained and its weights.
func (m *Main) modelTrain(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("model train", &c)
	source := fs.String("source", "", "the source system the file comes from (see source add)")
	records := fs.Int("records", 0, "feed records to sample (0: 20,000)")
	children := fs.Int("children", 0, "children to sample for the chance agreement u (0: 2,000)")
	seed := fs.Uint64("seed", 1, "the sampling's seed")
	dry := fs.Bool("dry-run", false, "print the model without saving it")
	pos, err := parse(fs, args)
	if err != nil {
		return helpOK(err)
	}
	if len(pos) != 1 {
		return usageError("model train: name one file: contactpoint model train --source NAME FILE")
	}
	if *source == "" {
		return usageError("model train: --source is required")
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	if _, err := m.db.Source(ctx, *source); err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("model train: %w", err)
	}
	defer f.Close()
	r, err := feed.NewReader(pos[0], f)
	if err != nil {
		return err
	}
	start := time.Now()
	model, rep, err := feed.Train(ctx, m.db, r, feed.TrainOptions{Source: *source, Records: *records, Children: *children,
		Seed: *seed, Now: m.Now})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "trained in %s\n", time.Since(start).Round(time.Millisecond))
	printReport(m.Stdout, rep)
	printModel(m.Stdout, &model)
	if *dry {
		return nil
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	saved := &store.MatchModel{Name: feed.ModelName, Model: model, Report: report}
	if err := m.db.SaveModel(ctx, saved); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "saved: import uses this model from now on (trained_at %s)\n", saved.TrainedAt.Format(time.RFC3339))
	return nil
}

// modelShow prints the model import uses: the newest trained one, or the
// built-in one.
func (m *Main) modelShow(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("model show", &c)
	if pos, err := parse(fs, args); err != nil {
		return helpOK(err)
	} else if len(pos) > 0 {
		return usageError(fmt.Sprintf("model show: unexpected argument %q", pos[0]))
	}
	if err := m.setup(ctx, &c, false); err != nil {
		return err
	}
	saved, err := m.db.LatestModel(ctx, feed.ModelName)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		fmt.Fprintln(m.Stdout, "no model trained: import uses the built-in one")
		model := feed.ImportModel()
		printModel(m.Stdout, &model)
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintf(m.Stdout, "trained_at %s\n", saved.TrainedAt.Format(time.RFC3339))
	var rep feed.TrainReport
	if err := json.Unmarshal(saved.Report, &rep); err == nil {
		printReport(m.Stdout, rep)
	}
	printModel(m.Stdout, &saved.Model)
	return nil
}

func printReport(w io.Writer, r feed.TrainReport) {
	fmt.Fprintf(w, "source %s: %d of %d records compared with their candidates (%d pairs); directory %d children\n",
		r.Source, r.Records, r.Read, r.Pairs, r.Children)
	fmt.Fprintf(w, "u: %d random pairs of %d children, %d candidate pairs\n", r.RandomPairs, r.Sampled, r.CandidatePairs)
	fmt.Fprintf(w, "share of records found %.4f (%d by the strict rule; EM expects %.0f); prior %.3g; %d EM iterations\n",
		r.Share, r.RuleRecords, r.EMMatches, r.Lambda, r.Iterations)
	fmt.Fprintf(w, "records repeating an earlier one of the feed %d (share taken %.4f); prior for a child already holding a record of the source %.3g\n",
		r.Repeats, r.DuplicateShare, r.SameSourceLambda)
}

// printModel prints each field's levels with m, u and the weight.
func printModel(w io.Writer, model *match.Model) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "field\tlevel\tm\tu\tweight")
	for f := match.Field(0); f < match.NumFields; f++ {
		for l := match.Level(1); l < match.MaxLevels; l++ {
			if model.M[f][l] == 0 && model.U[f][l] == 0 {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%.5f\t%.3g\t%+.2f\n", f, match.LevelName(f, l), model.M[f][l], model.U[f][l], model.Weight(f, l))
		}
	}
	fmt.Fprintf(tw, "prior\t\t\t\t%.3g\nprior, same source\t\t\t\t%.3g\nlink at\t\t\t\t%.2f\nreview at\t\t\t\t%.2f\n",
		model.Lambda, model.Prior(true), model.LinkThreshold, model.ReviewThreshold)
	tw.Flush()
}
