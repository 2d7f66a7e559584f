package pacer

import (
	"net/http"
	"time"
)

const (
	// minPause keeps a reset of "now" (Auth0 sends it with burst 429s) from
	// making callers spin.
	minPause = 250 * time.Millisecond
	// pause429 is the first pause after a 429 that announces no wait; each
	// such pause in a row doubles it, up to maxBackoff.
	pause429   = time.Second
	maxBackoff = 2 * time.Second
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
// announced reset (or Retry-After).
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
	e := announcedEnd(a, now, maxWait, g.streak)
	if reason == ReasonEmpty {
		e = g.modelEnd(e, now)
	}
	return g.pause(a, now, e, reason)
}

// modelEnd ends an empty bucket's pause when the learned refill brings the
// next token (rounded up to the whole second, as a reset announcing the
// next token is), when that comes before the announced reset. An answer
// remaining: 0 took its token (it is no refusal), and Auth0's reset may
// announce when the bucket is full again rather than its next token
// (node-auth0#538: up to a minute ahead on per-minute buckets); waiting for
// that kept every caller idle while the bucket refilled, and the writes
// decided on reads made before it then had to be read again. The model was
// just corrected to an empty level, so from the pause's end it lets
// requests go only as tokens come; a rate learned too high meets a 429,
// whose pause honours the announced wait.
func (g *group) modelEnd(e end, now time.Time) end {
	if g.state != bucketed || g.rate <= 0 {
		return e
	}
	next := now.Add(seconds(1 / g.rate))
	if sec := next.Truncate(resolution); sec.Before(next) {
		next = sec.Add(resolution) // the reset's resolution: a whole second
	}
	if next = later(next, now.Add(minPause)); next.Before(e.until) {
		e.until, e.byModel, e.far = next, true, false
	}
	return e
}

// end is when a pause ends and why.
type end struct {
	until     time.Time
	cause     string
	announced time.Duration // what the tenant announced, 0 when nothing
	far       bool          // announced beyond MaxWait, so capped
	byModel   bool          // ended earlier, when the learned refill brings a token
}

// announcedEnd is when a pause for an answer ends: at the later of the
// announced reset and Retry-After, at least minPause from now (a reset of
// "now", or one in the past, must not spin), at most maxWait (a reset
// announced far ahead, such as when the bucket will be full again, must not
// stall the run: the bucket model takes over from there). A 429 that
// announces neither is backed off: pause429, doubled for each such pause in
// a row (streak), at most maxBackoff. No jitter: callers leave one at a
// time at the group's pace after a pause, so there is no herd to spread.
func announcedEnd(a Answer, now time.Time, maxWait time.Duration, streak int) end {
	e := end{cause: CauseReset}
	if !a.Reset.IsZero() {
		e.announced = max(a.Reset.Sub(now), 0)
	}
	if a.RetryAfter > 0 && a.RetryAfter >= e.announced {
		e.cause, e.announced = CauseRetryAfter, a.RetryAfter
	}
	wait := max(e.announced, minPause)
	if a.Reset.IsZero() && a.RetryAfter <= 0 {
		e.cause = CauseBackoff
		wait = min(pause429<<min(streak, 8), maxBackoff)
	}
	if wait > maxWait {
		wait, e.far = maxWait, true
	}
	e.until = now.Add(wait)
	return e
}

// pause makes every caller of the group wait until e.until. When it ends, one
// request may go whatever the bucket model says (probeDue) if the tenant
// announced that requests are added by then: after a 429 with a reset or a
// Retry-After within MaxWait, after an empty bucket whose reset is already
// past (a reset in the past means now), and always when the group is paced
// blind. An empty bucket with a reset ahead leaves the model in charge: it
// was just corrected by remaining: 0, and is right. A new pause also
// lowers the pace: a lot after a 429, a little after an empty bucket, never
// below the floor the tenant's announced waits promise, and after a 429 the
// rate fit starts over, so the lower pace holds until new answers show it
// can rise. An answer that arrives while a pause runs, or whose request left
// before the last pause began, only extends the pause: requests in flight
// together are one mistake, paid once.
func (g *group) pause(a Answer, now time.Time, e end, reason string) (Pause, bool) {
	if g.pauseUntil.After(now) || a.Sent.Before(g.pauseStart) {
		if e.until.After(g.pauseUntil) && g.pauseUntil.After(now) {
			g.pauseUntil = e.until
		}
		return Pause{}, false
	}
	g.pauseStart, g.pauseUntil = now, e.until
	g.pauseReason, g.pauseCause, g.pauseFar = reason, e.cause, e.far
	g.pauseProbe = g.state == blind || !e.far && e.cause != CauseBackoff && (reason == Reason429 || e.announced == 0)
	switch g.state {
	case bucketed:
		g.failed = g.rate
		slower := slowerEmpty
		if a.Status == http.StatusTooManyRequests {
			slower = slower429
			g.trend.reset()
		}
		g.rate = g.clampRate(g.rate * slower)
	case blind:
		if a.Status == http.StatusTooManyRequests {
			g.refused(now)
		}
	}
	return Pause{Group: g.name, Reason: reason, Until: e.until, Length: e.until.Sub(now), Cause: e.cause, Announced: e.announced, ByModel: e.byModel}, true
}
