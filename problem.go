package vitalsigns

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with input, located precisely enough for a
// performance officer to find and fix it. Its text is safe to show.
type Problem struct {
	File   string `json:"file,omitempty"`
	Sheet  string `json:"sheet,omitempty"`
	Cell   string `json:"cell,omitempty"` // A1 reference in Sheet
	Line   int    `json:"line,omitempty"` // 1-based, for CSV and YAML
	Column int    `json:"column,omitempty"`
	Field  string `json:"field,omitempty"` // column header or config path
	Reason string `json:"reason"`
	Hint   string `json:"hint,omitempty"` // e.g. "did you mean …"
}

// Where returns the location part: "file: Sheet!C7", "file:12:3" or "file".
func (p Problem) Where() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Sheet != "" || p.Cell != "":
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(quoteSheet(p.Sheet))
		if p.Cell != "" {
			if p.Sheet != "" {
				b.WriteByte('!')
			}
			b.WriteString(p.Cell)
		}
	case p.Line > 0:
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	return b.String()
}

// quoteSheet quotes a sheet name as Excel does in references when it has
// anything but letters, digits and underscores.
func quoteSheet(s string) string {
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	}
	return s
}

// String formats the problem as "file: Sheet!C7: reason (hint)".
func (p Problem) String() string {
	var b strings.Builder
	if w := p.Where(); w != "" {
		b.WriteString(w)
		b.WriteString(": ")
	}
	if p.Field != "" && p.Sheet == "" && p.Cell == "" && p.Line == 0 {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// Problems is every problem found in one input. It is an error when not
// empty.
type Problems []Problem

func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "no problems"
	case 1:
		return ps[0].String()
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problems:\n%s", len(ps), strings.Join(lines, "\n"))
}

// Err returns ps as an error, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Quote renders text from input for a message: quoted, control characters
// escaped, and cut to a readable length so a hostile cell cannot flood a
// report.
func Quote(s string) string {
	const max = 60
	r := []rune(s)
	if len(r) > max {
		return fmt.Sprintf("%q…", string(r[:max]))
	}
	return fmt.Sprintf("%q", s)
}
