package app

import (
	"io"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/urfave/cli/v2"
)

// countingWriter tells whether anything was written through it, so that Run
// knows a command that failed left stdout empty.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

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
		resultFormatCommands[command] && !cliui.FormatOnCommandLine(args) && isJSON(getenv(formatEnv))
	if silent(err) || !docCommands[command] || !asked {
		return nil
	}
	switch command {
	case "validate":
		return validateResult("", err)
	case "plan", "tokens audit":
		return &failedDoc{Command: command, ExitCode: code, Error: err.Error()}
	}
	return &runDoc{Command: command, ExitCode: code, Error: err.Error()}
}

// resultFormatCommands are the commands whose --format is the result's,
// which SCIM_MIGRATE_FORMAT sets.
var resultFormatCommands = map[string]bool{
	"validate": true, "apply": true, "rollback": true, "tokens issue": true, "tokens revoke": true, "tokens rotate": true,
}

// failedDoc is the document of a read-only command that failed before its
// own (a plan, an audit) could be made.
type failedDoc struct {
	Command  string `json:"command"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error"`
}

func isJSON(format string) bool { return strings.EqualFold(strings.TrimSpace(format), "json") }
