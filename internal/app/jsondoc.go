package app

import (
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

// docCommands are the commands whose --format json is a document about the
// command's outcome (not a file's content, as export's is).
var docCommands = map[string]bool{
	"validate": true, "plan": true, "apply": true, "rollback": true,
	"tokens audit": true, "tokens issue": true, "tokens revoke": true, "tokens rotate": true,
}

// failureDoc is the one JSON document of a command run with --format json
// that failed before it could make its own (a flag or an environment
// variable it refused, most often): a script parsing stdout always gets a
// document, with the error. It is nil when no such document is owed.
func failureDoc(app *cli.App, args []string, getenv func(string) string, code int, err error) any {
	command := commandOf(args)
	asked := jsonFormatAsked(args, boolFlags(app, command)) ||
		resultFormatCommands[command] && !formatOnCommandLine(args) && isJSON(getenv(formatEnv))
	if silent(err) || !docCommands[command] || !asked {
		return nil
	}
	return report.Failed(command, code, err)
}

// resultFormatCommands are the commands whose --format is the result's,
// which SCIM_MIGRATE_FORMAT sets.
var resultFormatCommands = map[string]bool{
	"validate": true, "apply": true, "rollback": true, "tokens issue": true, "tokens revoke": true, "tokens rotate": true,
}

// formatOnCommandLine reports whether --format is given on the command
// line, which wins over the environment.
func formatOnCommandLine(args []string) bool {
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

// commandOf is the (sub)command named on the command line: "apply",
// "tokens audit"; empty when there is none.
func commandOf(args []string) string {
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

// jsonFormatAsked reports whether the command line asks for --format json,
// read without the flags being parsed. As urfave/cli does, it reads flags up
// to the first positional argument: a --format after it is refused, not
// taken (bools names the command's flags that take no value).
func jsonFormatAsked(args []string, bools map[string]bool) bool {
	format := ""
	rest := args[min(len(args), 1+len(strings.Fields(commandOf(args)))):]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--" || !strings.HasPrefix(a, "-"):
			return isJSON(format)
		case hasValue || bools[name]:
		case i+1 < len(rest):
			value = rest[i+1]
			i++
		}
		if name == "format" {
			format = value
		}
	}
	return isJSON(format)
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

func isJSON(format string) bool { return strings.EqualFold(strings.TrimSpace(format), "json") }
