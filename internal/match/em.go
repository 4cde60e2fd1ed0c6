package match

import "math"

// EstimateUFrom estimates u probabilities from the comparison vectors of
// pairs that are not matches, such as random pairs of children, as
// EstimateU does, but a level seen fewer than minSeen times keeps prior's
// u: a sample of a few million random pairs cannot measure a level as rare
// as two children sharing a postcode by chance or an identifier agreeing,
// and a pseudo-count would set its u from the sample's size rather than
// the data. The estimated levels of a field share what the kept ones leave.
func EstimateUFrom(pairs []Vector, prior Table, minSeen int) Table {
	var counts [NumFields][MaxLevels]float64
	for i := range pairs {
		for f := range NumFields {
			if l := pairs[i].Levels[f]; l > 0 && int(l) < MaxLevels {
				counts[f][l]++
			}
		}
	}
	out := prior
	for f := range NumFields {
		kept, seen := 0.0, 0.0
		for l := 1; l < numLevels[f]; l++ {
			if counts[f][l] < float64(minSeen) {
				kept += prior[f][l]
			} else {
				seen += counts[f][l]
			}
		}
		if seen == 0 || kept >= 1 {
			continue
		}
		for l := 1; l < numLevels[f]; l++ {
			if counts[f][l] >= float64(minSeen) {
				out[f][l] = (1 - kept) * counts[f][l] / seen
			}
		}
	}
	return out
}

// EstimateMGrouped re-estimates the m probabilities of model by
// expectation maximisation over groups of comparison vectors, each group
// the candidates blocking found for one source record, with u and share
// fixed, estimated directly as Splink does (free-running EM drifts towards
// whatever splits the pairs best, not match status). model.U must be u
// among candidates: measured on pairs of distinct children that the same
// blocking brings together, where brothers and sisters at one address and
// namesakes are common. With u from random pairs instead, a brother (family
// name and postcode agreeing, +24 bits) looks like the child himself and
// pulls m towards households (the test shows it). The candidates of a
// group compete, since a record describes at most one child; share is the
// proportion of records whose child is among their candidates. Missing
// levels carry no weight. The returned model is model with M replaced;
// matches is the expected number of matched records in the last
// iteration, for comparison with share.
func EstimateMGrouped(groups [][]Vector, model Model, share float64, iterations int) (out Model, matches float64) {
	if len(groups) == 0 || share <= 0 || share >= 1 {
		return model, 0
	}
	logNone := math.Log2(1 - share)
	ws := []float64{}
	for range iterations {
		var counts [NumFields][MaxLevels]float64
		matches = 0
		for _, g := range groups {
			if len(g) == 0 {
				continue
			}
			// Posterior that candidate i is the record's child:
			// (share/n)·r_i / ((1−share) + (share/n)·Σ r_j), with r the
			// likelihood ratio 2^weight, in logs against overflow.
			logEach := math.Log2(share / float64(len(g)))
			ws = ws[:0]
			top := logNone
			for i := range g {
				w := logEach
				for f := range NumFields {
					w += model.Weight(f, g[i].Levels[f])
				}
				ws = append(ws, w)
				top = max(top, w)
			}
			total := math.Exp2(logNone - top)
			for _, w := range ws {
				total += math.Exp2(w - top)
			}
			for i := range g {
				p := math.Exp2(ws[i]-top) / total
				matches += p
				for f := range NumFields {
					if l := g[i].Levels[f]; l > 0 && int(l) < MaxLevels {
						counts[f][l] += p
					}
				}
			}
		}
		model.setM(counts)
	}
	return model, matches
}

// FloorM returns t with every level (missing aside) of at least floor,
// the others scaled down so each field still sums to 1: a level EM never
// saw among matches is rare, not impossible.
func FloorM(t Table, floor float64) Table {
	for f := range NumFields {
		raised, rest := 0.0, 0.0
		for l := 1; l < numLevels[f]; l++ {
			if t[f][l] < floor {
				raised += floor
			} else {
				rest += t[f][l]
			}
		}
		if rest == 0 || raised >= 1 {
			continue
		}
		scale := (1 - raised) / rest
		for l := 1; l < numLevels[f]; l++ {
			if t[f][l] < floor {
				t[f][l] = floor
			} else {
				t[f][l] *= scale
			}
		}
	}
	return t
}
