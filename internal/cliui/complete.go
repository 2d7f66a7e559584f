package cliui

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/urfave/cli/v2"
)

// Shell completion (the scripts of completion.go ask scim-migrate for the
// candidates): after a flag that takes one of a few values, those values;
// after a dash, the command's flags; after a command with subcommands, them;
// elsewhere nothing, so that the shell completes file names (apply <TAB>
// offers the manifests in the directory, not "help h").

// completionFlag is the argument urfave/cli adds to ask for candidates.
const completionFlag = "--generate-bash-completion"

// flagValues are the values a flag takes, by the command's name and the
// flag's; "*" stands for every command.
var flagValues = map[string][]string{
	"* log-format": {"text", "json"}, "* log-level": {"debug", "info", "warn", "error"},
	"* strategy": scim.SCIMStrategies, "* rps": {"auto"}, "version format": {"text", "json"},
	"export key": {"id", "name"},
	"completion": {"bash", "zsh", "fish"},
}

// withCompletion gives a command and its subcommands the completion above,
// of the command line args, its candidates written to stdout.
func withCompletion(c *cli.Command, args []string, stdout io.Writer, formats func(string) []string) {
	c.BashComplete = func(ctx *cli.Context) { complete(ctx, args, stdout, formats) }
	for _, sub := range c.Subcommands {
		withCompletion(sub, args, stdout, formats)
	}
}

// complete prints to w the candidates for the word after the command line
// (the word itself, when it starts with a dash).
func complete(c *cli.Context, commandLine []string, w io.Writer, formats func(string) []string) {
	args := slices.DeleteFunc(slices.Clone(commandLine), func(a string) bool { return a == completionFlag })
	name := strings.TrimPrefix(c.Command.HelpName, "scim-migrate ")
	last := ""
	if len(args) > 0 {
		last = args[len(args)-1]
	}
	if f := findFlag(c.Command, last); f != nil {
		if tv, ok := f.(cli.DocGenerationFlag); ok && tv.TakesValue() {
			printWords(w, valuesOf(name, f.Names()[0], formats))
			return
		}
	}
	switch {
	case strings.HasPrefix(last, "-"):
		var words []string
		for _, f := range c.Command.VisibleFlags() {
			for _, n := range f.Names() {
				words = append(words, dashed(n))
			}
		}
		printWords(w, words)
	case c.Command.Name == "completion":
		printWords(w, flagValues["completion"])
	default:
		printWords(w, subcommandNames(c.Command))
	}
}

// subcommandNames are a command's own subcommands (not urfave/cli's help).
func subcommandNames(c *cli.Command) []string {
	var words []string
	for _, s := range c.VisibleCommands() {
		if s.Name != "help" {
			words = append(words, s.Name)
		}
	}
	return words
}

func printWords(w io.Writer, words []string) {
	for _, word := range words {
		fmt.Fprintln(w, word)
	}
}

// findFlag is the command's flag the argument names, nil when none.
func findFlag(c *cli.Command, arg string) cli.Flag {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
		return nil
	}
	name := strings.TrimLeft(arg, "-")
	for _, f := range c.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// valuesOf are the candidates of a flag's value; none for a file or a
// number, which the shell or the user completes.
func valuesOf(command, flag string, formats func(command string) []string) []string {
	if v, ok := flagValues[command+" "+flag]; ok {
		return v
	}
	if flag == "format" && formats != nil {
		return formats(command)
	}
	return flagValues["* "+flag]
}
