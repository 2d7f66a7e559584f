package cliui

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/suggest"
	"github.com/urfave/cli/v2"
)

// UsageError is a mistake on the command line: one line saying what is
// wrong, and a hint to --help.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// HelpHint is the line after a usage error of the command helpName
// ("scim-migrate plan").
func HelpHint(helpName string) string {
	return fmt.Sprintf("Run '%s --help' for its flags.", helpName)
}

// withHint gives a usage error of a command the hint to its --help.
func withHint(err error, c *cli.Context) error {
	return &UsageError{Err: err, Hint: HelpHint(c.Command.HelpName)}
}

// OnUsageError turns urfave/cli's flag errors into one line and a hint to
// --help (exit 1, nothing on stdout) instead of printing the whole help.
func OnUsageError(c *cli.Context, err error, _ bool) error {
	name := "scim-migrate"
	if c.Command != nil && c.Command.HelpName != "" {
		name = c.Command.HelpName
	}
	return &UsageError{Err: suggestFlag(clearerFlagError(err), c), Hint: HelpHint(name)}
}

// withUsageErrors makes a command and its subcommands refuse a mistake on
// the command line in one line, as the application does.
func withUsageErrors(c *cli.Command) {
	c.OnUsageError = OnUsageError
	for _, sub := range c.Subcommands {
		withUsageErrors(sub)
	}
}

// undefinedFlag matches the flag package's message for an unknown flag.
var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)

// suggestFlag names the flag the user most likely meant (--dryrun:
// --dry-run) among the command's own.
func suggestFlag(err error, c *cli.Context) error {
	m := undefinedFlag.FindStringSubmatch(err.Error())
	if m == nil || c.Command == nil {
		return err
	}
	var names []string
	for _, f := range c.Command.VisibleFlags() {
		names = append(names, f.Names()...)
	}
	if near := suggest.Closest(m[1], names); near != "" {
		return fmt.Errorf("unknown flag --%s; did you mean %s?", m[1], dashed(near))
	}
	return fmt.Errorf("unknown flag --%s", m[1])
}

// dashed writes a flag's name as it is typed.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// DidYouMean is the end of an error about a value that is not one of
// choices: the nearest of them, when one is near.
func DidYouMean(value string, choices []string) string {
	if near := suggest.Closest(strings.TrimSpace(value), choices); near != "" {
		return fmt.Sprintf("; did you mean %q?", near)
	}
	return ""
}

// UnknownCommand turns urfave/cli's answer to an unknown command ("No help
// topic for 'plna'") into a usage error naming the nearest command.
// A mistyped subcommand (tokens audti) is looked for among its parent's
// subcommands.
func UnknownCommand(err error, args []string, commands []*cli.Command) error {
	var exit cli.ExitCoder
	const prefix = "No help topic for '"
	if !errors.As(err, &exit) || !strings.HasPrefix(err.Error(), prefix) {
		return err
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), prefix), "'")
	parent := "scim-migrate"
	for _, c := range commands {
		if len(c.Subcommands) > 0 && len(args) > 2 && c.HasName(args[1]) && args[2] == name {
			parent, commands = "scim-migrate "+c.Name, c.Subcommands
		}
	}
	var names []string
	for _, c := range commands {
		names = append(names, c.Name)
	}
	msg := fmt.Sprintf("%q is not a %s command", name, parent)
	if near := suggest.Closest(name, names); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return &UsageError{Err: errors.New(msg), Hint: fmt.Sprintf("Run '%s --help' for the commands.", parent)}
}

// badValue matches urfave/cli's message for a value its flag cannot parse.
var badValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([a-z-]+): (.*)$`)

// badEnvValue matches urfave/cli's message for an environment variable whose
// value its flag cannot parse.
var badEnvValue = regexp.MustCompile(`^could not parse "(.*)" (?:as [a-z0-9]+ value )?from environment variable "([^"]+)" (?:as value )?for flag ([a-z-]+): (.*)$`)

// clearerFlagError says what form a flag's value takes where urfave/cli
// says only "parse error".
// An environment variable's is named, with the flag it stands for.
func clearerFlagError(err error) error {
	if m := badEnvValue.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("environment variable %s=%q (--%s): %s", m[2], m[1], m[3], valueForm(m[3], m[4]))
	}
	m := badValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	return fmt.Errorf("--%s %q: %s", m[2], m[1], valueForm(m[2], m[3]))
}

// wholeNumberFlags are the flags whose values are whole numbers.
var wholeNumberFlags = map[string]bool{"concurrency": true, "max-retries": true, "keep": true, "keep-newest": true}

// valueForm says what form a flag's value takes, given the parser's
// complaint about the one it got.
func valueForm(flag, complaint string) string {
	switch {
	case strings.Contains(complaint, durationForm): // a flag made by DurationFlag
		return "give a duration with its unit, such as 30s, 5m, 24h, 30d or 52w"
	case wholeNumberFlags[flag], strings.Contains(complaint, "strconv.ParseInt"), strings.Contains(complaint, "strconv.ParseUint"):
		return "give a whole number"
	case flag == "reserve", strings.Contains(complaint, "strconv.ParseFloat"):
		return "give a number"
	case strings.Contains(complaint, "strconv.ParseBool"):
		return "give true or false"
	}
	return complaint
}

// NoArguments refuses positional arguments for commands that take none.
func NoArguments(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return withHint(fmt.Errorf("unexpected arguments %q; flags go before any argument", c.Args().Slice()), c)
	}
	return nil
}
