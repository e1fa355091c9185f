package collector

import (
	"database/sql"
	"slices"
	"time"

	vs "github.com/vitalsigns/vitalsigns"
)

// figures holds a file's validated observations compactly until they are
// stored: 48 bytes a figure instead of the ~200 of a vitalsigns.Observation
// (whose strings, times and nullable numbers are what make it convenient),
// so that a full 1,048,576-row sheet is held in about 50 MB. The store reads
// them one at a time through vitalsigns.Observations; At expands one.
// Indicator and team ids are the catalogue's own strings; commentary and
// outcome texts are kept once each.
type figures struct {
	rows    []figure
	inds    []*vs.Indicator
	indIdx  map[string]uint16
	teams   []string
	teamIdx map[string]uint32
	texts   []string // texts[0] is ""
	textIdx map[string]uint32
}

// figure is one observation, by index into the tables of figures.
type figure struct {
	value, num, den     float64
	team                uint32
	commentary, outcome uint32
	day                 int32 // the period's last day, as dayNumber counts
	ind                 uint16
	status              uint8 // index into statuses
	valid               uint8 // which of value, num, den are set
}

const (
	validValue = 1 << iota
	validNum
	validDen
)

var statuses = vs.Statuses()

func newFigures() *figures {
	return &figures{indIdx: map[string]uint16{}, teamIdx: map[string]uint32{}, texts: []string{""},
		textIdx: map[string]uint32{"": 0}}
}

// grow makes room for n figures in all, when the reader can tell how many
// are coming, so the slice is not copied as it grows.
func (f *figures) grow(n int) {
	if n > cap(f.rows) {
		f.rows = slices.Grow(f.rows, n-len(f.rows))
	}
}

func (f *figures) text(s string) uint32 {
	if i, ok := f.textIdx[s]; ok {
		return i
	}
	i := uint32(len(f.texts))
	f.texts = append(f.texts, s)
	f.textIdx[s] = i
	return i
}

// add appends o; ind must be the catalogue's indicator for o.Indicator.
func (f *figures) add(o vs.Observation, ind *vs.Indicator) {
	ii, ok := f.indIdx[ind.ID]
	if !ok {
		ii = uint16(len(f.inds))
		f.inds = append(f.inds, ind)
		f.indIdx[ind.ID] = ii
	}
	ti, ok := f.teamIdx[o.Team]
	if !ok {
		ti = uint32(len(f.teams))
		f.teams = append(f.teams, o.Team)
		f.teamIdx[o.Team] = ti
	}
	fg := figure{value: o.Value.Float64, num: o.Numerator.Float64, den: o.Denominator.Float64,
		team: ti, commentary: f.text(o.Commentary), outcome: f.text(o.Outcome),
		day: dayNumber(o.Period.Last), ind: ii, status: uint8(slices.Index(statuses, o.Status))}
	if o.Value.Valid {
		fg.valid |= validValue
	}
	if o.Numerator.Valid {
		fg.valid |= validNum
	}
	if o.Denominator.Valid {
		fg.valid |= validDen
	}
	f.rows = append(f.rows, fg)
}

// Len returns the number of figures.
func (f *figures) Len() int {
	if f == nil {
		return 0
	}
	return len(f.rows)
}

// At expands figure i.
func (f *figures) At(i int) vs.Observation {
	fg := &f.rows[i]
	ind := f.inds[fg.ind]
	o := vs.Observation{
		Key: vs.Key{Indicator: ind.ID, Team: f.teams[fg.team],
			Period: vs.Period{Freq: ind.Frequency, Last: vs.DateOf(time.Unix(int64(fg.day)*86400, 0).UTC())}},
		Value:       sql.NullFloat64{Float64: fg.value, Valid: fg.valid&validValue != 0},
		Numerator:   sql.NullFloat64{Float64: fg.num, Valid: fg.valid&validNum != 0},
		Denominator: sql.NullFloat64{Float64: fg.den, Valid: fg.valid&validDen != 0},
		Status:      statuses[fg.status],
		Commentary:  f.texts[fg.commentary],
		Outcome:     f.texts[fg.outcome],
	}
	return o
}

// value returns figure i's value; setValue changes it (the percent rule
// scales a column's plain numbers once the column is read).
func (f *figures) value(i int) float64       { return f.rows[i].value }
func (f *figures) setValue(i int, v float64) { f.rows[i].value = v }

// indicator returns figure i's indicator.
func (f *figures) indicator(i int) *vs.Indicator { return f.inds[f.rows[i].ind] }

// slice expands every figure.
func (f *figures) slice() []vs.Observation {
	out := make([]vs.Observation, f.Len())
	for i := range out {
		out[i] = f.At(i)
	}
	return out
}
