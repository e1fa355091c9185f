package benchmark

import (
	"slices"

	vs "github.com/vitalsigns/vitalsigns"
)

// Comparison is how one authority stands on one measure in the latest
// year the figures hold.
type Comparison struct {
	Year Year
	// Own is the authority's row: its own, or the combined row it is
	// part of (DfE publishes Kingston and Richmond as "314 / 318"). HasOwn
	// is false when the year has no row for it.
	Own    Figure
	HasOwn bool
	// England and Region are nil when the year has no such row; Region is
	// the Regional row with the authority row's region_code.
	England, Region *Figure
	// Neighbours are the authority's statistical neighbours, each with
	// its figure (nil when it has no row of its own, as inside a combined
	// row) and whether the mean used it.
	Neighbours []NeighbourFigure
	// NeighbourMean is the mean of the neighbours with a published value;
	// NeighboursUsed says how many (of len(Neighbours)). It exists only
	// when NeighboursUsed > 0.
	NeighbourMean  float64
	NeighboursUsed int
	// Rank is the authority's place among the Ranked authorities with a
	// published value, by competition ranking (ties share the best rank;
	// a combined row counts once); 1 is the best by polarity, or the
	// highest for a neutral indicator. 0 when the authority has no value.
	Rank, Ranked int
	// Band is the quartile band, "A" (best quarter) to "D"; "" unranked.
	Band string
}

// NeighbourFigure is one statistical neighbour's figure.
type NeighbourFigure struct {
	Neighbour
	Figure *Figure
	Used   bool
}

// Latest returns the latest year among figs; ok is false when figs is empty.
func Latest(figs []Figure) (y Year, ok bool) {
	for _, f := range figs {
		if !ok || f.Year.End > y.End {
			y, ok = f.Year, true
		}
	}
	return y, ok
}

// Compare works out where authority (an old_la_code) stands in the latest
// year of figs, the rows of one measure. group is its statistical-neighbour
// group, or nil for none.
func Compare(figs []Figure, authority string, group *Group, polarity vs.Polarity) Comparison {
	var c Comparison
	year, ok := Latest(figs)
	if !ok {
		return c
	}
	c.Year = year
	own := map[string]*Figure{} // every authority's row by each code it covers
	exact := map[string]*Figure{}
	var ranked []*Figure
	for i := range figs {
		f := &figs[i]
		if f.Year.End != year.End {
			continue
		}
		switch f.Level {
		case National:
			c.England = f
		case LocalAuthority:
			for _, code := range f.Codes() {
				own[code] = f
			}
			exact[f.Code] = f
			if f.Status == Published {
				ranked = append(ranked, f)
			}
		}
	}
	if f, ok := own[authority]; ok {
		c.Own, c.HasOwn = *f, true
		for i := range figs {
			r := &figs[i]
			if r.Year.End == year.End && r.Level == Regional && r.Code != "" && r.Code == f.RegionCode {
				c.Region = r
			}
		}
	}
	if group != nil {
		var sum float64
		for _, n := range group.Neighbours {
			nf := NeighbourFigure{Neighbour: n, Figure: exact[n.Code]}
			if nf.Figure != nil && nf.Figure.Status == Published {
				nf.Used = true
				sum += nf.Figure.Value
				c.NeighboursUsed++
			}
			c.Neighbours = append(c.Neighbours, nf)
		}
		if c.NeighboursUsed > 0 {
			c.NeighbourMean = sum / float64(c.NeighboursUsed)
		}
	}
	if c.HasOwn && c.Own.Status == Published {
		c.Ranked = len(ranked)
		c.Rank = 1
		for _, f := range ranked {
			if better(f.Value, c.Own.Value, polarity) {
				c.Rank++
			}
		}
		c.Band = Band(c.Rank, c.Ranked)
	}
	return c
}

// better reports whether a is better than b by polarity; for a neutral
// measure the higher ranks first.
func better(a, b float64, p vs.Polarity) bool {
	if p == vs.LowerIsBetter {
		return a < b
	}
	return a > b
}

// Band returns the quartile band of rank among n: A for ranks up to
// ⌈n/4⌉, B up to ⌈n/2⌉, C up to ⌈3n/4⌉, else D.
func Band(rank, n int) string {
	if rank < 1 || n < 1 {
		return ""
	}
	ceil := func(k int) int { return (k*n + 3) / 4 }
	for i, b := range []string{"A", "B", "C"} {
		if rank <= ceil(i+1) {
			return b
		}
	}
	return "D"
}

// Bands lists the quartile bands, best first.
func Bands() []string { return slices.Clone([]string{"A", "B", "C", "D"}) }
