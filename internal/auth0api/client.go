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
	Tenant      TenantURL
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
// reads, writes and retries alike; that transport also gives each attempt
// its access token (see accessTokens).
type Client struct {
	settings  Settings
	transport *Transport
	http      *http.Client
	api       *management.Management

	// listed is what Listed answers; refusedOnce says once that the
	// listing was refused to a run's reads.
	listed      atomic.Int64
	refusedOnce sync.Once
}

// NewClient builds a client. It sends nothing: the first request fetches the
// token.
func NewClient(s Settings) (*Client, error) {
	if err := s.Credentials.Check(); err != nil {
		return nil, err
	}
	s.Transport = withTransportDefaults(s.Transport)
	t := NewTransport(s.Base, s.Transport)
	t.auth = newAccessTokens(s)
	t.auth.now = s.Transport.Clock.Now
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

// newAccessTokens picks where the access tokens come from: the static token,
// or the client credentials grant. Token requests go through a transport
// of their own: retried in one series like API requests, but not paced,
// because Auth0 limits /oauth/token apart from the Management API, and far
// above it.
func newAccessTokens(s Settings) *accessTokens {
	if s.Credentials.Token != "" {
		return staticTokens(s.Credentials.Token)
	}
	tokenTransport := NewTransport(s.Base, TransportOptions{
		MaxRetries: s.Transport.MaxRetries, AttemptTimeout: s.Transport.AttemptTimeout, Logger: s.Transport.Logger,
		BaseBackoff: s.Transport.BaseBackoff, MaxBackoff: s.Transport.MaxBackoff, Clock: s.Transport.Clock, Unpaced: true,
	})
	client := &http.Client{Transport: tokenTransport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return clientCredentialTokens(s.Tenant, s.Credentials, s.Audience, client, s.Transport.Logger)
}

// Tenant is the tenant the client talks to.
func (c *Client) Tenant() TenantURL { return c.settings.Tenant }

// Pace is the rate, in requests per second, the client sends at now: the
// pace learned from the tenant, never above --rps (0 while nothing is known).
func (c *Client) Pace() float64 { return c.transport.Pace() }

// PaceStatus says how the tenant paces the client now, for status lines.
func (c *Client) PaceStatus() pacer.Status { return c.transport.PaceStatus() }

// Stats are the transport's counters.
func (c *Client) Stats() *TransportStats { return &c.transport.Stats }

// sdkToken is what the SDK's own token source holds: the SDK can only fetch
// and cache tokens, not renew one the tenant refused in the middle of a
// retry series, so the tool's transport overwrites each attempt's
// Authorization with the token of accessTokens; this value never leaves.
const sdkToken = "set-by-the-transport"

// newAPI builds a go-auth0 Management client with the SDK's retries off
// (the transport retries, and authenticates each attempt).
func (c *Client) newAPI() (*management.Management, error) {
	s := c.settings
	opts := []management.Option{}
	if s.Tenant.Insecure() {
		opts = append(opts, management.WithInsecure())
	}
	opts = append(opts, management.WithStaticToken(sdkToken), management.WithClient(c.http), management.WithNoRetries())
	if s.UserAgent != "" {
		opts = append(opts, management.WithUserAgent(s.UserAgent))
	}
	api, err := management.New(s.Tenant.URL.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("build Management API client for %s: %w", s.Tenant.Name(), err)
	}
	return api, nil
}

// Do calls fn with the API client and returns its error classified (see
// Classify). A token the tenant refused was already renewed and the request
// resent by the transport; a 401 that reaches here was answered to a token
// just issued, or to a static one, and is fatal.
func (c *Client) Do(ctx context.Context, fn func(*management.Management) error) error {
	err := fn(c.api)
	if classify(err) == meaningUnauthorized && c.transport.auth.renewable() {
		return &execute.FatalError{Err: fmt.Errorf("the tenant refused an access token it had just issued: %w", err),
			Hint: "check --audience (the tenant's /api/v2/) and that the application is authorized for the Management API"}
	}
	return Classify(err)
}
