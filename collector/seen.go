package collector

// seenIndex remembers where each observation key of a file was first
// seen, to report a second row for the same indicator, team and period.
//
// A file of a million rows has a million keys, so the index is the largest
// thing the reader holds after the figures themselves. Go's map of the
// 12-byte seenKey to the 12-byte loc costs about 36 bytes an entry; packing
// both into 64-bit words halves the slot and brings it to about 24
// (measured: BenchmarkSeenIndex). Keys or places too large to pack (more
// than 65,535 indicators, 16 million teams, 4,095 sheets or 1,048,575
// columns, which no real file has) go to a plain map instead, so nothing
// is ever misreported.
type seenIndex struct {
	packed map[uint64]uint64
	wide   map[seenKey]loc
}

func newSeenIndex() seenIndex {
	return seenIndex{packed: map[uint64]uint64{}}
}

// dayBias moves day numbers (days since 1970-01-01, negative before) into
// the 24 bits the packed key gives them: 1970 ± 22,000 years.
const dayBias = 1 << 23

func packKey(k seenKey) (uint64, bool) {
	d := int64(k.day) + dayBias
	if k.ind >= 1<<16 || k.team >= 1<<24 || d < 0 || d >= 1<<24 {
		return 0, false
	}
	return uint64(k.ind)<<48 | uint64(k.team)<<24 | uint64(d), true
}

func packLoc(l loc) (uint64, bool) {
	if l.col >= 1<<20 || l.table >= 1<<12 {
		return 0, false
	}
	return uint64(l.row)<<32 | uint64(l.col)<<12 | uint64(l.table), true
}

func unpackLoc(p uint64) loc {
	return loc{row: uint32(p >> 32), col: uint32(p>>12) & (1<<20 - 1), table: uint32(p) & (1<<12 - 1)}
}

// first records that key was seen at l, unless it was seen before: then it
// returns where, and true.
func (s *seenIndex) first(key seenKey, l loc) (loc, bool) {
	pk, okK := packKey(key)
	pl, okL := packLoc(l)
	if okK {
		if p, dup := s.packed[pk]; dup {
			return unpackLoc(p), true
		}
	}
	if s.wide != nil {
		if w, dup := s.wide[key]; dup {
			return w, true
		}
	}
	switch {
	case okK && okL:
		s.packed[pk] = pl
	default:
		if s.wide == nil {
			s.wide = map[seenKey]loc{}
		}
		s.wide[key] = l
	}
	return loc{}, false
}
