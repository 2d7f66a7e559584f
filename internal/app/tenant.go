package app

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/urfave/cli/v2"
)

// Defaults for talking to a tenant. 2 requests per second is what every
// Auth0 plan allows (the free plan's whole Management API budget).
const (
	defaultRPS         = 2.0
	defaultConcurrency = 4
	defaultMaxRetries  = 6
	defaultTimeout     = 30 * time.Second
	maxTokenFileBytes  = 64 << 10
)

// tenantFlags are the flags of every command that talks to a tenant.
func tenantFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "domain", EnvVars: []string{"AUTH0_DOMAIN"}, Usage: "tenant domain, e.g. `acme.eu.auth0.com` (https); http:// only for a loopback emulator"},
		&cli.StringFlag{Name: "audience", EnvVars: []string{"AUTH0_AUDIENCE"}, Usage: "Management API audience (default https://<domain>/api/v2/)"},
		&cli.StringFlag{Name: "token-file", Usage: "read a Management API access token from the file at `PATH` instead of using client credentials (AUTH0_API_TOKEN works too); secrets are never flag values"},
		&cli.Float64Flag{Name: "rps", Value: defaultRPS, EnvVars: []string{"SCIM_MIGRATE_RPS"}, Usage: "ceiling on requests per second to the tenant, retries included (README: the limit of each Auth0 plan)"},
		&cli.IntFlag{Name: "concurrency", Value: defaultConcurrency, EnvVars: []string{"SCIM_MIGRATE_CONCURRENCY"}, Usage: "connections worked on at once"},
		&cli.IntFlag{Name: "max-retries", Value: defaultMaxRetries, EnvVars: []string{"SCIM_MIGRATE_MAX_RETRIES"}, Usage: "retries of a request answered 429, 5xx or lost on the network"},
		&cli.DurationFlag{Name: "timeout", Value: defaultTimeout, EnvVars: []string{"SCIM_MIGRATE_TIMEOUT"}, Usage: "time limit for one request, as a `DURATION` such as 30s"},
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: []string{"SCIM_MIGRATE_LOG_FORMAT"}, Usage: "log format on stderr: text or json"},
		&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"SCIM_MIGRATE_LOG_LEVEL"}, Usage: "log level: debug, info, warn or error"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors and the summary"},
	}
}

// tenantOptions is what the tenant flags and environment say, checked.
type tenantOptions struct {
	settings    auth0api.Settings
	concurrency int
	logger      *slog.Logger
	quiet       bool
	jsonLogs    bool
}

// tenantOptions reads and checks the tenant flags and environment; nothing
// is sent to the tenant before they are all valid.
func (e *env) tenantOptions(c *cli.Context) (*tenantOptions, error) {
	logger, err := newLogger(e.stderr, c.String("log-format"), c.String("log-level"), c.Bool("quiet"))
	if err != nil {
		return nil, err
	}
	if err := checkLimits(c); err != nil {
		return nil, err
	}
	tenant, err := auth0api.ParseDomain(c.String("domain"))
	if err != nil {
		return nil, &usageError{err}
	}
	creds, err := e.credentials(c.String("token-file"))
	if err != nil {
		return nil, err
	}
	return &tenantOptions{
		settings: auth0api.Settings{
			Tenant:      tenant,
			Audience:    c.String("audience"),
			Credentials: creds,
			Base:        e.deps.Base,
			UserAgent:   "scim-migrate/" + e.deps.Version,
			Transport: auth0api.TransportOptions{
				RPS:            c.Float64("rps"),
				MaxRetries:     c.Int("max-retries"),
				AttemptTimeout: c.Duration("timeout"),
				Logger:         logger,
			},
		},
		concurrency: c.Int("concurrency"),
		logger:      logger,
		quiet:       c.Bool("quiet"),
		jsonLogs:    c.String("log-format") == "json",
	}, nil
}

// checkLimits refuses flag values that cannot work.
func checkLimits(c *cli.Context) error {
	switch rps := c.Float64("rps"); {
	case !(rps > 0) || rps > 1000:
		return &usageError{fmt.Errorf("--rps %v: give a number of requests per second above 0 and at most 1000", rps)}
	case c.Int("concurrency") < 1 || c.Int("concurrency") > 256:
		return &usageError{fmt.Errorf("--concurrency %d: give 1 to 256", c.Int("concurrency"))}
	case c.Int("max-retries") < 0 || c.Int("max-retries") > 100:
		return &usageError{fmt.Errorf("--max-retries %d: give 0 to 100", c.Int("max-retries"))}
	case c.Duration("timeout") <= 0:
		return &usageError{fmt.Errorf("--timeout %v: give a positive duration such as 30s", c.Duration("timeout"))}
	}
	return nil
}

// credentials reads the secrets: a token file or AUTH0_API_TOKEN (a static
// token, used instead of client credentials), else AUTH0_CLIENT_ID and
// AUTH0_CLIENT_SECRET. Secrets come only from the environment or a file.
func (e *env) credentials(tokenFile string) (auth0api.Credentials, error) {
	creds := auth0api.Credentials{
		ClientID:     e.deps.Getenv("AUTH0_CLIENT_ID"),
		ClientSecret: e.deps.Getenv("AUTH0_CLIENT_SECRET"),
		Token:        strings.TrimSpace(e.deps.Getenv("AUTH0_API_TOKEN")),
	}
	if tokenFile != "" {
		b, err := fileutil.ReadLimited(tokenFile, maxTokenFileBytes)
		if err != nil {
			return creds, fmt.Errorf("read --token-file: %w", err)
		}
		creds.Token = strings.TrimSpace(string(b))
		if creds.Token == "" {
			return creds, fmt.Errorf("--token-file %s is empty", tokenFile)
		}
		e.addSecret(creds.Token)
	}
	if creds.Token != "" && strings.ContainsAny(creds.Token, " \t\r\n") {
		return creds, fmt.Errorf("the access token contains whitespace; give the token alone")
	}
	return creds, creds.Check()
}

// addSecret makes the outputs redact one more secret (a token read from a
// file is known only once the file is read).
func (e *env) addSecret(s string) {
	for _, w := range []io.Writer{e.stdout, e.stderr} {
		if r, ok := w.(*redactingWriter); ok {
			r.add(s)
		}
	}
}

// newLogger builds the run's logger on stderr.
func newLogger(w io.Writer, format, level string, quiet bool) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, &usageError{fmt.Errorf("--log-level %q: give debug, info, warn or error", level)}
	}
	if quiet {
		lvl = max(lvl, slog.LevelError)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, &usageError{fmt.Errorf("--log-format %q: give text or json", format)}
}

// connect reads the tenant flags and builds the run's client. Nothing is
// sent yet: the first request fetches the token.
func (e *env) connect(c *cli.Context) (*tenantOptions, *auth0api.Client, error) {
	opts, err := e.tenantOptions(c)
	if err != nil {
		return nil, nil, err
	}
	client, err := auth0api.NewClient(opts.settings)
	if err != nil {
		return nil, nil, err
	}
	return opts, client, nil
}
