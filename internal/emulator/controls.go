package emulator

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// controls holds the knobs tests turn while requests are in flight: the rate
// bucket, the throttle storm, latency and faults. It has its own lock so that
// tenant state and controls never wait on each other.
type controls struct {
	mu       sync.Mutex
	rate     float64
	burst    int
	tokens   float64
	last     time.Time
	throttle time.Time
	latency  time.Duration
	faults   Faults
	failing  map[string]bool
	rng      *rand.Rand
}

func (c *controls) init(opts Options, now time.Time) {
	c.setRate(opts.Rate, opts.Burst, now)
	c.setLatency(opts.Latency)
	c.setFaults(opts.Faults)
}

func (c *controls) setRate(rate float64, burst int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rate < 0 {
		rate = 0
	}
	if rate > 0 && burst < 1 {
		burst = 1
	}
	c.rate, c.burst, c.tokens, c.last = rate, burst, float64(burst), now
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
	c.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x5c13a0e))
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

// rateHeaders builds the three x-ratelimit-* headers; limit is omitted without a bucket.
func (c *controls) rateHeaders(remaining int, reset int64) http.Header {
	h := http.Header{}
	if c.rate > 0 {
		h.Set("X-Ratelimit-Limit", strconv.Itoa(c.burst))
	}
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(reset, 10))
	return h
}

// throttled reports an active Throttle storm and the headers of its 429.
func (c *controls) throttled(now time.Time) (http.Header, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !now.Before(c.throttle) {
		return nil, false
	}
	return c.rateHeaders(0, ceilUnix(c.throttle)), true
}

// take refills the bucket continuously, then takes one token when there is one.
// The headers say what is left after this request; reset is now while tokens
// remain, else the second at which the next token arrives.
func (c *controls) take(now time.Time) (http.Header, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rate <= 0 {
		return nil, true
	}
	if elapsed := now.Sub(c.last).Seconds(); elapsed > 0 {
		c.tokens = math.Min(float64(c.burst), c.tokens+elapsed*c.rate)
		c.last = now
	}
	ok := c.tokens >= 1
	if ok {
		c.tokens--
	}
	reset := now.Unix()
	if c.tokens < 1 {
		wait := time.Duration((1 - c.tokens) / c.rate * float64(time.Second))
		reset = ceilUnix(now.Add(wait))
	}
	return c.rateHeaders(int(math.Floor(c.tokens)), reset), ok
}

// injected429Headers are the headers of an injected 429: nothing left, retry next second.
func (c *controls) injected429Headers(now time.Time) http.Header {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rateHeaders(0, now.Unix()+1)
}

// faultPlan is what the fault dice decided for one request.
type faultPlan struct {
	rateLimited bool
	delay       time.Duration // latency plus injected slowness
	serverError bool
	drop        bool
	after       bool // on a write: answer the fault after the effect
	status      int  // 500, 502, 503, 504 or 524
	failWrite   int  // FailStatus when the connection is in FailWrites, else 0
}

// decide draws the same number of values for every request so that a sequential
// stream of requests meets the same faults for the same seed.
func (c *controls) decide(connID string) faultPlan {
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
	}
	if u[1] < f.SlowRate {
		p.delay += f.SlowLatency
	}
	if c.failing[connID] {
		p.failWrite = f.FailStatus
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
