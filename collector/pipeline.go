package collector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
)

// IngestOptions says how a file arrived and what to do with it.
type IngestOptions struct {
	Options
	DryRun    bool // validate and report what would change; store nothing
	Via       vs.Via
	Submitter string
}

// bigFile is the number of rows from which Ingest returns the memory the
// reading took to the operating system before storing.
const bigFile = 100_000

// Change is one revision in a report: old → new.
type Change struct {
	Indicator string `json:"indicator"`
	Team      string `json:"team"`
	Period    string `json:"period"`
	Old       string `json:"old"`
	New       string `json:"new"`
}

// Report is what ingesting one file did: the validation report kept with
// the source and shown to whoever submitted it.
type Report struct {
	File        string      `json:"file"`
	SHA256      string      `json:"sha256"`
	Size        int64       `json:"size"`
	Format      string      `json:"format,omitempty"`
	Encoding    string      `json:"encoding,omitempty"` // of a csv file
	Layout      string      `json:"layout,omitempty"`
	Rows        int         `json:"rows"`
	Accepted    bool        `json:"accepted"`
	DryRun      bool        `json:"dry_run,omitempty"`
	Duplicate   bool        `json:"duplicate,omitempty"`
	DuplicateOf int64       `json:"duplicate_of,omitempty"` // the source already holding this content
	SourceID    int64       `json:"source_id,omitempty"`
	New         int         `json:"new"`
	Revised     int         `json:"revised"`
	Unchanged   int         `json:"unchanged"`
	Changes     []Change    `json:"changes,omitempty"`
	Problems    vs.Problems `json:"problems,omitempty"`
	// Warnings do not stop a file: e.g. commentary that looks as if it
	// identifies a child.
	Warnings vs.Problems `json:"warnings,omitempty"`
	// Skipped lists the problems of the rows a lenient ingest left out.
	Skipped     vs.Problems `json:"skipped,omitempty"`
	SkippedRows int         `json:"skipped_rows,omitempty"`
}

// Ingest reads, validates and stores one file: all of it in one transaction,
// or, if it has any problem, none of it, with the attempt recorded as a
// rejected source carrying its report. With DryRun nothing is written.
// Bad input is reported in Report.Problems; the error is for failures of the
// machinery (I/O, database). Such a failure is not the file's fault: it is
// returned as a *vs.IngestError with its reason (ReasonIO or ReasonStore)
// and, unless it is a dry run, a missing file or ctx ended, recorded with
// ledger.RecordFailure for the ingest health metrics; the same file may be
// accepted when tried again.
func Ingest(ctx context.Context, ledger vs.Ledger, path string, cat *vs.Catalogue, opt IngestOptions) (*Report, error) {
	// The name recorded and shown never carries a bidi override or other
	// invisible character that would disguise it.
	name, clean := vs.CleanName(filepath.Base(path))
	var sha string
	fail := func(reason vs.IngestErrorReason, err error) error {
		ie := &vs.IngestError{Reason: reason, Err: err}
		if opt.DryRun || ctx.Err() != nil || errors.Is(err, fs.ErrNotExist) {
			return ie
		}
		f := vs.IngestFailure{Reason: reason, File: name, SHA256: sha, Via: opt.Via, Submitter: opt.Submitter, Err: err.Error()}
		if rerr := ledger.RecordFailure(ctx, f); rerr != nil {
			ie.Err = fmt.Errorf("%w; %w", err, rerr)
		}
		return ie
	}
	// The os errors name the file already: "open input: open x.csv: ...".
	f, err := os.Open(path)
	if err != nil {
		return nil, fail(vs.ReasonIO, fmt.Errorf("open input: %w", err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fail(vs.ReasonIO, fmt.Errorf("stat input: %w", err))
	}
	rep := &Report{File: name, Size: fi.Size(), DryRun: opt.DryRun}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fail(vs.ReasonIO, fmt.Errorf("hash input: %w", err))
	}
	rep.SHA256 = hex.EncodeToString(h.Sum(nil))
	sha = rep.SHA256

	res, err := Read(ctx, name, f, fi.Size(), cat, opt.Options)
	if err != nil {
		return nil, fail(vs.ReasonIO, err) // Read's errors name the file
	}
	rep.Format, rep.Layout, rep.Rows, rep.Problems, rep.Warnings = res.Format, res.Layout, res.Rows, res.Problems, res.Warnings
	rep.Skipped, rep.SkippedRows, rep.Encoding = res.Skipped, res.SkippedRows, res.Encoding
	if !clean {
		rep.Warnings = append(rep.Warnings, vs.Problem{File: name,
			Reason: "the file name held control or invisible formatting characters (such as a right-to-left override); they were removed from the name recorded"})
	}
	src := vs.Source{Name: name, SHA256: rep.SHA256, Size: rep.Size, Via: opt.Via, Submitter: opt.Submitter, Rows: res.Rows}

	if len(res.Problems) > 0 {
		if opt.DryRun {
			return rep, nil
		}
		src.Report = rep.JSON()
		if rep.SourceID, err = ledger.Reject(ctx, src); err != nil {
			return nil, fail(vs.ReasonStore, fmt.Errorf("record rejected %s: %w", name, err))
		}
		return rep, nil
	}

	if res.Rows >= bigFile {
		// Hand the reader's garbage back to the operating system before
		// the store allocates its own memory, so that the two do not add
		// up in the peak (BENCHMARKS.md: a million-row xlsx, 155 → 138 MB).
		debug.FreeOSMemory()
	}
	store := ledger.Ingest
	if opt.DryRun {
		store = ledger.Plan
	}
	rep.Accepted = true
	src.Report = rep.JSON() // the validation report; the counts are in the tables
	r, err := store(ctx, src, res.Figures())
	if err != nil {
		return nil, fail(vs.ReasonStore, fmt.Errorf("store %s: %w", name, err))
	}
	rep.SourceID, rep.Duplicate = r.SourceID, r.Duplicate
	if r.Duplicate {
		rep.DuplicateOf, rep.SourceID = r.DuplicateOf.ID, 0
	}
	rep.New, rep.Revised, rep.Unchanged = r.New, r.Revised, r.Unchanged
	for _, c := range r.Changes {
		ind, _ := cat.Indicator(c.Indicator)
		rep.Changes = append(rep.Changes, Change{c.Indicator, c.Team, c.Period.String(), describe(ind, c.Old), describe(ind, c.New)})
	}
	return rep, nil
}

// describe renders a figure for a change list: value and status.
func describe(ind *vs.Indicator, o vs.Observation) string {
	s := string(o.Status)
	if o.Value.Valid {
		s = ind.Format(o.Value.Float64)
		if o.Status != vs.StatusActual {
			s += " (" + string(o.Status) + ")"
		}
	}
	return s
}

// JSON renders the report as JSON.
func (r *Report) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		// Report holds only strings, numbers and slices of them.
		panic(fmt.Sprintf("marshal report: %v", err))
	}
	return string(b)
}

// TextListLimit is how many entries of each list (problems, revisions,
// skipped rows, warnings) Text shows before "and N more": a terminal or a
// .report.txt of a hundred thousand revisions helps nobody, and the JSON
// report always has them all.
const TextListLimit = 100

// Text renders the report for a terminal: a summary line, then each
// problem or revision on its own line, at most TextListLimit of each list.
func (r *Report) Text() string { return r.TextLimit(TextListLimit) }

// TextLimit is Text listing at most limit entries of each list (all of
// them when limit <= 0). It takes time and memory linear in what it
// writes.
func (r *Report) TextLimit(limit int) string {
	var b strings.Builder
	list := func(n int, indent string, line func(i int)) {
		shown := n
		if limit > 0 && n > limit {
			shown = limit
		}
		for i := range shown {
			b.WriteString(indent)
			line(i)
			b.WriteByte('\n')
		}
		if shown < n {
			fmt.Fprintf(&b, "%s… and %s more (the JSON report lists them all)\n", indent, thousands(n-shown))
		}
	}
	switch {
	case len(r.Problems) > 0:
		verb := "rejected"
		if r.DryRun {
			verb = "would be rejected"
		}
		fmt.Fprintf(&b, "%s: %s: %d problem(s) in %d rows; nothing stored\n", r.File, verb, len(r.Problems), r.Rows)
		list(len(r.Problems), "  ", func(i int) { b.WriteString(r.Problems[i].String()) })
	case r.Duplicate:
		fmt.Fprintf(&b, "%s: already ingested as source %d; nothing to do\n", r.File, r.DuplicateOf)
	default:
		verb := "accepted"
		if r.DryRun {
			verb = "dry run, nothing stored"
		}
		fmt.Fprintf(&b, "%s: %s: %d rows (%s, %s layout): %d new, %d revised, %d unchanged", r.File, verb, r.Rows, r.Format, r.Layout, r.New, r.Revised, r.Unchanged)
		if r.SourceID > 0 {
			fmt.Fprintf(&b, " (source %d)", r.SourceID)
		}
		b.WriteByte('\n')
		list(len(r.Changes), "  ", func(i int) {
			c := r.Changes[i]
			fmt.Fprintf(&b, "revised %s / %s / %s: %s → %s", c.Indicator, c.Team, c.Period, c.Old, c.New)
		})
		if r.SkippedRows > 0 {
			fmt.Fprintf(&b, "  %d row(s) skipped (lenient):\n", r.SkippedRows)
			list(len(r.Skipped), "    ", func(i int) { b.WriteString(r.Skipped[i].String()) })
		}
	}
	list(len(r.Warnings), "  ", func(i int) { b.WriteString("warning: " + r.Warnings[i].String()) })
	return b.String()
}

// thousands writes n with commas: 99,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
