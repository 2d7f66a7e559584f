package pacer

import (
	"net/http"
	"time"
)

const (
	// minPause keeps a reset of "now" (Auth0 sends it with burst 429s) from
	// making callers spin.
	minPause = 250 * time.Millisecond
	// pause429 is the pause after a 429 that announces no reset.
	pause429 = time.Second
	// slower429 and slowerEmpty lower the pace when a pause starts: a 429
	// means the pace was clearly too high, an empty bucket that it was a
	// little high.
	slower429   = 0.7
	slowerEmpty = 0.98
)

// Reasons of a pause (Pause.Reason).
const (
	// Reason429 is a pause after an answer 429 Too Many Requests.
	Reason429 = "429 Too Many Requests"
	// ReasonEmpty is a pause after an answer that left the bucket empty.
	ReasonEmpty = "bucket empty (x-ratelimit-remaining: 0)"
)

// maybePause pauses the group on a 429 or an empty bucket, until the
// announced reset.
func (g *group) maybePause(a Answer, now time.Time, maxWait time.Duration) (Pause, bool) {
	var reason string
	switch {
	case a.Status == http.StatusTooManyRequests:
		reason = Reason429
	case a.Remaining == 0:
		reason = ReasonEmpty
	default:
		return Pause{}, false
	}
	until, far := resetEnd(a.Reset, now, maxWait)
	return g.pause(a, now, until, reason, far)
}

// resetEnd is when a pause for the announced reset ends: at least minPause
// from now (a reset of "now" must not spin), at most maxWait (a reset
// announced far ahead, such as when the bucket will be full again, must not
// stall the run: the bucket model takes over from there). No jitter: callers
// leave one at a time at the group's pace after a pause, so there is no herd
// to spread.
func resetEnd(reset, now time.Time, maxWait time.Duration) (time.Time, bool) {
	wait := minPause
	if d := reset.Sub(now); !reset.IsZero() && d > wait {
		wait = d
	}
	if wait > maxWait {
		return now.Add(maxWait), true
	}
	return now.Add(wait), false
}

// pause makes every caller of the group wait until until. A new pause also
// lowers the pace: a lot after a 429, a little after an empty bucket, and
// after a 429 the rate fit starts over, so the lower pace holds until new
// answers show it can rise. An answer that arrives while a pause runs, or
// whose request left before the last pause began, only extends the pause:
// requests in flight together are one mistake, paid once.
func (g *group) pause(a Answer, now, until time.Time, reason string, far bool) (Pause, bool) {
	if g.pauseUntil.After(now) || a.Sent.Before(g.pauseStart) {
		if until.After(g.pauseUntil) && g.pauseUntil.After(now) {
			g.pauseUntil = until
		}
		return Pause{}, false
	}
	g.pauseStart, g.pauseUntil = now, until
	g.pauseReason, g.pauseFar = reason, far
	if g.state == bucketed {
		g.failed = g.rate
		slower := slowerEmpty
		if a.Status == http.StatusTooManyRequests {
			slower = slower429
			g.trend.reset()
		}
		g.rate = g.clampRate(g.rate * slower)
	}
	return Pause{Group: g.name, Reason: reason, Until: until, Length: until.Sub(now)}, true
}
