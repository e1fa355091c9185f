package benchmark

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// ErrAuthority is wrapped by Apply's errors about the configured authority.
var ErrAuthority = errors.New("authority")

// Apply returns a copy of cat whose mapped indicators carry the England,
// region and statistical-neighbour benchmarks of the latest year the set
// holds, and the authority's Standing. A benchmark the catalogue sets
// itself (from a user's --config) wins over the data for its source.
// Without an authority code only England's figures are drawn. warnings
// name mappings the data cannot serve; err is about the authority (an
// unknown code, or one absent from the chosen neighbour model) and wraps
// ErrAuthority.
func (s *Set) Apply(cat *vs.Catalogue) (out *vs.Catalogue, warnings []error, err error) {
	c := *cat
	c.Indicators = slices.Clone(cat.Indicators)
	var code string
	var group *Group
	model := cat.Authority.NeighbourModel()
	if cat.Authority.LACode != "" {
		code, err = s.Resolve(cat.Authority.LACode)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: la_code: %w", ErrAuthority, err)
		}
		g, ok := s.Grouping(model)
		if !ok {
			return nil, nil, fmt.Errorf("%w: no statistical-neighbour grouping of the %s model", ErrAuthority, model)
		}
		grp, ok := g.Authorities[code]
		if !ok {
			other := Model2021
			if model == Model2021 {
				other = Model2025
			}
			hint := ""
			if og, ok := s.Grouping(other); ok {
				if _, ok := og.Authorities[code]; ok {
					hint = fmt.Sprintf(": set statistical_neighbours: %q", other)
				}
			}
			return nil, nil, fmt.Errorf("%w: %s has no group in DfE's %s statistical-neighbour model%s", ErrAuthority, code, model, hint)
		}
		group = &grp
	}
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		if ind.DfE == nil {
			continue
		}
		m := Measure{Column: ind.DfE.Measure, Where: ind.DfE.Where, Scale: ind.DfE.Scale}
		figs, file, err := s.Figures(m)
		if err != nil {
			warnings = append(warnings, fmt.Errorf("indicator %s: %w", ind.ID, err))
			continue
		}
		cmp := Compare(figs, code, group, ind.Polarity)
		year := strconv.Itoa(cmp.Year.End)
		sub := func(t string) string { return strings.ReplaceAll(t, "{year}", year) }
		base := vs.Benchmark{Reference: sub(ind.DfE.Reference), Year: cmp.Year.Label, Publication: sub(ind.DfE.Publication),
			Dataset: file + ": " + m.String()}
		var drawn []vs.Benchmark
		if f := cmp.England; f != nil && f.Status == Published {
			b := base
			b.Source, b.Value = vs.BenchmarkEngland, f.Value
			drawn = append(drawn, b)
		}
		if code == "" {
			ind.Benchmarks = merge(ind.Benchmarks, drawn)
			continue
		}
		if f := cmp.Region; f != nil && f.Status == Published {
			b := base
			b.Source, b.Value = vs.BenchmarkRegion, f.Value
			drawn = append(drawn, b)
		}
		if cmp.NeighboursUsed > 0 {
			b := base
			b.Source, b.Value = vs.BenchmarkStatisticalNeighbours, cmp.NeighbourMean
			drawn = append(drawn, b)
		}
		ind.Benchmarks = merge(ind.Benchmarks, drawn)
		st := &vs.Standing{Year: cmp.Year.Label, Reference: base.Reference, Publication: base.Publication, Dataset: base.Dataset,
			Rank: cmp.Rank, Ranked: cmp.Ranked, Band: cmp.Band, Model: model, NeighboursUsed: cmp.NeighboursUsed}
		if cmp.HasOwn {
			st.Authority = cmp.Own.Name
			st.HasValue = cmp.Own.Status == Published
			st.Value = cmp.Own.Value
			if cmp.Own.Combined() {
				st.Combined = cmp.Own.Name
			}
		}
		for _, n := range cmp.Neighbours {
			nv := vs.NeighbourValue{Code: n.Code, Status: "no row of its own"}
			if n.Figure != nil {
				nv.Name, nv.Status, nv.Value = n.Figure.Name, string(n.Figure.Status), n.Figure.Value
			}
			if nv.Name == "" {
				if g, ok := s.Grouping(model); ok {
					nv.Name = g.Authorities[n.Code].Name
				}
			}
			st.Neighbours = append(st.Neighbours, nv)
		}
		ind.Standing = st
	}
	return &c, warnings, nil
}

// merge returns the configured benchmarks plus those drawn from the data
// for every source the configuration does not set.
func merge(configured, drawn []vs.Benchmark) []vs.Benchmark {
	out := slices.Clone(configured)
	for _, b := range drawn {
		if !slices.ContainsFunc(configured, func(c vs.Benchmark) bool { return c.Source == b.Source }) {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b vs.Benchmark) int {
		return slices.Index(vs.BenchmarkSources(), a.Source) - slices.Index(vs.BenchmarkSources(), b.Source)
	})
	return out
}
