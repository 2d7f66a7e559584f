package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/urfave/cli/v2"
)

// Streams are the command's input and output, injected so every command can
// be run in-process by tests, with a terminal or without.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTerminal, OutTerminal and ErrTerminal say whether each stream is an
	// interactive terminal (prompts, colour and progress bars depend on it).
	InTerminal, OutTerminal, ErrTerminal bool
}

// Deps are the command's links to its environment.
type Deps struct {
	Version string
	Getenv  func(string) string
	Now     func() time.Time
	// Base is the HTTP round tripper under the tool's transport (nil: the
	// default); tests use it to trust a test certificate authority.
	Base http.RoundTripper
	// Stop is closed on the first interrupt (SIGINT or SIGTERM): a writing
	// run starts no new write, finishes those in flight and exits 130. The
	// context given to Run is cancelled on the second one.
	Stop <-chan struct{}
	// OpenReport creates a run's report file (nil: a private file); tests
	// give one that fails as a full disk does.
	OpenReport runlog.Opener
}

func (d Deps) withDefaults() Deps {
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Version == "" {
		d.Version = "dev"
	}
	if d.Stop == nil {
		d.Stop = make(chan struct{})
	}
	return d
}

// env is the state one invocation shares between its commands.
type env struct {
	streams Streams
	deps    Deps
	stdout  io.Writer // Streams.Out with secrets redacted
	stderr  io.Writer // Streams.Err with secrets redacted
}

// Run runs scim-migrate with args (args[0] is the program name) and returns
// the exit code. It never calls os.Exit and never panics on bad input.
func Run(ctx context.Context, args []string, streams Streams, deps Deps) int {
	deps = deps.withDefaults()
	secrets := []string{deps.Getenv("AUTH0_CLIENT_SECRET"), deps.Getenv("AUTH0_API_TOKEN")}
	e := &env{
		streams: streams,
		deps:    deps,
		stdout:  newRedactingWriter(streams.Out, secrets...),
		stderr:  newRedactingWriter(streams.Err, secrets...),
	}
	err := newApp(e).RunContext(ctx, args)
	e.printOutcome(err)
	return exitCode(err)
}

// printOutcome is the single place that prints a command's failure. Problems
// in an input are printed one per line, FILE:LINE first, as compilers do.
func (e *env) printOutcome(err error) {
	if silent(err) {
		return
	}
	var problems manifest.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		fmt.Fprintf(e.stderr, "Error: %d problem(s) found; nothing was written to the tenant\n", len(problems))
		return
	}
	fmt.Fprintln(e.stderr, "Error: "+indentLines(err.Error()))
}

// indentLines keeps a multi-line message readable after its "Error: " prefix.
func indentLines(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// newApp builds the command-line application. Flag values live in the
// commands' own flag sets, never in package variables, so two runs in one
// process (tests) cannot see each other's flags.
func newApp(e *env) *cli.App {
	return &cli.App{
		Name:    "scim-migrate",
		Usage:   "migrate the SCIM configuration of many Auth0 connections at once, safely",
		Version: e.deps.Version,
		Description: "Reads a manifest (CSV or JSON) of the SCIM configuration each connection should have, " +
			"compares it with the tenant and shows the difference (plan), writes the changes through a " +
			"rate-limited worker pool (apply), recording each connection's state before the write in a " +
			"report, so that rollback can undo the run.\n\n" + exitCodeHelp,
		Writer:         e.stdout,
		ErrWriter:      e.stderr,
		Reader:         e.streams.In,
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsageError,
		Commands: []*cli.Command{
			validateCommand(e),
			planCommand(e),
			applyCommand(e),
			rollbackCommand(e),
			exportCommand(e),
			reportCommand(e),
		},
	}
}

const exitCodeHelp = `Exit codes:
   0    done: everything applied, or nothing to do
   1    could not run: bad flags, invalid manifest or report, authentication failure; nothing was sent to the tenant
   2    plan --detailed-exitcode only: the plan has changes
   3    finished, but at least one connection failed, conflicted or is unknown (see the report)
   4    stopped early after writes were sent (report unwritable, credentials revoked, missing scope): rollback --from the report undoes them
   130  interrupted (SIGINT or SIGTERM): no new write was sent; see the report`

// onUsageError turns urfave's flag errors into usage errors (exit 1) with a
// pointer to --help instead of printing the whole help.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return &usageError{fmt.Errorf("%w (see %s --help)", err, c.Command.HelpName)}
}
