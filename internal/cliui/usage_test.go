package cliui

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runApp runs testApp's command line with the conventions, and returns its
// error.
func runApp(args ...string) error {
	app := testApp()
	app.Writer, app.ErrWriter = io.Discard, io.Discard
	app.ExitErrHandler = func(*cli.Context, error) {}
	app.Commands[0].Flags = append(app.Commands[0].Flags, DurationFlag("timeout", 0, "a `DURATION`"), &cli.IntFlag{Name: "concurrency"})
	app.Commands[0].Action = func(*cli.Context) error { return nil }
	Setup(app, args, io.Discard, nil)
	return UnknownCommand(app.Run(HelpOfSubcommand(args)), args, app.Commands)
}

// A mistake on the command line is one line, naming what was most likely
// meant, and a hint to --help.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ args, want, hint string }{
		{"plna", `"plna" is not a scim-migrate command; did you mean "plan"?`, "Run 'scim-migrate --help' for the commands."},
		{"tokens audti", `"audti" is not a scim-migrate tokens command; did you mean "audit"?`, "Run 'scim-migrate tokens --help' for the commands."},
		{"plan --dryrun", "unknown flag --dryrun; did you mean --dry-run?", "Run 'scim-migrate plan --help' for its flags."},
		{"plan --zzzzzzzz", "unknown flag --zzzzzzzz", "Run 'scim-migrate plan --help' for its flags."},
		{"plan --timeout 5", `--timeout "5": give a duration with its unit, such as 30s, 5m, 24h, 30d or 52w`, "Run 'scim-migrate plan --help' for its flags."},
		{"plan --concurrency many", `--concurrency "many": give a whole number`, "Run 'scim-migrate plan --help' for its flags."},
	} {
		err := runApp(append([]string{"scim-migrate"}, strings.Fields(tc.args)...)...)
		var usage *UsageError
		if !errors.As(err, &usage) || err.Error() != tc.want || usage.Hint != tc.hint {
			t.Errorf("%s: %v (%#v), want %q and the hint %q", tc.args, err, usage, tc.want, tc.hint)
		}
	}
	if err := runApp("scim-migrate", "plan", "--timeout", "30d"); err != nil {
		t.Errorf("plan --timeout 30d: %v", err)
	}
}

// An environment variable urfave/cli cannot parse is named, with its flag.
func TestClearerFlagError_environment(t *testing.T) {
	t.Parallel()
	err := clearerFlagError(errors.New(`could not parse "x" as int value from environment variable "SCIM_MIGRATE_CONCURRENCY" for flag concurrency: parse error`))
	if want := `environment variable SCIM_MIGRATE_CONCURRENCY="x" (--concurrency): give a whole number`; err.Error() != want {
		t.Errorf("%v, want %s", err, want)
	}
	_, complaint := parseDuration("5")
	err = clearerFlagError(fmt.Errorf(`could not parse "5" from environment variable "SCIM_MIGRATE_TIMEOUT" as value for flag timeout: %v`, complaint))
	if want := `environment variable SCIM_MIGRATE_TIMEOUT="5" (--timeout): give a duration with its unit, such as 30s, 5m, 24h, 30d or 52w`; err.Error() != want {
		t.Errorf("%v, want %s", err, want)
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	if got := DidYouMean(" markdwon", []string{"text", "markdown"}); got != `; did you mean "markdown"?` {
		t.Errorf("DidYouMean: %q", got)
	}
	if got := DidYouMean("yaml", []string{"text", "markdown"}); got != "" {
		t.Errorf("DidYouMean of nothing near: %q", got)
	}
}
