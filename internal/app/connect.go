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
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/session"
)

// connected is a command's session, with the options it was opened with,
// which the command's output follows (--quiet, --log-format).
type connected struct {
	*session.Session
	opts options.Connect
}

// connect opens the session of a command that talks to a tenant. Nothing is
// sent yet: the first request fetches the token.
func (e *env) connect(o options.Connect) (*connected, error) {
	s, err := session.Connect(e.sessionOptions(o))
	if err != nil {
		return nil, err
	}
	return &connected{Session: s, opts: o}, nil
}

// sessionOptions is the one place the parsed options and the environment
// become what a session needs.
func (e *env) sessionOptions(o options.Connect) session.Options {
	return session.Options{
		Tenant: o.Tenant, Audience: o.Audience, TokenFile: o.TokenFile, Named: o.Named,
		Transport: auth0api.TransportOptions{RPS: o.RPS, Reserve: o.TransportReserve(), MaxRetries: o.MaxRetries,
			AttemptTimeout: o.Timeout, Clock: e.deps.Clock},
		Concurrency: o.Concurrency,
		Logger:      newLogger(e.stderr, o, e.streams.ErrTerminal),
		Version:     e.deps.Version, Getenv: e.deps.Getenv, Base: e.deps.Base, Now: e.deps.Now, Stop: e.deps.Stop,
		OpenReport: e.deps.OpenReport, Redact: e.addSecret,
	}
}

// reportsOf is where a writing run's report goes.
func reportsOf(o options.Write) session.Reports {
	return session.Reports{Path: o.ReportPath, Dir: o.ReportDir, Keep: o.Keep}
}

// addSecret makes the outputs redact one more secret (a token read from a
// file is known only once the file is read).
func (e *env) addSecret(s string) { e.secrets.Add(s) }

// newLogger builds the run's logger on stderr, at the level the logging
// flags decide (options.Log.LevelFor).
func newLogger(w io.Writer, o options.Connect, terminal bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: o.LevelFor(terminal)}
	if o.JSONLogs() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// readManifest reads the manifest at path, or from standard input for "-",
// telling JSON from CSV by content there.
func (e *env) readManifest(path string) (*manifest.Manifest, error) {
	if !options.IsStdin(path) {
		m, err := readManifestFile(path)
		if err != nil {
			if wrong := wrongKind(path, "-f", filekind.Manifest); wrong != nil {
				return nil, wrong
			}
		}
		return m, err
	}
	data, err := fileutil.ReadAtMost(e.streams.In, manifest.MaxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("read the manifest from standard input: %w", err)
	}
	return manifest.ParseDetect(options.StdinName, data)
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
	if options.IsStdin(path) {
		return nil
	}
	msg := filekind.Mismatch(path, flag, want, filekind.Of(path))
	if msg == "" {
		return nil
	}
	return &cliui.UsageError{Err: errors.New(msg), Hint: "Run 'scim-migrate --help' for the commands."}
}
