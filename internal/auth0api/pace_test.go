package auth0api

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"

	"github.com/scim-migrate/scim-migrate/internal/pacer"
)

// loggedTransport is fastTransport whose log is kept.
func loggedTransport(maxRetries int) (*Transport, *bytes.Buffer) {
	return loggedTransportOn(maxRetries, nil)
}

// loggedTransportOn is loggedTransport on clock (nil: the real one).
func loggedTransportOn(maxRetries int, clock pacer.Clock) (*Transport, *bytes.Buffer) {
	var log bytes.Buffer
	tr := NewTransport(nil, TransportOptions{MaxRetries: maxRetries, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
		MaxPause: time.Second, Clock: clock, Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	return tr, &log
}

func TestTransport_retryAfterIsHonouredAndItsCapSaid(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){
		status(429, `{"statusCode":429}`, "Retry-After", "3600"),
		status(200, `{}`),
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr, log := loggedTransport(3)
	before := time.Now()
	resp, err := send(t, tr, srv.URL, http.MethodPatch, `{}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if waited := time.Since(before); waited < 900*time.Millisecond {
		t.Errorf("the retry went %v after Retry-After: 3600, capped at 1s", waited)
	}
	out := log.String()
	for _, want := range []string{"level=INFO", "cause=Retry-After", "announced=1h0m0s", "capped_by=", "wait="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "wait=0s") {
		t.Errorf("the retry's log says it did not wait:\n%s", out)
	}
}

// TestTransport_bare429BacksOff: a 429 without any rate-limit header still
// pauses the request and the others of its group, and the log says how long.
func TestTransport_bare429BacksOff(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){status(429, `{"statusCode":429}`), status(200, `{}`)}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	// The pause is waited on a fake clock, which says how long it was.
	clock := newStepClock()
	tr, log := loggedTransportOn(3, clock)
	before := clock.Now()
	if _, err := send(t, tr, srv.URL, http.MethodGet, ""); err != nil {
		t.Fatal(err)
	}
	if waited := clock.Now().Sub(before); waited < 900*time.Millisecond {
		t.Errorf("the retry went %v after a bare 429", waited)
	}
	if out := log.String(); !strings.Contains(out, "cause=\"backoff (no wait announced)\"") || strings.Contains(out, "wait=0s") {
		t.Errorf("log:\n%s", out)
	}
}

// TestTransport_resetInThePastIsNow: a pause for an empty bucket whose reset
// is already past is the shortest one, and the next request goes when it
// ends.
func TestTransport_resetInThePastIsNow(t *testing.T) {
	t.Parallel()
	// The pauses are waited on a fake clock, which says how long they were.
	clock := newStepClock()
	past := fmt.Sprint(clock.Now().Add(-time.Hour).Unix())
	s := &scripted{answers: []func(http.ResponseWriter){status(200, `{}`, "X-Ratelimit-Limit", "10", "X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", past)}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr, _ := loggedTransportOn(0, clock)
	before := clock.Now()
	for range 4 {
		if _, err := send(t, tr, srv.URL, http.MethodGet, ""); err != nil {
			t.Fatal(err)
		}
	}
	if took := clock.Now().Sub(before); took > 2*time.Second {
		t.Errorf("4 requests took %v on a tenant announcing resets in the past", took)
	}
	if st := tr.PaceStatus(); st.Rate < 1 {
		t.Errorf("status %+v: the pace sent is more than a request a second", st)
	}
}

// statusError is a Management API error of the given status.
type statusError int

func (e statusError) Status() int { return int(e) }
func (e statusError) Error() string {
	return fmt.Sprintf("%d %s: refused", int(e), http.StatusText(int(e)))
}

// TestUncertain_429NeverApplies: a write whose last attempt was answered
// 429 failed; one answered 5xx may have taken effect.
func TestUncertain_429NeverApplies(t *testing.T) {
	t.Parallel()
	if uncertain(statusError(429), plan.ActionUpdate) || uncertain(statusError(429), plan.ActionCreate) {
		t.Error("a 429 taken for a write that may have applied")
	}
	if !uncertain(statusError(503), plan.ActionUpdate) {
		t.Error("a 503 taken for a write that did not apply")
	}
}
