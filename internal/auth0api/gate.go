package auth0api

import (
	"context"
	"sync"
	"time"
)

// gate is the pause every worker honours before sending a request: when the
// tenant says its bucket is empty (a 429, or x-ratelimit-remaining: 0), the
// whole run waits until the bucket refills instead of each worker finding
// out on its own.
type gate struct {
	mu    sync.Mutex
	until time.Time
	now   func() time.Time
}

// pauseUntil makes every later wait last at least until t. A pause never
// shortens one already in force.
func (g *gate) pauseUntil(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until = t
	}
}

// remaining is how long the pause in force still lasts.
func (g *gate) remaining() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return max(0, g.until.Sub(g.now()))
}

// wait blocks until the pause is over, or the context ends.
func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := g.until.Sub(g.now())
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// sleep waits for d or until the context ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
