package session

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// Reports is where a writing run's report goes, and how many of the
// tenant's reports are kept there.
type Reports struct {
	Path string // --report, or
	Dir  string // --report-dir, with
	Keep int    // --keep
}

// ReportPath is where a run's report goes: Path, or a new file named after
// the command, the tenant and the time, in Dir or the current directory.
func (r Reports) ReportPath(command, tenant string, start time.Time) string {
	if r.Path != "" {
		return r.Path
	}
	return filepath.Join(r.Dir, runlog.DefaultPath(command, tenant, start))
}

// Check is a connection a run decided before it started: it sends no write
// (progress counts it apart).
type Check struct{ ID, Name string }

// RunSpec is one writing run (apply, rollback, tokens issue, revoke or
// rotate), ready to start.
type RunSpec struct {
	Header runlog.Header
	// Tasks is how many connections the run works on, and Checks those of
	// them decided before the run.
	Tasks   int
	Checks  []Check
	Reports Reports
	// execute runs the engine, recording into rec and telling obs.
	execute func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals
	// after, when set, is the run's last step, taken once every result is
	// in the report and before its summary, which records what after
	// returns (a run that issues tokens writes its handoff file there).
	after func(out *execute.Totals, report string) *runlog.Handoff
}

// ConfigRun is the spec of a run that writes SCIM configurations; force
// writes over a conflict.
func (s *Session) ConfigRun(h runlog.Header, tasks []execute.Task, reports Reports, force bool) RunSpec {
	h.Kind = runlog.KindConfig
	var checks []Check
	for _, t := range tasks {
		if t.Outcome != "" {
			checks = append(checks, Check{ID: t.Conn.ID, Name: t.Conn.Name})
		}
	}
	return RunSpec{Header: h, Tasks: len(tasks), Checks: checks, Reports: reports,
		execute: func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals {
			return execute.Execute(ctx, s.Client, tasks, execute.Options{
				RunOptions: s.runOptions(rec, obs), Force: force, Pace: s.Client.Pace, Listed: s.Client.Listed(),
			})
		}}
}

// runOptions are the engine's options every writing run shares.
func (s *Session) runOptions(rec execute.Recorder, obs execute.Observer) execute.RunOptions {
	return execute.RunOptions{Concurrency: s.opts.Concurrency, Stop: s.opts.Stop, Recorder: rec, Observer: obs,
		Now: s.opts.Now, Attempts: auth0api.WithAttemptCounter}
}

// Run is a writing run whose report is open: Execute it, End it, Close it.
type Run struct {
	s    *Session
	spec RunSpec
	w    *runlog.Writer
	// Path is the report's; Start the time the run started.
	Path  string
	Start time.Time
}

// Begin creates the run's report, its header written.
func (s *Session) Begin(spec RunSpec) (*Run, error) {
	start := s.opts.Now()
	path := spec.Reports.ReportPath(spec.Header.Command, s.Client.Tenant().Key(), start)
	h := spec.Header
	h.ToolVersion, h.Tenant, h.StartedAt = s.opts.Version, s.Tenant(), start.UTC()
	h.User, h.Host, h.PID = currentUser(), hostname(), os.Getpid()
	w, err := runlog.CreateWith(path, h, s.opts.OpenReport)
	if err != nil {
		return nil, err
	}
	return &Run{s: s, spec: spec, w: w, Path: path, Start: start}, nil
}

// Execute runs the engine, recording into the report and telling obs of
// each connection's result.
func (r *Run) Execute(ctx context.Context, obs execute.Observer) execute.Totals {
	return r.spec.execute(ctx, r.w, obs)
}

// End takes the run's last step, writes its summary, says how it ended in
// the log (a last event with the counts, for a log collector). It returns
// the outcome, a failure to write the summary included, and the summary;
// Prune comes after the caller has shown it.
func (r *Run) End(out execute.Totals) (execute.Totals, runlog.Summary) {
	s := r.s
	var handoff *runlog.Handoff
	if r.spec.after != nil {
		handoff = r.spec.after(&out, r.Path)
	}
	sum := summaryOf(out, s.opts.Now(), s.Requests())
	sum.Handoff = handoff
	if err := r.w.Summary(sum); err != nil {
		out.Fatal = cmp.Or(out.Fatal, err)
	}
	c := out.Counts
	s.Logger.Info("run finished", "command", r.spec.Header.Command, "report", r.Path, "applied", c.Applied,
		"unchanged", c.Unchanged, "failed", c.Failed, "conflict", c.Conflict, "skipped", c.Skipped, "unknown", c.Unknown,
		"writes_sent", out.WritesSent, "writes_confirmed", out.WritesConfirmed)
	return out, sum
}

// Prune deletes the tenant's old reports past --keep, once the run's
// outcome has been said: a log of deletions is the run's last word.
func (r *Run) Prune() {
	keep := r.spec.Reports
	if keep.Keep <= 0 {
		return
	}
	s := r.s
	key := s.Client.Tenant().Key()
	runlog.Prune(keep.Dir, key, keep.Keep, r.Path, s.opts.Now(),
		func(h runlog.Header) bool { return auth0api.TenantKey(h.Tenant) == key }, s.Logger)
}

// Close closes the report file.
func (r *Run) Close() error { return r.w.Close() }

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
