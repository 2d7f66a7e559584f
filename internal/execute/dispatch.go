package execute

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"golang.org/x/sync/errgroup"
)

// dispatch reads each batch of pending tasks again and hands its writes to
// the worker pool. The next batch is read while the last writes of the one
// before are still being handed out (a read ahead of a round trip's worth
// of writes, see lead), so the pool never waits on a read, and a batch's
// read is at most the writes in flight, the lead and the batch itself ahead
// of the writes it decides. A write's context is the run's own, not the
// pool's: when one connection stops the run (a fatal error), the writes
// already sent finish and are recorded truly.
func (r *run) dispatch(ctx context.Context, pending []int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(r.opts.Concurrency, 1))
	rctx, cancelReads := context.WithCancel(ctx)
	defer cancelReads()
	next := r.readAhead(rctx, r.nextBatch(&pending))
	for next != nil {
		<-next.done
		cur := next
		next = nil
		if !r.mayStart(gctx) {
			break
		}
		if cur.err != nil {
			g.Go(func() error { return r.unread(cur.batch, cur.err) })
		} else {
			next = r.hand(ctx, gctx, g, cur, &pending, rctx)
		}
		if next == nil && len(pending) > 0 && r.mayStart(gctx) {
			next = r.readAhead(rctx, r.nextBatch(&pending))
		}
	}
	if next != nil {
		cancelReads() // a read ahead the run no longer needs
		<-next.done
	}
	return g.Wait()
}

// hand gives a batch's writes to the pool, starting the read of the next
// batch when only the lead of this one is left to hand out.
func (r *run) hand(ctx, gctx context.Context, g *errgroup.Group, cur *batchRead, pending *[]int, rctx context.Context) *batchRead {
	var next *batchRead
	lead := r.lead(cur.took)
	for k, i := range cur.batch {
		if next == nil && len(*pending) > 0 && len(cur.batch)-k <= lead {
			next = r.readAhead(rctx, r.nextBatch(pending))
		}
		if !r.mayStart(gctx) {
			break
		}
		g.Go(func() error {
			// The slot may have been freed by the write that stopped
			// everything: then nothing more starts.
			if !r.mayStart(gctx) {
				return nil
			}
			return r.write(ctx, i, cur.fresh[r.tasks[i].Conn.ID], cur.readAt)
		})
	}
	return next
}

// nextBatch takes the next batch off the pending tasks.
func (r *run) nextBatch(pending *[]int) []int {
	batch := (*pending)[:min(len(*pending), max(r.opts.Batch(), 1))]
	*pending = (*pending)[len(batch):]
	return batch
}

// lead is how many writes before the end of a batch the next one is read:
// enough to cover a read's round trip at the run's pace, and one more.
func (r *run) lead(took time.Duration) int {
	if r.opts.Pace == nil {
		return max(r.opts.Concurrency, 1)
	}
	return int(math.Ceil(min(r.opts.Pace(), maxBatch)*took.Seconds())) + 1
}

// batchRead is a batch being read again, in the background.
type batchRead struct {
	batch  []int
	done   chan struct{}
	fresh  map[string]Fresh
	readAt time.Time
	took   time.Duration
	err    error
}

// readAhead starts reading a batch again; nil for an empty batch.
func (r *run) readAhead(ctx context.Context, batch []int) *batchRead {
	if len(batch) == 0 {
		return nil
	}
	b := &batchRead{batch: batch, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.fresh, b.readAt, b.err = r.reread(ctx, batch)
		b.took = r.opts.Now().Sub(b.readAt)
	}()
	return b
}

// reread reads a batch's connections as they are now, and when it started.
func (r *run) reread(ctx context.Context, batch []int) (map[string]Fresh, time.Time, error) {
	ids := make([]string, len(batch))
	for k, i := range batch {
		ids[k] = r.tasks[i].Conn.ID
	}
	start := r.opts.Now()
	fresh, err := r.tenant.Read(ctx, ids)
	r.mu.Lock()
	r.rereads++
	r.mu.Unlock()
	if err == nil {
		for _, id := range ids {
			if _, ok := fresh[id]; !ok {
				err = fmt.Errorf("the tenant's answer lacks connection %s", id)
			}
		}
	}
	return fresh, start, err
}

// unread fails the tasks of a batch that could not be read again: nothing
// was written for them. A fatal error stops the run.
func (r *run) unread(batch []int, err error) error {
	if IsFatal(err) {
		return err
	}
	for _, i := range batch {
		res := newResult(&r.tasks[i])
		res.Status, res.At = runlog.StatusFailed, r.opts.Now().UTC()
		res.Error = "not written: could not read the connection just before writing it: " + err.Error()
		if ferr := r.finish(i, res); ferr != nil {
			return ferr
		}
	}
	return nil
}

// write decides a task's write against the state just read, makes it and
// records its result. It returns an error only when the run must stop.
func (r *run) write(ctx context.Context, i int, fresh Fresh, readAt time.Time) error {
	t := &r.tasks[i]
	start := r.opts.Now()
	res := newResult(t)
	d := decide(t, fresh, r.opts.Force)
	res.Action, res.Before, res.After = d.action, d.before, d.after
	var fatal error
	if d.outcome != "" {
		res.Status, res.Error = d.outcome, d.note
	} else {
		fatal = r.send(ctx, t, d, &res, readAt)
	}
	res.DurationMS = r.opts.Now().Sub(start).Milliseconds()
	res.At = r.opts.Now().UTC()
	if err := r.finish(i, res); err != nil {
		return err
	}
	return fatal
}

// send records the intent, sends the write and settles its result.
func (r *run) send(ctx context.Context, t *Task, d decision, res *runlog.Result, readAt time.Time) error {
	intent := runlog.Intent{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: d.action, Before: d.before, After: d.after, At: r.opts.Now().UTC(),
	}
	if err := r.intent(intent); err != nil {
		res.Status, res.Error = runlog.StatusFailed, "not written: "+err.Error()
		return err
	}
	actx, attempts := r.opts.Attempts(ctx)
	err := r.tenant.Write(WithStop(actx, r.opts.Stop), Write{ConnectionID: t.Conn.ID, Action: d.action, After: d.after})
	res.Status, res.Error = r.settle(actx, t.Conn.ID, d.after, err)
	res.Attempts = int(attempts.Load())
	res.NotSent = errors.Is(err, ErrNotSent)
	r.count(res, err, readAt)
	if IsFatal(err) {
		return err
	}
	return nil
}

// count adds a write to the run's tallies, and its read's age.
func (r *run) count(res *runlog.Result, err error, readAt time.Time) {
	r.tally(res, err)
	if res.NotSent {
		return
	}
	r.mu.Lock()
	r.readAge = max(r.readAge, r.opts.Now().Sub(readAt))
	r.mu.Unlock()
}

// settle says how a write ended. A write that may have taken effect although
// it failed is read back, and reported by what the tenant holds; only when
// it cannot be read back (the run was stopped at once, or the read fails
// too) is it unknown. Never failed for a write the tenant holds.
func (r *run) settle(ctx context.Context, id string, after *scim.Config, err error) (runlog.Status, string) {
	switch {
	case err == nil:
		return runlog.StatusApplied, ""
	case errors.Is(err, ErrNotSent):
		return runlog.StatusSkipped, "not sent: the run was interrupted while this write waited its turn; nothing was written"
	case !isUncertain(err):
		return runlog.StatusFailed, err.Error()
	case ctx.Err() != nil:
		return runlog.StatusUnknown, "the write was sent and the run was stopped before its answer came: it may have taken effect (" + err.Error() + ")"
	}
	fresh, rerr := r.tenant.Read(ctx, []string{id})
	switch {
	case rerr != nil:
		return runlog.StatusUnknown, fmt.Sprintf("the write was sent and its answer lost (%v); reading it back failed too (%v): it may have taken effect", err, rerr)
	case fresh[id].Found && fresh[id].Config.Equal(after):
		return runlog.StatusApplied, ""
	}
	return runlog.StatusFailed, err.Error() + " (read back: the tenant does not hold the write)"
}

// decision is what to do with one connection, given its state just read.
type decision struct {
	action        plan.Action
	before, after *scim.Config
	outcome       runlog.Status
	note          string
}

// decide compares the state just read with the one the change was computed
// against. Unmoved, the write goes as planned. Moved: a merge is made again
// onto the new state, so what someone else added survives; anything else is
// a conflict, unless force. Either way the write's before is the state just
// read, which is what a rollback restores.
func decide(t *Task, fresh Fresh, force bool) decision {
	cur := fresh.Config
	d := decision{action: plan.ActionNone, before: cur, after: t.After}
	switch {
	case !fresh.Found:
		d.before, d.outcome, d.note = t.Expect, runlog.StatusConflict, plan.ConflictGone
		return d
	case cur.Equal(t.Expect):
	case t.Asked != nil && cur != nil:
		d.after = plan.Merge(t.Asked, cur)
	case cur.Equal(t.After):
	case !force:
		d.outcome, d.note = runlog.StatusConflict, t.Moved
		return d
	}
	if cur.Equal(d.after) {
		d.outcome = runlog.StatusUnchanged
		if !cur.Equal(t.Expect) {
			d.note = "already in the state asked for: someone else made the same change"
		}
		return d
	}
	d.action = plan.WriteAction(cur, d.after)
	return d
}
