package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/report"
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
	// interactive terminal (colour and progress bars depend on it).
	InTerminal, OutTerminal, ErrTerminal bool
	// Width is the width in columns of the terminal stdout is (0: unknown
	// or not a terminal); help is wrapped to it.
	Width int
}

// Deps are the command's links to its environment.
type Deps struct {
	Version string
	Getenv  func(string) string
	// Now is the time of the run's records: reports, plans, handoffs, the
	// lock (nil: Clock's).
	Now func() time.Time
	// Clock is the time the tenant's client waits on and measures: the
	// pacer's turns, pauses and backoffs, the access token's age (nil: the
	// real clock). Tests give a fake one, so that a run through minutes of
	// rate limits takes milliseconds.
	Clock pacer.Clock
	// Base is the HTTP round tripper under the tool's transport (nil: the
	// default); tests use it to trust a test certificate authority.
	Base http.RoundTripper
	// Signals, when set, delivers SIGINT and SIGTERM: the first closes Stop,
	// the second cancels the run's context (see console.Interrupts).
	Signals <-chan os.Signal
	// Stop is closed on the first interrupt: a writing run starts no new
	// write, finishes those in flight and exits 130. The context given to
	// Run is cancelled on the second one.
	Stop <-chan struct{}
	// OpenReport creates a run's report file (nil: a private file); tests
	// give one that fails as a full disk does.
	OpenReport runlog.Opener
	// OpenTerminal opens the controlling terminal, where apply and rollback
	// ask before writing (nil: /dev/tty, or the console on Windows); tests
	// give a fake one, or one that is not there.
	OpenTerminal func() (io.ReadWriteCloser, error)
	// StatusEvery is how often a run without a terminal logs its progress
	// (0: every 10 s); tests shorten it.
	StatusEvery time.Duration
}

func (d Deps) withDefaults() Deps {
	if d.Getenv == nil {
		d.Getenv = os.Getenv
	}
	if d.Clock == nil {
		d.Clock = pacer.System
	}
	if d.Now == nil {
		d.Now = d.Clock.Now
	}
	if d.Stop == nil {
		d.Stop = make(chan struct{})
	}
	if d.OpenTerminal == nil {
		d.OpenTerminal = console.OpenTerminal
	}
	return d
}

// env is the state one invocation shares between its commands.
type env struct {
	streams Streams
	deps    Deps
	stdout  io.Writer // Streams.Out with secrets redacted, counted (out)
	out     *console.CountingWriter
	stderr  io.Writer // Streams.Err with secrets redacted
	// secrets are what stdout and stderr redact.
	secrets *console.Secrets
	// jsonLogs says stderr carries JSON lines only (--log-format json).
	jsonLogs bool
	// stage is how far the command has gone towards writing, for what an
	// interrupt says; the signal's goroutine reads it.
	stage console.Reached
	// args is the command line, which shell completion reads.
	args []string
	// noColor is --no-color: renderings for people carry no colour.
	noColor bool
}

// Run runs scim-migrate with args (args[0] is the program name) and returns
// the exit code. It never calls os.Exit and never panics on bad input.
func Run(ctx context.Context, args []string, streams Streams, deps Deps) int {
	deps = deps.withDefaults()
	secrets := console.NewSecrets(deps.Getenv("AUTH0_CLIENT_SECRET"), deps.Getenv("AUTH0_API_TOKEN"))
	out := &console.CountingWriter{W: secrets.Redact(streams.Out)}
	e := &env{
		streams:  streams,
		deps:     deps,
		stdout:   out,
		out:      out,
		stderr:   secrets.Redact(streams.Err),
		secrets:  secrets,
		jsonLogs: cliui.JSONLogsAsked(args, deps.Getenv),
		args:     args,
	}
	if deps.Signals != nil {
		var cancel context.CancelFunc
		notice := func() { console.NoticeInterrupt(e.stderr, e.jsonLogs, e.stage.Load()) }
		ctx, e.deps.Stop, cancel = console.Interrupts(ctx, deps.Signals, notice)
		defer cancel()
	}
	err := cliui.RepeatedFileFlag(args)
	app := newApp(e)
	ctx, slot := withDocSlot(ctx)
	if err == nil {
		err = cliui.UnknownCommand(app.RunContext(ctx, cliui.HelpOfSubcommand(args)), args, app.Commands)
	}
	code := exitCode(err)
	e.printOutcome(err)
	e.printDoc(slot.doc, failureDoc(app, args, e.deps.Getenv, code, err), code, err)
	return code
}

// printDoc prints the command's JSON document, when it asked for one; and,
// with --format json, one for a failure that left stdout empty.
func (e *env) printDoc(result resultDoc, doc any, code int, err error) {
	switch {
	case result != nil:
		doc = result.complete(code, err)
	case e.out.Written() || doc == nil:
		return
	}
	b, merr := json.MarshalIndent(doc, "", "  ")
	if merr != nil {
		fmt.Fprintf(e.stderr, "Error: encode the JSON result: %v\n", merr)
		return
	}
	_, _ = e.stdout.Write(append(b, '\n'))
}

// printOutcome is the single place that prints a command's failure, on
// stderr: text, problems in an input one per line, FILE:LINE first, as
// compilers do; or, with --log-format json, one JSON object per line.
func (e *env) printOutcome(err error) {
	if silent(err) {
		return
	}
	var problems manifest.Problems
	isProblems := errors.As(err, &problems)
	if e.jsonLogs {
		e.logOutcome(err, problems)
		return
	}
	if isProblems {
		for _, p := range problems {
			fmt.Fprintln(e.stderr, p.Error())
		}
		fmt.Fprintf(e.stderr, "Error: %s found; nothing was written to the tenant\n", report.Plural(len(problems), "problem"))
		return
	}
	fmt.Fprintln(e.stderr, "Error: "+indentLines(err.Error()))
	if hint := usageHint(err); hint != "" {
		fmt.Fprintln(e.stderr, hint)
	}
}

// logOutcome prints a failure as JSON log lines.
func (e *env) logOutcome(err error, problems manifest.Problems) {
	// Error lines pass every level the command's logger may have had.
	logger := slog.New(slog.NewJSONHandler(e.stderr, nil))
	for _, p := range problems {
		logger.Error("problem", "file", p.Pos.File, "line", p.Pos.Line, "message", p.Message)
	}
	logger.Error(err.Error(), "exit_code", exitCode(err))
}

// indentLines keeps a multi-line message readable after its "Error: " prefix.
func indentLines(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// newApp builds the command-line application. Flag values live in the
// commands' own flag sets, never in package variables, so two runs in one
// process (tests) cannot see each other's flags.
func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:    "scim-migrate",
		Usage:   "migrate the SCIM configuration of many Auth0 connections at once, safely",
		Version: cliui.VersionString(e.deps.Version),
		Description: "Reads a manifest (CSV or JSON) of the SCIM configuration each connection should have, " +
			"compares it with the tenant and shows the difference (plan), writes the changes through a " +
			"rate-limited worker pool (apply), recording each connection's state before the write in a " +
			"report, so that rollback can undo the run.\n\n" + exitCodeHelp,
		Writer:         cliui.HelpWriter(e.stdout, e.streams.Width, options.HelpGroups()...),
		ErrWriter:      e.stderr,
		Reader:         e.streams.In,
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			validateCommand(e),
			planCommand(e),
			applyCommand(e),
			rollbackCommand(e),
			exportCommand(e),
			tokensCommand(e),
			reportCommand(e),
			cliui.CompletionCommand(e.stdout, options.LogFlags()),
			cliui.VersionCommand(e.stdout, e.deps.Version, options.LogFlags(), checkLogging),
			cliui.ManCommand(e.stdout, options.LogFlags()),
		},
	}
	cliui.Setup(app, e.args, e.stdout, options.FormatNames)
	for _, c := range app.Commands {
		withOutputFlags(e, c)
	}
	return app
}

// withOutputFlags reads, before a command runs, the output flags its
// renderings follow (--no-color), so that no command passes them down.
func withOutputFlags(e *env, c *cli.Command) {
	c.Before = func(ctx *cli.Context) error {
		e.noColor = e.noColor || ctx.Bool("no-color")
		return nil
	}
	for _, sub := range c.Subcommands {
		withOutputFlags(e, sub)
	}
}

const exitCodeHelp = `Exit codes:
   0    done: everything applied, or nothing to do
   1    could not run: bad flags, invalid manifest or report, authentication failure; nothing was sent to the tenant
   2    with --detailed-exitcode (plan, tokens audit): the plan has changes, or the audit flagged a token
   3    finished, but at least one connection failed, conflicted or is unknown (see the report)
   4    stopped early after writes were sent (report unwritable, credentials revoked, missing scope): rollback --from the report undoes them
   130  interrupted (SIGINT or SIGTERM): no new write was sent; see the report`
