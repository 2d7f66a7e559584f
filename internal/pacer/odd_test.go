package pacer

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// Tenants whose answers Auth0's reference does not describe, or describes
// loosely: a storm of 429s, no rate-limit headers, Retry-After, a reset in
// the past, limit: 0.

// TestStormFailsEachRequestPromptly: a tenant answering every request 429
// with a reset within the second. The pace never falls below the request a
// second those resets promise, so 8 requests of 4 attempts each fail in
// about 32 seconds, not minutes.
func TestStormFailsEachRequestPromptly(t *testing.T) {
	storm := enterprise
	storm.storm = true
	for _, sc := range []scenario{
		{name: "storm", bucket: storm, requests: 8, workers: 8, attempts: 4},
		{name: "storm, no headers", bucket: bucket{rate: 5, burst: 10, storm: true, bare: true}, requests: 8, workers: 8, attempts: 4},
	} {
		t.Run(sc.name, func(t *testing.T) {
			o := run(t, sc)
			t.Logf("%d requests failed after %v, %d answers, pace %.2f/s, %d pauses", o.failed, o.took, o.answers, o.pace, len(o.pauses))
			if o.failed != 8 || o.answers != 32 {
				t.Errorf("%d failed, %d answers; want 8 and 32", o.failed, o.answers)
			}
			if o.took > map[bool]time.Duration{false: 45 * time.Second, true: 70 * time.Second}[sc.bucket.bare] {
				t.Errorf("the storm took %v to fail 8 requests of 4 attempts", o.took)
			}
			if !sc.bucket.bare && o.pace < 1 {
				t.Errorf("pace %.2f/s, below the request a second the resets promise", o.pace)
			}
		})
	}
}

// TestNoHeadersLearnsThePaceFrom429s: a tenant (or a proxy) that strips the
// rate-limit headers and answers a bare 429 when its bucket is empty. The
// group pauses on each 429 and paces itself on what the tenant accepted.
func TestNoHeadersLearnsThePaceFrom429s(t *testing.T) {
	for _, b := range []bucket{
		{rate: 5, burst: 10, bare: true},
		{rate: 5, burst: 10, zeroLimit: true}, // limit: 0 is unknown, not unlimited
		{rate: 16, burst: 50, bare: true},
		{rate: 150.0 / 60, burst: 10, steps: true, bare: true},
	} {
		o := run(t, scenario{name: "bare", bucket: b, requests: 300, workers: 8})
		t.Logf("%+v: efficiency %.3f, 429 share %.3f, pace %.2f/s, %d pauses", b, o.efficiency, o.share429, o.pace, len(o.pauses))
		if o.share429 > 0.10 || o.efficiency < 0.75 {
			t.Errorf("%+v: efficiency %.3f, 429 share %.3f", b, o.efficiency, o.share429)
		}
	}
}

// TestResetInThePastIsNow: answers that always say remaining: 0 with a
// reset in the past (a tenant whose clock is behind) pause the group only
// briefly and never drive the pace toward zero.
func TestResetInThePastIsNow(t *testing.T) {
	b := bucket{rate: 20, burst: 10, zeroRemaining: true, skew: -10 * time.Second}
	o := run(t, scenario{name: "past", bucket: b, requests: 150, workers: 8})
	t.Logf("150 requests in %v, pace %.2f/s, %d pauses", o.took, o.pace, len(o.pauses))
	if o.took > 75*time.Second || o.pace < 1 {
		t.Errorf("150 requests took %v, pace %.2f/s", o.took, o.pace)
	}
	for _, p := range o.pauses {
		if p.Length > minPause {
			t.Errorf("a reset in the past paused %v", p.Length)
		}
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := learned(t, Options{MaxWait: 30 * time.Second})
		defer b.stop()
		sent := b.mustGo("api")
		a := b.answer(429, 10, 0, sent, 0)
		a.RetryAfter = 3 * time.Second
		b.pacer.Observe("api", a)
		ps := b.pauses()
		if len(ps) != 1 || ps[0].Length != 3*time.Second || ps[0].Cause != CauseRetryAfter || ps[0].Capped() {
			t.Fatalf("pauses after Retry-After: 3: %+v", ps)
		}
		w := b.wait(b.ctx, "api")
		b.advance(3*time.Second - time.Millisecond)
		if err := returned(w); err != errBlocked {
			t.Fatalf("went before Retry-After: %v", err)
		}
		b.advance(time.Millisecond)
		if err := returned(w); err != nil {
			t.Fatalf("still waiting when Retry-After ended: %v", err)
		}
		sent = b.clock.Now()
		a = b.answer(429, 10, 0, sent, 0)
		a.RetryAfter = time.Hour
		b.pacer.Observe("api", a)
		ps = b.pauses()
		if len(ps) != 2 || ps[1].Length != 30*time.Second || ps[1].Announced != time.Hour || !ps[1].Capped() {
			t.Fatalf("pauses after Retry-After: 3600: %+v", ps)
		}
		if st := b.pacer.Snapshot(); st.Rate < 1.0/30 {
			t.Errorf("pace %.3f/s below the floor Retry-After promises", st.Rate)
		}
		w = b.wait(b.ctx, "api")
		if st := b.pacer.Snapshot(); !strings.Contains(st.Waiting, "Retry-After capped") {
			t.Errorf("Snapshot: %+v", st)
		}
		b.advance(30 * time.Second)
		if err := returned(w); err != nil {
			t.Fatalf("still waiting after MaxWait: %v", err)
		}
	})
}

// TestBare429BacksOff: without any header a 429 still pauses the group:
// one second, doubled for each 429 in a row, at most maxBackoff.
func TestBare429BacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBench(t, Options{})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(200, -1, -1, sent, -1))
		for _, want := range []time.Duration{time.Second, 2 * time.Second, 2 * time.Second} {
			sent = b.mustGo("api")
			b.pacer.Observe("api", b.answer(429, -1, -1, sent, -1))
			ps := b.pauses()
			if p := ps[len(ps)-1]; p.Length != want || p.Cause != CauseBackoff || p.Reason != Reason429 {
				t.Fatalf("pause %d: %+v, want %v", len(ps), p, want)
			}
			w := b.wait(b.ctx, "api")
			b.advance(want - time.Millisecond)
			if err := returned(w); err != errBlocked {
				t.Fatalf("went during the backoff: %v", err)
			}
			b.advance(time.Millisecond)
			if err := returned(w); err != nil {
				t.Fatalf("the backoff's end did not let one request go: %v", err)
			}
			b.pacer.Observe("api", b.answer(429, -1, -1, b.clock.Now(), -1))
			b.advance(5 * time.Second)
		}
		if st := b.pacer.Snapshot(); st.Rate <= 0 || st.Limit != -1 {
			t.Errorf("Snapshot after bare 429s: %+v", st)
		}
	})
}

// TestLimitZeroIsUnknown: limit: 0 never reads as "no limit": a 429 then
// pauses the group.
func TestLimitZeroIsUnknown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBench(t, Options{})
		defer b.stop()
		sent := b.mustGo("api")
		b.pacer.Observe("api", b.answer(200, 0, 5, sent, 0))
		sent = b.mustGo("api")
		b.pacer.Observe("api", b.answer(429, 0, 0, sent, 2*time.Second))
		if ps := b.pauses(); len(ps) != 1 || ps[0].Length != 2*time.Second {
			t.Fatalf("pauses: %+v", ps)
		}
		w := b.wait(b.ctx, "api")
		b.advance(time.Second)
		if err := returned(w); err != errBlocked {
			t.Fatalf("went during the pause: %v", err)
		}
		b.advance(time.Second)
		if err := returned(w); err != nil {
			t.Fatal(err)
		}
	})
}
