package pacer

import "time"

// Clock is the pacer's source of time. Production uses the real clock; tests
// pass a fake one so that simulated minutes run in milliseconds and every
// wait can be counted.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// System is the real clock: what a nil Clock means, wherever one is taken.
var System Clock = realClock{}

// realClock is time itself.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
