package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/urfave/cli/v2"
)

func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "render a saved plan or a run report for people: HTML, markdown or CSV (sends nothing)",
		Description: "Reads a plan saved by plan --out or the report of an apply or a rollback (told apart by content, " +
			"not by name) and renders the audit view: a single HTML page that makes no network request, " +
			"markdown for a ticket, or CSV for a spreadsheet (one row per connection).",
		ArgsUsage: "[PLAN_OR_REPORT]",
		Flags:     reportFlags(),
		Action:    action(parseReport, e.report),
	}
}

func (e *env) report(_ context.Context, o reportOptions) error {
	if o.out == "" && o.format == report.FormatHTML && e.streams.OutTerminal {
		return &usageError{err: errors.New("the audit view is an HTML page, for a browser, not a terminal: give --out FILE.html, or --format markdown"),
			hint: helpHint("scim-migrate report")}
	}
	// A run report may be larger than a plan; the larger limit covers both.
	data, err := fileutil.ReadLimited(o.from, max(runlog.MaxReportBytes, plan.MaxPlanBytes))
	if err != nil {
		return fmt.Errorf("read the plan or report: %w", err)
	}
	var out bytes.Buffer
	if err := report.RenderSaved(&out, data, o.from, o.format); err != nil {
		return fmt.Errorf("%s: %w", o.from, err)
	}
	return e.writeReport(o.out, out.Bytes())
}

// writeReport writes the rendering to stdout, or privately (0600) and
// atomically to --out: an audit view holds the tenant's configuration, and a
// reader must never see half of one.
func (e *env) writeReport(out string, data []byte) error {
	if out == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := fileutil.WriteAtomic(out, data); err != nil {
		return fmt.Errorf("write the report to %s: %w", out, err)
	}
	fmt.Fprintf(e.stderr, "Wrote %s\n", out)
	return nil
}
