package collector

import (
	"fmt"
	"testing"
)

// revisedReport is an accepted report with n revisions.
func revisedReport(n int) *Report {
	r := &Report{File: "october.xlsx", Rows: n, Format: "xlsx", Layout: "long", Accepted: true, Revised: n, SourceID: 7}
	r.Changes = make([]Change, n)
	for i := range r.Changes {
		r.Changes[i] = Change{Indicator: "caseload_avg", Team: fmt.Sprintf("team_%03d", i%200),
			Period: fmt.Sprintf("%04d-%02d", 2000+i/12%26, i%12+1), Old: "15.2", New: "15.4"}
	}
	return r
}

// BenchmarkReportText renders the text report of a file with many
// revisions (issue 12.2: 100k revisions took 134 s when the text was built
// by string concatenation).
//
//	go test -run '^$' -bench ReportText -benchmem -count 6 ./collector
func BenchmarkReportText(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		r := revisedReport(n)
		b.Run(fmt.Sprintf("revisions=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(r.Text()) == 0 {
					b.Fatal("empty report")
				}
			}
		})
		// Every revision listed, as TextLimit(0) gives them: linear.
		b.Run(fmt.Sprintf("revisions=%d/all", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(r.TextLimit(0)) == 0 {
					b.Fatal("empty report")
				}
			}
		})
		b.Run(fmt.Sprintf("revisions=%d/json", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(r.JSON()) == 0 {
					b.Fatal("empty report")
				}
			}
		})
	}
}
