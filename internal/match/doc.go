// Package match holds the pure functions of record matching: name and
// postcode normalisation, nicknames, Double Metaphone, string similarity,
// field comparators, a Fellegi–Sunter model and blocking keys. Nothing here
// touches a database or a clock, and no package state changes after start
// up, so everything is safe for concurrent use.
//
// # Dependencies
//
// Only the standard library. Double Metaphone, Jaro-Winkler and optimal
// string alignment are small, fully specified algorithms; the Go libraries
// offering them (for example antzucaro/matchr) are little maintained,
// allocate per call and work on runes, while these versions work on the
// ASCII bytes Name produces, with stack buffers and no allocation, which is
// what lets search score hundreds of candidates in well under a
// millisecond. Double Metaphone follows the Apache Commons Codec port of
// Lawrence Philips's original, with codes of four characters.
//
// # Two callers
//
// Search: prepare the query once (Prepare), fetch candidates by QueryKeys,
// score each with ScorePrepared (about 0.2 µs a candidate) and rank by
// ScoreWeight, which does not saturate as the probability does.
//
// Import: for a source record, fetch candidates by QueryKeys, compare each
// (ComparePrepared), set Vector.TF from name frequencies if known, and take
// Model.Classify of the best: Link, Review or NewChild.
//
// # Levels and the default model
//
// Each comparator returns a Level; level 0 is always "missing" and weighs
// nothing, so Score uses only the fields present on both sides. The levels,
// strongest first:
//
//	given     exact, nickname, middle (a first name is among the other's
//	          further given names), phonetic,
//	          Jaro-Winkler ≥ 0.92, ≥ 0.85, initial, disagree
//	family    exact, part (of a double-barrelled name, or a former name),
//	          phonetic, JW ≥ 0.92, ≥ 0.85, swapped (with the given name), disagree
//	dob       exact, day/month transposed, ±1 day, year and month, year, disagree
//	gender    agree, disagree (not-specified is missing)
//	postcode  exact, previous (any postcode of one is any of the other),
//	          district, area, disagree
//	id        agree, disagree (only between identifiers of the same kind)
//
// DefaultModel sets m and u by hand (see its comment) with a prior of 1e-7
// (one child in about ten million), a link threshold of 0.99 and a review
// threshold of 0.5. Typical total weights: exact names, date of birth and
// gender +30 (probability 0.99 before postcode), plus postcode +45; twins
// with different names +31, which is why Classify has guards. EstimateU and
// EstimateM train the tables: u from random pairs, m by EM with u and the
// prior fixed.
//
// # Twins
//
// Twins share family name, date of birth and address, so the model, which
// treats fields as independent, scores them highly whatever their given
// names. Classify therefore makes a pair with clearly different first given
// names (Vector.LikelyTwin: not nickname, not phonetic, Jaro-Winkler below
// 0.85) a new child, and sends to review any other pair with the same family
// name, date of birth and postcode whose first given names are not exactly
// equal (Vector.PossibleTwin): parents often give twins sound-alike names
// (Jayden and Jaydon), so a sound-alike is not enough to link. It also never
// links a pair whose given names and dates of birth both disagree, so that a
// wrong but valid NHS number shared with a sibling goes to review.
//
// # Blocking keys
//
// Keys gives the keys to store for a child; QueryKeys the keys to look up for
// a search or source record. The stored side holds exact values (every
// name part, former family names, nickname roots, current and previous
// postcodes); the query side adds the variants (date of birth transposed
// and a day either side, given and family names swapped), so the index
// stays small while searches tolerate the errors. Kinds of key, and the
// search criteria they serve:
//
//	F dob + family sound      given+family+dob (typo or nickname in given name);
//	                          family+dob+gender+postcode
//	G dob + given sound       given+family+dob (typo in family name, former or
//	  (and nickname roots)    changed surname); given+dob+gender+postcode
//	D dob + district          family+dob+gender+postcode and
//	                          given+dob+gender+postcode with any name error
//	P postcode + given sound  given+dob+gender+postcode with the date wrong
//	Q postcode + family sound family+dob+gender+postcode with the date wrong
//	Y family sound + year +   given+family+dob with day and month both wrong
//	  given initial
//	I identifier hash         an identifier
//
// A query's date variants (transposed, ±1 day) meet the stored exact date
// in F, G and D keys; a nickname meets the stored root's code in G keys; a
// sound-alike meets the same Double Metaphone code; one part of a
// double-barrelled or a former family name meets that part's stored code;
// swapped names meet because the query also tries each name in the other
// role (with the date as given); a previous postcode meets the stored
// previous postcode. Keys are at most 25 bytes: a letter, then YYYYMMDD,
// postcodes without the space, and four-character codes; identifiers are
// cut to 24 characters.
package match
