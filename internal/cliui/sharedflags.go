package cliui

import (
	"flag"

	"github.com/urfave/cli/v2"
)

// privateBoolFlag is one of urfave/cli's package-wide flags (--help,
// --version), which every application and command shares: its Apply works
// on a copy, because the library's own writes its defaults into the shared
// value, and two runs in one process (parallel tests) would write together.
type privateBoolFlag struct{ *cli.BoolFlag }

// Apply registers a copy of the flag in set.
func (f privateBoolFlag) Apply(set *flag.FlagSet) error {
	c := *f.BoolFlag
	return c.Apply(set)
}

func init() {
	if b, ok := cli.HelpFlag.(*cli.BoolFlag); ok {
		cli.HelpFlag = privateBoolFlag{b}
	}
	if b, ok := cli.VersionFlag.(*cli.BoolFlag); ok {
		cli.VersionFlag = privateBoolFlag{b}
	}
}
