package emulator

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const patchBody = `{"user_id_attribute":"userName","mapping":[{"scim":"userName","auth0":"email"}]}`

func TestServerErrors(t *testing.T) {
	f := newFixture(t, Options{Faults: Faults{Seed: 1, ServerErrorRate: 1}}, testConns...)
	seen := map[int]bool{}
	for range 60 {
		got := f.api("GET", oktaPath, "")
		seen[got.status] = true
		ct := got.header.Get("Content-Type")
		switch {
		case got.status == 524:
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(got.body), "Error code 524") {
				t.Errorf("524: %s %s", ct, got.body)
			}
		case got.status >= 500:
			m := got.json(t)
			if ct != jsonContentType || int(m["statusCode"].(float64)) != got.status {
				t.Errorf("%d: %s %s", got.status, ct, got.body)
			}
		default:
			t.Fatalf("status %d with ServerErrorRate 1", got.status)
		}
	}
	for _, s := range []int{500, 502, 503, 504, 524} {
		if !seen[s] {
			t.Errorf("status %d never injected in 60 requests", s)
		}
	}
	if n := f.tenant.Stats().Count(KindSCIMGet); n != 60 {
		t.Errorf("counted %d", n)
	}
}

// statusSequence replays the same requests against a fresh tenant.
func statusSequence(t *testing.T, faults Faults) []int {
	f := newFixture(t, Options{Faults: faults}, testConns...)
	var out []int
	for range 200 {
		out = append(out, f.api("GET", oktaPath, "").status)
	}
	return out
}

func TestFaultsAreDeterministic(t *testing.T) {
	faults := Faults{Seed: 42, ServerErrorRate: 0.2, RateLimitedRate: 0.1}
	a, b := statusSequence(t, faults), statusSequence(t, faults)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different faults")
	}
	faults.Seed = 43
	if slices.Equal(statusSequence(t, faults), a) {
		t.Error("different seeds, same faults")
	}
	errs, limited := 0, 0
	for _, s := range a {
		switch {
		case s >= 500:
			errs++
		case s == 429:
			limited++
		}
	}
	if errs < 20 || errs > 60 || limited < 8 || limited > 35 {
		t.Errorf("200 requests: %d 5xx (rate 0.2), %d 429 (rate 0.1)", errs, limited)
	}
}

func TestServerErrorAfterWrite(t *testing.T) {
	for _, tc := range []struct {
		share   float64
		applied bool
	}{{1, true}, {0, false}} {
		f := newFixture(t, Options{Faults: Faults{ServerErrorRate: 1, AfterWriteShare: tc.share}}, testConns...)
		got := f.api("PATCH", oktaPath, patchBody)
		if got.status < 500 {
			t.Fatalf("status %d", got.status)
		}
		cfg, _ := f.tenant.SCIMConfig(oktaConn.ID)
		if (cfg.UserIDAttribute == "userName") != tc.applied {
			t.Errorf("AfterWriteShare %v: applied=%v", tc.share, !tc.applied)
		}
		if n := f.tenant.Stats().Writes[oktaConn.ID]; (n == 1) != tc.applied {
			t.Errorf("AfterWriteShare %v: Writes=%d", tc.share, n)
		}
	}
}

// noReuseClient opens a connection per request, so that Go's transport never
// silently retries a request on a dropped, reused connection.
func noReuseClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestDrop(t *testing.T) {
	for _, tc := range []struct {
		share   float64
		applied bool
	}{{1, true}, {0, false}} {
		f := newFixture(t, Options{Faults: Faults{DropRate: 1, AfterWriteShare: tc.share}}, testConns...)
		req, _ := http.NewRequest("PATCH", f.srv.URL+oktaPath, strings.NewReader(patchBody))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := noReuseClient().Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("answered %d, want a dropped connection", resp.StatusCode)
		}
		cfg, _ := f.tenant.SCIMConfig(oktaConn.ID)
		if (cfg.UserIDAttribute == "userName") != tc.applied {
			t.Errorf("AfterWriteShare %v: effect=%v", tc.share, !tc.applied)
		}
		recs := f.tenant.Requests()
		if len(recs) != 1 || !recs[0].Dropped || recs[0].Status != 0 || f.tenant.Stats().CountStatus(KindSCIMUpdate, 0) != 1 {
			t.Errorf("log %+v", recs)
		}
	}
}

func TestInjected429(t *testing.T) {
	f := newFixture(t, Options{Rate: 50, Burst: 10, Faults: Faults{RateLimitedRate: 1}}, testConns...)
	got := f.api("PATCH", oktaPath, patchBody)
	expect(t, got, 429, tooManyBody)
	if l, r, rs := rateHeaders(got); l != "10" || r != "0" || rs == "" {
		t.Errorf("headers %s %s %s", l, r, rs)
	}
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "externalId" {
		t.Error("injected 429 had an effect")
	}
}

func TestFailWrites(t *testing.T) {
	f := newFixture(t, Options{Faults: Faults{FailWrites: []string{oktaConn.ID, waadConn.ID}}}, testConns...)
	expect(t, f.api("PATCH", oktaPath, patchBody), 500, `{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}`)
	expect(t, f.api("DELETE", waadPath, ""), 500, "")
	expect(t, f.api("GET", oktaPath, ""), 200, "")
	expect(t, f.api("POST", samlPath, "{}"), 201, "")
	f.tenant.SetFaults(Faults{FailWrites: []string{samlConn.ID}, FailStatus: 503})
	expect(t, f.api("PATCH", samlPath, patchBody), 503, `{"statusCode":503,"error":"Service Unavailable","message":"Service Unavailable"}`)
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "externalId" {
		t.Error("failed write had an effect")
	}
	if _, ok := f.tenant.SCIMConfig(waadConn.ID); !ok {
		t.Error("failed delete had an effect")
	}
	if w := f.tenant.Stats().Writes; w[oktaConn.ID]+w[waadConn.ID] != 0 || w[samlConn.ID] != 1 {
		t.Errorf("Writes %v", w)
	}
}

func TestSlowRequestClientGivesUp(t *testing.T) {
	f := newFixture(t, Options{Faults: Faults{SlowRate: 1, SlowLatency: time.Minute}}, testConns...)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "PATCH", f.srv.URL+oktaPath, strings.NewReader(patchBody))
	req.Header.Set("Authorization", "Bearer "+testToken)
	_, err := f.srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	waitFor(t, func() bool { return f.tenant.Stats().CountStatus(KindSCIMUpdate, statusClientGone) == 1 })
	if cfg, _ := f.tenant.SCIMConfig(oktaConn.ID); cfg.UserIDAttribute != "externalId" {
		t.Error("abandoned request had an effect")
	}
}

// waitFor polls a condition that another goroutine makes true (no fixed sleeps).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
