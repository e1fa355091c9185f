package demo

import (
	"math"

	vs "github.com/vitalsigns/vitalsigns"
)

// cohort is what a ratio's denominator counts: the children (or
// referrals, contacts, workers, working days or population) each figure is
// a share of.
type cohort int

// The cohorts; the zero cohort means "not given".
const (
	children cohort = iota + 1
	referrals
	contacts
	workers
	workDays // working days available to social workers
	population
)

// bounds returns the range of a leaf team's denominator.
func (c cohort) bounds() (lo, hi int) {
	switch c {
	case referrals:
		return 30, 100
	case contacts:
		return 120, 320
	case workers:
		return 12, 35
	case workDays:
		return 300, 700
	case population:
		return 6000, 16000
	}
	return 20, 120
}

// profile is what an indicator's figures look like in a typical authority of
// the demo's size when no threshold says otherwise.
type profile struct {
	level    float64 // the authority figure, in the indicator's unit
	cohort   cohort  // denominators per leaf team, for ratios
	seasonal bool    // demand dips in August and December
}

// profileOf returns the profile of a catalogue indicator, falling back to
// one by unit for ids the demo does not know.
func profileOf(ind *vs.Indicator) profile {
	switch ind.ID {
	case "contacts":
		return profile{level: 1300, seasonal: true}
	case "contact_referral_conversion":
		return profile{level: 0.28, cohort: contacts}
	case "referrals":
		return profile{level: 380, seasonal: true}
	case "rereferrals_12m":
		return profile{level: 0.21, cohort: referrals}
	case "referrals_nfa":
		return profile{level: 0.07, cohort: referrals}
	case "assessments_45_days":
		return profile{level: 0.86, cohort: referrals}
	case "cin_rate_per_10k":
		return profile{level: 330, cohort: population}
	case "cp_rate_per_10k":
		return profile{level: 42, cohort: population}
	case "cla_rate_per_10k":
		return profile{level: 75, cohort: population}
	case "cp_second_subsequent":
		return profile{level: 0.23}
	case "cp_visits_in_timescale":
		return profile{level: 0.90}
	case "cla_visits_in_timescale":
		return profile{level: 0.93}
	case "cla_initial_health_assessment_20d":
		return profile{level: 0.60}
	case "cla_review_health_assessment_on_time":
		return profile{level: 0.85}
	case "cla_awaiting_health_assessment":
		return profile{level: 22}
	case "cla_dental_checks":
		return profile{level: 0.76}
	case "placement_3plus_moves":
		return profile{level: 0.10}
	case "placement_long_term_stability":
		return profile{level: 0.68}
	case "placements_over_20_miles":
		return profile{level: 0.20}
	case "placements_external":
		return profile{level: 55}
	case "care_leavers_eet":
		return profile{level: 0.53}
	case "care_leavers_suitable_accommodation":
		return profile{level: 0.88}
	case "caseload_avg":
		return profile{level: 17, cohort: workers}
	case "social_workers_over_caseload_limit":
		return profile{level: 8}
	case "agency_rate":
		return profile{level: 0.18, cohort: workers}
	case "vacancy_rate":
		return profile{level: 0.15, cohort: workers}
	case "turnover_rate":
		return profile{level: 0.13, cohort: workers}
	case "sickness_absence_rate":
		return profile{level: 0.04, cohort: workDays}
	}
	p := profile{cohort: children}
	switch ind.Unit {
	case vs.UnitPercent:
		p.level = 0.75
		if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok {
			p.level = b.Value
		}
	case vs.UnitRatePer10k:
		p.level, p.cohort = 60, population
		if b, ok := ind.Benchmark(vs.BenchmarkEngland); ok {
			p.level = b.Value
		}
	case vs.UnitCount:
		p.level = 100
	case vs.UnitDays:
		p.level = 30
	case vs.UnitCurrency:
		p.level = 250000
	default:
		p.level = 20
	}
	return p
}

// withDefaults fills what a profile left out.
func (p profile) withDefaults(ind *vs.Indicator) profile {
	if p.cohort == 0 {
		p.cohort = children
		if ind.Unit == vs.UnitRatePer10k {
			p.cohort = population
		}
	}
	return p
}

// spread is the typical size of a meaningful difference for the indicator
// at level v: the width of a RAG band when the catalogue gives none.
func spread(ind *vs.Indicator, v float64) float64 {
	switch ind.Unit {
	case vs.UnitPercent:
		return 0.05
	case vs.UnitCount:
		return math.Max(2, 0.1*math.Abs(v))
	default:
		return math.Max(0.5, 0.1*math.Abs(v))
	}
}

// worse is +1 when a higher value is worse, -1 when a lower one is, and 0
// for a neutral indicator.
func worse(p vs.Polarity) float64 {
	switch p {
	case vs.LowerIsBetter:
		return 1
	case vs.HigherIsBetter:
		return -1
	}
	return 0
}

// scale is what a ratio's numerator over its denominator is multiplied by
// to give the value.
func scale(u vs.Unit) float64 {
	if u == vs.UnitRatePer10k {
		return 10000
	}
	return 1
}

// clampUnit keeps v within what the unit allows.
func clampUnit(u vs.Unit, v float64) float64 {
	switch u {
	case vs.UnitPercent:
		return min(max(v, 0.01), 0.995)
	case vs.UnitCurrency:
		return v
	}
	return max(v, 0)
}
