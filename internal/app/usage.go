package app

import (
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/options"
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

// checkLogging refuses the mistakes of the logging and output flags of a
// command that reads no other (version).
func checkLogging(c *cli.Context) error {
	_, err := options.ParseLog(c)
	return withHint(err, c)
}
