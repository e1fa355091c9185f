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
// One row per observation (see also the wide layout below). The header row is the first of the first 20 rows
// of a sheet that names at least the Period, Indicator and Value columns,
// or Period, Indicator, Numerator and Denominator;
// headers are matched case-, space- and punctuation-insensitively ("%" is
// the word percent), with the names listed in fieldAliases — the
// template's, and those of case-management exports and trackers
// (Reporting month, Month ending, KPI description, Measure name, Team name,
// Service area, Percentage, %, Figure, Rate, Score, Count, Number…) — and
// the catalogue's own (the configuration's columns: key), which win over a
// built-in name of another column. Rows above it (titles) are ignored, and
// so are unknown extra columns. Below it:
//
//   - blank rows are skipped;
//   - a row whose only text is in the sheet's first column is a note or a
//     section heading and is ignored, wherever it is; such a row can never
//     be an observation, which needs at least a Period and an Indicator;
//   - when two columns name the same field (say "Indicator ID" and
//     "Indicator name") the leftmost is read and the other ignored.
//
// In a workbook every visible sheet with a header is read, each in its own
// layout; hidden sheets are skipped, and sheets without a header are
// skipped silently when another sheet has one.
//
// # Transposed layout
//
// An analyst's data sheet: a Period column (date cells, Apr-25, April
// 2025…, headed by any Period name), optionally a Team column, and one
// column per indicator headed by its id, name or alias. Each cell under an
// indicator heading is a figure for that indicator, the row's period
// (resolved as a long table's Period cell is, by the indicator's
// frequency) and the row's team (blank or absent: the whole authority, or
// the sheet's team). Cells are read as in the wide layout, markers
// included; a row with no figure is not read. The percent rule is decided
// per indicator's column, as for a long table's Value column. Other
// columns (Status, Commentary, Target…) are not read. A heading that
// nearly names an indicator ("Referals") is a problem with a "did you
// mean", since its figures would otherwise be passed over; two headings
// naming one indicator are a problem and the second is not read.
//
// # Which layout wins
//
// Each sheet's header row is the first of its first 20 rows that heads a
// table of any layout, and a row that could head more than one is read
// as the first of: long (Period, Indicator and Value, or Numerator and
// Denominator); wide (an Indicator column, or a blank names column, and
// period headings, bare months and quarters counting as such); transposed
// (a Period column and at least two indicator headings). So every sheet
// read as long or wide before is read the same way: the transposed layout
// and bare-month headings only find tables where none was found, and a
// header's cells are matched as column names before they are tried as
// periods or indicators (no built-in indicator's name is a column name).
//
// # A sheet per team
//
// A workbook may keep each team's figures on a sheet of its own, named by
// the team's id, name or an alias (matched as a Team cell is). Every row
// of such a sheet without a Team column is that team's figure; a sheet
// with a Team column is read by that column, as any other (a blank cell
// is the whole authority). A sheet named by no team is the whole
// authority's, as before. A sheet with a table, no Team column and a name
// that nearly names a team ("Sooth Locality") is a problem, with a "did
// you mean", when other sheets are named by teams, and a warning
// otherwise. Result.Layout then ends "(sheet per team)".
//
// # Wide (scorecard) layout
//
// One row per indicator (and team), one column per period. Each sheet, or
// the csv file, is detected on its own: the header row is the first of the
// first 20 rows that is a long header (Period, Indicator and Value, which
// wins) or a wide one: an Indicator column (the same aliases: Indicator,
// Measure, KPI, Indicator ID, Indicator name) and at least two other cells
// that read as periods (see Periods: a date cell, a date serial, Apr-24,
// April 2024, 2024-04, Sept 21, 04/2024, Apr '24, 2024/25 Q1, Q1 24/25,
// 30/04/2024, w/e 07/04/2024, w/c 01/04/2024 — a week or fortnight
// commencing that day). Where the names' column has no heading, a row of at
// least three period headings is taken as the header and the blank column
// just left of its first heading as the indicator names (each still checked
// against the catalogue). Result.Layout says "long", "wide",
// "transposed", or for a workbook with sheets of several, "long and wide"
// (or "long, wide and transposed"), followed by any variants in brackets:
// "wide (year row above months)", "long (sheet per team)".
//
// A financial-year tracker heads its columns with bare month names (Apr,
// April, Sept … Mar) or quarters (Q1, Qtr 1, Quarter 1) and gives the year
// in a row above: 2025/26, 2025-26, 2025/2026, FY 2025/26, Financial year
// 2025-26 (a financial year: April–December in its first calendar year,
// January–March in its second, Q1–Q4 its quarters) or Year 2025 and
// Calendar year 2025 (all twelve months in that year; quarters need a
// financial year). A bare 2025 is never a year heading: it may be a
// figure. Such a row is taken as the header (bare headings count as
// period headings, beside any full ones) and each bare heading takes its
// year from the nearest row of year headings above it, since the
// previous header, that has one at or left of its column (a year merged
// across its months is held in the first cell), the nearest to its left;
// failing that, from a year in the text of a title row above the first
// header ("Performance tracker 2025/26"), or in the sheet's name. A row of
// year headings holds at least one cell that is wholly a year heading and
// nothing that reads as a figure or a period (a label beside it is fine).
// Several years may be stacked down one sheet: under the first header, a
// row of year headings and then a row of bare headings start a new block,
// headed by them. A bare heading with no year is a problem naming the
// first such cell of its row, and its columns are not read. Result.Layout
// then says "(year row above months)".
//
// Of the other columns only Team (absent or blank: the whole authority),
// Commentary and Outcome are read; every other column — Target, RAG,
// England, Trend, Frequency, and also Status, Value, Numerator and
// Denominator, which have no meaning in a scorecard — is ignored, as are
// blank columns between the periods. A Target column is checked, though:
// a row's target that differs, beyond the rounding of the cell as written,
// from the configured target for its indicator, team and latest period
// with a figure is a warning naming the cell (the committee would
// otherwise see two targets); and a RAG column (RAG, RAG rating, RAG
// status) gets a warning that the file's ratings were not used.
// Commentary and Outcome are the row's latest word: they go with the
// observation of the latest period that has a figure in the row, and are
// dropped if there is none.
//
// Each cell under a period heading is one observation. A blank cell is no
// figure (a month still to come) and gives no observation; "-", "n/a" and
// the other no-value markers give one with status missing, and the
// suppression markers one with status suppressed, as in the long layout.
// A row with no figure at all — a section heading, a note under the table
// in any column, an indicator not yet reported — is not read, so an
// unknown indicator there is not reported either.
//
// A heading must name a period of the row's indicator's frequency, no
// coarser and no finer: a date (the period's ending date) for weekly and
// fortnightly indicators, a month or a date for monthly ones (a date cell
// formatted as Apr-24 is a date), a quarter for quarterly ones and a
// financial year for annual ones. A figure under any other heading is a
// problem naming the cell and its heading: a scorecard mixing frequencies
// keeps a block of columns for each. Two headings naming the same period
// (Apr-24 and April 2024) are a problem with the header; the second column
// is not read. A figure for an indicator, team and period given twice in
// the file — in two rows, two columns (a date and a month heading in the
// same month), or two sheets of either layout — is a problem naming both
// cells.
//
// Values are read as in the long layout, percent-formatted cells
// included. The percent rule is decided per row, since a row holds one
// indicator and team: its plain numbers (not percent-formatted cells) are
// fractions when none is above 1, else percentages, and a row holding both
// is a problem naming a cell of each. In lenient mode a problem confined to
// one figure leaves out that figure; a problem with the row's indicator,
// team, commentary or outcome, or a row mixing fractions and percentages,
// leaves out the row (or its plain numbers); Result.SkippedRows counts the
// rows with anything left out. A problem with the header rejects the file.
//
// # Values
//
// Numbers, "87.5%", "1,234", "£1,234.50", accounting negatives "(12)", a
// leading apostrophe ('87.5) and non-breaking spaces are read; blank, "-", "n/a",
// ".." and dashes mean no value (status missing); "c", "x", "*", "<5" (any
// "<n"), "low" and "[c]"/"[x]" mean a suppressed small number. Neither is
// ever zero. A marker wins over the Status column. When Value is blank
// (and only then: "n/a" says the figure does not apply), or the table has
// no Value column, and Numerator and Denominator are given, a percent
// indicator's value is computed as their ratio and a rate per 10,000 as
// ratio × 10,000; any other indicator in a table without a Value column
// is a problem at its row. When all three are given, a percentage or rate
// that disagrees with the ratio by more than the rounding of the value as
// written (half a unit of its last decimal place: 88% agrees with 35/40,
// 80% does not) is a problem naming the Value cell.
//
// Percentages are held as fractions. Text with "%" is unambiguous, and so
// is a number in an xlsx cell with a percent number format (0.875 shown
// as 87.5%): it is a fraction, whatever the rest of the column holds, and
// messages show it as the percentage it shows (a count in such a cell is a
// problem, as "87.5%" written for a count is). Plain numbers of percent
// indicators — typed numbers in a cell of any other format, and csv
// numbers — are decided per column and sheet once the table is read, among
// themselves: all within 0–1 are fractions, any above 1 means the column
// holds percentages (divided by 100). A column whose plain numbers hold
// both values strictly between 0 and 1 and values above 1 is an error
// naming a cell of each; percent-formatted cells never count towards it,
// so a column mixing 0.875 formatted as a percentage with a typed 87.5
// reads both as 0.875. The number format is read for Value cells and
// scorecard figures only; a Numerator or Denominator is a count whatever
// its format.
//
// An xlsx formula is read by its saved result. A formula with none (as
// written by a program that does not calculate) would read as blank, so
// it is a problem at its cell, on each sheet with a table: the first 20
// listed, then how many more.
//
// # Periods
//
// xlsx date serials (1990–2099, honouring the workbook's 1904 date system),
// 2025-09, 2025-09-30, day-first 30/09/2025 (always day-first: 01/04/2024 is
// 1 April), 09/2025, Sep-25, Sept 2025, September 2025, Sep '25,
// 2025-26 Q1, 2025/26 Q1, Q1 25/26 and 2025-26; a date may follow
// "w/e", "week ending" or "fortnight ending".
// In xlsx, a number in a Period cell or a scorecard heading is a date
// serial. In a cell with a date number format (any: 30/09/2025, Sep-25, a
// date with a time, whose time is dropped) that is certain, and one
// outside 1990–2099 is a problem naming the date it shows. A bare number
// in a cell with no date format is read the same way, as it always was,
// since some programs write dates without a format; outside 1990–2099 it
// is a problem asking for a date-formatted cell or a month; and in a
// scorecard's header row such a number (or an implausible date) is simply
// not a period heading. In csv a bare number is never a period.
// A date resolves to the period of the indicator's frequency containing it
// (for weekly and fortnightly indicators the date is the period's ending
// date); a month resolves to the quarter or year containing it; a label
// coarser than the indicator's frequency is a problem.
//
// # Limits
//
// Files larger than Options.MaxBytes, files with more rows or columns than
// Options.MaxRows and Options.MaxCols, sheets with more cells holding a
// value than Options.MaxCells, csv lines (or rows of quoted text spanning
// lines) longer than Options.MaxLineBytes, and workbooks that unpack to
// more than 1 GiB are refused with a problem naming the sheet and row, or
// the line, where the limit was passed. So are workbooks whose worksheets
// of over 16 MiB, which excelize spools to temporary files while opening
// them, unpack to more than Options.MaxSpoolBytes in all: those files go
// to a directory of each read's own in Options.TmpDir, removed when the
// read ends, whatever happened. In a workbook the rows are counted by row number,
// sheet after sheet, and the columns are those of cells holding a value or
// a formula (an empty cell further right, formatted or not, is passed
// over). A worksheet whose XML the reader refuses (see sheetReader) is a
// problem naming the sheet and row too, never an error.
// Problems are collected up to 1,000 per file, after which one last
// problem says how many more there were.
package collector
