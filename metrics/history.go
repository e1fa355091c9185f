package metrics

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
)

// WriteHistory writes the whole history of the snapshot's items that keep
// returns true for as OpenMetrics text with timestamps, for
// `promtool tsdb create-blocks-from openmetrics` to backfill Prometheus:
// vitalsigns_indicator_value (each period's figure in force, and the totals
// derived for teams with teams below them, as the live metrics have them)
// and vitalsigns_indicator_rag (each period judged by the thresholds in
// force then), each sample at its period's end. Prometheus refuses samples
// older than what it holds for a series, so history reaches it only this
// way; scraping brings the current values.
//
// The text is written directly rather than through expfmt's encoder, which
// would need a client_model Metric struct for each of the hundreds of
// thousands of samples of an authority's history; what the format asks of
// it is small: families contiguous, samples of a series in time order,
// timestamps in seconds, "# EOF" at the end.
func WriteHistory(w io.Writer, s *assess.Snapshot, keep func(*assess.Item) bool) error {
	bw := bufio.NewWriter(w)
	families := []struct {
		name, help string
		sample     func(p assess.Point) (float64, bool)
	}{
		{"vitalsigns_indicator_value", "Reported value of the indicator for the period ending at the sample's timestamp, in its unit (percentages as ratios 0-1).",
			func(p assess.Point) (float64, bool) { return p.Value.Float64, p.HasValue() }},
		{"vitalsigns_indicator_rag", "RAG rating of the period ending at the sample's timestamp: 0 green, 1 amber, 2 red.",
			func(p assess.Point) (float64, bool) { return p.Verdict.RAGValue() }},
	}
	for _, f := range families {
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s gauge\n", f.name, f.help, f.name)
		for i := range s.Items {
			it := &s.Items[i]
			if keep != nil && !keep(it) {
				continue
			}
			labels := fmt.Sprintf(`{indicator="%s",team="%s"}`, escapeLabel(it.Indicator.ID), escapeLabel(it.Team.ID))
			for _, p := range it.History {
				v, ok := f.sample(p)
				if !ok {
					continue
				}
				bw.WriteString(f.name)
				bw.WriteString(labels)
				bw.WriteByte(' ')
				bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				bw.WriteByte(' ')
				bw.WriteString(strconv.FormatInt(p.Period.End().Unix(), 10))
				bw.WriteByte('\n')
			}
		}
	}
	bw.WriteString("# EOF\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

// escapeLabel escapes a label value for the text formats.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// HistoryFilter keeps the items that match an indicator and team filter.
func HistoryFilter(f vs.Filter) func(*assess.Item) bool {
	return func(it *assess.Item) bool {
		return (f.Indicator == "" || it.Indicator.ID == f.Indicator) && (f.Team == "" || it.Team.ID == f.Team)
	}
}
