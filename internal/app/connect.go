package app

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/filekind"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/session"
)

// connected is a command's session, with the options it was opened with,
// which the command's output follows (--quiet, --log-format).
type connected struct {
	*session.Session
	opts connectOptions
}

// connect opens the session of a command that talks to a tenant. Nothing is
// sent yet: the first request fetches the token.
func (e *env) connect(o connectOptions) (*connected, error) {
	s, err := session.Connect(e.sessionOptions(o))
	if err != nil {
		return nil, err
	}
	return &connected{Session: s, opts: o}, nil
}

// sessionOptions is the one place the parsed options and the environment
// become what a session needs.
func (e *env) sessionOptions(o connectOptions) session.Options {
	return session.Options{
		Tenant: o.tenant, Audience: o.audience, TokenFile: o.tokenFile, Named: o.named,
		Transport: auth0api.TransportOptions{RPS: o.rps, Reserve: reserveOption(o.reserve), MaxRetries: o.maxRetries,
			AttemptTimeout: o.timeout, Clock: e.deps.Clock},
		Concurrency: o.concurrency,
		Logger:      newLogger(e.stderr, o, e.streams.ErrTerminal),
		Version:     e.deps.Version, Getenv: e.deps.Getenv, Base: e.deps.Base, Now: e.deps.Now, Stop: e.deps.Stop,
		OpenReport: e.deps.OpenReport, Redact: e.addSecret,
	}
}

// reports is where a writing run's report goes.
func (o writeOptions) reports() session.Reports {
	return session.Reports{Path: o.reportPath, Dir: o.reportDir, Keep: o.keep}
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
			if wrong := wrongKind(path, "-f", filekind.Manifest); wrong != nil {
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

// wrongKind is the error for a file given as flag where a want was
// expected that holds another of the tool's documents (filekind); nil when
// it does not, so that the reader's own error stands.
func wrongKind(path, flag string, want filekind.Kind) error {
	if isStdin(path) {
		return nil
	}
	msg := filekind.Mismatch(path, flag, want, filekind.Of(path))
	if msg == "" {
		return nil
	}
	return &cliui.UsageError{Err: errors.New(msg), Hint: "Run 'scim-migrate --help' for the commands."}
}
