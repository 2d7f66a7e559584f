package cliui

import (
	"io"

	"github.com/urfave/cli/v2"
)

// Setup gives app, once its commands are in it, the command line's
// conventions: a mistake on the command line refused in one line with a
// did-you-mean, shell completion of args (the whole command line, its
// candidates written to stdout), and no help command shared with other
// applications in the process ("help COMMAND" goes through
// HelpOfSubcommand). formats names the values of a command's --format, for
// completion (nil: none).
func Setup(app *cli.App, args []string, stdout io.Writer, formats func(command string) []string) {
	app.OnUsageError = OnUsageError
	app.EnableBashCompletion = true
	hideHelpCommands(app)
	for _, c := range app.Commands {
		withUsageErrors(c)
		withCompletion(c, args, stdout, formats)
	}
}
