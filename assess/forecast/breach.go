package forecast

import (
	"fmt"
	"math"

	vs "github.com/vitalsigns/vitalsigns"
)

// BoundProjection is the outlook against one threshold bound.
type BoundProjection struct {
	Bound float64
	// Prob[i] is the probability that the value H = i+1 periods ahead is
	// worse than Bound under the normal predictive distribution. With a
	// zero standard deviation it is 1 or 0; with an unknown one (a naive
	// forecast from one value) it is NaN.
	Prob []float64
	// FirstH is the first horizon whose point forecast is worse than
	// Bound, 0 if none within the forecast; FirstProb is Prob at FirstH.
	FirstH    int
	FirstProb float64
}

// Projection is a forecast's outlook against an indicator's thresholds.
// A bound the indicator does not have is nil.
type Projection struct {
	Amber *BoundProjection
	Red   *BoundProjection
}

// Breach projects r against the amber and red bounds (either may be nil)
// of an indicator with polarity pol. "Worse" follows the domain's rule
// (vitalsigns.Threshold): below the bound when higher is better, above it
// when lower is better, and a value equal to the bound is not worse. A
// neutral or unknown polarity has no worse side, which is an error.
func Breach(r Result, pol vs.Polarity, amber, red *float64) (Projection, error) {
	var lower bool // worse means lower
	switch pol {
	case vs.HigherIsBetter:
		lower = true
	case vs.LowerIsBetter:
	default:
		return Projection{}, fmt.Errorf("forecast: polarity %q has no worse side to breach", pol)
	}
	var p Projection
	if amber != nil {
		p.Amber = project(r.Points, *amber, lower)
	}
	if red != nil {
		p.Red = project(r.Points, *red, lower)
	}
	return p, nil
}

func project(pts []Point, bound float64, lower bool) *BoundProjection {
	bp := &BoundProjection{Bound: bound, Prob: make([]float64, len(pts))}
	for i, pt := range pts {
		worse := pt.Value > bound
		if lower {
			worse = pt.Value < bound
		}
		var prob float64
		switch {
		case math.IsNaN(pt.SD):
			prob = math.NaN()
		case pt.SD == 0:
			if worse {
				prob = 1
			}
		default:
			z := (bound - pt.Value) / pt.SD // P(Y < bound) = Φ(z)
			if lower {
				prob = normCDF(z)
			} else {
				prob = normCDF(-z)
			}
		}
		bp.Prob[i] = prob
		if worse && bp.FirstH == 0 {
			bp.FirstH, bp.FirstProb = pt.H, prob
		}
	}
	return bp
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
