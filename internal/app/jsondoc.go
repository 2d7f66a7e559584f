package app

import (
	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/options"
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
	command := cliui.CommandOf(args)
	asked := cliui.JSONFormatAsked(app, args) ||
		options.FormatFromEnv(command) && !cliui.FormatOnCommandLine(args) && cliui.IsJSON(getenv(options.FormatEnv))
	if silent(err) || !docCommands[command] || !asked {
		return nil
	}
	return report.Failed(command, code, err)
}
