package auth0api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// accessTokens is where every Management API request of a client gets its
// access token: the tool's transport sets each attempt's Authorization
// from it (the SDK's own token source is only a placeholder, see newAPI),
// so that a token refused in the middle of a retry series is renewed and
// that request resent within the same series.
//
// The exchange itself is golang.org/x/oauth2's client-credentials grant,
// as the SDK would do it; this type adds what a run needs around it:
//   - one token request at a time, shared by every request waiting for it;
//   - each waiter gives up when its own context ends (the first Ctrl-C of
//     a read-only command, or of a writing run for a write that has not
//     left), and the token request ends with the last one;
//   - a token request that failed for good (after its own series of
//     retries, in the token transport) is not repeated: every later request
//     gets the same fatal error, since none can be sent without a token;
//   - Renew drops a token the tenant refused (expired or revoked early),
//     once however many requests saw it refused.
type accessTokens struct {
	// static is a token given as is (AUTH0_API_TOKEN, --token-file): never
	// renewed, so a 401 on it is fatal.
	static bool
	cfg    *clientcredentials.Config
	// client sends the token requests: the token transport (retries, not
	// paced: Auth0 limits /oauth/token apart from the Management API).
	client *http.Client
	tenant string
	now    func() time.Time
	logger *slog.Logger

	mu       sync.Mutex
	tok      *oauth2.Token
	renewAt  time.Time     // when tok is renewed before use (zero: never)
	fetching chan struct{} // closed when the token request in flight ends
	waiters  int           // requests waiting for it, its sender included
	cancel   context.CancelFunc
	failed   error // the fatal error of a token request that failed for good
}

// staticTokens holds a token given as is.
func staticTokens(token string) *accessTokens {
	return &accessTokens{static: true, tok: &oauth2.Token{AccessToken: token, TokenType: "Bearer"}, now: time.Now,
		logger: slog.New(slog.DiscardHandler)}
}

// clientCredentialTokens fetches tokens with the client credentials grant
// through client, for audience (the tenant's /api/v2/ when empty).
func clientCredentialTokens(tenant TenantURL, creds Credentials, audience string, client *http.Client, logger *slog.Logger) *accessTokens {
	if audience == "" {
		audience = tenant.URL.String() + "/api/v2/"
	}
	cfg := &clientcredentials.Config{
		ClientID: creds.ClientID, ClientSecret: creds.ClientSecret,
		TokenURL:       tenant.URL.String() + "/oauth/token",
		EndpointParams: map[string][]string{"audience": {audience}},
		// The credentials in the form, as Auth0 documents the request. The
		// SDK's default, auto-detect, sends each failed request a second
		// time with the other style: two series of retries, one inside
		// the other (auth0-api.md §6.1).
		AuthStyle: oauth2.AuthStyleInParams,
	}
	return &accessTokens{cfg: cfg, client: client, tenant: tenant.Name(), now: time.Now, logger: logger}
}

// renewable says whether a refused token can be replaced.
func (a *accessTokens) renewable() bool { return !a.static }

// Token returns a token to send a request with, fetching one when none is
// held or the one held is about to expire. It returns ctx's error, wrapped,
// when ctx ends first.
func (a *accessTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	for {
		a.mu.Lock()
		switch {
		case a.failed != nil:
			a.mu.Unlock()
			return nil, a.failed
		case a.usable():
			tok := a.tok
			a.mu.Unlock()
			return tok, nil
		case a.fetching == nil:
			a.start()
		}
		done := a.fetching
		a.waiters++
		a.mu.Unlock()
		select {
		case <-done:
			a.leave(done)
			if tok := a.fetched(); tok != nil {
				return tok, nil
			}
		case <-ctx.Done():
			a.leave(done)
			return nil, fmt.Errorf("waiting for an access token: %w", ctx.Err())
		}
	}
}

// Renew drops refused, the token a request carried when the tenant answered
// 401, unless it was already replaced, and returns the token to resend it
// with.
func (a *accessTokens) Renew(ctx context.Context, refused string) (*oauth2.Token, error) {
	a.mu.Lock()
	if a.tok != nil && a.tok.AccessToken == refused {
		a.tok = nil
		a.logger.Info("the tenant refused the access token (expired or revoked early); getting a new one")
	}
	a.mu.Unlock()
	return a.Token(ctx)
}

// fetched is the token a waiter's token request brought, whatever its
// renewal time: a token whose life is shorter than its request took is
// still sent once rather than requested again and again.
func (a *accessTokens) fetched() *oauth2.Token {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failed != nil {
		return nil
	}
	return a.tok
}

// usable reports whether the token held may be sent now. Locked.
func (a *accessTokens) usable() bool {
	return a.tok != nil && (a.renewAt.IsZero() || a.now().Before(a.renewAt))
}

// start sends one token request, in its own goroutine, under a context of
// its own: no value of the request that needed it (its attempt counter, its
// interrupt) applies to it, and it ends when its last waiter gives up.
// Locked.
func (a *accessTokens) start() {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), oauth2.HTTPClient, a.client))
	done := make(chan struct{})
	a.fetching, a.cancel = done, cancel
	go func() {
		defer cancel()
		sent := a.now()
		tok, err := a.cfg.Token(ctx)
		a.mu.Lock()
		defer a.mu.Unlock()
		switch {
		case err == nil:
			a.tok, a.renewAt = tok, renewTime(sent, tok.Expiry)
		case ctx.Err() == nil:
			a.failed = tokenFailure(a.tenant, err)
		}
		a.fetching = nil
		close(done)
	}()
}

// leave is called by a waiter of the token request done once it stops
// waiting; the last one to give up ends the request. Not locked.
func (a *accessTokens) leave(done chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.waiters--
	if a.waiters == 0 && a.fetching == done {
		a.cancel()
	}
}

// renewTime is when a token obtained at sent, expiring at expiry, is
// renewed before use: a quarter of its life early, at most 10 s (oauth2's
// own margin). oauth2's fixed 10 s would renew a token of a short life
// before every request.
func renewTime(sent, expiry time.Time) time.Time {
	if expiry.IsZero() {
		return time.Time{}
	}
	return expiry.Add(-min(max(expiry.Sub(sent)/4, 0), 10*time.Second))
}

// tokenFailure is the fatal error of a token request that failed for good:
// refused credentials, or a token endpoint that kept failing (5xx, 429, the
// network) through the token transport's retries. The request is never
// quoted: it carries the client secret.
func tokenFailure(tenant string, err error) error {
	var retrieve *oauth2.RetrieveError
	reason := err.Error()
	switch {
	case errors.As(err, &retrieve) && (retrieve.Response == nil || classifyAnswer(retrieve.Response.StatusCode, "") != meaningRetry):
		return fatal(err) // the credentials, the audience or the grant
	case retrieve != nil:
		reason = tokenRefusal(retrieve)
	default:
		if f := Classify(err); execute.IsFatal(f) {
			return f // the domain does not resolve, TLS is not trusted or not spoken
		}
	}
	return &execute.FatalError{
		Err:  fmt.Errorf("could not get an access token from %s: %s", tenant, strings.TrimSpace(reason)),
		Hint: "the tenant's token endpoint kept failing; check the network to the tenant and Auth0's status page, then run again",
	}
}
