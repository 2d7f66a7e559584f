package report

import (
	"fmt"
	"slices"
	"strings"
)

// Format names an output form, as a --format flag spells it.
type Format string

const (
	// FormatText is the Terraform-like diff for a terminal.
	FormatText Format = "text"
	// FormatJSON is the machine form; for a plan it is the saved plan itself.
	FormatJSON Format = "json"
	// FormatMarkdown is for pasting into a change request or a wiki.
	FormatMarkdown Format = "markdown"
	// FormatHTML is the audit view: one self-contained page to hand to a
	// reviewer, with no external requests.
	FormatHTML Format = "html"
	// FormatCSV is one row per connection, for a spreadsheet.
	FormatCSV Format = "csv"
)

// planFormats are the formats RenderPlan supports, the default set of ParseFormat.
var planFormats = []Format{FormatText, FormatJSON, FormatMarkdown}

// ParseFormat turns a flag value into a Format. Each command allows its own
// set (plan and report differ), so the caller passes it; with none given the
// plan formats are allowed. Case and surrounding spaces are ignored because a
// user typing JSON means json. The error lists what is allowed, so the user
// can fix the flag without reading --help.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	if len(allowed) == 0 {
		allowed = planFormats
	}
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(allowed, f) {
		return f, nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown format %q: use one of %s", s, strings.Join(names, ", "))
}
