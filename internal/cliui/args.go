package cliui

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// The command line read before urfave/cli parses it: what a refused command
// line is still to be answered with (JSON logs, a JSON document), and the
// mistakes urfave/cli would let pass.

// fileFlags are the flags that name the one file a command works on.
var fileFlags = map[string]string{"-f": "--manifest", "--manifest": "--manifest", "--plan": "--plan", "--from": "--from"}

// RepeatedFileFlag refuses a file flag given twice: urfave/cli would keep
// the last one silently, and a run must work on the file the user meant.
func RepeatedFileFlag(args []string) error {
	seen := map[string]int{}
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if canonical, ok := fileFlags[name]; ok {
			if seen[canonical]++; seen[canonical] == 2 {
				return &UsageError{Err: fmt.Errorf("%s is given twice: give one file", canonical),
					Hint: "Run 'scim-migrate --help' for the commands and their flags."}
			}
		}
	}
	return nil
}

// JSONLogsAsked reports whether stderr is to carry JSON lines only, before
// the flags are parsed, so that even a refused command line is reported in
// JSON to a log collector that asked for it.
func JSONLogsAsked(args []string, getenv func(string) string) bool {
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

// FormatOnCommandLine reports whether --format is given on the command
// line, which wins over the environment.
func FormatOnCommandLine(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--format" || strings.HasPrefix(a, "--format=") {
			return true
		}
	}
	return false
}

// CommandOf is the (sub)command named on the command line: "apply",
// "tokens audit"; empty when there is none.
func CommandOf(args []string) string {
	var words []string
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
		if a != "tokens" {
			break
		}
	}
	return strings.Join(words, " ")
}

// JSONFormatAsked reports whether the command line asks app's command for
// --format json, read without the flags being parsed. As urfave/cli does,
// it reads flags up to the first positional argument: a --format after it
// is refused, not taken.
func JSONFormatAsked(app *cli.App, args []string) bool {
	return jsonFormatAsked(args, boolFlags(app, CommandOf(args)))
}

// jsonFormatAsked is JSONFormatAsked, given the command's flags that take
// no value (bools).
func jsonFormatAsked(args []string, bools map[string]bool) bool {
	format := ""
	rest := args[min(len(args), 1+len(strings.Fields(CommandOf(args)))):]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--" || !strings.HasPrefix(a, "-"):
			return IsJSON(format)
		case hasValue || bools[name]:
		case i+1 < len(rest):
			value = rest[i+1]
			i++
		}
		if name == "format" {
			format = value
		}
	}
	return IsJSON(format)
}

// boolFlags names the flags of a (sub)command that take no value.
func boolFlags(app *cli.App, command string) map[string]bool {
	out := map[string]bool{"help": true, "h": true}
	cmds := app.Commands
	var cmd *cli.Command
	for _, word := range strings.Fields(command) {
		for _, c := range cmds {
			if c.Name == word {
				cmd, cmds = c, c.Subcommands
			}
		}
	}
	if cmd == nil {
		return out
	}
	for _, f := range cmd.Flags {
		if _, ok := f.(*cli.BoolFlag); ok {
			for _, n := range f.Names() {
				out[n] = true
			}
		}
	}
	return out
}

// IsJSON reports whether a --format value (as typed, or from the
// environment) asks for JSON.
func IsJSON(format string) bool { return strings.EqualFold(strings.TrimSpace(format), "json") }
