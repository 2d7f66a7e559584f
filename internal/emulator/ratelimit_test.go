package emulator

import (
	"strconv"
	"testing"
	"time"
)

const tooManyBody = `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`

func rateHeaders(r response) (limit, remaining, reset string) {
	return r.header.Get("X-Ratelimit-Limit"), r.header.Get("X-Ratelimit-Remaining"), r.header.Get("X-Ratelimit-Reset")
}

func TestRateLimitHeadersAndBucket(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(250 * time.Millisecond) // not on a whole second
	f := newFixture(t, Options{Rate: 2, Burst: 3, Clock: clock.Now}, testConns...)
	now := strconv.FormatInt(clock.Now().Unix(), 10)
	next := strconv.FormatInt(clock.Now().Unix()+1, 10) // 1 token at 2/s: 0.5 s, rounded up
	steps := []struct {
		name                     string
		status                   int
		limit, remaining, resets string
	}{
		{"first", 200, "3", "2", now},
		{"second", 200, "3", "1", now},
		{"last token", 200, "3", "0", next},
		{"empty", 429, "3", "0", next},
	}
	for _, s := range steps {
		got := f.api("GET", oktaPath, "")
		l, r, rs := rateHeaders(got)
		if got.status != s.status || l != s.limit || r != s.remaining || rs != s.resets {
			t.Errorf("%s: %d limit=%s remaining=%s reset=%s, want %d %s %s %s",
				s.name, got.status, l, r, rs, s.status, s.limit, s.remaining, s.resets)
		}
	}
	got := f.api("PATCH", oktaPath, `{"user_id_attribute":"x","mapping":[]}`)
	expect(t, got, 429, tooManyBody)
	if got.header.Get("Content-Type") != jsonContentType {
		t.Errorf("429 Content-Type %q", got.header.Get("Content-Type"))
	}
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "externalId" {
		t.Error("a 429 PATCH had an effect")
	}
	clock.Advance(500 * time.Millisecond) // continuous refill: one token
	expect(t, f.api("GET", oktaPath, ""), 200, "")
	expect(t, f.api("GET", oktaPath, ""), 429, tooManyBody)
	clock.Advance(10 * time.Second) // the bucket never holds more than its burst
	for range 3 {
		expect(t, f.api("GET", oktaPath, ""), 200, "")
	}
	expect(t, f.api("GET", oktaPath, ""), 429, "")
	st := f.tenant.Stats()
	if st.CountStatus(KindSCIMGet, 429) != 3 || st.CountStatus(KindSCIMUpdate, 429) != 1 {
		t.Errorf("stats %+v", st.Requests)
	}
}

func TestRateLimitAppliesToRejectedRequests(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Rate: 1, Burst: 2, Clock: clock.Now}, testConns...)
	f.tenant.AddStaticToken(StaticToken{Token: "weak", Scopes: []string{"read:connections"}})
	got := f.call("GET", oktaPath, "bad-token", "")
	if _, r, _ := rateHeaders(got); got.status != 401 || r != "1" {
		t.Errorf("401: %d remaining %s", got.status, r)
	}
	got = f.call("GET", oktaPath, "weak", "")
	if _, r, _ := rateHeaders(got); got.status != 403 || r != "0" {
		t.Errorf("403: %d remaining %s", got.status, r)
	}
	expect(t, f.api("GET", oktaPath, ""), 429, tooManyBody)
	expect(t, f.call("GET", oktaPath, "bad-token", ""), 401, invalidTokenBody) // 401 wins over 429
}

func TestUnlimitedHasNoRateHeaders(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	got := f.api("GET", oktaPath, "")
	if l, r, rs := rateHeaders(got); l+r+rs != "" {
		t.Errorf("headers without a bucket: %q %q %q", l, r, rs)
	}
}

func TestThrottle(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Rate: 100, Burst: 10, Clock: clock.Now}, testConns...)
	until := clock.Now().Add(2500 * time.Millisecond)
	f.tenant.Throttle(until)
	for _, tok := range []string{testToken, "unknown-token", ""} {
		got := f.call("GET", oktaPath, tok, "")
		_, r, rs := rateHeaders(got)
		if got.status != 429 || r != "0" || rs != strconv.FormatInt(until.Unix()+1, 10) {
			t.Errorf("token %q during storm: %d remaining=%s reset=%s", tok, got.status, r, rs)
		}
	}
	clock.Advance(2500 * time.Millisecond)
	expect(t, f.api("GET", oktaPath, ""), 200, "")
	recs := f.tenant.Requests()
	if !recs[0].Throttled || recs[len(recs)-1].Throttled {
		t.Errorf("Throttled flags: %+v", recs)
	}
}

func TestMaxRequestsIn(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now}, testConns...)
	for _, gap := range []time.Duration{0, 100, 100, 700, 50, 50, 2000} {
		clock.Advance(gap * time.Millisecond)
		f.api("GET", oktaPath, "")
	}
	// arrivals at 0, 100, 200, 900, 950, 1000, 3000 ms
	for window, want := range map[time.Duration]int{time.Second: 5, 200 * time.Millisecond: 3, time.Millisecond: 1, time.Hour: 7} {
		if got := f.tenant.MaxRequestsIn(window); got != want {
			t.Errorf("MaxRequestsIn(%v) = %d, want %d", window, got, want)
		}
	}
}

func TestHeaderBehaviourAndOddHeaders(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(250 * time.Millisecond)
	f := newFixture(t, Options{Rate: 2, Burst: 1, Clock: clock.Now, Headers: HeaderBehaviour{Omit: true, RetryAfter: true}}, testConns...)
	got := f.api("GET", oktaPath, "")
	if l, r, rs := rateHeaders(got); got.status != 200 || l+r+rs != "" {
		t.Errorf("Omit: %d with limit=%q remaining=%q reset=%q", got.status, l, r, rs)
	}
	got = f.api("GET", oktaPath, "")
	if l, r, rs := rateHeaders(got); got.status != 429 || l+r+rs != "" || got.header.Get("Retry-After") != "1" {
		t.Errorf("Omit, empty bucket: %d %v", got.status, got.header)
	}
	clock.Advance(time.Second)
	past := strconv.FormatInt(clock.Now().Unix()+1-10, 10) // the next token, 10 s early
	f.tenant.SetHeaders(HeaderBehaviour{}, OddHeaders{ResetShift: -10 * time.Second, ZeroRemaining: true, ZeroLimit: true})
	got = f.api("GET", oktaPath, "")
	if l, r, rs := rateHeaders(got); got.status != 200 || l != "0" || r != "0" || rs != past || got.header.Get("Retry-After") != "" {
		t.Errorf("odd headers: %d limit=%q remaining=%q reset=%q (want %s)", got.status, l, r, rs, past)
	}
}

func TestRateLimitWritesStorm(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(250 * time.Millisecond)
	f := newFixture(t, Options{Rate: 16, Burst: 50, Clock: clock.Now, Faults: Faults{RateLimitWrites: true}}, testConns...)
	expect(t, f.api("GET", oktaPath, ""), 200, "")
	for range 3 {
		got := f.api("PATCH", oktaPath, `{"user_id_attribute":"x","mapping":[]}`)
		expect(t, got, 429, tooManyBody)
		if l, r, rs := rateHeaders(got); l != "50" || r != "0" || rs != strconv.FormatInt(clock.Now().Unix()+1, 10) {
			t.Errorf("storm 429 headers limit=%s remaining=%s reset=%s", l, r, rs)
		}
	}
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "externalId" {
		t.Error("a stormed PATCH had an effect")
	}
}
