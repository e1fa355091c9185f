// Package config owns the indicator catalogue's file format: the YAML schema,
// loading with errors that cite file:line:column and the field path, the
// checks, and the built-in catalogue (embedded) used when no --config is
// given. It fills the domain's Catalogue; nothing else parses configuration.
//
// It may import the domain package only.
package config

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	vs "github.com/vitalsigns/vitalsigns"
)

//go:embed default.yaml
var builtin []byte

// builtinDoc parses the embedded catalogue once. The result is never
// changed afterwards (merging copies what it takes), so sharing it is safe;
// re-parsing it made every Parse, and so the fuzzer, many times slower.
var builtinDoc = sync.OnceValues(func() (*doc, vs.Problems) { return parseDoc(BuiltinName, builtin) })

// BuiltinName is the name the built-in catalogue's problems are reported
// under.
const BuiltinName = "built-in catalogue"

// Default returns the built-in catalogue.
func Default() (*vs.Catalogue, error) {
	return Parse("", nil)
}

// Load reads the configuration file at path over the built-in catalogue.
// An empty path means the built-in catalogue alone.
func Load(path string) (*vs.Catalogue, error) {
	if path == "" {
		return Default()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse builds the catalogue from the built-in one and, when name is not
// empty, the file data named name. Every problem found is returned at once,
// as vitalsigns.Problems.
func Parse(name string, data []byte) (*vs.Catalogue, error) {
	base, probs := builtinDoc()
	if len(probs) > 0 {
		return nil, fmt.Errorf("built-in catalogue: %w", probs)
	}
	docs := []*doc{base}
	if name != "" {
		user, probs := parseDoc(name, data)
		if len(probs) > 0 {
			return nil, probs
		}
		docs = append(docs, user)
	}
	cat, probs := build(docs)
	if len(probs) > 0 {
		// Checks run indicator by indicator in catalogue order; report in
		// the order a reader meets the problems in the file.
		slices.SortStableFunc(probs, func(a, b vs.Problem) int {
			return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
		})
		return nil, probs
	}
	return cat, nil
}

// doc is one parsed file with the position of every field it sets.
type doc struct {
	name string
	file File
	pos  map[string][2]int // field path → line, column
}

func (d *doc) problem(path, reason string) vs.Problem {
	p := vs.Problem{File: d.name, Field: path, Reason: reason}
	// A field the file leaves out (a required one, or one a merged entry
	// took from an earlier file) is located at the nearest enclosing entry
	// the file does have.
	for at := path; at != ""; at = parentPath(at) {
		if lc, ok := d.pos[at]; ok {
			p.Line, p.Column = lc[0], lc[1]
			break
		}
	}
	if p.Line > 0 && path != "" {
		p.Reason = path + ": " + reason
	}
	return p
}

// parentPath returns the path of the field or list that holds path:
// "indicators[2]" for "indicators[2].unit", "indicators" for "indicators[2]".
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func parseDoc(name string, data []byte) (*doc, vs.Problems) {
	d := &doc{name: name, pos: map[string][2]int{}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		// The YAML parser reports syntax errors by line only.
		p := vs.Problem{File: name, Reason: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Reason = m[2]
		}
		return nil, vs.Problems{p}
	}
	if len(root.Content) == 0 {
		return d, nil // an empty file changes nothing
	}
	top := root.Content[0]
	var probs vs.Problems
	checkNode(d, top, reflect.TypeFor[File](), "", &probs)
	if len(probs) > 0 {
		return nil, probs
	}
	if err := top.Decode(&d.file); err != nil {
		return nil, vs.Problems{{File: name, Reason: err.Error()}}
	}
	return d, nil
}

// checkNode walks n against the Go type t, refusing unknown keys and values
// of the wrong shape, and records where every field is, so that every later
// check can cite file:line:column. The YAML decoder's own errors give the
// line only and stop at the first, hence this walk.
func checkNode(d *doc, n *yaml.Node, t reflect.Type, path string, probs *vs.Problems) {
	d.pos[path] = [2]int{n.Line, n.Column}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	bad := func(reason string) {
		*probs = append(*probs, vs.Problem{File: d.name, Line: n.Line, Column: n.Column, Field: path, Reason: path + ": " + reason})
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Quantity]() {
		var q Quantity
		if err := q.UnmarshalYAML(n); err != nil {
			bad(err.Error())
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("want a mapping of keys to values")
			return
		}
		fields := map[string]reflect.Type{}
		var names []string
		for f := range t.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = f.Type
			names = append(names, tag)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := k.Value
			if path != "" {
				child = path + "." + k.Value
			}
			ft, ok := fields[k.Value]
			if !ok {
				*probs = append(*probs, vs.Problem{File: d.name, Line: k.Line, Column: k.Column, Field: child,
					Reason: fmt.Sprintf("unknown key %s", vs.Quote(k.Value)), Hint: "known keys here: " + strings.Join(names, ", ")})
				continue
			}
			if seen[k.Value] {
				*probs = append(*probs, vs.Problem{File: d.name, Line: k.Line, Column: k.Column, Field: child,
					Reason: fmt.Sprintf("key %s given twice", vs.Quote(k.Value))})
				continue
			}
			seen[k.Value] = true
			checkNode(d, v, ft, child, probs)
		}
	case reflect.Slice:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.SequenceNode {
			bad("want a list")
			return
		}
		for i, c := range n.Content {
			checkNode(d, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), probs)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			bad("want a single value")
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode {
			bad("want a number")
			return
		}
		// Decode as the decoder will, so that what passes here decodes.
		var v float64
		if err := n.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			bad(fmt.Sprintf("not a number: %s", vs.Quote(n.Value)))
		}
	}
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// laCodePattern is DfE's old three-digit local authority code or a new
// E-code (ONS's nine characters).
var laCodePattern = regexp.MustCompile(`^(\d{3}|E\d{8})$`)

// source remembers which file, and where in it, a merged entry came from.
type source struct {
	d    *doc
	path string
}

// build merges the docs in order (later files override earlier ones field by
// field) and checks the result.
func build(docs []*doc) (*vs.Catalogue, vs.Problems) {
	var probs vs.Problems
	cat := &vs.Catalogue{}

	for _, d := range docs {
		if a := d.file.Authority; a != nil {
			if a.Name != "" {
				cat.Authority.Name = a.Name
			}
			if a.LACode != "" {
				if !laCodePattern.MatchString(a.LACode) {
					probs = append(probs, d.problem("authority.la_code", fmt.Sprintf("want DfE's three-digit local authority code such as \"380\" or its E-code such as \"E08000032\", got %s", vs.Quote(a.LACode))))
				}
				cat.Authority.LACode = a.LACode
			}
			if a.StatisticalNeighbours != "" {
				m := a.StatisticalNeighbours
				cat.Authority.StatisticalNeighbours = oneOf(d, "authority.statistical_neighbours", "statistical-neighbour model", &m, vs.NeighbourModels(), &probs)
			}
		}
		if sp := d.file.SPC; sp != nil && sp.ExcelParity != nil {
			cat.SPCExcelParity = *sp.ExcelParity
		}
	}

	// Teams: a later file's list replaces an earlier one's.
	var teamsFrom *doc
	for _, d := range docs {
		if len(d.file.Teams) > 0 {
			teamsFrom = d
		}
	}
	if d := teamsFrom; d != nil {
		ids := map[string]bool{}
		for i, t := range d.file.Teams {
			path := fmt.Sprintf("teams[%d]", i)
			switch {
			case !idPattern.MatchString(t.ID):
				probs = append(probs, d.problem(path+".id", fmt.Sprintf("team id %s must be snake_case (a-z, 0-9, _)", vs.Quote(t.ID))))
			case t.ID == vs.AuthorityTeam:
				probs = append(probs, d.problem(path+".id", `"authority" is reserved for the whole authority`))
			case ids[t.ID]:
				probs = append(probs, d.problem(path+".id", fmt.Sprintf("team %s defined twice", vs.Quote(t.ID))))
			}
			ids[t.ID] = true
			name := t.Name
			if name == "" {
				name = t.ID
			}
			var aliases []string
			for j, a := range t.Aliases {
				if NormaliseName(a) == "" {
					probs = append(probs, d.problem(fmt.Sprintf("%s.aliases[%d]", path, j), fmt.Sprintf("team alias %s has no letters or digits", vs.Quote(a))))
					continue
				}
				aliases = append(aliases, a)
			}
			cat.Teams = append(cat.Teams, vs.Team{ID: t.ID, Name: name, Parent: t.Parent, Aliases: aliases})
		}
		// A name or alias must name one team only, or a Team cell or a
		// sheet's name would be ambiguous.
		auth, _ := cat.Team(vs.AuthorityTeam)
		owner := map[string]string{NormaliseName(vs.AuthorityTeam): vs.AuthorityTeam, NormaliseName(auth.Name): vs.AuthorityTeam}
		for i, t := range cat.Teams {
			for _, n := range append([]string{t.ID, t.Name}, t.Aliases...) {
				k := NormaliseName(n)
				if o, ok := owner[k]; ok && o != t.ID {
					probs = append(probs, d.problem(fmt.Sprintf("teams[%d]", i), fmt.Sprintf("name or alias %s is also used by team %s", vs.Quote(n), vs.Quote(o))))
					continue
				}
				owner[k] = t.ID
			}
		}
		for i, t := range d.file.Teams {
			if t.Parent != "" && !ids[t.Parent] {
				probs = append(probs, d.problem(fmt.Sprintf("teams[%d].parent", i), fmt.Sprintf("unknown parent team %s", vs.Quote(t.Parent))))
			}
		}
	}

	// Indicators: merged by id, field by field.
	type merged struct {
		f    fileIndicator
		from source
	}
	var order []string
	byID := map[string]*merged{}
	for _, d := range docs {
		seen := map[string]bool{}
		for i, fi := range d.file.Indicators {
			path := fmt.Sprintf("indicators[%d]", i)
			if !idPattern.MatchString(fi.ID) {
				probs = append(probs, d.problem(path+".id", fmt.Sprintf("indicator id %s must be snake_case (a-z, 0-9, _)", vs.Quote(fi.ID))))
				continue
			}
			if seen[fi.ID] {
				probs = append(probs, d.problem(path+".id", fmt.Sprintf("indicator %s defined twice in this file", vs.Quote(fi.ID))))
				continue
			}
			seen[fi.ID] = true
			m, ok := byID[fi.ID]
			if !ok {
				m = &merged{}
				byID[fi.ID] = m
				order = append(order, fi.ID)
			}
			overlay(&m.f, fi)
			m.from = source{d, path}
		}
	}
	for _, id := range order {
		m := byID[id]
		ind, ps := indicator(m.f, m.from, cat.Teams)
		probs = append(probs, ps...)
		cat.Indicators = append(cat.Indicators, ind)
	}

	// Aliases must name one indicator only, or a workbook's row would be
	// ambiguous.
	owner := map[string]string{}
	for _, ind := range cat.Indicators {
		for _, n := range append([]string{ind.ID, ind.Name}, ind.Aliases...) {
			k := NormaliseName(n)
			if o, ok := owner[k]; ok && o != ind.ID {
				m := byID[ind.ID]
				probs = append(probs, m.from.d.problem(m.from.path, fmt.Sprintf("name or alias %s is also used by indicator %s", vs.Quote(n), vs.Quote(o))))
				continue
			}
			owner[k] = ind.ID
		}
	}

	for _, d := range docs {
		for i, c := range d.file.Committees {
			path := fmt.Sprintf("committees[%d]", i)
			if !idPattern.MatchString(c.ID) {
				probs = append(probs, d.problem(path+".id", fmt.Sprintf("committee id %s must be snake_case", vs.Quote(c.ID))))
			}
			com := vs.Committee{ID: c.ID, Name: c.Name}
			for j, s := range c.Dates {
				dt, err := vs.ParseDate(s)
				if err != nil {
					probs = append(probs, d.problem(fmt.Sprintf("%s.dates[%d]", path, j), err.Error()))
					continue
				}
				com.Dates = append(com.Dates, dt)
			}
			slices.SortFunc(com.Dates, func(a, b vs.Date) int { return a.Time().Compare(b.Time()) })
			if k := slices.IndexFunc(cat.Committees, func(x vs.Committee) bool { return x.ID == c.ID }); k >= 0 {
				cat.Committees[k] = com
			} else {
				cat.Committees = append(cat.Committees, com)
			}
		}
	}
	probs = append(probs, privacy(docs, cat)...)
	probs = append(probs, columns(docs, cat)...)
	return cat, probs
}

// ColumnKey folds a column header as the collector matches headers: case,
// space and punctuation do not matter, and "%" is the word "percent".
func ColumnKey(s string) string {
	return strings.ReplaceAll(NormaliseName(s), " ", "")
}

// columns merges the column names (a later file's list for a column
// replaces an earlier one's) and checks that each names one column only.
func columns(docs []*doc, cat *vs.Catalogue) vs.Problems {
	var probs vs.Problems
	var merged fileColumns
	from := make([]*doc, len(merged.lists()))
	for _, d := range docs {
		if d.file.Columns == nil {
			continue
		}
		for i, l := range d.file.Columns.lists() {
			if *l != nil {
				*merged.lists()[i] = *l
				from[i] = d
			}
		}
	}
	type owner struct {
		field, name string
	}
	owners := map[string]owner{}
	fields := vs.ColumnFields()
	for i, l := range merged.lists() {
		for j, name := range *l {
			path := fmt.Sprintf("columns.%s[%d]", fields[i], j)
			k := ColumnKey(name)
			if k == "" {
				probs = append(probs, from[i].problem(path, fmt.Sprintf("column name %s has no letters or digits", vs.Quote(name))))
				continue
			}
			if o, ok := owners[k]; ok {
				if o.field == fields[i] {
					probs = append(probs, from[i].problem(path, fmt.Sprintf("column name %s is given twice for %s (as %s)", vs.Quote(name), fields[i], vs.Quote(o.name))))
				} else {
					probs = append(probs, from[i].problem(path, fmt.Sprintf("column name %s is given for both %s and %s", vs.Quote(name), o.field, fields[i])))
				}
				continue
			}
			owners[k] = owner{fields[i], name}
		}
	}
	for _, l := range merged.lists() {
		if len(*l) == 0 {
			*l = nil // an empty list adds nothing, as an absent one
		}
	}
	cat.Columns = vs.ColumnNames{Period: merged.Period, Indicator: merged.Indicator, Team: merged.Team, Value: merged.Value,
		Numerator: merged.Numerator, Denominator: merged.Denominator, Status: merged.Status,
		Commentary: merged.Commentary, Outcome: merged.Outcome}
	return probs
}

// privacy merges the privacy patterns by name and checks that each
// compiles.
func privacy(docs []*doc, cat *vs.Catalogue) vs.Problems {
	var probs vs.Problems
	for _, d := range docs {
		if d.file.Privacy == nil {
			continue
		}
		seen := map[string]bool{}
		for i, fp := range d.file.Privacy.Patterns {
			path := fmt.Sprintf("privacy.patterns[%d]", i)
			k := slices.IndexFunc(cat.Privacy, func(p vs.PrivacyPattern) bool { return p.Name == fp.Name })
			switch {
			case !idPattern.MatchString(fp.Name):
				probs = append(probs, d.problem(path+".name", fmt.Sprintf("pattern name %s must be snake_case (a-z, 0-9, _)", vs.Quote(fp.Name))))
				continue
			case seen[fp.Name]:
				probs = append(probs, d.problem(path+".name", fmt.Sprintf("pattern %s defined twice in this file", vs.Quote(fp.Name))))
				continue
			}
			seen[fp.Name] = true
			if fp.Disabled {
				if k < 0 {
					probs = append(probs, d.problem(path+".name", fmt.Sprintf("no pattern %s to disable", vs.Quote(fp.Name))))
				} else {
					cat.Privacy = slices.Delete(cat.Privacy, k, k+1)
				}
				continue
			}
			if fp.Pattern == "" {
				probs = append(probs, d.problem(path+".pattern", "pattern is required (or disabled: true)"))
				continue
			}
			if _, err := regexp.Compile(fp.Pattern); err != nil {
				probs = append(probs, d.problem(path+".pattern", fmt.Sprintf("not a regular expression: %v", err)))
				continue
			}
			if fp.Check != "" && !slices.Contains(vs.PrivacyChecks(), fp.Check) {
				probs = append(probs, d.problem(path+".check", fmt.Sprintf("check %s is not one of %s", vs.Quote(fp.Check), strings.Join(vs.PrivacyChecks(), ", "))))
				continue
			}
			desc := fp.Description
			if desc == "" {
				desc = strings.ReplaceAll(fp.Name, "_", " ")
			}
			p := vs.PrivacyPattern{Name: fp.Name, Description: desc, Pattern: fp.Pattern, Check: fp.Check}
			if k >= 0 {
				cat.Privacy[k] = p
			} else {
				cat.Privacy = append(cat.Privacy, p)
			}
		}
	}
	if len(cat.Privacy) == 0 {
		cat.Privacy = nil
	}
	return probs
}

// overlay copies onto dst every field that src sets.
func overlay(dst *fileIndicator, src fileIndicator) {
	dst.ID = src.ID
	for _, p := range []struct{ d, s **string }{
		{&dst.Name, &src.Name}, {&dst.Description, &src.Description}, {&dst.Group, &src.Group},
		{&dst.Unit, &src.Unit}, {&dst.Polarity, &src.Polarity}, {&dst.Frequency, &src.Frequency},
		{&dst.Aggregation, &src.Aggregation},
	} {
		if *p.s != nil {
			*p.d = *p.s
		}
	}
	if src.MinDenominator != nil {
		dst.MinDenominator = src.MinDenominator
	}
	if src.SuppressBelow != nil {
		dst.SuppressBelow = src.SuppressBelow
	}
	if src.Aliases != nil {
		dst.Aliases = src.Aliases
	}
	if src.Thresholds != nil {
		dst.Thresholds = src.Thresholds
	}
	if src.Benchmarks != nil {
		dst.Benchmarks = src.Benchmarks
	}
	if src.DfE != nil {
		dst.DfE = src.DfE
	}
	if src.SPC != nil {
		dst.SPC = src.SPC
	}
	if src.Alerts != nil {
		dst.Alerts = src.Alerts
	}
}

func oneOf[T ~string](d *doc, path, what string, v *string, valid []T, probs *vs.Problems) T {
	if v == nil {
		*probs = append(*probs, d.problem(path, what+" is required"))
		return ""
	}
	if !slices.Contains(valid, T(*v)) {
		names := make([]string, len(valid))
		for i, x := range valid {
			names[i] = string(x)
		}
		*probs = append(*probs, d.problem(path, fmt.Sprintf("%s %s is not one of %s", what, vs.Quote(*v), strings.Join(names, ", "))))
		return ""
	}
	return T(*v)
}

// indicator checks a merged entry and converts it to the domain type.
func indicator(f fileIndicator, from source, teams []vs.Team) (vs.Indicator, vs.Problems) {
	var probs vs.Problems
	d, path := from.d, from.path
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	ind := vs.Indicator{
		ID:          f.ID,
		Name:        str(f.Name),
		Description: str(f.Description),
		Group:       str(f.Group),
		Aliases:     f.Aliases,
	}
	if ind.Name == "" {
		probs = append(probs, d.problem(path+".name", "name is required"))
	}
	if ind.Group == "" {
		ind.Group = "Other"
	}
	ind.Unit = oneOf(d, path+".unit", "unit", f.Unit, vs.Units(), &probs)
	ind.Polarity = oneOf(d, path+".polarity", "polarity", f.Polarity, vs.Polarities(), &probs)
	ind.Frequency = oneOf(d, path+".frequency", "frequency", f.Frequency, vs.Frequencies(), &probs)
	if f.Aggregation == nil {
		ind.Aggregation = defaultAggregation(ind.Unit)
	} else {
		ind.Aggregation = oneOf(d, path+".aggregation", "aggregation", f.Aggregation, vs.Aggregations(), &probs)
	}
	if f.MinDenominator != nil {
		if *f.MinDenominator < 0 {
			probs = append(probs, d.problem(path+".min_denominator", "must not be negative"))
		}
		ind.MinDenominator = *f.MinDenominator
	}
	if f.SuppressBelow != nil {
		if *f.SuppressBelow < 0 {
			probs = append(probs, d.problem(path+".suppress_below", "must not be negative"))
		}
		ind.SuppressBelow = *f.SuppressBelow
	}
	if len(probs) > 0 {
		return ind, probs
	}

	quantity := func(qpath string, q *Quantity) *float64 {
		if q == nil {
			return nil
		}
		switch {
		case ind.Unit == vs.UnitPercent && !q.Percent && (q.Value > 1 || q.Value < -1):
			probs = append(probs, d.problem(qpath, fmt.Sprintf("%v is ambiguous for a percentage: write \"%v%%\" or %v", q.Value, q.Value, q.Value/100)))
		case ind.Unit != vs.UnitPercent && q.Percent:
			probs = append(probs, d.problem(qpath, fmt.Sprintf("a percentage given for an indicator measured in %s", ind.Unit)))
		}
		v := q.Value
		return &v
	}

	for i, ft := range f.Thresholds {
		tpath := fmt.Sprintf("%s.thresholds[%d]", path, i)
		t := vs.Threshold{Team: ft.Team}
		switch {
		case ft.Team == vs.AuthorityTeam:
			probs = append(probs, d.problem(tpath+".team", `leave out "team" for the whole authority's thresholds`))
			continue
		case ft.Team != "" && !slices.ContainsFunc(teams, func(x vs.Team) bool { return x.ID == ft.Team }):
			ids := make([]string, len(teams))
			for i, x := range teams {
				ids[i] = x.ID
			}
			known := "no teams are defined: add them under teams"
			if len(ids) > 0 {
				known = "the teams are " + strings.Join(ids, ", ")
			}
			probs = append(probs, d.problem(tpath+".team", fmt.Sprintf("unknown team %s (%s)", vs.Quote(ft.Team), known)))
		}
		badFrom := false
		if ft.From != "" {
			p, err := vs.ParsePeriod(vs.Monthly, ft.From)
			if err != nil {
				probs = append(probs, d.problem(tpath+".from", err.Error()))
				badFrom = true
			} else {
				t.From = p.First()
			}
		}
		t.Target = quantity(tpath+".target", ft.Target)
		t.Amber = quantity(tpath+".amber", ft.Amber)
		t.Red = quantity(tpath+".red", ft.Red)
		tol := quantity(tpath+".tolerance", ft.Tolerance)
		if ind.Polarity == vs.Neutral {
			probs = append(probs, d.problem(tpath, "a neutral indicator is not rated: remove its thresholds or give it a polarity"))
			continue
		}
		worse := 1.0 // direction in which a value gets worse
		if ind.Polarity == vs.HigherIsBetter {
			worse = -1
		}
		if tol != nil {
			if t.Target == nil || t.Red != nil {
				probs = append(probs, d.problem(tpath+".tolerance", "tolerance needs a target and no red boundary"))
				continue
			}
			// Rounded to the decimal it stands for, as the file's own numbers
			// are read: 10% + 2% is 0.12, not 0.12000000000000001.
			red := decimal(*t.Target+worse*abs(*tol), ind.Unit)
			t.Red = &red
		}
		if t.Amber == nil && t.Target != nil {
			a := *t.Target
			t.Amber = &a
		}
		if t.Amber == nil && t.Red == nil {
			probs = append(probs, d.problem(tpath, "a threshold needs amber and red boundaries, or a target and a tolerance"))
			continue
		}
		if t.Amber != nil && t.Red != nil && (*t.Red-*t.Amber)*worse < 0 {
			probs = append(probs, d.problem(tpath, fmt.Sprintf("for a %s indicator the red boundary (%s) must be %s than the amber one (%s)",
				strings.ReplaceAll(string(ind.Polarity), "_", " "), ind.Format(*t.Red), map[bool]string{true: "lower", false: "higher"}[worse < 0], ind.Format(*t.Amber))))
		}
		if prev, ok := lastOf(ind.Thresholds, t.Team); ok && !badFrom && !prev.From.Before(t.From) {
			what := "thresholds"
			if t.Team != "" {
				what = "team " + vs.Quote(t.Team) + "'s thresholds"
			}
			probs = append(probs, d.problem(tpath+".from", what+" must be in order of their from month, each later than the one before"))
		}
		ind.Thresholds = append(ind.Thresholds, t)
	}

	for i, fb := range f.Benchmarks {
		bpath := fmt.Sprintf("%s.benchmarks[%d]", path, i)
		src := fb.Source
		s := oneOf(d, bpath+".source", "benchmark source", &src, vs.BenchmarkSources(), &probs)
		if fb.Value == nil {
			probs = append(probs, d.problem(bpath+".value", "value is required"))
			continue
		}
		if fb.Reference == "" || fb.Publication == "" {
			probs = append(probs, d.problem(bpath, "a benchmark needs its reference date (e.g. \"at 30 September 2025\") and publication"))
		}
		if ind.Unit == vs.UnitCount {
			probs = append(probs, d.problem(bpath, "a count has no benchmark: only rates and percentages compare across authorities"))
		}
		v := quantity(bpath+".value", fb.Value)
		if v == nil {
			continue
		}
		ind.Benchmarks = append(ind.Benchmarks, vs.Benchmark{Source: s, Value: *v, Reference: fb.Reference,
			Year: fb.Year, Publication: fb.Publication, Dataset: fb.Dataset})
	}
	if f.DfE != nil {
		ind.DfE, probs = dfeMeasure(d, path+".dfe", *f.DfE, ind.Unit, probs)
	}
	if f.SPC != nil {
		ind.SPC, probs = spcSettings(d, path+".spc", *f.SPC, &ind, probs)
	}
	if a := f.Alerts; a != nil {
		if a.AmberPeriods < 0 {
			probs = append(probs, d.problem(path+".alerts.amber_periods", "must not be negative"))
		}
		ind.Alerts.AmberPeriods = a.AmberPeriods
		for i, name := range a.Disabled {
			r := oneOf(d, fmt.Sprintf("%s.alerts.disabled[%d]", path, i), "alert", &name, vs.AlertRules(), &probs)
			if r != "" && !slices.Contains(ind.Alerts.Disabled, r) {
				ind.Alerts.Disabled = append(ind.Alerts.Disabled, r)
			}
		}
	}
	return ind, probs
}

// dfeMeasure checks an indicator's mapping to DfE's statistics. Whether a
// file holds the measure is for the benchmark import to say: the files
// are not known here.
func dfeMeasure(d *doc, path string, f fileDfE, unit vs.Unit, probs vs.Problems) (*vs.DfEMeasure, vs.Problems) {
	m := &vs.DfEMeasure{Measure: strings.TrimSpace(f.Measure), Reference: strings.TrimSpace(f.Reference), Publication: strings.TrimSpace(f.Publication), Scale: 1}
	if unit == vs.UnitPercent {
		m.Scale = 0.01 // DfE publishes percentages 0–100
	}
	if m.Measure == "" {
		probs = append(probs, d.problem(path+".measure", "measure is required: the column of DfE's file, such as agency_rate_fte"))
	}
	if unit == vs.UnitCount || unit == vs.UnitCurrency {
		probs = append(probs, d.problem(path, fmt.Sprintf("an indicator measured in %s has no benchmark: only rates and percentages compare across authorities", unit)))
	}
	if !strings.Contains(m.Reference, "{year}") {
		probs = append(probs, d.problem(path+".reference", fmt.Sprintf("want the reference date with {year} for the year, such as \"at 30 September {year}\", got %s", vs.Quote(m.Reference))))
	}
	if m.Publication == "" {
		probs = append(probs, d.problem(path+".publication", "publication is required: the statistical release, such as \"Children's social work workforce {year}\""))
	}
	if f.Scale != nil {
		if *f.Scale <= 0 || math.IsNaN(*f.Scale) || math.IsInf(*f.Scale, 0) {
			probs = append(probs, d.problem(path+".scale", "must be a positive number"))
		}
		m.Scale = *f.Scale
	}
	for k, v := range f.Where {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			probs = append(probs, d.problem(path+".where", "every filter needs a column and a value"))
			continue
		}
		if m.Where == nil {
			m.Where = map[string]string{}
		}
		m.Where[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return m, probs
}

// minBaseline is the fewest points a fixed baseline may have: SPC shows no
// limits from fewer than 13 (as Making Data Count's own tool does).
const minBaseline = 13

func spcSettings(d *doc, path string, f fileSPC, ind *vs.Indicator, probs vs.Problems) (vs.SPCSettings, vs.Problems) {
	var out vs.SPCSettings
	if f.Chart != "" {
		chart := f.Chart
		out.Chart = oneOf(d, path+".chart", "chart", &chart, vs.SPCCharts(), &probs)
		if out.Chart == vs.ChartP && ind.Unit != vs.UnitPercent {
			probs = append(probs, d.problem(path+".chart", fmt.Sprintf("a p-chart is for a percentage of children or cases, and this indicator is measured in %s", ind.Unit)))
		}
	}
	switch {
	case f.Baseline < 0:
		probs = append(probs, d.problem(path+".baseline", "must not be negative"))
	case f.Baseline > 0 && f.Baseline < minBaseline:
		probs = append(probs, d.problem(path+".baseline", fmt.Sprintf("a baseline of %d points is too short: limits need at least %d", f.Baseline, minBaseline)))
	}
	out.Baseline = f.Baseline
	for i, c := range f.Changes {
		cpath := fmt.Sprintf("%s.changes[%d]", path, i)
		var from vs.Date
		if dd, err := vs.ParseDate(c.From); err == nil {
			from = dd
		} else if p, err := vs.ParsePeriod(vs.Monthly, c.From); err == nil {
			from = p.First()
		} else {
			probs = append(probs, d.problem(cpath+".from", fmt.Sprintf("%s is not a month (YYYY-MM) or a date (YYYY-MM-DD)", vs.Quote(c.From))))
			continue
		}
		if strings.TrimSpace(c.Reason) == "" {
			probs = append(probs, d.problem(cpath+".reason", "say why the process changed: it is shown on the chart"))
		}
		if k := len(out.Changes); k > 0 && !out.Changes[k-1].From.Before(from) {
			probs = append(probs, d.problem(cpath+".from", "changes must be in order, each later than the one before"))
		}
		out.Changes = append(out.Changes, vs.ProcessChange{From: from, Reason: strings.TrimSpace(c.Reason)})
	}
	return out, probs
}

// lastOf returns the last threshold of team (empty: the authority's).
func lastOf(ts []vs.Threshold, team string) (vs.Threshold, bool) {
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].Team == team {
			return ts[i], true
		}
	}
	return vs.Threshold{}, false
}

func defaultAggregation(u vs.Unit) vs.Aggregation {
	switch u {
	case vs.UnitCount, vs.UnitCurrency:
		return vs.AggregateSum
	case vs.UnitPercent, vs.UnitRatePer10k:
		return vs.AggregateRatio
	}
	return vs.AggregateMean
}

// decimal removes the binary noise of arithmetic on numbers read from a
// file: percentages (fractions) to 11 places, so 9 places of a percentage,
// anything else to 9. It leaves alone numbers too large to round that way.
func decimal(v float64, u vs.Unit) float64 {
	places := 9
	if u == vs.UnitPercent {
		places = 11
	}
	if math.Abs(v)*math.Pow(10, float64(places)) >= 1<<53 {
		return v
	}
	return roundTo(v, places)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// NormaliseName folds an indicator or team name for matching: lower case,
// "%" kept as a word, every other run of punctuation and space one space.
func NormaliseName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '%' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			if (space || r == '%') && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r == '%' {
				b.WriteString("percent")
				space = true
				continue
			}
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// ErrNoConfig is returned by Check for an empty path.
var ErrNoConfig = errors.New("no configuration file given")

// Check validates the configuration file at path without starting anything.
func Check(path string) error {
	if path == "" {
		return ErrNoConfig
	}
	_, err := Load(path)
	return err
}
