package auth0api

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"golang.org/x/oauth2"
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
	Pauses        atomic.Int64 // times the tenant's bucket ran dry and every request paused
	ServerErrors  atomic.Int64 // 5xx answers
	NetworkErrors atomic.Int64
}

// TransportOptions configures a Transport.
type TransportOptions struct {
	// RPS is the ceiling on requests per second for everything the transport
	// sends, retries included; 0 means no ceiling: the pace is learned from
	// the tenant's answers alone (--rps auto).
	RPS float64
	// Reserve is the share of the tenant's bucket left unspent for its other
	// clients; 0 means pacer.DefaultReserve, a negative value none.
	Reserve float64
	// MaxRetries is how many times one request is retried after a 429, a 5xx
	// or a network error before its failure is returned.
	MaxRetries int
	// AttemptTimeout bounds one attempt, including reading the answer.
	AttemptTimeout time.Duration
	// MaxPause caps one wait for the tenant's rate-limit reset or
	// Retry-After, because Auth0 may announce a reset that is far later than
	// needed; the log says when it shortened one.
	MaxPause time.Duration
	// BaseBackoff is the first retry's backoff; it doubles on every attempt.
	BaseBackoff time.Duration
	// MaxBackoff caps the exponential backoff.
	MaxBackoff time.Duration
	Logger     *slog.Logger
	// Unpaced sends without waiting for a pace (the token endpoint).
	Unpaced bool
	// Clock is the source of time of everything the transport waits for or
	// measures: the pacer's turns, backoffs, send times, the access token's
	// age (nil: the real clock). Tests give a fake one so that minutes of
	// pauses and backoffs take no real time.
	Clock pacer.Clock
}

// Transport is the http.RoundTripper every Management API request of a run
// goes through, below go-auth0 (whose own retries are off). Its pacer
// decides when each request may leave, learning the tenant's rate limit
// from every answer; it retries what is safe to retry, and refuses answers
// that cannot be Management API answers (redirects, oversized bodies).
type Transport struct {
	base  http.RoundTripper
	pacer *pacer.Pacer
	opts  TransportOptions
	clock pacer.Clock
	sends sendRate
	// auth, when set, gives each attempt its access token (see
	// accessTokens); the Client sets it.
	auth  *accessTokens
	Stats TransportStats
}

// NewTransport wraps base (http.DefaultTransport when nil).
func NewTransport(base http.RoundTripper, opts TransportOptions) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	opts = withTransportDefaults(opts)
	t := &Transport{base: base, opts: opts, clock: opts.Clock}
	t.pacer = pacer.New(pacer.Options{Ceiling: opts.RPS, Reserve: opts.Reserve, MaxWait: opts.MaxPause, Clock: opts.Clock, OnPause: t.paused})
	return t
}

func withTransportDefaults(o TransportOptions) TransportOptions {
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.MaxPause <= 0 {
		o.MaxPause = pacer.DefaultMaxWait
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
	if o.Clock == nil {
		o.Clock = pacer.System
	}
	return o
}

// now is the transport's clock's time.
func (t *Transport) now() time.Time { return t.clock.Now() }

// noteworthyPause is how long a pause on an empty bucket must last to be
// logged at info level: a per-minute bucket, refilled in steps once a
// second, is followed by emptying it at each step and waiting for the next,
// which is the pace working, not news. Every pause longer than that, and
// every pause after a 429, is.
const noteworthyPause = time.Second

// paused logs one line per pause of the run, whatever the number of
// requests that wait through it, with its cause: at info level for a 429 or
// a wait longer than a second (saying so when MaxPause shortened what the
// tenant announced), at debug level for a short wait on an empty bucket.
func (t *Transport) paused(p pacer.Pause) {
	t.Stats.Pauses.Add(1)
	level := slog.LevelDebug
	if p.Reason != pacer.ReasonEmpty || p.Length > noteworthyPause {
		level = slog.LevelInfo
	}
	attrs := []any{"bucket", p.Group, "reason", p.Reason, "cause", p.Cause, "for", p.Length.Round(time.Millisecond),
		"until", p.Until.UTC().Format(time.RFC3339Nano)}
	switch {
	case p.Capped():
		attrs = append(attrs, "announced", p.Announced.Round(time.Second), "capped_by", "the longest pause ("+t.opts.MaxPause.String()+")")
	case p.ByModel:
		attrs = append(attrs, "announced", p.Announced.Round(time.Second), "ended_by", "the learned refill's next token")
	}
	t.opts.Logger.Log(context.Background(), level, "the tenant's rate limit is reached; every request waits", attrs...)
}

// Pace is the rate, in requests per second, the transport sends at now:
// what the pacer learned, or what it was seen to send over the last few
// seconds when that is more (a bucket that never runs low hides its refill
// from the pacer); 0 while nothing is known.
func (t *Transport) Pace() float64 {
	return max(t.pacer.Snapshot().Rate, t.sends.rate(t.now()))
}

// PaceStatus says how the transport paces now, for the status line: what
// callers wait for, and as Rate the pace actually sent over the last few
// seconds (what the pacer learned may be far from what leaves, during
// pauses or below a bucket that never runs low); the learned pace only
// before two requests were sent in that window.
func (t *Transport) PaceStatus() pacer.Status {
	st := t.pacer.Snapshot()
	if sent := t.sends.rate(t.now()); sent > 0 || st.Waiting != "" {
		st.Rate = sent
	}
	return st
}

// RoundTrip sends the request, retrying it as a whole (a PATCH carries the
// complete desired state, so repeating it is safe) until it succeeds, fails
// for good, or MaxRetries is spent. An answer 401 to a renewable token
// renews it and resends the request at once, without counting an attempt
// (a 401 never takes effect, so even a send-once request may be resent),
// unless the token was renewed for that very attempt: a fresh token refused
// is returned as it is, and is fatal.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	turn, release := turnContext(ctx)
	defer release()
	renewed := false
	mayHaveApplied := "" // why an earlier attempt may have taken effect
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(firstSend(ctx, attempt), turn, req, body)
		if !renewed && t.refusedToken(resp) {
			if err = t.renewToken(turn, req, resp); err == nil {
				renewed = true
				attempt--
				continue
			}
			resp = nil
		}
		renewed = false
		if mayHaveApplied != "" && errors.Is(err, execute.ErrNotSent) {
			// This retry never left, but an earlier attempt did and may
			// have taken effect: never "not sent".
			return nil, stoppedBeforeRetry(mayHaveApplied, "", context.Canceled)
		}
		if !t.shouldRetry(ctx, resp, err) || attempt >= t.opts.MaxRetries {
			return resp, err
		}
		reason := retryReason(resp, err)
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			mayHaveApplied = reason // a 429 refuses a request before it does anything
		}
		backoff, wait := t.retryWait(attempt, req, resp)
		t.Stats.Retries.Add(1)
		t.opts.Logger.Warn("retrying request", "method", req.Method, "path", req.URL.Path,
			"reason", reason, "attempt", attempt+1, "wait", wait.Round(time.Millisecond))
		discard(resp)
		if err := t.sleep(turn, backoff); err != nil {
			return nil, stoppedBeforeRetry(mayHaveApplied, reason, err)
		}
	}
}

// stoppedBeforeRetry is a request whose retry the run stopped before it
// left. When an earlier attempt may have taken effect (mayHaveApplied says
// why) it is uncertain; after only 429s, which do nothing, it was not sent.
func stoppedBeforeRetry(mayHaveApplied, reason string, err error) error {
	if mayHaveApplied == "" {
		return fmt.Errorf("%w: %s, and the run stopped before the retry: %w", execute.ErrNotSent, reason, err)
	}
	return fmt.Errorf("%s, and the run stopped before the retry: %w", mayHaveApplied, err)
}

// firstSend keeps the check of a write's read (execute.CheckSend) for its
// first attempt: a retry follows a send that may have taken effect, so it
// goes whatever its read's age.
func firstSend(ctx context.Context, attempt int) context.Context {
	if attempt == 0 {
		return ctx
	}
	return execute.WithSendCheck(ctx, nil)
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

// errStopped is a turn refused because the run was interrupted.
var errStopped = errors.New("the run was interrupted")

// turnTaken is checked synchronously at the moment a request's turn is
// granted, right before it leaves: the first interrupt (read from the stop
// channel itself, not from turn, which turnContext's goroutine cancels only
// once it runs, after a free turn may already have been granted) or the
// end of the wait.
func turnTaken(ctx, turn context.Context) error {
	select {
	case <-execute.StopOf(ctx): // nil for a request that carries none: never ready
		return errStopped
	default:
		return turn.Err()
	}
}

// attempt sends one try, after the shared pause and the shared limiter. A
// wait ended by the run (an interrupt) means the request never left:
// execute.ErrNotSent.
func (t *Transport) attempt(ctx, turn context.Context, req *http.Request, body []byte) (*http.Response, error) {
	group := rateGroup(req)
	if err := t.wait(turn, group); err != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	tok, err := t.token(turn)
	if err != nil {
		return nil, err
	}
	if err := turnTaken(ctx, turn); err != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	// The moment the request leaves: a write whose read is too old by now
	// does not (execute.ErrStale), and the run reads it again.
	if err := execute.CheckSend(ctx); err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, t.opts.AttemptTimeout)
	r := req.Clone(actx)
	if tok != nil {
		tok.SetAuthHeader(r)
	}
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	t.Stats.Attempts.Add(1)
	countAttempt(ctx)
	sent := t.now()
	t.sends.add(sent)
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		cancel()
		t.Stats.NetworkErrors.Add(1)
		t.opts.Logger.Debug("request failed", "method", req.Method, "path", req.URL.Path, "error", err)
		return nil, err
	}
	t.opts.Logger.Debug("request", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode,
		"duration", t.now().Sub(sent).Round(time.Millisecond))
	t.observe(group, resp, sent)
	redactAnswer(r, body, resp) // r carries the access token this attempt was sent with
	resp.Body = &cancelOnClose{ReadCloser: limitBody(resp.Body), cancel: cancel}
	if err := refuseUnexpected(resp); err != nil {
		discard(resp)
		return nil, err
	}
	return resp, nil
}

// token is the access token an attempt is sent with (nil when the
// transport does not authenticate: the token transport). A wait for it
// ended by the run means the request never left.
func (t *Transport) token(turn context.Context) (*oauth2.Token, error) {
	if t.auth == nil {
		return nil, nil
	}
	tok, err := t.auth.Token(turn)
	if err != nil && turn.Err() != nil {
		return nil, fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	return tok, err
}

// refusedToken reports an answer 401 to a token that can be renewed.
func (t *Transport) refusedToken(resp *http.Response) bool {
	return resp != nil && resp.StatusCode == http.StatusUnauthorized && t.auth != nil && t.auth.renewable()
}

// renewToken drops the token the tenant refused (expired or revoked before
// the time it announced), so that the next attempt is sent with a new one.
func (t *Transport) renewToken(turn context.Context, req *http.Request, resp *http.Response) error {
	refused := ""
	if resp.Request != nil {
		_, refused, _ = strings.Cut(resp.Request.Header.Get("Authorization"), " ")
	}
	discard(resp)
	t.opts.Logger.Debug("the tenant refused the access token; resending the request with a new one",
		"method", req.Method, "path", req.URL.Path, "status", resp.Status)
	_, err := t.auth.Renew(turn, refused)
	if err != nil && turn.Err() != nil {
		return fmt.Errorf("%w: %w", execute.ErrNotSent, err)
	}
	return err
}

// wait waits the request's turn: the pacer's, unless unpaced.
func (t *Transport) wait(ctx context.Context, group string) error {
	if t.opts.Unpaced {
		return ctx.Err()
	}
	return t.pacer.Wait(ctx, group)
}

// observe counts an answer and gives the pacer what it tells of the
// tenant's rate limit.
func (t *Transport) observe(group string, resp *http.Response, sent time.Time) {
	if resp.StatusCode >= 500 {
		t.Stats.ServerErrors.Add(1)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		t.Stats.RateLimited.Add(1)
	}
	h := resp.Header
	a := pacer.Answer{
		Status: resp.StatusCode, Limit: headerInt(h, "X-Ratelimit-Limit"), Remaining: headerInt(h, "X-Ratelimit-Remaining"),
		Reset: headerTime(h, "X-Ratelimit-Reset"), Sent: sent, Received: t.now(),
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		a.RetryAfter = retryAfter(h, a.Received)
	}
	t.pacer.Observe(group, a)
}

// retryAfter reads Retry-After, in seconds or as an HTTP date; 0 when
// absent, malformed or past. The Management API does not document it, but
// a proxy in front of it, or a newer API version, may send it.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(max(0, min(secs, 1<<30))) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// rateGroup is the Auth0 rate-limit group a request counts in: the
// connection listing has its own on some plans (50 a minute on Essentials),
// everything else the tool sends shares one.
func rateGroup(req *http.Request) string {
	if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/api/v2/connections") {
		return "connections"
	}
	return "api"
}

// headerInt reads a whole-number header, -1 when absent or malformed.
func headerInt(h http.Header, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// headerTime reads a Unix-seconds header, zero when absent or malformed.
func headerTime(h http.Header, name string) time.Time {
	secs, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || secs <= 0 {
		return time.Time{}
	}
	return time.Unix(secs, 0)
}

// retryWait is the backoff before a retry, and how long the retry really
// waits, which the log says: after a 429 the pacer holds every request of
// the group until the tenant's reset (or Retry-After, or its own backoff
// when neither was announced), so the wait is that pause, not a backoff of
// the transport's; an unpaced request backs off itself.
func (t *Transport) retryWait(attempt int, req *http.Request, resp *http.Response) (backoff, wait time.Duration) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		backoff = t.backoff(attempt)
		return backoff, backoff
	}
	if t.opts.Unpaced {
		backoff = max(t.backoff(attempt), retryAfter(resp.Header, t.now()))
		return backoff, backoff
	}
	if until := t.pacer.Until(rateGroup(req)); until.After(t.now()) {
		wait = until.Sub(t.now())
	}
	return 0, wait
}

// sleep waits for d on the transport's clock or until the context ends,
// whichever is first.
func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.clock.After(d):
		return nil
	}
}

// shouldRetry is the one place that decides what is retried: 429, 408, 5xx
// and network errors, never a cancelled run or a refused answer.
func (t *Transport) shouldRetry(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if isSendOnce(ctx) {
		return err == nil && resp.StatusCode == http.StatusTooManyRequests
	}
	if err != nil {
		return classify(err) == meaningRetry
	}
	return classifyAnswer(resp.StatusCode, "") == meaningRetry
}

// backoff is the wait before retry number attempt+1 after a 5xx or a
// network error: exponential with jitter.
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
	if resp.Status == "" {
		return fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
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
