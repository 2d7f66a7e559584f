package auth0api

import (
	"context"
	"sync/atomic"
)

type attemptsKey struct{}

// attemptCounter is one counter of a context, and the one of the context
// it was made from: counters nest, and a request counts in all of them.
type attemptCounter struct {
	n      *atomic.Int32
	parent *attemptCounter
}

// WithAttemptCounter returns a context whose requests the transport counts,
// so a report can say how many requests one connection took.
func WithAttemptCounter(ctx context.Context) (context.Context, *atomic.Int32) {
	parent, _ := ctx.Value(attemptsKey{}).(*attemptCounter)
	c := &attemptCounter{n: new(atomic.Int32), parent: parent}
	return context.WithValue(ctx, attemptsKey{}, c), c.n
}

// countAttempt adds one to each of the context's counters.
func countAttempt(ctx context.Context) {
	for c, _ := ctx.Value(attemptsKey{}).(*attemptCounter); c != nil; c = c.parent {
		c.n.Add(1)
	}
}
