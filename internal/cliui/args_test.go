package cliui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// testApp is an application with a command that has subcommands, and one
// with a switch, as the command-line scanners see them.
func testApp() *cli.App {
	return &cli.App{Name: "scim-migrate", Commands: []*cli.Command{
		{Name: "plan", Flags: []cli.Flag{&cli.BoolFlag{Name: "dry-run"}, &cli.StringFlag{Name: "format"}}},
		{Name: "tokens", Subcommands: []*cli.Command{{Name: "audit", Flags: []cli.Flag{&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}}}}},
	}}
}

func TestCommandOf(t *testing.T) {
	t.Parallel()
	for want, args := range map[string][]string{
		"plan":         {"scim-migrate", "plan", "-f", "m.json"},
		"tokens audit": {"scim-migrate", "tokens", "audit", "--within", "30d"},
		"tokens":       {"scim-migrate", "tokens", "--help"},
		"":             {"scim-migrate", "--version"},
	} {
		if got := CommandOf(args); got != want {
			t.Errorf("CommandOf(%q) = %q, want %q", args, got, want)
		}
	}
	if got := CommandOf(nil); got != "" {
		t.Errorf("CommandOf(nil) = %q", got)
	}
}

// --format json is read as urfave/cli would read it: up to the first
// positional argument, a switch taking no value.
func TestJSONFormatAsked(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]bool{
		"plan --format json":                  true,
		"plan --format=JSON":                  true,
		"plan --dry-run --format json":        true,
		"plan -f m.json --format json":        true,
		"plan m.json --format json":           false, // after the file: refused, not taken
		"plan --format text":                  false,
		"tokens audit -q --format json":       true,
		"tokens audit --within json --format": false,
	} {
		if got := JSONFormatAsked(testApp(), append([]string{"scim-migrate"}, splitWords(args)...)); got != want {
			t.Errorf("JSONFormatAsked(%s) = %v, want %v", args, got, want)
		}
	}
}

func TestFormatOnCommandLine(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]bool{
		"validate --format json m.json": true, "validate --format=text": true,
		"validate m.json": false, "validate -- --format": false,
	} {
		if got := FormatOnCommandLine(splitWords(args)); got != want {
			t.Errorf("FormatOnCommandLine(%s) = %v, want %v", args, got, want)
		}
	}
}

func TestJSONLogsAsked(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tc := range []struct {
		args string
		env  string
		want bool
	}{
		{"plan --log-format json", "", true},
		{"plan --log-format=json", "", true},
		{"plan", "json", true},
		{"plan --log-format text", "json", false},
		{"plan", "", false},
	} {
		if got := JSONLogsAsked(splitWords(tc.args), env(tc.env)); got != tc.want {
			t.Errorf("JSONLogsAsked(%s, env %q) = %v, want %v", tc.args, tc.env, got, tc.want)
		}
	}
}

func TestRepeatedFileFlag(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"scim-migrate validate -f a.json -f b.json":           "--manifest is given twice: give one file",
		"scim-migrate validate -f a.json --manifest=b.json":   "--manifest is given twice: give one file",
		"scim-migrate rollback --from a --from=b":             "--from is given twice: give one file",
		"scim-migrate apply --plan p -f m.json":               "",
		"scim-migrate validate -f a.json -- -f":               "",
		"scim-migrate apply --plan p --report r --report-dir": "",
	} {
		err := RepeatedFileFlag(splitWords(args))
		var usage *UsageError
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", args, err)
		case want != "" && (!errors.As(err, &usage) || err.Error() != want || usage.Hint == ""):
			t.Errorf("%s: %v, want a usage error %q with a hint", args, err, want)
		}
	}
}

func TestHelpOfSubcommand(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"scim-migrate help tokens audit": "scim-migrate tokens audit --help",
		"scim-migrate h plan":            "scim-migrate plan --help",
		"scim-migrate help":              "scim-migrate --help",
		"scim-migrate help plan -x":      "scim-migrate help plan -x",
		"scim-migrate plan help":         "scim-migrate plan help",
	} {
		if got := HelpOfSubcommand(splitWords(args)); !slices.Equal(got, splitWords(want)) {
			t.Errorf("HelpOfSubcommand(%s) = %q, want %q", args, got, want)
		}
	}
}

// splitWords is a command line written as one string.
func splitWords(s string) []string { return strings.Fields(s) }
