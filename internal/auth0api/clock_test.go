package auth0api

import (
	"sync"
	"time"
)

// stepClock is a fake clock (TransportOptions.Clock, emulator.Options.Clock)
// for tests that send one request at a time: a timer fires at once, moving
// the clock on to its deadline, so that the pacer's pauses and the
// backoffs are waited in full, in order, and take no real time.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func newStepClock() *stepClock {
	return &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}
