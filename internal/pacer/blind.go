package pacer

import "time"

// A group is paced blind when its tenant limits it but its answers do not
// describe the bucket: a proxy strips the x-ratelimit-* headers, or
// announces limit: 0. Its pace is then learned from the 429s alone: a 429
// pauses the group (until Retry-After or the reset when announced, else a
// backoff of pause429 doubling up to maxBackoff) and sets the pace to
// blindShare of what the tenant accepted over the last blindWindow, which is
// its refill rate while it refuses some; every success then raises the pace
// again, quickly up to just under that rate, slowly beyond (probeUp).
// Requests are spaced 1/pace apart, none while no 429 has come.
const (
	blindWindow = 4 * time.Second
	blindShare  = 0.9
)

// goBlind starts pacing the group blind, with no pace until a 429.
func (g *group) goBlind() {
	if g.state == blind {
		return
	}
	g.state, g.limit, g.rate, g.failed, g.streak = blind, -1, 0, 0, 0
}

// blindReadyAt is when a blind group's next request may go: 1/pace after
// the last (at most maxWait), after the pause; the first request after a
// pause goes when it ends.
func (g *group) blindReadyAt(now time.Time, maxWait time.Duration) time.Time {
	at := now
	if g.rate > 0 && g.sends.n > 0 && !g.probeDue() {
		at = later(now, g.sends.last().Add(min(seconds(1/g.rate), maxWait)))
	}
	return later(at, g.pauseUntil)
}

// accepted notes a success: it counts in the accepted rate, ends a streak
// of 429s, and raises the pace.
func (g *group) accepted(now time.Time) {
	g.ok = append(g.recentOK(now), now)
	g.streak = 0
	if g.rate > 0 {
		g.rate = max(g.probeUp(), g.lowest())
	}
}

// refused lowers the pace after a 429 that starts a pause: to blindShare of
// the rate the tenant accepted lately, no lower than 70% of the pace that
// met the 429 (one 429 says little), never below the floor; the accepted
// rate is where probing slows down. A 429 when the tenant accepted nothing
// lately (a storm) says nothing of its rate: the pause is the answer, the
// pace stays.
func (g *group) refused(now time.Time) {
	g.streak++
	took := g.acceptedRate(now)
	if took == 0 {
		return
	}
	old := g.rate
	if old == 0 {
		old = took
	}
	g.rate = max(min(old, max(blindShare*took, old*slower429)), g.lowest())
	g.failed = took
}

// acceptedRate is the successes per second over the last blindWindow (or
// since the first request, at least a second).
func (g *group) acceptedRate(now time.Time) float64 {
	g.ok = g.recentOK(now)
	span := min(max(now.Sub(g.first), resolution), blindWindow)
	return float64(len(g.ok)) / span.Seconds()
}

func (g *group) recentOK(now time.Time) []time.Time {
	i := 0
	for i < len(g.ok) && now.Sub(g.ok[i]) > blindWindow {
		i++
	}
	return g.ok[i:]
}
