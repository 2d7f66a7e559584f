package cliui

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Help people read: a command's --help is wrapped to the terminal (at most
// helpWidth columns, so that it fits a review or an 80-column page too), its
// flags are grouped (the command's own, the tenant's, logging and output)
// with their defaults as people write them, and it ends with examples.

// helpWidth is the widest a help line gets, on any terminal.
const helpWidth = 100

// minHelpWidth is the narrowest width help is wrapped to.
const minHelpWidth = 40

func init() { cli.HelpPrinter = printHelp }

// FlagGroup is a heading of a command's help and the flags that go under
// it, after the command's own (the flags are known by their first name).
type FlagGroup struct {
	Heading string
	Flags   []cli.Flag
}

// helpWriter is the writer an application's help goes to: urfave/cli's
// help printer is one for the whole process, and its writer is the only
// thing of the application it is given.
type helpWriter struct {
	io.Writer
	width  int
	groups []FlagGroup
}

// HelpWriter is the writer to give an application as its Writer: help
// written to it is wrapped to width (the terminal's width in columns, 0 when
// unknown or not a terminal), and a command's flags are grouped under
// OPTIONS (its own), then groups.
func HelpWriter(w io.Writer, width int, groups ...FlagGroup) io.Writer {
	return &helpWriter{Writer: w, width: width, groups: groups}
}

// layoutOf is the width help written to w is wrapped to (the terminal's,
// when w knows it and it is narrower than helpWidth) and the groups of its
// flags.
func layoutOf(w io.Writer) (int, []FlagGroup) {
	hw, ok := w.(*helpWriter)
	switch {
	case !ok:
		return helpWidth, nil
	case hw.width > 0:
		return max(minHelpWidth, min(helpWidth, hw.width)), hw.groups
	}
	return helpWidth, hw.groups
}

// printHelp is urfave/cli's help printer: a command's help is written by
// commandHelp, the application's by appHelp.
func printHelp(w io.Writer, templ string, data any) {
	width, groups := layoutOf(w)
	if c, ok := data.(*cli.Command); ok {
		_, _ = io.WriteString(w, commandHelp(c, width, groups))
		return
	}
	if a, ok := data.(*cli.App); ok {
		_, _ = io.WriteString(w, appHelp(a, width))
		return
	}
	cli.HelpPrinterCustom(w, templ, data, map[string]any{"wrapAt": func() int { return width }})
}

// appHelp is the help of scim-migrate itself: what it does, its commands,
// its exit codes.
func appHelp(a *cli.App, width int) string {
	var b strings.Builder
	section := func(heading, body string) { fmt.Fprintf(&b, "%s:\n%s\n\n", heading, body) }
	section("NAME", wrapText(a.Name+" - "+a.Usage, width, 3, 5))
	section("USAGE", "   "+a.Name+" COMMAND [options] [FILE]")
	section("VERSION", "   "+a.Version)
	desc, codes, _ := strings.Cut(a.Description, "Exit codes:")
	section("DESCRIPTION", wrapText(strings.TrimSpace(desc), width, 3, 3))
	section("COMMANDS", commandTable(a.VisibleCommands(), width))
	var rows [][2]string
	for _, l := range strings.Split(strings.TrimSpace(codes), "\n") {
		if code, text, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			rows = append(rows, [2]string{code, strings.TrimSpace(text)})
		}
	}
	section("EXIT CODES", table(rows, width))
	section("GLOBAL OPTIONS", flagTable(a.VisibleFlags(), width))
	b.WriteString(wrapText("Run 'scim-migrate COMMAND --help' for a command's flags and examples.", width, 0, 0) + "\n")
	return b.String()
}

// groupFlags sorts a command's flags under their headings: its own first
// (OPTIONS), then each of groups that has some of them.
func groupFlags(flags []cli.Flag, groups []FlagGroup) []FlagGroup {
	out := []FlagGroup{{Heading: "OPTIONS"}}
	headingOf := map[string]int{}
	for _, g := range groups {
		out = append(out, FlagGroup{Heading: g.Heading})
		for _, name := range flagNames(g.Flags) {
			if _, taken := headingOf[name]; !taken {
				headingOf[name] = len(out) - 1
			}
		}
	}
	for _, f := range flags {
		i := headingOf[f.Names()[0]]
		out[i].Flags = append(out[i].Flags, f)
	}
	return slices.DeleteFunc(out, func(g FlagGroup) bool { return len(g.Flags) == 0 })
}

func flagNames(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()[0])
	}
	return names
}

// commandHelp is the whole help of one command.
func commandHelp(c *cli.Command, width int, groups []FlagGroup) string {
	var b strings.Builder
	section := func(heading, body string) {
		if body != "" {
			fmt.Fprintf(&b, "%s:\n%s\n\n", heading, body)
		}
	}
	section("NAME", wrapText(c.HelpName+" - "+c.Usage, width, 3, 5))
	usage := c.HelpName
	subcommands := slices.DeleteFunc(slices.Clone(c.VisibleCommands()), func(s *cli.Command) bool { return s.Name == "help" })
	if len(subcommands) > 0 {
		usage += " COMMAND"
	}
	if len(c.VisibleFlags()) > 0 {
		usage += " [options]"
	}
	if c.ArgsUsage != "" {
		usage += " " + c.ArgsUsage
	}
	section("USAGE", wrapText(usage, width, 3, 5))
	if c.Description != "" {
		section("DESCRIPTION", wrapText(c.Description, width, 3, 3))
	}
	if len(subcommands) > 0 {
		section("COMMANDS", commandTable(subcommands, width))
	}
	for _, g := range groupFlags(c.VisibleFlags(), groups) {
		section(g.Heading, flagTable(g.Flags, width))
	}
	if ex := examples[strings.TrimPrefix(c.HelpName, "scim-migrate ")]; ex != "" {
		section("EXAMPLES", indentExamples(ex, width))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// commandTable lists subcommands with their usage.
func commandTable(cmds []*cli.Command, width int) string {
	rows := make([][2]string, 0, len(cmds))
	for _, c := range cmds {
		rows = append(rows, [2]string{strings.Join(c.Names(), ", "), c.Usage})
	}
	return table(rows, width)
}

// flagTable lists flags: their names and value, then their usage with the
// default and the environment variable that sets them.
func flagTable(flags []cli.Flag, width int) string {
	rows := make([][2]string, 0, len(flags))
	for _, f := range flags {
		rows = append(rows, flagRow(f))
	}
	return table(rows, width)
}

// placeholder is the `WORD` of a flag's usage that names its value.
var placeholder = regexp.MustCompile("`([^`]*)`")

func flagRow(f cli.Flag) [2]string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return [2]string{strings.Join(f.Names(), ", "), ""}
	}
	usage := df.GetUsage()
	value := ""
	if m := placeholder.FindStringSubmatch(usage); m != nil {
		value = m[1]
		usage = strings.Replace(usage, m[0], m[1], 1)
	}
	if df.TakesValue() && value == "" {
		value = cmpOr(valueNames[f.Names()[0]], "VALUE")
	}
	names := slices.Clone(f.Names())
	slices.SortStableFunc(names, func(a, b string) int { return len(a) - len(b) })
	for i, n := range names {
		names[i] = dashed(n)
	}
	left := strings.Join(names, ", ")
	if value != "" {
		left += " " + value
	}
	if def := defaultText(f, df); def != "" {
		usage += " (default: " + def + ")"
	}
	if envs := df.GetEnvVars(); len(envs) > 0 {
		usage += " [env:" + nbsp + strings.Join(envs, ", ") + "]"
	}
	return [2]string{left, usage}
}

// defaultText is a flag's default as help shows it; none for a switch, an
// empty value, or a usage that already says it.
func defaultText(f cli.Flag, df cli.DocGenerationFlag) string {
	if _, isBool := f.(*cli.BoolFlag); isBool || strings.Contains(df.GetUsage(), "default") {
		return ""
	}
	def := strings.Trim(df.GetDefaultText(), `"`)
	if def == "0" {
		return "" // not set: the usage says what that means
	}
	return def
}

// table writes rows of a name and a text, the texts aligned and wrapped;
// a name too wide for the column puts its text on the next line.
func table(rows [][2]string, width int) string {
	const indent, gap, maxCol = 3, 2, 30
	col := 0
	for _, r := range rows {
		if len(r[0]) <= maxCol {
			col = max(col, len(r[0]))
		}
	}
	textAt := indent + col + gap
	if width-textAt < 30 {
		textAt = indent + 4 // narrow: each text under its name
	}
	var b strings.Builder
	for _, r := range rows {
		left := strings.Repeat(" ", indent) + r[0]
		text := strings.TrimLeft(wrapText(r[1], width, textAt, textAt), " ")
		if len(left)+gap > textAt {
			b.WriteString(left + "\n" + strings.Repeat(" ", textAt) + text + "\n")
			continue
		}
		b.WriteString(left + strings.Repeat(" ", textAt-len(left)) + text + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// wrapText wraps s to width: its first line indented by first, the others
// by rest. Paragraphs (blank lines) and lines already short are kept.
func wrapText(s string, width, first, rest int) string {
	var out []string
	for i, para := range strings.Split(s, "\n") {
		ind := rest
		if i == 0 {
			ind = first
		}
		out = append(out, wrapLine(para, width, ind, rest))
	}
	return strings.Join(out, "\n")
}

func wrapLine(s string, width, first, rest int) string {
	words := breakLong(strings.Fields(s), width-rest)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	line := strings.Repeat(" ", first) + words[0]
	for _, w := range words[1:] {
		if len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = strings.Repeat(" ", rest) + w
			continue
		}
		line += " " + w
	}
	b.WriteString(line)
	return strings.ReplaceAll(b.String(), nbsp, " ")
}

// breakLong cuts words longer than a line (a list of default values) after
// their commas, or else where the line ends.
func breakLong(words []string, room int) []string {
	var out []string
	for _, w := range words {
		for len(w) > room && room > 0 {
			cut := strings.LastIndex(w[:room], ",") + 1
			if cut == 0 {
				cut = room
			}
			out, w = append(out, w[:cut]), w[cut:]
		}
		out = append(out, w)
	}
	return out
}

// nbsp joins two words that wrapping must not part; it is written as a space.
const nbsp = "\x00"

// valueNames name the values of flags whose usage does not.
var valueNames = map[string]string{"format": "FORMAT", "log-format": "FORMAT", "log-level": "LEVEL", "rps": "auto|N",
	"reserve": "SHARE", "concurrency": "N", "max-retries": "N", "audience": "URL", "key": "id|name", "scopes": "a,b,..."}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// continued lays out a command line of an example, broken where it would
// pass width with a backslash, as a shell reads it.
func continued(cmd string, width int) string {
	words := strings.Fields(cmd)
	line := "   " + words[0]
	var out []string
	for _, w := range words[1:] {
		if len(line)+1+len(w)+2 > width {
			out = append(out, line+" \\")
			line = "       " + w
			continue
		}
		line += " " + w
	}
	return strings.Join(append(out, line), "\n")
}

// indentExamples lays out a command's examples: comments wrapped, command
// lines broken only as a shell reads them, indented under the heading.
func indentExamples(ex string, width int) string {
	var out []string
	for _, l := range strings.Split(strings.Trim(ex, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
			out = append(out, wrapText(l, width, 3, 5))
		case l == "":
			out = append(out, "")
		default:
			out = append(out, continued(l, width))
		}
	}
	return strings.Join(out, "\n")
}

// HelpOfSubcommand makes "help [COMMAND...]" show the help of that command
// (help tokens audit: of tokens audit) by turning it into "COMMAND...
// --help". urfave/cli's own help command is hidden (see hideHelpCommands):
// it shows only its first argument's help, and it is one value shared by
// every application in the process.
func HelpOfSubcommand(args []string) []string {
	if len(args) < 2 || args[1] != "help" && args[1] != "h" {
		return args
	}
	for _, a := range args[2:] {
		if strings.HasPrefix(a, "-") {
			return args
		}
	}
	return append(append([]string{args[0]}, args[2:]...), "--help")
}

// hideHelpCommands hides urfave/cli's help command from the application and
// every command: that command is a package-wide value the library writes
// into as it sets each command up, so two runs in one process (parallel
// tests) would write it together. "help COMMAND" works through
// HelpOfSubcommand instead.
func hideHelpCommands(app *cli.App) {
	app.HideHelpCommand = true
	var hide func([]*cli.Command)
	hide = func(cmds []*cli.Command) {
		for _, c := range cmds {
			c.HideHelpCommand = true
			hide(c.Subcommands)
		}
	}
	hide(app.Commands)
}
