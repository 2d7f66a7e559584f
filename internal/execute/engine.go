package execute

import (
	"cmp"
	"context"
	"slices"
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

// DefaultBatch is how many connections are read again at once, just before
// their writes, when Options.Batch does not say.
const DefaultBatch = 20

// ReadWindow is the time a batch of writes takes at the run's pace: a
// batch read again just before its writes is written within about that
// long of the read (plus the writes in flight ahead of it). A change someone
// else makes in that window is the only one a run can still overwrite, and
// Auth0 offers no conditional write to close it.
const ReadWindow = 5 * time.Second

// Batch bounds: one read per minBatch writes at most (at the slowest
// paces, where ReadWindow holds fewer writes, the window grows instead),
// and maxBatch is the most one listing page returns.
const (
	minBatch = 10
	maxBatch = 100
)

// BatchFor is the batch of connections to read again at once at a pace of
// so many requests per second: what can be written within ReadWindow.
func BatchFor(pace float64) int {
	return min(max(int(min(pace, maxBatch)*ReadWindow.Seconds()), minBatch), maxBatch)
}

// Options configures a run.
type Options struct {
	Concurrency int
	// Force writes a connection whose live state moved since the plan, where
	// it would otherwise be a conflict.
	Force bool
	// Stop is closed on the first interrupt: no write request leaves after
	// it; writes in flight finish and are recorded.
	Stop     <-chan struct{}
	Recorder Recorder
	Observer Observer
	Now      func() time.Time
	// Pace returns the rate, in requests per second, the tenant is sent at
	// now: the batches read again before their writes are sized by it (see
	// BatchFor), and the next batch is read a round trip ahead.
	Pace func() float64
	// Batch, when set, says how many connections to read again at once
	// instead (tests).
	Batch func() int
	// Attempts, when set, returns a context under which the tenant counts
	// the requests it sends, and the counter, so each result can say how
	// many requests its connection took.
	Attempts func(context.Context) (context.Context, *atomic.Int32)
}

// Outcome is how a run ended.
type Outcome struct {
	Counts runlog.Counts
	// Interrupted is set when the run was interrupted (Stop, or the context
	// cancelled); Stopped when it was stopped at once (the context), leaving
	// writes in flight unanswered.
	Interrupted, Stopped bool
	// Fatal is the error that stopped the run early, if one did.
	Fatal error
	// WritesSent counts the writes that left and may have changed the
	// tenant; WritesConfirmed those the tenant is known to hold (by its
	// answer, or read back); WritesRefused those the tenant refused outright,
	// which changed nothing.
	WritesSent, WritesConfirmed, WritesRefused int
	// Rereads counts the reads made just before writes; ReadAge is the
	// longest time between such a read and its write.
	Rereads int
	ReadAge time.Duration
}

// Execute runs the tasks: the decided ones (unchanged, conflict, ...) are
// recorded at once; the writes go in batches, in connection id order, each
// batch read again just before its writes are sent through the worker pool
// (at most Concurrency at once). Each write's intent is recorded before the
// write is sent, and every task gets exactly one result, whatever happens.
func Execute(ctx context.Context, tenant Tenant, tasks []Task, opts Options) Outcome {
	r := newRun(tenant, tasks, opts)
	var pending []int
	for i := range tasks {
		if tasks[i].Outcome != "" {
			r.finish(i, r.decided(&tasks[i]))
		} else {
			pending = append(pending, i)
		}
	}
	slices.SortStableFunc(pending, func(a, b int) int { return cmp.Compare(tasks[a].Conn.ID, tasks[b].Conn.ID) })
	fatal := r.dispatch(ctx, pending)
	return r.outcome(ctx, fatal)
}

// run is one Execute call.
type run struct {
	*ledger
	tenant Tenant
	tasks  []Task
	opts   Options

	rereads int
	readAge time.Duration
}

func newRun(tenant Tenant, tasks []Task, opts Options) *run {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Attempts == nil {
		opts.Attempts = func(ctx context.Context) (context.Context, *atomic.Int32) { return ctx, new(atomic.Int32) }
	}
	if opts.Batch == nil {
		opts.Batch = func() int {
			if opts.Pace == nil {
				return DefaultBatch
			}
			return BatchFor(opts.Pace())
		}
	}
	return &run{ledger: newLedger(len(tasks), opts.Recorder, opts.Observer, opts.Now, opts.Stop),
		tenant: tenant, tasks: tasks, opts: opts}
}

// decided is the result of a task whose outcome the plan decided.
func (r *run) decided(t *Task) runlog.Result {
	res := newResult(t)
	res.Status, res.Error, res.Before = t.Outcome, t.Note, t.Expect
	res.At = r.opts.Now().UTC()
	return res
}

// outcome counts the results, giving the tasks never started theirs.
func (r *run) outcome(ctx context.Context, fatal error) Outcome {
	out := r.ledger.outcome(ctx, fatal, func(i int, cause error) runlog.Result {
		return skippedResult(newResult(&r.tasks[i]), cause, r.opts.Now())
	})
	out.Rereads, out.ReadAge = r.rereads, r.readAge
	return out
}

func newResult(t *Task) runlog.Result {
	return runlog.Result{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: t.Action, Before: t.Expect, After: t.After, From: t.From,
	}
}
