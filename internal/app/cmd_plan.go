package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

func validateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check a manifest offline (sends nothing); -f - reads it from standard input",
		ArgsUsage: "[MANIFEST]",
		Flags:     options.ValidateFlags(),
		Action:    actionDoc(options.ParseValidate, e.validate),
	}
}

// validate returns, with --format json, its document of the problems.
func (e *env) validate(_ context.Context, o options.Validate) (resultDoc, error) {
	m, err := e.readManifest(o.Manifest)
	if o.Format == report.FormatJSON {
		name := o.Manifest
		if options.IsStdin(name) {
			name = options.StdinName
		}
		return docFunc(func(int, error) any { return report.Validated(name, err) }), err
	}
	if err != nil {
		return nil, err
	}
	pairs := 0
	for _, en := range m.Entries {
		pairs += len(en.Mapping)
	}
	fmt.Fprintf(e.stdout, "%s: valid, %d connection entries, %d mapping entries\n", m.Path, len(m.Entries), pairs)
	return nil, nil
}

func planCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "read the live state and print the diff (writes nothing to the tenant)",
		ArgsUsage: "[MANIFEST]",
		Flags:     options.PlanFlags(),
		Action:    action(options.ParsePlan, e.plan),
	}
}

func (e *env) plan(ctx context.Context, o options.Plan) error {
	m, err := e.readManifest(o.Manifest)
	if err != nil {
		return err
	}
	s, err := e.connect(o.Connect)
	if err != nil {
		return err
	}
	ctx = console.ReadOnlyContext(ctx, e.deps.Stop)
	p, _, err := s.Plan(ctx, m, o.CreateMissing)
	if err != nil {
		return console.Interrupted(ctx, err, e.stage.Load())
	}
	if err := e.writePlan(s, p, o); err != nil {
		return err
	}
	if !shownAsText(o) {
		logWarnings(s, p)
	}
	if o.DetailedExitcode && p.Summary.Differs() {
		return errPlanHasChanges
	}
	return nil
}

// shownAsText says whether plan shows the plan as text on stdout, where its
// warnings are: they are then not logged too.
func shownAsText(o options.Plan) bool {
	if o.Out != "" {
		return !o.Quiet
	}
	return o.Format == report.FormatText
}

// logWarnings logs the plan's warnings, for a command that does not show
// them with the plan on stdout: each warning is said once, on one stream.
func logWarnings(s *connected, p *plan.Plan) {
	for _, w := range p.Warnings {
		s.Logger.Warn(w)
	}
}

// writePlan renders the plan in its format on stdout, or into --out; with
// --out, stdout still shows the plan as text for review (as terraform plan
// -out does), unless --quiet.
func (e *env) writePlan(s *connected, p *plan.Plan, o options.Plan) error {
	if o.Out == "" {
		return report.RenderPlan(e.stdout, p, o.Format, e.style())
	}
	var b bytes.Buffer
	if err := report.RenderPlan(&b, p, o.Format, report.Style{}); err != nil {
		return err
	}
	if err := fileutil.WriteAtomic(o.Out, b.Bytes()); err != nil {
		return fmt.Errorf("save the plan: %w", err)
	}
	if !s.opts.Quiet {
		if err := report.RenderPlan(e.stdout, p, report.FormatText, e.style()); err != nil {
			return err
		}
	}
	e.saidSaved(o.Out, o.Format)
	return nil
}

// saidSaved tells, whatever the log level (even --quiet: the path is what
// the next step needs), where the plan was saved and the command that
// applies it, on stderr: in words, or as one JSON log line.
func (e *env) saidSaved(path string, f report.Format) {
	next := ""
	if f == report.FormatJSON {
		next = "scim-migrate apply --plan " + shellQuote(path)
	}
	if e.jsonLogs {
		slog.New(slog.NewJSONHandler(e.stderr, nil)).Info("plan saved", "path", path, "format", string(f), "apply_with", next)
		return
	}
	if next == "" {
		fmt.Fprintf(e.stderr, "Saved the plan's %s view to %s.\n", f, path)
		return
	}
	fmt.Fprintf(e.stderr, "Saved the plan to %s. To apply exactly this plan, run:\n  %s\n", path, next)
}

// shellQuote quotes a path for a command line a user copies, when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// style is how renderings for people look on stdout.
func (e *env) style() report.Style {
	return report.Style{Color: !e.noColor && report.ColorAllowed(e.streams.OutTerminal, e.deps.Getenv)}
}
