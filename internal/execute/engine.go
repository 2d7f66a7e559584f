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

// ReadWindow is the longest time a write may leave after the answer of the
// read it was decided on: a change someone else makes before that is seen
// and respected. A write whose turn comes later (a pause, a slow tenant,
// another client) is read again first (ErrStale). A change made within the
// window is the only one a run can still overwrite, and Auth0 offers no
// conditional write to close it.
const ReadWindow = 5 * time.Second

// pageWindow is how many seconds of writes at the run's pace one listing
// page may make writable, on average: the page's last write then leaves
// within about that long of the page's answer, less than ReadWindow with
// room for a page that holds more pending writes than the average.
const pageWindow = 3 * time.Second

// maxTake is the most configurations a listing page is asked for: the
// most Auth0's listing serves.
const maxTake = 100

// RunOptions is what every writing run takes, whatever it writes.
type RunOptions struct {
	Concurrency int
	// Stop is closed on the first interrupt: no write request leaves after
	// it; writes in flight finish and are recorded.
	Stop     <-chan struct{}
	Recorder Recorder
	Observer Observer
	Now      func() time.Time
	// Attempts, when set, returns a context under which the tenant counts
	// the requests it sends, and the counter, so each result can say how
	// many requests its connection took.
	Attempts func(context.Context) (context.Context, *atomic.Int32)
}

// withDefaults fills what was left unset.
func (o RunOptions) withDefaults() RunOptions {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Attempts == nil {
		o.Attempts = func(ctx context.Context) (context.Context, *atomic.Int32) { return ctx, new(atomic.Int32) }
	}
	return o
}

// Options configures a run that writes SCIM configurations.
type Options struct {
	RunOptions
	// Force writes a connection whose live state moved since the plan, where
	// it would otherwise be a conflict.
	Force bool
	// Pace returns the rate, in requests per second, the tenant is sent at
	// now (0: unknown): the listing pages read again before the writes are
	// sized by it, and the next page is read a round trip ahead.
	Pace func() float64
	// Listed is how many SCIM configurations the tenant-wide listing held
	// as far as the plan's live read walked it (plan.Plan.Listed); 0 when
	// unknown or refused. With the pending writes it tells whether walking
	// the listing again costs fewer requests than one read per connection.
	Listed int
	// Take, when set, is the page size asked of the listing instead of the
	// one the pace makes (tests).
	Take func() int
}

// Totals is how a run ended: its counts, whether it was stopped, and the
// writes and reads it made.
type Totals struct {
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
	// Rereads counts the reads made just before writes (listing pages and
	// single reads); ReadAge is the longest time from the answer of such a
	// read to the moment its write left.
	Rereads int
	ReadAge time.Duration
}

// Execute runs the tasks: the decided ones (unchanged, conflict, ...) are
// recorded at once; the writes are read again just before they are sent
// through the worker pool (at most Concurrency at once): by walking the
// tenant-wide listing, each page's connections written as it arrives, or
// one read per connection when that is cheaper or the listing is refused
// (see dispatch). Each write's intent is recorded before the write is sent,
// and every task gets exactly one result, whatever happens.
func Execute(ctx context.Context, tenant Tenant, tasks []Task, opts Options) Totals {
	r := newRun(tenant, tasks, opts)
	pending := r.decideFirst(func(i int) (runlog.Result, bool) {
		return r.decided(&tasks[i]), tasks[i].Outcome != ""
	})
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
	opts.RunOptions = opts.withDefaults()
	if opts.Pace == nil {
		opts.Pace = func() float64 { return 0 }
	}
	return &run{ledger: newLedger(len(tasks), opts.RunOptions),
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
func (r *run) outcome(ctx context.Context, fatal error) Totals {
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
