package execute

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"golang.org/x/sync/errgroup"
)

// maxPages guards against a tenant that hands out cursors forever.
const maxPages = 100_000

// unknownPace is the pace pages are sized for before the tenant's is
// known: the slowest of Auth0's plans (Free, 2 requests per second).
const unknownPace = 2

// maxStaleReads bounds how often one write is read again because its turn
// came too late: at a pace under about one request per ReadWindow, no read
// can be recent enough, and the write then goes with the freshest read.
const maxStaleReads = 2

// dispatch reads the pending tasks again and hands their writes to the
// worker pool as their reads arrive. The feeder walks the tenant-wide
// listing (when that is cheaper than one read per connection, see
// walkPays): each page's pending connections become writable at once, and
// the next page is read a round trip before the pool runs dry. The
// connections the walk never saw, or all of them when the listing is
// refused or dearer, are read with one request each by the worker that
// then writes them. A write's context is the run's own, not the pool's:
// when one connection stops the run (a fatal error), the writes already
// sent finish and are recorded truly.
func (r *run) dispatch(ctx context.Context, pending []int) error {
	q := newQueue(r.opts.Stop)
	g, gctx := errgroup.WithContext(ctx)
	for range max(r.opts.Concurrency, 1) {
		g.Go(func() error { return r.work(ctx, gctx, q) })
	}
	g.Go(func() error {
		defer q.close()
		return r.feed(gctx, q, pending)
	})
	return g.Wait()
}

// work takes writable connections off the queue until it is closed and
// empty or the run stops.
func (r *run) work(ctx, gctx context.Context, q *queue) error {
	for {
		it, ok := q.pop(gctx)
		// The item may have come as the write that stopped everything
		// ended: then nothing more starts.
		if !ok || !r.mayStart(gctx) {
			return nil
		}
		if err := r.handle(ctx, it, sync.OnceFunc(q.left)); err != nil {
			return err
		}
	}
}

// feed puts every pending task on the queue: those a listing walk reads
// as their pages arrive, then the rest, to be read one by one.
func (r *run) feed(ctx context.Context, q *queue, pending []int) error {
	rest := pending
	if r.walkPays(pending) {
		var err error
		if rest, err = r.walk(ctx, q, pending); err != nil {
			return err
		}
	}
	items := make([]item, len(rest))
	for k, i := range rest {
		items[k] = item{i: i}
	}
	q.push(items...)
	return nil
}

// listedTasks counts the pending tasks whose connection had a
// configuration at plan time: the ones the listing should show.
func (r *run) listedTasks(pending []int) int {
	n := 0
	for _, i := range pending {
		if r.tasks[i].Expect != nil {
			n++
		}
	}
	return n
}

// walkPays reports whether walking the listing costs fewer requests than
// one read per listed connection: its pages, at the page size the pace
// allows, against the reads.
func (r *run) walkPays(pending []int) bool {
	listed := r.listedTasks(pending)
	if r.opts.Listed <= 0 || listed == 0 {
		return false
	}
	return pagesFor(r.opts.Listed, r.take(listed, r.opts.Listed)) < listed
}

func pagesFor(items, take int) int { return (items + take - 1) / max(take, 1) }

// take is the page size to ask of the listing: the pending writes a page
// holds (at the density left, listed of rest) leave within pageWindow at
// the current pace; at most maxTake.
func (r *run) take(listed, rest int) int {
	if r.opts.Take != nil {
		return max(r.opts.Take(), 1)
	}
	pace := r.opts.Pace()
	if pace <= 0 {
		pace = unknownPace
	}
	if listed <= 0 || rest <= 0 {
		return maxTake
	}
	density := min(float64(listed)/float64(rest), 1)
	return max(int(min(pageWindow.Seconds()*pace/density, maxTake)), 1)
}

// walk walks the listing from its start, following the next values the
// tenant returned, and queues each pending connection a page lists as
// soon as the page arrives. It stops once every pending connection with a
// configuration at plan time was seen, when the rest of the listing would
// cost more than reading those left one by one, or when the listing fails
// (not fatally). It returns the pending tasks it did not queue.
func (r *run) walk(ctx context.Context, q *queue, pending []int) ([]int, error) {
	w := newWalkState(r, pending)
	cursor, rtt := "", time.Duration(math.MaxInt64)
	for range maxPages {
		if !r.mayStart(ctx) {
			return nil, nil
		}
		take := r.take(w.listed, max(r.opts.Listed-w.seen, 1))
		start := r.opts.Now()
		page, err := r.tenant.ListConfigPage(ctx, cursor, take)
		at := r.opts.Now()
		r.countRead()
		if IsFatal(err) {
			return nil, err
		}
		if err != nil {
			return w.left(), nil
		}
		q.push(w.take(page, at)...)
		if page.Next == "" || page.Next == cursor || w.listed == 0 || !w.worthGoingOn(take, len(page.Configs)) {
			return w.left(), nil
		}
		cursor = page.Next
		// The next page is read a round trip before the pool runs dry.
		rtt = min(rtt, at.Sub(start))
		q.waitBelow(ctx, r.lead(rtt))
	}
	return w.left(), nil
}

// walkState is what a walk still waits for.
type walkState struct {
	r       *run
	pending []int
	waiting map[string]int // id -> task, not yet queued
	listed  int            // waiting tasks the listing should show
	seen    int            // configurations the walk went through
}

func newWalkState(r *run, pending []int) *walkState {
	w := &walkState{r: r, pending: pending, waiting: make(map[string]int, len(pending))}
	for _, i := range pending {
		w.waiting[r.tasks[i].Conn.ID] = i
	}
	w.listed = r.listedTasks(pending)
	return w
}

// take makes the waiting connections of a page writable, read at at.
func (w *walkState) take(page ConfigPage, at time.Time) []item {
	var items []item
	w.seen += len(page.Configs)
	for _, l := range page.Configs {
		i, ok := w.waiting[l.ID]
		if !ok {
			continue
		}
		delete(w.waiting, l.ID)
		if w.r.tasks[i].Expect != nil {
			w.listed--
		}
		items = append(items, item{i: i, fresh: ReadState{Found: true, Config: l.Config}, readAt: at, read: true})
	}
	return items
}

// worthGoingOn reports whether the rest of the listing, at the page size
// the tenant actually serves, costs fewer requests than reading the
// connections still awaited one by one.
func (w *walkState) worthGoingOn(take, got int) bool {
	perPage := max(min(take, got), 1)
	left := max(w.r.opts.Listed-w.seen, 0)
	return pagesFor(left, perPage) < w.listed
}

// left lists the pending tasks not queued, in their order.
func (w *walkState) left() []int {
	var out []int
	for _, i := range w.pending {
		if _, ok := w.waiting[w.r.tasks[i].Conn.ID]; ok {
			out = append(out, i)
		}
	}
	return out
}

// lead is how many writes are left to leave when the next page is read:
// enough to cover a read's round trip at the run's pace, and one more.
// The round trip is the shortest a page took: a page waits its turn behind
// the writes still to leave anyway, so counting that wait would read pages
// ever earlier, and their writes would leave ever later.
func (r *run) lead(rtt time.Duration) int {
	pace := r.opts.Pace()
	if pace <= 0 {
		return max(r.opts.Concurrency, 1)
	}
	return int(math.Ceil(min(pace, maxTake)*rtt.Seconds())) + 1
}

// countRead counts a read made just before writes.
func (r *run) countRead() {
	r.mu.Lock()
	r.rereads++
	r.mu.Unlock()
}

// readOne reads one connection now, and when its answer came.
func (r *run) readOne(ctx context.Context, id string) (ReadState, time.Time, error) {
	fresh, err := r.tenant.ReadConnection(ctx, id)
	at := r.opts.Now()
	r.countRead()
	return fresh, at, err
}

// handle reads a connection when its item was not read yet, then decides
// and makes its write, calling left once the write left or was decided
// without one. It returns an error only when the run must stop.
func (r *run) handle(ctx context.Context, it item, left func()) error {
	defer left()
	if !it.read {
		fresh, at, err := r.readOne(ctx, r.tasks[it.i].Conn.ID)
		if err != nil {
			return r.failUnread(it.i, err)
		}
		it.fresh, it.readAt = fresh, at
	}
	return r.write(ctx, it.i, it.fresh, it.readAt, left)
}

// failUnread fails a task whose connection could not be read again: nothing
// was written for it. A fatal error stops the run.
func (r *run) failUnread(i int, err error) error {
	if IsFatal(err) {
		return err
	}
	res := newResult(&r.tasks[i])
	res.Status, res.At = runlog.StatusFailed, r.opts.Now().UTC()
	res.Error = "not written: could not read the connection just before writing it: " + err.Error()
	return r.finish(i, res)
}

// write decides a task's write against the state just read, makes it and
// records its result. When the write's turn comes too late after the read
// (ErrStale), the connection is read again and the write decided again. It
// returns an error only when the run must stop.
func (r *run) write(ctx context.Context, i int, fresh ReadState, readAt time.Time, left func()) error {
	t := &r.tasks[i]
	start := r.opts.Now()
	res := newResult(t)
	var fatal error
	for reads := 0; ; reads++ {
		d := decide(t, fresh, r.opts.Force)
		res.Action, res.Before, res.After = d.action, d.before, d.after
		if d.outcome != "" {
			res.Status, res.Error = d.outcome, d.note
			break
		}
		stale, err := r.send(ctx, t, d, &res, readAt, reads < maxStaleReads, left)
		if fatal = err; !stale {
			break
		}
		if fresh, readAt, err = r.readOne(ctx, t.Conn.ID); err != nil {
			res.Status, res.NotSent = runlog.StatusFailed, true
			res.Error = "not written: its turn came too late after its read, and reading it again failed: " + err.Error()
			if IsFatal(err) {
				fatal = err
			}
			break
		}
	}
	res.DurationMS = r.opts.Now().Sub(start).Milliseconds()
	res.At = r.opts.Now().UTC()
	if err := r.finish(i, res); err != nil {
		return err
	}
	return fatal
}

// send records the intent, sends the write and settles its result. When
// check is set the write does not leave once its read is older than
// ReadWindow: send then reports it stale, and the result stays unsettled
// but for NotSent (a decision made again without a write keeps it).
func (r *run) send(ctx context.Context, t *Task, d decision, res *runlog.Result, readAt time.Time, check bool, left func()) (stale bool, fatal error) {
	intent := runlog.Intent{
		ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
		Action: d.action, Before: d.before, After: d.after, At: r.opts.Now().UTC(),
	}
	if err := r.intent(intent); err != nil {
		res.Status, res.Error = runlog.StatusFailed, "not written: "+err.Error()
		return false, err
	}
	var sentAt time.Time
	actx, attempts := r.opts.Attempts(ctx)
	wctx := WithSendCheck(WithStop(actx, r.opts.Stop), func() error {
		now := r.opts.Now()
		if check && now.Sub(readAt) > ReadWindow {
			return ErrStale
		}
		sentAt = now
		left()
		return nil
	})
	err := r.tenant.Write(wctx, Write{ConnectionID: t.Conn.ID, Action: d.action, After: d.after})
	if errors.Is(err, ErrStale) {
		res.Attempts += int(attempts.Load())
		res.NotSent = true
		return true, nil
	}
	res.Status, res.Error = r.settle(actx, t.Conn.ID, d.after, err)
	res.Attempts += int(attempts.Load())
	res.NotSent = errors.Is(err, ErrNotSent)
	r.count(res, err, readAt, sentAt)
	if IsFatal(err) {
		return false, err
	}
	return false, nil
}

// count adds a write to the run's tallies, and its read-to-write window:
// from the read's answer to the moment the write left (when the tenant's
// transport did not say, to its answer).
func (r *run) count(res *runlog.Result, err error, readAt, sentAt time.Time) {
	r.tally(res, err)
	if res.NotSent {
		return
	}
	if sentAt.IsZero() {
		sentAt = r.opts.Now()
	}
	r.mu.Lock()
	r.readAge = max(r.readAge, sentAt.Sub(readAt))
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
	fresh, rerr := r.tenant.ReadConnection(ctx, id)
	switch {
	case rerr != nil:
		return runlog.StatusUnknown, fmt.Sprintf("the write was sent and its answer lost (%v); reading it back failed too (%v): it may have taken effect", err, rerr)
	case fresh.Found && fresh.Config.Equal(after):
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
// onto the new state, so what someone else added survives, unless someone
// else changed a key the merge sets (then, as anything else that moved, it
// is a conflict, unless force). Either way the write's before is the state
// just read, which is what a rollback restores.
func decide(t *Task, fresh ReadState, force bool) decision {
	cur := fresh.Config
	d := decision{action: plan.ActionNone, before: cur, after: t.After}
	switch {
	case !fresh.Found:
		d.before, d.outcome, d.note = t.Expect, runlog.StatusConflict, plan.ConflictGone
		return d
	case cur.Equal(t.Expect):
	case t.Asked != nil && cur != nil && (force || !keysMoved(t.Asked, t.Expect, cur)):
		d.after = plan.Merge(t.Asked, cur)
	case cur.Equal(t.After):
	case !force:
		d.outcome, d.note = runlog.StatusConflict, t.ConflictIfMoved
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

// keysMoved reports whether someone else changed a key a merge sets: its
// live value is neither the one the plan saw nor the one asked for.
func keysMoved(asked, expect, cur *scim.Config) bool {
	if asked.UserIDAttribute != "" {
		if v := cur.UserIDAttribute; v != userIDOf(expect) && v != asked.UserIDAttribute {
			return true
		}
	}
	for _, p := range asked.Mapping {
		v := mappedOf(cur, p.SCIM)
		if v != mappedOf(expect, p.SCIM) && v != fmt.Sprint([]string{p.Auth0}) {
			return true
		}
	}
	return false
}

func userIDOf(c *scim.Config) string {
	if c == nil {
		return ""
	}
	return c.UserIDAttribute
}

// mappedOf is what a configuration maps a SCIM attribute to, every pair of
// it, as one comparable value ("[]" for none).
func mappedOf(c *scim.Config, key string) string {
	var out []string
	if c != nil {
		for _, p := range c.Mapping {
			if p.SCIM == key {
				out = append(out, p.Auth0)
			}
		}
	}
	return fmt.Sprint(out)
}
