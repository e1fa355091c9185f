package benchmark

import (
	"fmt"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// The statistical-neighbour models, named by the year DfE published them.
const (
	Model2025 = "2025"
	Model2021 = "2021"
)

// Models lists the statistical-neighbour models, the default first.
func Models() []string { return []string{Model2025, Model2021} }

// Grouping is one statistical-neighbour model: each authority's ten
// nearest neighbours, closest first.
type Grouping struct {
	Model       string
	Authorities map[string]Group // by old_la_code
}

// Group is one authority's entry in a grouping.
type Group struct {
	Code       string // old_la_code
	Name       string
	Region     string // as the grouping names it
	Neighbours []Neighbour
}

// Neighbour is one of an authority's statistical neighbours.
type Neighbour struct {
	Code      string // old_la_code
	Closeness string // DfE's words: "Very close", "Close"…
}

// groupingLayout is where a layout's columns are.
type groupingLayout struct {
	model      string
	codes      []string // the code column, by any of these names
	name       string
	region     string
	neighbour  func(k int) string // the k-th neighbour's column, k from 1
	closeness  func(k int) string // its closeness column, "" when next to it
	neighbours int
}

var groupingLayouts = []groupingLayout{
	{
		// sn_model_2025_wide.csv: old_la_code,la_name,region_ind,region_name,SN_1,SN_1P,…
		model: Model2025, codes: []string{"old_la_code"}, name: "la_name", region: "region_name",
		neighbour:  func(k int) string { return "SN_" + strconv.Itoa(k) },
		closeness:  func(k int) string { return "SN_" + strconv.Itoa(k) + "P" },
		neighbours: 10,
	},
	{
		// New_Statistical_Neighbour_Groupings_April_2021.csv: LA num,LA Name,LA number,GOInd,GOReg,SN1,SNP,…
		// The ten closeness columns are all headed SNP: each follows its
		// neighbour's column.
		model: Model2021, codes: []string{"LA number", "LA num"}, name: "LA Name", region: "GOReg",
		neighbour:  func(k int) string { return "SN" + strconv.Itoa(k) },
		neighbours: 10,
	},
}

// readGrouping reads a grouping if the header is one; ok is false when it
// is not a grouping at all.
func readGrouping(header map[string]int, rows [][]string) (g *Grouping, ok bool, err error) {
	for _, l := range groupingLayouts {
		code := -1
		for _, c := range l.codes {
			if i, found := header[c]; found {
				code = i
				break
			}
		}
		if code < 0 {
			continue
		}
		cols := make([]int, l.neighbours)
		all := true
		for k := 1; k <= l.neighbours; k++ {
			i, found := header[l.neighbour(k)]
			if !found {
				all = false
				break
			}
			cols[k-1] = i
		}
		if !all {
			continue
		}
		return l.read(header, code, cols, rows)
	}
	return nil, false, nil
}

func (l groupingLayout) read(header map[string]int, code int, cols []int, rows [][]string) (*Grouping, bool, error) {
	g := &Grouping{Model: l.model, Authorities: map[string]Group{}}
	col := func(name string) int {
		if i, ok := header[name]; ok {
			return i
		}
		return -1
	}
	for n, r := range rows {
		c := field(r, code)
		if c == "" {
			if len(g.Authorities) > 0 {
				// The end of the table: the 2021 file goes on with a
				// section of superseded authorities ("Old SNs").
				break
			}
			continue
		}
		if _, err := strconv.Atoi(c); err != nil {
			return nil, true, fmt.Errorf("line %d: authority code %s: want a number such as 380", n+2, vs.Quote(c))
		}
		if _, dup := g.Authorities[c]; dup {
			return nil, true, fmt.Errorf("line %d: authority %s listed twice", n+2, c)
		}
		grp := Group{Code: c, Name: field(r, col(l.name)), Region: field(r, col(l.region))}
		for k, i := range cols {
			nc := field(r, i)
			if nc == "" {
				continue
			}
			closeness := ""
			if l.closeness != nil {
				closeness = field(r, col(l.closeness(k+1)))
			} else {
				closeness = field(r, i+1)
			}
			grp.Neighbours = append(grp.Neighbours, Neighbour{Code: nc, Closeness: strings.TrimSpace(closeness)})
		}
		g.Authorities[c] = grp
	}
	return g, true, nil
}
