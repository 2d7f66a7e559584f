package auth0api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"golang.org/x/time/rate"
)

// MaxAnswerBytes caps how much of one answer the tool reads into memory. The
// largest legitimate answer, a page of 100 SCIM configurations, is far below.
const MaxAnswerBytes = 16 << 20

// Defaults of the transport, which the command line shows as its flags'
// defaults.
const (
	// DefaultAttemptTimeout bounds one attempt: far above any healthy
	// answer, short enough that a hung connection is retried.
	DefaultAttemptTimeout = 30 * time.Second
	// DefaultMaxRetries rides out a few minutes of 429s and 5xx.
	DefaultMaxRetries = 6
)

// TransportStats counts what the transport did. Progress output and tests
// read it; it never holds request contents.
type TransportStats struct {
	Attempts      atomic.Int64 // requests sent, retries included
	Retries       atomic.Int64
	RateLimited   atomic.Int64 // 429 answers
	Pauses        atomic.Int64 // times the tenant's bucket ran dry and every worker paused
	ServerErrors  atomic.Int64 // 5xx answers
	NetworkErrors atomic.Int64
}

// TransportOptions configures a Transport.
type TransportOptions struct {
	// RPS is the ceiling on requests per second for everything the transport
	// sends, retries included; 0 or less means no ceiling.
	RPS float64
	// MaxRetries is how many times one request is retried after a 429, a 5xx
	// or a network error before its failure is returned.
	MaxRetries int
	// AttemptTimeout bounds one attempt, including reading the answer.
	AttemptTimeout time.Duration
	// MaxPause caps one wait for the tenant's rate-limit reset, because Auth0
	// may announce a reset that is far later than needed.
	MaxPause time.Duration
	// BaseBackoff is the first retry's backoff; it doubles on every attempt.
	BaseBackoff time.Duration
	// MaxBackoff caps the exponential backoff.
	MaxBackoff time.Duration
	Logger     *slog.Logger
}

// Transport is the http.RoundTripper every Management API request of a run
// goes through, below go-auth0 (whose own retries are off). It owns the
// run's single rate limiter, pauses every worker when the tenant's bucket is
// empty, retries what is safe to retry, and refuses answers that cannot be
// Management API answers (redirects, oversized bodies).
type Transport struct {
	base    http.RoundTripper
	limiter *rate.Limiter
	gate    *gate
	opts    TransportOptions
	now     func() time.Time
	Stats   TransportStats
}

// NewTransport wraps base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper, opts TransportOptions) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	opts = withTransportDefaults(opts)
	limit := rate.Inf
	if opts.RPS > 0 {
		limit = rate.Limit(opts.RPS)
	}
	t := &Transport{base: base, opts: opts, now: time.Now}
	// A burst of one until the tenant announces its bucket (see adaptBurst).
	t.limiter = rate.NewLimiter(limit, 1)
	t.gate = &gate{now: t.now}
	return t
}

func withTransportDefaults(o TransportOptions) TransportOptions {
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.MaxPause <= 0 {
		o.MaxPause = 30 * time.Second
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// RoundTrip sends the request, retrying it as a whole (a PATCH carries the
// complete desired state, so repeating it is safe) until it succeeds, fails
// for good, or MaxRetries is spent.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	turn, release := turnContext(ctx)
	defer release()
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(ctx, turn, req, body)
		if !t.shouldRetry(ctx, resp, err) || attempt >= t.opts.MaxRetries {
			return resp, err
		}
		reason := retryReason(resp, err)
		wait := max(t.backoff(attempt), t.gate.remaining())
		t.Stats.Retries.Add(1)
		t.opts.Logger.Warn("retrying request", "method", req.Method, "path", req.URL.Path,
			"reason", reason, "attempt", attempt+1, "wait", wait.Round(time.Millisecond))
		discard(resp)
		if err := sleep(turn, wait); err != nil {
			// Sent before, so it may have taken effect: not "not sent".
			return nil, fmt.Errorf("%s, and the run stopped before the retry: %w", reason, err)
		}
	}
}

// turnContext is the context a request waits its turn under: the request's
// own, ended also by the first interrupt when the request carries one (a
// write), so that no write leaves after it.
func turnContext(ctx context.Context) (context.Context, context.CancelFunc) {
	stop := execute.StopOf(ctx)
	if stop == nil {
		return ctx, func() {}
	}
	turn, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-stop:
			cancel()
		case <-turn.Done():
		}
	}()
	return turn, cancel
}

// attempt sends one try, after the shared pause and the shared limiter. A
// wait ended by the run (an interrupt) means the request never left:
// execute.ErrNotSent.
func (t *Transport) attempt(ctx, turn context.Context, req *http.Request, body []byte) (*http.Response, error) {
	if err := t.gate.wait(turn); err != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	if err := t.limiter.Wait(turn); err != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	if turn.Err() != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, turn.Err())
	}
	actx, cancel := context.WithTimeout(ctx, t.opts.AttemptTimeout)
	r := req.Clone(actx)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	t.Stats.Attempts.Add(1)
	countAttempt(ctx)
	start := t.now()
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		t.Stats.NetworkErrors.Add(1)
		t.opts.Logger.Debug("request failed", "method", req.Method, "path", req.URL.Path, "error", err)
		return nil, err
	}
	t.opts.Logger.Debug("request", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode,
		"duration", t.now().Sub(start).Round(time.Millisecond))
	t.observe(resp)
	resp.Body = &cancelOnClose{ReadCloser: limitBody(resp.Body), cancel: cancel}
	if err := refuseUnexpected(resp); err != nil {
		discard(resp)
		return nil, err
	}
	return resp, nil
}

// observe reads the tenant's rate-limit headers: when the bucket is empty
// (a 429, or x-ratelimit-remaining: 0) every worker pauses until the
// announced reset.
func (t *Transport) observe(resp *http.Response) {
	t.adaptBurst(resp.Header)
	if resp.StatusCode >= 500 {
		t.Stats.ServerErrors.Add(1)
	}
	limited := resp.StatusCode == http.StatusTooManyRequests
	if limited {
		t.Stats.RateLimited.Add(1)
	}
	if !limited && resp.Header.Get("X-Ratelimit-Remaining") != "0" {
		return
	}
	until := t.resetTime(resp.Header)
	t.Stats.Pauses.Add(1)
	t.opts.Logger.Info("tenant rate limit reached, pausing all workers",
		"status", resp.StatusCode, "until", until.UTC().Format(time.RFC3339Nano))
	t.gate.pauseUntil(until)
}

// adaptBurst lets the limiter use half of the bucket the tenant announces
// (x-ratelimit-limit), never more than one second's worth of --rps: requests
// saved up while the run waited (a sequential listing, say) can then go at
// once, as the tenant allows, and the other half of its bucket stays free
// for timing jitter and other clients of the tenant.
func (t *Transport) adaptBurst(h http.Header) {
	limit, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Limit")))
	if err != nil || limit < 2 || t.opts.RPS <= 0 {
		return
	}
	burst := max(1, min(limit/2, int(t.opts.RPS)))
	if burst != t.limiter.Burst() {
		t.limiter.SetBurst(burst)
	}
}

// Pace is the rate, in requests per second, the transport sends at now.
func (t *Transport) Pace() float64 { return float64(t.limiter.Limit()) }

// Burst is the limiter's current burst, for tests and benchmarks.
func (t *Transport) Burst() int { return t.limiter.Burst() }

// resetTime is when the tenant's bucket has room again: the announced
// x-ratelimit-reset (Unix seconds), at least a short minimum so a reset of
// "now" does not make workers spin, at most MaxPause, plus jitter so paused
// workers do not all wake in the same instant.
func (t *Transport) resetTime(h http.Header) time.Time {
	now := t.now()
	const minPause = 250 * time.Millisecond
	wait := minPause
	if secs, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-Ratelimit-Reset")), 10, 64); err == nil {
		if d := time.Unix(secs, 0).Sub(now); d > wait {
			wait = d
		}
	}
	wait = min(wait, t.opts.MaxPause)
	return now.Add(wait + jitter(wait/10+50*time.Millisecond))
}

// shouldRetry is the one place that decides what is retried: 429, 408, 5xx
// and network errors, never a cancelled run or a refused answer.
func (t *Transport) shouldRetry(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		return classify(err) == meaningRetry
	}
	return classifyAnswer(resp.StatusCode, "") == meaningRetry
}

// backoff is the wait before retry number attempt+1: exponential with jitter,
// and for a 429 the pause already set on the gate covers the rest.
func (t *Transport) backoff(attempt int) time.Duration {
	d := t.opts.BaseBackoff << min(attempt, 16)
	d = min(d, t.opts.MaxBackoff)
	// Jitter over the upper half keeps retries of many workers apart while
	// still growing.
	return d/2 + jitter(d/2)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

func retryReason(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// requestBody reads the request body once so every attempt can resend it.
func requestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return b, nil
}

// discard drains and closes an answer that will not be used, so its
// connection can be reused.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// cancelOnClose ends an attempt's context only when its answer has been
// read, so the per-attempt timeout covers reading the body too.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
