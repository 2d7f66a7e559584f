package app

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/suggest"
	"github.com/urfave/cli/v2"
)

// helpHint is the line after a usage error.
func helpHint(helpName string) string {
	return fmt.Sprintf("Run '%s --help' for its flags.", helpName)
}

// onUsageError turns urfave/cli's flag errors into one line and a hint to
// --help (exit 1, nothing on stdout) instead of printing the whole help.
func onUsageError(c *cli.Context, err error, _ bool) error {
	name := "scim-migrate"
	if c.Command != nil && c.Command.HelpName != "" {
		name = c.Command.HelpName
	}
	return &usageError{err: suggestFlag(clearerFlagError(err), c), hint: helpHint(name)}
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

// didYouMean is the end of an error about a value that is not one of
// choices: the nearest of them, when one is near.
func didYouMean(value string, choices []string) string {
	if near := suggest.Closest(strings.TrimSpace(value), choices); near != "" {
		return fmt.Sprintf("; did you mean %q?", near)
	}
	return ""
}

// badValue matches urfave/cli's message for a value its flag cannot parse.
var badValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([a-z-]+): (.*)$`)

// badEnvValue matches urfave/cli's message for an environment variable whose
// value its flag cannot parse.
var badEnvValue = regexp.MustCompile(`^could not parse "(.*)" (?:as [a-z0-9]+ value )?from environment variable "([^"]+)" (?:as value )?for flag ([a-z-]+): (.*)$`)

// durationFlags are the flags whose values are durations.
var durationFlags = map[string]bool{"timeout": true, "max-plan-age": true, "within": true, "lifetime": true, "older-than": true}

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
	case durationFlags[flag]:
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

// withHint gives a usage error from a command's parse function the hint to
// that command's --help.
func withHint(err error, c *cli.Context) error {
	var u *usageError
	if errors.As(err, &u) && u.hint == "" {
		u.hint = helpHint(c.Command.HelpName)
	}
	return err
}

// fileFlags are the flags that name the one file a command works on.
var fileFlags = map[string]string{"-f": "--manifest", "--manifest": "--manifest", "--plan": "--plan", "--from": "--from"}

// repeatedFileFlag refuses a file flag given twice: urfave/cli would keep
// the last one silently, and a run must work on the file the user meant.
func repeatedFileFlag(args []string) error {
	seen := map[string]int{}
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if canonical, ok := fileFlags[name]; ok {
			if seen[canonical]++; seen[canonical] == 2 {
				return &usageError{err: fmt.Errorf("%s is given twice: give one file", canonical),
					hint: "Run 'scim-migrate --help' for the commands and their flags."}
			}
		}
	}
	return nil
}

// jsonLogsAsked reports whether stderr is to carry JSON lines only, before
// the flags are parsed, so that even a refused command line is reported in
// JSON to a log collector that asked for it.
func jsonLogsAsked(args []string, getenv func(string) string) bool {
	format := getenv("SCIM_MIGRATE_LOG_FORMAT")
	for i, a := range args {
		switch {
		case a == "--log-format" && i+1 < len(args):
			format = args[i+1]
		case strings.HasPrefix(a, "--log-format="):
			format = strings.TrimPrefix(a, "--log-format=")
		}
	}
	return format == "json"
}

// stdinName names the manifest read from standard input (-f -) in problems.
const stdinName = "stdin"

// isStdin reports whether a file argument means standard input.
func isStdin(path string) bool { return path == "-" }
