package demo

import (
	"slices"

	vs "github.com/vitalsigns/vitalsigns"
)

// LACode is the real authority whose published DfE benchmarks the demo
// shows when no authority.la_code is configured: Bradford (380), whose
// agency rate of 22.2% is close to the demo's one in four.
const LACode = "380"

// AuthorityName is the demo authority's name.
const AuthorityName = "Demo Borough Council"

// Teams returns the demo authority's teams: two services, each with the
// teams that report under it.
func Teams() []vs.Team {
	return []vs.Team{
		{ID: "front_door", Name: "Front Door"},
		{ID: "mash", Name: "Multi-Agency Safeguarding Hub", Parent: "front_door"},
		{ID: "assessment_east", Name: "Assessment Team East", Parent: "front_door"},
		{ID: "assessment_west", Name: "Assessment Team West", Parent: "front_door"},
		{ID: "children_in_care", Name: "Children in Care"},
		{ID: "cic_north", Name: "Children in Care North", Parent: "children_in_care"},
		{ID: "cic_south", Name: "Children in Care South", Parent: "children_in_care"},
		{ID: "leaving_care", Name: "Leaving Care", Parent: "children_in_care"},
	}
}

// Catalogue returns a copy of base with the demo authority's name and the
// demo teams added (a team whose id base already has is left as base has
// it). base is not modified.
func Catalogue(base *vs.Catalogue) *vs.Catalogue {
	cat := &vs.Catalogue{}
	if base != nil {
		// Copy the whole value, so that any part of the configuration is
		// kept, then clone the slices this function may grow.
		*cat = *base
		cat.Teams = slices.Clone(base.Teams)
		cat.Indicators = slices.Clone(base.Indicators)
		cat.Committees = slices.Clone(base.Committees)
		cat.Privacy = slices.Clone(base.Privacy)
	}
	cat.Authority.Name = AuthorityName
	for _, t := range Teams() {
		if _, ok := cat.Team(t.ID); !ok {
			cat.Teams = append(cat.Teams, t)
		}
	}
	return cat
}
