package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// tokenChange is one line of what a tokens issue, revoke, rotate or
// rollback is about to do: Mark is + (issue), - (revoke), ~ (rotate) or !
// (failed before any request), Note the token id or why it failed,
// Endpoint the connection's SCIM endpoint URL (shown for an issue and a
// rotation: the identity provider needs it).
type tokenChange struct {
	Mark, Name, ConnectionID, Note, Endpoint string
}

// renderTokenChanges writes a token run's preview: a title, then one
// aligned line per change. Names and notes come from the tenant and are
// shown escaped.
func renderTokenChanges(w io.Writer, title string, changes []tokenChange) error {
	var b bytes.Buffer
	fmt.Fprintln(&b, sanitize(title))
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	for _, c := range changes {
		name := c.Name
		if name == "" {
			name = "(no name)"
		}
		note := sanitize(c.Note)
		if (c.Mark == "+" || c.Mark == "~") && c.Endpoint != "" {
			note = strings.TrimSpace(note + " " + bare(c.Endpoint))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Mark, sanitize(name), bare(c.ConnectionID), note)
	}
	tw.Flush()
	if !slices.ContainsFunc(changes, func(c tokenChange) bool { return c.Mark != "!" }) {
		b.WriteString("Nothing to do.\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}
