package collector

import (
	"runtime"
	"testing"
)

func TestSeenIndex(t *testing.T) {
	cases := []struct {
		name string
		key  seenKey
		at   loc
	}{
		{"small", seenKey{ind: 3, team: 7, day: 19_000}, loc{row: 12, col: 2, table: 0}},
		{"largest packed", seenKey{ind: 1<<16 - 1, team: 1<<24 - 1, day: 1<<23 - 1}, loc{row: 1<<32 - 1, col: 1<<20 - 1, table: 1<<12 - 1}},
		{"before 1970", seenKey{ind: 1, team: 1, day: -40_000}, loc{row: 5, col: 1, table: 2}},
		{"earliest packed day", seenKey{ind: 1, team: 1, day: -dayBias}, loc{row: 5, col: 1, table: 2}},
		{"many indicators", seenKey{ind: 1 << 16, team: 1, day: 1}, loc{row: 9, col: 3, table: 1}},
		{"many teams", seenKey{ind: 1, team: 1 << 24, day: 1}, loc{row: 9, col: 3, table: 1}},
		{"far future", seenKey{ind: 1, team: 1, day: 1 << 23}, loc{row: 9, col: 3, table: 1}},
		{"far past", seenKey{ind: 1, team: 1, day: -dayBias - 1}, loc{row: 9, col: 3, table: 1}},
		{"wide sheet", seenKey{ind: 2, team: 2, day: 2}, loc{row: 9, col: 1 << 20, table: 1}},
		{"many sheets", seenKey{ind: 2, team: 3, day: 2}, loc{row: 9, col: 3, table: 1 << 12}},
	}
	s := newSeenIndex()
	for _, c := range cases {
		if got, dup := s.first(c.key, c.at); dup {
			t.Fatalf("%s: first sight reported as a duplicate of %+v", c.name, got)
		}
	}
	for _, c := range cases {
		got, dup := s.first(c.key, loc{row: 1, col: 1, table: 1})
		if !dup || got != c.at {
			t.Errorf("%s: second sight = %+v, %v; want %+v, true", c.name, got, dup, c.at)
		}
	}
	// Keys that differ in any one part are different keys.
	for _, k := range []seenKey{{ind: 3, team: 7, day: 19_001}, {ind: 3, team: 8, day: 19_000}, {ind: 4, team: 7, day: 19_000}} {
		if got, dup := s.first(k, loc{}); dup {
			t.Errorf("%+v: reported as a duplicate of %+v", k, got)
		}
	}
	if len(s.wide) != 6 {
		t.Errorf("%d keys in the fallback map, want the 6 that do not pack", len(s.wide))
	}
}

// BenchmarkSeenIndex measures the bytes an entry costs, packed and as a
// plain map of the structs:
//
//	go test -run '^$' -bench SeenIndex ./collector
func BenchmarkSeenIndex(b *testing.B) {
	const n = 1_000_000
	key := func(i int) seenKey {
		return seenKey{ind: uint32(i % 10), team: uint32(i / 10 % 1000), day: int32(i / 10_000)}
	}
	at := func(i int) loc { return loc{row: uint32(i + 2), col: 1, table: 0} }
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	b.Run("packed", func(b *testing.B) {
		for b.Loop() {
			before := heap()
			s := newSeenIndex()
			for i := range n {
				s.first(key(i), at(i))
			}
			b.ReportMetric(float64(heap()-before)/n, "B/entry")
			runtime.KeepAlive(s)
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			before := heap()
			m := map[seenKey]loc{}
			for i := range n {
				if _, dup := m[key(i)]; !dup {
					m[key(i)] = at(i)
				}
			}
			b.ReportMetric(float64(heap()-before)/n, "B/entry")
			runtime.KeepAlive(m)
		}
	})
}
