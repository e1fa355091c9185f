// Package demo owns the deterministic sample data behind `vitalsigns serve
// --demo`: a fictional authority ("Demo Borough Council") with eight teams,
// three years of figures for every indicator in a catalogue, and a handful of
// named stories (scenarios) taken from the scrutiny committee minutes that the
// product was built for, so that a new user sees green, amber and red
// indicators, trends and forecasts at once.
//
// The data is generated, not typed in: every figure comes from a PCG source
// seeded with the caller's seed and the indicator's id, so the same seed and
// the same instant always give the same observations, and adding an
// indicator to the catalogue does not change the others' figures.
//
// Periods: monthly indicators get the 36 months ending with the last
// complete month before now. Weekly and fortnightly indicators get as many
// weeks (fortnights) ending on a Sunday as fall in those 36 months, moved
// later so that the last is the last complete week before now: a weekly
// figure is never weeks late. Quarterly and annual
// indicators get the financial quarters and years that end in the span.
//
// Teams: only the teams that are nobody's parent (the leaves) get figures of
// their own. A parent team's figure and the authority's figure are the
// aggregate of the leaves under them, by the indicator's aggregation: sum,
// ratio (summed numerators over summed denominators) or mean (over the
// leaves). An indicator whose aggregation is none gets an independent series
// for every team and for the authority.
//
// It imports the domain package only (its tests also use config).
package demo
