package app

import (
	"bytes"
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/urfave/cli/v2"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "render a saved plan or a run report for people: text, HTML, markdown or CSV (sends nothing)",
		Description: "Reads a plan saved by plan --out or the report of an apply or a rollback (told apart by content, " +
			"not by name) and renders it: text for a terminal (as terraform show does), the audit view as a single " +
			"HTML page that makes no network request, markdown for a ticket, or CSV for a spreadsheet (one row per connection).",
		ArgsUsage: "[PLAN_OR_REPORT]",
		Flags:     options.ReportFlags(),
		Action:    action(options.ParseReport, e.report),
	}
}

func (e *env) report(_ context.Context, o options.Report) error {
	if !o.FormatGiven && o.Out == "" && e.streams.OutTerminal {
		o.Format = report.FormatText
	}
	if err := e.noHTMLOnTerminal(o.Format, o.Out, "the audit view", "scim-migrate report"); err != nil {
		return err
	}
	// A run report may be larger than a plan; the larger limit covers both.
	data, err := fileutil.ReadLimited(o.From, max(runlog.MaxReportBytes, plan.MaxPlanBytes))
	if err != nil {
		return fmt.Errorf("read the plan or report: %w", err)
	}
	var out bytes.Buffer
	if err := report.RenderSaved(&out, data, o.From, o.Format); err != nil {
		return fmt.Errorf("%s: %w", o.From, err)
	}
	return e.writeRendering(o.Out, out.Bytes(), "the report", func(path string) {
		if !o.Quiet {
			fmt.Fprintf(e.stderr, "Wrote %s\n", path)
		}
	})
}

// noHTMLOnTerminal refuses to print an HTML page (what, for the message) on
// a terminal: it is for a browser.
func (e *env) noHTMLOnTerminal(f report.Format, out, what, command string) error {
	if out != "" || report.ForTerminal(f) || !e.streams.OutTerminal {
		return nil
	}
	return &cliui.UsageError{Err: fmt.Errorf("%s is an HTML page, for a browser, not a terminal: give --out FILE.html, or --format text or markdown", what),
		Hint: cliui.HelpHint(command)}
}

// writeRendering writes a rendering (what, for the message) to stdout, or
// privately (0600) and atomically to --out, then tells wrote: a rendering
// holds the tenant's configuration or tokens' metadata, and a reader must
// never see half of one.
func (e *env) writeRendering(out string, data []byte, what string, wrote func(path string)) error {
	if out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := fileutil.WriteAtomic(out, data); err != nil {
		return fmt.Errorf("write %s to %s: %w", what, out, err)
	}
	wrote(out)
	return nil
}
