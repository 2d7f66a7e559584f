package app

import (
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/urfave/cli/v2"
)

// withHint gives a usage error from a command's parse function the hint to
// that command's --help.
func withHint(err error, c *cli.Context) error {
	var u *cliui.UsageError
	if errors.As(err, &u) && u.Hint == "" {
		u.Hint = cliui.HelpHint(c.Command.HelpName)
	}
	return err
}

// usageHint is the line printed after a usage error (a command's, a flag
// urfave/cli refused, an unknown command): empty when err is none.
func usageHint(err error) string {
	var u *cliui.UsageError
	if errors.As(err, &u) {
		return u.Hint
	}
	return ""
}

// helpGroups are the headings a command's flags are grouped under in its
// help, after its own: the tenant's, then logging and output.
func helpGroups() []cliui.FlagGroup {
	return []cliui.FlagGroup{
		{Heading: "TENANT OPTIONS", Flags: tenantFlags()},
		{Heading: "LOGGING AND OUTPUT OPTIONS", Flags: loggingFlags()},
	}
}

// checkLogging refuses the mistakes of the logging and output flags of a
// command that reads no other (version).
func checkLogging(c *cli.Context) error {
	_, err := parseLogging(c)
	return withHint(err, c)
}

// stdinName names the manifest read from standard input (-f -) in problems.
const stdinName = "stdin"

// isStdin reports whether a file argument means standard input.
func isStdin(path string) bool { return path == "-" }
