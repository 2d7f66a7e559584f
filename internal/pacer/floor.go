package pacer

import (
	"net/http"
	"time"
)

// resolution is x-ratelimit-reset's: a whole Unix second. A reset less than
// a second ahead (or in the past, as a tenant whose clock is behind ours
// announces) promises no more than a token a second.
const resolution = time.Second

// minRate is the least pace of a group whatever its answers: a token a
// minute.
const minRate = 1.0 / 60

// promise notes the least pace an answer that announces a wait promises.
// Auth0 documents x-ratelimit-reset as when requests are added to the
// bucket, and Retry-After says when to come back: either way at least one
// request is taken then. So a 429 or an empty bucket announcing a wait of d
// says the tenant takes at least one request per d (d at least a second,
// the reset's resolution, at most maxWait). The latest answer's promise
// holds: a tenant whose other clients drain the bucket announces longer
// waits, and the floor follows it down.
func (g *group) promise(a Answer, now time.Time, maxWait time.Duration) {
	if a.Status != http.StatusTooManyRequests && a.Remaining != 0 {
		return
	}
	if a.RetryAfter <= 0 && a.Reset.IsZero() {
		return
	}
	d := a.RetryAfter
	if !a.Reset.IsZero() {
		d = max(d, a.Reset.Sub(now))
	}
	d = min(max(d, resolution), max(maxWait, resolution))
	g.floor = 1 / d.Seconds()
}

// lowest is the least rate the group may be given: the floor its answers
// promise, and never below minRate.
func (g *group) lowest() float64 { return max(minRate, g.floor) }
