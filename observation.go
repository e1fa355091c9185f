package vitalsigns

import (
	"context"
	"database/sql"
	"time"
)

// Status is the standing of an observation's value.
type Status string

// The observation statuses.
const (
	StatusActual      Status = "actual"
	StatusProvisional Status = "provisional"
	StatusSuppressed  Status = "suppressed" // a small number withheld; never zero
	StatusMissing     Status = "missing"    // no value was given; never zero
)

// Statuses lists every valid status.
func Statuses() []Status {
	return []Status{StatusActual, StatusProvisional, StatusSuppressed, StatusMissing}
}

// Key identifies an observation across revisions.
type Key struct {
	Indicator string
	Team      string
	Period    Period
}

// Observation is one figure for an indicator, team and period. Value is
// invalid (not zero) when the status is suppressed or missing.
type Observation struct {
	Key
	Value       sql.NullFloat64
	Numerator   sql.NullFloat64
	Denominator sql.NullFloat64
	Status      Status
	Commentary  string
	Outcome     string // what is being done and what changed

	// Set by the store.
	Revision   int
	SourceID   int64
	RecordedAt time.Time
}

// SameFigure reports whether o and p record the same figure: a difference
// here is what makes a new revision.
func (o Observation) SameFigure(p Observation) bool {
	return o.Value == p.Value && o.Numerator == p.Numerator && o.Denominator == p.Denominator &&
		o.Status == p.Status && o.Commentary == p.Commentary && o.Outcome == p.Outcome
}

// Via says how a source file arrived.
type Via string

// The ways a file arrives.
const (
	ViaCLI    Via = "cli"
	ViaInbox  Via = "inbox"
	ViaUpload Via = "upload"
	ViaDemo   Via = "demo"
)

// Source is a file offered for ingest, accepted or rejected.
type Source struct {
	ID         int64
	Name       string
	SHA256     string
	Size       int64
	Via        Via
	Submitter  string
	ReceivedAt time.Time
	Rows       int
	Accepted   bool
	// Withdrawn sources' revisions no longer count; the previous figures
	// are in force again.
	Withdrawn       bool
	WithdrawnAt     time.Time
	WithdrawnReason string
	// Report is the validation report, as JSON.
	Report string
}

// Change describes what storing one observation did or would do.
type Change struct {
	Key
	Kind     ChangeKind
	Old, New Observation // Old is zero for ChangeNew
}

// ChangeKind classifies a Change.
type ChangeKind string

// The kinds of change.
const (
	ChangeNew       ChangeKind = "new"
	ChangeRevised   ChangeKind = "revised"
	ChangeUnchanged ChangeKind = "unchanged"
)

// IngestResult says what storing a file did, or in a dry run what it would
// do.
type IngestResult struct {
	SourceID int64
	// Duplicate is true when an accepted source with the same content was
	// already stored: nothing was written.
	Duplicate   bool
	DuplicateOf Source
	New         int
	Revised     int
	Unchanged   int
	// Changes lists the revisions (old → new); new and unchanged figures
	// are only counted.
	Changes []Change
}

// Ledger is where files and their figures are recorded; store implements it.
type Ledger interface {
	// Ingest records src as accepted and obs as revisions where they differ
	// from the figures in force, all in one transaction.
	Ingest(ctx context.Context, src Source, obs Observations) (IngestResult, error)
	// Plan reports what Ingest would do, writing nothing.
	Plan(ctx context.Context, src Source, obs Observations) (IngestResult, error)
	// Reject records a rejected source with its report.
	Reject(ctx context.Context, src Source) (int64, error)
	// RecordFailure records an ingest that failed for a reason that is not
	// the file's fault, for the ingest health metrics. The store may be
	// unable to take it at once (it may be the store that failed): an
	// implementation keeps what it could not write, counts it in
	// IngestStats, and writes it later.
	RecordFailure(ctx context.Context, f IngestFailure) error
}

// IngestErrorReason says why an ingest failed.
type IngestErrorReason string

// The reasons an ingest fails.
const (
	// ReasonRejected is the file's fault: it is recorded as a rejected
	// source with its report.
	ReasonRejected IngestErrorReason = "rejected"
	// ReasonStore is the store's: its write lock stayed taken for longer
	// than the lock timeout, the disk is full, the database is read-only
	// or damaged.
	ReasonStore IngestErrorReason = "store"
	// ReasonIO is a failure to read the file (permissions, a failing disk)
	// or to write the temporary files that reading takes.
	ReasonIO IngestErrorReason = "io"
)

// IngestErrorReasons lists every reason, rejected first.
func IngestErrorReasons() []IngestErrorReason {
	return []IngestErrorReason{ReasonRejected, ReasonStore, ReasonIO}
}

// IngestFailure is an attempt to ingest a file that failed for a reason
// that is not the file's fault: nothing was stored, and the same file may
// be accepted when tried again.
type IngestFailure struct {
	Reason    IngestErrorReason // never ReasonRejected
	File      string            // the file's base name
	SHA256    string            // "" if the file could not be read
	Via       Via
	Submitter string
	At        time.Time // zero: when it is recorded
	Err       string    // what went wrong, for the audit trail
}

// IngestError is the error of an ingest that failed for a reason that is
// not the file's fault (Reason is never ReasonRejected).
type IngestError struct {
	Reason IngestErrorReason
	Err    error
}

func (e *IngestError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *IngestError) Unwrap() error { return e.Err }

// Filter narrows the observations read; empty fields match everything.
type Filter struct {
	Indicator string
	Team      string
}

// IngestStats summarises ingestion for the health metrics.
type IngestStats struct {
	Accepted, Rejected int
	LastSuccess        time.Time // zero if none
	// LastFailure is when an ingest last failed, for any reason: a
	// rejected file or a failure that was not the file's fault; zero if
	// none.
	LastFailure time.Time
	// Errors counts the failed ingests by reason, rejected files included
	// (as many as Rejected); a reason absent has none.
	Errors map[IngestErrorReason]IngestErrorCount
}

// IngestErrorCount counts the failed ingests of one reason.
type IngestErrorCount struct {
	Count int
	Last  time.Time // when the latest failed; zero if none
}

// Reader is read access to the stored history; store implements it.
type Reader interface {
	// Latest returns the figure in force for every key matching f.
	Latest(ctx context.Context, f Filter) ([]Observation, error)
	// History returns every revision matching f.
	History(ctx context.Context, f Filter) ([]Observation, error)
	// Sources lists every source, newest first.
	Sources(ctx context.Context) ([]Source, error)
	// ChangeSeq grows with every committed write.
	ChangeSeq(ctx context.Context) (int64, error)
	// IngestStats counts sources by result.
	IngestStats(ctx context.Context) (IngestStats, error)
}

// Observations is a file's figures read by index, so that a large file's
// figures can be held compactly and expanded one at a time as they are
// stored, rather than held as a slice of Observation (about 200 bytes each).
type Observations interface {
	Len() int
	At(i int) Observation
}

// ObservationSlice is Observations over a slice.
type ObservationSlice []Observation

// Len returns the number of observations.
func (s ObservationSlice) Len() int { return len(s) }

// At returns observation i.
func (s ObservationSlice) At(i int) Observation { return s[i] }
