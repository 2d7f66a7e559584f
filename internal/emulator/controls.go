package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// controls holds the knobs tests turn while requests are in flight: the rate
// buckets, the throttle storm, latency and faults. It has its own lock so that
// tenant state and controls never wait on each other.
type controls struct {
	mu       sync.Mutex
	buckets  map[string]*bucketState // by group; a missing group has no bucket
	throttle time.Time
	latency  time.Duration
	faults   Faults
	failing  map[string]bool // FailWrites
	failKind map[string]bool // FailKinds; empty: every SCIM write
	failLeft int             // FailTimes failures still to come; negative: no limit
	rng      *rand.Rand
	headers  HeaderBehaviour
	odd      OddHeaders
}

func (c *controls) init(opts Options, now time.Time) {
	c.buckets = map[string]*bucketState{}
	c.setBucket(GroupGlobal, Bucket{Rate: opts.Rate, Burst: opts.Burst}, now)
	c.setBuckets(opts.Buckets, false, now)
	c.setLatency(opts.Latency)
	c.setFaults(opts.Faults)
	c.setHeaders(opts.Headers, opts.OddHeaders)
}

func (c *controls) setHeaders(h HeaderBehaviour, odd OddHeaders) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.headers, c.odd = h, odd
}

// shape makes an answer's rate-limit headers look as HeaderBehaviour and
// OddHeaders say: Retry-After on a 429 (the seconds to the reset, at least
// one), the x-ratelimit-* headers dropped, or contradicting the bucket.
func (c *controls) shape(h http.Header, status int, now time.Time) http.Header {
	c.mu.Lock()
	hb, odd := c.headers, c.odd
	c.mu.Unlock()
	out := http.Header{}
	for k, vs := range h {
		out[k] = vs
	}
	reset, err := strconv.ParseInt(out.Get("X-Ratelimit-Reset"), 10, 64)
	if status == http.StatusTooManyRequests && hb.RetryAfter {
		secs := int64(1)
		if err == nil {
			secs = max(1, reset-now.Unix())
		}
		out.Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	if hb.Omit {
		for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
			out.Del(k)
		}
		return out
	}
	if len(h) == 0 {
		return out
	}
	if err == nil && odd.ResetShift != 0 {
		out.Set("X-Ratelimit-Reset", strconv.FormatInt(reset+int64(odd.ResetShift/time.Second), 10))
	}
	if odd.ZeroRemaining {
		out.Set("X-Ratelimit-Remaining", "0")
	}
	if odd.ZeroLimit {
		out.Set("X-Ratelimit-Limit", "0")
	}
	return out
}

// setBucket replaces one group's bucket; it starts full.
func (c *controls) setBucket(group string, b Bucket, now time.Time) {
	checkGroup(group)
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := newBucketState(b, now); st != nil {
		c.buckets[group] = st
	} else {
		delete(c.buckets, group)
	}
}

// setBuckets sets the given groups' buckets; with all, the groups not given
// lose theirs.
func (c *controls) setBuckets(buckets map[string]Bucket, all bool, now time.Time) {
	for group := range buckets {
		checkGroup(group)
	}
	if all {
		c.mu.Lock()
		clear(c.buckets)
		c.mu.Unlock()
	}
	for group, b := range buckets {
		c.setBucket(group, b, now)
	}
}

func (c *controls) setLatency(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latency = d
}

func (c *controls) setThrottle(until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.throttle = until
}

func (c *controls) setFaults(f Faults) {
	for _, kind := range f.FailKinds {
		if !isSCIMWrite(kind) {
			panic(fmt.Sprintf("emulator: Faults.FailKinds: %q is not a SCIM configuration or SCIM token write", kind))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.FailStatus == 0 {
		f.FailStatus = http.StatusInternalServerError
	}
	c.faults = f
	c.failing = map[string]bool{}
	for _, id := range f.FailWrites {
		c.failing[id] = true
	}
	c.failKind = map[string]bool{}
	for _, kind := range f.FailKinds {
		c.failKind[kind] = true
	}
	c.failLeft = -1
	if f.FailTimes > 0 {
		c.failLeft = f.FailTimes
	}
	c.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x5c13a0e))
}

// claimFailure uses up one of the FailTimes failures; false when none is left.
func (c *controls) claimFailure() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.failLeft == 0:
		return false
	case c.failLeft > 0:
		c.failLeft--
	}
	return true
}

// ceilUnix is the first whole Unix second not before t: a client that waits until
// the header's second is then sure the bucket has refilled.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Sub(time.Unix(s, 0)) > 0 {
		s++
	}
	return s
}

// groupOf is the group whose bucket a request of that kind draws on (c.mu held).
func (c *controls) groupOf(kind string) string {
	if kind == KindConnectionsList && c.buckets[GroupConnections] != nil {
		return GroupConnections
	}
	return GroupGlobal
}

// throttled reports an active Throttle storm and the headers of its 429.
func (c *controls) throttled(kind string, now time.Time) (http.Header, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !now.Before(c.throttle) {
		return nil, false
	}
	return c.buckets[c.groupOf(kind)].emptyHeaders(ceilUnix(c.throttle)), true
}

// take takes one token from the bucket of the request's group when there is
// one, and returns the group and the headers of the answer (none without a
// bucket).
func (c *controls) take(kind string, now time.Time) (group string, h http.Header, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	group = c.groupOf(kind)
	b := c.buckets[group]
	if b == nil {
		return group, nil, true
	}
	ok = b.take(now)
	return group, b.headers(now), ok
}

// injected429Headers are the headers of an injected 429: nothing left, retry next second.
func (c *controls) injected429Headers(kind string, now time.Time) http.Header {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buckets[c.groupOf(kind)].emptyHeaders(now.Unix() + 1)
}

// faultPlan is what the fault dice decided for one request.
type faultPlan struct {
	rateLimited bool
	delay       time.Duration // latency plus injected slowness
	serverError bool
	drop        bool
	after       bool // on a write: answer the fault after the effect
	status      int  // 500, 502, 503, 504 or 524
	failWrite   int  // FailStatus for a SCIM write that FailWrites and FailKinds designate, else 0
	failAfter   bool // FailAfterEffect
	failDrop    bool // FailDrop
	stormWrite  bool // RateLimitWrites, on a SCIM write
}

// decide draws the same number of values for every request so that a sequential
// stream of requests meets the same faults for the same seed.
func (c *controls) decide(connID, kind string) faultPlan {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.faults
	var u [5]float64
	for i := range u {
		u[i] = c.rng.Float64()
	}
	p := faultPlan{
		rateLimited: u[0] < f.RateLimitedRate,
		delay:       c.latency,
		serverError: u[2] < f.ServerErrorRate,
		drop:        u[2] >= f.ServerErrorRate && u[2] < f.ServerErrorRate+f.DropRate,
		after:       u[3] < f.AfterWriteShare,
		status:      pickServerError(u[4]),
		stormWrite:  f.RateLimitWrites && isSCIMWrite(kind),
	}
	if u[1] < f.SlowRate {
		p.delay += f.SlowLatency
	}
	if c.failing[connID] && isSCIMWrite(kind) && (len(c.failKind) == 0 || c.failKind[kind]) {
		p.failWrite, p.failAfter, p.failDrop = f.FailStatus, f.FailAfterEffect, f.FailDrop
	}
	return p
}

// pickServerError spreads injected 5xx over what Auth0 and its CDN answer.
func pickServerError(u float64) int {
	switch {
	case u < 0.40:
		return http.StatusInternalServerError
	case u < 0.60:
		return http.StatusBadGateway
	case u < 0.80:
		return http.StatusServiceUnavailable
	case u < 0.90:
		return http.StatusGatewayTimeout
	}
	return 524
}
