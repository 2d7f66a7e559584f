package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// runSpec is one writing run (apply or rollback), ready to start.
type runSpec struct {
	header     runlog.Header
	tasks      []execute.Task
	reportPath string // from --report; empty: the default path
}

// runTasks executes a writing run: it creates the report, runs the tasks
// through the worker pool with progress, writes the summary and maps the
// outcome to the command's result.
func (e *env) runTasks(ctx context.Context, s *session, spec runSpec) error {
	start := e.deps.Now()
	path := spec.reportPath
	if path == "" {
		path = runlog.DefaultPath(spec.header.Command, s.tenant(), start)
	}
	h := spec.header
	h.ToolVersion, h.Tenant, h.StartedAt = e.deps.Version, s.tenant(), start.UTC()
	h.User, h.Host, h.PID = currentUser(), hostname(), os.Getpid()
	w, err := runlog.Create(path, h)
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
	prog := newProgress(len(spec.tasks), h.Command, e.progressBar(s.opts), e.stderr, s.logger)
	out := execute.Execute(ctx, s.client, spec.tasks, execute.Options{
		Concurrency: s.opts.concurrency, Stop: e.deps.Stop, Recorder: w, Observer: prog, Now: e.deps.Now,
		Attempts: auth0api.WithAttemptCounter,
	})
	prog.Close()
	sum := runlog.Summary{Counts: out.Counts, Interrupted: out.Interrupted, FinishedAt: e.deps.Now().UTC(),
		Requests: s.client.Stats().Attempts.Load()}
	if out.Fatal != nil {
		sum.Error = out.Fatal.Error()
	}
	if err := w.Summary(sum); err != nil {
		return err
	}
	e.printRunSummary(h.Command, out.Counts, path)
	return outcomeError(out, path)
}

// printRunSummary prints the run's one-line result on stdout; --quiet keeps it.
func (e *env) printRunSummary(command string, c runlog.Counts, path string) {
	fmt.Fprintf(e.stdout, "%s finished: %d applied, %d unchanged, %d failed, %d conflict, %d skipped. Report: %s\n",
		command, c.Applied, c.Unchanged, c.Failed, c.Conflict, c.Skipped, path)
}

// outcomeError maps how a run ended to the command's error (and so its exit
// code): interrupted, stopped by a fatal error, finished with failures, or
// done.
func outcomeError(out execute.Outcome, path string) error {
	c := out.Counts
	switch {
	case out.Interrupted:
		return fmt.Errorf("%w: writes in flight were finished and recorded in %s; rollback --from it undoes the run", errInterrupted, path)
	case out.Fatal != nil && c.Applied == 0:
		return fmt.Errorf("run stopped, nothing was written: %w", out.Fatal)
	case out.Fatal != nil:
		return errors.Join(fmt.Errorf("run stopped after %d write(s): %w", c.Applied, out.Fatal),
			&partialError{failed: c.Failed, conflicts: c.Conflict, report: path})
	case c.Failed+c.Conflict > 0:
		return &partialError{failed: c.Failed, conflicts: c.Conflict, report: path}
	}
	return nil
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
