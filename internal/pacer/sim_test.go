package pacer

import (
	"container/heap"
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// This file is a small discrete-event simulator: a fake clock whose one
// event queue holds both the pacer's timers and the simulated network and
// tenant, an Auth0-like token bucket, workers that call Wait and Observe as
// the transport will, and another client of the same tenant.
//
// Workers are real goroutines, so Wait is exercised as production uses it.
// The simulation runs inside a testing/synctest bubble only to know when
// every goroutine is blocked: then, and only then, the clock jumps to the
// next event and fires it alone. Simulated time never depends on the wall
// clock, and a run of minutes takes milliseconds.

// epoch is the simulation's start: not on a whole second, so one-second
// resets and per-second refill steps fall between requests.
var epoch = time.Unix(1_767_225_600, 300_000_000)

// fakeClock implements Clock on a queue of events.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	events  eventHeap
	seq     int
	afters  int           // timers the pacer asked for
	zero    int           // of which with a zero or negative duration
	longest time.Duration // the longest timer
}

type event struct {
	at  time.Time
	seq int
	fn  func()
}

func newFakeClock() *fakeClock { return &fakeClock{now: epoch} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After counts the timer and queues it as an event.
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.afters++
	c.longest = max(c.longest, d)
	if d <= 0 {
		c.zero++
		ch <- c.now
		return ch
	}
	c.pushLocked(c.now.Add(d), func() { ch <- c.Now() })
	return ch
}

// at queues fn to run at t (never before now).
func (c *fakeClock) at(t time.Time, fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pushLocked(later(t, c.now), fn)
}

func (c *fakeClock) pushLocked(t time.Time, fn func()) {
	c.seq++
	heap.Push(&c.events, event{at: t, seq: c.seq, fn: fn})
}

// step advances to the next event and runs it; false when none is left.
func (c *fakeClock) step() bool {
	c.mu.Lock()
	if len(c.events) == 0 {
		c.mu.Unlock()
		return false
	}
	e := heap.Pop(&c.events).(event)
	c.now = later(c.now, e.at)
	c.mu.Unlock()
	e.fn()
	return true
}

type eventHeap []event

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(event)) }
func (h *eventHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// bucket is an Auth0 rate-limit bucket as the tenant keeps it.
type bucket struct {
	rate  float64 // tokens per second
	burst int
	steps bool // refilled once per whole second, as Auth0's per-minute limits
	full  bool // reset announces when the bucket is full again, not the next token

	// How the answers look where Auth0's reference is silent or proxies
	// differ: no x-ratelimit-* headers at all (bare), limit: 0, remaining
	// always 0, a reset shifted by skew (negative: in the past), 429s
	// carrying Retry-After; and a storm answering every request 429 with a
	// reset within the second, whatever the bucket holds.
	bare, zeroLimit, zeroRemaining, storm bool
	skew                                  time.Duration
	retryAfter                            time.Duration

	tokens float64
	last   time.Time
}

func (b *bucket) refill(now time.Time) {
	if b.last.IsZero() {
		b.tokens, b.last = float64(b.burst), now
	}
	add := b.rate * now.Sub(b.last).Seconds()
	if b.steps {
		add = b.rate * float64(now.Unix()-b.last.Unix())
	}
	b.tokens = math.Min(float64(b.burst), b.tokens+add)
	b.last = now
}

// take handles one request arriving now: the answer's status and headers.
// A bucket without a rate is no bucket: every request succeeds, and the
// answer carries no rate-limit headers.
func (b *bucket) take(now time.Time) Answer {
	if b.rate == 0 {
		return Answer{Status: 200, Limit: -1, Remaining: -1}
	}
	b.refill(now)
	status := 200
	switch {
	case b.storm:
		return b.headers(Answer{Status: 429, Limit: b.burst, Remaining: 0, Reset: time.Unix(now.Unix()+1, 0)})
	case b.tokens >= 1:
		b.tokens--
	default:
		status = 429
	}
	return b.headers(Answer{Status: status, Limit: b.burst, Remaining: int(math.Floor(b.tokens)), Reset: b.reset(now).Add(b.skew)})
}

// headers makes an answer look as the bucket's odd headers say.
func (b *bucket) headers(a Answer) Answer {
	switch {
	case b.bare:
		a.Limit, a.Remaining, a.Reset = -1, -1, time.Time{}
	case b.zeroLimit:
		a.Limit = 0
	}
	if b.zeroRemaining && !b.bare {
		a.Remaining = 0
	}
	if b.retryAfter > 0 && a.Status == 429 {
		a.RetryAfter = b.retryAfter
	}
	return a
}

// reset is x-ratelimit-reset: now while a token is left (or, for "full",
// the bucket is full), else the whole second at which the next token (or
// the last one) arrives.
func (b *bucket) reset(now time.Time) time.Time {
	target := 1.0
	if b.full {
		target = float64(b.burst)
	}
	missing := target - b.tokens
	if missing <= 0 {
		return time.Unix(now.Unix(), 0)
	}
	if b.steps {
		return time.Unix(now.Unix()+int64(math.Ceil(missing/b.rate)), 0)
	}
	return ceilSecond(now.Add(seconds(missing / b.rate)))
}

func ceilSecond(t time.Time) time.Time {
	s := t.Unix()
	if t.After(time.Unix(s, 0)) {
		s++
	}
	return time.Unix(s, 0)
}

// scenario is one simulated run.
type scenario struct {
	name     string
	bucket   bucket
	requests int
	workers  int
	ceiling  float64
	other    float64 // another client's steady requests per second
	maxWait  time.Duration
	reserve  float64       // 0: DefaultReserve
	latency  time.Duration // round trip; each way varies by ±10%
	seed     uint64        // of the latency variation
	groups   []string      // worker i sends to groups[i%len]; default "api"
	// oneBucket makes every group draw on one bucket, as on Auth0 plans with
	// a single global limit; by default each group has its own.
	oneBucket bool
	// attempts, when set, is how many times a request is sent before it is
	// given up (a 429 on the last attempt fails it); 0: retried until it
	// succeeds.
	attempts int
}

// outcome is what a scenario measured.
type outcome struct {
	efficiency float64 // ideal duration / actual
	share429   float64 // of our answers
	other429   float64 // of the other client's answers
	answers    int
	pauses     []Pause
	afters     int // timers the pacer asked for
	zeroWaits  int
	longest    time.Duration // the longest single timer
	waiting    []snapshot    // snapshots taken while callers waited for something
	sent       []time.Time   // when each request left, all groups together
	failed     int           // requests given up after their attempts
	took       time.Duration // from the start to the last answer
	pace       float64       // Snapshot().Rate at the end
}

// snapshot is a Status and when it was taken.
type snapshot struct {
	at time.Time
	Status
}

// sim is one running scenario.
type sim struct {
	sc    scenario
	clock *fakeClock
	pacer *Pacer
	rng   *rand.Rand

	mu         sync.Mutex
	buckets    map[string]*bucket
	next       int // requests claimed by workers
	ok, our429 int
	failed     int
	lastAnswer time.Time
	other      int
	other429   int
	first      time.Time // first successful request handled
	lastOK     time.Time
	sent       []time.Time // when each of our requests left
	pauses     []Pause
	snapshots  []snapshot
	running    int
}

// run simulates sc to completion and measures it.
func run(t *testing.T, sc scenario) outcome {
	t.Helper()
	var out outcome
	synctest.Test(t, func(t *testing.T) {
		s := newSim(sc)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.start(ctx)
		s.loop(t)
		out = s.outcome()
	})
	return out
}

func newSim(sc scenario) *sim {
	if sc.latency == 0 {
		sc.latency = 100 * time.Millisecond
	}
	if sc.workers == 0 {
		sc.workers = 4
	}
	s := &sim{sc: sc, clock: newFakeClock(), rng: rand.New(rand.NewPCG(sc.seed, 2)), buckets: map[string]*bucket{}}
	s.pacer = New(Options{Ceiling: sc.ceiling, MaxWait: sc.maxWait, Reserve: sc.reserve, Clock: s.clock, OnPause: s.onPause})
	return s
}

func (s *sim) onPause(p Pause) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pauses = append(s.pauses, p)
}

func (s *sim) start(ctx context.Context) {
	s.running = s.sc.workers
	groups := s.sc.groups
	if len(groups) == 0 {
		groups = []string{"api"}
	}
	for i := range s.sc.workers {
		go s.worker(ctx, groups[i%len(groups)])
	}
	if s.sc.other > 0 {
		s.otherClient(s.clock.Now())
	}
	s.watch()
}

// loop fires events one at a time, each once every goroutine is blocked, so
// the order of events is the order of simulated time.
func (s *sim) loop(t *testing.T) {
	for {
		synctest.Wait()
		if s.done() {
			return
		}
		if !s.clock.step() {
			t.Fatal("simulation stuck: workers wait but nothing is scheduled")
		}
	}
}

func (s *sim) done() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running == 0
}

// worker is one of the transport's workers: Wait, send, Observe; a 429 is
// retried at once (the pacer's pause is the backoff).
func (s *sim) worker(ctx context.Context, group string) {
	defer func() {
		s.mu.Lock()
		s.running--
		s.mu.Unlock()
	}()
	for s.claim() {
		for attempt := 1; ; attempt++ {
			if err := s.pacer.Wait(ctx, group); err != nil {
				return
			}
			a := s.send(group)
			s.pacer.Observe(group, a)
			if a.Status != 429 {
				break
			}
			if attempt == s.sc.attempts {
				s.mu.Lock()
				s.failed++
				s.mu.Unlock()
				break
			}
		}
	}
}

func (s *sim) claim() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	return s.next <= s.sc.requests
}

// send is one request over the simulated network: it reaches the tenant
// after half the round trip (±10%), its answer comes back after the other
// half, so answers overtake one another when requests leave close together.
func (s *sim) send(group string) Answer {
	sent := s.clock.Now()
	s.mu.Lock()
	s.sent = append(s.sent, sent)
	s.mu.Unlock()
	up, down := s.leg(), s.leg()
	answer := make(chan Answer, 1)
	s.clock.at(sent.Add(up), func() {
		a := s.handle(group, s.clock.Now())
		s.clock.at(s.clock.Now().Add(down), func() {
			a.Sent, a.Received = sent, s.clock.Now()
			s.mu.Lock()
			s.lastAnswer = a.Received
			s.mu.Unlock()
			answer <- a
		})
	})
	return <-answer
}

func (s *sim) leg() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	half := s.sc.latency / 2
	return half - half/10 + time.Duration(s.rng.Int64N(int64(half/5)+1))
}

// handle is the tenant handling one of our requests.
func (s *sim) handle(group string, now time.Time) Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.bucketOf(group).take(now)
	if a.Status == 429 {
		s.our429++
		return a
	}
	s.ok++
	if s.first.IsZero() {
		s.first = now
	}
	s.lastOK = now
	return a
}

// bucketOf is the tenant's bucket for a group (s.mu held).
func (s *sim) bucketOf(group string) *bucket {
	if s.sc.oneBucket {
		group = ""
	}
	b := s.buckets[group]
	if b == nil {
		b = new(bucket)
		*b = s.sc.bucket
		s.buckets[group] = b
	}
	return b
}

// otherClient sends at a steady rate whatever the answers, as long as our
// workers run.
func (s *sim) otherClient(at time.Time) {
	s.clock.at(at, func() {
		if s.done() {
			return
		}
		s.mu.Lock()
		s.other++
		if s.bucketOf("api").take(at).Status == 429 {
			s.other429++
		}
		s.mu.Unlock()
		s.otherClient(at.Add(seconds(1 / s.sc.other)))
	})
}

// watch takes a Snapshot every simulated second.
func (s *sim) watch() {
	s.clock.at(s.clock.Now().Add(time.Second), func() {
		if s.done() {
			return
		}
		st := s.pacer.Snapshot()
		if st.Waiting != "" {
			s.mu.Lock()
			s.snapshots = append(s.snapshots, snapshot{at: s.clock.Now(), Status: st})
			s.mu.Unlock()
		}
		s.watch()
	})
}

func (s *sim) outcome() outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := s.sc.bucket.rate - s.sc.other
	ideal := float64(s.sc.requests-s.sc.bucket.burst) / rate
	if s.sc.ceiling > 0 && (rate <= 0 || s.sc.ceiling < rate) {
		ideal = float64(s.sc.requests-1) / s.sc.ceiling
	}
	answers := s.ok + s.our429
	o := outcome{
		efficiency: ideal / s.lastOK.Sub(s.first).Seconds(),
		share429:   float64(s.our429) / float64(answers),
		answers:    answers,
		pauses:     s.pauses,
		waiting:    s.snapshots,
		sent:       s.sent,
		failed:     s.failed,
		took:       s.lastAnswer.Sub(epoch),
		pace:       s.pacer.Snapshot().Rate,
	}
	if s.other > 0 {
		o.other429 = float64(s.other429) / float64(s.other)
	}
	s.clock.mu.Lock()
	o.afters, o.zeroWaits, o.longest = s.clock.afters, s.clock.zero, s.clock.longest
	s.clock.mu.Unlock()
	return o
}

// minGap is the shortest time between two consecutive sends.
func minGap(sent []time.Time) time.Duration {
	gap := time.Duration(math.MaxInt64)
	for i := 1; i < len(sent); i++ {
		gap = min(gap, sent[i].Sub(sent[i-1]))
	}
	return gap
}
