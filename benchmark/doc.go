// Package benchmark owns the Department for Education's published
// statistics as vitalsigns reads them: the tidy CSV files of DfE's
// "explore education statistics" service and the two layouts of the
// statistical-neighbour groupings (the 2021 and 2025 models), and the
// comparisons drawn from them: England, the authority's region, the mean
// of its statistical neighbours, its rank among all authorities and its
// quartile band.
//
// Files are recognised by their header, never by their name; columns are
// found by name in any order, and duplicate or blank header names are
// ignored. A byte-order mark, CRLF line endings and quoted fields are
// fine. DfE's suppression codes (c, x, z, u, low, k and ..) are
// suppressed values, never zero. Authorities are keyed by old_la_code (a
// combined row such as "314 / 318" is one row for both), regions by
// region_code, never by name: names differ between files.
//
// It imports only the domain package (vitalsigns) and the standard
// library: config maps indicators to DfE measures, store keeps imported
// figures, and cmd wires them together.
package benchmark
