package cliui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// Each example fits the widest help with its indent.
func TestExamples_fit(t *testing.T) {
	t.Parallel()
	for name, ex := range examples {
		for _, l := range strings.Split(ex, "\n") {
			if len(l) > helpWidth-4 {
				t.Errorf("an example of %s has %d characters: %s", name, len(l), l)
			}
		}
	}
}

// A command's help is wrapped to the terminal, its flags under their
// groups' headings, its defaults as people write them, its examples last.
func TestCommandHelp_layout(t *testing.T) {
	t.Parallel()
	tenant := []cli.Flag{&cli.StringFlag{Name: "domain", EnvVars: []string{"AUTH0_DOMAIN"}, Usage: "tenant domain, e.g. `acme.eu.auth0.com`"}}
	logging := []cli.Flag{&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors and the summary"}}
	cmd := &cli.Command{Name: "audit", HelpName: "scim-migrate tokens audit", Usage: "list the SCIM tokens of the connections " + strings.Repeat("and say which ones expire ", 4),
		Flags: append(append([]cli.Flag{DurationFlag("within", 30*24*time.Hour, "flag tokens that expire within `DURATION`")}, logging...), tenant...)}
	for _, width := range []int{0, 60, 200} {
		var b bytes.Buffer
		printHelp(HelpWriter(&b, width, FlagGroup{Heading: "TENANT OPTIONS", Flags: tenant}, FlagGroup{Heading: "LOGGING AND OUTPUT OPTIONS", Flags: logging}), "", cmd)
		help := b.String()
		limit := map[int]int{0: helpWidth, 60: 60, 200: helpWidth}[width]
		for _, l := range strings.Split(help, "\n") {
			if len(l) > limit {
				t.Errorf("width %d: a line of %d columns: %q", width, len(l), l)
			}
		}
		order := []string{"NAME:", "USAGE:\n   scim-migrate tokens audit [options]", "OPTIONS:\n   --within DURATION", "(default: 30d)",
			"TENANT OPTIONS:\n   --domain acme.eu.auth0.com", "[env: AUTH0_DOMAIN]", "LOGGING AND OUTPUT OPTIONS:\n   -q, --quiet", "EXAMPLES:\n   # Tokens"}
		at := 0
		for _, want := range order {
			i := strings.Index(help[at:], want)
			if i < 0 {
				t.Fatalf("width %d: %q is missing, or out of order:\n%s", width, want, help)
			}
			at += i
		}
	}
}

// Text is wrapped at spaces, with its first line and the others indented
// as asked; a word wider than a line is cut after a comma.
func TestWrapText(t *testing.T) {
	t.Parallel()
	got := wrapText("one two three four five\n\nsix a,b,c,d,e,f", 12, 1, 3)
	want := " one two\n   three\n   four five\n\n   six\n   a,b,c,d,\n   e,f"
	if got != want {
		t.Errorf("wrapText:\n%s\nwant\n%s", got, want)
	}
}
