package benchmark

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// Set is the DfE data in force, in layers: a later layer (files imported
// by the user) overrides an earlier one (the data built into the binary)
// for the same year and area, and a measure's latest year in any layer is
// the one used. Within a layer a mapping must pick the rows of exactly one
// file. A Set is built once and then only read.
type Set struct {
	layers [][]*File
}

// NewSet returns a set of the given layers, the first overridden by the
// later ones.
func NewSet(layers ...[]*File) *Set {
	return &Set{layers: layers}
}

// Grouping returns the latest layer's grouping of the model, if any.
func (s *Set) Grouping(model string) (*Grouping, bool) {
	for i := len(s.layers) - 1; i >= 0; i-- {
		for j := len(s.layers[i]) - 1; j >= 0; j-- {
			if g := s.layers[i][j].Grouping; g != nil && g.Model == model {
				return g, true
			}
		}
	}
	return nil, false
}

// Figures returns the measure's figures from every layer, a later layer's
// replacing an earlier one's for the same year, level and area. file names
// the file of the latest layer that holds it.
func (s *Set) Figures(m Measure) (figs []Figure, file string, err error) {
	type key struct {
		year        int
		level, code string
	}
	at := map[key]int{}
	for _, layer := range s.layers {
		var holders []*File
		for _, f := range layer {
			if f.Table != nil && f.Table.Holds(m) {
				holders = append(holders, f)
			}
		}
		switch len(holders) {
		case 0:
			continue
		case 1:
		default:
			names := make([]string, len(holders))
			for i, h := range holders {
				names[i] = h.Name
			}
			return nil, "", fmt.Errorf("measure %s is in more than one file (%s): add a where filter that picks one", m, strings.Join(names, ", "))
		}
		fs, err := holders[0].Table.Figures(m)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", holders[0].Name, err)
		}
		file = holders[0].Name
		for _, f := range fs {
			k := key{f.Year.End, string(f.Level), f.Code}
			if i, ok := at[k]; ok {
				figs[i] = f
				continue
			}
			at[k] = len(figs)
			figs = append(figs, f)
		}
	}
	if len(figs) == 0 {
		return nil, "", fmt.Errorf("measure %s: no file holds it", m)
	}
	return figs, file, nil
}

// authorities returns every authority the tidy files name, by old_la_code,
// with its names and new codes.
func (s *Set) authorities() map[string]*area {
	out := map[string]*area{}
	for _, layer := range s.layers {
		for _, f := range layer {
			if f.Grouping != nil {
				for code, g := range f.Grouping.Authorities {
					a := out[code]
					if a == nil {
						a = &area{code: code}
						out[code] = a
					}
					a.names = appendNew(a.names, g.Name)
				}
			}
			if f.Table == nil {
				continue
			}
			t := f.Table
			for _, r := range t.rows {
				if Level(t.get(r, "geographic_level")) != LocalAuthority {
					continue
				}
				codes := strings.Split(t.get(r, "old_la_code"), "/")
				news := strings.Split(t.get(r, "new_la_code"), "/")
				names := strings.Split(t.get(r, "la_name"), "/")
				if len(news) != len(codes) || len(names) != len(codes) {
					continue
				}
				for i, c := range codes {
					c = strings.TrimSpace(c)
					if c == "" {
						continue
					}
					a := out[c]
					if a == nil {
						a = &area{code: c}
						out[c] = a
					}
					a.names = appendNew(a.names, strings.TrimSpace(names[i]))
					a.newCodes = appendNew(a.newCodes, strings.TrimSpace(news[i]))
				}
			}
		}
	}
	return out
}

type area struct {
	code     string
	names    []string
	newCodes []string
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Resolve returns the old_la_code of an authority given by its old code or
// any new E-code the files pair with it. An unknown code is an error that
// suggests authorities by name when the code reads as one.
func (s *Set) Resolve(code string) (string, error) {
	code = strings.TrimSpace(code)
	all := s.authorities()
	if _, ok := all[code]; ok {
		return code, nil
	}
	for _, a := range all {
		if slices.Contains(a.newCodes, strings.ToUpper(code)) {
			return a.code, nil
		}
	}
	return "", fmt.Errorf("authority %s is not in DfE's files%s", vs.Quote(code), suggest(all, code))
}

// SuggestAuthority returns up to three authorities whose name contains
// text, or whose code is nearest it, as "Bradford (380)".
func (s *Set) SuggestAuthority(text string) []string {
	return suggestions(s.authorities(), text)
}

func suggest(all map[string]*area, code string) string {
	sug := suggestions(all, code)
	if len(sug) == 0 {
		return ""
	}
	return ": did you mean " + strings.Join(sug, " or ") + "?"
}

func suggestions(all map[string]*area, text string) []string {
	text = strings.ToLower(strings.TrimSpace(text))
	var out []string
	codes := slices.Sorted(maps.Keys(all))
	for _, c := range codes {
		a := all[c]
		for _, n := range a.names {
			if text != "" && strings.Contains(strings.ToLower(n), text) {
				out = append(out, fmt.Sprintf("%s (%s)", n, c))
				break
			}
		}
	}
	if len(out) == 0 {
		// A mistyped code: the codes nearest it.
		if n, err := strconv.Atoi(text); err == nil {
			slices.SortStableFunc(codes, func(a, b string) int {
				x, _ := strconv.Atoi(a)
				y, _ := strconv.Atoi(b)
				return abs(x-n) - abs(y-n)
			})
			for _, c := range codes[:min(2, len(codes))] {
				if len(all[c].names) > 0 {
					out = append(out, fmt.Sprintf("%s (%s)", all[c].names[0], c))
				}
			}
		}
	}
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
