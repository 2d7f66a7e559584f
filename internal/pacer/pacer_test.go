package pacer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// bench is a pacer on a fake clock, driven by hand inside a synctest bubble.
type bench struct {
	t      *testing.T
	ctx    context.Context // the context of every Wait; ends with the test
	stop   context.CancelFunc
	clock  *fakeClock
	pacer  *Pacer
	mu     sync.Mutex
	paused []Pause
}

func newBench(t *testing.T, o Options) *bench {
	b := &bench{t: t, clock: newFakeClock()}
	b.ctx, b.stop = context.WithCancel(context.Background())
	o.Clock = b.clock
	o.OnPause = func(p Pause) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.paused = append(b.paused, p)
	}
	b.pacer = New(o)
	return b
}

// advance moves the clock by d, firing every timer due on the way, each once
// every goroutine is blocked.
func (b *bench) advance(d time.Duration) {
	target := b.clock.Now().Add(d)
	for {
		synctest.Wait()
		b.clock.mu.Lock()
		due := len(b.clock.events) > 0 && !b.clock.events[0].at.After(target)
		if !due {
			b.clock.now = target
		}
		b.clock.mu.Unlock()
		if !due {
			synctest.Wait()
			return
		}
		b.clock.step()
	}
}

// wait starts a Wait in the background; the channel gets its result.
func (b *bench) wait(ctx context.Context, group string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- b.pacer.Wait(ctx, group) }()
	synctest.Wait()
	return done
}

// mustGo waits for one request that must be let go at once.
func (b *bench) mustGo(group string) time.Time {
	b.t.Helper()
	if err := returned(b.wait(b.ctx, group)); err != nil {
		b.t.Fatalf("Wait(%q) did not return at once: %v", group, err)
	}
	return b.clock.Now()
}

var errBlocked = errors.New("still blocked")

// returned is the result of a Wait started with wait, or errBlocked.
func returned(done <-chan error) error {
	synctest.Wait()
	select {
	case err := <-done:
		return err
	default:
		return errBlocked
	}
}

// answer is an answer to a request sent at sent, received now.
func (b *bench) answer(status, limit, remaining int, sent time.Time, reset time.Duration) Answer {
	a := Answer{Status: status, Limit: limit, Remaining: remaining, Sent: sent, Received: b.clock.Now()}
	if reset >= 0 {
		a.Reset = b.clock.Now().Add(reset)
	}
	return a
}

func (b *bench) pauses() []Pause {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Pause(nil), b.paused...)
}

func TestFirstRequestWaitsForTheBucket(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBench(t, Options{Reserve: 0.2})
		defer b.stop()
		sent := b.mustGo("api")
		second := b.wait(b.ctx, "api")
		b.advance(100 * time.Millisecond)
		if err := returned(second); err != errBlocked {
			t.Fatalf("a second request went before the first answer: %v", err)
		}
		if st := b.pacer.Snapshot(); !strings.Contains(st.Waiting, "first answer") {
			t.Errorf("Snapshot while learning: %+v", st)
		}
		b.pacer.Observe("api", b.answer(200, 10, 9, sent, 0))
		if err := returned(second); err != nil {
			t.Fatalf("the answer announced 9 tokens, yet the second request waits: %v", err)
		}
		// The reserve is 2 of 10: of the 9 left, 7 may go at once, the
		// second request and 6 more.
		for i := range 6 {
			if err := returned(b.wait(b.ctx, "api")); err != nil {
				t.Fatalf("request %d of the burst: %v", i+3, err)
			}
		}
		if err := returned(b.wait(b.ctx, "api")); err != errBlocked {
			t.Errorf("the reserve was spent: %v", err)
		}
	})
}

func TestLostAnswerDoesNotStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBench(t, Options{})
		defer b.stop()
		b.mustGo("api") // its answer never comes (a network error)
		second := b.wait(b.ctx, "api")
		b.advance(probeEvery - time.Millisecond)
		if err := returned(second); err != errBlocked {
			t.Fatalf("second probe too early: %v", err)
		}
		b.advance(time.Millisecond)
		if err := returned(second); err != nil {
			t.Fatalf("second probe after %v: %v", probeEvery, err)
		}
	})
}

func TestNoHeadersMeansNoBucket(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBench(t, Options{})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(200, -1, -1, sent, -1))
		for range 100 {
			b.mustGo("api")
		}
		if st := b.pacer.Snapshot(); st.Rate != 0 || st.Limit != -1 || st.Waiting != "" {
			t.Errorf("Snapshot without a bucket: %+v", st)
		}
	})
}

// learned is a bench whose api group knows a bucket of 10 with 9 left.
func learned(t *testing.T, o Options) *bench {
	b := newBench(t, o)
	sent := b.mustGo("api")
	b.advance(100 * time.Millisecond)
	b.pacer.Observe("api", b.answer(200, 10, 9, sent, 0))
	return b
}

func Test429LowersThePaceAndPausesOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{})
		defer b.stop()
		before := b.pacer.Snapshot().Rate
		sent := []time.Time{b.mustGo("api"), b.mustGo("api"), b.mustGo("api")}
		b.advance(100 * time.Millisecond)
		for _, s := range sent { // three requests in flight, three 429s: one pause
			b.pacer.Observe("api", b.answer(429, 10, 0, s, 2*time.Second))
		}
		waiters := []<-chan error{b.wait(b.ctx, "api"), b.wait(b.ctx, "api")}
		st := b.pacer.Snapshot()
		if len(b.pauses()) != 1 || st.Rate >= before {
			t.Fatalf("after three 429s: %d pauses, rate %.2f → %.2f", len(b.pauses()), before, st.Rate)
		}
		p := b.pauses()[0]
		if p.Group != "api" || p.Reason != Reason429 || p.Length != 2*time.Second || !strings.Contains(st.Waiting, Reason429) || !st.Until.Equal(p.Until) {
			t.Errorf("pause %+v, status %+v", p, st)
		}
		b.advance(2*time.Second - time.Millisecond)
		if err := returned(waiters[0]); err != errBlocked {
			t.Fatalf("a caller went during the pause: %v", err)
		}
		b.advance(time.Millisecond)
		if err := returned(waiters[0]); err != nil {
			t.Fatalf("the first caller did not go when the pause ended: %v", err)
		}
		b.advance(100 * time.Millisecond)
		b.pacer.Observe("api", b.answer(429, 10, 0, b.clock.Now().Add(-100*time.Millisecond), time.Second))
		if len(b.pauses()) != 2 {
			t.Errorf("a 429 after the pause: %d pauses, want 2", len(b.pauses()))
		}
		b.advance(5 * time.Second)
		<-waiters[1]
	})
}

// TestEmptyBucketPauses: remaining 0 pauses the group until the reset, or,
// when the reset lies beyond the learned refill's next token (a reset
// announcing a full bucket), until the whole second after that token.
func TestEmptyBucketPauses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{}) // guessed refill: 10 in 4 s, a token per 0.4 s
		defer b.stop()
		sent := b.mustGo("api")
		b.advance(100 * time.Millisecond)
		now := b.clock.Now()
		b.pacer.Observe("api", b.answer(200, 10, 0, sent, 1500*time.Millisecond))
		want := now.Add(400 * time.Millisecond).Truncate(time.Second).Add(time.Second)
		ps := b.pauses()
		if len(ps) != 1 || ps[0].Reason != ReasonEmpty || !ps[0].Until.Equal(want) || !ps[0].ByModel || ps[0].Capped() ||
			ps[0].Announced != 1500*time.Millisecond {
			t.Fatalf("pauses after remaining 0: %+v, want until %v", ps, want)
		}
		w := b.wait(b.ctx, "api")
		b.advance(want.Sub(now) - time.Millisecond)
		if err := returned(w); err != errBlocked {
			t.Fatalf("went during the pause: %v", err)
		}
		b.advance(10 * time.Second)
		if err := returned(w); err != nil {
			t.Fatal(err)
		}
	})
}

func TestResetOfNowDoesNotSpin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(429, 10, 0, sent, 0)) // reset: this very second
		if ps := b.pauses(); len(ps) != 1 || ps[0].Length != minPause {
			t.Fatalf("pause for a reset of now: %+v, want %v", ps, minPause)
		}
		// The caller then waits for the pause, or for the model's bucket to
		// hold a token again, whichever is later: one timer, never zero long.
		timers := b.clock.afters
		w := b.wait(b.ctx, "api")
		b.advance(5 * time.Second)
		if err := returned(w); err != nil {
			t.Fatal(err)
		}
		if n := b.clock.afters - timers; n != 1 || b.clock.zero != 0 {
			t.Errorf("%d timers (%d of zero length) for one caller and one pause", n, b.clock.zero)
		}
	})
}

func TestFarResetIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{MaxWait: 5 * time.Second})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(429, 10, 0, sent, 10*time.Minute))
		if ps := b.pauses(); len(ps) != 1 || ps[0].Length != 5*time.Second {
			t.Fatalf("pause for a reset 10 minutes ahead: %+v", ps)
		}
		w := b.wait(b.ctx, "api")
		if st := b.pacer.Snapshot(); !strings.Contains(st.Waiting, "capped") {
			t.Errorf("Snapshot: %+v", st)
		}
		b.advance(5 * time.Second)
		if err := returned(w); err != nil {
			t.Fatalf("still waiting after MaxWait: %v", err)
		}
	})
}

func TestCancelReturnsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(429, 10, 0, sent, 20*time.Second))
		ctx, cancel := context.WithCancel(context.Background())
		first := b.wait(ctx, "api")
		second := b.wait(b.ctx, "api")
		cancel()
		if err := returned(first); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Wait returned %v", err)
		}
		if err := b.pacer.Wait(ctx, "api"); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait with a cancelled context returned %v", err)
		}
		b.advance(20 * time.Second)
		if err := returned(second); err != nil {
			t.Errorf("the caller behind the cancelled one never got its turn: %v", err)
		}
	})
}

func TestGroupsAreIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{})
		defer b.stop()
		sent := b.mustGo("connections")
		b.pacer.Observe("connections", b.answer(429, 5, 0, sent, 30*time.Second))
		b.mustGo("api") // the api bucket is not paused
		w := b.wait(b.ctx, "connections")
		if err := returned(w); err != errBlocked {
			t.Errorf("connections went during its pause: %v", err)
		}
		b.advance(30 * time.Second)
		<-w
	})
}

func TestCeilingOverAllGroups(t *testing.T) {
	sc := scenario{name: "ceiling", requests: 100, ceiling: 5, groups: []string{"api", "connections"}}
	o := run(t, sc) // a tenant without rate-limit headers: only the ceiling paces
	if gap := minGap(o.sent); gap < 200*time.Millisecond {
		t.Errorf("two requests %v apart under a ceiling of 5/s", gap)
	}
	if o.efficiency < 0.98 {
		t.Errorf("efficiency %.3f against the ceiling", o.efficiency)
	}
}

func TestManyCallers(t *testing.T) {
	o := run(t, scenario{name: "many", bucket: enterprise, requests: 800, workers: 32})
	if o.share429 > 0.01 || o.efficiency < 0.95 {
		t.Errorf("32 callers: efficiency %.3f, 429 share %.3f", o.efficiency, o.share429)
	}
	o = run(t, scenario{name: "two groups", bucket: essentials, requests: 300, workers: 8, groups: []string{"api", "connections"}})
	if o.share429 > 0.01 || o.efficiency < 1.8 { // two buckets: nearly twice one bucket's ideal
		t.Errorf("two groups, two buckets: efficiency %.3f, 429 share %.3f", o.efficiency, o.share429)
	}
}

// TestGroupsSharingOneBucket: when the caller splits into groups requests
// that the tenant counts in one bucket, each group sees the other as another
// client: no 429s, but some of the bucket goes unused.
func TestGroupsSharingOneBucket(t *testing.T) {
	o := run(t, scenario{name: "one bucket", bucket: enterprise, requests: 600, workers: 8,
		groups: []string{"api", "connections"}, oneBucket: true})
	t.Logf("two groups on one bucket: efficiency %.3f, 429 share %.3f", o.efficiency, o.share429)
	if o.share429 > 0.01 || o.efficiency < 0.6 {
		t.Errorf("efficiency %.3f, 429 share %.3f", o.efficiency, o.share429)
	}
}

func TestOptionsDefaults(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0, DefaultReserve}, {-1, 0}, {0.5, 0.5}, {2, 0.9}} {
		if got := New(Options{Reserve: c.in}).opts.Reserve; got != c.want {
			t.Errorf("Reserve %v → %v, want %v", c.in, got, c.want)
		}
	}
	if got := New(Options{}).opts.MaxWait; got != DefaultMaxWait {
		t.Errorf("MaxWait default %v", got)
	}
}
