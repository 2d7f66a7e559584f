package pacer

// waiter is one caller blocked in Wait.
type waiter struct {
	wake chan struct{} // buffered: a wake sent before the waiter blocks is not lost
	next *waiter
}

// queue is a group's callers in arrival order. Only the head waits on a
// timer; the others sleep until they become the head, so a pause ending does
// not wake every caller at once only for all but one to go back to sleep.
type queue struct {
	head, tail *waiter
}

func (q *queue) join() *waiter {
	w := &waiter{wake: make(chan struct{}, 1)}
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
	return w
}

func (q *queue) first(w *waiter) bool { return q.head == w }

// leave removes w; when w was the head, the new head is woken to take its
// turn.
func (q *queue) leave(w *waiter) {
	var prev *waiter
	for c := q.head; c != nil; prev, c = c, c.next {
		if c != w {
			continue
		}
		if prev == nil {
			q.head = c.next
			defer q.wakeHead()
		} else {
			prev.next = c.next
		}
		if q.tail == c {
			q.tail = prev
		}
		return
	}
}

// wakeHead tells the head to look at the clock again.
func (q *queue) wakeHead() {
	if q.head == nil {
		return
	}
	select {
	case q.head.wake <- struct{}{}:
	default:
	}
}
