package auth0api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"golang.org/x/oauth2"
)

// Credentials authenticate the tool to the Management API: either a client
// credentials pair (renewed as needed) or a static access token.
type Credentials struct {
	ClientID     string
	ClientSecret string
	Token        string
}

// Check refuses missing or ambiguous credentials before anything is sent.
func (c Credentials) Check() error {
	switch {
	case c.Token != "":
		return nil
	case c.ClientID != "" && c.ClientSecret != "":
		return nil
	case c.ClientID != "" || c.ClientSecret != "":
		return errors.New("incomplete client credentials: set both AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET")
	default:
		return errors.New("no credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or AUTH0_API_TOKEN, or --token-file")
	}
}

// Settings is everything needed to talk to one tenant.
type Settings struct {
	Tenant      Tenant
	Audience    string // empty: <tenant>/api/v2/
	Credentials Credentials
	Transport   TransportOptions
	// Base is the round tripper under the tool's own transport (nil: the
	// default); tests give one that trusts a test CA.
	Base      http.RoundTripper
	UserAgent string
}

// Client is the Management API client of one run. Every request it sends,
// token requests aside, goes through one Transport, so one limiter covers
// reads, writes and retries alike.
type Client struct {
	settings  Settings
	transport *Transport
	http      *http.Client

	mu  sync.Mutex
	api *management.Management
	gen int // increases every time the API client (and so the token) is renewed

	// listed is what Listed answers; refusedOnce says once that the
	// listing was refused to a run's reads.
	listed      atomic.Int64
	refusedOnce sync.Once

	// tokenFailures counts the token requests given up on, and tokenErr is
	// the last one's error.
	tokenFailures atomic.Int64
	tokenErr      atomic.Pointer[error]
}

// NewClient builds a client. It sends nothing: the first request fetches the
// token.
func NewClient(s Settings) (*Client, error) {
	if err := s.Credentials.Check(); err != nil {
		return nil, err
	}
	s.Transport = withTransportDefaults(s.Transport)
	t := NewTransport(s.Base, s.Transport)
	c := &Client{
		settings:  s,
		transport: t,
		// Redirects are not followed: the transport refuses them instead.
		http: &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
	api, err := c.newAPI()
	if err != nil {
		return nil, err
	}
	c.api = api
	return c, nil
}

// Tenant is the tenant the client talks to.
func (c *Client) Tenant() Tenant { return c.settings.Tenant }

// Pace is the rate, in requests per second, the client sends at now: the
// pace learned from the tenant, never above --rps (0 while nothing is known).
func (c *Client) Pace() float64 { return c.transport.Pace() }

// PaceStatus says how the tenant paces the client now, for status lines.
func (c *Client) PaceStatus() pacer.Status { return c.transport.PaceStatus() }

// Stats are the transport's counters.
func (c *Client) Stats() *TransportStats { return &c.transport.Stats }

// newAPI builds a go-auth0 Management client with the SDK's retries off (the
// transport retries) and a fresh token source.
func (c *Client) newAPI() (*management.Management, error) {
	s := c.settings
	opts := []management.Option{}
	if s.Tenant.Insecure() {
		// Must come before the credentials: it replaces the token source.
		opts = append(opts, management.WithInsecure())
	}
	opts = append(opts, c.authOption(), management.WithClient(c.http), management.WithNoRetries())
	if s.UserAgent != "" {
		opts = append(opts, management.WithUserAgent(s.UserAgent))
	}
	api, err := management.New(s.Tenant.URL.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("build Management API client for %s: %w", s.Tenant.Name(), err)
	}
	return api, nil
}

// authOption picks the SDK's authentication. Token requests go through an
// http.Client carried in the token source's context (the SDK's design); it
// retries like API requests but does not share their rate limit, because
// Auth0 counts /oauth/token separately.
func (c *Client) authOption() management.Option {
	s := c.settings
	if s.Credentials.Token != "" {
		return management.WithStaticToken(s.Credentials.Token)
	}
	// Auth0 limits /oauth/token apart from the Management API, and far
	// above it: token requests are not paced. They are retried here only:
	// when this transport gives up, every request of the run fails fatally
	// (see Do) instead of retrying a token request again.
	tokenTransport := NewTransport(s.Base, TransportOptions{
		MaxRetries: s.Transport.MaxRetries, AttemptTimeout: s.Transport.AttemptTimeout, Logger: s.Transport.Logger,
		Unpaced: true, OnGiveUp: c.tokenGaveUp,
	})
	// The SDK keeps this context for every later token refresh, so it must
	// outlive the run's cancellable context.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: tokenTransport})
	if s.Audience != "" {
		return management.WithClientCredentialsAndAudience(ctx, s.Credentials.ClientID, s.Credentials.ClientSecret, s.Audience)
	}
	return management.WithClientCredentials(ctx, s.Credentials.ClientID, s.Credentials.ClientSecret)
}

// current returns the API client and its generation.
func (c *Client) current() (*management.Management, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.api, c.gen
}

// renew replaces the API client (and so its cached token) once per
// generation, so many workers seeing the same 401 renew it only once.
func (c *Client) renew(gen int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return nil
	}
	api, err := c.newAPI()
	if err != nil {
		return err
	}
	c.api, c.gen = api, c.gen+1
	return nil
}

// maxRenewals bounds how often one call renews the token: a token can
// expire while a request waits for the rate limiter, so the renewed one may
// itself be stale by the time the retry is sent.
const maxRenewals = 2

// Do calls fn with the API client. When the tenant answers 401 and the
// client holds client credentials, the token is renewed and fn is called
// again; a 401 that renewing does not cure, or any 401 on a static token, is
// fatal. Every error comes back classified (see Classify).
func (c *Client) Do(ctx context.Context, fn func(*management.Management) error) error {
	api, gen := c.current()
	failures := c.tokenFailures.Load()
	err := fn(api)
	if err != nil && c.tokenFailures.Load() > failures {
		return c.tokenUnavailable()
	}
	for i := 0; i < maxRenewals && c.renewable(ctx, err); i++ {
		c.settings.Transport.Logger.Debug("the tenant refused the token; renewing it", "error", err)
		if rerr := c.renew(gen); rerr != nil {
			return Classify(rerr)
		}
		api, gen = c.current()
		err = fn(api)
	}
	return Classify(err)
}

// tokenGaveUp records a token request the token transport gave up on.
func (c *Client) tokenGaveUp(err error) {
	c.tokenErr.Store(&err)
	c.tokenFailures.Add(1)
}

// tokenUnavailable is the error of every request once no access token could
// be had: fatal, since every other request needs one too.
func (c *Client) tokenUnavailable() error {
	err := *c.tokenErr.Load()
	if f := Classify(err); execute.IsFatal(f) {
		return f
	}
	return &execute.FatalError{Err: fmt.Errorf("could not get an access token from %s: %w", c.Tenant().Name(), err),
		Hint: "check the network to the tenant, then run again"}
}

// renewable reports whether err is a 401 that a new token may cure.
func (c *Client) renewable(ctx context.Context, err error) bool {
	return classify(err) == meaningUnauthorized && c.settings.Credentials.Token == "" && ctx.Err() == nil
}
