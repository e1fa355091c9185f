package vitalsigns

import (
	"context"
	"time"
)

// IssuedReport is a report as it was issued.
type IssuedReport struct {
	ID          int64
	Kind        string // "monthly", "biweekly"
	Team        string
	Period      string
	Format      string
	GeneratedAt time.Time
	// DataAsAt is the instant the figures were read as of: the generation
	// time for a live report, the --as-of time for a reproduction.
	DataAsAt  time.Time
	ChangeSeq int64
}

// ReportLog keeps the reports issued, and reads figures as they stood at
// an earlier instant; store implements it.
type ReportLog interface {
	// RecordReport records an issued report and returns its id.
	RecordReport(ctx context.Context, r IssuedReport) (int64, error)
	// LastReport returns the latest report of kind for team issued
	// before the instant, if any.
	LastReport(ctx context.Context, kind, team string, before time.Time) (IssuedReport, bool, error)
	// LatestAsOf returns the figures in force at instant at: the latest
	// revision recorded by then, from sources not withdrawn by then.
	LatestAsOf(ctx context.Context, f Filter, at time.Time) ([]Observation, error)
}
