package emulator

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

// unix is the x-ratelimit-reset value of a time.
func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// step is one request and the answer it must get.
type step struct {
	name                    string
	path                    string
	status                  int
	limit, remaining, reset string
	group                   string // RequestRecord.Group
	advance                 time.Duration
}

// runSteps sends each step's GET after advancing the clock, and checks the
// answer's status, headers and the group logged.
func runSteps(t *testing.T, f *fixture, clock *fakeClock, steps []step) {
	t.Helper()
	for _, s := range steps {
		clock.Advance(s.advance)
		got := f.api("GET", s.path, "")
		l, r, rs := rateHeaders(got)
		recs := f.tenant.Requests()
		group := recs[len(recs)-1].Group
		if got.status != s.status || l != s.limit || r != s.remaining || (s.reset != "" && rs != s.reset) || group != s.group {
			t.Errorf("%s: %d limit=%s remaining=%s reset=%s group=%s, want %d %s %s %s %s",
				s.name, got.status, l, r, rs, group, s.status, s.limit, s.remaining, s.reset, s.group)
		}
	}
}

const listPath = "/api/v2/connections"

func TestConnectionsBucket(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now, Buckets: map[string]Bucket{
		GroupGlobal:      {Rate: 10, Burst: 3},
		GroupConnections: {Rate: 1, Burst: 2},
	}}, testConns...)
	runSteps(t, f, clock, []step{
		{name: "listing 1", path: listPath, status: 200, limit: "2", remaining: "1", group: GroupConnections},
		{name: "listing 2", path: listPath, status: 200, limit: "2", remaining: "0", group: GroupConnections},
		{name: "listing empty", path: listPath, status: 429, limit: "2", remaining: "0", group: GroupConnections},
		{name: "scim untouched", path: oktaPath, status: 200, limit: "3", remaining: "2", group: GroupGlobal},
		{name: "one connection: global", path: "/api/v2/connections/" + oktaConn.ID, status: 200, limit: "3", remaining: "1", group: GroupGlobal},
		{name: "listing refilled", path: listPath, status: 200, limit: "2", remaining: "0", group: GroupConnections, advance: time.Second},
	})
	f.tenant.SetBucket(GroupConnections, Bucket{}) // no bucket of its own: the listing draws on the global one
	runSteps(t, f, clock, []step{
		{name: "listing on global", path: listPath, status: 200, limit: "3", remaining: "2", group: GroupGlobal},
	})
}

func TestPerSecondRefill(t *testing.T) {
	clock := newFakeClock()
	clock.Advance(250 * time.Millisecond)
	start := clock.Now()
	f := newFixture(t, Options{Clock: clock.Now, Buckets: map[string]Bucket{
		GroupGlobal: {Rate: 2.5, Burst: 3, Refill: RefillPerSecond},
	}}, testConns...)
	next := unix(start.Add(time.Second)) // one step of 2.5 brings the next token
	ok := func(name, remaining string, advance time.Duration) step {
		return step{name: name, path: oktaPath, status: 200, limit: "3", remaining: remaining, group: GroupGlobal, advance: advance}
	}
	runSteps(t, f, clock, []step{
		ok("1", "2", 0), ok("2", "1", 0), ok("3", "0", 0),
		{name: "empty", path: oktaPath, status: 429, limit: "3", remaining: "0", reset: next, group: GroupGlobal},
		{name: "no step within the second", path: oktaPath, status: 429, limit: "3", remaining: "0", group: GroupGlobal, advance: 700 * time.Millisecond},
		ok("a step of 2.5 at the second", "1", 50*time.Millisecond),
		ok("then 0.5 left", "0", 0),
		{name: "half a token", path: oktaPath, status: 429, limit: "3", remaining: "0", group: GroupGlobal},
		ok("next step: 3 (capped)", "2", time.Second),
	})
}

func TestResetFull(t *testing.T) {
	for _, c := range []struct {
		name   string
		bucket Bucket
		reset  time.Duration // after taking every token, from a whole second
	}{
		{"continuous 1/s burst 5", Bucket{Rate: 1, Burst: 5, Reset: ResetFull}, 5 * time.Second},
		{"50/min burst 5", Bucket{Rate: 50.0 / 60, Burst: 5, Refill: RefillPerSecond, Reset: ResetFull}, 6 * time.Second},
		{"next token, 50/min", Bucket{Rate: 50.0 / 60, Burst: 5, Refill: RefillPerSecond}, 2 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := newFakeClock()
			f := newFixture(t, Options{Clock: clock.Now, Buckets: map[string]Bucket{GroupGlobal: c.bucket}}, testConns...)
			var got response
			for range c.bucket.Burst {
				got = f.api("GET", oktaPath, "")
			}
			if _, r, rs := rateHeaders(got); r != "0" || rs != unix(clock.Now().Add(c.reset)) {
				t.Errorf("last token: remaining %s reset %s, want 0 %s", r, rs, unix(clock.Now().Add(c.reset)))
			}
		})
	}
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now, Buckets: map[string]Bucket{GroupGlobal: {Rate: 1, Burst: 5, Reset: ResetFull}}}, testConns...)
	if _, _, rs := rateHeaders(f.api("GET", oktaPath, "")); rs != unix(clock.Now().Add(time.Second)) {
		t.Errorf("one token short of full: reset %s, want the next second", rs)
	}
}

func TestPlans(t *testing.T) {
	for name, want := range map[string]map[string]Bucket{
		"free":         {GroupGlobal: {Rate: 2, Burst: 2}},
		"Essentials":   {GroupGlobal: {Rate: 2.5, Burst: 10, Refill: RefillPerSecond}, GroupConnections: {Rate: 50.0 / 60, Burst: 5, Refill: RefillPerSecond}},
		"professional": PlanEssentials(),
		"enterprise":   {GroupGlobal: {Rate: 16, Burst: 50}},
	} {
		if got, err := Plan(name); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Plan(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := Plan("platinum"); err == nil {
		t.Error("Plan(platinum) did not fail")
	}
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now, Rate: 100, Burst: 100}, testConns...)
	f.tenant.ApplyPlan(PlanEssentials())
	runSteps(t, f, clock, []step{
		{name: "essentials api", path: oktaPath, status: 200, limit: "10", remaining: "9", group: GroupGlobal},
		{name: "essentials listing", path: listPath, status: 200, limit: "5", remaining: "4", group: GroupConnections},
	})
	f.tenant.ApplyPlan(PlanFree()) // the listing's own bucket goes
	runSteps(t, f, clock, []step{
		{name: "free listing", path: listPath, status: 200, limit: "2", remaining: "1", group: GroupGlobal},
	})
	f.tenant.SetRateLimit(0, 0)
	if l, r, rs := rateHeaders(f.api("GET", oktaPath, "")); l+r+rs != "" {
		t.Errorf("SetRateLimit(0, 0) left headers %q %q %q", l, r, rs)
	}
}

func TestUnknownGroupPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SetBucket on an unknown group did not panic")
		}
	}()
	New(Options{}).SetBucket("users", Bucket{Rate: 1, Burst: 1})
}

// TestClientsShareBuckets: every client draws on the tenant's buckets, and
// the log and Stats tell the clients apart.
func TestClientsShareBuckets(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now, Rate: 1, Burst: 3}, testConns...)
	f.tenant.AddStaticToken(StaticToken{Token: "other-token", Scopes: allScopes, Client: "other"})
	issued := f.tenant.issue("cid", allScopes).AccessToken
	for _, c := range []struct {
		token, client string
		status        int
	}{
		{testToken, staticClient, 200}, {"other-token", "other", 200}, {issued, "cid", 200},
		{"other-token", "other", 429}, {testToken, staticClient, 429}, {"unknown", "", 401},
	} {
		if got := f.call("GET", oktaPath, c.token, ""); got.status != c.status {
			t.Errorf("%s: status %d, want %d", c.client, got.status, c.status)
		}
		if recs := f.tenant.Requests(); recs[len(recs)-1].Client != c.client {
			t.Errorf("logged client %q, want %q", recs[len(recs)-1].Client, c.client)
		}
	}
	st := f.tenant.Stats()
	if st.CountClient("other") != 2 || st.CountClientStatus("other", 429) != 1 || st.CountClientStatus("cid", 200) != 1 ||
		st.CountClientStatus(staticClient, 429) != 1 || len(st.Clients) != 3 {
		t.Errorf("Stats.Clients = %v", st.Clients)
	}
}

func TestThrottleAndInjected429UseTheGroupsLimit(t *testing.T) {
	clock := newFakeClock()
	f := newFixture(t, Options{Clock: clock.Now, Buckets: PlanEssentials()}, testConns...)
	f.tenant.Throttle(clock.Now().Add(time.Second))
	for path, limit := range map[string]string{oktaPath: "10", listPath: "5"} {
		if l, r, _ := rateHeaders(f.api("GET", path, "")); l != limit || r != "0" {
			t.Errorf("storm on %s: limit %s remaining %s, want %s 0", path, l, r, limit)
		}
	}
	clock.Advance(time.Second)
	f.tenant.SetFaults(Faults{RateLimitedRate: 1})
	if got := f.api("GET", listPath, ""); got.status != 429 || got.header.Get("X-Ratelimit-Limit") != "5" {
		t.Errorf("injected 429 on the listing: %d limit %s", got.status, got.header.Get("X-Ratelimit-Limit"))
	}
}
