package execute

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// Recorder receives a run's intents and results, durably: Intent must not
// return before the intent is on disk.
type Recorder interface {
	Intent(runlog.Intent) error
	Result(runlog.Result) error
}

// Observer is told about each finished connection (progress output).
type Observer interface {
	Finished(runlog.Result)
}

// DefaultConcurrency is how many connections a run works on at once: enough
// to hide the tenant's latency at the rates Auth0 allows.
const DefaultConcurrency = 4

// Options configures a run.
type Options struct {
	Concurrency int
	// Stop is closed on the first interrupt: connections not started yet are
	// skipped, writes in flight finish and are recorded.
	Stop     <-chan struct{}
	Recorder Recorder
	Observer Observer
	Now      func() time.Time
	// Attempts, when set, returns a context under which the tenant counts
	// the requests it sends, and the counter, so each result can say how
	// many requests its connection took.
	Attempts func(context.Context) (context.Context, *atomic.Int32)
}

// Outcome is how a run ended.
type Outcome struct {
	Counts      runlog.Counts
	Interrupted bool
	// Fatal is the error that stopped the run early, if one did.
	Fatal error
}

// Execute runs the tasks through the worker pool: one item per connection,
// at most Concurrency at once. Each write's intent is recorded before the
// write is sent, and every task gets exactly one result, whatever happens.
func Execute(ctx context.Context, tenant Tenant, tasks []Task, opts Options) Outcome {
	r := &run{tenant: tenant, opts: withDefaults(opts)}
	results := make([]*runlog.Result, len(tasks))
	fatal := ForEach(ctx, len(tasks), r.opts.Concurrency, func(ctx context.Context, i int) error {
		res, err := r.task(ctx, &tasks[i])
		results[i] = &res
		return err
	})
	out := Outcome{Interrupted: stopped(r.opts.Stop)}
	if fatal != nil && !errors.Is(fatal, context.Canceled) {
		out.Fatal = fatal
	}
	if errors.Is(fatal, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		out.Interrupted = true
	}
	for i := range tasks {
		if results[i] == nil {
			res := notStarted(&tasks[i], fatal, r.opts.Now())
			results[i] = &res
			out.Fatal = firstErr(out.Fatal, r.opts.Recorder.Result(res))
		}
		out.Counts.Add(results[i].Status)
	}
	return out
}

func withDefaults(o Options) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Attempts == nil {
		o.Attempts = func(ctx context.Context) (context.Context, *atomic.Int32) { return ctx, new(atomic.Int32) }
	}
	return o
}

// run is one Execute call.
type run struct {
	tenant Tenant
	opts   Options
}

// task does one connection's work and records its result. It returns an
// error only when the whole run must stop.
func (r *run) task(ctx context.Context, t *Task) (runlog.Result, error) {
	start := r.opts.Now()
	res := newResult(t)
	var fatal error
	switch {
	case t.Outcome != "":
		res.Status, res.Error = t.Outcome, t.Note
	case stopped(r.opts.Stop):
		res.Status, res.Error = runlog.StatusSkipped, "not started: the run was interrupted"
	default:
		fatal = r.write(ctx, t, &res)
	}
	res.DurationMS = r.opts.Now().Sub(start).Milliseconds()
	res.At = r.opts.Now().UTC()
	if err := r.opts.Recorder.Result(res); err != nil {
		return res, fmt.Errorf("record result of %s: %w", t.Conn.ID, err)
	}
	if r.opts.Observer != nil {
		r.opts.Observer.Finished(res)
	}
	return res, fatal
}

// write records the intent, sends the write and fills in the result.
func (r *run) write(ctx context.Context, t *Task, res *runlog.Result) error {
	intent := runlog.Intent{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: t.Action, Before: t.Before, After: t.After, At: r.opts.Now().UTC(),
	}
	if err := r.opts.Recorder.Intent(intent); err != nil {
		// Without a durable intent the write could not be undone: stop.
		res.Status, res.Error = runlog.StatusFailed, "not written: "+err.Error()
		return fmt.Errorf("record intent for %s: %w", t.Conn.ID, err)
	}
	actx, attempts := r.opts.Attempts(ctx)
	err := r.tenant.Write(actx, Write{ConnectionID: t.Conn.ID, Action: t.Action, After: t.After})
	if err != nil && ctx.Err() == nil && isUncertain(err) && r.reachedTarget(actx, t) {
		err = nil
	}
	res.Attempts = int(attempts.Load())
	if err != nil {
		res.Status, res.Error = runlog.StatusFailed, err.Error()
		if IsFatal(err) {
			return err
		}
		return nil
	}
	res.Status = runlog.StatusApplied
	return nil
}

// reachedTarget reads the connection back and reports whether it is in the
// state the task wanted, whatever the write's answer said.
func (r *run) reachedTarget(ctx context.Context, t *Task) bool {
	cfg, found, err := r.tenant.Read(ctx, t.Conn.ID)
	return err == nil && found && cfg.Equal(t.After)
}

func newResult(t *Task) runlog.Result {
	return runlog.Result{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: t.Action, Before: t.Before, After: t.After, From: t.From,
	}
}

// notStarted is the result of a task the pool never reached because the run
// stopped first.
func notStarted(t *Task, cause error, now time.Time) runlog.Result {
	r := newResult(t)
	r.Status, r.At = runlog.StatusSkipped, now.UTC()
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
