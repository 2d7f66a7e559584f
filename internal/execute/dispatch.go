package execute

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"golang.org/x/sync/errgroup"
)

// dispatch reads each batch of pending tasks again and hands its writes to
// the worker pool. The pool's limit holds the reading back: a batch is read
// only once the one before it is under way, so a read is at most a batch
// and the writes in flight ahead of the write it decides. A write's context
// is the run's own, not the pool's: when one connection stops the run (a
// fatal error), the writes already sent finish and are recorded truly.
func (r *run) dispatch(ctx context.Context, pending []int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(r.opts.Concurrency, 1))
	for len(pending) > 0 && r.mayStart(gctx) {
		batch := pending[:min(len(pending), max(r.opts.Batch(), 1))]
		pending = pending[len(batch):]
		fresh, readAt, err := r.reread(ctx, batch)
		if err != nil {
			if r.mayStart(gctx) {
				g.Go(func() error { return r.unread(batch, err) })
			}
			continue
		}
		for _, i := range batch {
			if !r.mayStart(gctx) {
				break
			}
			g.Go(func() error {
				// The slot may have been freed by the write that stopped
				// everything: then nothing more starts.
				if !r.mayStart(gctx) {
					return nil
				}
				return r.write(ctx, i, fresh[r.tasks[i].Conn.ID], readAt)
			})
		}
	}
	return g.Wait()
}

// mayStart reports whether another write may start: not after the first
// interrupt, nor once the run stopped.
func (r *run) mayStart(gctx context.Context) bool {
	return gctx.Err() == nil && !stopped(r.opts.Stop)
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
	if err := r.opts.Recorder.Intent(intent); err != nil {
		// Without a durable intent the write could not be undone: stop.
		res.Status, res.Error = runlog.StatusFailed, "not written: "+err.Error()
		return fmt.Errorf("record intent for %s: %w", t.Conn.ID, err)
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

// count adds a write to the run's tallies: sent unless it never left or
// the tenant refused it outright (which changed nothing), confirmed when
// the tenant is known to hold it.
func (r *run) count(res *runlog.Result, err error, readAt time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res.NotSent {
		return
	}
	r.readAge = max(r.readAge, r.opts.Now().Sub(readAt))
	if err != nil && !isUncertain(err) {
		r.refused++
		return
	}
	r.sent++
	if res.Status == runlog.StatusApplied {
		r.settled++
	}
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
