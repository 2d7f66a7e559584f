// Command scim-migrate migrates the SCIM configuration of many Auth0
// connections at once, safely. This file only wires the process to the app.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scim-migrate/scim-migrate/internal/app"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, the version comes from the build information (go install).
var version = ""

func main() {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	streams := app.Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
	if streams.OutTerminal {
		streams.Width, _, _ = term.GetSize(int(os.Stdout.Fd()))
	}
	os.Exit(app.Run(context.Background(), os.Args, streams, app.Deps{Version: version, Signals: signals}))
}
