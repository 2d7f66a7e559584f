package emulator

import (
	"slices"
	"testing"
	"time"
)

func TestProfiles_namedAndDistinct(t *testing.T) {
	names := ProfileNames()
	if names[0] != "bundled" {
		t.Errorf("the default profile is %q, want bundled first", names[0])
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(names) {
		t.Errorf("profile names repeat: %v", names)
	}
	if _, err := WithProfile("nosuch", Options{}); err == nil {
		t.Error("an unknown profile was accepted")
	}
	for _, p := range Profiles() {
		if p.About == "" {
			t.Errorf("profile %s says nothing of itself", p.Name)
		}
	}
}

// TestProfiles_keepWhatTheyDoNotChoose: a profile makes its choices and
// keeps the rest of the options (rate limits, latency).
func TestProfiles_keepWhatTheyDoNotChoose(t *testing.T) {
	o, err := WithProfile("strict", Options{Rate: 16, Burst: 50, Latency: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if b := o.Buckets[GroupGlobal]; b.Rate != 16 || b.Burst != 50 || b.Reset != ResetFull {
		t.Errorf("strict's global bucket: %+v, want 16/s, burst 50, reset when full", b)
	}
	if !o.Listing.OwnCursorsOnly || o.Listing.PageCap != 50 || o.Latency != time.Millisecond {
		t.Errorf("strict: %+v", o)
	}
	o, _ = WithProfile("strict", Options{Buckets: PlanEssentials()})
	for g, b := range o.Buckets {
		if b.Reset != ResetFull || b.Rate == 0 {
			t.Errorf("strict's %s bucket: %+v", g, b)
		}
	}
}

// TestRevokeEvery: every RevokeEvery-th API request finds every access
// token issued before it revoked; a token issued after works until the next.
func TestRevokeEvery(t *testing.T) {
	f := newFixture(t, Options{RevokeEvery: 3})
	first := f.tenant.issue("cid", allScopes).AccessToken
	expect(t, f.call("GET", "/api/v2/connections", first, ""), 200, "")
	expect(t, f.call("GET", "/api/v2/connections", first, ""), 200, "")
	expect(t, f.call("GET", "/api/v2/connections", first, ""), 401, invalidTokenBody)
	second := f.tenant.issue("cid", allScopes).AccessToken
	expect(t, f.call("GET", "/api/v2/connections", second, ""), 200, "")
	expect(t, f.call("GET", "/api/v2/connections", second, ""), 200, "")
	expect(t, f.call("GET", "/api/v2/connections", second, ""), 401, invalidTokenBody)
}
