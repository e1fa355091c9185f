package benchmark

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
)

// idColumns are the tidy columns WriteLatest keeps beside the measures.
var idColumns = []string{"time_period", "time_identifier", "geographic_level", "country_code", "country_name",
	"region_code", "region_name", "old_la_code", "new_la_code", "la_name"}

// WriteLatest writes, as a tidy file, the rows of the latest year of t
// that any of ms picks, with the identifying columns and those the
// measures name: the small extract built into the binary.
func WriteLatest(w io.Writer, t *Table, ms []Measure) error {
	cols := slices.Clone(idColumns)
	for _, m := range ms {
		extra := append([]string{m.Column}, slices.Sorted(maps.Keys(m.Where))...)
		for _, c := range extra {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	latest := 0
	for _, r := range t.rows {
		if y, err := ParseYear(t.get(r, "time_period")); err == nil && y.End > latest {
			latest = y.End
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, r := range t.rows {
		y, err := ParseYear(t.get(r, "time_period"))
		if err != nil || y.End != latest {
			continue
		}
		if !slices.ContainsFunc(ms, func(m Measure) bool { return t.matches(r, m.Where) }) {
			continue
		}
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = t.get(r, c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteGrouping writes g in its own layout (the 2025 model's or the 2021
// model's), authorities in code order.
func WriteGrouping(w io.Writer, g *Grouping) error {
	var l *groupingLayout
	for i := range groupingLayouts {
		if groupingLayouts[i].model == g.Model {
			l = &groupingLayouts[i]
		}
	}
	if l == nil {
		return fmt.Errorf("grouping model %q has no layout", g.Model)
	}
	header := []string{l.codes[0], l.name, l.region}
	for k := 1; k <= l.neighbours; k++ {
		header = append(header, l.neighbour(k))
		if l.closeness != nil {
			header = append(header, l.closeness(k))
		} else {
			header = append(header, "SNP")
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	codes := slices.SortedFunc(maps.Keys(g.Authorities), func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	for _, c := range codes {
		a := g.Authorities[c]
		rec := []string{a.Code, a.Name, a.Region}
		for _, n := range a.Neighbours {
			rec = append(rec, n.Code, n.Closeness)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
