package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// allCommandLines are every command and subcommand of scim-migrate.
func allCommandLines() [][]string {
	var out [][]string
	app := newApp(&env{})
	for _, c := range app.Commands {
		if c.Name == "help" {
			continue
		}
		out = append(out, []string{c.Name})
		for _, s := range c.Subcommands {
			if s.Name != "help" {
				out = append(out, []string{c.Name, s.Name})
			}
		}
	}
	return append(out, []string{})
}

// helpOf runs scim-migrate ARGS --help on a terminal of the given width.
func helpOf(t *testing.T, width int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	full := append(append([]string{"scim-migrate"}, args...), "--help")
	code := Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: width > 0, Width: width},
		Deps{Getenv: func(string) string { return "" }})
	if code != 0 || errb.Len() != 0 {
		t.Fatalf("%v: exit %d\n%s%s", full, code, out.String(), errb.String())
	}
	return out.String()
}

// Every command's --help fits 100 columns, or a narrower terminal; has
// examples; and groups the tenant flags under one heading.
func TestHelp_fitsAndReads(t *testing.T) {
	t.Parallel()
	for _, args := range allCommandLines() {
		for _, width := range []int{0, 200, 72} {
			limit := min(100, width)
			if width == 0 {
				limit = 100
			}
			help := helpOf(t, width, args...)
			for i, line := range strings.Split(help, "\n") {
				if len([]rune(line)) > limit {
					t.Errorf("scim-migrate %s --help (width %d), line %d has %d columns:\n%s",
						strings.Join(args, " "), width, i+1, len([]rune(line)), line)
				}
			}
			if len(args) > 0 && !strings.Contains(help, "\nEXAMPLES:\n") {
				t.Errorf("scim-migrate %s --help has no EXAMPLES", strings.Join(args, " "))
			}
			if strings.Contains(help, "--domain") && (strings.Count(help, "TENANT OPTIONS:") != 1 ||
				strings.Index(help, "--domain") < strings.Index(help, "TENANT OPTIONS:")) {
				t.Errorf("scim-migrate %s --help: the tenant flags are not under their heading:\n%s", strings.Join(args, " "), help)
			}
		}
	}
}

// Defaults read as people write them.
func TestHelp_readableDefaults(t *testing.T) {
	t.Parallel()
	help := helpOf(t, 0, "tokens", "audit")
	if !strings.Contains(help, "(default: 30d)") || strings.Contains(help, "720h0m0s") {
		t.Errorf("tokens audit --help --within default:\n%s", help)
	}
	if help := helpOf(t, 0, "tokens", "issue"); !strings.Contains(help, "(default: 365d)") {
		t.Errorf("tokens issue --help --lifetime default:\n%s", help)
	}
}
