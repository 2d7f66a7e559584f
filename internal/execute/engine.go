package execute

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
)

// Task is one connection's work in a run (apply or rollback).
type Task struct {
	Conn plan.Connection
	// Action is the write to make: create, update or delete; none when the
	// task needs no write.
	Action report.Action
	// Before is the live state the write starts from; it goes into the intent
	// so the write can be undone.
	Before *plan.Config
	// After is the state the connection must end in (nil: no configuration).
	After *plan.Config
	// Outcome, when set, is decided before the run (unchanged, conflict,
	// skipped) and no request is sent; Note says why.
	Outcome report.Status
	Note    string
	From    *plan.Pos
}

// Recorder receives a run's intents and results, durably: Intent must not
// return before the intent is on disk.
type Recorder interface {
	Intent(report.Intent) error
	Result(report.Result) error
}

// Observer is told about each finished connection (progress output).
type Observer interface {
	Finished(report.Result)
}

// RunOptions configures a run.
type RunOptions struct {
	Concurrency int
	// Stop is closed on the first interrupt: connections not started yet are
	// skipped, writes in flight finish and are recorded.
	Stop     <-chan struct{}
	Recorder Recorder
	Observer Observer
	Now      func() time.Time
}

// Outcome is how a run ended.
type Outcome struct {
	Counts      report.Counts
	Interrupted bool
	// Fatal is the error that stopped the run early, if one did.
	Fatal error
}

// Execute runs the tasks through the worker pool: one item per connection,
// at most Concurrency at once, every request through the client's shared
// limiter. Each write's intent is recorded before the write is sent, and
// every task gets exactly one result, whatever happens.
func (c *Client) Execute(ctx context.Context, tasks []Task, opts RunOptions) Outcome {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	results := make([]*report.Result, len(tasks))
	fatal := forEach(ctx, len(tasks), opts.Concurrency, func(ctx context.Context, i int) error {
		r, err := c.runTask(ctx, &tasks[i], opts)
		results[i] = &r
		return err
	})
	out := Outcome{Interrupted: stopped(opts.Stop)}
	if fatal != nil && !errors.Is(fatal, context.Canceled) {
		out.Fatal = fatal
	}
	if errors.Is(fatal, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		out.Interrupted = true
	}
	for i := range tasks {
		if results[i] == nil {
			r := notStarted(&tasks[i], fatal, opts.Now())
			results[i] = &r
			out.Fatal = firstErr(out.Fatal, opts.Recorder.Result(r))
		}
		out.Counts.Add(results[i].Status)
	}
	return out
}

// runTask does one connection's work and records its result. It returns an
// error only when the whole run must stop.
func (c *Client) runTask(ctx context.Context, t *Task, opts RunOptions) (report.Result, error) {
	start := opts.Now()
	r := newResult(t)
	var fatal error
	switch {
	case t.Outcome != "":
		r.Status, r.Error = t.Outcome, t.Note
	case stopped(opts.Stop):
		r.Status, r.Error = report.StatusSkipped, "not started: the run was interrupted"
	default:
		fatal = c.runWrite(ctx, t, opts, &r)
	}
	r.DurationMS = opts.Now().Sub(start).Milliseconds()
	r.At = opts.Now().UTC()
	if err := opts.Recorder.Result(r); err != nil {
		return r, fmt.Errorf("record result of %s: %w", t.Conn.ID, err)
	}
	if opts.Observer != nil {
		opts.Observer.Finished(r)
	}
	return r, fatal
}

// runWrite records the intent, sends the write and fills in the result.
func (c *Client) runWrite(ctx context.Context, t *Task, opts RunOptions, r *report.Result) error {
	intent := report.Intent{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: t.Action, Before: t.Before, After: t.After, At: opts.Now().UTC(),
	}
	if err := opts.Recorder.Intent(intent); err != nil {
		// Without a durable intent the write could not be undone: stop.
		r.Status, r.Error = report.StatusFailed, "not written: "+err.Error()
		return fmt.Errorf("record intent for %s: %w", t.Conn.ID, err)
	}
	actx, attempts := withAttemptCounter(ctx)
	err := c.write(actx, t)
	if err != nil && ctx.Err() == nil && mayHaveTakenEffect(t, err) && c.reachedTarget(actx, t) {
		err = nil
	}
	r.Attempts = int(attempts.Load())
	if err != nil {
		r.Status, r.Error = report.StatusFailed, err.Error()
		if IsFatal(err) {
			return err
		}
		return nil
	}
	r.Status = report.StatusApplied
	return nil
}

func newResult(t *Task) report.Result {
	return report.Result{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: t.Action, Before: t.Before, After: t.After, From: t.From,
	}
}

// notStarted is the result of a task the pool never reached because the run
// stopped first.
func notStarted(t *Task, cause error, now time.Time) report.Result {
	r := newResult(t)
	r.Status, r.At = report.StatusSkipped, now.UTC()
	switch {
	case t.Outcome != "":
		r.Status, r.Error = t.Outcome, t.Note
	case cause != nil && !errors.Is(cause, context.Canceled):
		r.Error = "not started: the run stopped: " + cause.Error()
	default:
		r.Error = "not started: the run was interrupted"
	}
	return r
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
