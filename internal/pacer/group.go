package pacer

import (
	"math"
	"time"
)

// What a group knows about its bucket.
const (
	learning  = iota // no answer with rate-limit headers yet
	unlimited        // answers announce no bucket, and none was refused
	bucketed         // answers announce a bucket, modelled below
	// blind: the tenant limits the group but its answers do not describe
	// the bucket (no x-ratelimit-* headers, or limit: 0); the pace is
	// learned from its 429s (see blind.go).
	blind
)

// probeEvery lets another first request go while the first answer is missing
// (a network error is never observed), so a lost answer cannot stall the run.
const probeEvery = time.Second

// group is one Auth0 rate-limit group: its callers and its bucket model.
//
// The model is the bucket as the tenant sees it: level tokens at time at,
// refilled at rate tokens per second (the refill left to this client, net of
// what other clients of the tenant take), never above limit. A request may go
// when the level, after it, still holds the reserve.
type group struct {
	name    string
	reserve float64 // share of the bucket left unspent
	state   int

	limit    int
	rate     float64
	level    float64
	at       time.Time
	corr     float64 // sum of the corrections answers made to the level
	sends    sendLog
	seen     int // the latest request (by send order) whose answer was used
	trend    trend
	together sentTogether
	held     bool    // a request was held back for the bucket since the last answer
	failed   float64 // the rate when the bucket last ran empty, 0 before
	margin   float64 // how far answers stray from the fitted line, beyond remaining's rounding
	floor    float64 // the least pace the tenant's announced waits promise (see floor.go)

	ok     []time.Time // blind: when recent successes arrived
	first  time.Time   // when the group's first request left
	streak int         // blind: 429 pauses in a row without a success between them

	pauseStart  time.Time
	pauseUntil  time.Time
	pauseReason string
	pauseCause  string
	pauseFar    bool // the announced reset was beyond MaxWait
	// pauseProbe lets one request go when the pause ends: the tenant
	// announced that more requests are added then.
	pauseProbe bool

	queue    queue
	deadline time.Time // when the head's current timer fires
}

func newGroup(name string, reserve float64) *group {
	return &group{name: name, reserve: reserve, limit: -1}
}

// readyAt is when the group's next request may go.
func (g *group) readyAt(now time.Time, maxWait time.Duration) time.Time {
	switch g.state {
	case learning:
		if g.sends.n == 0 {
			return now
		}
		return later(now, g.sends.last().Add(probeEvery))
	case unlimited:
		return later(now, g.pauseUntil)
	case blind:
		return g.blindReadyAt(now, maxWait)
	}
	if g.probeDue() {
		return later(now, g.pauseUntil)
	}
	// However wrong the model, the group never goes silent for longer than
	// maxWait: the next answer corrects it.
	at := earlier(now.Add(g.bucketWait(now, maxWait)), later(now, g.sends.last().Add(maxWait)))
	return later(at, g.pauseUntil)
}

// probeDue reports that the pause's end lets one request go whatever the
// model says: nothing left since the pause began, and the tenant announced
// that requests are added when it ends. Without it a bucket model that 429s
// drove below zero would keep the group silent long after the tenant said
// it could take a request, a request every pause at worst.
func (g *group) probeDue() bool {
	return g.pauseProbe && g.sends.n > 0 && !g.sends.last().After(g.pauseStart)
}

// hold notes that the head is about to wait; when the bucket is why, a full
// bucket in the next answer means the rate is set too low.
func (g *group) hold(now time.Time, maxWait time.Duration) {
	if g.state == bucketed && g.bucketWait(now, maxWait) > 0 {
		g.held = true
	}
}

// bucketWait is how long until the model's bucket holds one token for this
// request plus the reserve.
func (g *group) bucketWait(now time.Time, maxWait time.Duration) time.Duration {
	missing := g.need() - g.levelAt(now)
	if missing <= 0 {
		return 0
	}
	return min(seconds(missing/g.rate), maxWait)
}

// need is the level at which a request may go: one token for it and the
// reserve, at least one token left (a request that leaves less is answered
// remaining: 0, which pauses the run), never more than the bucket holds.
// When the bucket refills in steps (Auth0's per-minute limits add a step
// once a second), the model's straight line runs up to one step ahead of the
// truth between steps: the margin keeps at least one real token left then.
// The reserve may absorb that error: it is there for other clients, who meet
// it only at the bottom of a step, and then the tenant still has a token.
func (g *group) need() float64 {
	keep := math.Max(math.Max(1, g.reserve*float64(g.limit)), g.margin)
	keep = math.Min(keep, float64(g.limit-1))
	return keep + 1
}

func (g *group) levelAt(t time.Time) float64 {
	lvl := g.level + g.rate*t.Sub(g.at).Seconds()
	return math.Min(lvl, float64(g.limit))
}

// spend counts one request as sent now.
func (g *group) spend(now time.Time) {
	if g.state == bucketed {
		g.level, g.at = g.levelAt(now)-1, now
	}
	if g.sends.n == 0 {
		g.first = now
	}
	g.sends.add(sendRecord{at: now, level: g.level, corr: g.corr})
}

// pace is the group's current pace, requests per second; 0 while none is
// known.
func (g *group) pace() float64 {
	if g.state != bucketed && g.state != blind {
		return 0
	}
	return g.rate
}

// waiting describes the group's pause, or its wait for a first answer, while
// callers wait for it.
func (g *group) waiting(now time.Time) (string, time.Time) {
	if g.queue.head == nil {
		return "", time.Time{}
	}
	switch {
	case g.state == learning && g.sends.n > 0:
		return "the tenant's first answer (learning the " + g.name + " bucket)", g.deadline
	case g.pauseUntil.After(now):
		what := g.name + " bucket: " + g.pauseReason
		switch {
		case g.pauseFar:
			what += ", announced " + g.pauseCause + " capped"
		case g.pauseCause == CauseBackoff:
			what += ", " + CauseBackoff
		}
		return "the tenant's rate-limit reset (" + what + ")", g.pauseUntil
	}
	return "", time.Time{}
}

func midpoint(a, b time.Time) time.Time { return a.Add(b.Sub(a) / 2) }
