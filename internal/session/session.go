// Package session owns one connected run against a tenant: credentials from
// the environment or a named tenant, the client, the per-tenant lock, the
// report file, the engine's run and its summary, the handoff of issued tokens.
package session

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
)

// maxTokenFileBytes caps --token-file: a token is a few KiB.
const maxTokenFileBytes = 64 << 10

// Options are what a session needs of the command line and of its
// environment, given explicitly: the command line converts its parsed flags
// into them in one place.
type Options struct {
	Tenant   auth0api.TenantURL
	Audience string
	// TokenFile is --token-file: a static access token instead of client
	// credentials.
	TokenFile string
	// Named is the --tenant chosen from the tenants file, or nil.
	Named *tenantconfig.Tenant
	// Transport is the client's pacing and retries; its Logger is the
	// session's.
	Transport   auth0api.TransportOptions
	Concurrency int
	Logger      *slog.Logger
	// Version is the tool's, recorded in plans and reports.
	Version string
	Getenv  func(string) string
	// Base is the HTTP round tripper under the tool's transport (nil: the
	// default).
	Base http.RoundTripper
	// Now is the time of the run's records: reports, plans, handoffs, the
	// lock.
	Now func() time.Time
	// Stop is closed on the first interrupt: a writing run starts no new
	// write and finishes those in flight.
	Stop <-chan struct{}
	// OpenReport creates a run's report file (nil: a private file).
	OpenReport runlog.Opener
	// Redact makes every output redact a secret the session reads (a token
	// file's, a named tenant's, an issued token's); nil: none.
	Redact func(secret string)
}

// Session is one command's connection to a tenant: its client and its
// logger, with the options it was opened with.
type Session struct {
	Client *auth0api.Client
	Logger *slog.Logger
	opts   Options
}

// Connect builds the tenant's client. Nothing is sent yet: the first request
// fetches the token.
func Connect(o Options) (*Session, error) {
	creds, err := o.credentials()
	if err != nil {
		return nil, err
	}
	t := o.Transport
	t.Logger = o.Logger
	client, err := auth0api.NewClient(auth0api.Settings{
		Tenant:      o.Tenant,
		Audience:    o.Audience,
		Credentials: creds,
		Base:        o.Base,
		UserAgent:   "scim-migrate/" + o.Version,
		Transport:   t,
	})
	if err != nil {
		return nil, err
	}
	return &Session{Client: client, Logger: o.Logger, opts: o}, nil
}

// Tenant is the name of the session's tenant.
func (s *Session) Tenant() string { return s.Client.Tenant().Name() }

// endpoint is the SCIM endpoint URL of one of the tenant's connections.
func (s *Session) endpoint(connectionID string) string {
	return scimtoken.EndpointURL(s.Client.Tenant().URL.String(), connectionID)
}

// Requests is how many requests the session has sent, retries included.
func (s *Session) Requests() int64 { return s.Client.Stats().Attempts.Load() }

func (o Options) redact(secret string) {
	if o.Redact != nil {
		o.Redact(secret)
	}
}

// credentials reads the secrets: a token file or AUTH0_API_TOKEN (a static
// token, used instead of client credentials), else AUTH0_CLIENT_ID and
// AUTH0_CLIENT_SECRET, else the named tenant's (see namedCredentials).
// Secrets come only from the environment, a file or a command.
func (o Options) credentials() (auth0api.Credentials, error) {
	creds := auth0api.Credentials{
		ClientID:     o.Getenv("AUTH0_CLIENT_ID"),
		ClientSecret: o.Getenv("AUTH0_CLIENT_SECRET"),
		Token:        strings.TrimSpace(o.Getenv("AUTH0_API_TOKEN")),
	}
	if o.TokenFile != "" {
		b, err := fileutil.ReadLimited(o.TokenFile, maxTokenFileBytes)
		if err != nil {
			return creds, fmt.Errorf("read --token-file: %w", err)
		}
		creds.Token = strings.TrimSpace(string(b))
		if creds.Token == "" {
			return creds, fmt.Errorf("--token-file %s is empty", o.TokenFile)
		}
		o.redact(creds.Token)
	}
	creds, err := o.namedCredentials(creds)
	if err != nil {
		return creds, err
	}
	if creds.Token != "" && strings.ContainsAny(creds.Token, " \t\r\n") {
		return creds, fmt.Errorf("the access token contains whitespace; give the token alone")
	}
	return creds, creds.Check()
}

// namedCredentials completes creds from the named tenant when the
// environment gave none: environment credentials win as a whole (for
// unattended runs), so a client id is never paired with another tenant's
// secret. A secret read here is redacted from every output from now on.
func (o Options) namedCredentials(creds auth0api.Credentials) (auth0api.Credentials, error) {
	t := o.Named
	if t == nil || creds.Token != "" || creds.ClientID != "" || creds.ClientSecret != "" {
		return creds, nil
	}
	if t.APITokenEnv != "" {
		creds.Token = o.Getenv(t.APITokenEnv)
		if creds.Token == "" {
			return creds, fmt.Errorf("tenant %q: its API token comes from the environment variable %s, which is empty", t.Name, t.APITokenEnv)
		}
		o.redact(creds.Token)
		return creds, nil
	}
	secret, err := t.Secret(context.Background(), o.Getenv)
	if err != nil {
		return creds, err
	}
	o.redact(secret)
	creds.ClientID, creds.ClientSecret = t.ClientID, secret
	return creds, nil
}
