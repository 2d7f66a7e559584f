package auth0api

import (
	"context"
	"sync/atomic"
)

type attemptsKey struct{}

// WithAttemptCounter returns a context whose requests the transport counts,
// so a report can say how many requests one connection took.
func WithAttemptCounter(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return context.WithValue(ctx, attemptsKey{}, n), n
}

// countAttempt adds one to the context's counter, if it has one.
func countAttempt(ctx context.Context) {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
}
