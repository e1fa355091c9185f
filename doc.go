// Package vitalsigns holds the domain of the vitalsigns service: indicators,
// teams, periods, observations, sources and the problems found in input.
//
// Every other package reads these types; config fills the catalogue types,
// collector produces observations and problems, store persists them, assess
// judges them. This package imports only the standard library.
package vitalsigns
