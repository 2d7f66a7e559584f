package app

import (
	"cmp"
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/session"
)

// runTasks runs a writing run: the session creates its report, runs the
// engine and ends the run; the command shows where the report is, the
// progress and the one-line result (done: its word for a write made,
// "applied" if empty), fills its document and returns the outcome.
func (e *env) runTasks(ctx context.Context, s *connected, spec session.RunSpec, o options.Write, doc *report.RunResult, done string) error {
	run, err := s.Begin(spec)
	if err != nil {
		return err
	}
	defer run.Close()
	switch {
	case s.opts.JSONLogs():
		s.Logger.Info("report started", "path", run.Path)
	case !s.opts.Quiet:
		fmt.Fprintf(e.stderr, "Report: %s\n", run.Path)
	}
	prog := console.NewProgress(console.ProgressSpec{Total: spec.Tasks, Checks: checkSet(spec.Checks), Verb: spec.Header.Command,
		Every: e.deps.StatusEvery, Now: e.deps.Now}, e.progressBar(s.opts), e.stderr, s.Logger, s.Client.PaceStatus)
	e.stage.Store(console.StageWriting)
	out := run.Execute(ctx, prog)
	prog.Close()
	out, sum := run.End(out)
	if sum.Handoff != nil && sum.Handoff.Written {
		doc.Handoff = sum.Handoff.Path
	}
	doc.Ran(out, run.Path, run.Start, e.deps.Now())
	if o.Format != report.FormatJSON {
		e.printRunSummary(spec.Header.Command, cmp.Or(done, "applied"), out.Counts, run.Path)
	}
	run.Prune()
	return session.Outcome(out, run.Path)
}

// checkSet is the progress's set of the connections a run decided before
// it started.
func checkSet(checks []session.Check) map[string]bool {
	set := map[string]bool{}
	for _, c := range checks {
		set[console.CheckKey(c.ID, c.Name)] = true
	}
	return set
}

// printRunSummary prints the run's one-line result on stdout, in the run's
// own word for a write made (2 applied; 2 issued); --quiet keeps it.
func (e *env) printRunSummary(command, done string, c runlog.Counts, path string) {
	unknown := ""
	if c.Unknown > 0 {
		unknown = fmt.Sprintf(", %d unknown", c.Unknown)
	}
	fmt.Fprintf(e.stdout, "%s finished: %d %s, %d unchanged, %d failed, %s, %d skipped%s. Report: %s\n",
		command, c.Applied, done, c.Unchanged, c.Failed, report.Plural(c.Conflict, "conflict"), c.Skipped, unknown, path)
}

// progressBar says whether progress is drawn as a bar: only for a person
// watching a terminal, never in quiet mode or in JSON logs.
func (e *env) progressBar(o options.Connect) bool {
	return e.streams.ErrTerminal && !o.Quiet && !o.JSONLogs()
}
