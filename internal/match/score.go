package match

// Score returns the probability, 0..1, that candidate is the child a search
// describes, from the Fellegi–Sunter weights of the fields present in the
// query (a field missing on either side weighs nothing) and model.Lambda as
// the prior. To score many candidates against one query, prepare the query
// once and use ScorePrepared.
func Score(query, candidate Record, model *Model) float64 {
	return ScorePrepared(Prepare(query), Prepare(candidate), model)
}

// ScorePrepared is Score for prepared records.
func ScorePrepared(query, candidate *Prepared, model *Model) float64 {
	return Probability(model.MatchWeight(ComparePrepared(query, candidate)), model.Lambda)
}

// ScoreWeight returns the match weight Score turns into a probability.
// Probabilities saturate at 1 for very strong matches; sort by weight when
// two candidates both score 1.
func ScoreWeight(query, candidate *Prepared, model *Model) float64 {
	return model.MatchWeight(ComparePrepared(query, candidate))
}
