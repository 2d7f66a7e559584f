package execute

import (
	"context"
	"sync"
	"time"
)

// item is a connection ready for the pool: read (by a listing page) or to
// be read with one request by the worker that writes it.
type item struct {
	i      int // the task
	read   bool
	fresh  ReadState
	readAt time.Time // when the read's answer came
}

// queue hands the feeder's items to the workers, first in, first out. Its
// waits end when the run's context ends or on the first interrupt.
type queue struct {
	mu      sync.Mutex
	items   []item
	unsent  int // items pushed whose write has not left, nor been decided without one
	closed  bool
	changed chan struct{} // closed and replaced at every change
	stop    <-chan struct{}
}

func newQueue(stop <-chan struct{}) *queue {
	return &queue{changed: make(chan struct{}), stop: stop}
}

// notifyLocked wakes every waiter.
func (q *queue) notifyLocked() {
	close(q.changed)
	q.changed = make(chan struct{})
}

func (q *queue) push(items ...item) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, items...)
	q.unsent += len(items)
	q.notifyLocked()
}

// left counts an item's write as gone (sent, or decided without one).
func (q *queue) left() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.unsent--
	q.notifyLocked()
}

// close says no item will come any more.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.notifyLocked()
}

// pop takes the next item, waiting for one; false once the queue is closed
// and empty, or the wait ended.
func (q *queue) pop(ctx context.Context) (item, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items = q.items[1:]
			q.notifyLocked()
			q.mu.Unlock()
			return it, true
		}
		closed, changed := q.closed, q.changed
		q.mu.Unlock()
		if closed || !q.wait(ctx, changed) {
			return item{}, false
		}
	}
}

// waitBelow waits until at most n items are queued or held by workers
// whose writes have not left yet (waiting their turn).
func (q *queue) waitBelow(ctx context.Context, n int) {
	for {
		q.mu.Lock()
		short, changed := q.unsent <= n, q.changed
		q.mu.Unlock()
		if short || !q.wait(ctx, changed) {
			return
		}
	}
}

// wait waits for a change; false when the run's context ended or it was
// interrupted.
func (q *queue) wait(ctx context.Context, changed <-chan struct{}) bool {
	select {
	case <-changed:
		return true
	case <-ctx.Done():
		return false
	case <-q.stop:
		return false
	}
}
