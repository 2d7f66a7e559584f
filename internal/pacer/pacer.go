package pacer

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultReserve is the share of each bucket the pacer leaves unspent: 10 of
// the 50 tokens of an Enterprise tenant, 2 of the 10 of Essentials. It is what
// the tenant's other clients (Actions, other automation) can still burst into
// while a run is in progress, and it absorbs the pacer's own timing errors
// (answers are late, remaining is an integer, reset has one-second
// resolution). It costs a run once, not per request: reserve × burst / rate,
// 0.6 s on Enterprise.
const DefaultReserve = 0.1

// DefaultMaxWait caps one wait for an announced reset.
const DefaultMaxWait = 30 * time.Second

// Options configures a Pacer. The zero value is pure auto pacing on real time.
type Options struct {
	// Ceiling is the most requests per second over all groups together;
	// 0 means no ceiling. --rps maps here. Requests are spaced 1/Ceiling
	// apart, except that after idle time a few saved up may go at once (half
	// the group's bucket, at most one second's worth), so the pace never
	// exceeds it over any second by more than that.
	Ceiling float64
	// Reserve is the share (0 to 0.9) of each bucket left unspent for the
	// tenant's other clients; 0 means DefaultReserve, a negative value none.
	// At least one token is always left, since a request that leaves less is
	// answered remaining: 0, which pauses the run.
	Reserve float64
	// MaxWait caps one wait for an announced reset, and how long a group
	// stays silent whatever its model says (DefaultMaxWait when 0).
	MaxWait time.Duration
	// Clock is the source of time; nil means the real clock.
	Clock Clock
	// OnPause is called once per pause of a group (not once per waiting
	// caller), with the pacer's lock released.
	OnPause func(Pause)
}

// Pause describes one pause of every caller of a group.
type Pause struct {
	Group  string
	Reason string // "429 Too Many Requests" or "bucket empty (x-ratelimit-remaining: 0)"
	Until  time.Time
	Length time.Duration
	// Cause is what set the length: CauseReset, CauseRetryAfter or
	// CauseBackoff (a 429 that announced no wait).
	Cause string
	// Announced is the wait the tenant announced, from the answer; longer
	// than Length when MaxWait capped it or ByModel, 0 when none was
	// announced.
	Announced time.Duration
	// ByModel is set when an empty bucket's pause ends before the announced
	// reset, when the learned refill brings the next token (a reset may
	// announce when the bucket is full again).
	ByModel bool
}

// Causes of a pause's length (Pause.Cause).
const (
	CauseReset      = "x-ratelimit-reset"
	CauseRetryAfter = "Retry-After"
	CauseBackoff    = "backoff (no wait announced)"
)

// Capped reports whether MaxWait shortened the wait the tenant announced.
func (p Pause) Capped() bool { return p.Announced > p.Length && !p.ByModel }

// Answer is what the pacer needs from one answer of the tenant.
type Answer struct {
	Status int // HTTP status
	// Limit is x-ratelimit-limit, -1 when absent. 0, which no bucket can
	// mean, is taken for unknown (a proxy's placeholder), never for "no
	// limit".
	Limit     int
	Remaining int       // x-ratelimit-remaining, -1 when absent
	Reset     time.Time // x-ratelimit-reset, zero when absent; in the past means now
	// RetryAfter is the Retry-After of a 429, 0 when absent.
	RetryAfter time.Duration
	Sent       time.Time // when the request left (after Wait returned)
	Received   time.Time // when its answer arrived
}

// Status is a snapshot for the status line and tests.
type Status struct {
	// Group is the group Rate and Limit describe: the one that most recently
	// let a request go.
	Group string
	// Rate is that group's current pace in requests per second (its learned
	// refill rate, or for a group whose answers do not describe its bucket
	// the rate learned from its 429s; never above the ceiling); 0 while
	// nothing is known, and the ceiling (or 0) for a group that was never
	// refused.
	Rate float64
	// Waiting is "" or what callers are waiting for, e.g. "the tenant's
	// rate-limit reset (api bucket: 429 Too Many Requests)"; Until is when that
	// wait ends. When several groups wait, the longest wait is shown.
	Waiting string
	Until   time.Time
	// Limit is the bucket size the group's tenant last announced, -1 before.
	Limit int
}

// Pacer paces the requests of one run. It is safe for concurrent use.
type Pacer struct {
	opts Options

	mu      sync.Mutex
	groups  map[string]*group
	ceiling ceiling // Options.Ceiling's token bucket
	recent  *group  // the group that most recently let a request go
}

// New returns a Pacer configured by o.
func New(o Options) *Pacer {
	o = withDefaults(o)
	return &Pacer{opts: o, groups: map[string]*group{}, ceiling: newCeiling(o.Ceiling)}
}

func withDefaults(o Options) Options {
	switch {
	case o.Reserve == 0:
		o.Reserve = DefaultReserve
	case o.Reserve < 0:
		o.Reserve = 0
	case o.Reserve > 0.9:
		o.Reserve = 0.9
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.Ceiling < 0 {
		o.Ceiling = 0
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	return o
}

// Wait blocks until one request of the group may go, and counts it as sent.
// Callers of a group are served in arrival order, one timer at a time: only
// the first in line waits on a timer, the others wait for their turn, so the
// number of wakeups stays proportional to the requests however many callers
// there are. When ctx ends first, Wait returns at once with an error wrapping
// ctx.Err(), and nothing is counted.
func (p *Pacer) Wait(ctx context.Context, group string) error {
	if err := ctx.Err(); err != nil {
		return waitError(group, err)
	}
	p.mu.Lock()
	g := p.group(group)
	w := g.queue.join()
	for {
		timer, sent := p.turn(g, w)
		p.mu.Unlock()
		if sent {
			return nil
		}
		select {
		case <-ctx.Done():
			p.mu.Lock()
			g.queue.leave(w)
			p.mu.Unlock()
			return waitError(group, ctx.Err())
		case <-timer:
		case <-w.wake:
		}
		p.mu.Lock()
	}
}

func waitError(group string, err error) error {
	return fmt.Errorf("waiting for the tenant's %s rate limit: %w", group, err)
}

// turn lets w go when it is first in line and the group and the ceiling allow
// it; otherwise it returns the timer the first in line waits on (nil for the
// others, who are woken when their turn comes).
func (p *Pacer) turn(g *group, w *waiter) (<-chan time.Time, bool) {
	if !g.queue.first(w) {
		return nil, false
	}
	now := p.opts.Clock.Now()
	at := p.readyAt(g, now)
	if at.After(now) {
		g.hold(now, p.opts.MaxWait)
		g.deadline = at
		return p.opts.Clock.After(at.Sub(now)), false
	}
	p.spend(g, now)
	g.queue.leave(w)
	return nil, true
}

// readyAt is when the group's next request may go: its own bucket and pause,
// and the ceiling shared by every group.
func (p *Pacer) readyAt(g *group, now time.Time) time.Time {
	return later(g.readyAt(now, p.opts.MaxWait), p.ceiling.readyAt(now, g.limit))
}

func (p *Pacer) spend(g *group, now time.Time) {
	g.spend(now)
	p.recent = g
	p.ceiling.spend(now, g.limit)
}

// Observe feeds the pacer one answer of the group, whatever its status:
// reads, writes, errors and 429s alike.
func (p *Pacer) Observe(group string, a Answer) {
	p.mu.Lock()
	g := p.group(group)
	now := p.opts.Clock.Now()
	pause, paused := g.observe(a, now, p.opts.MaxWait)
	if g.queue.head != nil && p.readyAt(g, now).Before(g.deadline) {
		g.queue.wakeHead() // the answer brought the next request forward
	}
	p.mu.Unlock()
	if paused && p.opts.OnPause != nil {
		p.opts.OnPause(pause)
	}
}

// Snapshot returns the current pace and what callers wait for.
func (p *Pacer) Snapshot() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opts.Clock.Now()
	st := Status{Limit: -1}
	if g := p.recent; g != nil {
		st.Group, st.Rate, st.Limit = g.name, g.pace(), g.limit
		if p.opts.Ceiling > 0 && (st.Rate == 0 || st.Rate > p.opts.Ceiling) && g.state != learning {
			st.Rate = p.opts.Ceiling
		}
	}
	for _, g := range p.groups {
		if what, until := g.waiting(now); what != "" && until.After(st.Until) {
			st.Waiting, st.Until = what, until
		}
	}
	return st
}

// Until is when the group's next request may go, as things stand now: the
// end of its pause, or the wait its bucket model asks for. It is what a
// retry of a request the group refused really waits.
func (p *Pacer) Until(group string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opts.Clock.Now()
	return p.readyAt(p.group(group), now)
}

func (p *Pacer) group(name string) *group {
	g := p.groups[name]
	if g == nil {
		g = newGroup(name, p.opts.Reserve)
		p.groups[name] = g
	}
	return g
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
