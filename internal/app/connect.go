package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
)

// maxTokenFileBytes caps --token-file: a token is a few KiB.
const maxTokenFileBytes = 64 << 10

// session is what a command that talks to a tenant works with: its options,
// its logger and its client.
type session struct {
	opts   connectOptions
	logger *slog.Logger
	client *auth0api.Client
}

// connect builds the logger and the tenant's client. Nothing is sent yet:
// the first request fetches the token.
func (e *env) connect(o connectOptions) (*session, error) {
	logger := newLogger(e.stderr, o, e.streams.ErrTerminal)
	creds, err := e.credentials(o.tokenFile, o.named)
	if err != nil {
		return nil, err
	}
	client, err := auth0api.NewClient(auth0api.Settings{
		Tenant:      o.tenant,
		Audience:    o.audience,
		Credentials: creds,
		Base:        e.deps.Base,
		UserAgent:   "scim-migrate/" + e.deps.Version,
		Transport: auth0api.TransportOptions{
			RPS: o.rps, Reserve: reserveOption(o.reserve), MaxRetries: o.maxRetries, AttemptTimeout: o.timeout, Logger: logger,
			Clock: e.deps.Clock,
		},
	})
	if err != nil {
		return nil, err
	}
	return &session{opts: o, logger: logger, client: client}, nil
}

// tenant is the name of the session's tenant.
func (s *session) tenant() string { return s.client.Tenant().Name() }

// endpoint is the SCIM endpoint URL of one of the tenant's connections.
func (s *session) endpoint(connectionID string) string {
	return scimtoken.EndpointURL(s.client.Tenant().URL.String(), connectionID)
}

// credentials reads the secrets: a token file or AUTH0_API_TOKEN (a static
// token, used instead of client credentials), else AUTH0_CLIENT_ID and
// AUTH0_CLIENT_SECRET, else the named tenant's (see namedCredentials).
// Secrets come only from the environment, a file or a command.
func (e *env) credentials(tokenFile string, named *tenantconfig.Tenant) (auth0api.Credentials, error) {
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
	creds, err := e.namedCredentials(named, creds)
	if err != nil {
		return creds, err
	}
	if creds.Token != "" && strings.ContainsAny(creds.Token, " \t\r\n") {
		return creds, fmt.Errorf("the access token contains whitespace; give the token alone")
	}
	return creds, creds.Check()
}

// addSecret makes the outputs redact one more secret (a token read from a
// file is known only once the file is read).
func (e *env) addSecret(s string) { e.secrets.Add(s) }

// newLogger builds the run's logger on stderr; --quiet keeps errors only.
// On a terminal the log is quiet unless a level was asked for (-v,
// --log-level), as terraform, gh and kubectl are; without one (cron, CI) it
// keeps its status lines.
func newLogger(w io.Writer, o connectOptions, terminal bool) *slog.Logger {
	lvl := o.logLevel
	if terminal && !o.levelAsked && !o.jsonLogs() {
		lvl = max(lvl, slog.LevelWarn)
	}
	if o.quiet {
		lvl = max(lvl, slog.LevelError)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if o.jsonLogs() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// reserveOption maps --reserve to the transport's option, where 0 means the
// default and a negative value none.
func reserveOption(reserve float64) float64 {
	if reserve == 0 {
		return -1
	}
	return reserve
}

// readManifest reads the manifest at path, or from standard input for "-",
// telling JSON from CSV by content there.
func (e *env) readManifest(path string) (*manifest.Manifest, error) {
	if !isStdin(path) {
		m, err := readManifestFile(path)
		if err != nil {
			if wrong := wrongKind(path, "-f", kindManifest, kindOfFile(path)); wrong != nil {
				return nil, wrong
			}
		}
		return m, err
	}
	data, err := io.ReadAll(io.LimitReader(e.streams.In, manifest.MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the manifest from standard input: %w", err)
	}
	return manifest.ParseDetect(stdinName, data)
}

// readManifestFile reads the manifest at path. A name without an extension
// (a pipe: -f /dev/stdin, -f <(command)) is told JSON from CSV by content;
// a directory is a Deploy CLI export, which ReadManifest reads.
func readManifestFile(path string) (*manifest.Manifest, error) {
	if fi, err := os.Stat(path); filepath.Ext(path) != "" || (err == nil && fi.IsDir()) {
		return manifest.Read(path)
	}
	data, err := fileutil.ReadLimited(path, manifest.MaxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return manifest.ParseDetect(path, data)
}
