package pacer

import (
	"math"
	"net/http"
	"time"
)

// upperEdge is where the model is put when it was too optimistic: near the
// top of what the answer allows, since answers carry floor(tokens) and the
// truth lies in [remaining, remaining+1). The least correction keeps the
// model steady; stopping short of the top keeps it on the safe side.
const upperEdge = 0.75

// observe learns from one answer. It returns the pause the answer starts, if
// it starts one (an answer that extends a running pause starts none).
func (g *group) observe(a Answer, now time.Time, maxWait time.Duration) (Pause, bool) {
	if a.Limit < 1 || a.Remaining < 0 {
		return g.observeBare(a, now, maxWait)
	}
	g.promise(a, now, maxWait)
	c, known := g.sends.find(a.Sent)
	switch {
	case g.state != bucketed || a.Limit != g.limit:
		g.start(a, c.hi, now)
	case known && c.hi > g.seen:
		g.correct(a, c, now)
	}
	if known {
		g.seen = max(g.seen, c.lo)
		g.learnRate(a, c)
	}
	return g.maybePause(a, now, maxWait)
}

// observeBare handles an answer that does not describe the bucket: no
// rate-limit headers, or limit: 0 (unknown). A success without any such
// header means the tenant announces no bucket for this group (a 5xx may come
// from a proxy and says nothing); a 429, or headers without a bucket size,
// mean it limits the group without saying how: the group is then paced
// blind, from its 429s (blind.go). A group that knows its bucket keeps its
// model and only pauses.
func (g *group) observeBare(a Answer, now time.Time, maxWait time.Duration) (Pause, bool) {
	refused := a.Status == http.StatusTooManyRequests
	described := a.Limit == 0 || a.Remaining >= 0 || !a.Reset.IsZero()
	switch {
	case g.state == bucketed:
		if refused {
			return g.pause(a, now, announcedEnd(a, now, maxWait, 0), Reason429)
		}
		return Pause{}, false
	case refused || (described && g.state == learning):
		g.goBlind()
	case g.state == learning && a.Status < http.StatusInternalServerError:
		g.state = unlimited
	}
	if !refused && a.Status < http.StatusInternalServerError {
		g.accepted(now) // counted before any 429, to know the rate when one comes
	}
	if g.state != blind {
		return Pause{}, false
	}
	g.promise(a, now, maxWait)
	return g.maybePause(a, now, maxWait)
}

// start (re)builds the model from the first answer that announces the
// bucket. Until answers say how fast it refills, the guess is that it refills
// in four seconds: a little slow for Auth0's per-second limits (Enterprise
// refills 50 in 3 s), about right for its per-minute ones. A slow guess costs
// little, since every answer that shows more tokens than the model expected
// lets the difference go at once. A bucket too small to keep the reserve
// (Auth0's Free plan: 2) never shows its refill that way, and is guessed to
// refill in one second, as Free does, less tinyMargin.
func (g *group) start(a Answer, k int, now time.Time) {
	g.state, g.limit = bucketed, a.Limit
	g.rate = float64(a.Limit) / 4
	if g.tiny() {
		g.rate = g.tinyRate()
	}
	g.level = float64(a.Remaining) - float64(g.sends.n-k)
	g.at, g.corr, g.failed, g.margin = now, 0, 0, 0
	g.trend.reset()
}

// correct moves the model's level the least that makes it agree with the
// answer. What the model predicted for a request is its level just after the
// request went, refilled until the tenant handled it, plus the corrections
// made since it went (they were about the same bucket). The answer may
// belong to any of the requests in c, so the model is only corrected when it
// disagrees with all of them. Only answers that may be newer than every
// answer already used correct the level: an older one describes the past.
func (g *group) correct(a Answer, c candidates, now time.Time) {
	handled := midpoint(a.Sent, a.Received)
	high, low := g.predict(c.first, handled), g.predict(c.last, handled)
	floor := float64(a.Remaining) // the truth lies in [floor, floor+1)
	if a.Status == http.StatusTooManyRequests {
		floor = -1 // nothing was taken: before the request, less than one token
	}
	var delta float64
	switch {
	case high < floor:
		delta = floor - high
	case low >= floor+1:
		delta = floor + upperEdge - low
	}
	g.level, g.corr = g.levelAt(now)+delta, g.corr+delta
	g.at = now
}

// predict is the model's level, just after request rec took its token, at
// the time the tenant handled it.
func (g *group) predict(rec sendRecord, handled time.Time) float64 {
	lvl := rec.level + (g.corr - rec.corr) + g.rate*handled.Sub(rec.at).Seconds()
	return math.Min(lvl, float64(g.limit-1))
}
