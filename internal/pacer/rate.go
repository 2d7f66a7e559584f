package pacer

import (
	"math"
	"net/http"
)

// A full bucket after the pacer held a request back says nothing of how fast
// it refills, so the rate probes upward: by fastProbe per answer up to
// nearFailed of the rate at which the bucket last ran empty, by slowProbe
// beyond. Running empty is not free (it pauses every caller until the
// reset), so a rate once too high is retried only slowly. Until the bucket
// has run empty once, nothing says the guess of start is near, and the
// rate grows by startProbe per such answer instead: a small bucket (3
// tokens, 1 of them reserve) is full again after every request the pacer
// holds back, so no fit can start, and from a guess of a quarter of its
// refill, 2% per answer took 70 answers (half a run at 3 requests a
// second) to reach it. Overshooting then costs little: the answers show a
// falling remaining, which corrects the level and starts the fit, and at
// worst the bucket runs empty once.
const (
	fastProbe  = 1.02
	nearFailed = 0.98
	slowProbe  = 1.0002
	startProbe = 1.25
)

// learnRate fits the refill rate to the answers. remaining + k, against the
// time the tenant handled request k, grows at exactly the net refill rate:
// every request of ours took one token, whatever others took is in
// remaining. A 429 took none, so it restarts the fit. Answers to requests
// sent together give one point, once all are in (see sentTogether). A full
// bucket lost the tokens beyond its limit, so the line starts again from
// that answer; and as a full bucket hides how fast it refills, the rate is
// probed upward when the pacer held requests back and no fit can tell.
func (g *group) learnRate(a Answer, c candidates) {
	defer func() { g.held = false }()
	if a.Status == http.StatusTooManyRequests {
		g.trend.reset()
		return
	}
	full := a.Remaining >= g.limit-1
	if full {
		g.trend.reset()
	}
	if t, y, ok := g.together.point(a, c); ok {
		g.trend.add(t, y)
	}
	e, ok := g.trend.fit()
	switch {
	case ok && e.sure:
		g.rate = g.clampRate(e.rate)
		g.margin = math.Max(0, e.spread-1)
	case ok:
		g.rate = g.clampRate(math.Min(g.rate, e.bound))
	case full && g.held:
		g.rate = g.clampRate(g.probe())
	}
}

// tinyMargin keeps the pace of a tiny bucket under its guessed refill. Such
// a bucket must be full before each request (anything less leaves it empty,
// answered remaining: 0, and a pause), and its answers cannot tell how fast
// it refills: sent at exactly that rate, requests meet it a hair short of
// full as often as not. 1.5% slower costs a run 1.5% of a Free tenant's
// pace, less than the pauses it saves; where the network's jitter is larger
// still, each empty bucket lowers the pace by 2% more (slowerEmpty) and it
// is probed back up only slowly.
const tinyMargin = 0.985

// tiny reports a bucket too small to keep the reserve: every request must
// find it full.
func (g *group) tiny() bool { return g.need() >= float64(g.limit) }

// tinyRate is the pace of a tiny bucket: the whole bucket a second (Auth0's
// Free plan: 2, refilled at 2 a second), less the margin.
func (g *group) tinyRate() float64 { return float64(g.limit) * tinyMargin }

// probe is the next rate to try when the bucket stays full: by startProbe
// before it ever ran empty, then quickly up to just under the rate at which
// it last ran empty, slowly beyond; never, for a tiny bucket, above
// tinyRate, since its answers cannot show a faster refill before it runs
// empty.
func (g *group) probe() float64 {
	if g.tiny() {
		return math.Min(g.rate*fastProbe, math.Max(g.rate, g.tinyRate()))
	}
	if g.failed == 0 {
		return g.rate * startProbe
	}
	return g.probeUp()
}

// probeUp is the next rate to try after a success: quickly up to just under
// the rate that last failed, slowly beyond.
func (g *group) probeUp() float64 {
	if g.failed == 0 {
		return g.rate * fastProbe
	}
	if near := g.failed * nearFailed; g.rate < near {
		return math.Min(g.rate*fastProbe, near)
	}
	return g.rate * slowProbe
}

// clampRate keeps the rate within what a bucket of this size can mean: at
// least one token per minute and never below the floor the tenant's
// announced waits promise (floor.go), at most the whole bucket four times a
// second.
func (g *group) clampRate(r float64) float64 {
	return math.Max(g.lowest(), math.Min(r, 4*float64(g.limit)))
}
