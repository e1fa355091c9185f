package vitalsigns

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// Decimals is the number of decimal places a value of the unit is shown to
// by default: none for a count, pence for currency, and one otherwise (a
// percentage to a tenth of a percentage point).
func (u Unit) Decimals() int {
	switch u {
	case UnitCount:
		return 0
	case UnitCurrency:
		return 2
	}
	return 1
}

// keptDecimals is the number of decimal places never trimmed: pence for
// currency; otherwise trailing zeros go, so that 4.0% prints as 4%.
func (u Unit) keptDecimals() int {
	if u == UnitCurrency {
		return 2
	}
	return 0
}

// FormatPlaces renders v as Format does, but to places decimal places (of
// a percentage point, for a percentage) rather than the unit's default:
// FormatPlaces(0.04047, 2) is "4.05%". The value is rounded half away from
// zero as it would be written in decimal (to 15 significant figures, as
// Excel shows it), and trailing zeros are dropped, except
// a currency's pence: 0.04 to two places is "4%", £5,000 to three places
// "£5,000.00". Counts and currency group thousands with commas.
func (ind *Indicator) FormatPlaces(v float64, places int) string {
	s := roundDecimal(v, ind.Unit, places)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		keep := i + 1 + ind.Unit.keptDecimals()
		s = strings.TrimRight(s, "0")
		if len(s) < keep {
			s += strings.Repeat("0", keep-len(s))
		}
		s = strings.TrimSuffix(s, ".")
	}
	switch ind.Unit {
	case UnitPercent:
		return s + "%"
	case UnitCount:
		return groupThousands(s)
	case UnitCurrency:
		return "£" + groupThousands(s)
	}
	return s
}

// Rounded is v as FormatPlaces prints it, in the indicator's unit (a
// fraction for a percentage): the figure a reader sees, for comparing
// figures as printed or working out a change that agrees with them.
func (ind *Indicator) Rounded(v float64, places int) float64 {
	s := roundDecimal(v, ind.Unit, places)
	if ind.Unit == UnitPercent {
		s += "e-2" // the nearest fraction to the percentage printed
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v // not a finite number: nothing to round
	}
	return r
}

// roundDecimal writes v (times 100 for a percentage) to places decimal
// places, rounding half away from zero on its decimal form to 15
// significant figures. Zero is never written with a minus sign.
func roundDecimal(v float64, u Unit, places int) string {
	places = max(places, 0)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', places, 64)
	}
	// d.dddddddddddddde±x: 15 significant digits and an exponent.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], math.Abs(v), 'e', 14, 64)
	exp, err := strconv.Atoi(string(e[17:]))
	if err != nil {
		return strconv.FormatFloat(v, 'f', places, 64)
	}
	if u == UnitPercent {
		exp += 2
	}
	digits := append([]byte{e[0]}, e[2:16]...)
	// The value is 0.digits × 10^(exp+1); keep the digits down to the
	// places-th decimal place, and round on the first one dropped.
	keep := exp + 1 + places
	var n []byte
	switch {
	case keep >= len(digits):
		n = append(digits, bytes.Repeat([]byte{'0'}, keep-len(digits))...)
	case keep < 0:
		n = []byte{'0'}
	default:
		n = append([]byte{'0'}, digits[:keep]...)
		if digits[keep] >= '5' {
			i := len(n) - 1
			for n[i] == '9' {
				n[i] = '0'
				i--
			}
			n[i]++
		}
	}
	// n holds the value times 10^places, perhaps with leading zeros.
	for len(n) <= places {
		n = append([]byte{'0'}, n...)
	}
	intPart := strings.TrimLeft(string(n[:len(n)-places]), "0")
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if places > 0 {
		out += "." + string(n[len(n)-places:])
	}
	if v < 0 && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}
