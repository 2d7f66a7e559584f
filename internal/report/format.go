package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// Format names an output form, as a --format flag spells it.
type Format string

// The formats, one per row of formats: a constant names a row, the row says
// everything else about it.
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
	// FormatDeployYAML is an exported tenant.yaml for the Auth0 Deploy CLI.
	FormatDeployYAML Format = "deploy-cli-yaml"
	// FormatDeployDir is an exported Deploy CLI directory, one file per connection.
	FormatDeployDir Format = "deploy-cli-dir"
	// FormatTerraform is exported Terraform resources with their import blocks.
	FormatTerraform Format = "terraform"
)

// Document is a kind of thing the tool writes out; each command writes one,
// and offers the formats that render it.
type Document string

const (
	// DocPlan is a plan, as plan and apply --dry-run show it.
	DocPlan Document = "plan"
	// DocSaved is a saved plan or a run report, as report renders it.
	DocSaved Document = "saved plan or run report"
	// DocAudit is a SCIM token audit.
	DocAudit Document = "token audit"
	// DocResult is a command's result on stdout (validate, apply, rollback,
	// the token commands): a summary for people or one JSON document for
	// scripts (RunResult, ValidateResult, FailedResult in result.go).
	DocResult Document = "result"
	// DocTokenPlan is a token plan (a token command's --dry-run, its
	// --save-plan) or a token command's result.
	DocTokenPlan Document = "token plan"
	// DocManifest is an export: a manifest, or another tool's files, written
	// by internal/manifest.
	DocManifest Document = "export"
)

// formatRow is everything the tool knows about a format. A renderer is nil
// where the format cannot show that value.
type formatRow struct {
	format Format
	// extensions name the format in --out; the first is the one help lists.
	extensions []string
	// note is said after the name in a --format help text (empty: nothing).
	note string
	// forMachines: the output is for a program (a script, another tool),
	// not a person reading it.
	forMachines bool
	// terminal: the output may be written to a terminal (an HTML page is for
	// a browser).
	terminal bool
	// docs are the documents a command offers in this format, in the order
	// of the table.
	docs  []Document
	plan  func(w io.Writer, p *plan.Plan, s Style) error
	run   func(w io.Writer, run *runlog.Run, source string) error
	audit func(w io.Writer, a *scimtoken.Audit, s Style) error
	// tokenPlan draws a token plan; handoff is where its tokens will go.
	tokenPlan func(w io.Writer, p *tokenplan.Plan, handoff string) error
}

// formats is the one table of output formats: --format validation, the
// format --out's extension names, every format list and help text, and
// which renderer draws which document all come from it. Adding a format is
// one row here and its renderer. The order is the order help lists them.
var formats = []formatRow{
	{format: FormatText, extensions: []string{".txt"}, terminal: true,
		docs: []Document{DocPlan, DocSaved, DocAudit, DocResult, DocTokenPlan},
		plan: writeBytes("plan", planTextBytes), run: RenderRunText, audit: writeBytes("audit", auditTextBytes),
		tokenPlan: tokenPlanText},
	{format: FormatJSON, extensions: []string{".json"}, note: "for scripts", forMachines: true, terminal: true,
		docs: []Document{DocPlan, DocAudit, DocResult, DocTokenPlan, DocManifest},
		plan: writeBytes("plan", planJSONBytes), audit: writeBytes("audit", auditJSONBytes), tokenPlan: tokenPlanJSON},
	{format: FormatMarkdown, extensions: []string{".md", ".markdown"}, terminal: true,
		docs: []Document{DocPlan, DocSaved, DocAudit, DocTokenPlan},
		plan: writeBytes("plan", planMarkdownBytes), run: RenderRunMarkdown, audit: writeBytes("audit", auditMarkdownBytes),
		tokenPlan: tokenPlanMarkdownTo},
	{format: FormatHTML, extensions: []string{".html", ".htm"}, note: "one self-contained page",
		docs: []Document{DocPlan, DocSaved, DocAudit},
		plan: func(w io.Writer, p *plan.Plan, _ Style) error { return RenderPlanHTML(w, p) },
		run:  RenderRunHTML, audit: func(w io.Writer, a *scimtoken.Audit, _ Style) error { return writePage(w, auditPage(a)) }},
	{format: FormatCSV, extensions: []string{".csv"}, terminal: true, note: "one row per connection",
		docs: []Document{DocSaved, DocManifest},
		plan: func(w io.Writer, p *plan.Plan, _ Style) error { return RenderPlanCSV(w, p) },
		run:  func(w io.Writer, run *runlog.Run, _ string) error { return RenderRunCSV(w, run) }},
	{format: FormatDeployYAML, extensions: []string{".yaml", ".yml"}, forMachines: true, terminal: true,
		docs: []Document{DocManifest}},
	{format: FormatDeployDir, note: "--out names the directory", forMachines: true,
		docs: []Document{DocManifest}},
	{format: FormatTerraform, extensions: []string{".tf"}, forMachines: true, terminal: true,
		docs: []Document{DocManifest}},
}

// rowOf is the row of a format, nil for an unknown one.
func rowOf(f Format) *formatRow {
	for i := range formats {
		if formats[i].format == f {
			return &formats[i]
		}
	}
	return nil
}

// FormatsOf are the formats a command writing doc offers, in table order.
func FormatsOf(doc Document) []Format {
	var out []Format
	for _, r := range formats {
		if slices.Contains(r.docs, doc) {
			out = append(out, r.format)
		}
	}
	return out
}

// FormatOfExtension is the format a file name's extension names (as
// filepath.Ext gives it, any case), and whether one does.
func FormatOfExtension(ext string) (Format, bool) {
	ext = strings.ToLower(ext)
	for _, r := range formats {
		if slices.Contains(r.extensions, ext) {
			return r.format, true
		}
	}
	return "", false
}

// Extensions lists the extensions that name the given formats, one each, for
// a help text or an error: ".txt, .json, .md".
func Extensions(fs []Format) string {
	var exts []string
	for _, r := range formats {
		if slices.Contains(fs, r.format) && len(r.extensions) > 0 {
			exts = append(exts, r.extensions[0])
		}
	}
	return strings.Join(exts, ", ")
}

// FormatHelp lists doc's formats for a --format help text, each with its
// note: "text, json (for scripts) or markdown".
func FormatHelp(doc Document) string {
	var names []string
	for _, f := range FormatsOf(doc) {
		name := string(f)
		if r := rowOf(f); r.note != "" {
			name += " (" + r.note + ")"
		}
		names = append(names, name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ForMachines reports whether f's output is for a program rather than a
// person: a command writing it to stdout writes nothing else there.
func ForMachines(f Format) bool {
	r := rowOf(f)
	return r != nil && r.forMachines
}

// ForTerminal reports whether f's output may be shown on a terminal (an HTML
// page may not: it is for a browser).
func ForTerminal(f Format) bool {
	r := rowOf(f)
	return r != nil && r.terminal
}

// IsInterop reports whether an export format writes another tool's files
// (Deploy CLI, Terraform) rather than a manifest.
func IsInterop(f Format) bool {
	return f == FormatDeployYAML || f == FormatDeployDir || f == FormatTerraform
}

// ParseFormat turns a flag value into one of doc's formats. Case and
// surrounding spaces are ignored because a user typing JSON means json. The
// error lists what is allowed, so the user can fix the flag without reading
// --help.
func ParseFormat(s string, doc Document) (Format, error) {
	allowed := FormatsOf(doc)
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

// writeBytes turns a renderer that builds its output whole into one that
// writes it in one go, so a rendering either fails before any byte is
// written or is written at once. what names the value in errors.
func writeBytes[T any](what string, render func(T, Style) ([]byte, error)) func(io.Writer, T, Style) error {
	return func(w io.Writer, v T, s Style) error {
		out, err := render(v, s)
		if err == nil {
			_, err = w.Write(out)
		}
		if err != nil {
			return fmt.Errorf("render %s: %w", what, err)
		}
		return nil
	}
}
