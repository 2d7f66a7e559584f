package app

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// versionString is the version --version and version print: the one linked
// in (make build, release archives), or else the module version go install
// recorded, with the VCS commit of the build when the build recorded one.
func versionString(linked string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return orDev(linked)
	}
	v := linked
	if v == "" || v == "dev" {
		v = bi.Main.Version
	}
	return orDev(v) + commitOf(bi)
}

func orDev(v string) string {
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}

// commitOf says which commit a build came from, when the build recorded it.
func commitOf(bi *debug.BuildInfo) string {
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	rev = rev[:min(len(rev), 12)]
	if modified == "true" {
		return fmt.Sprintf(" (commit %s, modified)", rev)
	}
	return fmt.Sprintf(" (commit %s)", rev)
}

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, and the commit it was built from",
		Action: func(c *cli.Context) error {
			if err := noArguments(c); err != nil {
				return withHint(err, c)
			}
			fmt.Fprintf(e.stdout, "scim-migrate version %s\n", versionString(e.deps.Version))
			return nil
		},
	}
}
