package cliui

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/scim-migrate/scim-migrate/internal/report"

	"github.com/urfave/cli/v2"
)

// VersionString is the version --version and version print: the one linked
// in (make build, release archives), or else the module version go install
// recorded, with the VCS commit of the build when the build recorded one.
func VersionString(linked string) string {
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

// VersionInfo is what version --format json prints: what a bug report or an
// inventory of installed tools needs.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

func buildInfo(linked string) VersionInfo {
	v := VersionInfo{Version: orDev(linked), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if linked == "" || linked == "dev" {
		v.Version = orDev(bi.Main.Version)
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func init() {
	// --version says what version does.
	cli.VersionPrinter = func(c *cli.Context) {
		info := buildInfo("")
		fmt.Fprintf(c.App.Writer, "scim-migrate version %s\n%s %s/%s\n", c.App.Version, info.GoVersion, info.OS, info.Arch)
	}
}

// VersionCommand prints the version of the build, linked the one linked
// in, to stdout: as text, or with --format json as a document. flags are
// the ones every command takes, and checkFlags refuses their mistakes (a
// usage error of the command).
func VersionCommand(stdout io.Writer, linked string, flags []cli.Flag, checkFlags func(*cli.Context) error) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the commit it was built from, its Go version and OS/arch",
		Flags: append([]cli.Flag{&cli.StringFlag{Name: "format", Value: string(report.FormatText), Usage: report.FormatHelp(report.DocResult)}},
			flags...),
		Action: func(c *cli.Context) error {
			if err := NoArguments(c); err != nil {
				return err
			}
			if err := checkFlags(c); err != nil {
				return err
			}
			f, err := report.ParseFormat(c.String("format"), report.DocResult)
			if err != nil {
				return withHint(fmt.Errorf("--format: %w", err), c)
			}
			info := buildInfo(linked)
			if f == report.FormatJSON {
				b, _ := json.MarshalIndent(info, "", "  ")
				_, err := fmt.Fprintf(stdout, "%s\n", b)
				return err
			}
			_, err = fmt.Fprintf(stdout, "scim-migrate version %s\n%s %s/%s\n", VersionString(linked), info.GoVersion, info.OS, info.Arch)
			return err
		},
	}
}
