package auth0api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

// wrappedTenant serves an emulated tenant through wrap, which may act on or
// replace what the tenant answers, and returns a client of it holding client
// credentials.
func wrappedTenant(t *testing.T, opts emulator.Options, maxRetries int, wrap func(tenant *emulator.Tenant, next http.Handler) http.Handler) (*emulator.Tenant, *Client) {
	t.Helper()
	return wrappedTenantOn(t, opts, maxRetries, nil, wrap)
}

// wrappedTenantOn is wrappedTenant with the client's transport on clock
// (nil: the real one).
func wrappedTenantOn(t *testing.T, opts emulator.Options, maxRetries int, clock pacer.Clock, wrap func(tenant *emulator.Tenant, next http.Handler) http.Handler) (*emulator.Tenant, *Client) {
	t.Helper()
	tenant := emulator.New(opts)
	if err := tenant.LoadSeed(emulator.Seed{Connections: []emulator.Connection{
		emuConn("con_A1", "alpha", "okta", emuCfg("userName", "userName", "email")),
	}}); err != nil {
		t.Fatal(err)
	}
	tenant.AddClient(emulator.Client{ID: testClientID, Secret: testClientSecret, Scopes: allScopes})
	srv := httptest.NewServer(wrap(tenant, tenant.Handler()))
	t.Cleanup(srv.Close)
	return tenant, clientOn(t, srv.URL, maxRetries, clock)
}

func clientOf(t *testing.T, url string, maxRetries int) *Client {
	t.Helper()
	return clientOn(t, url, maxRetries, nil)
}

// clientOn is clientOf with the transport on clock (nil: the real one).
func clientOn(t *testing.T, url string, maxRetries int, clock pacer.Clock) *Client {
	t.Helper()
	domain, err := ParseDomain(url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Settings{Tenant: domain, Credentials: Credentials{ClientID: testClientID, ClientSecret: testClientSecret},
		Transport: TransportOptions{MaxRetries: maxRetries, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccessToken_refusedMidSeriesIsRenewedNotCounted: a write failing with
// 5xx whose token expires (or is revoked) between its attempts gets a new
// token and goes on with its series; it ends on its own 5xx after exactly
// MaxRetries+1 attempts that reached the write, and is not fatal.
func TestAccessToken_refusedMidSeriesIsRenewedNotCounted(t *testing.T) {
	t.Parallel()
	for name, refuse := range map[string]func(*emulator.Tenant){
		"expired": (*emulator.Tenant).ExpireTokens,
		"revoked": (*emulator.Tenant).RevokeAccessTokens,
	} {
		t.Run(name, func(t *testing.T) {
			var patches, refused atomic.Int32
			// The 5xx's retries wait their pauses on a fake clock, in no real time.
			clock := newStepClock()
			opts := emulator.Options{Clock: clock.Now, Faults: emulator.Faults{FailWrites: []string{"con_A1"}, FailStatus: http.StatusServiceUnavailable}}
			tenant, c := wrappedTenantOn(t, opts, 2, clock, func(tenant *emulator.Tenant, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r)
					if r.Method == http.MethodPatch {
						patches.Add(1)
						if rec.Code == http.StatusUnauthorized {
							refused.Add(1)
						} else {
							refuse(tenant) // the next attempt's token is refused
						}
					}
					for k, v := range rec.Header() {
						w.Header()[k] = v
					}
					w.WriteHeader(rec.Code)
					_, _ = w.Write(rec.Body.Bytes())
				})
			})
			ctx, attempts := WithAttemptCounter(context.Background())
			err := c.Write(ctx, execute.Write{ConnectionID: "con_A1", Action: plan.ActionUpdate, After: scimtest.Config("u", "a", "b")})
			if execute.IsFatal(err) || !isUncertainErr(err) || !strings.Contains(err.Error(), "503") {
				t.Fatalf("want the write's own 5xx, uncertain and not fatal: %v", err)
			}
			if p, r := patches.Load(), refused.Load(); p-r != 3 || r != 2 {
				t.Errorf("%d PATCHes, %d of them refused: want 3 attempts (--max-retries 2) plus 2 refused and resent", p, r)
			}
			if n := tenant.Stats().TokensIssued; n != 3 {
				t.Errorf("%d tokens issued, want 3 (one renewal per refusal)", n)
			}
			if n := attempts.Load(); n != 5 {
				t.Errorf("%d requests counted for the connection, want 5 sent", n)
			}
		})
	}
}

// TestAccessToken_freshTokenRefusedIsFatal: a 401 on the token just issued
// for the retry is not renewed again.
func TestAccessToken_freshTokenRefusedIsFatal(t *testing.T) {
	t.Parallel()
	var api atomic.Int32
	tenant, c := wrappedTenant(t, emulator.Options{}, 3, func(tenant *emulator.Tenant, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				api.Add(1)
				tenant.RevokeAccessTokens() // whatever it holds, the client's token is refused
			}
			next.ServeHTTP(w, r)
		})
	})
	_, err := c.ReadConnection(context.Background(), "con_A1")
	if !execute.IsFatal(err) || !strings.Contains(err.Error(), "just issued") || !strings.Contains(err.Error(), "Invalid token") {
		t.Fatalf("want a fatal refusal of a fresh token: %v", err)
	}
	if n, issued := api.Load(), tenant.Stats().TokensIssued; n != 2 || issued != 2 {
		t.Errorf("%d API requests and %d tokens: want one renewal, then stop", n, issued)
	}
}

// TestAccessToken_oneSeriesForEveryWaiter: a token endpoint that keeps
// failing is asked MaxRetries+1 times in all, however many requests wait for
// the token, and the error says the endpoint failed, not that the
// credentials were refused.
func TestAccessToken_oneSeriesForEveryWaiter(t *testing.T) {
	t.Parallel()
	var tokenRequests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			tokenRequests.Add(1)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := clientOf(t, srv.URL, 2)
	refs := manifest.Refs{IDs: []string{"con_A1", "con_B2", "con_C3"}, Names: []string{"alpha"}}
	_, err := c.ReadLive(context.Background(), refs, 4)
	if !execute.IsFatal(err) || !strings.Contains(err.Error(), "could not get an access token") || strings.Contains(err.Error(), "refused the client credentials") {
		t.Fatalf("want a fatal token endpoint failure: %v", err)
	}
	if strings.Contains(err.Error(), testClientSecret) {
		t.Fatal("the error shows the client secret")
	}
	if _, err := c.ReadConnection(context.Background(), "con_A1"); !execute.IsFatal(err) {
		t.Fatalf("a later request gets the same error: %v", err)
	}
	if n := tokenRequests.Load(); n != 3 {
		t.Errorf("%d token requests with --max-retries 2, want one series of 3", n)
	}
}

// TestAccessToken_waitEndsWithTheContext: a token endpoint that never
// answers is left as soon as the request's context ends, and the token
// request itself is ended.
func TestAccessToken_waitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	arrived, left := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server sees the client leave
		close(arrived)
		select {
		case <-r.Context().Done():
			close(left)
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := clientOf(t, srv.URL, 2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.ReadConnection(ctx, "con_A1")
		done <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || execute.IsFatal(err) {
			t.Fatalf("want a cancelled request: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read still waits for the token after its context ended")
	}
	select {
	case <-left:
	case <-time.After(10 * time.Second):
		t.Fatal("the token request was not ended")
	}
}

// TestAccessToken_interruptDuringARenewalAfterASend: a write answered 5xx,
// whose retry finds its token revoked, is interrupted while the new token
// is requested. The first attempt may have taken effect, so the write is
// uncertain, never "not sent".
func TestAccessToken_interruptDuringARenewalAfterASend(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	var tokens atomic.Int32
	opts := emulator.Options{Faults: emulator.Faults{FailWrites: []string{"con_A1"}, FailStatus: http.StatusServiceUnavailable}}
	_, c := wrappedTenant(t, opts, 3, func(tenant *emulator.Tenant, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/oauth/token" && tokens.Add(1) > 1 {
				_, _ = io.Copy(io.Discard, r.Body)
				close(stop) // the first interrupt, while the token is requested
				<-r.Context().Done()
				return
			}
			next.ServeHTTP(w, r)
			if r.Method == http.MethodPatch {
				tenant.RevokeAccessTokens()
			}
		})
	})
	ctx := execute.WithStop(context.Background(), stop)
	err := c.Write(ctx, execute.Write{ConnectionID: "con_A1", Action: plan.ActionUpdate, After: scimtest.Config("u", "a", "b")})
	if !isUncertainErr(err) || errors.Is(err, execute.ErrNotSent) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("want an uncertain write naming its 503: %v", err)
	}
}

// TestAccessToken_shortLivedTokenIsStillSent: a token announced to expire
// sooner than its renewal margin is used, not requested again forever.
func TestAccessToken_shortLivedTokenIsStillSent(t *testing.T) {
	t.Parallel()
	tenant, c := wrappedTenant(t, emulator.Options{TokenLifetime: time.Hour, AdvertisedLifetime: time.Second}, 2,
		func(_ *emulator.Tenant, next http.Handler) http.Handler { return next })
	c.transport.auth.now = func() time.Time { return time.Now().Add(time.Hour) } // every token looks stale at once
	if _, err := c.ReadConnection(context.Background(), "con_A1"); err != nil {
		t.Fatal(err)
	}
	if n := tenant.Stats().TokensIssued; n != 1 {
		t.Errorf("%d tokens issued for one request", n)
	}
}
