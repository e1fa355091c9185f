package config

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	vs "github.com/vitalsigns/vitalsigns"
)

// Marshal writes cat as a configuration file that Parse reads back to the
// same catalogue: what `vitalsigns config show` prints.
func Marshal(cat *vs.Catalogue) ([]byte, error) {
	var f File
	if cat.Authority != (vs.Authority{}) {
		f.Authority = &fileAuthority{Name: cat.Authority.Name, LACode: cat.Authority.LACode, StatisticalNeighbours: cat.Authority.StatisticalNeighbours}
	}
	for _, t := range cat.Teams {
		f.Teams = append(f.Teams, fileTeam{ID: t.ID, Name: t.Name, Parent: t.Parent, Aliases: t.Aliases})
	}
	for _, ind := range cat.Indicators {
		f.Indicators = append(f.Indicators, fileIndicatorOf(ind))
	}
	for _, c := range cat.Committees {
		fc := fileCommittee{ID: c.ID, Name: c.Name}
		for _, d := range c.Dates {
			fc.Dates = append(fc.Dates, d.String())
		}
		f.Committees = append(f.Committees, fc)
	}
	// A built-in privacy pattern the catalogue lacks was turned off: say so,
	// or reading the file back would bring it back.
	base, probs := builtinDoc()
	if len(probs) > 0 {
		return nil, fmt.Errorf("built-in catalogue: %w", probs)
	}
	pf := &filePrivacy{}
	if base.file.Privacy != nil {
		for _, bp := range base.file.Privacy.Patterns {
			if !slices.ContainsFunc(cat.Privacy, func(p vs.PrivacyPattern) bool { return p.Name == bp.Name }) {
				pf.Patterns = append(pf.Patterns, filePrivacyPattern{Name: bp.Name, Disabled: true})
			}
		}
	}
	for _, p := range cat.Privacy {
		pf.Patterns = append(pf.Patterns, filePrivacyPattern{Name: p.Name, Description: p.Description, Pattern: p.Pattern, Check: p.Check})
	}
	if len(pf.Patterns) > 0 {
		f.Privacy = pf
	}
	if cat.SPCExcelParity {
		f.SPC = &fileSPCRules{ExcelParity: &cat.SPCExcelParity}
	}
	if c := cat.Columns; !c.Empty() {
		f.Columns = &fileColumns{Period: c.Period, Indicator: c.Indicator, Team: c.Team, Value: c.Value,
			Numerator: c.Numerator, Denominator: c.Denominator, Status: c.Status, Commentary: c.Commentary, Outcome: c.Outcome}
	}
	var root yaml.Node
	if err := root.Encode(f); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := keepEmptyLists(&root, cat); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString("# vitalsigns configuration: the built-in catalogue plus any --config file.\n")
	buf.WriteString("# Percentages are written with a % sign (\"90%\") or as fractions (0.9).\n")
	buf.WriteString("# Thresholds without a team are the whole authority's. A team with thresholds of\n")
	buf.WriteString("# its own (thresholds: [{team: ID, from, target, amber, red}]) is judged by those\n")
	buf.WriteString("# alone. Otherwise teams are judged by the authority's, except for an indicator\n")
	buf.WriteString("# with aggregation: sum (counts, money): a team's share of a total is not rated\n")
	buf.WriteString("# against the whole authority's boundaries.\n")
	buf.WriteString("# columns: lists the authority's own names for input files' columns\n")
	buf.WriteString("# (columns: {value: [Rate (%)], indicator: [PI ref]}), beside the built-in ones.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

func fileIndicatorOf(ind vs.Indicator) fileIndicator {
	s := func(v string) *string { return &v }
	pct := ind.Unit == vs.UnitPercent
	q := func(v *float64) *Quantity {
		if v == nil {
			return nil
		}
		return &Quantity{Value: *v, Percent: pct}
	}
	fi := fileIndicator{
		ID: ind.ID, Name: s(ind.Name), Description: s(ind.Description), Group: s(ind.Group),
		Unit: s(string(ind.Unit)), Polarity: s(string(ind.Polarity)), Frequency: s(string(ind.Frequency)),
		Aggregation: s(string(ind.Aggregation)), Aliases: ind.Aliases,
	}
	if ind.MinDenominator != 0 {
		fi.MinDenominator = &ind.MinDenominator
	}
	if ind.SuppressBelow != 0 {
		fi.SuppressBelow = &ind.SuppressBelow
	}
	for _, t := range ind.Thresholds {
		ft := fileThreshold{Team: t.Team, Target: q(t.Target), Amber: q(t.Amber), Red: q(t.Red)}
		if !t.From.IsZero() {
			ft.From = vs.Month(t.From.Year, t.From.Month).String()
		}
		fi.Thresholds = append(fi.Thresholds, ft)
	}
	for _, b := range ind.Benchmarks {
		v := b.Value
		fi.Benchmarks = append(fi.Benchmarks, fileBenchmark{Source: string(b.Source), Value: q(&v),
			Reference: b.Reference, Year: b.Year, Publication: b.Publication, Dataset: b.Dataset})
	}
	if m := ind.DfE; m != nil {
		fi.DfE = &fileDfE{Measure: m.Measure, Where: m.Where, Reference: m.Reference, Publication: m.Publication}
		def := 1.0
		if ind.Unit == vs.UnitPercent {
			def = 0.01
		}
		if m.Scale != def {
			sc := m.Scale
			fi.DfE.Scale = &sc
		}
	}
	if al := ind.Alerts; al.AmberPeriods != 0 || len(al.Disabled) > 0 {
		fi.Alerts = &fileAlerts{AmberPeriods: al.AmberPeriods}
		for _, r := range al.Disabled {
			fi.Alerts.Disabled = append(fi.Alerts.Disabled, string(r))
		}
	}
	if sp := ind.SPC; sp.Chart != "" || sp.Baseline != 0 || len(sp.Changes) > 0 {
		fi.SPC = &fileSPC{Chart: string(sp.Chart), Baseline: sp.Baseline}
		for _, c := range sp.Changes {
			fi.SPC.Changes = append(fi.SPC.Changes, fileProcessChange{From: c.From.String(), Reason: c.Reason})
		}
	}
	return fi
}

// keepEmptyLists writes "thresholds: []" (and the same for benchmarks and
// aliases) where the catalogue has none but the built-in entry of the same id
// has some. The file is read over the built-in catalogue, where an absent
// list keeps the built-in one and only an empty list removes it; the encoder
// omits empty lists, so without this a removed list would come back.
func keepEmptyLists(root *yaml.Node, cat *vs.Catalogue) error {
	base, probs := builtinDoc()
	if len(probs) > 0 {
		return fmt.Errorf("built-in catalogue: %w", probs)
	}
	builtins := map[string]fileIndicator{}
	for _, fi := range base.file.Indicators {
		builtins[fi.ID] = fi
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "indicators" {
			seq = root.Content[i+1]
		}
	}
	if seq == nil || len(seq.Content) != len(cat.Indicators) {
		return nil
	}
	for i, ind := range cat.Indicators {
		b, ok := builtins[ind.ID]
		if !ok {
			continue
		}
		for _, l := range []struct {
			key       string
			has, base bool
		}{
			{"aliases", len(ind.Aliases) > 0, len(b.Aliases) > 0},
			{"thresholds", len(ind.Thresholds) > 0, len(b.Thresholds) > 0},
			{"benchmarks", len(ind.Benchmarks) > 0, len(b.Benchmarks) > 0},
		} {
			if !l.has && l.base {
				seq.Content[i].Content = append(seq.Content[i].Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: l.key},
					&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle})
			}
		}
	}
	return nil
}
