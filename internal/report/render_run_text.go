package report

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// RenderRunText renders a run report for a terminal, as terraform show does
// a state: where the run came from, its counts and notes, and one line per
// connection with its action, status and error. source is the report's path.
func RenderRunText(w io.Writer, run *runlog.Run, source string) error {
	if run == nil {
		return errors.New("render run: no run")
	}
	entries := runEntries(run)
	counts := countEntries(entries, runKeys)
	var b strings.Builder
	fmt.Fprintf(&b, "scim-migrate %s run\n\n", run.Header.Command)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, f := range runFields(run, source) {
		fmt.Fprintf(tw, "  %s:\t%s\n", f.Label, f.Value)
	}
	_ = tw.Flush()
	var tallies []string
	for _, c := range counts {
		tallies = append(tallies, fmt.Sprintf("%d %s", c.N, c.Key))
	}
	fmt.Fprintf(&b, "\nSummary: %s.\n", strings.Join(tallies, ", "))
	for _, n := range runNotes(run, counts) {
		fmt.Fprintf(&b, "Note: %s\n", n)
	}
	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tCONNECTION\tACTION\tSTATUS\tERROR")
	for _, e := range entries {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", plainText(e.Name), e.ID, e.Action, e.Status, plainText(e.Error))
	}
	_ = tw.Flush()
	text := trailingSpace.ReplaceAllString(b.String(), "\n")
	if _, err := io.WriteString(w, text); err != nil {
		return fmt.Errorf("render run: %w", err)
	}
	return nil
}

// trailingSpace is the padding tabwriter leaves after a line's last column.
var trailingSpace = regexp.MustCompile(` +\n`)

// plainText keeps a value from the tenant on one line and free of control
// characters, which a terminal would obey.
func plainText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return '?'
		}
		return r
	}, s)
}
