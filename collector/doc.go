// Package collector owns reading the performance team's input files: it
// detects the format (.xlsx or .csv, from the content), finds the table,
// parses and validates every cell against the indicator catalogue, and
// returns the observations or every problem found, each located by
// sheet and cell (xlsx) or line and column (csv). It stores nothing: the
// caller decides what to do with a Result.
//
// It may import the config package and the domain package only.
//
// # Long layout
//
// One row per observation. The header row is the first of the first 20 rows
// of a sheet that names at least the Period, Indicator and Value columns;
// headers are matched case-, space- and punctuation-insensitively, with the
// aliases listed in fieldAliases. Rows above it (titles) are ignored, and
// so are unknown extra columns. Below it:
//
//   - blank rows are skipped;
//   - a row whose only text is in the sheet's first column is a note or a
//     section heading and is ignored, wherever it is; such a row can never
//     be an observation, which needs at least a Period and an Indicator;
//   - when two columns name the same field (say "Indicator ID" and
//     "Indicator name") the leftmost is read and the other ignored.
//
// In a workbook every visible sheet with a header is read; hidden sheets
// are skipped, and sheets without a header are skipped silently when
// another sheet has one.
//
// # Values
//
// Numbers, "87.5%", "1,234" and "£1,234" are read; blank, "-", "n/a",
// ".." and dashes mean no value (status missing); "c", "x", "*", "<5" (any
// "<n"), "low" and "[c]"/"[x]" mean a suppressed small number. Neither is
// ever zero. A marker wins over the Status column. When Value is blank
// (and only then: "n/a" says the figure does not apply) and Numerator and
// Denominator are given, a percent indicator's value is computed as their
// ratio and a rate per 10,000 as ratio × 10,000.
//
// Percentages are held as fractions. Text with "%" is unambiguous. Plain
// numbers of percent indicators are decided per column and sheet once the
// table is read: all within 0–1 are fractions, any above 1 means the column
// holds percentages (divided by 100). A column holding both values strictly
// between 0 and 1 and values above 1 is an error naming a cell of each.
// An xlsx cell formatted as percent stores the fraction, so a column of
// such cells reads as fractions; the number format itself is not read (the
// streaming reader returns values only), so a column mixing percent-formatted
// cells with typed-in percentages is reported as mixed.
//
// # Periods
//
// xlsx date serials (1990–2100, honouring the workbook's 1904 date system),
// 2025-09, 2025-09-30, day-first 30/09/2025 (always day-first: 01/04/2024 is
// 1 April), Sep-25, Sept 2025, September 2025, 2025-26 Q1 and 2025-26.
// A date resolves to the period of the indicator's frequency containing it
// (for weekly and fortnightly indicators the date is the period's ending
// date); a month resolves to the quarter or year containing it; a label
// coarser than the indicator's frequency is a problem.
//
// # Limits
//
// Files larger than Options.MaxBytes, sheets with more rows or columns than
// Options.MaxRows and Options.MaxCols, and workbooks that unpack to more than
// 200 MiB are refused with a problem. Problems are collected up to 1,000 per
// file, after which one last problem says how many more there were.
package collector
