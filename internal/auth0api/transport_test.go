package auth0api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers the i-th request with answers[i] (the last one repeats)
// and records the bodies it received.
type scripted struct {
	answers []func(w http.ResponseWriter)
	calls   atomic.Int32
	bodies  chan string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	select {
	case s.bodies <- string(b):
	default:
	}
	i := int(s.calls.Add(1)) - 1
	s.answers[min(i, len(s.answers)-1)](w)
}

func status(code int, body string, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func fastTransport(max int) *Transport {
	return NewTransport(nil, TransportOptions{MaxRetries: max, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxPause: time.Second})
}

// steppedTransport is fastTransport on a stepClock: the pauses a 5xx
// brings on are waited in full, on the fake clock, in no real time. For
// tests that send one request at a time and measure no wait.
func steppedTransport(max int) *Transport {
	return NewTransport(nil, TransportOptions{MaxRetries: max, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxPause: time.Second, Clock: newStepClock()})
}

func send(t *testing.T, tr *Transport, url, method, body string) (*http.Response, error) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := tr.RoundTrip(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestTransport_retriesServerErrorsWithTheSameBody(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){status(503, `{}`), status(502, `{}`), status(200, `{"ok":true}`)}, bodies: make(chan string, 10)}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := steppedTransport(5)
	resp, err := send(t, tr, srv.URL, http.MethodPatch, `{"user_id_attribute":"x","mapping":[]}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if s.calls.Load() != 3 || tr.Stats.Retries.Load() != 2 {
		t.Fatalf("calls %d retries %d", s.calls.Load(), tr.Stats.Retries.Load())
	}
	for range 3 {
		if b := <-s.bodies; b != `{"user_id_attribute":"x","mapping":[]}` {
			t.Fatalf("a retry sent body %q", b)
		}
	}
}

func TestTransport_givesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){status(500, `{"statusCode":500}`)}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := send(t, steppedTransport(2), srv.URL, http.MethodGet, "")
	if err != nil || resp.StatusCode != 500 || s.calls.Load() != 3 {
		t.Fatalf("status %v err %v calls %d", resp, err, s.calls.Load())
	}
}

func TestTransport_doesNotRetryClientErrors(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){status(400, `{"statusCode":400}`)}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := send(t, fastTransport(5), srv.URL, http.MethodGet, "")
	if err != nil || resp.StatusCode != 400 || s.calls.Load() != 1 {
		t.Fatalf("status %v err %v calls %d", resp, err, s.calls.Load())
	}
}

func TestTransport_429PausesEveryWorkerUntilReset(t *testing.T) {
	t.Parallel()
	reset := strconv.FormatInt(time.Now().Unix(), 10) // "now": must not make workers spin
	s := &scripted{answers: []func(http.ResponseWriter){
		status(429, `{"statusCode":429}`, "X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", reset),
		status(200, `{}`),
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := fastTransport(3)
	before := time.Now()
	resp, err := send(t, tr, srv.URL, http.MethodGet, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v err %v", resp, err)
	}
	if tr.Stats.RateLimited.Load() != 1 || tr.Stats.Pauses.Load() != 1 {
		t.Fatalf("rate limited %d pauses %d", tr.Stats.RateLimited.Load(), tr.Stats.Pauses.Load())
	}
	// The pause has a floor even for a reset of "now", so the retry waited.
	if waited := time.Since(before); waited < 200*time.Millisecond {
		t.Fatalf("the retry went %v after a 429 with a reset of now; want a pause of at least 250ms", waited)
	}
}

func TestTransport_remainingZeroPausesWithoutRetrying(t *testing.T) {
	t.Parallel()
	s := &scripted{answers: []func(http.ResponseWriter){status(200, `{}`, "X-Ratelimit-Limit", "10", "X-Ratelimit-Remaining", "0", "X-Ratelimit-Reset", "0")}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := fastTransport(3)
	if _, err := send(t, tr, srv.URL, http.MethodGet, ""); err != nil {
		t.Fatal(err)
	}
	if s.calls.Load() != 1 || tr.Stats.Pauses.Load() != 1 {
		t.Fatalf("calls %d pauses %d", s.calls.Load(), tr.Stats.Pauses.Load())
	}
}

func TestTransport_refusesRedirectsAndNonJSON(t *testing.T) {
	t.Parallel()
	for name, answer := range map[string]func(http.ResponseWriter){
		"redirect to another host": status(302, "", "Location", "https://evil.example/steal"),
		"html page":                status(200, "<html>captive portal</html>", "Content-Type", "text/html"),
	} {
		t.Run(name, func(t *testing.T) {
			s := &scripted{answers: []func(http.ResponseWriter){answer}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			_, err := send(t, fastTransport(3), srv.URL, http.MethodGet, "")
			var refused *RefusedAnswerError
			if !errors.As(err, &refused) || s.calls.Load() != 1 {
				t.Fatalf("err %v calls %d", err, s.calls.Load())
			}
		})
	}
}

func TestTransport_capsAnswerSize(t *testing.T) {
	t.Parallel()
	big := `{"x":"` + strings.Repeat("a", MaxAnswerBytes) + `"}`
	srv := httptest.NewServer(&scripted{answers: []func(http.ResponseWriter){status(200, big)}})
	defer srv.Close()
	resp, err := send(t, fastTransport(0), srv.URL, http.MethodGet, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil || !strings.Contains(err.Error(), "16 MiB limit") {
		t.Fatalf("read err = %v", err)
	}
}

func TestTransport_cancelEndsTheWait(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&scripted{answers: []func(http.ResponseWriter){status(503, `{}`)}})
	defer srv.Close()
	tr := NewTransport(nil, TransportOptions{MaxRetries: 5, BaseBackoff: time.Hour, MaxBackoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	done := make(chan error, 1)
	go func() {
		_, err := tr.RoundTrip(req)
		done <- err
	}()
	for tr.Stats.Retries.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSendRate(t *testing.T) {
	t.Parallel()
	var s sendRate
	t0 := time.Unix(1000, 0)
	if s.rate(t0) != 0 {
		t.Fatal("no sends, no rate")
	}
	for i := range 20 {
		s.add(t0.Add(time.Duration(i) * 100 * time.Millisecond)) // 10 a second for 2 s
	}
	if r := s.rate(t0.Add(2 * time.Second)); r < 9 || r > 11 {
		t.Errorf("rate %.2f, want about 10", r)
	}
	if r := s.rate(t0.Add(time.Minute)); r != 0 {
		t.Errorf("rate %.2f long after the last send", r)
	}
}
