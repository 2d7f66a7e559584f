package app

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// runSpec is one writing run (apply, rollback, tokens issue or revoke),
// ready to start.
type runSpec struct {
	header runlog.Header
	// tasks is how many connections the run works on, and checks those of
	// them decided before the run, that send no write (progress).
	tasks  int
	checks map[string]bool
	write  writeOptions
	doc    *report.RunResult
	// execute runs the engine, recording into rec and telling obs.
	execute func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals
	// done is the word for a connection whose write was made (applied;
	// issued, revoked for tokens).
	done string
	// after, when set, is the run's last step, taken once every result is
	// in the report and before its summary, which records what after
	// returns (tokens issue writes its handoff file there).
	after func(out *execute.Totals, report string) *runlog.Handoff
}

// configRun is the spec of a run that writes SCIM configurations.
func (e *env) configRun(s *session, h runlog.Header, tasks []execute.Task, o writeOptions, doc *report.RunResult) runSpec {
	h.Kind = runlog.KindConfig
	checks := map[string]bool{}
	for _, t := range tasks {
		if t.Outcome != "" {
			checks[console.CheckKey(t.Conn.ID, t.Conn.Name)] = true
		}
	}
	return runSpec{header: h, tasks: len(tasks), checks: checks, write: o, doc: doc,
		execute: func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals {
			return execute.Execute(ctx, s.client, tasks, execute.Options{
				RunOptions: execute.RunOptions{Concurrency: s.opts.concurrency, Stop: e.deps.Stop, Recorder: rec, Observer: obs, Now: e.deps.Now, Attempts: auth0api.WithAttemptCounter}, Force: o.force, Pace: s.client.Pace, Listed: s.client.Listed(),
			})
		}}
}

// runTasks executes a writing run: it creates the report, runs the engine
// with progress, writes the summary and maps the outcome to the command's
// result.
func (e *env) runTasks(ctx context.Context, s *session, spec runSpec) error {
	start := e.deps.Now()
	path := reportPath(spec.write, spec.header.Command, s.client.Tenant().Key(), start)
	h := spec.header
	h.ToolVersion, h.Tenant, h.StartedAt = e.deps.Version, s.tenant(), start.UTC()
	h.User, h.Host, h.PID = currentUser(), hostname(), os.Getpid()
	w, err := runlog.CreateWith(path, h, e.deps.OpenReport)
	if err != nil {
		return err
	}
	defer w.Close()
	switch {
	case s.opts.jsonLogs():
		s.logger.Info("report started", "path", path)
	case !s.opts.quiet:
		fmt.Fprintf(e.stderr, "Report: %s\n", path)
	}
	prog := console.NewProgress(console.ProgressSpec{Total: spec.tasks, Checks: spec.checks, Verb: spec.header.Command,
		Every: e.deps.StatusEvery, Now: e.deps.Now}, e.progressBar(s.opts), e.stderr, s.logger, s.client.PaceStatus)
	e.stage.Store(console.StageWriting)
	out := spec.execute(ctx, w, prog)
	prog.Close()
	var handoff *runlog.Handoff
	if spec.after != nil {
		handoff = spec.after(&out, path)
	}
	sum := summaryOf(out, e.deps.Now(), s.client.Stats().Attempts.Load())
	sum.Handoff = handoff
	if err := w.Summary(sum); err != nil {
		out.Fatal = cmp.Or(out.Fatal, err)
	}
	spec.doc.Ran(out, path, start, e.deps.Now())
	e.finishRun(s, spec, out, path)
	return outcomeError(out, path)
}

// finishRun says how the run ended: one line on stdout for a person (not
// with --format json, whose document says it), and a last log event with
// the counts for a log collector; then prunes old reports (--keep).
func (e *env) finishRun(s *session, spec runSpec, out execute.Totals, path string) {
	c := out.Counts
	s.logger.Info("run finished", "command", spec.header.Command, "report", path, "applied", c.Applied,
		"unchanged", c.Unchanged, "failed", c.Failed, "conflict", c.Conflict, "skipped", c.Skipped, "unknown", c.Unknown,
		"writes_sent", out.WritesSent, "writes_confirmed", out.WritesConfirmed)
	if spec.write.format != report.FormatJSON {
		e.printRunSummary(spec.header.Command, cmp.Or(spec.done, "applied"), c, path)
	}
	if spec.write.keep > 0 {
		key := s.client.Tenant().Key()
		runlog.Prune(spec.write.reportDir, key, spec.write.keep, path, e.deps.Now(),
			func(h runlog.Header) bool { return auth0api.TenantKey(h.Tenant) == key }, s.logger)
	}
}

// summaryOf is the report's last line for a run's outcome.
func summaryOf(out execute.Totals, now time.Time, requests int64) runlog.Summary {
	sum := runlog.Summary{Counts: out.Counts, Interrupted: out.Interrupted, Stopped: out.Stopped,
		FinishedAt: now.UTC(), Requests: requests, WritesSent: out.WritesSent, WritesConfirmed: out.WritesConfirmed,
		Rereads: out.Rereads, ReadWindowMS: out.ReadAge.Milliseconds()}
	if out.Fatal != nil {
		sum.Error = out.Fatal.Error()
	}
	return sum
}

// printRunSummary prints the run's one-line result on stdout, in the run's
// own word for a write made (2 applied; 2 issued); --quiet keeps it.
func (e *env) printRunSummary(command, done string, c runlog.Counts, path string) {
	unknown := ""
	if c.Unknown > 0 {
		unknown = fmt.Sprintf(", %d unknown", c.Unknown)
	}
	fmt.Fprintf(e.stdout, "%s finished: %d %s, %d unchanged, %d failed, %s, %d skipped%s. Report: %s\n",
		command, c.Applied, done, c.Unchanged, c.Failed, plural(c.Conflict, "conflict"), c.Skipped, unknown, path)
}

// plural writes a count and its noun, in the plural unless it is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// outcomeError maps how a run ended to the command's error (and so its exit
// code), saying what was done: interrupted, stopped by a fatal error before
// or after writes were sent, finished with connections not as asked, or done.
func outcomeError(out execute.Totals, path string) error {
	c := out.Counts
	done := writesDone(out)
	switch {
	case out.Stopped:
		return fmt.Errorf("%w: stopped at once; %s; the report %s says which; rollback --from it undoes the run", errInterrupted, done, path)
	case out.Interrupted:
		return fmt.Errorf("%w: %s; writes in flight were finished and recorded in %s; rollback --from it undoes the run", errInterrupted, done, path)
	case out.Fatal != nil && out.WritesSent == 0:
		return fmt.Errorf("run stopped, nothing was written (%s): %w", done, out.Fatal)
	case out.Fatal != nil:
		return &stoppedError{err: fmt.Errorf("run stopped after writes were sent (%s): %w", done, out.Fatal), report: path}
	case c.Unsettled() > 0:
		return &partialError{counts: c, report: path}
	}
	return nil
}

// writesDone says what a run did to the tenant, in its own words.
func writesDone(out execute.Totals) string {
	s := fmt.Sprintf("%s sent, %d confirmed", plural(out.WritesSent, "write"), out.WritesConfirmed)
	if out.WritesRefused > 0 {
		s += fmt.Sprintf(", %d refused by the tenant", out.WritesRefused)
	}
	if out.Counts.Unknown > 0 {
		s += fmt.Sprintf(", %d unknown (may have taken effect)", out.Counts.Unknown)
	}
	return s
}

// progressBar says whether progress is drawn as a bar: only for a person
// watching a terminal, never in quiet mode or in JSON logs.
func (e *env) progressBar(o connectOptions) bool {
	return e.streams.ErrTerminal && !o.quiet && !o.jsonLogs()
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
